-- The rows behind the S47 family (see referrals.rows.sql for the shape of a row macro). Windowed history
-- (contract 1.2). Duration (contract 2): working days d with s47_start < d <= icpc_date; an ICPC dated
-- before its S47 start, or with a date that cannot be (impossible_date), is left out of timeliness (the
-- figure's note counts it).

CREATE OR REPLACE TEMPORARY MACRO s47_records(la, m) AS TABLE
    SELECT child_id, 's47' AS list, snapshot_month, source_file, source_sheet, source_row, team, worker,
        s47_start, icpc_date, wd_between(s47_start, icpc_date) AS working_days, icpc_to_cp,
        impossible_date(s47_start, dob, snapshot_month) OR impossible_date(icpc_date, dob, snapshot_month)
            AS date_cannot_be
    FROM history_s47(la, m);

-- s47_started: S47 enquiries started in M
CREATE OR REPLACE TEMPORARY MACRO rows_s47_started(la, m) AS TABLE
    SELECT 'count' AS counted_in, * EXCLUDE (icpc_date, working_days, icpc_to_cp, date_cannot_be)
    FROM s47_records(la, m) WHERE s47_start BETWEEN p_start(m) AND p_end(m);

-- s47_rate_r12_per_10k: S47 enquiries started in r12, the numerator of the rate
CREATE OR REPLACE TEMPORARY MACRO rows_s47_rate_r12_per_10k(la, m) AS TABLE
    SELECT 'numerator' AS counted_in, * EXCLUDE (icpc_date, working_days, icpc_to_cp, date_cannot_be)
    FROM s47_records(la, m) WHERE s47_start BETWEEN r12_start(m) AND p_end(m);

-- icpcs: ICPCs held in M
CREATE OR REPLACE TEMPORARY MACRO rows_icpcs(la, m) AS TABLE
    SELECT 'count' AS counted_in, *
    FROM s47_records(la, m) WHERE icpc_date BETWEEN p_start(m) AND p_end(m);

-- icpc_in_15wd_pct: ICPCs in M not dated before their S47 start; numerator when within 15 working days
CREATE OR REPLACE TEMPORARY MACRO rows_icpc_in_15wd_pct(la, m) AS TABLE
    SELECT * REPLACE (CASE WHEN working_days <= 15 THEN 'numerator' ELSE 'denominator_only' END AS counted_in)
    FROM rows_icpcs(la, m) WHERE NOT icpc_date < s47_start AND NOT date_cannot_be;

-- icpc_to_cp_plan_pct: ICPCs in M; numerator when the conference resulted in a plan
CREATE OR REPLACE TEMPORARY MACRO rows_icpc_to_cp_plan_pct(la, m) AS TABLE
    SELECT * REPLACE (CASE WHEN icpc_to_cp = 'Y' THEN 'numerator' ELSE 'denominator_only' END AS counted_in)
    FROM rows_icpcs(la, m);
