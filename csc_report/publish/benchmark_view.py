"""How the published DfE benchmarks appear: cells beside each figure, England on charts, benchmarks.csv.

The benchmarks come from ReportContext.benchmarks (csc_report.dfe.lookup.report_benchmarks); what is read
per figure (its cells, rank, England line) is read from `by_indicator`, the frame split once. A cell
never stays blank for a figure DfE did not give: it says "suppressed", "not available", "not published"
(DfE published nothing for that year) or "not in the shipped DfE data" (DfE published it; the reference
data lack it), so a reader can tell a missing benchmark from a missing feature. Indicators with no
published counterpart (counts of this month's activity) have no cells at all.
"""

from __future__ import annotations

import pandas as pd

from csc_report.dfe.measures import BY_ID, NEIGHBOURS_ON, NOT_PUBLISHED, NOT_SHIPPED, SYMBOLS
from csc_report.publish.formatting import as_number, format_value
from csc_report.publish.tables import Column, PublishedTable

AREA_TYPES = ("england", "region", "statistical_neighbours", "la")
CSV_COLUMNS = (
    Column("indicator_id", "Indicator", "text"),
    Column("area_type", "Area type", "text"),
    Column("area", "Area", "text"),
    Column("year", "Year", "text"),
    Column("value", "Published value", "decimal"),
    Column("source", "Source", "text"),
    Column("rank", "Rank among English authorities", "count"),
    Column("ranked", "Authorities ranked", "count"),
    Column("quartile", "Quartile band", "text"),
    Column("top_quartile", "Top-quartile threshold", "decimal"),
)
RANK_NOTE = (
    "Rank is among the English authorities with a published figure, 1 the best: the lowest where lower is "
    "better, the highest where higher is better, and the lowest for rates of demand (referrals, enquiries, "
    "plans, children looked after), which are neither; authorities whose figure DfE suppressed or did not "
    "give are neither ranked nor counted. Ties share a rank (1, 2, 2, 4). Quartile band A is the best "
    "quarter of the ranked authorities, D the worst; tables/benchmarks.csv gives the band A threshold."
)
UNIT_RATES = ("pct", "rate_per_10k")  # a reference line on a chart only where units match


Split = dict[str, list[dict]]  # indicator_id -> its rows, as by_indicator makes them


def by_indicator(benchmarks: pd.DataFrame) -> Split:
    """Each indicator's rows, rank columns included, as plain records in the frame's order. A figure's
    cells, rank and England line are read by its table row, its chart and the scorecard, over 300 times
    a month: filtering the frame with pandas each time was a fifth of publishing."""
    split: Split = {}
    for row in _with_ranks(benchmarks).to_dict("records"):
        split.setdefault(row["indicator_id"], []).append(row)
    return split


def _with_ranks(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """The benchmarks with the rank columns, empty where a caller's frame has none (a fabricated one)."""
    return benchmarks.reindex(
        columns=list(dict.fromkeys([*benchmarks.columns, *(c.name for c in CSV_COLUMNS)]))
    )


def rank(split: Split, indicator_id: str) -> dict | None:
    """The authority's standing on a figure: {rank, ranked, quartile, top_quartile, text} with text
    `rank 34 of 153`; None where it has no rank (no published figure, or suppressed)."""
    own = [r for r in split.get(indicator_id, []) if r["area_type"] == "la" and pd.notna(r["rank"])]
    if not own:
        return None
    row = own[0]
    found = {k: row[k] for k in ("rank", "ranked", "quartile", "top_quartile")}
    found["rank"], found["ranked"] = int(found["rank"]), int(found["ranked"])
    return found | {"text": f"rank {found['rank']} of {found['ranked']}"}


def standing(split: Split, indicator_id: str) -> str:
    """The scorecard's rank cell: `34 of 153, band B (top quarter: 18.3% or better)`; "" without a rank."""
    found = rank(split, indicator_id)
    if found is None:
        return ""
    threshold = as_number(found["top_quartile"])
    better = BY_ID[indicator_id].better
    top = ""
    if threshold is not None:
        bound = " or better" if better else (" or lower" if better is None else "")
        top = f"; top quarter: {format_value(threshold, BY_ID[indicator_id].unit)}{bound}"
    return f"{found['rank']} of {found['ranked']}, band {found['quartile']}{top}"


def cells(split: Split, indicator_id: str) -> dict[str, str]:
    """area_type -> the cell's text (`24.7%`, `suppressed`, `not published`); {} without a counterpart."""
    measure = BY_ID.get(indicator_id)
    rows = split.get(indicator_id)
    if measure is None or not rows:
        return {}
    out = {}
    for row in rows:
        value = as_number(row["value"])
        status = row["status"] if isinstance(row["status"], str) else ""
        missing = SYMBOLS.get(status, status or NOT_PUBLISHED)
        out[row["area_type"]] = format_value(value, measure.unit) if value is not None else missing
    standing = rank(split, indicator_id)
    if standing and "la" in out:
        out["la"] += f", {standing['text']}"
    return out


def heading(benchmarks: pd.DataFrame, indicator_ids: list[str]) -> str:
    """`Published by DfE, 2012-13` (or `2012-13; Sep 2012` when a section mixes reporting years)."""
    rows = benchmarks[benchmarks["indicator_id"].isin(indicator_ids)]
    years = list(dict.fromkeys(rows["year"]))
    return f"Published by DfE, {'; '.join(years)}" if years else ""


def without_figures(heading_text: str, row_cells: list[list[str]]) -> str | None:
    """One line for a section whose benchmark columns would hold no figure at all (`Published by DfE,
    2008-09: no benchmark figures for this section (not published).`), said instead of the columns;
    None when some cell has a figure, or the section has no benchmark columns."""
    texts = [text for cells in row_cells for text in cells if text]
    if not heading_text or any(ch.isdigit() for text in texts for ch in text):
        return None
    said = ", ".join(dict.fromkeys(texts)) or NOT_PUBLISHED
    return f"{heading_text}: no benchmark figures for this section ({said})."


def _first_area(benchmarks: pd.DataFrame, area_type: str) -> str | None:
    areas = benchmarks.loc[benchmarks["area_type"] == area_type, "area"]
    return None if areas.empty else str(areas.iloc[0])


def area_names(benchmarks: pd.DataFrame, la_code: str) -> dict[str, str]:
    """area_type -> the name to head its column (`East of England`, `Peterborough (874)`).

    The authority's column names whose published figure it is, by DfE's name and code: the report's own
    name may differ (the demo is a fictional authority using Peterborough's code), see `own_figure_note`.
    """
    names = {"england": "England", "statistical_neighbours": "Neighbours (mean)", "region": "Region"}
    names["region"] = _first_area(benchmarks, "region") or names["region"]
    own = _first_area(benchmarks, "la")
    names["la"] = f"{own} ({la_code})" if own and own != la_code else f"Own figure ({la_code})"
    return names


def own_figure_note(benchmarks: pd.DataFrame, la_code: str, la_name: str) -> str | None:
    """Where the report's authority is not the one DfE publishes under its code (the demo's fictional
    authority uses Peterborough's 874), say whose published figures the authority's column holds."""
    own = _first_area(benchmarks, "la")
    if not own or own == la_code or own.casefold() == la_name.casefold():
        return None
    return (
        f"{la_name} uses the local authority code {la_code}, which DfE publishes as {own}: the "
        f"\"{own} ({la_code})\" column holds {own}'s published figures, not {la_name}'s."
    )


def notes(benchmarks: pd.DataFrame, la_code: str, la_name: str) -> list[str]:
    """The footer's words on the benchmarks: what they are, which neighbour list, whose own figure."""
    text = (
        "Benchmarks are DfE's published figures for the latest reporting year ending by the report month "
        "(year to 31 March; workforce at 30 September), from the reference data shipped with csc-report. "
        f'"{NOT_PUBLISHED.capitalize()}": DfE published no such figure for that year; '
        f'"{NOT_SHIPPED}": DfE published it, but the reference data shipped with csc-report lack it.'
    )
    lists = neighbour_lists(benchmarks)
    if lists:
        text += (
            " Neighbours (mean) is the mean of the published figures of the authority's ten "
            + " and ".join(lists)
            + "."
        )
    text += " tables/benchmarks.csv gives each figure's source."
    own = own_figure_note(benchmarks, la_code, la_name)
    ranked = _with_ranks(benchmarks)["rank"].notna().any()
    return [text] + ([RANK_NOTE] if ranked else []) + ([own] if own else [])


def neighbour_lists(benchmarks: pd.DataFrame) -> list[str]:
    """The statistical-neighbour lists the neighbours' means use (`statistical neighbours on DfE's 2021
    list`), as benchmarks.lookup names them; none when no mean was taken."""
    areas = benchmarks.loc[benchmarks["area_type"] == "statistical_neighbours", "area"]
    return [str(a) for a in dict.fromkeys(areas) if str(a).startswith(NEIGHBOURS_ON)]


def share_note(indicator_id: str, unit: str, split: Split) -> str | None:
    """Where the published figure is a share but the indicator a count (CP plans of 2 years or more),
    say what the benchmark cells measure."""
    measure = BY_ID.get(indicator_id)
    if measure is None or measure.unit == unit or not split.get(indicator_id):
        return None
    return f"benchmarks: {measure.what}"


def england_line(split: Split, indicator_id: str, unit: str) -> tuple[str, float] | None:
    """(legend label, value) of England's published figure for a rate or percentage chart."""
    measure = BY_ID.get(indicator_id)
    if measure is None or measure.unit != unit or unit not in UNIT_RATES:
        return None
    england = [r for r in split.get(indicator_id, []) if r["area_type"] == "england"]
    value = as_number(england[0]["value"]) if england else None
    if value is None:
        return None
    return f"England {england[0]['year']}: {format_value(value, unit)}", value


def benchmarks_table(benchmarks: pd.DataFrame) -> PublishedTable | None:
    """`tables/benchmarks.csv`: indicator_id,area_type,area,year,value,source,rank,ranked,quartile,
    top_quartile (the rank columns on the authority's row only). A figure DfE did not give carries its
    symbol (c, u, x, z) as DfE's own files do, or is empty when not published at all."""
    if benchmarks.empty:
        return None
    frame = _with_ranks(benchmarks)
    frame["value"] = [
        as_number(v) if as_number(v) is not None else (s if s in SYMBOLS else None)
        for v, s in zip(frame["value"], frame["status"], strict=True)
    ]
    frame = frame[[c.name for c in CSV_COLUMNS]].astype(object)
    title = "Published DfE benchmarks: the authority, its statistical neighbours, its region and England"
    return PublishedTable("benchmarks", title, CSV_COLUMNS, frame.reset_index(drop=True))
