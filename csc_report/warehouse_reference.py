"""The inbox's reference data and the month's commentary, in the warehouse: loaded with each month so
that indicators and publishing read only the warehouse, and read back here.

What the inbox holds beside the extract: `reference/population.csv` (checked row by row; the rates'
denominators, with the ONS estimates shipped with the product as fallback), `reference/targets.yaml`,
`reference/authorities.csv`, the authority's known service changes and the month's `commentary.md`. Each is
replaced whole (or per authority and month) in one transaction, so a re-run gives the same tables.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from csc_report.errors import DataError
from csc_report.months import month_start
from csc_report.targets import Target

POPULATION_HEADER = ["la_code", "year", "population_0_17"]


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
