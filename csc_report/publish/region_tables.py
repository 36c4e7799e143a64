"""The regional comparison's sections: one table per section of the paper, authorities as rows, the
section's headline measures as columns, each cell with the authority's rank in the region.

The sections and their order are the paper's (config/report.yaml through publish.paper.plan), so the
regional report reads in the order, and under the names, a committee already knows. A section's headline
measures are its rates per 10,000, percentages and ratios (figures, blocks and rolling figures, in that
order); its counts only when it has none of those (early help), and then with each authority's 0-17
population beside them, so that a county's count is not read against a small unitary's. Every other
figure is in region.csv and region.xlsx.

Rank: competition ranking ("1, 2, 2, 4") within the region, 1 the best by the measure's polarity (its
targets' `direction`), 1 the highest when neither way is better; values are compared as printed, so two
figures that read the same share a rank; a missing or suppressed figure is unranked. Beside it, the
authority's direction of travel (publish.region_travel).

Absence is said once, never a column or a section of "not available": a measure no authority's extract
layout has is one line (paper.structural_reason, the era rule), a measure no authority has a figure of
for another reason is one line with that reason, and an authority without a figure of the month is
named once under its section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from csc_report.publish.disclosure import SUPPRESSED
from csc_report.publish.formatting import DECIMALS, as_number, format_value
from csc_report.publish.paper import absent_line, plan, structural_reason
from csc_report.publish.region_travel import SINCE, Travel, basis, travel
from csc_report.report_layout import PaperSection

RATE_UNITS = ("rate_per_10k", "pct", "ratio")  # the units a comparison of unequal authorities reads
MAX_MEASURES = 5  # columns of a section's table that still fit an A4 page's width
NO_FIGURE = "no figure this month"


@dataclass(frozen=True)
class Cell:
    text: str
    rank: int | None = None
    icon: object = None  # signals.Icon of the authority's own trend, None without limits
    travel: Travel | None = None  # its direction of travel on the measure's earlier figure


@dataclass(frozen=True)
class Measure:
    """One headline measure of a section: its IndicatorRows, its disclosed frame, ranks by area code."""

    rows: object  # publish.region.IndicatorRows
    frame: pd.DataFrame
    ranks: dict[str, int | None]

    @property
    def polarity(self) -> str | None:
        return next((a.direction for a in self.rows.authorities if a.direction), None)

    @property
    def since(self) -> str | None:
        """The earlier figure every authority's direction of travel is read on (region_travel.basis)."""
        return basis(self.rows.authorities)

    @property
    def since_label(self) -> str:
        """The table header's words for it: "on a year before"; empty with nothing to compare."""
        return SINCE.get(self.since, "")


@dataclass
class RegionSection:
    id: str
    title: str
    measures: list[Measure] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # said once: absent measures, authorities without a month
    population: dict[str, float | None] | None = None  # area -> 0-17 population, when counts are shown
    charts: list = field(default_factory=list)  # region_charts.DotChart of each measure, in column order

    def table(self) -> list[tuple[str, str, str, list[Cell]]]:
        """(name, code, population, cells) per authority, then the region and England rows."""
        out = []
        first = self.measures[0].rows
        for n, area in enumerate([*first.authorities, first.region]):
            cells = [_cell(m, n) for m in self.measures]
            population = (
                "" if self.population is None else format_value(self.population.get(area.area), "count")
            )
            code = area.area if area.area_type == "authority" else ""
            out.append((area.name, code, population, cells))
        england = [
            Cell(format_value(m.rows.england.value, m.rows.unit) if m.rows.england else "")
            for m in self.measures
        ]
        out.append(("England (published)", "", "", england))
        return out


def _cell(measure: Measure, n: int) -> Cell:
    row = measure.frame.iloc[n]
    text = SUPPRESSED if row["value"] == SUPPRESSED else format_value(row["value"], measure.rows.unit)
    if row["area_type"] != "authority":
        return Cell(text or "n/a")
    area = measure.rows.authorities[n]
    if text == SUPPRESSED:  # a suppressed count's trend is not told either, nor its move
        return Cell(text, None, None)
    moved = travel(row["value"], measure.since, area, measure.rows.unit, measure.polarity)
    return Cell(text or "n/a", measure.ranks.get(area.area), area.icon, moved)


def competition_ranks(values: dict[str, object], unit: str, direction: str | None) -> dict[str, int | None]:
    """Rank 1 the best ("lower" better: the lowest; else the highest), ties sharing the better rank and
    the next rank skipping ("1, 2, 2, 4"); compared at the printed precision; no number, no rank."""
    decimals = DECIMALS.get(unit, 1)
    sign = -1 if direction == "lower" else 1
    shown = {area: as_number(value) for area, value in values.items()}
    scores = {area: sign * round(v, decimals) for area, v in shown.items() if v is not None}
    return {
        area: (1 + sum(s > scores[area] for s in scores.values()) if area in scores else None)
        for area in values
    }


def ranked(rows, frame: pd.DataFrame) -> Measure:
    """The measure with its authorities' ranks (from the disclosed frame: a suppressed figure is not
    ranked, so no rank gives away a small count)."""
    authorities = frame[frame["area_type"] == "authority"]
    values = dict(zip(authorities["area"], authorities["value"], strict=True))
    direction = next((a.direction for a in rows.authorities if a.direction), None)
    return Measure(rows, frame, competition_ranks(values, rows.unit, direction))


def sections(tables: list, layout: tuple[PaperSection, ...]) -> list[RegionSection]:
    """The paper's sections over the report's (IndicatorRows, disclosed frame) pairs."""
    by_id = {rows.indicator_id: (rows, frame) for rows, frame in tables}
    population = _population(tables)
    out = []
    for planned in plan(layout, set(by_id)):
        spec = planned.spec
        ids = list(planned.figures) if planned.figures is not None else _of_aliases(tables, spec.aliases)
        ids += [i for block in planned.blocks for i in block.figures]
        ids += [i for chart in spec.charts for i in getattr(chart, "rolling", ())]
        pairs = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
        section = _section(spec.id, spec.title, pairs, population)
        if section.measures or section.lines:
            if not section.measures and planned.absent and section.lines:
                section.lines = [_era_line(section, planned.absent)]
            out.append(section)
    return out


def _of_aliases(tables, aliases) -> list[str]:
    names = {a.lower() for a in aliases}
    return [rows.indicator_id for rows, _ in tables if str(rows.section).lower() in names]


def _section(section_id: str, title: str, pairs: list, population: dict) -> RegionSection:
    rates = [p for p in pairs if p[0].unit in RATE_UNITS]
    chosen = rates or pairs
    section = RegionSection(section_id, title)
    for rows, frame in chosen:
        line = _absent(rows)
        if line:
            section.lines.append(line)
        elif len(section.measures) < MAX_MEASURES:
            section.measures.append(ranked(rows, frame))
    if not rates and section.measures:
        section.population = population
    missing = _without_month(section.measures)
    if missing:
        section.lines.append(f"No figure this month from {missing}.")
    return section


def _absent(rows) -> str | None:
    """One line for a measure no authority has a figure of: the era's reason, else their shared note."""
    if any(as_number(a.value) is not None for a in rows.authorities):
        return None
    reasons = [structural_reason({"value": a.value, "note": a.note}) for a in rows.authorities]
    if all(reasons):
        return absent_line(rows.label, reasons)
    notes = sorted({a.note for a in rows.authorities if a.note})
    return f"{rows.label}: not available ({'; '.join(notes) or 'no authority has a figure'})."


def _era_line(section: RegionSection, absent: str) -> str:
    """A section whose every measure the era's layouts never had: its one line, with what replaced it."""
    return f"{section.title}: not in these extracts' layout; {absent}."


def _without_month(measures: list[Measure]) -> str:
    """The authorities with no figure of the month for any measure of the section, named once."""
    if not measures:
        return ""
    lacking = [a for a in measures[0].rows.authorities if a.note == NO_FIGURE]
    lacking = [a for a in lacking if all(_note_of(m, a.area) == NO_FIGURE for m in measures)]
    return ", ".join(f"{a.name} ({a.area})" for a in lacking)


def _note_of(measure: Measure, area: str) -> str:
    return next((a.note for a in measure.rows.authorities if a.area == area), "")


def _population(tables: list) -> dict[str, float | None]:
    """Each authority's 0-17 population: the denominator of any rate per 10,000 of the month (the
    population the authority's rates are worked on), so no second source can disagree with them."""
    populations: dict[str, float | None] = {}
    for rows, _ in tables:
        if rows.unit == "rate_per_10k":
            for area in [*rows.authorities, rows.region]:
                if populations.get(area.area) is None:
                    populations[area.area] = as_number(area.denominator)
    return populations
