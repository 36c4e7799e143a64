-- The rows behind the adoption family (see referrals.rows.sql for the shape of a row macro): List 10 rows
-- of the history as of M (List 10 is not windowed: its snapshots merge on the natural key, the latest
-- snapshot's version winning, csc_report.catalogue). List 10 has no team or worker.

-- (with the date of birth, for any_date_cannot_be; no figure's rows show it)
CREATE OR REPLACE TEMPORARY MACRO adoption_records(la, m) AS TABLE
    SELECT child_id, 'adoption' AS list, snapshot_month, source_file, source_sheet, source_row, entered_care,
        adm_decision, placement_order, matched, ffa_placed, placed, adoption_order, no_longer_decision, dob
    FROM history_adoption(la, m);

CREATE OR REPLACE TEMPORARY MACRO adopted_r12(la, m) AS TABLE
    SELECT 'count' AS counted_in, * FROM adoption_records(la, m)
    WHERE adoption_order BETWEEN r12_start(m) AND p_end(m);

-- adoptions_r12: adoption orders dated in the 12 months ending asat
CREATE OR REPLACE TEMPORARY MACRO rows_adoptions_r12(la, m) AS TABLE
    SELECT * EXCLUDE (dob) FROM adopted_r12(la, m);

-- adoption_care_to_placed_days (DfE's A10): children adopted in r12, days from entering care to being
-- placed for adoption or, when earlier, to a fostering-for-adoption or concurrent placement; the rows with
-- both dates are the numerator (their `days` summed) and their number the denominator of the mean; one of
-- the three dates that cannot be leaves the child out (excluded := true lists them)
CREATE OR REPLACE TEMPORARY MACRO rows_adoption_care_to_placed_days(la, m, excluded := false) AS TABLE
    SELECT 'numerator' AS counted_in, * EXCLUDE (counted_in, dob),
        least(placed, ffa_placed) - entered_care AS days
    FROM adopted_r12(la, m)
    WHERE entered_care IS NOT NULL AND least(placed, ffa_placed) IS NOT NULL
        AND any_date_cannot_be([entered_care, placed, ffa_placed], dob, snapshot_month) = excluded;

-- adoption_order_to_match_days (DfE's A2): children adopted in r12 with both dates, days from the
-- placement order to the match with the adopters; either date that cannot be leaves the child out
CREATE OR REPLACE TEMPORARY MACRO rows_adoption_order_to_match_days(la, m, excluded := false) AS TABLE
    SELECT 'numerator' AS counted_in, * EXCLUDE (counted_in, dob), matched - placement_order AS days
    FROM adopted_r12(la, m)
    WHERE placement_order IS NOT NULL AND matched IS NOT NULL
        AND any_date_cannot_be([placement_order, matched], dob, snapshot_month) = excluded;

-- adoption_decisions_reversed_r12: decisions that the child should no longer be placed for adoption,
-- dated in the 12 months ending asat
CREATE OR REPLACE TEMPORARY MACRO rows_adoption_decisions_reversed_r12(la, m) AS TABLE
    SELECT 'count' AS counted_in, * EXCLUDE (dob) FROM adoption_records(la, m)
    WHERE no_longer_decision BETWEEN r12_start(m) AND p_end(m);
