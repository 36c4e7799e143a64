-- Social work workforce (contract 3, section "workforce"): the workforce extract of snapshot M.
--   sw_establishment_fte : establishment FTE
--   sw_vacancies_fte     : vacancies = establishment - filled (permanent staff in post)
--   sw_vacancy_rate_pct  : vacancies / establishment, %
--   sw_agency_fte        : agency FTE
--   sw_agency_rate_pct   : agency / (filled + agency), %
-- Parameters: $la, $m.

-- FTEs are summed as DECIMAL: a sum of doubles depends on the order rows arrive in, and a re-run must
-- give the same figure to the last digit.
with posts as (
    select
        cast(establishment_fte as decimal(18, 6)) as establishment_fte,
        cast(filled_fte as decimal(18, 6)) as filled_fte,
        cast(agency_fte as decimal(18, 6)) as agency_fte
    from workforce
    where la_code = $la and snapshot_month = $m
),

totals as (
    select
        cast(coalesce(sum(establishment_fte), 0) as double) as establishment,
        cast(coalesce(sum(filled_fte), 0) as double) as filled,
        cast(coalesce(sum(agency_fte), 0) as double) as agency
    from posts
),

derived as (
    select *, establishment - filled as vacancies, filled + agency as staffed
    from totals
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
