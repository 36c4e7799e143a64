-- Care leavers (contract 3, section "leaving care"): List 9 of snapshot M (a snapshot-only list).
--   care_leavers                            : List 9 rows
--   care_leavers_in_touch_pct               : LA in touch = Yes, % of all List 9 rows
--   care_leavers_suitable_accommodation_pct : accommodation suitable, % of all List 9 rows
--   care_leavers_neet_pct                   : activity G4, G5 or G6 (not in education, employment or
--                                             training), % of all List 9 rows
--   pathway_plans_in_date_pct               : latest pathway plan review within 6 months before asat
--                                             (asat - 6 months <= review <= asat), % of all List 9 rows;
--                                             the 2024 layout only (see leaving_care.yaml `requires`)
-- The rows counted are defined in leaving_care.rows.sql (rows_<indicator_id>), which `csc-report explain`
-- lists. Parameters: $la, $m.

with counts as (
    select
        (select count(*) from rows_care_leavers($la, $m)) as care_leavers,
        (select count(*) filter (where counted_in = 'numerator') from rows_care_leavers_in_touch_pct($la, $m))
            as in_touch,
        (select count(*) filter (where counted_in = 'numerator')
            from rows_care_leavers_suitable_accommodation_pct($la, $m)) as suitable,
        (select count(*) filter (where counted_in = 'numerator') from rows_care_leavers_neet_pct($la, $m))
            as neet,
        (select count(*) filter (where counted_in = 'numerator') from rows_pathway_plans_in_date_pct($la, $m))
            as pathway_in_date
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
