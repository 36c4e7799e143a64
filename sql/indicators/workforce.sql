-- Social work workforce (contract 3, section "workforce"): the workforce extract of snapshot M.
--   sw_establishment_fte : establishment FTE
--   sw_vacancies_fte     : vacancies = establishment - filled (permanent staff in post)
--   sw_vacancy_rate_pct  : vacancies / establishment, %
--   sw_agency_fte        : agency FTE
--   sw_agency_rate_pct   : agency / (filled + agency), %
-- Parameters: $la, $m.

-- The posts summed are defined in workforce.rows.sql (rows_<indicator_id>), which `csc-report explain` lists.
with derived as (
    select
        (select cast(coalesce(sum(fte), 0) as double) from rows_sw_establishment_fte($la, $m)) as establishment,
        (select cast(coalesce(sum(fte), 0) as double) from rows_sw_vacancies_fte($la, $m)) as vacancies,
        (select cast(coalesce(sum(fte), 0) as double) from rows_sw_agency_fte($la, $m)) as agency,
        (select cast(coalesce(sum(denominator_fte), 0) as double) from rows_sw_agency_rate_pct($la, $m))
            as staffed
)

select 'sw_establishment_fte' as indicator_id, establishment as value, null as numerator,
    null as denominator, null as note
from derived
union all
select 'sw_vacancies_fte', vacancies, null, null, null
from derived
union all
select 'sw_vacancy_rate_pct', pct(vacancies, establishment), vacancies, establishment,
    pct_note(establishment, 'no establishment FTE in the workforce extract', 0)
from derived
union all
select 'sw_agency_fte', agency, null, null, null
from derived
union all
select 'sw_agency_rate_pct', pct(agency, staffed), agency, staffed,
    pct_note(staffed, 'no filled or agency FTE in the workforce extract', 0)
from derived
