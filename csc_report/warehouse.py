"""The DuckDB warehouse: schema, atomic snapshot loads, reference data, results, run records, population
look-up and a content fingerprint.

The schema lives in `sql/schema.sql` (tables, the `calendar`, the `wd_between` macro and one
`history_<list>(la, m)` table macro per event list); this module applies it and is the one that writes to
it (snapshots, the inbox's reference data and the month's commentary, indicator results, run records;
the shipped benchmarks through csc_report.dfe.lookup.load_reference, which `pipeline.load` calls
beside it). Indicators and publishing read only the warehouse: the readers of the reference data are here
too. Every
snapshot load is one transaction, so a failed load leaves the warehouse exactly as it was, and re-loading
a month replaces that month and nothing else (contract 1.2).
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from csc_report.authority_config import DEFAULT_WINDOW_MONTHS
from csc_report.catalogue import EPISODE_SCOPE, EVENT_SCOPE, LIST_KEYS, LISTS, canonical_columns
from csc_report.errors import DataError
from csc_report.issues import issues_to_arrow
from csc_report.months import month_start
from csc_report.settings import SQL_DIR
from csc_report.targets import Target
from csc_report.transforms.calendar import working_day_calendar
from csc_report.transforms.extract import Extract

SCHEMA_SQL = SQL_DIR / "schema.sql"
CALENDAR_START, CALENDAR_END = date(2005, 1, 1), date(2035, 12, 31)

POPULATION_HEADER = ["la_code", "year", "population_0_17"]
# Beside source_row, what names a list row's place in the extract (the Excel row the authority opens).
SOURCE_REFERENCE = ("source_file", "source_sheet")


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating its folder if needed) the warehouse file. Call `apply_schema` before writing."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


# History (contract 1.2), one table macro per list with a history key: the rows of the LA's snapshots up
# to month m (a DATE, or 'YYYY-MM-01') that no newer snapshot (up to m, holding the list) covers, then
# merged on the natural key, the latest snapshot's version winning. `snapshot_windows(la, m, list)`
# gives each snapshot's window; `{covered}` is the list's scope-date test against window t.
HISTORY_MACRO = """
CREATE OR REPLACE MACRO history_{list_id}(la, m) AS TABLE
    SELECT r.* FROM {list_id} AS r
    WHERE r.la_code = la AND r.snapshot_month <= CAST(m AS DATE)
      AND NOT EXISTS (
          SELECT 1 FROM snapshot_windows(la, m, '{list_id}') AS t
          WHERE t.snapshot_month > r.snapshot_month AND ({covered})
      )
    QUALIFY row_number() OVER (PARTITION BY r.{key}, r.{event}, r.seq ORDER BY r.snapshot_month DESC) = 1;
"""
# Stock figures (contract 1.2) read snapshot M alone: what the extract taken for M says is open.
SNAPSHOT_MACRO = """
CREATE OR REPLACE MACRO snapshot_{list_id}(la, m) AS TABLE
    SELECT * FROM {list_id} WHERE la_code = la AND snapshot_month = CAST(m AS DATE);
"""


def _in_window(column: str) -> str:
    return f"r.{column} BETWEEN t.window_start AND t.window_end"


def _covered(list_id: str) -> str:
    """The SQL test that row r of an older snapshot has a scope date inside newer snapshot t's window."""
    if list_id in EVENT_SCOPE:
        return _in_window(EVENT_SCOPE[list_id])
    if list_id in EPISODE_SCOPE:
        start, end = EPISODE_SCOPE[list_id]
        open_in_own_snapshot = (
            f"(r.{end} IS NULL OR r.{end} > last_day(r.snapshot_month)) "
            "AND last_day(r.snapshot_month) BETWEEN t.window_start AND t.window_end"
        )
        return f"{_in_window(start)} OR {_in_window(end)} OR ({open_in_own_snapshot})"
    return "false"


def history_macros() -> str:
    """history_<list>(la, m) for every list with a history key, snapshot_<list>(la, m) for every list."""
    history = "".join(
        HISTORY_MACRO.format(list_id=list_id, key=key, event=event, covered=_covered(list_id))
        for list_id, (key, event) in LIST_KEYS.items()
        if event is not None
    )
    return history + "".join(SNAPSHOT_MACRO.format(list_id=list_id) for list_id in LISTS)


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing and (re)define the macros; fill the calendar the first time. Idempotent."""
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    # Warehouses made before rows carried their file and sheet: their rows keep NULL there.
    con.execute(
        "".join(
            f"ALTER TABLE {list_id} ADD COLUMN IF NOT EXISTS {column} VARCHAR;"
            for list_id in LISTS
            for column in SOURCE_REFERENCE
        )
    )
    con.execute(history_macros())
    if _scalar(con, "SELECT count(*) FROM calendar") == 0:
        con.register("_calendar_days", working_day_calendar(CALENDAR_START, CALENDAR_END))
        con.execute("INSERT INTO calendar SELECT d, is_working_day, wd_cum FROM _calendar_days")
        con.unregister("_calendar_days")


def _scalar(con: duckdb.DuckDBPyConnection, query: str, params=None):
    """First value of a one-row query. fetchall(), not fetchone(): in DuckDB 2 a partly fetched
    execute() result keeps the connection busy and the next con.sql()/register() raises."""
    return con.execute(query, params).fetchall()[0][0]


def load_snapshot(
    con: duckdb.DuckDBPyConnection,
    la_code: str,
    month: str | date,
    extract: Extract,
    load_id: str,
    quarantine: pa.Table | None = None,
    window_months: int = DEFAULT_WINDOW_MONTHS,
) -> dict[str, int]:
    """Replace the (la_code, month) snapshot with a pseudonymised extract, atomically.

    One transaction: the snapshot's rows go from every list table and from snapshots, snapshot_columns,
    quarantine and dq_issues; the extract's tables, columns present, issues, the rejected rows'
    references (`quarantine`: list_id, source_file, source_sheet, source_row, rule, message) and an
    audit row in `loads` go in. Any exception rolls everything back and is re-raised, so the warehouse
    is then exactly as it was. Returns rows loaded per list. `window_months` is the snapshot's window
    (contract 1.2): inside it, this snapshot overrules every older one.

    The extract must already have been through `transforms.pseudonymise`: this function stores what it
    is given. Each row keeps its source_file, source_sheet and source_row: where to open it.
    """
    unknown = sorted(set(extract.tables) - set(LISTS))
    if unknown:
        raise ValueError(f"unknown list ids in extract: {', '.join(unknown)}")
    snapshot = month_start(month)
    started_at = _utc_now()
    con.execute("BEGIN TRANSACTION")
    try:
        _delete_snapshot(con, la_code, snapshot)
        counts = {
            list_id: _insert_list(con, list_id, table, la_code, snapshot)
            for list_id, table in extract.tables.items()
        }
        _insert_snapshot_columns(con, extract, la_code, snapshot)
        _insert_frame(con, "dq_issues", issues_to_arrow(extract.issues), la_code, snapshot)
        if quarantine is not None:
            _insert_frame(con, "quarantine", quarantine, la_code, snapshot)
        con.execute(
            "INSERT INTO snapshots (la_code, snapshot_month, load_id, layout, loaded_at, window_months) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [la_code, snapshot, load_id, extract.layout, _utc_now(), window_months],
        )
        # name, sha256, kind: the full path may hold a user's home folder and says nothing more
        files = [{k: v for k, v in asdict(f).items() if k != "path"} for f in extract.files]
        con.execute(
            "INSERT OR REPLACE INTO loads VALUES (?, ?, ?, ?, ?, 'loaded', ?, ?, NULL)",
            [load_id, la_code, snapshot, started_at, _utc_now(), json.dumps(files), json.dumps(counts)],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return counts


def _utc_now() -> datetime:
    """Naive UTC, stored as TIMESTAMP (a tz-aware value would be shifted by the session time zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _delete_snapshot(con: duckdb.DuckDBPyConnection, la_code: str, snapshot: date) -> None:
    for table in (*LISTS, "snapshots", "snapshot_columns", "quarantine", "dq_issues"):
        con.execute(f"DELETE FROM {table} WHERE la_code = ? AND snapshot_month = ?", [la_code, snapshot])


def _insert_list(
    con: duckdb.DuckDBPyConnection, list_id: str, table: pa.Table, la_code: str, snapshot: date
) -> int:
    """Insert one list's rows; canonical columns the table lacks stay NULL (INSERT ... BY NAME).

    seq numbers a child's rows of the list on the same event date in source-row order (contract 1.2).
    Columns outside the canon and the source reference (anything unexpected) are not stored.
    """
    if "source_row" not in table.column_names:
        raise ValueError(f"{list_id}: the table has no source_row column")
    present = [c for c in (*SOURCE_REFERENCE, *canonical_columns()[list_id]) if c in table.column_names]
    partition = [c for c in LIST_KEYS[list_id] if c in present]
    over = f"PARTITION BY {', '.join(partition)} " if partition else ""
    con.register("_snapshot_rows", table)
    try:
        con.execute(
            f"INSERT INTO {list_id} BY NAME SELECT $la AS la_code, $m AS snapshot_month, source_row, "
            f"CAST(row_number() OVER ({over}ORDER BY source_row) AS INTEGER) AS seq"
            f"{''.join(', ' + c for c in present)} FROM _snapshot_rows",
            {"la": la_code, "m": snapshot},
        )
    finally:
        con.unregister("_snapshot_rows")
    return table.num_rows


def _insert_snapshot_columns(
    con: duckdb.DuckDBPyConnection, extract: Extract, la_code: str, snapshot: date
) -> None:
    """Record the canonical columns each list's source had (from the table itself if not stated).

    One statement over two parallel lists: `executemany` costs DuckDB about 1.3 ms a row, a quarter of
    a second for the ~190 columns of a full extract, whatever its size.
    """
    canon = canonical_columns()
    pairs = [
        (list_id, column)
        for list_id, table in extract.tables.items()
        for column in extract.columns_present.get(list_id, table.column_names)
        if column in canon[list_id]
    ]
    if pairs:
        list_ids, columns = (list(side) for side in zip(*pairs, strict=True))
        con.execute(
            "INSERT OR IGNORE INTO snapshot_columns SELECT $la, $m, unnest($lists), unnest($columns)",
            {"la": la_code, "m": snapshot, "lists": list_ids, "columns": columns},
        )


def _insert_frame(
    con: duckdb.DuckDBPyConnection, target: str, frame: pa.Table, la_code: str, snapshot: date
) -> None:
    """Insert an Arrow table whose columns are named as the target's (missing ones stay NULL)."""
    con.register("_snapshot_frame", frame)
    try:
        con.execute(
            f"INSERT INTO {target} BY NAME SELECT $la AS la_code, $m AS snapshot_month, * "
            "FROM _snapshot_frame",
            {"la": la_code, "m": snapshot},
        )
    finally:
        con.unregister("_snapshot_frame")


def load_population(con: duckdb.DuckDBPyConnection, csv_path: Path) -> int:
    """Replace the population table with reference/population.csv; returns the number of rows.

    The file is small and hand-maintained, so it is checked row by row and a bad value stops the run
    with one line naming the file, row and column (DataError).
    """
    csv_path = Path(csv_path)
    records: dict[tuple[str, int], int] = {}
    try:
        with csv_path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            if header != POPULATION_HEADER:
                raise DataError(
                    f"{csv_path}: header must be {','.join(POPULATION_HEADER)}, found {','.join(header)}"
                )
            for row_number, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                la_code, year, population = _population_row(csv_path, row_number, row)
                if (la_code, year) in records:
                    raise DataError(f"{csv_path}: row {row_number}: duplicate la_code {la_code} year {year}")
                records[(la_code, year)] = population
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise DataError(f"{csv_path}: cannot read population file: {e}") from None
    frame = pa.table(
        {
            "la_code": pa.array([k[0] for k in records], pa.string()),
            "year": pa.array([k[1] for k in records], pa.int32()),
            "population_0_17": pa.array(list(records.values()), pa.int64()),
        }
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM population")
        con.register("_population", frame)
        con.execute("INSERT INTO population SELECT * FROM _population")
        con.unregister("_population")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return frame.num_rows


def _population_row(csv_path: Path, row_number: int, row: list[str]) -> tuple[str, int, int]:
    cells = [c.strip() for c in row]
    if len(cells) != len(POPULATION_HEADER) or not cells[0]:
        raise DataError(f"{csv_path}: row {row_number}: expected la_code,year,population_0_17")
    try:
        year, population = int(cells[1]), int(cells[2])
    except ValueError:
        raise DataError(
            f"{csv_path}: row {row_number}: year and population_0_17 must be whole numbers"
        ) from None
    if not 1900 <= year <= 2100 or population <= 0:
        raise DataError(f"{csv_path}: row {row_number}: year or population_0_17 out of range")
    return cells[0], year, population


def population_for(
    con: duckdb.DuckDBPyConnection, la_code: str, month: str | date
) -> tuple[int | None, int | None, str | None]:
    """(population_0_17, mid-year used, note) for month M of an LA (contract section 2).

    The estimate is that of the year Y in which the financial year containing M starts: April-December
    -> Y is M's year, January-March -> the year before. It comes from the inbox's
    `reference/population.csv` (table `population`) or the ONS estimates shipped with the product (table
    `reference_population`, issue 12), so that an authority with only its extract gets rates on the first
    run: the latest year up to Y of either, the inbox's where both have that year. So an inbox file that
    stops at mid-2014 gives way to the shipped mid-2024 for a 2025 month (issue 34), and an authority's
    own newer estimate beats the shipped one. The note always names the source and year; if mid-Y is
    missing from both the latest earlier year is used and the note says so too; with no estimate at all
    the value is None and the note says why.
    """
    m = month_start(month)
    wanted = m.year if m.month >= 4 else m.year - 1
    rows = con.execute(
        """
        SELECT population_0_17, year, source,
            (SELECT max(year) FROM population WHERE la_code = $la AND year <= $wanted) AS inbox_year
        FROM (
            SELECT population_0_17, year, 'inbox' AS source FROM population WHERE la_code = $la
            UNION ALL
            SELECT population_0_17, year, 'ons' FROM reference_population WHERE area_code = $la
        )
        WHERE year <= $wanted ORDER BY year DESC, source = 'inbox' DESC LIMIT 1
        """,
        {"la": la_code, "wanted": wanted},
    ).fetchall()
    if not rows:
        return None, None, f"no population estimate for {la_code} for mid-{wanted} or earlier"
    value, year, source, inbox_year = rows[0]
    where = "from reference/population.csv" if source == "inbox" else "ONS estimate shipped with csc-report"
    if source == "ons" and inbox_year is not None:  # the inbox's file was passed over: say so
        where += f" (reference/population.csv stops at mid-{inbox_year})"
    if year != wanted:
        return value, year, f"mid-{wanted} population estimate not available; mid-{year} used, {where}"
    return value, year, f"population: mid-{year}, {where}"


def table_fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Table name -> sha256 of its columns and every row (rows sorted by their text, so load order and
    physical layout do not matter). Tests compare fingerprints to prove a warehouse is unchanged."""
    tables = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name"
        ).fetchall()
    ]
    fingerprint = {}
    for name in tables:
        columns = _scalar(
            con,
            "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) "
            "FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ?",
            [name],
        )
        rows = _scalar(
            con,
            "SELECT coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)), '') "
            f'FROM "{name}" AS t',
        )
        fingerprint[name] = hashlib.sha256(f"{columns}\n{rows}".encode()).hexdigest()
    return fingerprint


def dq_counts(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> dict[tuple[str, str, str], int]:
    """Issues per (sheet, rule, severity) recorded with a month's snapshot: the report compares months."""
    rows = con.execute(
        "SELECT coalesce(sheet, ''), rule, severity, count(*) FROM dq_issues "
        "WHERE la_code = ? AND snapshot_month = ? GROUP BY ALL",
        [la_code, month_start(month)],
    ).fetchall()
    return {(sheet, rule, severity): n for sheet, rule, severity, n in rows}


def record_run(con: duckdb.DuckDBPyConnection, run: dict) -> None:
    """Add (or replace) one row of the `runs` table: the warehouse's own record of completed runs."""
    con.execute(
        "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run["run_id"],
            run["flow_run_id"],
            run["la_code"],
            month_start(run["month"]),
            run["started_at"],
            run["finished_at"],
            run["status"],
            run["message"],
            json.dumps(run["timings"]),
        ],
    )


def earlier_loads(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> list[list[str]]:
    """[snapshot month, load id] of the authority's snapshots before `month`, oldest first: the history
    a month's figures are built on, so re-loading an earlier month makes later months due again."""
    rows = con.execute(
        "SELECT strftime(snapshot_month, '%Y-%m'), load_id FROM snapshots "
        "WHERE la_code = ? AND snapshot_month < ? ORDER BY snapshot_month",
        [la_code, month_start(month)],
    ).fetchall()
    return [list(row) for row in rows]


def record_run_inputs(con: duckdb.DuckDBPyConnection, run: dict, fingerprint: str, code_version: str) -> None:
    """Record what a completed run was computed from, beside its `runs` row."""
    inputs = {item["file"]: item["sha256"] for item in run["inputs"]}
    con.execute(
        "INSERT OR REPLACE INTO run_inputs VALUES (?, ?, ?, ?, ?, ?)",
        [
            run["run_id"],
            run["la_code"],
            month_start(run["month"]),
            fingerprint,
            code_version,
            json.dumps(inputs, sort_keys=True),
        ],
    )


def last_completed_run(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> tuple | None:
    """(run_id, finished_at, fingerprint) of the latest completed run of (la_code, month), or None
    (also for a warehouse made before `run_inputs` existed)."""
    try:
        rows = con.execute(
            "SELECT r.run_id, r.finished_at, i.fingerprint "
            "FROM runs AS r JOIN run_inputs AS i USING (run_id) "
            "WHERE r.la_code = ? AND r.month = ? AND r.status = 'done' "
            "ORDER BY r.finished_at DESC, r.run_id LIMIT 1",
            [la_code, month_start(month)],
        ).fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0] if rows else None


# --- the inbox's reference data and the month's commentary (loaded with each month) ----------------


def _replace(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, where: str = "", params=None):
    """Delete `table`'s rows (those matching `where`) and insert `frame`'s, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {table} {where}", params or [])
        if len(frame):
            con.register("_replacement", frame)
            try:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _replacement")
            finally:
                con.unregister("_replacement")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_targets(con: duckdb.DuckDBPyConnection, targets: dict[str, Target]) -> None:
    """Replace the `targets` table with the checked reference/targets.yaml ({} when there is none)."""
    frame = pd.DataFrame(
        [{"indicator_id": k, "target": t.target, "direction": t.direction, "tolerance": t.tolerance}
         for k, t in targets.items()],
        columns=["indicator_id", "target", "direction", "tolerance"],
    )  # fmt: skip
    _replace(con, "targets", frame)


def stored_targets(con: duckdb.DuckDBPyConnection) -> dict[str, Target]:
    """The targets loaded with the last month, by indicator id."""
    rows = con.execute(
        "SELECT indicator_id, target, direction, tolerance FROM targets ORDER BY indicator_id"
    ).fetchall()
    return {
        indicator_id: Target(target, direction, tolerance)
        for indicator_id, target, direction, tolerance in rows
    }


def load_authorities(con: duckdb.DuckDBPyConnection, names: dict[str, str]) -> None:
    """Replace the `authorities` table (la_code -> display name, from reference/authorities.csv)."""
    frame = pd.DataFrame(list(names.items()), columns=["la_code", "la_name"])
    _replace(con, "authorities", frame)


def la_name(con: duckdb.DuckDBPyConnection, la_code: str) -> str:
    """The authority's display name: reference/authorities.csv's, else DfE's name for its code (the
    shipped reference areas, so a real authority reads as `Walsall`), else the code itself."""
    return la_names(con).get(la_code, la_code)


def la_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """la_code -> display name: DfE's name for every code it publishes, overridden by the loaded
    reference/authorities.csv (the whole inbox's, so a fictional authority keeps its own name)."""
    dfe = con.execute("SELECT la_code, la_name FROM reference_areas").fetchall()
    return dict(dfe) | dict(con.execute("SELECT la_code, la_name FROM authorities").fetchall())


def load_commentary(
    con: duckdb.DuckDBPyConnection, la_code: str, month: str | date, sections: dict[str, str]
) -> None:
    """Replace the (authority, month) commentary: the author's sections (heading -> Markdown) in order."""
    m = month_start(month)
    frame = pd.DataFrame(
        [{"la_code": la_code, "month": m, "position": n, "section": k, "markdown": v}
         for n, (k, v) in enumerate(sections.items())],
        columns=["la_code", "month", "position", "section", "markdown"],
    )  # fmt: skip
    _replace(con, "commentary", frame, "WHERE la_code = ? AND month = ?", [la_code, m])


def load_changes(con: duckdb.DuckDBPyConnection, la_code: str, changes: list) -> None:
    """Replace the authority's known changes (csc_report.phases.Change) with the file's, all of them."""
    frame = pd.DataFrame(
        [(la_code, c.month, c.text, list(c.touches)) for c in changes],
        columns=["la_code", "month", "change", "touches"],
    )
    _replace(con, "service_changes", frame, "WHERE la_code = ?", [la_code])


def commentary(con: duckdb.DuckDBPyConnection, la_code: str, month: str | date) -> dict[str, str]:
    """The (authority, month) commentary as loaded: section heading -> Markdown, in the file's order."""
    rows = con.execute(
        "SELECT section, markdown FROM commentary WHERE la_code = ? AND month = ? ORDER BY position",
        [la_code, month_start(month)],
    ).fetchall()
    return dict(rows)


def published_months(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(la_code, la_name, 'YYYY-MM') of every month with a completed run, from the `runs` table."""
    rows = con.execute(
        "SELECT DISTINCT r.la_code, coalesce(a.la_name, r.la_code), strftime(r.month, '%Y-%m') "
        "FROM runs AS r LEFT JOIN authorities AS a USING (la_code) WHERE r.status = 'done' ORDER BY ALL"
    ).fetchall()
    return [tuple(row) for row in rows]


# --- results and run records -------------------------------------------------------------------------


def store_results(
    con: duckdb.DuckDBPyConnection,
    la_code: str,
    month: str,
    rows: list[dict],
    tables: dict[str, pd.DataFrame],
) -> None:
    """Replace the (la_code, month) results in `indicator_values` and `report_tables`, atomically."""
    m = month_start(month)
    values = pd.DataFrame(
        rows,
        columns=[
            "indicator_id", "label", "section", "unit", "value", "numerator", "denominator", "target",
            "rag", "note",
        ],
    )  # fmt: skip
    table_rows = pd.DataFrame(
        [{"table_id": k, "data": _table_json(v)} for k, v in tables.items()], columns=["table_id", "data"]
    )
    con.register("_values", values)
    con.register("_tables", table_rows)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("indicator_values", "report_tables"):
            con.execute(f"DELETE FROM {table} WHERE la_code = $la AND month = $m", {"la": la_code, "m": m})
        con.execute(
            "INSERT INTO indicator_values BY NAME SELECT $la AS la_code, $m AS month, * FROM _values",
            {"la": la_code, "m": m},
        )
        con.execute(
            "INSERT INTO report_tables SELECT $la, $m, table_id, data::JSON FROM _tables",
            {"la": la_code, "m": m},
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_values")
        con.unregister("_tables")


def _table_json(frame: pd.DataFrame) -> str:
    """Records JSON with dates as YYYY-MM-DD (not epoch milliseconds or timestamps)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out.to_json(orient="records")


def record_completed_run(
    con: duckdb.DuckDBPyConnection, run: dict, fingerprint: str, code_version: str
) -> None:
    """A completed run's `runs` and `run_inputs` rows, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        record_run(con, run)
        record_run_inputs(con, run, fingerprint, code_version)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
