-- Caseloads (contract 3, section "caseloads"). Open cases at asat come from the open_cases macro
-- (_macros.sql): Lists 6-8, one case per child, allocated to the worker on the list with the highest
-- status (looked after > CP > CIN).
--   cases_open        : children with an open case at asat
--   cases_unallocated : of them, children with no allocated worker
--   caseload_average  : allocated cases per allocated worker (distinct workers), LA-wide; the per-team
--                       averages are the caseload_by_team table (sql/tables/caseload_by_team.sql)
-- The rows counted are defined in caseloads.rows.sql (rows_<indicator_id>), which `csc-report explain`
-- lists. Parameters: $la, $m.

with counts as (
    select
        (select count(*) from rows_cases_open($la, $m)) as cases_open,
        (select count(*) from rows_cases_unallocated($la, $m)) as unallocated,
        count(*) as allocated,
        count(distinct worker) as workers
    from rows_caseload_average($la, $m)
)

select 'cases_open' as indicator_id, cases_open as value, null as numerator, null as denominator,
    null as note
from counts
union all
select 'cases_unallocated', unallocated, null, null, null
from counts
union all
select 'caseload_average', case when workers > 0 then allocated / workers end, allocated, workers,
    case when workers = 0 then 'no allocated workers at the month end: average empty' end
from counts
