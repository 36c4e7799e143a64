-- The rows behind the leaving care family (see referrals.rows.sql for the shape of a row macro): List 9
-- of snapshot M (a snapshot-only list); every row is in each percentage's denominator, but for the rows
-- a timeliness figure leaves out for a date that cannot be. Each row carries the
-- care leaver's age at asat, from the month-level date of birth (contract 3.2), for the age bands.

CREATE OR REPLACE TEMPORARY MACRO care_leaver_records(la, m) AS TABLE
    SELECT child_id, 'care_leavers' AS list, snapshot_month, source_file, source_sheet, source_row, team,
        worker, personal_advisor, age_at(dob, p_end(m)) AS age_at_asat, in_touch, suitability, activity,
        pathway_review_date, latest_contact_date, dob
    FROM snapshot_care_leavers(la, m);

-- numerator where `counted`; a timeliness figure names the `dates` it reads, and a row one of which cannot
-- be (any_date_cannot_be) is left out (excluded := true lists those rows instead). No row shows the dob.
CREATE OR REPLACE TEMPORARY MACRO care_leaver_rows(la, m, counted, dates := [], excluded := false) AS TABLE
    SELECT CASE WHEN counted THEN 'numerator' ELSE 'denominator_only' END AS counted_in, * EXCLUDE (dob)
    FROM care_leaver_records(la, m)
    WHERE any_date_cannot_be(dates, dob, snapshot_month) = excluded;

-- The age bands (contract 3.2): care leavers aged lo to hi at asat. DfE publishes care leavers aged 19-21
-- (and 17-18); its benchmarks compare with the 19-21 figures.
CREATE OR REPLACE TEMPORARY MACRO care_leaver_band(la, m, counted, lo, hi) AS TABLE
    SELECT * FROM care_leaver_rows(la, m, counted) WHERE age_at_asat BETWEEN lo AND hi;

-- What each percentage counts, for all ages and each band alike: in touch (LA in touch = Yes); suitable
-- accommodation (blank is not suitable); NEET (activity G4, G5 or G6: not in education, employment or
-- training).
CREATE OR REPLACE TEMPORARY MACRO in_touch_yes(in_touch) AS coalesce(in_touch = 'YES', false);
CREATE OR REPLACE TEMPORARY MACRO suitably_housed(suitability) AS coalesce(suitability = 'suitable', false);
CREATE OR REPLACE TEMPORARY MACRO neet(activity) AS coalesce(activity IN ('G4', 'G5', 'G6'), false);

-- care_leavers: List 9 rows
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers(la, m) AS TABLE
    SELECT 'count' AS counted_in, * EXCLUDE (dob) FROM care_leaver_records(la, m);

-- care_leavers_in_touch_pct / _suitable_accommodation_pct / _neet_pct: numerator when in touch, suitably
-- accommodated, not in education, employment or training
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_in_touch_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_rows(la, m, in_touch_yes(in_touch));
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_suitable_accommodation_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_rows(la, m, suitably_housed(suitability));
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_neet_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_rows(la, m, neet(activity));

-- pathway_plans_in_date_pct: numerator when the latest pathway plan review is within 6 months before asat
CREATE OR REPLACE TEMPORARY MACRO rows_pathway_plans_in_date_pct(la, m, excluded := false) AS TABLE
    SELECT * FROM care_leaver_rows(la, m, coalesce(
        pathway_review_date BETWEEN CAST(p_end(m) - INTERVAL 6 MONTH AS DATE) AND p_end(m), false),
        dates := [pathway_review_date], excluded := excluded);

-- care_leavers_contact_in_standard_pct: numerator when the latest date of contact is within the
-- care-leaver contact standard (config/standards.yaml: care_leaver_contact) before asat
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_contact_in_standard_pct(la, m, excluded := false) AS TABLE
    SELECT * FROM care_leaver_rows(la, m, within_standard(la, m, 'care_leaver_contact', latest_contact_date),
        dates := [latest_contact_date], excluded := excluded);

-- care_leavers_19_21 and its percentages: as the all-ages figures, over care leavers aged 19 to 21 at asat
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_19_21(la, m) AS TABLE
    SELECT * REPLACE ('count' AS counted_in) FROM care_leaver_band(la, m, true, 19, 21);
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_19_21_in_touch_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_band(la, m, in_touch_yes(in_touch), 19, 21);
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_19_21_suitable_accommodation_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_band(la, m, suitably_housed(suitability), 19, 21);
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_19_21_neet_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_band(la, m, neet(activity), 19, 21);

-- care_leavers_17_18 and its percentages: as the all-ages figures, over care leavers aged 17 to 18 at asat
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_17_18(la, m) AS TABLE
    SELECT * REPLACE ('count' AS counted_in) FROM care_leaver_band(la, m, true, 17, 18);
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_17_18_in_touch_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_band(la, m, in_touch_yes(in_touch), 17, 18);
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_17_18_suitable_accommodation_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_band(la, m, suitably_housed(suitability), 17, 18);
CREATE OR REPLACE TEMPORARY MACRO rows_care_leavers_17_18_neet_pct(la, m) AS TABLE
    SELECT * FROM care_leaver_band(la, m, neet(activity), 17, 18);
