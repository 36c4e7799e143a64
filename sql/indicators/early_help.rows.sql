-- The rows behind the early help family (see referrals.rows.sql for the shape of a row macro): List 2
-- early help assessments. Started is a flow figure (windowed history), open a stock figure (snapshot M
-- alone): contract 1.2.

-- early_help_started: assessments started in M
CREATE OR REPLACE TEMPORARY MACRO rows_early_help_started(la, m) AS TABLE
    SELECT 'count' AS counted_in, child_id, 'early_help' AS list, snapshot_month, source_file, source_sheet,
        source_row, eh_start, eh_end
    FROM history_early_help(la, m) WHERE eh_start BETWEEN p_start(m) AND p_end(m);

-- early_help_open: assessments open at asat (eh_start <= asat and (eh_end is null or eh_end > asat))
CREATE OR REPLACE TEMPORARY MACRO rows_early_help_open(la, m) AS TABLE
    SELECT 'count' AS counted_in, child_id, 'early_help' AS list, snapshot_month, source_file, source_sheet,
        source_row, eh_start, eh_end, p_end(m) - eh_start AS days_open
    FROM snapshot_early_help(la, m) WHERE is_open(eh_start, eh_end, p_end(m));
