"""The paper's sections for this month: config/report.yaml laid over the code's layout, and the era rule.

`plan` joins each configured section (csc_report.report_layout) to the layout's SectionSpec of the same
id (its breakdowns, team chart and variants), keeping only the indicator ids this month's catalogue holds:
an id it does not hold (a measure not built yet, a typo in an authority's file) is left out and logged,
so a layout never stops a report.

The era rule: a figure without a value because a list that IS in the month's extract has no column it
needs is structurally absent (Annex A's layout of that year never had the column, as List 4's
"Assessment Type" after 2014): the paper says so in one line instead of a table row of "not available".
A list missing from this month's extract, or a month without an extract, is not structural: it is a gap
to chase, not the shape of the data, so the section keeps its place and says why ("not available: List 6
... was not in this month's extract"), once when it is the reason for every figure of the section.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from csc_report.breakdowns import for_section
from csc_report.publish.formatting import as_number
from csc_report.publish.layout import SECTIONS, SectionSpec, TrendChart
from csc_report.report_layout import Block, PaperSection

log = logging.getLogger(__name__)

NOT_AVAILABLE = "not available: "
NO_COLUMN = " has no column "
NOT_IN_LAYOUT = "not in this extract's layout"


@dataclass
class FigureBlock:
    """A further figures table under a section ("Practice"): its title and its model.Row rows."""

    title: str
    rows: list = field(default_factory=list)


@dataclass(frozen=True)
class PlannedSection:
    """A section as this month's paper draws it: figures None means every figure of its aliases."""

    spec: SectionSpec
    figures: tuple[str, ...] | None
    blocks: tuple[Block, ...]
    absent: str


def plan(layout: tuple[PaperSection, ...], known: set[str]) -> list[PlannedSection]:
    """The configured sections in order, each over its layout spec, with unknown ids left out (logged)."""
    specs = {spec.id: spec for spec in SECTIONS}
    unknown = sorted({i for section in layout for i in section.figure_ids} - known)
    if unknown:
        log.warning(
            "report layout: %d figure id(s) not in the indicator catalogue, left out of the paper: %s",
            len(unknown),
            ", ".join(unknown),
        )
    return [_planned(section, specs.get(section.id), known) for section in layout]


def _planned(section: PaperSection, base: SectionSpec | None, known: set[str]) -> PlannedSection:
    title = section.title or (base.title if base else section.id.replace("-", " ").capitalize())
    spec = base or SectionSpec(section.id, title, (title.lower(),), appendix=for_section(section.id))
    charts = spec.charts
    if section.chart is not None:
        trend = TrendChart(_kept(section.chart, known), rolling=_kept(section.rolling, known))
        others = tuple(chart for chart in spec.charts if not isinstance(chart, TrendChart))
        charts = others + ((trend,) if trend.indicator_ids else ())
    spec = replace(spec, title=title, aliases=section.aliases or spec.aliases, charts=charts)
    blocks = tuple(Block(b.title, _kept(b.figures, known)) for b in section.blocks)
    return PlannedSection(
        spec=spec,
        figures=None if section.figures is None else _kept(section.figures, known),
        blocks=tuple(block for block in blocks if block.figures),
        absent=section.absent,
    )


def _kept(ids: tuple[str, ...], known: set[str]) -> tuple[str, ...]:
    return tuple(i for i in ids if i in known)


def without(chart, absent: set[str]):
    """A layout chart less the figures the extract's layout never had; None when none is left (their
    line says why). Bar charts of breakdown tables are kept as they are."""
    if not isinstance(chart, TrendChart):
        return chart
    kept = replace(
        chart,
        indicator_ids=tuple(i for i in chart.indicator_ids if i not in absent),
        rolling=tuple(i for i in chart.rolling if i not in absent),
    )
    return kept if kept.indicator_ids or kept.rolling else None


def structural_reason(row: dict) -> str | None:
    """Why a figure has no value when the reason is the extract's layout (every list it needs is in the
    extract, a column is not): `List 4 (assessments) has no column "Assessment Type"`; else None."""
    if as_number(row.get("value")) is not None:
        return None
    note = str(row.get("note") or "")
    if not note.startswith(NOT_AVAILABLE):
        return None
    reason = note[len(NOT_AVAILABLE) :].split(" - ")[0]  # " - " starts the catalogue's own note
    parts = reason.split("; ")
    return reason if all(NO_COLUMN in part for part in parts) else None


def shared_gap(rows: list[dict]) -> str | None:
    """The one "not available: ..." note every figure of a section has, when they all have no value for
    the same reason (a list missing this month): the section says it once instead of a row per figure."""
    notes = {str(row.get("note") or "") for row in rows if as_number(row.get("value")) is None}
    if len(rows) < 2 or len(notes) != 1 or any(as_number(row.get("value")) is not None for row in rows):
        return None
    (note,) = notes
    return note if note.startswith(NOT_AVAILABLE) else None


def absent_line(title: str, reasons: list[str], absent: str = "") -> str:
    """One line for figures the layout never had: `Initial assessments: not in this extract's layout
    (List 4 (assessments) has no column "Assessment Type"); single assessments since April 2014.`"""
    because = "; ".join(dict.fromkeys(reasons))
    return f"{title}: {NOT_IN_LAYOUT} ({because})" + (f"; {absent}." if absent else ".")
