"""region.html and region.md of the regional comparison: the paper's sections as ranked tables with a dot
chart of each headline measure, what is missing said once, the footnotes once at the end.

HTML through the authority report's Jinja environment and templates (its style sheet and variation
icons), so the two read alike in print; Markdown written here, the same tables without pictures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from csc_report.publish.disclosure import FOOTNOTE
from csc_report.publish.region_charts import dot_chart
from csc_report.publish.region_tables import RegionSection, sections
from csc_report.publish.report import HTML
from csc_report.publish.signals import ICON_LEGEND
from csc_report.report_layout import load_layout

RANK_NOTE = (
    "Rank: the authority's place among the region's authorities on that measure, 1 the best (the lowest "
    "where lower is better); authorities whose figures read the same share a rank and the next is skipped "
    "(1, 2, 2, 4); an authority without a figure, or with a suppressed one, is not ranked."
)
REGION_NOTE = (
    "Region: the sum of the authorities' numerators over the sum of their denominators (a rate per 10,000 "
    "is the region's children over its 0-17 population), never an average of the authorities' rates."
)


@dataclass
class RegionPage:
    title: str
    subtitle: str
    sections: list[RegionSection]
    footnotes: list[str] = field(default_factory=list)
    legend: tuple = ICON_LEGEND[:4]


def page(report, tables: list) -> RegionPage:
    """The page of a RegionReport and its (IndicatorRows, disclosed frame) pairs."""
    drawn = sections(tables, load_layout())
    for section in drawn:
        section.charts = [dot_chart(m) for m in section.measures]
    authorities = tables[0][0].authorities if tables else []
    subtitle = f"{len(authorities)} authorities: " + ", ".join(f"{a.name} ({a.area})" for a in authorities)
    footnotes = _footnotes(drawn) + _codes(authorities, report.dfe_names)
    return RegionPage(f"Regional comparison, {report.month}", subtitle, drawn, footnotes)


def _codes(authorities, dfe_names: dict[str, str]) -> list[str]:
    """Whose code an authority uses when its name is not DfE's for it (a generated demo authority): it
    is compared with DfE's figures of that code."""
    other = [a for a in authorities if dfe_names.get(a.area) not in (None, a.name)]
    if not other:
        return []
    said = "; ".join(f"{a.name} uses the code {a.area} ({dfe_names[a.area]})" for a in other)
    return [f"Names that are not DfE's for their code (local or fictional names): {said}."]


def _footnotes(drawn: list[RegionSection]) -> list[str]:
    measures = [m for s in drawn for m in s.measures]
    notes = [RANK_NOTE, REGION_NOTE]
    unpolar = [m.rows.label for m in measures if m.polarity is None]
    if unpolar:
        notes.append(
            "Ranked highest first, as no target says which way is better: " + ", ".join(unpolar) + "."
        )
    reasons = sorted(
        {a.marker[len("no limits (") : -1] for m in measures for a in m.rows.authorities if a.icon is None}
        - {""}
    )
    if reasons:
        notes.append(
            "A cell without an icon: the authority's own trend has no SPC limits yet ("
            + "; ".join(reasons)
            + ")."
        )
    years = sorted({m.rows.england.note for m in measures if m.rows.england and m.rows.england.note})
    if years:
        notes.append("England: DfE's published figure (" + ", ".join(years) + ").")
    return [*notes, FOOTNOTE]


def write_page(region_page: RegionPage) -> str:
    return HTML.get_template("region.html.j2").render(page=region_page)


def markdown(region_page: RegionPage) -> list[str]:
    lines = [f"# {region_page.title}", "", region_page.subtitle, ""]
    for section in region_page.sections:
        lines += [f"## {section.title}", ""]
        if section.measures:
            header = ["Authority", "Code"] + (["Children 0-17"] if section.population is not None else [])
            header += [
                f"{m.rows.label} (change {m.since_label})" if m.since else m.rows.label
                for m in section.measures
            ]
            lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            for name, code, population, cells in section.table():
                shown = [_markdown_cell(c) for c in cells]
                pop = [population] if section.population is not None else []
                lines.append("| " + " | ".join([name, code, *pop, *shown]).replace("\n", " ") + " |")
            lines.append("")
        lines += [text for line in section.lines for text in (line, "")]
    return lines + [text for note in region_page.footnotes for text in (note, "")]


def _markdown_cell(cell) -> str:
    """`42.0% (3) ▲ better`: the figure, its rank and its direction of travel."""
    return " ".join(
        part for part in (cell.text, cell.rank and f"({cell.rank})", cell.travel and cell.travel.text) if part
    )
