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
    mine = shares[shares["table_id"] == table.id].to_dict("records")
    if not mine:
        return table
    when = period(table.id, int(mine[0]["year"]))
    by_area: dict[str, dict[str, dict]] = {"england": {}, "la": {}}  # area type -> category -> row
    for row in mine:
        if row["area_type"] in by_area:
            by_area[row["area_type"]][row["category"]] = row
    columns = [Column("england_pct", f"England %, {when}", "pct")]
    authority = [row["area"] for row in mine if row["area_type"] == "la"]
    if authority:
        columns.append(Column("la_published_pct", f"{authority[0]} published %, {when}", "pct"))
    # the total and any codes listed apart below it are left empty; cells made as plain lists, a frame's
    # filters and masks per table were most of this module's time
    total = table.total_index
    listed = [total is None or i < total for i in range(len(table.frame))]
    frame = table.frame.copy()
    key = table.cells[table.columns[0].name]
    for column, area_type in zip(columns, ("england", "la"), strict=False):
        rows = by_area[area_type]
        cells = [_cell(rows, category) if keep else None for category, keep in zip(key, listed, strict=True)]
        frame[column.name] = pd.Series(cells, index=frame.index, dtype=object)
    frame["dfe_period"] = pd.Series(
        [when if keep else None for keep in listed], index=frame.index, dtype=object
    )
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
