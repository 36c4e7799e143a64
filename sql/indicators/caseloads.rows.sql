-- The rows behind the caseloads family (see referrals.rows.sql for the shape of a row macro): the open
-- cases of snapshot M (open_cases in _macros.sql: one per child, from the list with the highest status).

CREATE OR REPLACE TEMPORARY MACRO case_records(la, m) AS TABLE
    SELECT child_id, list_id AS list, snapshot_month, source_file, source_sheet, source_row, team, worker,
        start_date, p_end(m) - start_date AS days_open
    FROM open_cases(la, m, p_end(m));

-- cases_open: children with an open case at asat
CREATE OR REPLACE TEMPORARY MACRO rows_cases_open(la, m) AS TABLE
    SELECT 'count' AS counted_in, * FROM case_records(la, m);

-- cases_unallocated: of them, children with no allocated worker
CREATE OR REPLACE TEMPORARY MACRO rows_cases_unallocated(la, m) AS TABLE
    SELECT 'count' AS counted_in, * FROM case_records(la, m) WHERE worker IS NULL;

-- caseload_average: the allocated cases are the numerator; the denominator is not rows but the distinct
-- workers among them
CREATE OR REPLACE TEMPORARY MACRO rows_caseload_average(la, m) AS TABLE
    SELECT 'numerator' AS counted_in, * FROM case_records(la, m) WHERE worker IS NOT NULL;
