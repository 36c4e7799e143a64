-- Care leavers (contract 3, section "leaving care"): List 9 of snapshot M (a snapshot-only list).
--   care_leavers                            : List 9 rows
--   care_leavers_in_touch_pct               : LA in touch = Yes, % of all List 9 rows
--   care_leavers_suitable_accommodation_pct : accommodation suitable, % of all List 9 rows
--   care_leavers_neet_pct                   : activity G4, G5 or G6 (not in education, employment or
--                                             training), % of all List 9 rows
--   pathway_plans_in_date_pct               : latest pathway plan review within 6 months before asat
--                                             (asat - 6 months <= review <= asat), % of all List 9 rows;
--                                             the 2024 layout only (see leaving_care.yaml `requires`)
-- Parameters: $la, $m, $asat.

with care_leavers_at_asat as (
    select in_touch, suitability, activity, pathway_review_date
    from care_leavers
    where la_code = $la and snapshot_month = $m
),

counts as (
    select
        count(*) as care_leavers,
        count(*) filter (where in_touch = 'YES') as in_touch,
        count(*) filter (where suitability = 'suitable') as suitable,
        count(*) filter (where activity in ('G4', 'G5', 'G6')) as neet,
        count(*) filter (
            where pathway_review_date between ($asat - interval 6 month)::date and $asat
        ) as pathway_in_date
    from care_leavers_at_asat
)

select 'care_leavers' as indicator_id, care_leavers as value, null as numerator, null as denominator,
    null as note
from counts
union all
select 'care_leavers_in_touch_pct', pct(in_touch, care_leavers), in_touch, care_leavers,
    pct_note(care_leavers, 'no care leavers in the extract', 0)
from counts
union all
select 'care_leavers_suitable_accommodation_pct', pct(suitable, care_leavers), suitable, care_leavers,
    pct_note(care_leavers, 'no care leavers in the extract', 0)
from counts
union all
select 'care_leavers_neet_pct', pct(neet, care_leavers), neet, care_leavers,
    pct_note(care_leavers, 'no care leavers in the extract', 0)
from counts
union all
select 'pathway_plans_in_date_pct', pct(pathway_in_date, care_leavers), pathway_in_date, care_leavers,
    pct_note(care_leavers, 'no care leavers in the extract', 0)
from counts
