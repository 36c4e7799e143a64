-- The rows behind the re-referrals family (see referrals.rows.sql for the shape of a row macro).
-- "An earlier record": a child's referrals are ordered by (date, seq), so a second referral on one day is a
-- re-referral of the first and the first is not. In that order the record just before a referral is its
-- latest earlier one, so a single look-back (lag) decides; its date is shown as previous_referral_date.
-- "Within 12 months before" (contract 2): e - 12 months <= d <= e, calendar months, inclusive.

CREATE OR REPLACE TEMPORARY MACRO referrals_flagged(la, m) AS TABLE
    SELECT *,
        coalesce(previous_referral_date >= referral_date - INTERVAL 12 MONTH, false) AS is_re_referral
    FROM (
        SELECT child_id, 'referrals' AS list, snapshot_month, source_file, source_sheet, source_row, team,
            worker, referral_date, seq, referrals_last_12m,
            lag(referral_date) OVER (PARTITION BY child_id ORDER BY referral_date, seq)
                AS previous_referral_date
        FROM history_referrals(la, m)
    );

CREATE OR REPLACE TEMPORARY MACRO re_referral_rows(la, m, period_start) AS TABLE
    SELECT CASE WHEN is_re_referral THEN 'numerator' ELSE 'denominator_only' END AS counted_in,
        child_id, list, snapshot_month, source_file, source_sheet, source_row, team, worker, referral_date,
        previous_referral_date
    FROM referrals_flagged(la, m) WHERE referral_date BETWEEN period_start AND p_end(m);

-- re_referrals_pct: referrals in M, in the numerator when the child's previous referral is within 12 months
CREATE OR REPLACE TEMPORARY MACRO rows_re_referrals_pct(la, m) AS TABLE
    SELECT * FROM re_referral_rows(la, m, p_start(m));

-- re_referrals_r12_pct: the same over the rolling 12 months
CREATE OR REPLACE TEMPORARY MACRO rows_re_referrals_r12_pct(la, m) AS TABLE
    SELECT * FROM re_referral_rows(la, m, r12_start(m));
