"""The regional report: `<outputs>/region/<YYYY-MM>/region.{html,md,csv,xlsx}`, from plain data
(csc_report.region reads them from region.duckdb; publishing opens no database).

For each section's figures: one row per authority (name and code) with its SPC marker (from its own
trend), the region's figure and England's published figure. `region.csv` is long
(`indicator_id,area_type,area,value,numerator,denominator,note`; area_type authority, region or england;
area the code, `region` for the total, `england`). Under the public profile an authority's count of 1 to
5 (a count figure, a numerator or a denominator) is suppressed with the figures derived from it, and a
second one beside it when a single one could be worked out from the region's total (disclosure.suppress).
The HTML embeds everything it shows: it loads nothing from the web.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from csc_report.publish import region_page
from csc_report.publish.disclosure import SUPPRESSED, check_profile, suppress
from csc_report.publish.region_tables import ranked
from csc_report.publish.signals import Icon

SUPPRESSED_NOTE = "small numbers suppressed: see the authority's own report"
CSV_COLUMNS = [
    "indicator_id", "area_type", "area", "name", "value", "numerator", "denominator", "note", "marker",
    "rank_in_region",
]  # fmt: skip


@dataclass(frozen=True)
class AreaFigure:
    area_type: str  # authority | region | england
    area: str  # the authority's code, `region` or `england`
    name: str
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str = ""
    marker: str = ""  # the authority's SPC reading of this month ("common cause", "shift: concern", ...)
    icon: Icon | None = None  # the same reading as the authority report's variation icon; None: no limits
    direction: str | None = None  # which way is better (its targets), for the rank in the region
    month_before: float | None = None  # its own figure of the month before, for the direction of travel
    year_before: float | None = None  # and of the same month a year before (publish.region_travel)


@dataclass(frozen=True)
class IndicatorRows:
    indicator_id: str
    label: str
    section: str
    unit: str
    authorities: list[AreaFigure]
    region: AreaFigure
    england: AreaFigure | None = None


@dataclass(frozen=True)
class RegionReport:
    month: str
    indicators: list[IndicatorRows] = field(default_factory=list)
    dfe_names: dict[str, str] = field(default_factory=dict)  # la_code -> DfE's name for the code


def disclosed(rows: IndicatorRows, profile: str) -> pd.DataFrame:
    """The authorities' rows and the region's total row, with small counts suppressed (public profile)."""
    frame = pd.DataFrame(
        [vars(a) for a in [*rows.authorities, rows.region]],
        columns=["area_type", "area", "name", "value", "numerator", "denominator", "note", "marker"],
    )
    if rows.unit == "count":
        frame = suppress(frame, ("value",), has_total=True, profile=profile)
    else:
        frame = suppress(
            frame, ("numerator",), has_total=True, follows={"value": "numerator"}, profile=profile
        )
    if rows.unit not in ("count", "rate_per_10k"):  # a rate's denominator is a population, not children
        hidden = frame["value"] == SUPPRESSED
        frame = suppress(
            frame, ("denominator",), has_total=True, follows={"value": "denominator"}, profile=profile
        )
        if hidden.any():  # never under `internal`, whose numbers stay a float column that takes no text
            frame.loc[hidden, "value"] = SUPPRESSED
    # an authority's note may quote its counts ("3 of 29"): it goes with them
    hidden = (frame[["value", "numerator", "denominator"]] == SUPPRESSED).any(axis=1)
    frame.loc[hidden, "note"] = SUPPRESSED_NOTE
    return frame


def _raw(value) -> str:
    if value == SUPPRESSED:
        return SUPPRESSED
    return "" if value is None or pd.isna(value) else f"{float(value):.15g}"


def write_region_report(report: RegionReport, out_dir: Path, profile: str = "public") -> Path:
    """Write the four files; returns region.html."""
    check_profile(profile)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = [(rows, disclosed(rows, profile)) for rows in report.indicators]
    _write_csv(out_dir / "region.csv", tables)
    drawn = region_page.page(report, tables)
    (out_dir / "region.md").write_text("\n".join(region_page.markdown(drawn)) + "\n", encoding="utf-8")
    page = out_dir / "region.html"
    page.write_text(region_page.write_page(drawn), encoding="utf-8")
    _write_xlsx(out_dir / "region.xlsx", tables)
    return page


def _csv_rows(tables):
    for rows, frame in tables:
        ranks = ranked(rows, frame).ranks
        for r in frame.itertuples(index=False):
            rank = ranks.get(r.area) if r.area_type == "authority" else None
            yield [
                rows.indicator_id,
                r.area_type,
                r.area,
                r.name,
                _raw(r.value),
                _raw(r.numerator),
                _raw(r.denominator),
                r.note,
                r.marker,
                "" if rank is None else str(rank),
            ]
        if rows.england is not None:
            e = rows.england
            yield [rows.indicator_id, "england", "england", "England", _raw(e.value), "", "", e.note, "", ""]


def _write_csv(path: Path, tables) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(_csv_rows(tables))


def _write_xlsx(path: Path, tables) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "region"
    sheet.append(CSV_COLUMNS)
    for row in _csv_rows(tables):
        sheet.append([_number(cell) for cell in row])
    book.save(path)


def _number(cell: str):
    try:
        return float(cell)
    except ValueError:
        return cell
