"""The report's model built from a ReportContext: `build_report` assembles its sections, in the order of
the layout, each with its figures tables, chart, readings, commentary and its breakdowns in the appendix.

What each figure reads is publish/figures.py's and each chart publish/layout_charts.py's; this module
decides what goes into which section, what is said once instead of a row (a figure the extract's layout
never had, a list missing this month), and the sections the commentary adds.
"""

from __future__ import annotations

import time

from csc_report.breakdowns import named_together
from csc_report.issues import ISSUE_COLUMNS
from csc_report.publish import benchmark_view, issue_text, paper
from csc_report.publish.commentary import INTRODUCTION, Commentary, normalise_key, render
from csc_report.publish.context import ReportContext
from csc_report.publish.disclosure import FOOTNOTE, check_profile
from csc_report.publish.figures import Figures
from csc_report.publish.formatting import day_label, format_change, format_value, month_label
from csc_report.publish.layout import DATA_QUALITY, HIGHLIGHTS, SectionSpec, WeeklyChart
from csc_report.publish.layout_charts import LayoutCharts
from csc_report.publish.model import NOTES, TITLE, Report, Row, Section
from csc_report.publish.published_shares import with_published_shares
from csc_report.publish.quality_table import data_quality_summary
from csc_report.publish.scorecard import build_scorecard
from csc_report.publish.tables import TABLE_SPECS, breakdown_table
from csc_report.report_layout import load_layout


def build_report(ctx: ReportContext, profile: str = "public") -> Report:
    return _Builder(ctx, check_profile(profile)).report()


class _Builder:
    """Holds the context while the sections are assembled (one instance per report)."""

    def __init__(self, ctx: ReportContext, profile: str) -> None:
        self.ctx = ctx
        self.profile = profile
        self.figures = Figures(ctx)
        self.missing = ctx.unavailable
        # each table's DfE shares, split once rather than looked for in the whole frame by every table
        shares = dict(tuple(ctx.distributions.groupby("table_id", sort=False)))
        self.tables = {
            table.id: with_published_shares(table, shares[table.id]) if table.id in shares else table
            for table_id, frame in ctx.tables.items()
            if table_id not in self.missing
            and (table := breakdown_table(table_id, frame, profile)) is not None
        }
        self.commentary = {normalise_key(key): text for key, text in ctx.commentary.items()}
        self.charts = LayoutCharts(self.figures, self.tables)
        self.chart_seconds = 0.0
        self.benchmarks = ctx.benchmarks
        self.appendix: list[Section] = []  # filled as the sections are built
        self.plan = paper.plan(ctx.layout or load_layout(), set(self.figures.rows))
        self.not_in_layout: list[str] = []  # filled as the sections are built

    def report(self) -> Report:
        built = [self.section(planned) for planned in self.plan]
        sections = [s for s in built if s is not None] + self.extra_sections() + [self.data_quality()]
        run_at = self.ctx.run_at
        return Report(
            title=TITLE,
            la_code=self.ctx.la_code,
            la_name=self.ctx.la_name,
            month=self.ctx.month,
            month_label=month_label(self.figures.month),
            run_at_label=f"{day_label(run_at)} at {run_at:%H:%M}",
            profile=self.profile,
            highlights=self.figures.highlights(),  # after the sections: from the charts they drew
            sections=sections,
            introduction=self.commentary_for(INTRODUCTION),
            highlights_commentary=self.commentary_for(HIGHLIGHTS),
            disclosure_note=FOOTNOTE if self.profile == "public" else None,
            notes=NOTES + benchmark_view.notes(self.benchmarks, self.ctx.la_code, self.ctx.la_name),
            chart_seconds=self.chart_seconds,
            benchmark_areas=benchmark_view.area_names(self.benchmarks, self.ctx.la_code),
            benchmarks=benchmark_view.benchmarks_table(self.benchmarks),
            appendix=self.appendix,
            not_in_layout=self.not_in_layout,
            scorecard=build_scorecard(self.plan, self.figures, sections),
        )

    def section(self, planned: paper.PlannedSection) -> Section | None:
        """The section's figures table(s), chart, readings and commentary. A figure the extract's layout
        never had is one line, not a row (paper.structural_reason); a section made only of such figures is
        one line under the sections (`not_in_layout`), or the section's only line when it has commentary
        or breakdowns. None for a section with nothing this month (its figures not in the catalogue)."""
        spec = planned.spec
        aliases = {normalise_key(alias) for alias in spec.aliases}
        chosen = [v for v in spec.variants if any(self.figures.has_value(i) for i in v.indicator_ids)]
        chosen = chosen or list(spec.variants[-1:])
        hidden = {i for v in spec.variants if v not in chosen for i in v.indicator_ids}
        rows = self.figure_rows(planned.figures, aliases, hidden)
        blocks = [(block.title, self.figure_rows(block.figures, set(), hidden)) for block in planned.blocks]
        every = rows + [row for _, block in blocks for row in block]
        absent = {r["indicator_id"]: why for r in every if (why := paper.structural_reason(r)) is not None}
        title = chosen[0].title if len(chosen) == 1 else spec.title
        commentary = self.commentary_for(*aliases)
        if every and len(absent) == len(every):
            line = paper.absent_line(title, list(absent.values()), planned.absent)
            if commentary is None and not any(t in self.tables for t in self.table_ids(spec)):
                self.not_in_layout.append(line)
                return None
            lines = [line]
        elif (gap := paper.shared_gap(every)) is not None:  # a list missing this month: said once, here
            lines, absent = [f"{title}: {gap}"], {row["indicator_id"]: gap for row in every}
        else:
            lines = [
                paper.absent_line(self.figures.rows[i]["label"] or i, [why]) for i, why in absent.items()
            ]
        breakdowns = any(t in self.tables or t in self.missing for t in self.table_ids(spec))
        if not (every or spec.charts or spec.variants or breakdowns or commentary):
            return None
        rows = [row for row in rows if row["indicator_id"] not in absent]
        section = Section(
            spec.id,
            title,
            commentary=commentary,
            benchmark_heading=benchmark_view.heading(
                self.benchmarks, [r["indicator_id"] for r in every if r["indicator_id"] not in absent]
            ),
        )
        section.summary += lines
        missing = [t for t in dict.fromkeys(self.table_ids(spec)) if t in self.missing]
        section.summary += [f"{TABLE_SPECS[t].title}: {self.missing[t]}" for t in missing if t in TABLE_SPECS]
        charts = [paper.without(chart, set(absent)) for chart in [*spec.charts, *(v.chart for v in chosen)]]
        self.draw(section, [chart for chart in charts if chart is not None])
        section.rows = [self.figures.headline_row(row) for row in rows]  # after the charts: their icons
        for block_title, block in blocks:
            shown = [self.figures.headline_row(r) for r in block if r["indicator_id"] not in absent]
            section.blocks += [paper.FigureBlock(block_title, shown)] if shown else []
        no_figures = benchmark_view.without_figures(
            section.benchmark_heading,
            [r.benchmark_cells for r in [*section.rows, *(r for b in section.blocks for r in b.rows)]],
        )
        if no_figures:  # four columns of "not published" say less than one line
            section.benchmark_heading = ""
            section.summary.append(no_figures)
        quiet = self.common_cause([row["indicator_id"] for row in every])
        if quiet:
            section.summary.append(quiet)
        self.add_appendix(section, spec)
        return section

    def figure_rows(self, figures: tuple[str, ...] | None, aliases: set[str], hidden: set[str]) -> list[dict]:
        """The indicator rows of a table: its configured figures in order, else every figure whose section
        is one of `aliases`; a variant's figures that are not shown this month left out."""
        if figures is None:
            found = [r for r in self.ctx.indicators if normalise_key(str(r.get("section", ""))) in aliases]
        else:
            found = [self.figures.rows[i] for i in figures if i in self.figures.rows]
        return [row for row in found if row["indicator_id"] not in hidden]

    def draw(self, section: Section, chart_specs: list) -> None:
        """Each chart into the section, or its reading into the summary when there is nothing to draw;
        a chart of a table that is not available is left out (said once, with the table)."""
        for chart_spec in chart_specs:
            if getattr(chart_spec, "table_id", None) in self.missing:
                continue
            started = time.perf_counter()
            chart, reading = self.charts.chart(chart_spec)
            self.chart_seconds += time.perf_counter() - started
            if chart is not None:
                section.charts.append(chart)
            elif reading:
                section.summary.append(reading)

    def add_appendix(self, section: Section, spec: SectionSpec) -> None:
        """The section's breakdowns, under its title in the appendix; the section names them."""
        part = Section(section.id, section.title)
        self.draw(part, [item for item in spec.appendix if isinstance(item, WeeklyChart)])
        shown = {table.id for chart in part.charts for table in chart.data}
        tables = [t for t in spec.appendix if isinstance(t, str) and t not in shown]
        part.tables = [self.tables[t] for t in tables if t in self.tables]
        if part.charts or part.tables:
            self.appendix.append(part)
            named = named_together([(table.id, table.title) for table in part.tables])
            section.appendix = [chart.title for chart in part.charts] + named

    def common_cause(self, indicator_ids: list[str]) -> str | None:
        """ "Common-cause variation" for a section none of whose charted figures shows a special cause
        this month, when at least one is charted with limits: its month-on-month moves are noise."""
        charted = [self.figures.charted[i] for i in indicator_ids if i in self.figures.charted]
        if not charted or any(view.latest() for view in charted):
            return None
        return (
            "Common-cause variation: no charted figure in this section shows special-cause variation "
            "this month."
        )

    @staticmethod
    def table_ids(spec: SectionSpec) -> list[str]:
        """The breakdown tables a section draws on, those under its charts first, then its appendix's."""
        return [c.table_id for c in (*spec.charts, *spec.appendix) if hasattr(c, "table_id")] + [
            t for t in spec.appendix if isinstance(t, str)
        ]

    def extra_sections(self) -> list[Section]:
        """Commentary headings the layout does not name (the seed's "Member visits update"), after the
        standard sections, in the order they appear, with the figures of an indicator section of that
        name. Indicator sections no heading names are in the scorecard, not on the paper."""
        specs = [planned.spec for planned in self.plan] + [DATA_QUALITY]
        known = {normalise_key(a) for spec in specs for a in spec.aliases}
        known |= {INTRODUCTION, HIGHLIGHTS}
        titles: dict[str, str] = {}
        for name in self.ctx.commentary:
            key = normalise_key(name)
            if key and key not in known:
                titles.setdefault(key, name.strip()[:1].upper() + name.strip()[1:])
        return [
            Section(
                "extra-" + key.replace(" ", "-"),
                title,
                rows=[
                    self.figures.headline_row(row)
                    for row in self.ctx.indicators
                    if normalise_key(str(row.get("section", ""))) == key
                ],
                commentary=self.commentary_for(key),
            )
            for key, title in titles.items()
        ]

    def data_quality(self) -> Section:
        issues = self.ctx.data_quality.reindex(columns=ISSUE_COLUMNS)
        previous = self.ctx.dq_previous_counts
        previous_total = sum(previous.values()) if previous else None
        row = Row(
            label="Data-quality issues recorded",
            value=format_value(len(issues), "count"),
            target="",
            rag="",
            vs_last_month=format_change(len(issues), previous_total, "count"),
            vs_last_year="",
            note="",
        )
        table = data_quality_summary(issues, previous)
        self.appendix.append(Section(DATA_QUALITY.id, DATA_QUALITY.title, tables=[table]))
        return Section(
            DATA_QUALITY.id,
            DATA_QUALITY.title,
            rows=[row],
            summary=[issue_text.reading(issues, previous_total)],
            commentary=self.commentary_for(*(normalise_key(a) for a in DATA_QUALITY.aliases)),
            appendix=[table.title],
        )

    def commentary_for(self, *keys: str) -> Commentary | None:
        texts = [self.commentary[key] for key in keys if key in self.commentary]
        return render("\n\n".join(texts)) if texts else None
