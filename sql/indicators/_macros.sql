-- Shared building blocks of the indicator and table queries (applied by csc_report.indicators on every
-- connection, as TEMPORARY macros: they never become part of the warehouse file).

-- Contract 2: a percentage with a zero denominator is empty (the note says why), never 0 or an error.
CREATE OR REPLACE TEMPORARY MACRO pct(numerator, denominator) AS
    CASE WHEN denominator > 0 THEN 100.0 * numerator / denominator END;

-- Contract 2: rate per 10,000 = count / population_0_17 * 10,000, unrounded; empty without a population.
CREATE OR REPLACE TEMPORARY MACRO rate_per_10k(n, population) AS
    CASE WHEN population > 0 THEN n * 10000.0 / population END;

-- Contract 2: open at asat = start <= asat and (end is null or end > asat).
CREATE OR REPLACE TEMPORARY MACRO is_open(start_date, end_date, asat) AS
    start_date <= asat AND (end_date IS NULL OR end_date > asat);

-- Timeliness leaves out rows whose end date is before their start date (contract 2), and rows with a date
-- that cannot be (impossible_date); the note counts them.
CREATE OR REPLACE TEMPORARY MACRO excluded_note(excluded) AS
    CASE WHEN excluded > 0
         THEN excluded || ' row(s) with an end date before the start date, or a date that cannot be, left out '
              || '(data-quality issue)'
    END;

-- A date that cannot be (issue 34; csc_report/validation/impossible_dates.py warns of each, with the same
-- rule): its month more than 10 calendar months before the month of birth (40 weeks, the allowance for an
-- unborn child, is at most 10; the warehouse keeps a date of birth as the first of its month, which this
-- month-level rule needs no more than) or more than 12 months after its snapshot's month.
CREATE OR REPLACE TEMPORARY MACRO impossible_date(d, dob, snapshot) AS
    coalesce(date_diff('month', d, dob) > 10 OR date_diff('month', snapshot, d) > 12, false);

-- Whether a timeliness figure leaves a row out because one of the dates it reads cannot be (issue 34): each
-- such row macro takes `excluded := true` to list the rows it leaves out, which its family's query counts
-- for the note (excluded_note), as it leaves out an end before its start.
CREATE OR REPLACE TEMPORARY MACRO any_date_cannot_be(dates, dob, snapshot) AS
    coalesce(list_bool_or(list_transform(dates, lambda x: impossible_date(x, dob, snapshot))), false);

-- The note of a percentage: why it is empty, and how many rows timeliness left out.
CREATE OR REPLACE TEMPORARY MACRO pct_note(denominator, empty_reason, excluded) AS
    nullif(concat_ws('; ',
        CASE WHEN coalesce(denominator, 0) = 0 THEN empty_reason || ': percentage empty' END,
        excluded_note(excluded)), '');

-- The period of month m (contract 2), for the row macros of `<family>.rows.sql`, which take (la, m) only.
CREATE OR REPLACE TEMPORARY MACRO p_start(m) AS CAST(m AS DATE);
CREATE OR REPLACE TEMPORARY MACRO p_end(m) AS last_day(CAST(m AS DATE));
CREATE OR REPLACE TEMPORARY MACRO r12_start(m) AS CAST(CAST(m AS DATE) - INTERVAL 11 MONTH AS DATE);

-- Caseloads (contract 3): the cases open at asat in Lists 6-8 of snapshot M alone (a stock figure,
-- contract 1.2), one per child, with the team and worker of
-- the list with the highest status (looked after > child protection > child in need; within a list the
-- latest start). The case is unallocated when that list's row names no worker, even if a lower list does.
-- Short-break (V3/V4) episodes are open cases like any other: someone holds them. Each case keeps the row
-- it was decided by (snapshot month, source file, sheet and row, start date): explain and actions show it.
CREATE OR REPLACE TEMPORARY MACRO open_cases(la, m, asat) AS TABLE
    WITH open_rows AS (
        SELECT child_id, team, worker, 1 AS status_rank, cla_start AS start_date, snapshot_month,
            source_file, source_sheet, source_row
        FROM snapshot_cla(la, m) WHERE is_open(cla_start, cla_end, asat)
        UNION ALL
        SELECT child_id, team, worker, 2, cp_start, snapshot_month, source_file, source_sheet, source_row
        FROM snapshot_cp_plans(la, m) WHERE is_open(cp_start, cp_end, asat)
        UNION ALL
        SELECT child_id, team, worker, 3, cin_start, snapshot_month, source_file, source_sheet, source_row
        FROM snapshot_cin(la, m) WHERE is_open(cin_start, cin_end, asat)
    )
    SELECT
        child_id,
        CASE status_rank WHEN 1 THEN 'cla' WHEN 2 THEN 'cp_plans' ELSE 'cin' END AS list_id,
        snapshot_month, source_file, source_sheet, source_row,
        coalesce(nullif(trim(team), ''), '(no team)') AS team,
        nullif(trim(worker), '') AS worker,
        start_date
    FROM open_rows
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY status_rank, start_date DESC) = 1;

-- Children looked after at asat (snapshot M alone) for the breakdown tables: one row per child (their
-- latest open period that is not a short break, as cla_open counts them, else their latest short break),
-- short breaks (legal status V3/V4) flagged rather than dropped so that a table can show them apart. So
-- the rows not flagged are cla_open's children, one each, and a breakdown's total equals the headline.
CREATE OR REPLACE TEMPORARY MACRO looked_after_at(la, m, asat) AS TABLE
    SELECT
        child_id,
        coalesce(legal_status, 'not recorded') AS legal_status,
        coalesce(placement_type, 'not recorded') AS placement_type,
        coalesce(legal_status IN ('V3', 'V4'), false) AS short_breaks
    FROM snapshot_cla(la, m)
    WHERE is_open(cla_start, cla_end, asat)
    QUALIFY row_number() OVER (
        PARTITION BY child_id ORDER BY coalesce(legal_status IN ('V3', 'V4'), false), cla_start DESC, source_row
    ) = 1;

-- Contract 1.2: a figure whose period (or look-back) starts before the earliest date the history covers
-- (history_covers_from) is given with a note saying from when the history runs.
CREATE OR REPLACE TEMPORARY MACRO coverage_note(covers_from, period_start, what) AS
    CASE WHEN covers_from > period_start
         THEN 'history runs from ' || strftime(covers_from, '%Y-%m-%d') || ' only, so ' || what || ' from '
             || strftime(period_start, '%Y-%m-%d') || ' is partial'
    END;

-- Contract 3.2: the local standards in force for (la, m): those stored when snapshot M was loaded (table
-- standards), else the defaults of config/standards.yaml (default_standards(), csc_report.standards).
CREATE OR REPLACE TEMPORARY MACRO standards_in_force(la, m) AS TABLE
    SELECT d.standard_id, coalesce(s.amount, d.amount) AS amount, coalesce(s.unit, d.unit) AS unit,
        coalesce(s.local_standard, false) AS local_standard
    FROM default_standards() AS d
    LEFT JOIN standards AS s
        ON s.la_code = la AND s.month = CAST(m AS DATE) AND s.standard_id = d.standard_id;

CREATE OR REPLACE TEMPORARY MACRO standard_amount(la, m, id) AS
    (SELECT amount FROM standards_in_force(la, m) WHERE standard_id = id);
CREATE OR REPLACE TEMPORARY MACRO standard_unit(la, m, id) AS
    (SELECT unit FROM standards_in_force(la, m) WHERE standard_id = id);

-- Contract 3.2, "d within S before asat": d <= asat and, for a working-day standard, at most S working
-- days from d to asat (contract 2); for a day or month standard d >= asat - S, the day clamped (30 June -
-- 6 months = 30 December). A blank d is not within (it stays in the denominator). (The parameter is not
-- called d: that is the calendar's column, which wd_between reads.)
CREATE OR REPLACE TEMPORARY MACRO within_standard(la, m, id, event_date) AS
    coalesce(CAST(event_date AS DATE) <= p_end(m) AND CASE standard_unit(la, m, id)
        WHEN 'working_days' THEN wd_between(event_date, p_end(m)) <= standard_amount(la, m, id)
        WHEN 'days' THEN CAST(event_date AS DATE) >= p_end(m) - CAST(standard_amount(la, m, id) AS INTEGER)
        ELSE CAST(event_date AS DATE) >= CAST(p_end(m) - to_months(standard_amount(la, m, id)) AS DATE)
    END, false);

-- Contract 3.2, "started at least S before asat": at least S working days from the start to asat, or for
-- a day or month standard start <= asat - S.
CREATE OR REPLACE TEMPORARY MACRO started_before_standard(la, m, id, start_date) AS
    coalesce(CASE standard_unit(la, m, id)
        WHEN 'working_days' THEN wd_between(start_date, p_end(m)) >= standard_amount(la, m, id)
        WHEN 'days' THEN CAST(start_date AS DATE) <= p_end(m) - CAST(standard_amount(la, m, id) AS INTEGER)
        ELSE CAST(start_date AS DATE) <= CAST(p_end(m) - to_months(standard_amount(la, m, id)) AS DATE)
    END, false);

-- The note naming the standard a figure used: "within 10 working days, this authority's standard".
CREATE OR REPLACE TEMPORARY MACRO standard_note(la, m, id) AS
    (SELECT 'within ' || amount || ' ' || replace(unit, '_', ' ') || ', '
        || CASE WHEN local_standard THEN 'this authority''s standard' ELSE 'the default standard' END
     FROM standards_in_force(la, m) WHERE standard_id = id);

-- Contract 3.2: age in whole years at asat from the month-level date of birth (the first of the birth
-- month). At a month end every birthday of that month has passed, so the age is exact.
CREATE OR REPLACE TEMPORARY MACRO age_at(dob, asat) AS
    CAST(date_part('year', age(CAST(asat AS TIMESTAMP), CAST(dob AS TIMESTAMP))) AS INTEGER);
