-- The rows behind the leaving care family (see referrals.rows.sql for the shape of a row macro): List 9
-- of snapshot M (a snapshot-only list); every row is in each percentage's denominator.

CREATE OR REPLACE TEMPORARY MACRO care_leaver_records(la, m) AS TABLE
    SELECT child_id, 'care_leavers' AS list, snapshot_month, source_file, source_sheet, source_row, team,
        worker, personal_advisor, in_touch, suitability, activity, pathway_review_date
    FROM snapshot_care_leavers(la, m);

CREATE OR REPLACE TEMPORARY MACRO care_leaver_rows(la, m, counted) AS TABLE
    SELECT CASE WHEN counted THEN 'numerator' ELSE 'denominator_only' END AS counted_in, *
    FROM care_leaver_records(la, m);

-- care_leavers: List 9 rows
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers(la, m) AS TABLE
    SELECT 'count' AS counted_in, * FROM care_leaver_records(la, m);

-- care_leavers_in_touch_pct: numerator when the LA is in touch
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_in_touch_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_rows(la, m, coalesce(in_touch = 'YES', false));

-- care_leavers_suitable_accommodation_pct: numerator when the accommodation is suitable
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_suitable_accommodation_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_rows(la, m, coalesce(suitability = 'suitable', false));

-- care_leavers_neet_pct: numerator when the activity is G4, G5 or G6 (not in education, employment or
-- training)
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_neet_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_rows(la, m, coalesce(activity IN ('G4', 'G5', 'G6'), false));

-- pathway_plans_in_date_pct: numerator when the latest pathway plan review is within 6 months before asat
CREATE OR REPLACE TEMPORARY MACRO rows_pathway_plans_in_date_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_rows(la, m, coalesce(
        pathway_review_date BETWEEN CAST(p_end(m) - INTERVAL 6 MONTH AS DATE) AND p_end(m), false));
