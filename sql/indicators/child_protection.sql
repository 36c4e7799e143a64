-- Child protection plans (contract 3, section "child protection").
--   cp_plans_open            : children on a CP plan at asat (distinct children)
--   cp_rate_per_10k          : cp_plans_open per 10,000 children
--   cp_plans_started         : plans starting in M
--   cp_plans_ended           : plans ending in M
--   cp_second_subsequent_pct : plans starting in M with Number of Previous CP Plans >= 1, % of plans starting
--   cp_open_2yrs_plus        : children on a plan at asat whose plan started on or before asat - 2 years
-- Open at asat (contract 2): cp_start <= asat and (cp_end is null or cp_end > asat): a plan ending on asat
-- is not open. Open plans are a stock figure, read from snapshot M alone; plans started and ended are flow
-- figures, read from the windowed history (contract 1.2). The rows counted are defined in
-- child_protection.rows.sql (rows_<indicator_id>), which `csc-report explain` lists.
-- Parameters: $la, $m, $population, $population_note.

with open_counts as (
    select
        (select count(*) from rows_cp_plans_open($la, $m)) as children,
        (select count(*) from rows_cp_open_2yrs_plus($la, $m)) as children_2yrs_plus
),

flow_counts as (
    -- rows_cp_second_subsequent_pct is rows_cp_plans_started, each marked numerator or not
    select
        count(*) as started,
        count(*) filter (where counted_in = 'numerator') as second_subsequent,
        (select count(*) from rows_cp_plans_ended($la, $m)) as ended
    from rows_cp_second_subsequent_pct($la, $m)
)

select 'cp_plans_open' as indicator_id, children as value, null as numerator, null as denominator,
    null as note
from open_counts
union all
select 'cp_rate_per_10k', rate_per_10k(children, $population), children, $population, $population_note
from open_counts
union all
select 'cp_plans_started', started, null, null, null
from flow_counts
union all
select 'cp_plans_ended', ended, null, null, null
from flow_counts
union all
select 'cp_second_subsequent_pct', pct(second_subsequent, started), second_subsequent, started,
    pct_note(started, 'no plans started in the month', 0)
from flow_counts
union all
select 'cp_open_2yrs_plus', children_2yrs_plus, null, null, null
from open_counts
