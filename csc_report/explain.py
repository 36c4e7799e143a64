"""`csc-report explain`: the records behind one published figure, one CSV row each.

The rows come from the indicator's own row macro, `rows_<indicator_id>(la, m)` in
`sql/indicators/<family>.rows.sql`: the same query the figure is counted from (csc_report.indicators),
not a second copy of its logic. Each row says where it is counted (`counted_in`: count, numerator or
denominator_only), which child it is (the keyed pseudonym), and where to find it in the authority's own
extract (the snapshot whose version the history kept, the file, sheet and Excel row), then the dates
that decided it, the working days where the definition counts them and the team and worker where the
list has them.

How the rows add up to the figure (`counted`) follows the indicator's unit: a count is its `count`
rows; a percentage's numerator is its `numerator` rows and its denominator those plus the
`denominator_only` rows; a rate's numerator is its `numerator` rows (its denominator is the population);
the average caseload divides its `numerator` rows by the distinct workers among them; a mean of days
(`days`) sums the `days` of its `numerator` rows over their number; a workforce figure
is a sum of FTE (`fte`, or `numerator_fte` and `denominator_fte`). `explain` checks this against the
published figure and says so when they differ, which would mean the figure was published by other code.

Child-level rows never go anywhere public by accident: without `--out` they are written to
`explain/` in the warehouse folder (the private store the service account alone reads), owner-only; only
`--out -` prints them, because the user asked for it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from csc_report import indicator_catalogue, indicators, warehouse
from csc_report.errors import CscError, DataError, FigureDisagrees, UsageError
from csc_report.failures import machine_failure
from csc_report.merged_notes import merged_rows_sql
from csc_report.months import month_start
from csc_report.permissions import write_private_csv
from csc_report.settings import authority_file, warehouse_folder

# counted_in values, in the order rows are listed
COUNTED_IN = ("count", "numerator", "denominator_only")
# Warehouse column -> CSV column of the leading, fixed part of a row.
RENAMED = {"child_id": "child", "source_sheet": "sheet"}
LEADING = ["counted_in", "child", "post", "list", "snapshot_month", "source_file", "sheet", "source_row"]


def open_warehouse(folder: Path, la: str) -> duckdb.DuckDBPyConnection:
    """The one place `csc-report explain` opens an authority's warehouse file (`RunPaths.warehouse_file`):
    read-only. (The action lists are written by the publish stage, on its own connection.)"""
    path = authority_file(folder, la)
    if not path.is_file():
        raise UsageError(f"{path}: no warehouse there (run the month first, or give --warehouse)")
    try:
        return warehouse.connect(path, read_only=True)
    except duckdb.Error as exc:  # damaged, unreadable, or held by a writer that will let it go
        raise machine_failure(exc, path, la) or CscError(
            f"{path}: the warehouse cannot be opened now ({type(exc).__name__}); try again"
        ) from None


@dataclass
class Explanation:
    """The rows behind one figure, what they add up to and the figure they explain."""

    indicator_id: str
    label: str
    unit: str
    period: str
    la: str
    month: str
    rows: pd.DataFrame
    counted: dict[str, float | None] = field(default_factory=dict)
    figure: dict[str, float | None] = field(default_factory=dict)
    note: str | None = None

    def agrees(self) -> bool:
        """Whether every part the rows give (value, numerator, denominator) equals the figure's.

        No rows agree with an empty part: a figure left empty rather than 0 (single assessments of a
        pre-2014 extract that has none) has nothing behind it.
        """
        return all(
            _same(v, self.figure.get(k)) or (v == 0 and _same(None, self.figure.get(k)))
            for k, v in self.counted.items()
        )

    def summary(self) -> str:
        """One line per part: what the rows add up to beside the published figure."""
        parts = [f"{k} {_show(v)} (published {_show(self.figure.get(k))})" for k, v in self.counted.items()]
        rows = f"{len(self.rows)} row{'s' * (len(self.rows) != 1)}"
        return f"{self.indicator_id} {self.la} {self.month}: {rows}; " + ", ".join(parts)


def _same(a, b) -> bool:
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return (a is None or pd.isna(a)) and (b is None or pd.isna(b))
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


def _show(value) -> str:
    if value is None or pd.isna(value):
        return "empty"
    return f"{float(value):g}"


def indicator_meta(indicator_id: str) -> dict:
    """The catalogue row of an indicator; an unknown id is a usage error that lists the valid ones."""
    catalogue = indicator_catalogue.catalogue()[0]
    found = catalogue[catalogue["indicator_id"] == indicator_id]
    if found.empty:
        valid = ", ".join(catalogue["indicator_id"])
        raise UsageError(f"unknown indicator {indicator_id!r}; the indicators are: {valid}")
    return found.iloc[0].to_dict()


def figure_rows(con: duckdb.DuckDBPyConnection, la: str, month: str, indicator_id: str) -> pd.DataFrame:
    """The rows of `rows_<indicator_id>` for (la, month), CSV-ready, in a stable order.

    A figure that is not available (its list or column absent from the month's extract, or no extract)
    raises DataError with the reason: there are no rows to show, and an empty file would read as zero.
    """
    indicator_meta(indicator_id)
    m = month_start(month)
    reasons = indicators.unavailable(con, la, m)
    reason = reasons.loc[reasons["item_id"] == indicator_id, "reason"]
    if not reason.empty:
        raise DataError(f"{indicator_id} for {la} {month}: {reason.iloc[0]}")
    indicators.apply_macros(con)
    frame = con.execute(
        f"SELECT * FROM {indicators.row_macro(indicator_id)}($la, $m)", {"la": la, "m": m}
    ).df()
    return with_merged_rows(con, la, tidy(frame))


def with_merged_rows(con: duckdb.DuckDBPyConnection, la: str, rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` with `merged_rows`: the Excel rows of the same extract that repeated each row and were
    counted as it (issue 34), so a reader who finds a record twice in the workbook sees which row stands
    for it. Only when some row of the figure had repeats: the column is absent otherwise."""
    merged = con.execute(
        f"""
        SELECT strftime(snapshot_month, '%Y-%m') AS snapshot_month, source_file, source_sheet AS sheet,
            source_row, string_agg(CAST(merged_row AS VARCHAR), ', ' ORDER BY merged_row) AS merged_rows
        FROM ({merged_rows_sql()})
        GROUP BY ALL
        """,
        {"la": la},
    ).df()
    if merged.empty or rows.empty:
        return rows
    found = rows.merge(merged, how="left", on=["snapshot_month", "source_file", "sheet", "source_row"])
    return found if found["merged_rows"].notna().any() else rows


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Rename to the CSV's names, months as YYYY-MM, dates as ISO text, rows in a stable order."""
    frame = frame.rename(columns=RENAMED)
    frame["snapshot_month"] = pd.to_datetime(frame["snapshot_month"]).dt.strftime("%Y-%m")
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    frame["_order"] = frame["counted_in"].map({c: i for i, c in enumerate(COUNTED_IN)})
    keys = ["_order", "snapshot_month", "source_file", "sheet", "source_row"]
    frame = frame.sort_values(keys, kind="stable", na_position="last").drop(columns="_order")
    leading = [c for c in LEADING if c in frame.columns]
    return frame[leading + [c for c in frame.columns if c not in leading]].reset_index(drop=True)


def counted(rows: pd.DataFrame, unit: str) -> dict[str, float | None]:
    """What the rows add up to, part by part, by the rule of the indicator's unit (module docstring)."""
    part = rows["counted_in"]
    numerator_rows = int((part == "numerator").sum())
    if "fte" in rows.columns:
        return {"value": float(pd.to_numeric(rows["fte"]).sum())}
    if "numerator_fte" in rows.columns:
        return {
            "numerator": float(pd.to_numeric(rows["numerator_fte"]).sum()),
            "denominator": float(pd.to_numeric(rows["denominator_fte"]).sum()),
        }
    if unit == "count":
        return {"value": int((part == "count").sum())}
    if unit == "pct":
        return {"numerator": numerator_rows, "denominator": int(part.isin(COUNTED_IN[1:]).sum())}
    if unit == "days":  # a mean: total days of the numerator rows over their number
        days = pd.to_numeric(rows.loc[part == "numerator", "days"])
        return {"numerator": float(days.sum()), "denominator": numerator_rows}
    if unit == "ratio":
        workers = rows.loc[part == "numerator", "worker"].nunique()
        return {"numerator": numerator_rows, "denominator": int(workers)}
    return {"numerator": numerator_rows}  # a rate: the denominator is the population


def published_figure(con: duckdb.DuckDBPyConnection, la: str, month: str, indicator_id: str) -> dict:
    """The stored figure of (la, month), or DataError when the month was never computed here."""
    found = con.execute(
        "SELECT value, numerator, denominator, note FROM indicator_values "
        "WHERE la_code = $la AND month = $m AND indicator_id = $id",
        {"la": la, "m": month_start(month), "id": indicator_id},
    ).fetchall()
    if not found:
        raise DataError(f"{la} {month} has no published figures in this warehouse: run the month first")
    value, numerator, denominator, note = found[0]
    return {"value": value, "numerator": numerator, "denominator": denominator, "note": note}


def explain(con: duckdb.DuckDBPyConnection, la: str, month: str, indicator_id: str) -> Explanation:
    """The rows behind the published figure `indicator_id` of (la, month), with both sides' totals."""
    meta = indicator_meta(indicator_id)
    published = published_figure(con, la, month, indicator_id)
    rows = figure_rows(con, la, month, indicator_id)
    return Explanation(
        indicator_id=indicator_id,
        label=meta["label"],
        unit=meta["unit"],
        period=meta["period"],
        la=la,
        month=month,
        rows=rows,
        counted=counted(rows, meta["unit"]),
        figure=published,
        note=published["note"],
    )


def changes_since(
    con: duckdb.DuckDBPyConnection, la: str, month: str, since: str, indicator_id: str
) -> pd.DataFrame:
    """Who joined and who left a month-end figure between `since` and `month`.

    A record (a child, or a post of the workforce extract) joined a part of the figure (count, numerator,
    denominator_only) when it is in that part in `month` and was not in `since`, and left it in the
    opposite case; a child whose placements reached 3 thus leaves denominator_only and joins numerator.
    The rows are the month's own for those who joined, the earlier month's for those who left.
    """
    meta = indicator_meta(indicator_id)
    if meta["period"] != "asat":
        raise UsageError(
            f"--since is for month-end figures; {indicator_id} counts events of a period ({meta['period']})"
        )
    if since == month:
        raise UsageError("--since must be another month than --month")
    now = figure_rows(con, la, month, indicator_id)
    before = figure_rows(con, la, since, indicator_id)
    key = "child" if "child" in now.columns else "post"
    joined = now.merge(before[["counted_in", key]], on=["counted_in", key], how="left", indicator=True)
    left = before.merge(now[["counted_in", key]], on=["counted_in", key], how="left", indicator=True)
    joined = joined[joined["_merge"] == "left_only"].drop(columns="_merge").assign(change="joined")
    left = left[left["_merge"] == "left_only"].drop(columns="_merge").assign(change="left")
    frame = pd.concat([joined, left], ignore_index=True)
    return frame[["change", *[c for c in frame.columns if c != "change"]]]


def default_output(warehouse: Path, la: str, month: str, indicator_id: str, since: str | None) -> Path:
    """Where explain writes without --out: `explain/` in the warehouse folder, owner-only (module
    docstring)."""
    name = f"{la}-{month}-{indicator_id}" + (f"-since-{since}" if since else "") + ".csv"
    return warehouse_folder(warehouse) / "explain" / name


def explain_command(
    warehouse: Path, la: str, month: str, indicator_id: str, out: str | None, since: str | None
) -> int:
    """`csc-report explain`: write the rows (or, with `since`, who joined and left), say where and what
    they add up to. Raises FigureDisagrees (exit 1) after writing when they differ from the figure."""
    indicator_meta(indicator_id)
    con = open_warehouse(warehouse, la)
    try:
        explanation = explain(con, la, month, indicator_id)
        frame = changes_since(con, la, month, since, indicator_id) if since else explanation.rows
    finally:
        con.close()
    lines = [f"{explanation.label}: {explanation.summary()}"]
    if since:
        joined, left = (int((frame["change"] == c).sum()) for c in ("joined", "left"))
        lines.append(f"since {since}: {joined} joined, {left} left")
    if explanation.note:
        lines.append(f"note: {explanation.note}")
    if "merged_rows" in frame.columns:
        merged = int(frame["merged_rows"].dropna().str.count(",").add(1).sum())
        lines.append(
            f"{merged} more row(s) of the extract repeated a row listed here, counted once (merged_rows)"
        )
    if out == "-":
        frame.to_csv(sys.stdout, index=False)
        report = sys.stderr
    else:
        path = write_private_csv(
            frame, Path(out) if out else default_output(warehouse, la, month, indicator_id, since)
        )
        lines.append(f"written (owner-only, child-level: do not share): {path}")
        report = sys.stdout
    print("\n".join(lines), file=report)
    if not explanation.agrees():
        raise FigureDisagrees(
            f"{indicator_id} {la} {month}: the rows do not add up to the published figure; it was "
            "published by other code: run the month again with --force"
        )
    return 0
