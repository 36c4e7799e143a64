"""Warehouse: schema, wd_between, history macros, atomic snapshot loads and the population rule."""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import pyarrow as pa
import pytest
from csc_report.transforms.calendar import working_days_between
from csc_report.transforms.extract import Extract, SourceFile

from csc_report import catalogue, indicators, standards, warehouse, warehouse_reference
from csc_report.errors import DataError
from csc_report.issues import Issue

LA = "874"


@pytest.fixture
def con(tmp_path):
    connection = warehouse.connect(tmp_path / "wh" / "csc.duckdb")
    warehouse.apply_schema(connection)
    yield connection
    connection.close()


def make_extract(**tables: list[dict]) -> Extract:
    """An Extract from plain rows; source_row is the row's position + 2 (header in row 1)."""
    arrow = {
        name: pa.Table.from_pylist([{**row, "source_row": i + 2} for i, row in enumerate(rows)])
        for name, rows in tables.items()
    }
    return Extract(
        tables=arrow,
        columns_present={name: [c for c in t.column_names if c != "source_row"] for name, t in arrow.items()},
        issues=[Issue("extract.xlsx", "List 3", 2, "referral_date", "bad_date", "warning", "not a date")],
        files=[SourceFile("/inbox/874/2024-06/extract.xlsx", "extract.xlsx", "ab" * 32, "xlsx")],
    )


def rows(con, query: str, params=None) -> list[tuple]:
    return con.execute(query, params).fetchall()


def test_apply_schema_is_idempotent_and_fills_the_calendar(con):
    before = warehouse.table_fingerprint(con)
    warehouse.apply_schema(con)
    assert warehouse.table_fingerprint(con) == before
    assert rows(con, "SELECT min(d), max(d), count(*) FROM calendar") == [
        (date(2005, 1, 1), date(2035, 12, 31), 11322)
    ]


def test_every_list_has_a_table_and_event_lists_a_history_macro(con):
    assert set(catalogue.canonical_columns()) == set(catalogue.LISTS)
    for list_id, (_, event_date) in catalogue.LIST_KEYS.items():
        assert event_date is None or event_date in catalogue.canonical_columns()[list_id]
        if event_date:
            assert rows(con, f"SELECT count(*) FROM history_{list_id}('{LA}', DATE '2024-06-01')") == [(0,)]


def test_wd_between_matches_python_on_random_pairs(con):
    rng = random.Random(7)
    pairs = []
    for _ in range(300):
        start = date(2011, 1, 1) + timedelta(days=rng.randrange(5000))
        pairs.append((start, start + timedelta(days=rng.randrange(-10, 120))))
    got = con.execute(
        "SELECT wd_between(s, e) FROM unnest($s) WITH ORDINALITY AS a(s, i) "
        "JOIN unnest($e) WITH ORDINALITY AS b(e, j) ON i = j ORDER BY i",
        {"s": [p[0] for p in pairs], "e": [p[1] for p in pairs]},
    ).fetchall()
    assert [g[0] for g in got] == [working_days_between(s, e) for s, e in pairs]
    assert rows(con, "SELECT wd_between(NULL, DATE '2024-01-01'), wd_between(DATE '2024-01-01', NULL)") == [
        (None, None)
    ]
    assert rows(con, "SELECT wd_between(DATE '2012-06-01', DATE '2012-06-06')") == [(1,)]


def test_pinned_wd_between_answers_as_the_macro_and_goes_with_the_block(con):
    # the warehouse's macro (csc.main.wd_between) against the pinned month's function over the calendar:
    # random pairs, e before s (negative), the calendar's first and last days (2005-01-01, 2035-12-31)
    # and the days either side of it (NULL), NULL ends, a timestamp and text cast as the macro casts them
    rng = random.Random(11)
    starts = [date(2004, 12, 20) + timedelta(days=rng.randrange(11400)) for _ in range(400)]
    pairs = [(s, s + timedelta(days=rng.randrange(-30, 400))) for s in starts]
    edges = [date(2004, 12, 31), date(2005, 1, 1), date(2035, 12, 31), date(2036, 1, 1), None]
    pairs += [(s, e) for s in edges for e in edges]
    query = (
        "SELECT {f}(s, e) FROM unnest($s) WITH ORDINALITY AS a(s, i) "
        "JOIN unnest($e) WITH ORDINALITY AS b(e, j) ON i = j ORDER BY i"
    )
    params = {"s": [p[0] for p in pairs], "e": [p[1] for p in pairs]}
    expected = rows(con, query.format(f="csc.main.wd_between"), params)
    assert {v for (v,) in expected} >= {None} and min(v for (v,) in expected if v is not None) < 0
    with warehouse.pinned_month(con, LA, "2024-06"):
        assert rows(con, "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'wd_between' "
                    "AND database_name = 'temp'") == [(1,)]  # fmt: skip
        assert rows(con, query.format(f="wd_between"), params) == expected
        # Friday 1 June 2012 to Wednesday 6 June: Monday 4 and Tuesday 5 were bank holidays (the Diamond
        # Jubilee), so only the 6th counts: 1; a timestamp and text are cast to their day first
        assert rows(con, "SELECT wd_between(TIMESTAMP '2012-06-01 09:30', '2012-06-06')") == [(1,)]
    assert rows(con, "SELECT count(*) FROM duckdb_functions() WHERE function_name IN "
                "('wd_between', 'csc_report_wd_between') AND database_name = 'temp'") == [(0,)]  # fmt: skip


def load_may_and_june(con) -> None:
    """May and June 2024: an assessment authorised in June, and two referrals of c2 on one day."""
    may = make_extract(
        assessments=[{"child_id": "c1", "assessment_start": date(2024, 5, 20), "assessment_auth": None}],
        referrals=[
            {"child_id": "c2", "referral_date": date(2024, 5, 3)},
            {"child_id": "c2", "referral_date": date(2024, 5, 3)},
        ],
    )
    june = make_extract(
        assessments=[
            {"child_id": "c1", "assessment_start": date(2024, 5, 20), "assessment_auth": date(2024, 6, 4)}
        ],
        referrals=[
            {"child_id": "c2", "referral_date": date(2024, 5, 3)},
            {"child_id": "c2", "referral_date": date(2024, 5, 3)},
            {"child_id": "c3", "referral_date": date(2024, 6, 10)},
        ],
    )
    warehouse.load_snapshot(con, LA, "2024-05", may, "load-may")
    warehouse.load_snapshot(con, LA, "2024-06", june, "load-jun")


def test_history_latest_snapshot_wins_and_same_day_events_stay_two(con):
    load_may_and_june(con)

    assert rows(con, f"SELECT assessment_auth FROM history_assessments('{LA}', DATE '2024-06-01')") == [
        (date(2024, 6, 4),)
    ]
    assert rows(con, f"SELECT assessment_auth FROM history_assessments('{LA}', '2024-05-01')") == [(None,)]
    assert rows(
        con,
        f"SELECT child_id, seq, snapshot_month FROM history_referrals('{LA}', DATE '2024-06-01') "
        "ORDER BY child_id, seq",
    ) == [("c2", 1, date(2024, 6, 1)), ("c2", 2, date(2024, 6, 1)), ("c3", 1, date(2024, 6, 1))]
    assert rows(con, f"SELECT count(*) FROM history_referrals('{LA}', DATE '2024-05-01')") == [(2,)]
    assert rows(con, "SELECT count(*) FROM history_referrals('other', DATE '2024-06-01')") == [(0,)]


def test_pinned_month_reads_the_rows_kept_for_the_month_and_refuses_another(con):
    load_may_and_june(con)
    june = f"history_referrals('{LA}', DATE '2024-06-01')"
    kept = rows(con, f"SELECT * FROM {june} ORDER BY ALL")
    stock = rows(con, f"SELECT * FROM snapshot_assessments('{LA}', '2024-06-01')")
    with warehouse.pinned_month(con, LA, "2024-06"):
        # a row gone from the warehouse now: the warehouse's macro loses it, the pinned month keeps it
        con.execute("DELETE FROM referrals WHERE child_id = 'c3'")
        assert rows(con, f"SELECT count(*) FROM csc.main.{june}") == [(2,)]
        assert rows(con, f"SELECT * FROM {june} ORDER BY ALL") == kept
        assert rows(con, f"SELECT * FROM snapshot_assessments('{LA}', '2024-06-01')") == stock
        with pytest.raises(
            duckdb.InvalidInputException, match="pinned for 874 2024-06-01, asked for 874 2024-05"
        ):
            rows(con, f"SELECT count(*) FROM history_referrals('{LA}', DATE '2024-05-01')")
    # after the block the warehouse's own macros answer, for any month
    assert rows(con, f"SELECT count(*) FROM {june}") == [(2,)]
    assert rows(con, f"SELECT count(*) FROM history_referrals('{LA}', DATE '2024-05-01')") == [(2,)]
    assert rows(con, "SELECT count(*) FROM duckdb_tables() WHERE temporary") == [(0,)]


def test_load_records_columns_issues_files_and_quarantine(con):
    extract = make_extract(referrals=[{"child_id": "c1", "referral_date": date(2024, 6, 3), "team": "A"}])
    quarantine = pa.table(
        {
            "list_id": ["referrals"],
            "source_file": ["extract.xlsx"],
            "source_sheet": ["List 3"],
            "source_row": [9],
            "rule": ["missing_child_id"],
            "message": ["no child id"],
        }
    )
    counts = warehouse.load_snapshot(con, LA, "2024-06", extract, "load-1", quarantine=quarantine)

    assert counts == {"referrals": 1}
    assert rows(con, "SELECT la_code, snapshot_month, source_row, seq, worker, team FROM referrals") == [
        (LA, date(2024, 6, 1), 2, 1, None, "A")
    ]
    assert rows(con, "SELECT column_name FROM snapshot_columns ORDER BY 1") == [
        ("child_id",),
        ("referral_date",),
        ("team",),
    ]
    assert rows(con, 'SELECT "row", rule, severity FROM dq_issues') == [(2, "bad_date", "warning")]
    assert rows(con, "SELECT list_id, source_row, rule FROM quarantine") == [
        ("referrals", 9, "missing_child_id")
    ]
    assert rows(con, "SELECT status, files->>'$[0].sha256', row_counts->>'$.referrals' FROM loads") == [
        ("loaded", "ab" * 32, "1")
    ]
    assert rows(con, "SELECT load_id, layout FROM snapshots") == [("load-1", "2019")]


def test_reload_replaces_the_snapshot_and_nothing_else(tmp_path):
    may = make_extract(referrals=[{"child_id": "c1", "referral_date": date(2024, 5, 3)}])
    june_v1 = make_extract(
        referrals=[{"child_id": "c9", "referral_date": date(2024, 6, 3)}] * 3,
        cla=[{"child_id": "c9", "cla_start": date(2024, 6, 1)}],
    )
    june_v2 = make_extract(referrals=[{"child_id": "c2", "referral_date": date(2024, 6, 4)}])

    def build(name: str, loads: list[tuple[str, Extract]]):
        c = warehouse.connect(tmp_path / name)
        warehouse.apply_schema(c)
        for i, (month, extract) in enumerate(loads):
            warehouse.load_snapshot(c, LA, month, extract, f"{name}-{i}")
        return c

    once = build("once.duckdb", [("2024-05", may), ("2024-06", june_v2)])
    twice = build("twice.duckdb", [("2024-05", may), ("2024-06", june_v1), ("2024-06", june_v2)])
    audit = {"loads", "snapshots"}  # load ids and times differ by construction
    fp_once, fp_twice = warehouse.table_fingerprint(once), warehouse.table_fingerprint(twice)
    assert {k: v for k, v in fp_once.items() if k not in audit} == {
        k: v for k, v in fp_twice.items() if k not in audit
    }
    assert rows(twice, "SELECT count(*) FROM loads") == [(3,)]
    assert rows(twice, "SELECT snapshot_month, load_id FROM snapshots ORDER BY 1") == [
        (date(2024, 5, 1), "twice.duckdb-0"),
        (date(2024, 6, 1), "twice.duckdb-2"),
    ]


def test_failure_mid_load_leaves_the_warehouse_unchanged(con, monkeypatch):
    warehouse.load_snapshot(
        con,
        LA,
        "2024-06",
        make_extract(referrals=[{"child_id": "c1", "referral_date": date(2024, 6, 3)}]),
        "a",
    )
    before = warehouse.table_fingerprint(con)
    real_insert = warehouse._insert_list

    def insert_then_fail(con_, list_id, *args):
        inserted = real_insert(con_, list_id, *args)
        if list_id == "assessments":  # after referrals (deleted and re-inserted) and assessments
            raise RuntimeError("injected failure")
        return inserted

    monkeypatch.setattr(warehouse, "_insert_list", insert_then_fail)
    replacement = make_extract(
        referrals=[{"child_id": "c5", "referral_date": date(2024, 6, 5)}],
        assessments=[{"child_id": "c5", "assessment_start": date(2024, 6, 5)}],
        cla=[{"child_id": "c5", "cla_start": date(2024, 6, 5)}],
    )
    with pytest.raises(RuntimeError, match="injected failure"):
        warehouse.load_snapshot(con, LA, "2024-06", replacement, "b")
    assert warehouse.table_fingerprint(con) == before
    # the connection is usable again: the next load goes through
    monkeypatch.undo()
    warehouse.load_snapshot(con, LA, "2024-06", replacement, "c")
    assert rows(con, "SELECT child_id FROM referrals") == [("c5",)]


def test_load_rejects_unknown_lists_and_bad_months(con):
    with pytest.raises(ValueError, match="unknown list"):
        warehouse.load_snapshot(con, LA, "2024-06", make_extract(list_12=[{"x": 1}]), "a")
    with pytest.raises(ValueError, match="YYYY-MM"):
        warehouse.load_snapshot(con, LA, "June 2024", make_extract(), "a")


def write_population(tmp_path, text: str):
    path = tmp_path / "population.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_population_rule_and_fallback(con, tmp_path):
    path = write_population(
        tmp_path, "la_code,year,population_0_17\n874,2012,40000\n874,2013,41000\n\n999,2010,5000\n"
    )
    assert warehouse_reference.load_population(con, path) == 3
    # June 2013 -> financial year 2013-14 -> mid-2013; March 2014 is still 2013-14
    inbox = "from reference/population.csv"  # the note names the source (issue 12)
    assert warehouse_reference.population_for(con, "874", "2013-06") == (
        41000,
        2013,
        f"population: mid-2013, {inbox}",
    )
    assert warehouse_reference.population_for(con, "874", "2014-03") == (
        41000,
        2013,
        f"population: mid-2013, {inbox}",
    )
    assert warehouse_reference.population_for(con, "874", "2013-03") == (
        40000,
        2012,
        f"population: mid-2012, {inbox}",
    )
    value, year, note = warehouse_reference.population_for(con, "874", "2014-04")
    assert (value, year) == (41000, 2013) and "mid-2014" in note and "mid-2013" in note
    value, year, note = warehouse_reference.population_for(con, "874", "2012-02")
    assert (value, year) == (None, None) and "mid-2011" in note
    # a second load replaces every row
    write_population(tmp_path, "la_code,year,population_0_17\n874,2013,1\n")
    assert warehouse_reference.load_population(con, path) == 1
    assert rows(con, "SELECT * FROM population") == [("874", 2013, 1)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("la,year,pop\n874,2013,1\n", "header must be"),
        ("la_code,year,population_0_17\n874,twenty,1\n", "row 2"),
        ("la_code,year,population_0_17\n874,2013,1\n874,2013,2\n", "row 3: duplicate"),
        ("la_code,year,population_0_17\n874,2013\n", "row 2"),
    ],
)
def test_bad_population_file_is_a_one_line_data_error(con, tmp_path, text, message):
    path = write_population(tmp_path, text)
    with pytest.raises(DataError, match=message) as raised:
        warehouse_reference.load_population(con, path)
    assert "\n" not in str(raised.value)
    assert rows(con, "SELECT count(*) FROM population") == [(0,)]


def standards_answers(con, month: str) -> list[tuple]:
    """within_standard, started_before_standard and standard_note of every standard for a run of event
    dates around the standards' limits in June 2024 (each day from 2023-12-01 to 2024-06-30, and none)."""
    return rows(
        con,
        f"""SELECT s.standard_id, d, within_standard('{LA}', DATE '{month}', s.standard_id, d),
                   started_before_standard('{LA}', DATE '{month}', s.standard_id, d),
                   standard_note('{LA}', DATE '{month}', s.standard_id)
            FROM standards_in_force('{LA}', DATE '{month}') AS s,
                 (SELECT CAST(unnest(range(DATE '2023-12-01', DATE '2024-07-01', INTERVAL 1 DAY)) AS DATE)
                  UNION ALL SELECT NULL) AS t(d)
            ORDER BY ALL""",
    )


def test_pinned_standards_answer_as_the_macros_and_give_them_back(con):
    # June's standards: the defaults with two local overrides (a working-day and a day standard)
    overrides = {"cp_visit": standards.Standard(5, "working_days"), "health": standards.Standard(30, "days")}
    standards.store(con, LA, date(2024, 6, 1), overrides)
    indicators.apply_macros(con)
    definitions = (
        "SELECT function_name, macro_definition FROM duckdb_functions() WHERE function_name LIKE 'standard%'"
    )
    originals = rows(con, definitions + " ORDER BY ALL")
    unpinned = standards_answers(con, "2024-06-01")
    with warehouse.pinned_month(con, LA, "2024-06"), indicators.pinned_standards(con, LA, "2024-06"):
        assert rows(con, definitions + " AND macro_definition LIKE '%standards_in_force%'") == []
        assert standards_answers(con, "2024-06-01") == unpinned
        # hand-worked, asat Sunday 30 June 2024:
        # cp_visit, 5 working days (local): Fri 21 June has 5 working days to asat (24-28 June), within;
        # Thu 20 June has 6. health, 30 days (local): within from 31 May (30 June - 30 days), and started
        # before the standard up to 31 May. cla_review, 6 months (default): within from 30 December.
        asked = {
            ("cp_visit", date(2024, 6, 21)): (True, True, "within 5 working days, this authority's standard"),
            ("cp_visit", date(2024, 6, 20)): (
                False,
                True,
                "within 5 working days, this authority's standard",
            ),
            ("health", date(2024, 5, 31)): (True, True, "within 30 days, this authority's standard"),
            ("health", date(2024, 6, 1)): (True, False, "within 30 days, this authority's standard"),
            ("health", date(2024, 5, 30)): (False, True, "within 30 days, this authority's standard"),
            ("cla_review", date(2023, 12, 30)): (True, True, "within 6 months, the default standard"),
            ("cla_review", date(2023, 12, 29)): (False, True, "within 6 months, the default standard"),
        }
        answers = {(standard, d): tuple(rest) for standard, d, *rest in standards_answers(con, "2024-06-01")}
        assert {key: answers[key] for key in asked} == asked
        with pytest.raises(
            duckdb.InvalidInputException, match="pinned for 874 2024-06-01, asked for 874 2024-05"
        ):
            rows(con, f"SELECT standard_amount('{LA}', DATE '2024-05-01', 'cp_visit')")
    # afterwards the macros are the ones apply_macros defined, for any month again
    assert rows(con, definitions + " ORDER BY ALL") == originals
    assert rows(con, f"SELECT standard_note('{LA}', DATE '2024-05-01', 'cp_visit')") == [
        ("within 10 working days, the default standard",)
    ]
