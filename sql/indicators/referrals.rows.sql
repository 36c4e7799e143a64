-- The rows behind the referrals family: one table macro rows_<indicator_id>(la, m) per indicator, whose
-- rows referrals.sql counts for the figure and `csc-report explain` lists (csc_report/explain.py). Every
-- row says where it is counted (counted_in: count, numerator or denominator_only) and where it came from
-- (the snapshot whose version the history kept, the file, sheet and Excel row). Events come from the
-- windowed history as of M (contract 1.2).

CREATE OR REPLACE TEMPORARY MACRO contact_records(la, m) AS TABLE
    SELECT child_id, 'contacts' AS list, snapshot_month, source_file, source_sheet, source_row, contact_date
    FROM history_contacts(la, m);

CREATE OR REPLACE TEMPORARY MACRO referral_records(la, m) AS TABLE
    SELECT child_id, 'referrals' AS list, snapshot_month, source_file, source_sheet, source_row, team, worker,
        referral_date, referral_nfa
    FROM history_referrals(la, m);

-- contacts: List 1 contacts dated in M
CREATE OR REPLACE TEMPORARY MACRO rows_contacts(la, m) AS TABLE
    SELECT 'count' AS counted_in, *
    FROM contact_records(la, m) WHERE contact_date BETWEEN p_start(m) AND p_end(m);

-- referrals: List 3 referrals dated in M
CREATE OR REPLACE TEMPORARY MACRO rows_referrals(la, m) AS TABLE
    SELECT 'count' AS counted_in, *
    FROM referral_records(la, m) WHERE referral_date BETWEEN p_start(m) AND p_end(m);

-- referrals_r12: referrals dated in the 12 calendar months ending p_end
CREATE OR REPLACE TEMPORARY MACRO rows_referrals_r12(la, m) AS TABLE
    SELECT 'count' AS counted_in, *
    FROM referral_records(la, m) WHERE referral_date BETWEEN r12_start(m) AND p_end(m);

-- referral_rate_r12_per_10k: the same referrals, the numerator of the rate
CREATE OR REPLACE TEMPORARY MACRO rows_referral_rate_r12_per_10k(la, m) AS TABLE
    SELECT * REPLACE ('numerator' AS counted_in) FROM rows_referrals_r12(la, m);

-- referrals_nfa_pct: referrals in M, in the numerator when Referral NFA? = yes
CREATE OR REPLACE TEMPORARY MACRO rows_referrals_nfa_pct(la, m) AS TABLE
    SELECT * REPLACE (CASE WHEN referral_nfa = 'Y' THEN 'numerator' ELSE 'denominator_only' END AS counted_in)
    FROM rows_referrals(la, m);

-- contacts_r12: List 1 contacts dated in the 12 calendar months ending p_end; no figure of its own, the
-- rows of the breakdown of children by their number of contacts in 12 months (csc_report.breakdowns)
CREATE OR REPLACE TEMPORARY MACRO contacts_r12(la, m) AS TABLE
    SELECT 'count' AS counted_in, *
    FROM contact_records(la, m) WHERE contact_date BETWEEN r12_start(m) AND p_end(m);
