-- The rows behind the child protection family (see referrals.rows.sql for the shape of a row macro).
-- Open plans are a stock figure, read from snapshot M alone, one row per child; plans started and ended are
-- flow figures, read from the windowed history (contract 1.2). Open at asat (contract 2): cp_start <= asat
-- and (cp_end is null or cp_end > asat).

-- (with the date of birth, for any_date_cannot_be; no figure's rows show it)
CREATE OR REPLACE TEMPORARY MACRO plan_records(la, m) AS TABLE
    SELECT child_id, 'cp_plans' AS list, snapshot_month, source_file, source_sheet, source_row, team, worker,
        cp_start, cp_end, previous_cp_plans, dob
    FROM history_cp_plans(la, m);

CREATE OR REPLACE TEMPORARY MACRO open_plans(la, m) AS TABLE
    SELECT child_id, 'cp_plans' AS list, snapshot_month, source_file, source_sheet, source_row, team, worker,
        cp_start, p_end(m) - cp_start AS days_open
    FROM snapshot_cp_plans(la, m)
    WHERE is_open(cp_start, cp_end, p_end(m)) AND child_id IS NOT NULL;

-- cp_plans_open: children on a plan at asat, one row each (their latest open plan)
CREATE OR REPLACE TEMPORARY MACRO rows_cp_plans_open(la, m) AS TABLE
    SELECT 'count' AS counted_in, * FROM open_plans(la, m)
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY cp_start DESC, source_row) = 1;

-- cp_rate_per_10k: the same children, the numerator of the rate
CREATE OR REPLACE TEMPORARY MACRO rows_cp_rate_per_10k(la, m) AS TABLE
    SELECT * REPLACE ('numerator' AS counted_in) FROM rows_cp_plans_open(la, m);

-- cp_plans_started: plans starting in M
CREATE OR REPLACE TEMPORARY MACRO rows_cp_plans_started(la, m) AS TABLE
    SELECT 'count' AS counted_in, * EXCLUDE (cp_end, dob)
    FROM plan_records(la, m) WHERE cp_start BETWEEN p_start(m) AND p_end(m);

-- cp_plans_ended: plans ending in M
CREATE OR REPLACE TEMPORARY MACRO rows_cp_plans_ended(la, m) AS TABLE
    SELECT 'count' AS counted_in, * EXCLUDE (previous_cp_plans, dob)
    FROM plan_records(la, m) WHERE cp_end BETWEEN p_start(m) AND p_end(m);

-- cp_second_subsequent_pct: plans starting in M; numerator with one or more previous plans
CREATE OR REPLACE TEMPORARY MACRO rows_cp_second_subsequent_pct(la, m) AS TABLE
    SELECT * REPLACE (CASE WHEN previous_cp_plans >= 1 THEN 'numerator' ELSE 'denominator_only' END
        AS counted_in)
    FROM rows_cp_plans_started(la, m);

-- cp_open_2yrs_plus: children on a plan at asat that started on or before asat - 2 years, one row each
-- (their longest-running such plan). A start that cannot be (impossible_date: a plan "open" since before
-- the child could exist) is no long plan: it is left out, and excluded := true lists those rows for the note.
CREATE OR REPLACE TEMPORARY MACRO rows_cp_open_2yrs_plus(la, m, excluded := false) AS TABLE
    SELECT 'count' AS counted_in, child_id, list, snapshot_month, source_file, source_sheet, source_row, team,
        worker, cp_start, days_open
    FROM (SELECT *, 'cp_plans' AS list, p_end(m) - cp_start AS days_open FROM snapshot_cp_plans(la, m))
    WHERE is_open(cp_start, cp_end, p_end(m)) AND child_id IS NOT NULL
        AND cp_start <= CAST(p_end(m) - INTERVAL 2 YEAR AS DATE)
        AND impossible_date(cp_start, dob, snapshot_month) = excluded
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY cp_start, source_row) = 1;

-- Practice (contract 3.2): children on a plan at asat, the same child and plan as rows_cp_plans_open, with
-- the dates of their last statutory visit and latest review conference (and of birth, which no figure's
-- rows show: visits and reviews leave out a child whose dates they read cannot be, any_date_cannot_be).
CREATE OR REPLACE TEMPORARY MACRO plan_practice(la, m) AS TABLE
    SELECT child_id, 'cp_plans' AS list, snapshot_month, source_file, source_sheet, source_row, team, worker,
        cp_start, last_visit, seen_alone, last_review, dob
    FROM snapshot_cp_plans(la, m)
    WHERE is_open(cp_start, cp_end, p_end(m)) AND child_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY cp_start DESC, source_row) = 1;

-- cp_visits_in_standard_pct: children on a plan that started at least the CP visit standard
-- (config/standards.yaml: cp_visit) before asat; numerator when the last visit is within it before asat
CREATE OR REPLACE TEMPORARY MACRO rows_cp_visits_in_standard_pct(la, m, excluded := false) AS TABLE
    SELECT CASE WHEN within_standard(la, m, 'cp_visit', last_visit) THEN 'numerator'
        ELSE 'denominator_only' END AS counted_in, * EXCLUDE (last_review, dob)
    FROM plan_practice(la, m)
    WHERE started_before_standard(la, m, 'cp_visit', cp_start)
        AND any_date_cannot_be([cp_start, last_visit], dob, snapshot_month) = excluded;

-- cp_seen_alone_pct: children on a plan with a last visit recorded; numerator when seen alone (Yes only)
CREATE OR REPLACE TEMPORARY MACRO rows_cp_seen_alone_pct(la, m) AS TABLE
    SELECT CASE WHEN seen_alone = 'Y' THEN 'numerator' ELSE 'denominator_only' END AS counted_in,
        * EXCLUDE (last_review, dob)
    FROM plan_practice(la, m)
    WHERE last_visit IS NOT NULL;

-- cp_reviews_in_time_pct: children on a plan that started 3 months or more before asat (on or before
-- asat - 3 months); numerator when the latest review conference is within the CP review standard
CREATE OR REPLACE TEMPORARY MACRO rows_cp_reviews_in_time_pct(la, m, excluded := false) AS TABLE
    SELECT CASE WHEN within_standard(la, m, 'cp_review', last_review) THEN 'numerator'
        ELSE 'denominator_only' END AS counted_in, * EXCLUDE (last_visit, seen_alone, dob)
    FROM plan_practice(la, m)
    WHERE cp_start <= CAST(p_end(m) - INTERVAL 3 MONTH AS DATE)
        AND any_date_cannot_be([cp_start, last_review], dob, snapshot_month) = excluded;

-- cp_ended_2yrs_plus_r12_pct: plans ended in the 12 months ending asat; numerator when the plan had
-- lasted 2 years or more (cp_end >= cp_start + 2 years)
CREATE OR REPLACE TEMPORARY MACRO rows_cp_ended_2yrs_plus_r12_pct(la, m, excluded := false) AS TABLE
    SELECT CASE WHEN cp_end >= CAST(cp_start + INTERVAL 2 YEAR AS DATE) THEN 'numerator'
        ELSE 'denominator_only' END AS counted_in, * EXCLUDE (previous_cp_plans, dob),
        cp_end - cp_start AS days_on_plan
    FROM plan_records(la, m)
    WHERE cp_end BETWEEN r12_start(m) AND p_end(m)
        AND any_date_cannot_be([cp_start, cp_end], dob, snapshot_month) = excluded;
