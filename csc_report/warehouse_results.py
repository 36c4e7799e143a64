"""A month's results and run records in the warehouse: the indicator values and report tables the
month computed (`store_results`), the `runs`/`run_inputs` rows that say a run completed and from what
(so an unchanged re-run is a no-op, csc_report/fingerprints.py), and the months published.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from csc_report.months import month_start


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


def published_months(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(la_code, la_name, 'YYYY-MM') of every month with a completed run, from the `runs` table."""
    rows = con.execute(
        "SELECT DISTINCT r.la_code, coalesce(a.la_name, r.la_code), strftime(r.month, '%Y-%m') "
        "FROM runs AS r LEFT JOIN authorities AS a USING (la_code) WHERE r.status = 'done' ORDER BY ALL"
    ).fetchall()
    return [tuple(row) for row in rows]


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
