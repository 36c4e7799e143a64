"""Issue 2's loading proof: every public Annex A sample and a generated year go all the way into a
warehouse, with their oddities reported and nothing personal stored.

Each extract goes through the stages a run's tasks call, one by one (read_extract, validate_extract,
pseudonymise, warehouse.load_snapshot), without Prefect (the end-to-end tests cover the flow).
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from csc_report.transforms.pseudonymise import pseudonymise
from csc_report.transforms.read import read_extract

from csc_report import pipeline, warehouse, warehouse_reference
from csc_report.generate import generate_inbox
from csc_report.settings import RunPaths
from csc_report.validation import validate_extract

KEY = bytes(range(32))
ID_COLUMNS = ("child_id", "family_id", "adopter_id", "post_id", "worker", "personal_advisor")
PSEUDONYM = re.compile(r"^[0-9a-f]{16}$")
AUDIT_TABLES = {"loads", "runs", "snapshots"}  # a re-load writes a new load id and time, nothing else

# sample -> (LA code to file it under, the month it is an extract for: its latest event dates' month)
SAMPLES = {
    "fddc_example-B-2004_ofsted_template_aug2019.xlsx": ("904", "2019-08"),
    "fddc_example-A-2005.xls": ("905", "2010-03"),
    "fddc_2015-01-sample.xlsx": ("915", "2015-03"),  # named January, but its referrals are of March
    "liia-tools-pipeline_Annex_A_2024_Jan.xlsx": ("924", "2024-01"),
}


def personal_values(extract) -> dict[str, set]:
    """The raw identifiers, worker names, full dates of birth and full postcodes of an extract."""
    found: dict[str, set] = {"ids": set(), "dob": set(), "postcode": set()}
    for table in extract.tables.values():
        for column in table.column_names:
            values = {v for v in table.column(column).to_pylist() if v is not None}
            if column in ID_COLUMNS:
                found["ids"] |= {str(v) for v in values}
            elif column == "dob":
                found["dob"] |= values
            elif column == "placement_postcode":
                found["postcode"] |= values
    return found


def warehouse_text(con) -> dict[str, list[tuple]]:
    """Every row of every table, each cell as text: what a search for leaked values looks through."""
    tables = [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
    ]
    out = {}
    for table in tables:
        if table == "calendar":
            continue
        columns = [
            c
            for (c,) in con.execute(
                f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{table}'"
            ).fetchall()
        ]
        cast = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in columns)
        out[table] = [(columns, row) for row in con.execute(f'SELECT {cast} FROM "{table}"').fetchall()]
    return out


@pytest.fixture(scope="module")
def _loaded_once():
    """Module-wide holder: the samples are loaded once, by the first test that gets `samples_dir`."""
    store: dict = {}
    yield store
    if "con" in store:
        store["con"].close()


@pytest.fixture
def loaded(samples_dir, tmp_path_factory, _loaded_once):
    """All four samples read, validated, pseudonymised and loaded into one warehouse."""
    if "con" not in _loaded_once:
        con = warehouse.connect(tmp_path_factory.mktemp("samples") / "csc.duckdb")
        _loaded_once["con"] = con
        warehouse.apply_schema(con)
        raw, results = {}, {}
        for name, (la, month) in SAMPLES.items():
            extract = read_extract([samples_dir / name])
            result = validate_extract(extract, pipeline.Period(month).asat)
            assert result.errors == [], [e.one_line() for e in result.errors]
            raw[name] = personal_values(extract)
            safe = pseudonymise(result.extract, KEY, la)
            counts = warehouse.load_snapshot(con, la, month, safe, f"sample-{la}", quarantine=result.rejected)
            assert counts == result.extract.row_counts() and result.rejected.num_rows == 0
            results[name] = result
        _loaded_once["value"] = (con, raw, results)
    return _loaded_once["value"]


def stored_issues(con, sample: str) -> set[tuple]:
    la, month = SAMPLES[sample]
    return set(
        con.execute(
            'SELECT file, sheet, "row", "column", rule, severity FROM dq_issues '
            "WHERE la_code = ? AND snapshot_month = ?",
            [la, warehouse.month_start(month)],
        ).fetchall()
    )


def test_every_sample_loads_every_list(loaded):
    con, _, _ = loaded
    for name, (la, month) in SAMPLES.items():
        lists = {
            table
            for (table,) in con.execute(
                "SELECT list_id FROM snapshot_columns WHERE la_code = ? AND snapshot_month = ?",
                [la, warehouse.month_start(month)],
            ).fetchall()
        }
        assert len(lists) == 11, (name, lists)  # Lists 1-11 found, even where a list has no rows
        status = con.execute("SELECT status FROM loads WHERE la_code = ?", [la]).fetchall()
        assert status == [("loaded",)]
    layouts = dict(con.execute("SELECT la_code, layout FROM snapshots").fetchall())
    assert layouts == {"904": "2019", "905": "2019", "915": "2019", "924": "2024"}
    cp = con.execute("SELECT count(*) FROM cp_plans WHERE la_code = '924'").fetchall()
    assert cp == [(7,)]


def test_liia_2024_oddities_are_stored_as_issues(loaded):
    con, _, _ = loaded
    sample = "liia-tools-pipeline_Annex_A_2024_Jan.xlsx"
    issues = stored_issues(con, sample)
    na = {(r, c) for f, s, r, c, rule, _ in issues if rule == "error_value" and s == "List 6"}
    assert len(na) == 10 and {c for _, c in na} == {"team", "worker"}  # `#N/A` team and worker, 5 rows
    assert (sample, "List 6", 2, "primary_need", "unknown_code", "warning") in issues  # `PSRMEM`
    assert (sample, "List 8", 3, "placement_postcode", "bad_postcode", "warning") in issues  # `nope`
    outcome = {r for _, s, r, c, rule, _ in issues if c == "assessment_outcome" and rule == "unknown_code"}
    assert len(outcome) == 5  # `CS Assessment Updated`
    # cross-list: two children on an open plan are not on the CIN list
    cross = {(s, c) for _, s, r, c, rule, _ in issues if rule == "open_cp_plan_not_on_cin" and r}
    assert cross == {("List 7", "child_id")}
    assert len([i for i in issues if i[4] == "open_cp_plan_not_on_cin"]) == 2
    messages = [
        m
        for (m,) in con.execute(
            "SELECT message FROM dq_issues WHERE la_code = '924' AND rule = 'unknown_code'"
        ).fetchall()
    ]
    assert any("PSRMEM" in m for m in messages)  # a code is quoted, so the user can find it
    assert not any("NOPE" in m.upper() for m in messages)


def test_fddc_2015_oddities_are_stored_as_issues(loaded):
    con, _, _ = loaded
    sample = "fddc_2015-01-sample.xlsx"
    issues = stored_issues(con, sample)
    blank = {(s, c) for _, s, _, c, rule, _ in issues if rule == "missing_value"}
    assert blank == {("List_3", "referrals_last_12m")}  # a blank mandatory count
    unknown = [(s, c) for _, s, _, c, rule, _ in issues if rule == "unknown_code"]
    assert unknown == [("List_3", "referral_source")]  # `Health`: a group label, not a source code
    assert con.execute("SELECT count(*) FROM referrals WHERE la_code = '915'").fetchall() == [(5,)]


def test_fddc_template_oddities_are_stored_as_issues(loaded):
    con, _, _ = loaded
    sample = "fddc_example-B-2004_ofsted_template_aug2019.xlsx"
    issues = stored_issues(con, sample)
    bad_dates = {(c, r) for _, _, r, c, rule, _ in issues if rule == "bad_date"}
    assert bad_dates == {("dob", 10)}  # a date of birth that is not a date
    # its List 2 repeats one row exactly: one record, the repeat a warning (issue 34)
    assert {rule for *_, rule, _ in issues} <= {"bad_date", "exact_duplicate_row"}


def test_fddc_xls_loads_with_its_duplicates_reported(loaded):
    con, _, results = loaded
    sample = "fddc_example-A-2005.xls"
    issues = stored_issues(con, sample)
    assert {rule for *_, rule, _ in issues} == {"exact_duplicate_row"}  # List 2 repeats a row exactly
    assert all(r is not None for _, _, r, *_ in issues)  # each names its row (a whole-row repeat: no column)
    early = con.execute("SELECT count(*), min(eh_start) FROM early_help WHERE la_code = '905'").fetchall()
    # 12 rows, one an exact repeat of another: 11 records; a text date among Excel dates
    assert early == [(11, dt.date(2010, 1, 1))]
    assert results[sample].extract.files[0].kind == "xls"


def test_no_raw_identifier_name_dob_or_postcode_reaches_the_warehouse(loaded):
    con, raw, _ = loaded
    text = warehouse_text(con)
    ids = set().union(*(r["ids"] for r in raw.values()))
    dobs = set().union(*(r["dob"] for r in raw.values()))
    postcodes = set().union(*(r["postcode"] for r in raw.values()))
    assert any(" " in v for v in ids) and len(postcodes) == 3 and dobs  # the search has something to find
    secrets = ids | postcodes | {p.replace(" ", "") for p in postcodes}
    for table, rows in text.items():
        for columns, row in rows:
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                if column in ID_COLUMNS:
                    assert PSEUDONYM.match(value), (table, column)
                if column == "dob":
                    assert value.endswith("-01"), (table, column)
                if column == "placement_postcode":
                    assert " " not in value and len(value) <= 4, (table, column)  # the district only
                # no raw value anywhere, even in messages, file lists or quarantine references; values
                # of 6+ characters are told apart from codes, counts and timestamps, shorter ones
                # (fddc's `1001`) are looked for in the free-text columns only
                for secret in secrets:
                    if len(secret) >= 6 or (len(secret) >= 4 and column in ("message", "files")):
                        assert secret not in value, (table, column)
                if column == "message":  # issues and quarantine reasons never quote a date of birth
                    for born in dobs:
                        assert born.isoformat() not in value and born.strftime("%d/%m/%Y") not in value


# --- a generated year -----------------------------------------------------------------------------

LA = "874"


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """Twelve generated monthly snapshots, loaded month by month; about 15 s."""
    root = tmp_path_factory.mktemp("year")
    folders = generate_inbox(root / "inbox", la_code=LA, end="2013-06", months=12, scale=0.15, seed=5)
    paths = RunPaths(inbox=root / "inbox", warehouse=root / "wh", key_file=root / "secret.key")
    months = [folder.name for folder in folders]
    started = time.perf_counter()
    per_month = {}
    for month in months:
        per_month[month] = load_month(paths, month, f"first-{month}")
    return paths, months, per_month, time.perf_counter() - started


def load_month(paths: RunPaths, month: str, load_id: str) -> dict[str, int]:
    extract = read_extract(pipeline.discover(paths, LA, month))
    result = validate_extract(extract, pipeline.Period(month).asat)
    result.raise_for_errors()
    safe = pseudonymise(result.extract, KEY, LA)
    con = warehouse.connect(paths.warehouse_file(LA))
    try:
        warehouse.apply_schema(con)
        warehouse_reference.load_population(con, paths.inbox / "reference" / "population.csv")
        return warehouse.load_snapshot(con, LA, month, safe, load_id, quarantine=result.rejected)
    finally:
        con.close()


@pytest.mark.slow  # a backfill of several months in its fixture
def test_a_generated_year_loads_and_history_is_de_duplicated(year):
    paths, months, per_month, _ = year
    con = warehouse.connect(paths.warehouse_file(LA), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM snapshots").fetchall() == [(12,)]
        for list_id, date_column in (
            ("referrals", "referral_date"),
            ("cp_plans", "cp_start"),
            ("cla", "cla_start"),
        ):
            stored = con.execute(f"SELECT count(*) FROM {list_id}").fetchall()[0][0]
            assert stored == sum(counts[list_id] for counts in per_month.values())
            history, distinct = con.execute(
                f"SELECT count(*), count(DISTINCT (child_id, {date_column}, seq)) "
                f"FROM history_{list_id}(?, ?)",
                [LA, warehouse.month_start(months[-1])],
            ).fetchall()[0]
            # overlapping snapshots: every event once, and far fewer than the rows of all snapshots
            assert history == distinct
            assert max(c[list_id] for c in per_month.values()) <= history < stored * 0.6, list_id
    finally:
        con.close()


@pytest.mark.slow  # a backfill of several months in its fixture
def test_reloading_a_month_is_idempotent(year):
    paths, months, _, _ = year

    def fingerprint():
        con = warehouse.connect(paths.warehouse_file(LA), read_only=True)
        try:
            return warehouse.table_fingerprint(con)
        finally:
            con.close()

    before = fingerprint()
    load_month(paths, months[5], "reload")
    after = fingerprint()
    changed = {name for name in before if before[name] != after[name]}
    assert "loads" in changed and changed <= AUDIT_TABLES
    assert set(after) == set(before)
