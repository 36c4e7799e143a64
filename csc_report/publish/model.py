"""The report as one model, rendered by both templates: what a reader sees, already decided.

The model holds which sections, rows, charts, tables, readings and commentary the report has, so
`report.md` and `report.html` cannot disagree: each template only lays the model out. The breakdowns of
each section go to the appendix (`Report.appendix`, rendered as appendix.md and appendix.html), so the
paper itself keeps to a figures table, one chart, the readings and the commentary per section.
`publish/build.py` builds it (`build_report`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from csc_report.publish import benchmark_view, paper, signals
from csc_report.publish.charts import Chart
from csc_report.publish.commentary import Commentary
from csc_report.publish.scorecard import Scorecard
from csc_report.publish.tables import PublishedTable

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
