"""Charts for the report: matplotlib PNGs that read in greyscale and render fast.

One Figure (drawn with the Agg canvas directly, no pyplot state) is made per report and cleared between
charts: making a figure costs more than drawing a dozen points on it. Series differ by line style and
marker as well as shade, so a black-and-white print still tells them apart; a target is a dashed line named
in the legend; bars carry their value as text. Alt text is generated from the same numbers.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from csc_report import spc
from csc_report.publish.disclosure import SUPPRESSED
from csc_report.publish.formatting import format_value
from csc_report.publish.tables import PublishedTable

SERIES_STYLES = (
    {"color": "#111111", "linestyle": "-", "marker": "o"},
    {"color": "#555555", "linestyle": ":", "marker": "s"},
    {"color": "#888888", "linestyle": "-.", "marker": "^"},
)
TARGET_STYLE = {"color": "#444444", "linestyle": "--", "linewidth": 1.2}
# XmR (issue 12): the mean solid and thin, the limits dotted, England dash-dot; special-cause points
# differ by marker shape as well as colour (Making Data Count's blue and orange), so greyscale keeps them.
MEAN_STYLE = {"color": "#777777", "linestyle": "-", "linewidth": 0.9}
LIMIT_STYLE = {"color": "#777777", "linestyle": ":", "linewidth": 1.3}
ENGLAND_STYLE = {"color": "#222222", "linestyle": "-.", "linewidth": 1.1}
SIGNAL_STYLES = {
    # the star is the largest so that its points show round a cross drawn over it on the same month
    "improvement": {"marker": "*", "color": "#1f5fa8", "markersize": 15},
    "concern": {"marker": "X", "color": "#d55e00", "markersize": 9},
    "neutral": {"marker": "D", "color": "#6a3d9a", "markersize": 7},
}
MAX_X_LABELS = 13  # beyond this, every other month is labelled so the labels do not collide
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
SIZE_INCHES = (7.0, 2.6)
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

    @property
    def path(self) -> str:
        return f"charts/{self.id}.png"

    @property
    def data_uri(self) -> str:
        """The PNG inline, so the HTML stands alone when emailed or printed."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


class ChartRenderer:
    """Draws every chart of one report on a single reused figure."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
        FigureCanvasAgg(self.figure)

    def lines(
        self,
        x_labels: list[str],
        series: list[tuple[str, list[float | None]]],
        unit: str,
        target: float | None = None,
        limits: spc.XmR | None = None,
        reference: tuple[str, float] | None = None,
    ) -> bytes:
        """One line per series (gaps where a value is None), with an optional dashed target line.

        `limits`: the first series' XmR chart: its mean, its limits and its special-cause points.
        `reference`: a labelled horizontal line (England's published figure).
        """
        labels = [label for label, _ in series]
        if target is not None:
            whose = f", {labels[0]}" if len(series) > 1 else ""
            labels.append(f"Target{whose}: {format_value(target, unit)}")
        if reference is not None:
            labels.append(reference[0])
        if limits is not None and limits.has_limits:
            labels += ["Average", "Process limits"]
            labels += [f"Special cause: {kind}" for kind in SIGNAL_STYLES if _kinds(limits) & {kind}]
        columns, rows = _legend_grid(labels)
        height = SIZE_INCHES[1] + LEGEND_ROW_INCHES * (rows - 1)  # the plot keeps its height
        with matplotlib.rc_context(STYLE):
            axes = self._axes(
                left=0.08,
                bottom=0.36 / height,
                top=1 - (0.1 + LEGEND_ROW_INCHES * rows) / height,
                height=height,
            )
            positions = range(len(x_labels))
            for (label, values), style in zip(series, SERIES_STYLES, strict=False):
                axes.plot(positions, [float("nan") if v is None else v for v in values], label=label, **style)
            if target is not None:
                axes.axhline(target, label=labels[len(series)], **TARGET_STYLE)
            if reference is not None:
                axes.axhline(reference[1], label=reference[0], **ENGLAND_STYLE)
            if limits is not None and limits.has_limits:
                _draw_xmr(axes, limits)
            step = 1 if len(x_labels) <= MAX_X_LABELS else 2
            axes.set_xticks(list(positions)[::-1][::step][::-1], x_labels[::-1][::step][::-1])
            # from zero, with headroom above the autoscaled top (computed from the data's own range, too
            # little once the axis starts at 0) so the special-cause markers on the highest points show
            axes.set_ylim(0, axes.get_ylim()[1] * 1.05)
            axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=columns, frameon=False)
            return self._png()

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


def _kinds(chart: spc.XmR) -> set[str]:
    return {signal.kind for signal in chart.signals}


def _draw_xmr(axes, chart: spc.XmR) -> None:
    """Mean, limits and the special-cause points of the first series, drawn over it."""
    axes.axhline(chart.mean, label="Average", **MEAN_STYLE)
    axes.axhline(chart.upper, label="Process limits", **LIMIT_STYLE)
    axes.axhline(chart.lower, **LIMIT_STYLE)
    for kind, style in SIGNAL_STYLES.items():
        flagged = sorted({i for signal in chart.signals if signal.kind == kind for i in signal.points})
        if flagged:
            axes.plot(
                flagged,
                [chart.values[i] for i in flagged],
                linestyle="none",
                markeredgecolor="#111111",
                markeredgewidth=0.6,
                label=f"Special cause: {kind}",
                zorder=5,
                **style,
            )


def describe_lines(
    period_labels: list[str],
    series: list[tuple[str, list[float | None]]],
    unit: str,
    target: float | None,
    limits: spc.XmR | None = None,
    reference: tuple[str, float] | None = None,
) -> str:
    """Alt text: what the lines show, from when to when, their latest, lowest and highest points."""
    parts = [f"Line chart by month, {period_labels[0]} to {period_labels[-1]}."]
    for label, values in series:
        points = [(p, v) for p, v in zip(period_labels, values, strict=True) if v is not None]
        if not points:
            parts.append(f"{label}: no figures.")
            continue
        low = min(points, key=lambda point: point[1])
        high = max(points, key=lambda point: point[1])
        gaps = len(values) - len(points)
        latest = points[-1]
        parts.append(
            f"{label}: latest {format_value(latest[1], unit)} ({latest[0]}), "
            f"lowest {format_value(low[1], unit)} ({low[0]}), "
            f"highest {format_value(high[1], unit)} ({high[0]})"
            + (f"; no figure for {gaps} month{'s' if gaps > 1 else ''}." if gaps else ".")
        )
    if target is not None:
        parts.append(f"Dashed line: target {format_value(target, unit)}.")
    if reference is not None:
        parts.append(f"Dash-dot line: {reference[0]}.")
    if limits is not None and limits.has_limits:
        flagged = sorted({i for signal in limits.signals for i in signal.points})
        parts.append(
            f"Solid grey line: average {format_value(limits.mean, unit)}; dotted lines: process limits "
            f"{format_value(limits.lower, unit)} and {format_value(limits.upper, unit)}"
            + (
                f"; special-cause points marked: {', '.join(period_labels[i] for i in flagged)}."
                if flagged
                else "; no special-cause points."
            )
        )
    return " ".join(parts)


def describe_bars(what: str, categories: list[str], labels: list[str]) -> str:
    """Alt text: every bar's category and value (a suppressed one says so)."""
    spoken = {SUPPRESSED: "suppressed", "": "no figure"}
    items = ", ".join(
        f"{category} {spoken.get(label, label)}" for category, label in zip(categories, labels, strict=True)
    )
    return f"Bar chart of {what}: {items}."
