-- The rows behind the looked-after family (see referrals.rows.sql for the shape of a row macro).
-- Children looked after are a stock figure, read from snapshot M alone, one row per child; periods started
-- and ceased are flow figures, read from the windowed history (contract 1.2). Short breaks (legal status
-- V3/V4) are not counted, as DfE counts.

CREATE OR REPLACE TEMPORARY MACRO care_records(la, m) AS TABLE
    SELECT child_id, 'cla' AS list, snapshot_month, source_file, source_sheet, source_row, team, worker,
        cla_start, cla_end, legal_status, coalesce(legal_status IN ('V3', 'V4'), false) AS short_breaks
    FROM history_cla(la, m);

-- cla_open: children looked after at asat (not on short breaks), one row each: their latest open period,
-- with the most placements in 12 months any of their open rows records
CREATE OR REPLACE TEMPORARY MACRO rows_cla_open(la, m) AS TABLE
    SELECT 'count' AS counted_in, child_id, 'cla' AS list, snapshot_month, source_file, source_sheet,
        source_row, team, worker, cla_start, legal_status,
        max(placements_last_12m) OVER (PARTITION BY child_id) AS placements_last_12m,
        p_end(m) - cla_start AS days_open
    FROM snapshot_cla(la, m)
    WHERE is_open(cla_start, cla_end, p_end(m)) AND NOT coalesce(legal_status IN ('V3', 'V4'), false)
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY cla_start DESC, source_row) = 1;

-- cla_rate_per_10k: the same children, the numerator of the rate
CREATE OR REPLACE TEMPORARY MACRO rows_cla_rate_per_10k(la, m) AS TABLE
    SELECT * REPLACE ('numerator' AS counted_in) FROM rows_cla_open(la, m);

-- cla_started: periods of care starting in M, short breaks left out
CREATE OR REPLACE TEMPORARY MACRO rows_cla_started(la, m) AS TABLE
    SELECT 'count' AS counted_in, * EXCLUDE (cla_end, short_breaks)
    FROM care_records(la, m) WHERE cla_start BETWEEN p_start(m) AND p_end(m) AND NOT short_breaks;

-- cla_ceased: periods of care ending in M, short breaks left out
CREATE OR REPLACE TEMPORARY MACRO rows_cla_ceased(la, m) AS TABLE
    SELECT 'count' AS counted_in, * EXCLUDE (short_breaks)
    FROM care_records(la, m) WHERE cla_end BETWEEN p_start(m) AND p_end(m) AND NOT short_breaks;

-- cla_3plus_placements_pct: children looked after at asat; numerator with 3 or more placements in 12 months
CREATE OR REPLACE TEMPORARY MACRO rows_cla_3plus_placements_pct(la, m) AS TABLE
    SELECT * REPLACE (CASE WHEN placements_last_12m >= 3 THEN 'numerator' ELSE 'denominator_only' END
        AS counted_in)
    FROM rows_cla_open(la, m);

-- Practice, health, missing and stability (contract 3.2): children looked after at asat, the same child
-- and period as rows_cla_open, with the columns these figures read and their age at asat (from the
-- month-level date of birth, which care_practice_rows reads for any_date_cannot_be and no figure shows).
CREATE OR REPLACE TEMPORARY MACRO care_practice(la, m) AS TABLE
    SELECT child_id, 'cla' AS list, snapshot_month, source_file, source_sheet, source_row, team, worker,
        cla_start, age_at(dob, p_end(m)) AS age_at_asat, last_visit, last_review, last_health_assessment,
        last_dental_check, missing_episodes, return_interview_offered, return_interview_accepted,
        placement_start, placement_location, dob
    FROM snapshot_cla(la, m)
    WHERE is_open(cla_start, cla_end, p_end(m)) AND NOT coalesce(legal_status IN ('V3', 'V4'), false)
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY cla_start DESC, source_row) = 1;

-- numerator where `counted`; a timeliness figure names the `dates` it reads, and a row one of which cannot
-- be is left out (excluded := true lists those rows instead)
CREATE OR REPLACE TEMPORARY MACRO care_practice_rows(la, m, counted, dates := [], excluded := false) AS TABLE
    SELECT CASE WHEN counted THEN 'numerator' ELSE 'denominator_only' END AS counted_in, * EXCLUDE (dob)
    FROM care_practice(la, m)
    WHERE any_date_cannot_be(dates, dob, snapshot_month) = excluded;

-- cla_visits_in_standard_pct: looked after at least the CLA visit standard (config/standards.yaml:
-- cla_visit); numerator when the last social work visit is within it before asat
CREATE OR REPLACE TEMPORARY MACRO rows_cla_visits_in_standard_pct(la, m, excluded := false) AS TABLE
    SELECT * FROM care_practice_rows(la, m, within_standard(la, m, 'cla_visit', last_visit),
        dates := [cla_start, last_visit], excluded := excluded)
    WHERE started_before_standard(la, m, 'cla_visit', cla_start);

-- cla_reviews_in_time_pct: looked after 20 working days or more (the first review's deadline);
-- numerator when the latest statutory review is within the CLA review standard before asat
CREATE OR REPLACE TEMPORARY MACRO rows_cla_reviews_in_time_pct(la, m, excluded := false) AS TABLE
    SELECT * FROM care_practice_rows(la, m, within_standard(la, m, 'cla_review', last_review),
        dates := [cla_start, last_review], excluded := excluded)
    WHERE wd_between(cla_start, p_end(m)) >= 20;

-- Looked after for 12 months or more at asat (period of care started on or before asat - 12 months)
CREATE OR REPLACE TEMPORARY MACRO care_year_rows(la, m, counted, dates, excluded) AS TABLE
    SELECT * FROM care_practice_rows(la, m, counted, dates := dates, excluded := excluded)
    WHERE cla_start <= CAST(p_end(m) - INTERVAL 12 MONTH AS DATE);

-- cla_health_in_date_pct: looked after 12 months or more; numerator when the last health assessment is
-- within its standard before asat (health_under_5 for a child under 5 at asat, else health)
CREATE OR REPLACE TEMPORARY MACRO rows_cla_health_in_date_pct(la, m, excluded := false) AS TABLE
    SELECT * FROM care_year_rows(la, m, CASE WHEN age_at_asat < 5
        THEN within_standard(la, m, 'health_under_5', last_health_assessment)
        ELSE within_standard(la, m, 'health', last_health_assessment) END,
        [cla_start, last_health_assessment], excluded);

-- cla_dental_in_date_pct: looked after 12 months or more; numerator when the last dental check is within
-- the dental standard before asat
CREATE OR REPLACE TEMPORARY MACRO rows_cla_dental_in_date_pct(la, m, excluded := false) AS TABLE
    SELECT * FROM care_year_rows(la, m, within_standard(la, m, 'dental', last_dental_check),
        [cla_start, last_dental_check], excluded);

-- cla_missing_pct: children looked after; numerator with 1 or more missing episodes in 12 months
CREATE OR REPLACE TEMPORARY MACRO rows_cla_missing_pct(la, m) AS TABLE
    SELECT * FROM care_practice_rows(la, m, coalesce(missing_episodes >= 1, false));

-- cla_missing_episodes: one row per missing episode of a child looked after (episode n of the child's
-- missing_episodes), so that the rows add up to the total
CREATE OR REPLACE TEMPORARY MACRO rows_cla_missing_episodes(la, m) AS TABLE
    SELECT 'count' AS counted_in, * EXCLUDE (counted_in),
        unnest(generate_series(1, missing_episodes)) AS episode
    FROM care_practice_rows(la, m, true)
    WHERE missing_episodes >= 1;

-- return_interviews_offered_pct: children with a missing episode; numerator when offered a return
-- interview after the last (Yes only)
CREATE OR REPLACE TEMPORARY MACRO rows_return_interviews_offered_pct(la, m) AS TABLE
    SELECT * FROM care_practice_rows(la, m, coalesce(return_interview_offered = 'Y', false))
    WHERE missing_episodes >= 1;

-- return_interviews_accepted_pct: children offered a return interview; numerator when accepted (Yes only)
CREATE OR REPLACE TEMPORARY MACRO rows_return_interviews_accepted_pct(la, m) AS TABLE
    SELECT * FROM care_practice_rows(la, m, coalesce(return_interview_accepted = 'Y', false))
    WHERE missing_episodes >= 1 AND return_interview_offered = 'Y';

-- cla_long_term_stability_pct: children under 16 at asat whose period of care started on or before asat -
-- 30 months; numerator when the current placement started on or before asat - 2 years
CREATE OR REPLACE TEMPORARY MACRO rows_cla_long_term_stability_pct(la, m, excluded := false) AS TABLE
    SELECT * FROM care_practice_rows(la, m,
        coalesce(placement_start <= CAST(p_end(m) - INTERVAL 2 YEAR AS DATE), false),
        dates := [cla_start, placement_start], excluded := excluded)
    WHERE age_at_asat < 16 AND cla_start <= CAST(p_end(m) - INTERVAL 30 MONTH AS DATE);

-- cla_placed_out_of_area_pct: children with a placement location; numerator when placed outside the
-- authority
CREATE OR REPLACE TEMPORARY MACRO rows_cla_placed_out_of_area_pct(la, m) AS TABLE
    SELECT * FROM care_practice_rows(la, m, placement_location = 'OUT')
    WHERE placement_location IS NOT NULL;
