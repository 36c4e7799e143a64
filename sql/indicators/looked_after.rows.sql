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
