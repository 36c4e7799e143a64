"""`csc-report explain <breakdown_table_id> --category CATEGORY`: the records behind one cell of a
breakdown table (csc_report.breakdowns), child-level and owner-only as for a figure (csc_report.explain).

The rows come from the cohort's own row macro, filtered by the very category expression the table is
counted with (`Breakdown.cell_sql`), so the rows and the cell cannot drift apart; the command checks
that they add up to the stored cell (rows, or distinct children for a count of children by their
number of rows) and says so, exit 1, when they do not (the month published by other code).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd

from csc_report import breakdowns, indicators, stored_results
from csc_report.errors import DataError, FigureDisagrees, UsageError
from csc_report.explain import default_output, open_warehouse, tidy, with_merged_rows
from csc_report.permissions import write_private_csv


def breakdown_of(table_id: str) -> breakdowns.Breakdown:
    """The breakdown of a table id; an unknown one is a usage error that lists the valid ids."""
    found = breakdowns.BY_ID.get(table_id)
    if found is None:
        raise UsageError(f"unknown breakdown {table_id!r}; the breakdowns are: {', '.join(breakdowns.BY_ID)}")
    return found


def stored_cell(con: duckdb.DuckDBPyConnection, la: str, month: str, b: breakdowns.Breakdown, category: str):
    """The published count of the cell, before suppression; DataError when the table was not published
    (its cohort not available that month, or the month never run) or the category is not one of it."""
    table = stored_results.stored_tables(con, la, month).get(b.table_id)
    if table is None:
        raise DataError(
            f"{b.table_id} for {la} {month}: no table (the month not run here, or {b.cohort.indicator_id} "
            "not available that month: `csc-report explain` on it says why)"
        )
    key, count = b.dimension.key, b.cohort.count[0]
    cell = table.loc[table[key].astype(str) == category, count]
    if cell.empty:
        valid = ", ".join(table[key].astype(str))
        raise UsageError(f"{b.table_id} has no category {category!r}; its categories are: {valid}")
    return int(cell.iloc[0])


def cell_rows(con: duckdb.DuckDBPyConnection, la: str, month: str, b: breakdowns.Breakdown, category: str):
    """The rows behind the cell, CSV-ready (explain.tidy), with what they count: rows or children."""
    indicators.apply_macros(con)
    sql = b.cell_sql()
    params = indicators.month_parameters(con, la, month) | {"category": category}
    frame = con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).df()
    rows = with_merged_rows(con, la, tidy(frame))
    counted = rows["child"].nunique() if b.dimension.per_child else len(rows)
    return rows, int(counted)


def explain_cell(
    con: duckdb.DuckDBPyConnection, la: str, month: str, table_id: str, category: str | None
) -> tuple[pd.DataFrame, str, bool]:
    """The rows behind one cell, the summary line, and whether they add up to the published cell."""
    b = breakdown_of(table_id)
    if category is None:
        raise UsageError(f"{table_id} is a breakdown: say which cell with --category")
    published = stored_cell(con, la, month, b, category)
    rows, counted = cell_rows(con, la, month, b, category)
    what = "children" if b.dimension.per_child else b.cohort.count[0]
    summary = (
        f"{b.title}, {category}: {table_id} {la} {month}: {len(rows)} row{'s' * (len(rows) != 1)}; "
        f"{what} {counted} (published {published})"
    )
    return rows, summary, counted == published


def explain_cell_command(
    warehouse: Path, la: str, month: str, table_id: str, category: str | None, out: str | None
) -> int:
    """`csc-report explain <breakdown> --category`: write the rows behind the cell where explain writes a
    figure's (owner-only, `explain/` in the warehouse folder by default; `--out -` prints them), say what
    they add up to; FigureDisagrees (exit 1) after writing when that is not the published cell."""
    breakdown_of(table_id)
    con = open_warehouse(warehouse, la)
    try:
        rows, summary, agrees = explain_cell(con, la, month, table_id, category)
    finally:
        con.close()
    if out == "-":
        rows.to_csv(sys.stdout, index=False)
        print(summary, file=sys.stderr)
    else:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in str(category))
        path = write_private_csv(
            rows, Path(out) if out else default_output(warehouse, la, month, f"{table_id}-{safe}", None)
        )
        print(f"{summary}\nwritten (owner-only, child-level: do not share): {path}")
    if not agrees:
        raise FigureDisagrees(
            f"{table_id} {la} {month} {category}: the rows do not add up to the published cell; it was "
            "published by other code: run the month again with --force"
        )
    return 0
