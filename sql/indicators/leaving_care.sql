-- Care leavers (contract 3, section "leaving care"): List 9 of snapshot M (a snapshot-only list).
--   care_leavers                            : List 9 rows
--   care_leavers_in_touch_pct               : LA in touch = Yes, % of all List 9 rows
--   care_leavers_suitable_accommodation_pct : accommodation suitable, % of all List 9 rows
--   care_leavers_neet_pct                   : activity G4, G5 or G6 (not in education, employment or
--                                             training), % of all List 9 rows
--   pathway_plans_in_date_pct               : latest pathway plan review within 6 months before asat
--                                             (asat - 6 months <= review <= asat), % of all List 9 rows;
--                                             the 2024 layout only (see leaving_care.yaml `requires`)
--   care_leavers_contact_in_standard_pct    : latest date of contact within the care-leaver contact
--                                             standard before asat (contract 3.2), % of all List 9 rows
--   care_leavers_19_21, care_leavers_17_18 and their _in_touch_pct, _suitable_accommodation_pct and
--   _neet_pct                               : the same over care leavers aged 19-21 (17-18) at asat, age
--                                             from the month-level date of birth (contract 3.2)
-- Pathway plans and contact leave out a row whose date they read cannot be (any_date_cannot_be); the note
-- counts them.
-- The rows counted are defined in leaving_care.rows.sql (rows_<indicator_id>), which `csc-report explain`
-- lists. Parameters: $la, $m.

with tagged as (
    select 'care_leavers_in_touch_pct' as indicator_id, counted_in
        from rows_care_leavers_in_touch_pct($la, $m)
    union all
    select 'care_leavers_suitable_accommodation_pct', counted_in
        from rows_care_leavers_suitable_accommodation_pct($la, $m)
    union all
    select 'care_leavers_neet_pct', counted_in from rows_care_leavers_neet_pct($la, $m)
    union all
    select 'pathway_plans_in_date_pct', counted_in from rows_pathway_plans_in_date_pct($la, $m)
    union all
    select 'care_leavers_contact_in_standard_pct', counted_in
        from rows_care_leavers_contact_in_standard_pct($la, $m)
    union all
    select 'care_leavers_19_21_in_touch_pct', counted_in from rows_care_leavers_19_21_in_touch_pct($la, $m)
    union all
    select 'care_leavers_19_21_suitable_accommodation_pct', counted_in
        from rows_care_leavers_19_21_suitable_accommodation_pct($la, $m)
    union all
    select 'care_leavers_19_21_neet_pct', counted_in from rows_care_leavers_19_21_neet_pct($la, $m)
    union all
    select 'care_leavers_17_18_in_touch_pct', counted_in from rows_care_leavers_17_18_in_touch_pct($la, $m)
    union all
    select 'care_leavers_17_18_suitable_accommodation_pct', counted_in
        from rows_care_leavers_17_18_suitable_accommodation_pct($la, $m)
    union all
    select 'care_leavers_17_18_neet_pct', counted_in from rows_care_leavers_17_18_neet_pct($la, $m)
),

-- excluded: the rows timeliness leaves out for a date that cannot be (any_date_cannot_be), for the note
described (indicator_id, standard, empty_reason, excluded) as (
    values
    ('care_leavers_in_touch_pct', null,
        'no care leavers in the extract', 0),
    ('care_leavers_suitable_accommodation_pct', null,
        'no care leavers in the extract', 0),
    ('care_leavers_neet_pct', null,
        'no care leavers in the extract', 0),
    ('pathway_plans_in_date_pct', null,
        'no care leavers in the extract',
        (select count(*) from rows_pathway_plans_in_date_pct($la, $m, excluded := true))),
    ('care_leavers_contact_in_standard_pct', standard_note($la, $m, 'care_leaver_contact'),
        'no care leavers in the extract',
        (select count(*) from rows_care_leavers_contact_in_standard_pct($la, $m, excluded := true))),
    ('care_leavers_19_21_in_touch_pct', 'age 19-21 at the month end, from the month of birth the warehouse keeps',
        'no care leavers aged 19 to 21 at the month end', 0),
    ('care_leavers_19_21_suitable_accommodation_pct', 'age 19-21 at the month end, from the month of birth the warehouse keeps',
        'no care leavers aged 19 to 21 at the month end', 0),
    ('care_leavers_19_21_neet_pct', 'age 19-21 at the month end, from the month of birth the warehouse keeps',
        'no care leavers aged 19 to 21 at the month end', 0),
    ('care_leavers_17_18_in_touch_pct', 'age 17-18 at the month end, from the month of birth the warehouse keeps',
        'no care leavers aged 17 or 18 at the month end', 0),
    ('care_leavers_17_18_suitable_accommodation_pct', 'age 17-18 at the month end, from the month of birth the warehouse keeps',
        'no care leavers aged 17 or 18 at the month end', 0),
    ('care_leavers_17_18_neet_pct', 'age 17-18 at the month end, from the month of birth the warehouse keeps',
        'no care leavers aged 17 or 18 at the month end', 0)
),

parts as (
    select d.indicator_id, count(t.counted_in) filter (where t.counted_in = 'numerator') as num,
        count(t.counted_in) as den, d.standard, d.empty_reason, d.excluded
    from described as d
    left join tagged as t using (indicator_id)
    group by all
)

select 'care_leavers' as indicator_id, count(*) as value, null as numerator, null as denominator,
    null as note
from rows_care_leavers($la, $m)
union all
select 'care_leavers_19_21', count(*), null, null,
    'age 19-21 at the month end, from the month of birth the warehouse keeps'
from rows_care_leavers_19_21($la, $m)
union all
select 'care_leavers_17_18', count(*), null, null,
    'age 17-18 at the month end, from the month of birth the warehouse keeps'
from rows_care_leavers_17_18($la, $m)
union all
select indicator_id, pct(num, den), num, den,
    nullif(concat_ws('; ', standard, pct_note(den, empty_reason, excluded)), '')
from parts
