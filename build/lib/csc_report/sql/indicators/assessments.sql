-- Assessments family (contract 3, sections "initial assessments", "core assessments", "assessments").
--   initial_assessments_completed    : initial assessments authorised in M
--   initial_assessments_in_10wd_pct  : of them, % authorised within 10 working days of start
--   core_assessments_completed       : core assessments authorised in M
--   core_assessments_in_35wd         : of them, those within 35 working days of start
--   core_assessments_in_35wd_pct     : the %
--   assessments_completed            : single/continuous assessments authorised in M
--   assessments_in_45wd_pct          : of them, % within 45 working days of start
--   assessments_open_overdue         : assessments open at asat whose duration from start to asat exceeds
--                                      their timescale (initial 10, core 35, single 45 working days)
-- Type: assessment_type; a row without one is a single assessment (the 2014+ layout has no such column,
-- and then the initial/core indicators are "not available": see assessments.yaml `requires`).
-- On a pre-2014 extract the single indicators count only 'single' rows; with none at all they are empty.
-- Duration (contract 2): working days d with start < d <= auth; "within N" = duration <= N; rows
-- authorised before their start are left out of timeliness and counted in the note.
-- Assessments authorised are flow figures (windowed history); open and overdue is a stock figure, read from
-- snapshot M alone (contract 1.2).
-- Parameters: $la, $m, $p_start, $p_end, $asat.

with assessment_history as (
    select
        assessment_start,
        assessment_auth,
        coalesce(assessment_type, 'single') as assessment_type
    from history_assessments($la, $m)
),

timescales(assessment_type, working_days) as (
    values ('initial', 10), ('core', 35), ('single', 45)
),

extract_has_single_assessments as (
    -- false only for a typed (pre-2014) snapshot M that records initial/core assessments alone
    select coalesce(bool_or(coalesce(assessment_type, 'single') = 'single'), true) as has_single
    from assessments
    where la_code = $la and snapshot_month = $m
),

measured as (
    select
        a.assessment_type,
        a.assessment_auth between $p_start and $p_end as authorised_in_month,
        a.assessment_auth < a.assessment_start as ends_before_start,
        wd_between(a.assessment_start, a.assessment_auth) <= t.working_days as in_timescale
    from assessment_history as a
    inner join timescales as t using (assessment_type)
),

open_overdue as (
    select count(*) as overdue
    from snapshot_assessments($la, $m) as a
    inner join timescales as t on t.assessment_type = coalesce(a.assessment_type, 'single')
    where is_open(a.assessment_start, a.assessment_auth, $asat)
        and wd_between(a.assessment_start, $asat) > t.working_days
),

by_type as (
    select
        assessment_type,
        count(*) filter (where authorised_in_month) as completed,
        count(*) filter (where authorised_in_month and not ends_before_start) as timed,
        count(*) filter (where authorised_in_month and not ends_before_start and in_timescale)
            as in_timescale,
        count(*) filter (where authorised_in_month and ends_before_start) as excluded
    from measured
    group by assessment_type
),

completed as (
    select
        t.assessment_type,
        coalesce(b.completed, 0) as completed,
        coalesce(b.timed, 0) as timed,
        coalesce(b.in_timescale, 0) as in_timescale,
        coalesce(b.excluded, 0) as excluded
    from timescales as t
    left join by_type as b using (assessment_type)
),

initial as (select * from completed where assessment_type = 'initial'),
core as (select * from completed where assessment_type = 'core'),

single as (
    -- a pre-2014 extract without single assessments leaves these empty rather than a misleading 0
    select
        case when has_single then completed end as completed,
        case when has_single then timed end as timed,
        case when has_single then in_timescale end as in_timescale,
        excluded,
        case when not has_single
            then 'the extract records initial and core assessments only (pre-2014 layout): '
                || 'no single assessments'
        end as no_single_note
    from completed, extract_has_single_assessments
    where assessment_type = 'single'
)

select 'initial_assessments_completed' as indicator_id, completed as value, null as numerator,
    null as denominator, null as note
from initial
union all
select 'initial_assessments_in_10wd_pct', pct(in_timescale, timed), in_timescale, timed,
    pct_note(timed, 'no initial assessments authorised in the month', excluded)
from initial
union all
select 'core_assessments_completed', completed, null, null, null
from core
union all
select 'core_assessments_in_35wd', in_timescale, null, null, excluded_note(excluded)
from core
union all
select 'core_assessments_in_35wd_pct', pct(in_timescale, timed), in_timescale, timed,
    pct_note(timed, 'no core assessments authorised in the month', excluded)
from core
union all
select 'assessments_completed', completed, null, null, no_single_note
from single
union all
select 'assessments_in_45wd_pct', pct(in_timescale, timed), in_timescale, timed,
    coalesce(no_single_note, pct_note(timed, 'no assessments authorised in the month', excluded))
from single
union all
select 'assessments_open_overdue', overdue, null, null, null
from open_overdue
