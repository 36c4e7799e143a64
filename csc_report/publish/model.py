"""The report as one model, built once from a ReportContext and rendered by both templates.

Everything a reader sees is decided here (which sections, rows, charts, tables, readings and commentary),
so `report.md` and `report.html` cannot disagree: each template only lays the model out. The breakdowns
of each section go to the appendix (`Report.appendix`, rendered as appendix.md and appendix.html), so the
paper itself keeps to a figures table, one chart, the readings and the commentary per section.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from csc_report import phases
from csc_report.breakdowns import named_together
from csc_report.issues import ISSUE_COLUMNS
from csc_report.publish import benchmark_view, issue_text, paper, signals
from csc_report.publish import highlights as rules
from csc_report.publish.charts import Chart, ChartRenderer, Panel, describe_bars, describe_panels
from csc_report.publish.commentary import INTRODUCTION, Commentary, normalise_key, render
from csc_report.publish.context import ReportContext
from csc_report.publish.disclosure import FOOTNOTE, SUPPRESSED, check_profile
from csc_report.publish.formatting import (
    as_number,
    day_label,
    format_change,
    format_rag,
    format_value,
    month_label,
    to_month,
)
from csc_report.publish.layout import (
    DATA_QUALITY,
    FAMILY,
    HIGHLIGHTS,
    SectionSpec,
    TeamChart,
    TrendChart,
    WeeklyChart,
)
from csc_report.publish.published_shares import with_published_shares
from csc_report.publish.scorecard import Scorecard, build_scorecard
from csc_report.publish.tables import (
    TABLE_SPECS,
    PublishedTable,
    breakdown_table,
    data_quality_summary,
    month_series,
    trend_table,
)
from csc_report.report_layout import load_layout

TITLE = "Children's services performance report"
APPENDIX_TITLE = "Appendix: breakdowns"
SCORECARD_TITLE = "Scorecard: every measure"
APPENDIX_NOTE = (
    "Breakdowns by code leave out codes no child has; tables.xlsx and the CSV files in tables/ list every "
    "row."
)
NOTES = [
    "Figures are rounded for reading; indicators.csv holds them unrounded.",
    "Changes in percentages are in percentage points (pts).",
    "Every data-quality issue, with its file, sheet, row and rule, is listed in data_quality.csv.",
    "Charts of monthly figures show each figure's average and process limits (XmR, as NHSRplotthedots: "
    "average +/- 2.66 x the average month-to-month change, leaving out changes over 3.267 times that "
    "average, over up to the last 24 months). Marked points are special-cause variation: a point "
    "outside the limits, 2 of 3 months more than two-thirds of the way to a limit, 7 months in a row on "
    "one side of the average, or 7 months in a row rising or falling. Anything else is common-cause "
    "variation, not a change to act on. Rolling 12-month figures get no limits (neighbouring months "
    "share 11 of their 12); months whose history is partial are drawn hollow and left out.",
]


@dataclass
class Row:
    """One headline figure as displayed."""

    label: str
    value: str
    target: str
    rag: str
    vs_last_month: str
    vs_last_year: str
    note: str
    benchmarks: dict[str, str] = field(default_factory=dict)  # area_type -> cell text (benchmark_view)
    variation: signals.Icon | None = None  # Making Data Count icons (signals.variation_icon)
    assurance: signals.Icon | None = None

    @property
    def variation_text(self) -> str:
        return self.variation.text if self.variation else ""

    @property
    def assurance_text(self) -> str:
        return self.assurance.text if self.assurance else ""

    @property
    def benchmark_cells(self) -> list[str]:
        return [self.benchmarks.get(area, "") for area in benchmark_view.AREA_TYPES]

    @property
    def benchmark_span(self) -> str | None:
        """One text for all four benchmark cells (`not published`), shown once across them."""
        first, *others = self.benchmark_cells
        same = all(text == first for text in others)
        return first if same and first and not any(c.isdigit() for c in first) else None


@dataclass
class Section:
    id: str
    title: str
    rows: list[Row] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[PublishedTable] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # readings of figures that have no chart
    commentary: Commentary | None = None
    benchmark_heading: str = ""  # the column group over the benchmark cells; empty: no such columns
    appendix: list[str] = field(default_factory=list)  # titles of its breakdowns in the appendix
    blocks: list[paper.FigureBlock] = field(default_factory=list)  # further tables ("Practice")


@dataclass
class Report:
    title: str
    la_code: str
    la_name: str
    month: str
    month_label: str
    run_at_label: str
    profile: str
    highlights: list[str]
    sections: list[Section]
    introduction: Commentary | None = None
    highlights_commentary: Commentary | None = None
    disclosure_note: str | None = None  # what the suppression mark means, under the public profile
    notes: list[str] = field(default_factory=list)
    chart_seconds: float = 0.0
    no_highlights: str = signals.NO_HIGHLIGHTS
    icon_legend: tuple[signals.Icon, ...] = signals.ICON_LEGEND
    benchmark_areas: dict[str, str] = field(default_factory=dict)  # area_type -> column heading
    benchmarks: PublishedTable | None = None
    appendix: list[Section] = field(default_factory=list)  # the breakdowns, under their sections' titles
    appendix_title: str = APPENDIX_TITLE
    appendix_note: str = APPENDIX_NOTE
    not_in_layout: list[str] = field(default_factory=list)  # sections the extract's layout never had
    scorecard: Scorecard | None = None
    scorecard_title: str = SCORECARD_TITLE

    @property
    def benchmark_headers(self) -> list[str]:
        return [self.benchmark_areas.get(area, "") for area in benchmark_view.AREA_TYPES]

    @property
    def charts(self) -> list[Chart]:
        return [chart for section in self.sections + self.appendix for chart in section.charts]

    @property
    def tables(self) -> list[PublishedTable]:
        """Every table of the report and its appendix, in reading order, once each."""
        found: dict[str, PublishedTable] = {}
        for section in self.sections + self.appendix:
            for chart in section.charts:
                found.update((table.id, table) for table in chart.data)
            found.update((table.id, table) for table in section.tables)
        if self.benchmarks is not None:
            found[self.benchmarks.id] = self.benchmarks
        return list(found.values())


def build_report(ctx: ReportContext, profile: str = "public") -> Report:
    return _Builder(ctx, check_profile(profile)).report()


class _Builder:
    """Holds the context while the sections are assembled (one instance per report)."""

    def __init__(self, ctx: ReportContext, profile: str) -> None:
        self.ctx = ctx
        self.profile = profile
        self.month = to_month(ctx.month)
        self.rows = {row["indicator_id"]: row for row in ctx.indicators}
        self.missing = ctx.unavailable
        self.tables = {
            table.id: with_published_shares(table, ctx.distributions)
            for table_id, frame in ctx.tables.items()
            if table_id not in self.missing
            and (table := breakdown_table(table_id, frame, profile)) is not None
        }
        self.commentary = {normalise_key(key): text for key, text in ctx.commentary.items()}
        self.renderer = ChartRenderer()
        self.chart_seconds = 0.0
        self.benchmarks = ctx.benchmarks
        self.spc_cache: dict[tuple[str, int | None], signals.Signals] = {}
        # a figure's series, partial months and reading rules' view, asked for by every table row, panel
        # and reading that shows it: each made once (their trend frames do not change while building)
        self.series_cache: dict[tuple[str, int | None], list[tuple[pd.Period, float | None]]] = {}
        self.partial_cache: dict[str, set[pd.Period]] = {}
        self.figure_cache: dict[str, rules.Figure] = {}
        self.charted: dict[str, signals.Signals] = {}  # figures drawn as SPC panels with limits
        self.appendix: list[Section] = []  # filled as the sections are built
        self.plan = paper.plan(ctx.layout or load_layout(), set(self.rows))
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
            month_label=month_label(self.month),
            run_at_label=f"{day_label(run_at)} at {run_at:%H:%M}",
            profile=self.profile,
            highlights=self.highlights(),  # after the sections: from the charts they drew
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
            scorecard=build_scorecard(self, sections),
        )

    # --- figures -----------------------------------------------------------------------------------

    def series(self, indicator_id: str, n: int | None = None) -> list[tuple[pd.Period, float | None]]:
        """The last n months, by default the last 24 where history allows, 13 at least (signals.window),
        ending at the report month; this month's figure is the indicator's own value. Not to be changed:
        the list is shared by every caller."""
        if (indicator_id, n) not in self.series_cache:
            frame = self.ctx.trends.get(indicator_id)
            points = signals.window(frame, self.month) if n is None else month_series(frame, self.month, n)
            value = as_number(self.rows[indicator_id].get("value"))
            self.series_cache[(indicator_id, n)] = points[:-1] + [(self.month, value)]
        return self.series_cache[(indicator_id, n)]

    def partial_points(self, indicator_id: str, months: list[pd.Period]) -> frozenset[int]:
        """Indices of `months` whose figure the history covers only partly (signals.partial)."""
        if indicator_id not in self.partial_cache:
            found = signals.partial_months(self.ctx.trends.get(indicator_id))
            if signals.partial(self.rows[indicator_id].get("note")):
                found.add(self.month)
            self.partial_cache[indicator_id] = found
        found = self.partial_cache[indicator_id]
        return frozenset(i for i, m in enumerate(months) if m in found)

    def is_partial(self, indicator_id: str, month: pd.Period) -> bool:
        return bool(self.partial_points(indicator_id, [month]))

    def spc_for(self, indicator_id: str, n: int | None = None) -> signals.Signals:
        """The indicator's XmR chart over its trend series (or its last n months): no limits for a rolling
        figure; partial points left out."""
        if (indicator_id, n) in self.spc_cache:
            return self.spc_cache[(indicator_id, n)]
        row = self.rows[indicator_id]
        unit = row.get("unit") or "count"
        direction = self.ctx.directions.get(indicator_id)
        series = self.series(indicator_id, n)
        values = [v for _, v in series]
        partial = self.partial_points(indicator_id, [m for m, _ in series])
        changes = phases.starts(self.ctx.changes, indicator_id, [m for m, _ in series])
        changes = [(i, change.since, change.text) for i, change in changes]
        england = benchmark_view.england_line(self.benchmarks, indicator_id, unit)
        self.spc_cache[(indicator_id, n)] = signals.Signals(
            label=row.get("label") or indicator_id,
            unit=unit,
            chart=(
                signals.no_limits(values, partial)
                if signals.rolling(row)
                else signals.chart(values, unit, direction, partial, changes)
            ),
            target=as_number(row.get("target")),
            direction=direction,
            context=england[0] if england else None,
        )
        return self.spc_cache[(indicator_id, n)]

    def highlights(self) -> list[str]:
        """Special-cause signals at this month on the figures with an SPC chart, one per family, strongest
        first (signals.highlights); the sentence NO_HIGHLIGHTS when there are none."""
        families: dict[str, list[signals.Signals]] = {}
        for indicator_id, view in self.charted.items():
            families.setdefault(FAMILY.get(indicator_id, indicator_id), []).append(view)
        return signals.highlights(list(families.values()))

    def figure(self, indicator_id: str) -> rules.Figure:
        """The figure as the reading rules see it; partial months are not figures to compare with."""
        if indicator_id not in self.figure_cache:
            self.figure_cache[indicator_id] = self._figure(indicator_id)
        return self.figure_cache[indicator_id]

    def _figure(self, indicator_id: str) -> rules.Figure:
        row = self.rows[indicator_id]
        series = self.series(indicator_id)
        partial = self.partial_points(indicator_id, [m for m, _ in series])
        history = tuple((month_label(m), None if i in partial else v) for i, (m, v) in enumerate(series[:-1]))
        previous = as_number(self.ctx.previous.get(indicator_id))
        return rules.Figure(
            label=row.get("label") or indicator_id,
            unit=row.get("unit") or "count",
            value=as_number(row.get("value")),
            previous=None if self.is_partial(indicator_id, self.month - 1) else previous,
            history=history,
            target=as_number(row.get("target")),
        )

    def headline_row(self, row: dict) -> Row:
        """A figure as its table row. A partial figure (or one compared with a partial one) reads
        "partial history" for its RAG and changes; the icons are its SPC's, as charted where it is."""
        indicator_id, unit = row["indicator_id"], row.get("unit") or "count"
        value = as_number(row.get("value"))
        note = row.get("note")
        partial = self.is_partial(indicator_id, self.month)

        def change(before, month: pd.Period) -> str:
            if (
                value is not None
                and as_number(before) is not None
                and (partial or self.is_partial(indicator_id, month))
            ):
                return signals.PARTIAL
            return format_change(value, before, unit)

        view = self.charted.get(indicator_id) or self.spc_for(indicator_id)
        return Row(
            label=row.get("label") or indicator_id,
            value="Not available" if value is None else format_value(value, unit),
            target=format_value(row.get("target"), unit),
            rag=signals.PARTIAL if partial and value is not None else format_rag(row.get("rag")),
            vs_last_month=change(self.ctx.previous.get(indicator_id), self.month - 1),
            vs_last_year=change(self.ctx.last_year.get(indicator_id), self.month - 12),
            note="; ".join(
                text
                for text in (
                    "" if note is None or pd.isna(note) else str(note),
                    benchmark_view.share_note(indicator_id, unit, self.benchmarks),
                )
                if text
            ),
            benchmarks=benchmark_view.cells(self.benchmarks, indicator_id),
            variation=signals.variation_icon(view) if value is not None else None,
            assurance=signals.assurance_icon(view) if value is not None else None,
        )

    # --- sections ----------------------------------------------------------------------------------

    def section(self, planned: paper.PlannedSection) -> Section | None:
        """The section's figures table(s), chart, readings and commentary. A figure the extract's layout
        never had is one line, not a row (paper.structural_reason); a section made only of such figures is
        one line under the sections (`not_in_layout`), or the section's only line when it has commentary
        or breakdowns. None for a section with nothing this month (its figures not in the catalogue)."""
        spec = planned.spec
        aliases = {normalise_key(alias) for alias in spec.aliases}
        chosen = [v for v in spec.variants if any(self.has_value(i) for i in v.indicator_ids)]
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
            lines = [paper.absent_line(self.rows[i]["label"] or i, [why]) for i, why in absent.items()]
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
        section.rows = [self.headline_row(row) for row in rows]  # after the charts: their icons
        for block_title, block in blocks:
            shown = [self.headline_row(r) for r in block if r["indicator_id"] not in absent]
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
            found = [self.rows[i] for i in figures if i in self.rows]
        return [row for row in found if row["indicator_id"] not in hidden]

    def draw(self, section: Section, chart_specs: list) -> None:
        """Each chart into the section, or its reading into the summary when there is nothing to draw;
        a chart of a table that is not available is left out (said once, with the table)."""
        for chart_spec in chart_specs:
            if getattr(chart_spec, "table_id", None) in self.missing:
                continue
            started = time.perf_counter()
            chart, reading = self.chart(chart_spec)
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
        charted = [self.charted[i] for i in indicator_ids if i in self.charted]
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
                    self.headline_row(row)
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

    def has_value(self, indicator_id: str) -> bool:
        return indicator_id in self.rows and as_number(self.rows[indicator_id].get("value")) is not None

    def commentary_for(self, *keys: str) -> Commentary | None:
        texts = [self.commentary[key] for key in keys if key in self.commentary]
        return render("\n\n".join(texts)) if texts else None

    # --- charts ------------------------------------------------------------------------------------

    def chart(self, spec) -> tuple[Chart | None, str | None]:
        """The chart for a layout entry and its reading; (None, reading) when there is nothing to draw."""
        if isinstance(spec, TrendChart):
            return self.trend_chart(spec)
        if isinstance(spec, WeeklyChart):
            return self.weekly_chart(spec)
        if isinstance(spec, TeamChart):
            return self.team_chart(spec)
        raise TypeError(f"unknown chart spec {spec!r}")

    def trend_chart(self, spec: TrendChart) -> tuple[Chart | None, str | None]:
        """One chart of panels: an SPC panel per monthly figure, a plain line per rolling one, over the
        headline's months; the reading says each panel's figure and signal."""
        ids = [i for i in (*spec.indicator_ids, *spec.rolling) if i in self.rows]
        if not ids:
            return None, None
        note = str(self.rows[ids[0]].get("note") or "")
        if note.startswith("not available") and as_number(self.rows[ids[0]].get("value")) is None:
            return None, f"{self.figure(ids[0]).label}: {note}"  # no trend ends in a month without it
        n = len(self.series(ids[0]))  # every panel over the headline's months
        series = {i: self.series(i, n) for i in ids}
        drawn = [i for i in ids if sum(v is not None for _, v in series[i]) >= 2]
        reading = " ".join(self.panel_reading(i, n) for i in ids if self.has_value(i) or i == ids[0])
        if not drawn:
            return None, reading
        months = [m for m, _ in series[drawn[0]]]
        panels = [self.panel(i, n, series[i]) for i in drawn]
        for i in drawn:
            if self.spc_for(i, n).chart.has_limits:
                self.charted[i] = self.spc_for(i, n)
        svg, cut = self.renderer.panels([m.strftime("%b %y") for m in months], panels)
        chart = Chart(
            id=f"trend_{ids[0]}",
            title=f"{'; '.join(self.figure(i).label for i in drawn)}: last {len(months)} months",
            alt=describe_panels([month_label(m) for m in months], panels),
            reading=reading,
            svg=svg,
            data=[
                trend_table(i, self.figure(i).label, self.figure(i).unit, series[i], self.spc_for(i, n).chart)
                for i in drawn
            ],
            cut_axis=cut,
        )
        return chart, reading

    def panel(self, indicator_id: str, n: int, series: list[tuple[pd.Period, float | None]]) -> Panel:
        figure, view = self.figure(indicator_id), self.spc_for(indicator_id, n)
        return Panel(
            title=figure.label
            + (" (rolling: no limits)" if signals.rolling(self.rows[indicator_id]) else ""),
            unit=figure.unit,
            values=[v for _, v in series],
            chart=view.chart,
            target=figure.target,
            reference=benchmark_view.england_line(self.benchmarks, indicator_id, figure.unit),
            partial=view.chart.excluded,
        )

    def panel_reading(self, indicator_id: str, n: int) -> str:
        """The figure in words and its SPC clause. A special cause this month is not "steady" beside it
        (rules.reading without a direction); a partial figure is only its value."""
        figure, view = self.figure(indicator_id), self.spc_for(indicator_id, n)
        if figure.value is None:
            return signals.missing_reading(figure.label, self.rows[indicator_id].get("note"))
        if self.is_partial(indicator_id, self.month):
            return signals.partial_reading(figure.label, format_value(figure.value, figure.unit))
        text = rules.reading(figure, moved=view.latest() is None)
        if signals.rolling(self.rows[indicator_id]):
            return text
        return f"{text} {signals.spc_sentence(view)}"

    def weekly_chart(self, spec: WeeklyChart) -> tuple[Chart | None, str | None]:
        table = self.tables.get(spec.table_id)
        if table is None or table.frame.empty:
            return None, None
        weeks = list(table.frame["week_start"])
        values = [as_number(v) for v in table.frame[spec.column]]
        labels = [
            SUPPRESSED if v == SUPPRESSED else format_value(v, "count") for v in table.frame[spec.column]
        ]
        figure = rules.Figure(
            label=f"{spec.label} in the week starting {day_label(weeks[-1])}",
            unit="count",
            value=values[-1],
            previous=values[-2] if len(values) > 1 else None,
            history=tuple(
                (f"the week starting {day_label(w)}", v) for w, v in zip(weeks[:-1], values[:-1], strict=True)
            ),
        )
        reading = rules.reading(figure, period="week", previous_phrase="the week before")
        svg = self.renderer.bars([f"{w.day} {w:%b}" for w in weeks], values, labels, horizontal=False)
        alt = describe_bars(
            f"{spec.label.lower()} started in each week", [day_label(w) for w in weeks], labels
        )
        return Chart(spec.table_id, table.title, alt, reading, svg, data=[table]), reading

    def team_chart(self, spec: TeamChart) -> tuple[Chart | None, str | None]:
        table = self.tables.get(spec.table_id)
        if table is None or len(table.frame) <= 1:
            return None, None
        body, total = table.frame.iloc[:-1], table.frame.iloc[-1]
        names = [str(name) for name in body[spec.category]]
        values = [as_number(v) for v in body[spec.column]]
        labels = [SUPPRESSED if v == SUPPRESSED else format_value(v, "decimal") for v in body[spec.column]]
        items = list(zip(names, values, strict=True))
        reading = rules.spread_reading(spec.what, items, as_number(total[spec.column]), "decimal")
        if all(value is None for value in values):
            return None, reading  # every bar suppressed or blank: the reading says so, no empty chart
        svg = self.renderer.bars(names, values, labels, horizontal=True)
        alt = describe_bars(f"{spec.what} by team", names, labels)
        return Chart(
            f"{spec.table_id}_chart", f"{spec.what.capitalize()} by team", alt, reading, svg
        ), reading
