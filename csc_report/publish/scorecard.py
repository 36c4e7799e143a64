"""The scorecard: every measure of the month in one table, grouped by section (scorecard.html and the
first sheet of tables.xlsx).

The paper shows the figures config/report.yaml chose; the scorecard shows all of them, so nothing the
catalogue computes is out of sight: value, target, RAG (in words), direction of travel against last month
read by the measure's polarity, the SPC variation and assurance icons, and the DfE benchmarks. Each row is
the paper's own table row (figures.Figures.headline_row), so the two views cannot disagree on a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from csc_report.publish import benchmark_view
from csc_report.publish.commentary import normalise_key
from csc_report.publish.formatting import as_number
from csc_report.publish.paper import PlannedSection

if (
    TYPE_CHECKING
):  # the model holds the scorecard, and figures the model's rows: importing them would be circular
    from csc_report.publish.figures import Figures
    from csc_report.publish.model import Row, Section

IMPROVING, WORSENING = "Improving", "Worsening"
SHEET_HEADERS = [
    "Section", "Measure", "Value", "Target", "RAG", "Direction of travel", "Variation", "Assurance",
    "Note", "Rank among English authorities",
]  # fmt: skip


def travel(change: str, direction: str | None) -> str:
    """The change on last month read by polarity: `Improving: down 4.7 pts from 31.2%` for a figure where
    lower is better. A figure without a polarity says only which way it moved; no change, a partial
    history or no figure last month is said as the change says it."""
    text = change[:1].upper() + change[1:]
    moved = change.split(" ", 1)[0]
    if moved not in ("up", "down") or direction not in ("higher", "lower"):
        return text
    better = (moved == "up") == (direction == "higher")
    return f"{IMPROVING if better else WORSENING}: {change}"


@dataclass
class ScoreRow:
    figure: Row  # as the paper shows it
    travel: str
    unit: str
    value: float | None  # unrounded, for the workbook
    target: float | None
    standing: str = ""  # rank among English authorities and quartile band (benchmark_view.standing)


@dataclass
class ScoreGroup:
    id: str
    title: str
    rows: list[ScoreRow] = field(default_factory=list)


@dataclass
class Scorecard:
    groups: list[ScoreGroup]
    on_paper: int  # how many of the measures the paper's tables show

    @property
    def count(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    def sheet(self) -> tuple[list[str], list[list], list[str]]:
        """(headers, rows, units) of the Scorecard sheet: values and targets as numbers, unrounded."""
        areas = [f"Benchmark: {area.replace('_', ' ')}" for area in benchmark_view.AREA_TYPES]
        rows, units = [], []
        for group in self.groups:
            for r in group.rows:
                f = r.figure
                rows.append(
                    [group.title, f.label, r.value, r.target, f.rag, r.travel, f.variation_text,
                     f.assurance_text, f.note, r.standing, *f.benchmark_cells]
                )  # fmt: skip
                units.append(r.unit)
        return SHEET_HEADERS + areas, rows, units


def build_scorecard(plan: list[PlannedSection], figures: Figures, sections: list[Section]) -> Scorecard:
    """Every indicator of the month once, under the paper section whose aliases take its section (the
    paper's order), else under its own section's name, after them in catalogue order."""
    titles: dict[str, tuple[str, str]] = {}
    for planned in plan:
        for alias in planned.spec.aliases:
            titles.setdefault(normalise_key(alias), (planned.spec.id, planned.spec.title))
    groups: dict[str, ScoreGroup] = {
        planned.spec.id: ScoreGroup(planned.spec.id, planned.spec.title) for planned in plan
    }
    for row in figures.ctx.indicators:
        name = str(row.get("section") or "other")
        key = normalise_key(name)
        group_id, title = titles.get(key, ("section-" + key.replace(" ", "-"), name[:1].upper() + name[1:]))
        group = groups.setdefault(group_id, ScoreGroup(group_id, title))
        unit = row.get("unit") or "count"
        figure = figures.headline_row(row)
        direction = figures.ctx.directions.get(row["indicator_id"])
        group.rows.append(
            ScoreRow(figure, travel(figure.vs_last_month, direction), unit, as_number(row.get("value")),
                     as_number(row.get("target")),
                     benchmark_view.standing(figures.benchmark_rows, row["indicator_id"]))
        )  # fmt: skip
    shown = {row.label for s in sections for row in [*s.rows, *(r for b in s.blocks for r in b.rows)]}
    kept = [group for group in groups.values() if group.rows]
    return Scorecard(kept, on_paper=sum(r.figure.label in shown for g in kept for r in g.rows))
