-- caseload_by_team (contract 3, section "caseloads"): open cases at asat (open_cases macro, _macros.sql:
-- Lists 6-8, one case per child, worker from the list with the highest status) by team.
--   cases            : the team's allocated cases
--   workers          : the team's distinct allocated workers
--   average_caseload : cases / workers
--   unallocated      : the team's cases with no allocated worker (their sum is cases_unallocated)
-- Parameters: $la, $m, $asat.

with cases as (
    select team, worker from open_cases($la, $m, $asat)
)

select
    team,
    count(worker) as cases,
    count(distinct worker) as workers,
    case when count(distinct worker) > 0 then count(worker) / count(distinct worker) end as average_caseload,
    count(*) filter (where worker is null) as unallocated
from cases
group by all
order by team
