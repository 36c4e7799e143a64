-- Children in need (contract 3.2, section "children in need"), from List 6.
--   cin_open                 : children open at asat, one per child (DfE's children in need include
--                              children on a CP plan and looked after: List 6 holds whom the authority lists)
--   cin_rate_per_10k         : cin_open per 10,000 children
--   cin_started / cin_closed : List 6 episodes starting / closing in M
--   cin_seen_in_standard_pct : of cin_open whose episode started at least the CIN standard before asat,
--                              % last seen within it before asat; the note names the standard
-- The rows counted are defined in children_in_need.rows.sql (rows_<indicator_id>), which
-- `csc-report explain` lists. Parameters: $la, $m, $population, $population_note.

with counts as (
    select
        (select count(*) from rows_cin_open($la, $m)) as children,
        (select count(*) from rows_cin_started($la, $m)) as started,
        (select count(*) from rows_cin_closed($la, $m)) as closed
),

seen as (
    select count(*) filter (where counted_in = 'numerator') as num, count(*) as den,
        (select count(*) from rows_cin_seen_in_standard_pct($la, $m, excluded := true)) as excluded
    from rows_cin_seen_in_standard_pct($la, $m)
)

select 'cin_open' as indicator_id, children as value, null as numerator, null as denominator, null as note
from counts
union all
select 'cin_rate_per_10k', rate_per_10k(children, $population), children, $population, $population_note
from counts
union all
select 'cin_started', started, null, null, null
from counts
union all
select 'cin_closed', closed, null, null, null
from counts
union all
select 'cin_seen_in_standard_pct', pct(num, den), num, den,
    concat_ws('; ', standard_note($la, $m, 'cin_seen'),
        pct_note(den, 'no children in need open long enough to be due a visit', excluded))
from seen
