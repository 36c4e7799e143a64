-- The rows behind the children in need family (see referrals.rows.sql for the shape of a row macro).
-- Children open at asat are a stock figure, read from snapshot M alone, one row per child (their latest
-- open List 6 episode); episodes started and closed are flow figures, read from the windowed history
-- (contract 1.2). Open at asat (contract 2): cin_start <= asat and (cin_end is null or cin_end > asat).

CREATE OR REPLACE TEMPORARY MACRO cin_records(la, m) AS TABLE
    SELECT child_id, 'cin' AS list, snapshot_month, source_file, source_sheet, source_row, team, worker,
        cin_start, cin_end
    FROM history_cin(la, m);

-- children open at asat, one row each (their latest open episode), with the date last seen and the
-- date of birth (for any_date_cannot_be; no figure's rows show it)
CREATE OR REPLACE TEMPORARY MACRO cin_open_episodes(la, m) AS TABLE
    SELECT 'count' AS counted_in, child_id, 'cin' AS list, snapshot_month, source_file, source_sheet,
        source_row, team, worker, cin_start, last_seen, p_end(m) - cin_start AS days_open, dob
    FROM snapshot_cin(la, m)
    WHERE is_open(cin_start, cin_end, p_end(m)) AND child_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY cin_start DESC, source_row) = 1;

-- cin_open: children open at asat, one row each
CREATE OR REPLACE TEMPORARY MACRO rows_cin_open(la, m) AS TABLE
    SELECT * EXCLUDE (dob) FROM cin_open_episodes(la, m);

-- cin_rate_per_10k: the same children, the numerator of the rate
CREATE OR REPLACE TEMPORARY MACRO rows_cin_rate_per_10k(la, m) AS TABLE
    SELECT * REPLACE ('numerator' AS counted_in) FROM rows_cin_open(la, m);

-- cin_started: episodes starting in M
CREATE OR REPLACE TEMPORARY MACRO rows_cin_started(la, m) AS TABLE
    SELECT 'count' AS counted_in, * FROM cin_records(la, m) WHERE cin_start BETWEEN p_start(m) AND p_end(m);

-- cin_closed: episodes closing in M
CREATE OR REPLACE TEMPORARY MACRO rows_cin_closed(la, m) AS TABLE
    SELECT 'count' AS counted_in, * FROM cin_records(la, m) WHERE cin_end BETWEEN p_start(m) AND p_end(m);

-- cin_seen_in_standard_pct: children open at asat whose episode started at least the CIN standard
-- (config/standards.yaml: cin_seen) before asat; numerator when last seen within it before asat; a start
-- or last seen date that cannot be leaves the child out (excluded := true lists them)
CREATE OR REPLACE TEMPORARY MACRO rows_cin_seen_in_standard_pct(la, m, excluded := false) AS TABLE
    SELECT * EXCLUDE (dob) REPLACE (CASE WHEN within_standard(la, m, 'cin_seen', last_seen) THEN 'numerator'
        ELSE 'denominator_only' END AS counted_in)
    FROM cin_open_episodes(la, m)
    WHERE started_before_standard(la, m, 'cin_seen', cin_start)
        AND any_date_cannot_be([cin_start, last_seen], dob, snapshot_month) = excluded;
