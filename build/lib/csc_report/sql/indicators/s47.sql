-- Section 47 enquiries and initial child protection conferences (contract 3, section "s47").
--   s47_started           : S47 enquiries started in M
--   s47_rate_r12_per_10k  : S47 enquiries started in r12 per 10,000 children
--   icpcs                 : ICPCs held in M
--   icpc_in_15wd_pct      : of them, % held within 15 working days of the S47 start
--   icpc_to_cp_plan_pct   : of them, % resulting in a child protection plan
-- Duration (contract 2): working days d with s47_start < d <= icpc_date; an ICPC dated before its S47
-- start is left out of timeliness and counted in the note.
-- S47s started are counted on the windowed history (contract 1.2); the r12 rate carries a note when the
-- 12 months start before the history does.
-- Parameters: $la, $m, $p_start, $p_end, $r12_start, $population, $population_note.

with s47_history as (
    select
        s47_start,
        icpc_date,
        icpc_to_cp,
        icpc_date < s47_start as ends_before_start,
        wd_between(s47_start, icpc_date) <= 15 as in_15wd
    from history_s47($la, $m)
),

counts as (
    select
        count(*) filter (where s47_start between $p_start and $p_end) as started,
        count(*) filter (where s47_start between $r12_start and $p_end) as started_r12,
        count(*) filter (where icpc_date between $p_start and $p_end) as icpcs,
        count(*) filter (where icpc_date between $p_start and $p_end and not ends_before_start) as timed,
        count(*) filter (where icpc_date between $p_start and $p_end and not ends_before_start and in_15wd)
            as in_15wd,
        count(*) filter (where icpc_date between $p_start and $p_end and ends_before_start) as excluded,
        count(*) filter (where icpc_date between $p_start and $p_end and icpc_to_cp = 'Y') as to_cp_plan
    from s47_history
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
