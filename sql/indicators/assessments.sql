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
-- snapshot M alone (contract 1.2). The rows counted are defined in assessments.rows.sql (rows_<indicator_id>,
-- each the rows of one type of assessments_authorised or assessments_timed, which this query counts by
-- type), which `csc-report explain` lists.
-- Parameters: $la, $m.

with authorised as (
    select assessment_type, count(*) as completed,
        count(*) filter (where assessment_auth < assessment_start or date_cannot_be) as excluded
    from assessments_authorised($la, $m)
    group by assessment_type
),

timed as (
    select assessment_type, count(*) as timed,
        count(*) filter (where counted_in = 'numerator') as in_timescale
    from assessments_timed($la, $m)
    group by assessment_type
),

completed as (
    select
        assessment_type,
        coalesce(a.completed, 0) as completed,
        coalesce(t.timed, 0) as timed,
        coalesce(t.in_timescale, 0) as in_timescale,
        coalesce(a.excluded, 0) as excluded
    from (values ('initial'), ('core'), ('single')) as kinds(assessment_type)
    left join authorised as a using (assessment_type)
    left join timed as t using (assessment_type)
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
    from completed, (select has_single_assessments($la, $m) as has_single)
    where assessment_type = 'single'
),

open_overdue as (
    select count(*) as overdue,
        (select count(*) from rows_assessments_open_overdue($la, $m, excluded := true)) as excluded
    from rows_assessments_open_overdue($la, $m)
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
select 'assessments_open_overdue', overdue, null, null, excluded_note(excluded)
from open_overdue
