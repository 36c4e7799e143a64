"""England's published share beside each category of a breakdown, and the authority's own where DfE
publishes it by authority (csc_report.dfe.distributions says which breakdowns, from which tables).

The columns are DfE's figures, not the authority's counts: no disclosure control applies, and the total
row (and rows listed below it) are left empty. A category DfE gives no figure for (its "not recorded",
a breakdown's "neither") says "not published"; a suppressed DfE figure says why, in DfE's words. The
year is in the header ("England %, 31 March 2018"; "England %, 2017-18" for a year's events) and, for
the CSV and workbook, in the `dfe_period` column.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from csc_report.breakdowns import BY_ID
from csc_report.dfe.measures import NOT_PUBLISHED, SYMBOLS
from csc_report.publish.tables import Column, PublishedTable


def period(table_id: str, year: int) -> str:
    """`31 March 2018` for a breakdown of children at the month end; `2017-18` for one of events."""
    if BY_ID[table_id].cohort.at == "$asat":
        return f"31 March {year}"
    return f"{year - 1}-{year % 100:02d}"


def with_published_shares(table: PublishedTable, shares: pd.DataFrame) -> PublishedTable:
    """The table with `england_pct` (and `la_published_pct` where DfE gives the authority's, headed by
    DfE's name of the code: a demo authority's figures are not its own) and `dfe_period`; the table
    itself where `shares` (distributions.for_report) holds none of it."""
    mine = shares[shares["table_id"] == table.id]
    if mine.empty:
        return table
    when = period(table.id, int(mine["year"].iloc[0]))
    columns = [Column("england_pct", f"England %, {when}", "pct")]
    authority = mine.loc[mine["area_type"] == "la", "area"]
    if len(authority):
        columns.append(Column("la_published_pct", f"{authority.iloc[0]} published %, {when}", "pct"))
    frame = table.frame.copy()
    key = frame[table.columns[0].name]
    listed = pd.Series(True, index=frame.index)
    if table.total_index is not None:
        listed.iloc[table.total_index :] = False  # the total and any codes listed apart below it
    for column, area_type in zip(columns, ("england", "la"), strict=False):
        rows = {row["category"]: row for row in mine[mine["area_type"] == area_type].to_dict("records")}
        cells = [_cell(rows, category) for category in key]
        frame[column.name] = pd.Series(cells, index=frame.index, dtype=object).where(listed, None)
    frame["dfe_period"] = pd.Series(when, index=frame.index, dtype=object).where(listed, None)
    period_column = Column("dfe_period", "DfE figures for", "text", printed=False)
    return replace(table, columns=(*table.columns, *columns, period_column), frame=frame)


def _cell(rows: dict[str, dict], category: str):
    """The published share, DfE's reason for none, or "not published"; `rows` by category, as plain
    records (a lookup of each category in a frame was most of this module's time)."""
    if category not in rows:
        return NOT_PUBLISHED
    row = rows[category]
    if row["status"]:
        return SYMBOLS.get(row["status"], NOT_PUBLISHED)
    return float(row["value"])
