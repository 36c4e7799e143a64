"""The DuckDB warehouse: the file, its schema, atomic snapshot loads and a content fingerprint.

The schema lives in `sql/schema.sql` (tables, the `calendar`, the `wd_between` macro and one
`history_<list>(la, m)` table macro per event list); this module applies it and loads the snapshots.
The warehouse is written by this module and its two siblings only: `warehouse_reference` (the inbox's
reference data, the population and the month's commentary) and `warehouse_results` (indicator results and
run records); the shipped benchmarks go in through csc_report.dfe.lookup.load_reference, which
`pipeline.load` calls beside them. Indicators and publishing read only the warehouse. Every snapshot load
is one transaction, so a failed load leaves the warehouse exactly as it was, and re-loading a month
replaces that month and nothing else (contract 1.2).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from duckdb.sqltypes import DATE, INTEGER

from csc_report.authority_config import DEFAULT_WINDOW_MONTHS
from csc_report.catalogue import EPISODE_SCOPE, EVENT_SCOPE, LIST_KEYS, LISTS, canonical_columns
from csc_report.issues import issues_to_arrow
from csc_report.months import month_start
from csc_report.settings import SQL_DIR
from csc_report.transforms.calendar import working_day_calendar
from csc_report.transforms.extract import Extract

SCHEMA_SQL = SQL_DIR / "schema.sql"
CALENDAR_START, CALENDAR_END = date(2005, 1, 1), date(2035, 12, 31)

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


def month_macros() -> list[str]:
    """The names of the table macros (la, m) that read a list's rows: history_<list>, snapshot_<list>."""
    history = [f"history_{list_id}" for list_id, (_key, event) in LIST_KEYS.items() if event is not None]
    return history + [f"snapshot_{list_id}" for list_id in LISTS]


# A pinned month (see `pinned_month`): each macro's rows for (la, m), kept in a temporary table, and a
# temporary macro of the same name reading them. DuckDB looks in the temporary schema first, so every
# row macro, family query and breakdown on the connection reads the kept rows without being changed.
# (The warehouse's macro is named with its database: `main.` alone would find the temporary one.)
PIN_TABLE = "CREATE OR REPLACE TEMPORARY TABLE pinned_{name} AS SELECT * FROM {database}.main.{name}($la, $m)"
PIN_MACRO = """CREATE OR REPLACE TEMPORARY MACRO {name}(la, m) AS TABLE
    SELECT * FROM pinned_{name} WHERE pinned_month_is(la, m)"""
# Asked for another month or authority, a pinned macro stops the query rather than answer with the
# pinned month's rows.
PIN_GUARD = """CREATE OR REPLACE TEMPORARY MACRO pinned_month_is(la, m) AS
    CASE WHEN la = $la AND CAST(m AS DATE) = $m THEN true
         ELSE error('history pinned for ' || $la || ' ' || $m || ', asked for ' || la || ' ' || m) END"""


@contextmanager
def pinned_month(con: duckdb.DuckDBPyConnection, la_code: str, month: str | date) -> Iterator[None]:
    """Within the block, each list's history and snapshot for (la_code, month) are computed once.

    A month's figures and breakdowns call history_<list>(la, m) and snapshot_<list>(la, m) dozens of
    times through their row macros, and each call re-ran the history's de-duplication over every
    snapshot: most of a month's compute time (docs/performance.md). The rows are the macros' own (the
    template above stays the one definition of history), kept for the block only; afterwards the
    connection reads the warehouse's macros again. Only `pipeline.compute` needs it: `explain` and the
    action lists ask for a few figures, where the macros' own cost is small. Within the block
    wd_between answers from the calendar read once (`pinned_wd_between`).
    """
    m = month_start(month)
    names = month_macros()
    database = '"' + con.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""') + '"'
    # DuckDB takes no parameters in a macro's definition: the guard gets the month as literals
    con.execute(PIN_GUARD.replace("$la", sql_literal(la_code)).replace("$m", f"DATE '{m}'"))
    try:
        for name in names:
            con.execute(PIN_TABLE.format(database=database, name=name), {"la": la_code, "m": m})
            con.execute(PIN_MACRO.format(name=name))
        con.create_function(WD_FUNCTION, pinned_wd_between(con), [DATE, DATE], INTEGER, **WD_KIND)
        con.execute(PIN_WD)
        yield
    finally:
        for name in names:
            con.execute(f"DROP MACRO TABLE IF EXISTS temp.{name}")
            con.execute(f"DROP TABLE IF EXISTS temp.pinned_{name}")
        con.execute("DROP MACRO IF EXISTS temp.pinned_month_is; DROP MACRO IF EXISTS temp.wd_between")
        with suppress(duckdb.InvalidInputException):  # not there when pinning stopped before it
            con.remove_function(WD_FUNCTION)


# In a pinned month, wd_between(s, e) (sql/schema.sql) is a function over the calendar read once: the
# macro's two scalar subqueries over `calendar` were planned, as correlated subqueries, at every use in
# the month's hundred-odd queries.
WD_FUNCTION = "csc_report_wd_between"
WD_KIND = {"type": "arrow", "null_handling": "special", "side_effects": False}
PIN_WD = f"""CREATE OR REPLACE TEMPORARY MACRO wd_between(s, e) AS
    {WD_FUNCTION}(CAST(s AS DATE), CAST(e AS DATE))"""


def pinned_wd_between(con: duckdb.DuckDBPyConnection) -> Callable[[pa.Array, pa.Array], pa.Array]:
    """wd_between over arrays of dates, from the connection's calendar as it is now: wd_cum at e less
    wd_cum at s, NULL where either end is NULL or outside the calendar, as the SQL macro gives it."""
    calendar = con.execute("SELECT d, wd_cum FROM calendar ORDER BY d").fetchnumpy()
    days = calendar["d"].astype("datetime64[D]").astype(np.int64)
    # a date past the last day finds the place after it, which matches no day: NULL
    cumulative, matched = np.append(calendar["wd_cum"], 0), np.append(days, 0)

    def at(dates: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        day = pc.fill_null(pc.cast(dates, pa.int32()), 0).to_numpy()
        place = np.searchsorted(days, day)
        found = np.asarray(pc.is_valid(dates)) & (matched[place] == day)
        return cumulative[place], found

    def between(s: pa.Array, e: pa.Array) -> pa.Array:
        (end, end_found), (start, start_found) = at(e), at(s)
        return pa.array(end - start, pa.int32(), mask=~(end_found & start_found))

    return between


def sql_literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


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


def earlier_loads(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> list[list[str]]:
    """[snapshot month, load id] of the authority's snapshots before `month`, oldest first: the history
    a month's figures are built on, so re-loading an earlier month makes later months due again."""
    rows = con.execute(
        "SELECT strftime(snapshot_month, '%Y-%m'), load_id FROM snapshots "
        "WHERE la_code = ? AND snapshot_month < ? ORDER BY snapshot_month",
        [la_code, month_start(month)],
    ).fetchall()
    return [list(row) for row in rows]
