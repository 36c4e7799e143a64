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
-- Practice (contract 3.2; the note names the local standard used, config/standards.yaml):
--   cp_visits_in_standard_pct  : of children on a plan that started at least the CP visit standard before
--                                asat, % whose last statutory visit is within it before asat
--   cp_seen_alone_pct          : of children on a plan with a last visit recorded, % seen alone (Yes)
--   cp_reviews_in_time_pct     : of children on a plan started 3 months or more before asat, % whose latest
--                                review conference is within the CP review standard before asat
--   cp_ended_2yrs_plus_r12_pct : plans ended in r12 that had lasted 2 years or more, % of plans ended in r12
-- Visits, reviews and plans ended leave out a child whose dates they read cannot be (any_date_cannot_be);
-- the note counts them.
-- Parameters: $la, $m, $r12_start, $population, $population_note.

with open_counts as (
    select
        (select count(*) from rows_cp_plans_open($la, $m)) as children,
        (select count(*) from rows_cp_open_2yrs_plus($la, $m)) as children_2yrs_plus,
        (select count(*) from rows_cp_open_2yrs_plus($la, $m, excluded := true)) as excluded_2yrs_plus
),

flow_counts as (
    -- rows_cp_second_subsequent_pct is rows_cp_plans_started, each marked numerator or not
    select
        count(*) as started,
        count(*) filter (where counted_in = 'numerator') as second_subsequent,
        (select count(*) from rows_cp_plans_ended($la, $m)) as ended
    from rows_cp_second_subsequent_pct($la, $m)
),

tagged as (
    select 'cp_visits_in_standard_pct' as indicator_id, counted_in
        from rows_cp_visits_in_standard_pct($la, $m)
    union all
    select 'cp_seen_alone_pct', counted_in from rows_cp_seen_alone_pct($la, $m)
    union all
    select 'cp_reviews_in_time_pct', counted_in from rows_cp_reviews_in_time_pct($la, $m)
    union all
    select 'cp_ended_2yrs_plus_r12_pct', counted_in from rows_cp_ended_2yrs_plus_r12_pct($la, $m)
),

-- excluded: the rows timeliness leaves out for a date that cannot be (any_date_cannot_be), for the note
described (indicator_id, standard, empty_reason, coverage, excluded) as (
    values
    ('cp_visits_in_standard_pct', standard_note($la, $m, 'cp_visit'),
        'no plans open long enough to be due a visit', null,
        (select count(*) from rows_cp_visits_in_standard_pct($la, $m, excluded := true))),
    ('cp_seen_alone_pct', null,
        'no children on a plan with a visit recorded', null, 0),
    ('cp_reviews_in_time_pct', standard_note($la, $m, 'cp_review'),
        'no plans open 3 months or more', null,
        (select count(*) from rows_cp_reviews_in_time_pct($la, $m, excluded := true))),
    ('cp_ended_2yrs_plus_r12_pct', null,
        'no plans ended in the 12 months',
        coverage_note(history_covers_from($la, $m, 'cp_plans'), $r12_start, 'the 12 months of plans ended'),
        (select count(*) from rows_cp_ended_2yrs_plus_r12_pct($la, $m, excluded := true)))
),

practice as (
    select d.indicator_id, count(t.counted_in) filter (where t.counted_in = 'numerator') as num,
        count(t.counted_in) as den, d.standard, d.empty_reason, d.coverage, d.excluded
    from described as d
    left join tagged as t using (indicator_id)
    group by all
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
select 'cp_open_2yrs_plus', children_2yrs_plus, null, null, excluded_note(excluded_2yrs_plus)
from open_counts
union all
select indicator_id, pct(num, den), num, den,
    nullif(concat_ws('; ', standard, pct_note(den, empty_reason, excluded), coverage), '')
from practice
