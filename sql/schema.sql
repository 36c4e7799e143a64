-- The csc-report warehouse (DuckDB 2). Applied by csc_report.warehouse.apply_schema on every open:
-- every statement is idempotent (CREATE ... IF NOT EXISTS, CREATE OR REPLACE MACRO).
--
-- List tables: one per Annex A list (docs/architecture.md), keyed by (la_code, snapshot_month) so that a
-- snapshot can be replaced as a whole. `seq` numbers a child's events of the list on the same event date
-- within one snapshot (contract 1.2); it is computed at load time from source_row order. source_file,
-- source_sheet and source_row name the Excel row the record came from (`csc-report explain` and the
-- action lists point at it, so that the authority re-identifies a child in its own extract).
-- The columns after seq are config/lists.yaml's columns of the list (`common:` ones first, name columns
-- never), in its order: tests/test_data_definition.py fails when the two differ.
-- Types: id/worker/text/code -> VARCHAR (ids and workers hold 16-hex keyed hashes), date/dob -> DATE
-- (dob is the first day of its month), int -> BIGINT, float -> DOUBLE, postcode -> VARCHAR (district).

CREATE TABLE IF NOT EXISTS contacts (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    child_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, dob DATE, age BIGINT,
    contact_date DATE, contact_source VARCHAR
);

CREATE TABLE IF NOT EXISTS early_help (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    child_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, dob DATE, age BIGINT,
    eh_start DATE, eh_end DATE, eh_organisation VARCHAR
);

CREATE TABLE IF NOT EXISTS referrals (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    child_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, dob DATE, age BIGINT, team VARCHAR,
    worker VARCHAR, referral_date DATE, referral_source VARCHAR, referral_nfa VARCHAR,
    referrals_last_12m BIGINT
);

CREATE TABLE IF NOT EXISTS assessments (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    child_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, dob DATE, age BIGINT, disability VARCHAR,
    team VARCHAR, worker VARCHAR, assessment_start DATE, child_seen VARCHAR, assessment_auth DATE,
    assessment_outcome VARCHAR, assessment_type VARCHAR
);

CREATE TABLE IF NOT EXISTS s47 (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    child_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, dob DATE, age BIGINT, disability VARCHAR,
    team VARCHAR, worker VARCHAR, s47_start DATE, icpc_not_required VARCHAR, icpc_date DATE,
    icpc_to_cp VARCHAR, s47_last_12m BIGINT, icpcs_last_12m BIGINT
);

CREATE TABLE IF NOT EXISTS cin (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    child_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, dob DATE, age BIGINT, disability VARCHAR,
    team VARCHAR, worker VARCHAR, cin_start DATE, primary_need VARCHAR, last_seen DATE, cin_end DATE,
    closure_reason VARCHAR, case_status VARCHAR
);

CREATE TABLE IF NOT EXISTS cp_plans (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    child_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, dob DATE, age BIGINT, disability VARCHAR,
    team VARCHAR, worker VARCHAR, cp_start DATE, initial_category VARCHAR, latest_category VARCHAR,
    last_visit DATE, seen_alone VARCHAR, last_review DATE, cp_end DATE, epo_last_6m VARCHAR,
    previous_cp_plans BIGINT
);

CREATE TABLE IF NOT EXISTS cla (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    child_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, dob DATE, age BIGINT, disability VARCHAR,
    team VARCHAR, worker VARCHAR, uasc VARCHAR, cla_start DATE, category_of_need VARCHAR,
    subsequent_period VARCHAR, legal_status_start DATE, legal_status VARCHAR, last_review DATE,
    last_visit DATE, permanence_plan VARCHAR, last_iro_contact DATE, last_health_assessment DATE,
    last_dental_check DATE, placements_last_12m BIGINT, cla_end DATE, cla_end_reason VARCHAR,
    placement_start DATE, placement_type VARCHAR, placement_provider VARCHAR, placement_postcode VARCHAR,
    placement_urn VARCHAR, placement_location VARCHAR, placement_la VARCHAR, missing_episodes BIGINT,
    absent_episodes BIGINT, return_interview_offered VARCHAR, return_interview_accepted VARCHAR
);

CREATE TABLE IF NOT EXISTS care_leavers (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    child_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, dob DATE, age BIGINT, disability VARCHAR,
    team VARCHAR, worker VARCHAR, uasc VARCHAR, personal_advisor VARCHAR, eligibility VARCHAR,
    pathway_review_date DATE, in_touch VARCHAR, latest_contact_date DATE, accommodation VARCHAR,
    suitability VARCHAR, activity VARCHAR
);

CREATE TABLE IF NOT EXISTS adoption (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    child_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, dob DATE, age BIGINT, disability VARCHAR,
    family_id VARCHAR, entered_care DATE, adm_decision DATE, placement_order DATE, matched DATE,
    placed DATE, adoption_order DATE, no_longer_decision DATE, no_longer_reason VARCHAR,
    ffa_placed DATE
);

CREATE TABLE IF NOT EXISTS adopters (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    adopter_id VARCHAR, family_id VARCHAR, gender VARCHAR, ethnicity VARCHAR, disability VARCHAR,
    ffa VARCHAR, enquiry_date DATE, stage1_start DATE, stage1_end DATE, stage2_start DATE,
    stage2_end DATE, application_submitted DATE, application_approved DATE, matched DATE, placed DATE,
    children_placed BIGINT, adoption_order DATE, left_process DATE, left_reason VARCHAR
);

CREATE TABLE IF NOT EXISTS workforce (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, source_file VARCHAR, source_sheet VARCHAR,
    source_row BIGINT, seq INTEGER,
    team VARCHAR, post_id VARCHAR, role VARCHAR, establishment_fte DOUBLE, filled_fte DOUBLE,
    agency_fte DOUBLE, agency_reason VARCHAR, starter_date DATE, leaver_date DATE
);

-- Snapshot bookkeeping and audit ------------------------------------------------------------------

-- window_months (contract 1.2): the whole calendar months, ending with its own, that the snapshot is the
-- whole truth for (<inbox>/<la>/config.yaml when it was loaded, else 6).
CREATE TABLE IF NOT EXISTS snapshots (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, load_id VARCHAR NOT NULL,
    layout VARCHAR, loaded_at TIMESTAMP, window_months INTEGER NOT NULL DEFAULT 6,
    PRIMARY KEY (la_code, snapshot_month)
);
-- Warehouses made before windows existed: their snapshots keep the default window.
ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS window_months INTEGER DEFAULT 6;

-- Which canonical columns the source had: an absent column makes an indicator "not available".
CREATE TABLE IF NOT EXISTS snapshot_columns (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, list_id VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL,
    PRIMARY KEY (la_code, snapshot_month, list_id, column_name)
);

-- An audit log: a reload adds a row, it never rewrites an earlier one.
CREATE TABLE IF NOT EXISTS loads (
    load_id VARCHAR PRIMARY KEY, la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL,
    started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR, files JSON, row_counts JSON,
    message VARCHAR
);

CREATE TABLE IF NOT EXISTS quarantine (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, list_id VARCHAR, source_file VARCHAR,
    source_sheet VARCHAR, source_row BIGINT, rule VARCHAR, message VARCHAR
);

-- The fields of csc_report.quality.Issue, in order (data_quality.csv); "row" and "column" need quoting.
CREATE TABLE IF NOT EXISTS dq_issues (
    la_code VARCHAR NOT NULL, snapshot_month DATE NOT NULL, file VARCHAR, sheet VARCHAR,
    "row" BIGINT, "column" VARCHAR, rule VARCHAR, severity VARCHAR, message VARCHAR
);

CREATE TABLE IF NOT EXISTS population (
    la_code VARCHAR NOT NULL, year INTEGER NOT NULL, population_0_17 BIGINT NOT NULL,
    PRIMARY KEY (la_code, year)
);

-- Filled once from transforms.calendar (2005-2035) by apply_schema. wd_cum(d) = working days <= d.
CREATE TABLE IF NOT EXISTS calendar (
    d DATE PRIMARY KEY, is_working_day BOOLEAN NOT NULL, wd_cum INTEGER NOT NULL
);

-- Results ------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS indicator_values (
    la_code VARCHAR NOT NULL, month DATE NOT NULL, indicator_id VARCHAR NOT NULL, label VARCHAR,
    section VARCHAR, unit VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE,
    target DOUBLE, rag VARCHAR, note VARCHAR,
    PRIMARY KEY (la_code, month, indicator_id)
);

CREATE TABLE IF NOT EXISTS report_tables (
    la_code VARCHAR NOT NULL, month DATE NOT NULL, table_id VARCHAR NOT NULL, data JSON,
    PRIMARY KEY (la_code, month, table_id)
);

CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, flow_run_id VARCHAR, la_code VARCHAR, month DATE,
    started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR, message VARCHAR, timings JSON
);

-- What a completed run was computed from (csc_report.rerun): the fingerprint of its inputs, code
-- version, profile and earlier snapshots; an unchanged fingerprint makes a re-run a no-op.
CREATE TABLE IF NOT EXISTS run_inputs (
    run_id VARCHAR PRIMARY KEY, la_code VARCHAR, month DATE, fingerprint VARCHAR,
    code_version VARCHAR, inputs JSON
);

-- Working days (contract 2): the number of working days d with s < d <= e; same day = 0; NULL when
-- either end is NULL or outside the calendar. Negative when e < s (callers treat that as a DQ issue).
CREATE OR REPLACE MACRO wd_between(s, e) AS
    (SELECT wd_cum FROM calendar WHERE d = CAST(e AS DATE))
    - (SELECT wd_cum FROM calendar WHERE d = CAST(s AS DATE));

-- Snapshot windows (contract 1.2, step 1): each snapshot up to m that holds the list, with its window,
-- the first day of month t - (window_months - 1) to asat_t.
CREATE OR REPLACE MACRO snapshot_windows(la, m, list) AS TABLE
    SELECT
        s.snapshot_month,
        CAST(s.snapshot_month - to_months(s.window_months - 1) AS DATE) AS window_start,
        last_day(s.snapshot_month) AS window_end
    FROM snapshots AS s
    WHERE s.la_code = la AND s.snapshot_month <= CAST(m AS DATE)
      AND EXISTS (
          SELECT 1 FROM snapshot_columns AS c
          WHERE c.la_code = s.la_code AND c.snapshot_month = s.snapshot_month AND c.list_id = list
      );

-- The earliest date the history of a list covers as of month m: the start of its oldest snapshot's
-- window (contract 1.2). An r12 figure or look-back starting before it carries a coverage note.
CREATE OR REPLACE MACRO history_covers_from(la, m, list) AS
    (SELECT min(window_start) FROM snapshot_windows(la, m, list));

-- History and snapshot macros: history_<list>(la, m) (flow figures: windowed history) and
-- snapshot_<list>(la, m) (stock figures: snapshot M alone) are created by
-- csc_report.warehouse.apply_schema from one template each and the scope dates of each list.

-- Published benchmarks and ONS populations (issue 12) -----------------------------------------------
-- Copies of the reference data shipped in csc_report/reference_data (csc_report.dfe.lookup
-- reloads them when their hash in reference_versions changes). benchmarks: one published figure per
-- indicator, area and DfE year (time_period: 2013 = the year ending 31 March 2013); value is NULL when
-- DfE gives a symbol instead (status c, u, x or z). reference_population is only a fallback: the inbox's
-- population table wins where it has the authority (csc_report.warehouse.population_for).

CREATE TABLE IF NOT EXISTS benchmarks (
    indicator_id VARCHAR NOT NULL, area_type VARCHAR NOT NULL, area_code VARCHAR NOT NULL, area VARCHAR,
    year INTEGER NOT NULL, value DOUBLE, status VARCHAR, source VARCHAR,
    PRIMARY KEY (indicator_id, area_code, year)
);

CREATE TABLE IF NOT EXISTS reference_population (
    area_code VARCHAR NOT NULL, area_type VARCHAR, year INTEGER NOT NULL, population_0_17 BIGINT NOT NULL,
    PRIMARY KEY (area_code, year)
);

CREATE TABLE IF NOT EXISTS reference_areas (
    la_code VARCHAR PRIMARY KEY, la_name VARCHAR, region_code VARCHAR, region_name VARCHAR
);

CREATE TABLE IF NOT EXISTS statistical_neighbours (
    la_code VARCHAR NOT NULL, model INTEGER NOT NULL, rank INTEGER NOT NULL, neighbour_code VARCHAR NOT NULL,
    PRIMARY KEY (la_code, model, rank)
);

CREATE TABLE IF NOT EXISTS reference_versions (name VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL);

-- Reference data of the inbox, loaded with each month (csc_report.warehouse), so that indicators and
-- publishing read only the warehouse. targets and authorities are replaced whole from
-- reference/targets.yaml and reference/authorities.csv (empty when the file is absent); commentary is
-- replaced per (authority, month) from the month's commentary.md, one row per section in file order.
CREATE TABLE IF NOT EXISTS targets (
    indicator_id VARCHAR PRIMARY KEY, target DOUBLE NOT NULL, direction VARCHAR NOT NULL,
    tolerance DOUBLE NOT NULL
);

-- Local practice standards (contract 3.2, csc_report.standards): those in force when each month's snapshot
-- was loaded (config/standards.yaml with the authority's overrides from its config.yaml, local_standard
-- marking these), so that the month's figures (and `explain` of them) keep the standards they were
-- computed under. A month with no rows (loaded before standards existed) reads the defaults.
CREATE TABLE IF NOT EXISTS standards (
    la_code VARCHAR NOT NULL, month DATE NOT NULL, standard_id VARCHAR NOT NULL, amount INTEGER NOT NULL,
    unit VARCHAR NOT NULL, local_standard BOOLEAN NOT NULL,
    PRIMARY KEY (la_code, month, standard_id)
);

CREATE TABLE IF NOT EXISTS authorities (la_code VARCHAR PRIMARY KEY, la_name VARCHAR NOT NULL);

CREATE TABLE IF NOT EXISTS commentary (
    la_code VARCHAR NOT NULL, month DATE NOT NULL, position INTEGER NOT NULL, section VARCHAR NOT NULL,
    markdown VARCHAR NOT NULL,
    PRIMARY KEY (la_code, month, position)
);

-- The breakdown cells of each month as csc-report export writes them (csc_report.export.refresh): public-
-- profile suppressed, aggregates only; with indicator_values, the view export_measures. The month is a
-- DATE as in every other table, so a month's rows go with the month's (re-runs, the run-safety checks).
CREATE TABLE IF NOT EXISTS export_breakdowns (
    la_code VARCHAR NOT NULL, month DATE NOT NULL, measure_id VARCHAR NOT NULL, breakdown VARCHAR,
    category VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, unit VARCHAR, note VARCHAR
);

-- Known changes in the service (<inbox>/<la>/changes.yaml, csc_report.phases), replaced whole per
-- authority with each load: each starts a new SPC phase on the figures and sections it touches.
CREATE TABLE IF NOT EXISTS service_changes (
    la_code VARCHAR NOT NULL, month VARCHAR NOT NULL, change VARCHAR NOT NULL, touches VARCHAR[] NOT NULL
);

-- The fingerprint of the pseudonymisation key that wrote this file (csc_report.key_guard): one row,
-- recorded by the first load; a run with a key of another fingerprint is refused before it reads.
CREATE TABLE IF NOT EXISTS pseudonym_key (fingerprint VARCHAR NOT NULL);

