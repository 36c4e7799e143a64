"""Charts for the report: matplotlib PNGs that read in greyscale and render fast.

One Figure (drawn with the Agg canvas directly, no pyplot state) is made per report and cleared between
charts: making a figure costs more than drawing a dozen points on it. A line chart is one or more panels
of one series each (docs/spc.md: a panel's limits are its own series'); signals differ by marker shape as
well as colour and a target is dashed, England dash-dot, so a black-and-white print still tells them
apart; bars carry their value as text. Alt text is generated from the same numbers.
"""

from __future__ import annotations

import base64
import io
import textwrap
from dataclasses import dataclass, field

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from csc_report import spc
from csc_report.publish.disclosure import SUPPRESSED
from csc_report.publish.formatting import format_value
from csc_report.publish.tables import PublishedTable

LINE_COLOR = "#111111"
TARGET_STYLE = {"color": "#444444", "linestyle": "--", "linewidth": 1.2}
# XmR: the mean solid and thin, the limits dotted, England dash-dot; special-cause points (one marker
# each, spc.XmR.marker) differ by shape as well as colour (Making Data Count's blue and orange).
MEAN_STYLE = {"color": "#777777", "linestyle": "-", "linewidth": 0.9}
LIMIT_STYLE = {"color": "#777777", "linestyle": ":", "linewidth": 1.3}
ENGLAND_STYLE = {"color": "#222222", "linestyle": "-.", "linewidth": 1.1}
SIGNAL_STYLES = {
    "improvement": {"marker": "*", "color": "#1f5fa8", "markersize": 15},
    "concern": {"marker": "X", "color": "#d55e00", "markersize": 9},
    "neutral": {"marker": "D", "color": "#6a3d9a", "markersize": 7},
}
PARTIAL_STYLE = {
    "linestyle": "none", "marker": "o", "markersize": 5, "markerfacecolor": "white",
    "markeredgecolor": "#111111", "markeredgewidth": 1.0, "zorder": 4,
}  # fmt: skip
MAX_X_LABELS = 13  # month labels that fit across the full width without colliding
AXIS_MARGIN = 0.08  # of the span of what a line panel shows, above and below it
NEAR = 0.08  # target and England closer than this share of the axis: their end labels go apart
BAR_COLOR = "#5a5a5a"
STYLE = {
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "lines.linewidth": 1.6,
    "lines.markersize": 4,
}
SIZE_INCHES = (7.0, 2.7)
LEGEND_ROW_CHARS = 110  # legend entries (label + key) that fit on one line above the plot
LEGEND_ROW_INCHES = 0.2
DPI = 120


@dataclass
class Chart:
    """A rendered chart and what the report says around it."""

    id: str
    title: str
    alt: str
    reading: str
    png: bytes
    data: list[PublishedTable] = field(default_factory=list)  # tables behind the chart, for screen readers
    cut_axis: bool = False  # a line panel's value axis does not start at 0

    @property
    def path(self) -> str:
        return f"charts/{self.id}.png"

    @property
    def axis_note(self) -> str | None:
        return "The value axis does not start at 0 (marked //)." if self.cut_axis else None

    @property
    def data_uri(self) -> str:
        """The PNG inline, so the HTML stands alone when emailed or printed."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True)
class Panel:
    """One series of a line chart: an SPC panel (`chart` with limits), or a plain line (a rolling
    figure: `chart` without limits), its partial points (indices) drawn hollow."""

    title: str
    unit: str
    values: list[float | None]
    chart: spc.XmR | None = None
    target: float | None = None
    reference: tuple[str, float] | None = None  # England's published figure: (legend label, value)
    partial: frozenset[int] = frozenset()


class ChartRenderer:
    """Draws every chart of one report on a single reused figure."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
        FigureCanvasAgg(self.figure)

    def panels(self, x_labels: list[str], panels: list[Panel]) -> tuple[bytes, bool]:
        """Side-by-side panels over the same months, one series each, with one legend above them.

        An SPC panel draws its own mean, limits and one marker per special-cause point; a partial point
        is hollow. The value axis fits the panel's data, limits, target and benchmark with a margin
        (`value_range`); where it does not start at 0, a break mark on the axis says so. Target and
        England lines are named at their right ends, apart when they nearly coincide. Returns the PNG and
        whether any panel's value axis does not start at 0.
        """
        legend = _legend_entries(panels)
        columns, rows = _legend_grid([label for label, _ in legend])
        height = SIZE_INCHES[1] + LEGEND_ROW_INCHES * (rows - 1)  # the plots keep their height
        with matplotlib.rc_context(STYLE):
            self.figure.clear()
            self.figure.set_size_inches(SIZE_INCHES[0], height)
            self.figure.subplots_adjust(
                left=0.08 if len(panels) == 1 else 0.06,
                right=0.88,  # the end labels of target and England lines sit right of each panel
                bottom=0.36 / height,
                top=1 - (0.45 + LEGEND_ROW_INCHES * rows) / height,  # room for two-line panel titles
                wspace=0.45 if len(panels) < 3 else 0.8,  # room for the end labels between panels
            )
            axes_list = self.figure.subplots(1, len(panels), squeeze=False)[0]
            for axes, panel in zip(axes_list, panels, strict=True):
                _draw_panel(axes, x_labels, panel, len(panels))
            handles = [handle for _, handle in legend]
            self.figure.legend(
                handles,
                [label for label, _ in legend],
                loc="upper left",
                bbox_to_anchor=(0.01, 1.0),
                ncol=columns,
                frameon=False,
            )
            return self._png(), any(value_range(panel)[0] > 0 for panel in panels)

    def bars(
        self, categories: list[str], values: list[float | None], labels: list[str], horizontal: bool
    ) -> bytes:
        """Bars with their value written on them; a missing value (suppressed) leaves its label alone."""
        with matplotlib.rc_context(STYLE):
            left = 0.08 + (0.012 * max(map(len, categories), default=0) if horizontal else 0)
            axes = self._axes(left=min(left, 0.4), bottom=0.1 if horizontal else 0.14)
            heights = [0 if v is None else v for v in values]
            if horizontal:
                axes.grid(False)
                bars = axes.barh(categories, heights, color=BAR_COLOR)
                axes.invert_yaxis()
            else:
                bars = axes.bar(categories, heights, color=BAR_COLOR)
            axes.bar_label(bars, labels=labels, padding=2, fontsize=7)
            axes.margins(**({"x": 0.08} if horizontal else {"y": 0.12}))
            return self._png()

    def _axes(self, left: float, bottom: float, top: float = 0.86, height: float = SIZE_INCHES[1]):
        self.figure.clear()
        self.figure.set_size_inches(SIZE_INCHES[0], height)
        self.figure.subplots_adjust(left=left, right=0.98, top=top, bottom=bottom)
        return self.figure.add_subplot()

    def _png(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        return buffer.getvalue()


def _legend_grid(labels: list[str]) -> tuple[int, int]:
    """(columns, rows) of the legend above a line chart: as many columns as fit the width, where
    matplotlib fills each column top to bottom and sizes it to its longest label."""
    for columns in range(len(labels), 1, -1):
        rows = -(-len(labels) // columns)
        chunks = [labels[c * rows : (c + 1) * rows] for c in range(columns)]
        if sum(max(map(len, chunk)) + 8 for chunk in chunks if chunk) <= LEGEND_ROW_CHARS:
            return columns, rows
    return 1, len(labels)


def value_range(panel: Panel) -> tuple[float, float]:
    """The value axis of a line panel: its data, limits, target and benchmark with a margin of
    AXIS_MARGIN of their span on each side; from 0 when the margin would reach below it."""
    levels = [v for v in panel.values if v is not None]
    if panel.chart is not None and panel.chart.has_limits:
        levels += [panel.chart.lower, panel.chart.upper]
    levels += [v for v in (panel.target, panel.reference and panel.reference[1]) if v is not None]
    low, high = min(levels), max(levels)
    margin = AXIS_MARGIN * (high - low) or max(abs(high) * AXIS_MARGIN, 1.0)
    bottom = low - margin
    return (0.0 if bottom <= 0 or low - 2 * margin <= 0 else bottom), high + margin


def _draw_panel(axes, x_labels: list[str], panel: Panel, count: int) -> None:
    positions = list(range(len(x_labels)))
    values = [float("nan") if v is None else v for v in panel.values]
    axes.plot(positions, values, color=LINE_COLOR, zorder=3)
    full = [i for i, v in enumerate(panel.values) if v is not None and i not in panel.partial]
    axes.plot(full, [values[i] for i in full], linestyle="none", marker="o", color=LINE_COLOR, zorder=4)
    hollow = sorted(i for i in panel.partial if panel.values[i] is not None)
    if hollow:
        axes.plot(hollow, [values[i] for i in hollow], **PARTIAL_STYLE)
    chart = panel.chart
    if chart is not None and chart.has_limits:
        axes.axhline(chart.mean, **MEAN_STYLE)
        axes.axhline(chart.upper, **LIMIT_STYLE)
        axes.axhline(chart.lower, **LIMIT_STYLE)
        for kind, points in _markers(chart).items():
            axes.plot(
                points,
                [chart.values[i] for i in points],
                linestyle="none",
                markeredgecolor="#111111",
                markeredgewidth=0.6,
                zorder=5,
                **SIGNAL_STYLES[kind],
            )
    ends = []
    if panel.target is not None:
        axes.axhline(panel.target, **TARGET_STYLE)
        ends.append((panel.target, f"Target {format_value(panel.target, panel.unit)}"))
    if panel.reference is not None:
        axes.axhline(panel.reference[1], **ENGLAND_STYLE)
        ends.append(
            (
                panel.reference[1],
                f"England {format_value(panel.reference[1], panel.unit)}",
            )
        )
    bottom, top = value_range(panel)
    axes.set_ylim(bottom, top)
    _end_labels(axes, ends, top - bottom)
    if bottom > 0:
        _axis_break(axes)
    fit = MAX_X_LABELS // count - (count > 1)  # panels side by side are narrower than a share of the width
    step = max(1, -(-len(x_labels) // fit))
    axes.set_xticks(positions[::-1][::step][::-1], x_labels[::-1][::step][::-1])
    axes.set_title(textwrap.fill(panel.title, 100 // count), fontsize=8, loc="left")


def _end_labels(axes, ends: list[tuple[float, str]], span: float) -> None:
    """Name target and England lines just right of their ends; two within NEAR of the axis are moved
    apart, the lower one down and the upper one up."""
    ends = sorted(ends)
    near = len(ends) == 2 and ends[1][0] - ends[0][0] < NEAR * span
    for n, (level, text) in enumerate(ends):
        shift = (-4 if n == 0 else 4) if near else 0
        axes.annotate(
            text,
            xy=(1.0, level),
            xycoords=("axes fraction", "data"),
            xytext=(3, shift),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=6.5,
            color="#222222",
            zorder=6,
        )


def _axis_break(axes) -> None:
    """Two short slashes across the foot of the value axis: it does not start at 0."""
    for offset in (0.0, 0.03):
        axes.plot(
            [-0.012, 0.012],
            [0.01 + offset, 0.04 + offset],
            transform=axes.transAxes,
            color="#111111",
            linewidth=0.9,
            clip_on=False,
            zorder=7,
        )


def _markers(chart: spc.XmR) -> dict[str, list[int]]:
    """kind -> the points marked with it: one marker per point (spc.XmR.marker)."""
    found: dict[str, list[int]] = {}
    for i in range(len(chart.values)):
        signal = chart.marker(i)
        if signal is not None:
            found.setdefault(signal.kind, []).append(i)
    return found


def _legend_entries(panels: list[Panel]) -> list[tuple[str, Line2D]]:
    """What the panels draw, each once: target, England, average, limits, markers, partial points."""
    entries: dict[str, Line2D] = {}
    charts = [p.chart for p in panels if p.chart is not None and p.chart.has_limits]
    if any(p.target is not None for p in panels):
        entries["Target"] = Line2D([], [], **TARGET_STYLE)
    if any(p.reference is not None for p in panels):
        entries["England (DfE)"] = Line2D([], [], **ENGLAND_STYLE)
    if charts:
        entries["Average"] = Line2D([], [], **MEAN_STYLE)
        entries["Process limits"] = Line2D([], [], **LIMIT_STYLE)
    kinds = {kind for chart in charts for kind in _markers(chart)}
    for kind, style in SIGNAL_STYLES.items():
        if kind in kinds:
            entries[f"Special cause: {kind}"] = Line2D(
                [], [], linestyle="none", markeredgecolor="#111111", markeredgewidth=0.6, **style
            )
    if any(p.partial for p in panels):
        entries["Partial history (not in the limits)"] = Line2D([], [], **PARTIAL_STYLE)
    return list(entries.items())


def describe_panels(period_labels: list[str], panels: list[Panel]) -> str:
    """Alt text: what each panel shows, from when to when, its latest, lowest and highest points, its
    limits and marked points."""
    parts = [
        f"{'Line chart' if len(panels) == 1 else f'{len(panels)} line charts'} by month, "
        f"{period_labels[0]} to {period_labels[-1]}."
    ]
    for panel in panels:
        unit = panel.unit
        points = [(p, v) for p, v in zip(period_labels, panel.values, strict=True) if v is not None]
        if not points:
            parts.append(f"{panel.title}: no figures.")
            continue
        low = min(points, key=lambda point: point[1])
        high = max(points, key=lambda point: point[1])
        gaps = len(panel.values) - len(points)
        latest = points[-1]
        parts.append(
            f"{panel.title}: latest {format_value(latest[1], unit)} ({latest[0]}), "
            f"lowest {format_value(low[1], unit)} ({low[0]}), "
            f"highest {format_value(high[1], unit)} ({high[0]})"
            + (f"; no figure for {gaps} month{'s' if gaps > 1 else ''}." if gaps else ".")
        )
        if panel.partial:
            parts.append(
                f"Hollow points, partial history, not in the limits: "
                f"{', '.join(period_labels[i] for i in sorted(panel.partial))}."
            )
        if panel.target is not None:
            parts.append(f"Dashed line: target {format_value(panel.target, unit)}.")
        if panel.reference is not None:
            parts.append(f"Dash-dot line: {panel.reference[0]}.")
        chart = panel.chart
        if chart is not None and chart.has_limits:
            flagged = [i for i in range(len(chart.values)) if chart.marker(i) is not None]
            parts.append(
                f"Solid grey line: average {format_value(chart.mean, unit)}; dotted lines: process limits "
                f"{format_value(chart.lower, unit)} and {format_value(chart.upper, unit)}"
                + (
                    f"; special-cause points marked: {', '.join(period_labels[i] for i in flagged)}."
                    if flagged
                    else "; no special-cause points."
                )
            )
        elif chart is not None and chart.note:
            parts.append(f"No process limits: {chart.note}.")
        if value_range(panel)[0] > 0:
            parts.append("The value axis does not start at 0.")
    return " ".join(parts)


def describe_bars(what: str, categories: list[str], labels: list[str]) -> str:
    """Alt text: every bar's category and value (a suppressed one says so)."""
    spoken = {SUPPRESSED: "suppressed", "": "no figure"}
    items = ", ".join(
        f"{category} {spoken.get(label, label)}" for category, label in zip(categories, labels, strict=True)
    )
    return f"Bar chart of {what}: {items}."
