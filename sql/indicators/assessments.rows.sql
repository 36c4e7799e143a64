-- The rows behind the assessments family (see referrals.rows.sql for the shape of a row macro).
-- Type: assessment_type; a row without one is a single assessment. Timescales: initial 10, core 35, single
-- 45 working days. Duration (contract 2): working days d with start < d <= auth; "within N" = duration <= N;
-- rows authorised before their start, or with a date that cannot be (impossible_date), are left out of
-- timeliness (the figure's note counts them).
-- Authorised assessments come from the windowed history; open ones from snapshot M alone (contract 1.2).

CREATE OR REPLACE TEMPORARY MACRO assessment_timescale(assessment_type) AS
    CASE assessment_type WHEN 'initial' THEN 10 WHEN 'core' THEN 35 WHEN 'single' THEN 45 END;

-- false only for a typed (pre-2014) snapshot M that records initial/core assessments alone: then the single
-- figures are empty, not a misleading 0, and have no rows
CREATE OR REPLACE TEMPORARY MACRO has_single_assessments(la, m) AS (
    SELECT coalesce(bool_or(coalesce(assessment_type, 'single') = 'single'), true)
    FROM snapshot_assessments(la, m)
);

-- every assessment authorised in M, of each type (single ones only when the extract records them)
CREATE OR REPLACE TEMPORARY MACRO assessments_authorised(la, m) AS TABLE
    SELECT child_id, 'assessments' AS list, snapshot_month, source_file, source_sheet, source_row, team,
        worker, coalesce(assessment_type, 'single') AS assessment_type, assessment_start, assessment_auth,
        wd_between(assessment_start, assessment_auth) AS working_days,
        assessment_timescale(coalesce(assessment_type, 'single')) AS timescale_working_days,
        impossible_date(assessment_start, dob, snapshot_month)
            OR impossible_date(assessment_auth, dob, snapshot_month) AS date_cannot_be
    FROM history_assessments(la, m)
    WHERE assessment_auth BETWEEN p_start(m) AND p_end(m)
        AND assessment_timescale(coalesce(assessment_type, 'single')) IS NOT NULL
        AND (coalesce(assessment_type, 'single') <> 'single' OR has_single_assessments(la, m));

-- of them, those timed (not authorised before the start): numerator when within the timescale
CREATE OR REPLACE TEMPORARY MACRO assessments_timed(la, m) AS TABLE
    SELECT CASE WHEN working_days <= timescale_working_days THEN 'numerator' ELSE 'denominator_only' END
            AS counted_in, *
    FROM assessments_authorised(la, m) WHERE NOT assessment_auth < assessment_start AND NOT date_cannot_be;

-- initial_assessments_completed: initial assessments authorised in M
CREATE OR REPLACE TEMPORARY MACRO rows_initial_assessments_completed(la, m) AS TABLE
    SELECT 'count' AS counted_in, * FROM assessments_authorised(la, m) WHERE assessment_type = 'initial';

-- initial_assessments_in_10wd_pct
CREATE OR REPLACE TEMPORARY MACRO rows_initial_assessments_in_10wd_pct(la, m) AS TABLE
    SELECT * FROM assessments_timed(la, m) WHERE assessment_type = 'initial';

-- core_assessments_completed: core assessments authorised in M
CREATE OR REPLACE TEMPORARY MACRO rows_core_assessments_completed(la, m) AS TABLE
    SELECT 'count' AS counted_in, * FROM assessments_authorised(la, m) WHERE assessment_type = 'core';

-- core_assessments_in_35wd: of them, those within 35 working days
CREATE OR REPLACE TEMPORARY MACRO rows_core_assessments_in_35wd(la, m) AS TABLE
    SELECT * REPLACE ('count' AS counted_in)
    FROM assessments_timed(la, m) WHERE assessment_type = 'core' AND counted_in = 'numerator';

-- core_assessments_in_35wd_pct
CREATE OR REPLACE TEMPORARY MACRO rows_core_assessments_in_35wd_pct(la, m) AS TABLE
    SELECT * FROM assessments_timed(la, m) WHERE assessment_type = 'core';

-- assessments_completed: single assessments authorised in M
CREATE OR REPLACE TEMPORARY MACRO rows_assessments_completed(la, m) AS TABLE
    SELECT 'count' AS counted_in, * FROM assessments_authorised(la, m) WHERE assessment_type = 'single';

-- assessments_in_45wd_pct
CREATE OR REPLACE TEMPORARY MACRO rows_assessments_in_45wd_pct(la, m) AS TABLE
    SELECT * FROM assessments_timed(la, m) WHERE assessment_type = 'single';

-- assessments_open_overdue: open at asat (snapshot M) and open for longer than the timescale. A start that
-- cannot be (impossible_date) is no overdue assessment: it is left out, and excluded := true lists those
-- rows for the note.
CREATE OR REPLACE TEMPORARY MACRO rows_assessments_open_overdue(la, m, excluded := false) AS TABLE
    SELECT * FROM (
        SELECT 'count' AS counted_in, child_id, 'assessments' AS list, snapshot_month, source_file,
            source_sheet, source_row, team, worker, coalesce(assessment_type, 'single') AS assessment_type,
            assessment_start, wd_between(assessment_start, p_end(m)) AS working_days_open,
            assessment_timescale(coalesce(assessment_type, 'single')) AS timescale_working_days,
            p_end(m) - assessment_start AS days_open
        FROM snapshot_assessments(la, m)
        WHERE is_open(assessment_start, assessment_auth, p_end(m))
            AND impossible_date(assessment_start, dob, snapshot_month) = excluded
    )
    WHERE working_days_open > timescale_working_days;
