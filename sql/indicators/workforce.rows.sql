-- The rows behind the workforce family: the posts of snapshot M's workforce extract (see
-- referrals.rows.sql for the shape of a row macro). These figures are sums of FTE, not counts of rows: an
-- FTE total's rows carry `fte`, a rate's rows `numerator_fte` and `denominator_fte`; the figure is their
-- sum. FTEs are DECIMAL: a sum of doubles depends on the order rows arrive in, and a re-run must give the
-- same figure to the last digit.

CREATE OR REPLACE TEMPORARY MACRO workforce_posts(la, m) AS TABLE
    SELECT post_id AS post, 'workforce' AS list, snapshot_month, source_file, source_sheet, source_row, team,
        role,
        CAST(establishment_fte AS DECIMAL(18, 6)) AS establishment_fte,
        CAST(filled_fte AS DECIMAL(18, 6)) AS filled_fte,
        CAST(agency_fte AS DECIMAL(18, 6)) AS agency_fte
    FROM snapshot_workforce(la, m);

-- sw_establishment_fte: establishment FTE
CREATE OR REPLACE TEMPORARY MACRO rows_sw_establishment_fte(la, m) AS TABLE
    SELECT 'count' AS counted_in, *, coalesce(establishment_fte, 0) AS fte FROM workforce_posts(la, m);

-- sw_vacancies_fte: establishment - filled
CREATE OR REPLACE TEMPORARY MACRO rows_sw_vacancies_fte(la, m) AS TABLE
    SELECT 'count' AS counted_in, *, coalesce(establishment_fte, 0) - coalesce(filled_fte, 0) AS fte
    FROM workforce_posts(la, m);

-- sw_vacancy_rate_pct: vacancies / establishment
CREATE OR REPLACE TEMPORARY MACRO rows_sw_vacancy_rate_pct(la, m) AS TABLE
    SELECT * EXCLUDE (fte) REPLACE ('numerator' AS counted_in), fte AS numerator_fte,
        coalesce(establishment_fte, 0) AS denominator_fte
    FROM rows_sw_vacancies_fte(la, m);

-- sw_agency_fte: agency FTE
CREATE OR REPLACE TEMPORARY MACRO rows_sw_agency_fte(la, m) AS TABLE
    SELECT 'count' AS counted_in, *, coalesce(agency_fte, 0) AS fte FROM workforce_posts(la, m);

-- sw_agency_rate_pct: agency / (filled + agency)
CREATE OR REPLACE TEMPORARY MACRO rows_sw_agency_rate_pct(la, m) AS TABLE
    SELECT 'numerator' AS counted_in, *, coalesce(agency_fte, 0) AS numerator_fte,
        coalesce(filled_fte, 0) + coalesce(agency_fte, 0) AS denominator_fte
    FROM workforce_posts(la, m);
