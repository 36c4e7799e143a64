-- Section 47 enquiries and initial child protection conferences (contract 3, section "s47").
--   s47_started           : S47 enquiries started in M
--   s47_rate_r12_per_10k  : S47 enquiries started in r12 per 10,000 children
--   icpcs                 : ICPCs held in M
--   icpc_in_15wd_pct      : of them, % held within 15 working days of the S47 start
--   icpc_to_cp_plan_pct   : of them, % resulting in a child protection plan
-- Duration (contract 2): working days d with s47_start < d <= icpc_date; an ICPC dated before its S47
-- start is left out of timeliness and counted in the note.
-- S47s started are counted on the windowed history (contract 1.2); the r12 rate carries a note when the
-- 12 months start before the history does. The rows counted are defined in s47.rows.sql
-- (rows_<indicator_id>), which `csc-report explain` lists.
-- Parameters: $la, $m, $r12_start, $population, $population_note.

with icpcs as (
    -- rows_icpc_to_cp_plan_pct is rows_icpcs, each marked numerator or not
    select
        count(*) as icpcs,
        count(*) filter (where icpc_date < s47_start or date_cannot_be) as excluded,
        count(*) filter (where counted_in = 'numerator') as to_cp_plan
    from rows_icpc_to_cp_plan_pct($la, $m)
),

timeliness as (
    select count(*) as timed, count(*) filter (where counted_in = 'numerator') as in_15wd
    from rows_icpc_in_15wd_pct($la, $m)
),

counts as (
    select
        (select count(*) from rows_s47_started($la, $m)) as started,
        (select count(*) from rows_s47_rate_r12_per_10k($la, $m)) as started_r12,
        *
    from icpcs, timeliness
),

coverage as (
    select coverage_note(history_covers_from($la, $m, 's47'), $r12_start, 'the 12-month count')
        as note
)

select 's47_started' as indicator_id, started as value, null as numerator, null as denominator, null as note
from counts
union all
select 's47_rate_r12_per_10k', rate_per_10k(started_r12, $population), started_r12, $population,
    nullif(concat_ws('; ', $population_note, coverage.note), '')
from counts, coverage
union all
select 'icpcs', icpcs, null, null, null
from counts
union all
select 'icpc_in_15wd_pct', pct(in_15wd, timed), in_15wd, timed,
    pct_note(timed, 'no ICPCs in the month', excluded)
from counts
union all
select 'icpc_to_cp_plan_pct', pct(to_cp_plan, icpcs), to_cp_plan, icpcs,
    pct_note(icpcs, 'no ICPCs in the month', 0)
from counts
