"""Charts for the report: SVG drawn directly, to read in greyscale, print sharp and cost next to nothing.

A chart is a few dozen lines, circles and labels, so it is written as SVG text (publish/svg.py) rather
than drawn by a plotting library: matplotlib spent about 0.3 s a chart laying out ticks and text (70% of
a month's publishing). The picture is the same one: a line chart is one or more panels of one series each
(docs/spc.md: a panel's limits are its own series'); signals differ by marker shape as well as colour
and a target is dashed, England dash-dot, so a black-and-white print still tells them apart; bars carry
their value as text. Alt text is generated from the same numbers (publish/alt_text.py).
"""

from __future__ import annotations

import base64
import textwrap
from dataclasses import dataclass, field

from csc_report import spc
from csc_report.publish.formatting import format_value
from csc_report.publish.svg import (
    AXIS_COLOR,
    DPI,
    FONT,
    HEIGHT,
    LINE_COLOR,
    PT,
    TICK,
    WIDTH,
    Frame,
    Svg,
    value_axis,
)
from csc_report.publish.tables import PublishedTable

TARGET_STYLE = {"color": "#444444", "dash": (3.7, 1.6), "width": 1.2}
# XmR: the mean solid and thin, the limits dotted, England dash-dot; special-cause points (one marker
# each, spc.XmR.marker) differ by shape as well as colour (Making Data Count's blue and orange).
MEAN_STYLE = {"color": "#777777", "dash": (), "width": 0.9}
LIMIT_STYLE = {"color": "#777777", "dash": (1.0, 1.65), "width": 1.3}
ENGLAND_STYLE = {"color": "#222222", "dash": (6.4, 1.6, 1.0, 1.6), "width": 1.1}
CHANGE_STYLE = {"color": "#000000", "dash": (4.0, 2.0), "width": 1.0}  # a known change: a new phase
CHANGE_CHARS = 100  # a change's sentence in the legend, shortened to fit (the reading has it whole)
SIGNAL_STYLES = {
    "improvement": {"marker": "star", "color": "#1f5fa8", "size": 15},
    "concern": {"marker": "x", "color": "#d55e00", "size": 9},
    "neutral": {"marker": "diamond", "color": "#6a3d9a", "size": 7},
}
POINT_SIZE = 4  # points (diameter) of a month's figure on the line
PARTIAL_SIZE = 5  # a partial month's hollow point
SERIES_WIDTH = 1.6
MAX_X_LABELS = 13  # month labels that fit across the full width without colliding
AXIS_MARGIN = 0.08  # of the span of what a line panel shows, above and below it
NEAR = 0.08  # target and England closer than this share of the axis: their end labels go apart
BAR_COLOR = "#5a5a5a"
LEGEND_ROW_CHARS = 110  # legend entries (label + key) that fit on one line above the plot
LEGEND_ROW_INCHES = 0.2


@dataclass
class Chart:
    """A rendered chart and what the report says around it."""

    id: str
    title: str
    alt: str
    reading: str
    svg: bytes
    data: list[PublishedTable] = field(default_factory=list)  # tables behind the chart, for screen readers
    cut_axis: bool = False  # a line panel's value axis does not start at 0

    @property
    def path(self) -> str:
        return f"charts/{self.id}.svg"

    @property
    def axis_note(self) -> str | None:
        return "The value axis does not start at 0 (marked //)." if self.cut_axis else None

    @property
    def data_uri(self) -> str:
        """The SVG inline, so the HTML stands alone when emailed or printed."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


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
    """Draws the charts of one report as SVG documents."""

    def panels(self, x_labels: list[str], panels: list[Panel]) -> tuple[bytes, bool]:
        """Side-by-side panels over the same months, one series each, with one legend above them.

        An SPC panel draws its own mean, limits and one marker per special-cause point; a partial point
        is hollow. The value axis fits the panel's data, limits, target and benchmark with a margin
        (`value_range`); where it does not start at 0, a break mark on the axis says so. Target and
        England lines are named at their right ends, apart when they nearly coincide. Returns the SVG and
        whether any panel's value axis does not start at 0.
        """
        legend = _legend_entries(panels)
        columns, rows = _legend_grid([label for label, _ in legend])
        height = HEIGHT + LEGEND_ROW_INCHES * DPI * (rows - 1)  # the plots keep their height
        svg = Svg(height)
        left = (0.08 if len(panels) == 1 else 0.06) * WIDTH
        right = 0.88 * WIDTH  # the end labels of target and England lines sit right of each panel
        top = (0.45 + LEGEND_ROW_INCHES * rows) * DPI  # room for two-line panel titles
        bottom = height - 0.36 * DPI
        space = 0.45 if len(panels) < 3 else 0.8  # of a panel's width, between panels
        width = (right - left) / (len(panels) + space * (len(panels) - 1))
        for n, panel in enumerate(panels):
            x0 = left + n * width * (1 + space)
            _draw_panel(svg, Frame(x0, top, x0 + width, bottom), x_labels, panel, len(panels))
        _draw_legend(svg, legend, columns, rows)
        return svg.document(), any(value_range(panel)[0] > 0 for panel in panels)

    def bars(
        self, categories: list[str], values: list[float | None], labels: list[str], horizontal: bool
    ) -> bytes:
        """Bars with their value written on them; a missing value (suppressed) leaves its label alone."""
        svg = Svg(HEIGHT)
        heights = [0.0 if v is None else float(v) for v in values]
        high = max(heights, default=0.0) or 1.0
        if horizontal:
            left = min(0.08 + 0.012 * max(map(len, categories), default=0), 0.4) * WIDTH
            frame = Frame(left, 0.14 * HEIGHT, 0.98 * WIDTH, 0.9 * HEIGHT)
            frame.x_range = (0.0, high * 1.08)
            frame.y_range = (len(categories) - 0.5 + 0.05, -0.5 - 0.05)  # the first category on top
            value_axis(svg, frame, horizontal=True)
            for i, (category, value, label) in enumerate(zip(categories, heights, labels, strict=True)):
                y = frame.y(i)
                band = 0.8 * abs(frame.y(0.5) - frame.y(0))
                svg.rect(frame.x0, y - band, frame.x(value) - frame.x0, 2 * band, BAR_COLOR)
                svg.text(frame.x0 - TICK - 2, y, category, anchor="end")
                svg.text(frame.x(value) + 2 * PT, y, label, size=7 * PT, anchor="start")
        else:
            frame = Frame(0.08 * WIDTH, 0.14 * HEIGHT, 0.98 * WIDTH, 0.86 * HEIGHT)
            span = len(categories) - 1 + 0.8
            frame.x_range = (-0.4 - 0.05 * span, len(categories) - 0.6 + 0.05 * span)
            frame.y_range = (0.0, high * 1.12)
            value_axis(svg, frame, horizontal=False)
            band = 0.4 * (frame.x(1) - frame.x(0))
            for i, (category, value, label) in enumerate(zip(categories, heights, labels, strict=True)):
                x = frame.x(i)
                svg.rect(x - band, frame.y(value), 2 * band, frame.y1 - frame.y(value), BAR_COLOR)
                svg.text(x, frame.y1 + TICK + FONT, category, anchor="middle")
                svg.text(x, frame.y(value) - 2 * PT, label, size=7 * PT, anchor="middle", middle=False)
        svg.axes_lines(frame)
        return svg.document()


def _legend_grid(labels: list[str]) -> tuple[int, int]:
    """(columns, rows) of the legend above a line chart: as many columns as fit the width, each
    filled top to bottom and as wide as its longest label."""
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
    chart = panel.chart
    for phase in chart.phases if chart is not None and chart.phases else [chart]:
        if phase is not None and phase.mean is not None:
            levels += [phase.lower, phase.upper]
    levels += [v for v in (panel.target, panel.reference and panel.reference[1]) if v is not None]
    low, high = min(levels), max(levels)
    margin = AXIS_MARGIN * (high - low) or max(abs(high) * AXIS_MARGIN, 1.0)
    bottom = low - margin
    return (0.0 if bottom <= 0 or low - 2 * margin <= 0 else bottom), high + margin


def _draw_panel(svg: Svg, frame: Frame, x_labels: list[str], panel: Panel, count: int) -> None:
    positions = range(len(x_labels))
    last = max(len(x_labels) - 1, 1)
    frame.x_range = (-0.05 * last, last * 1.05)
    frame.y_range = value_range(panel)
    value_axis(svg, frame, horizontal=False)
    chart = panel.chart
    for x0, x1, mean, lower, upper in _limit_spans(chart, frame):
        for level, style in ((mean, MEAN_STYLE), (upper, LIMIT_STYLE), (lower, LIMIT_STYLE)):
            svg.line([(x0, frame.y(level)), (x1, frame.y(level))], style)
    for phase in chart.phases[1:] if chart is not None else ():
        x = frame.x(phase.start - 0.5)
        svg.line([(x, frame.y0), (x, frame.y1)], CHANGE_STYLE)
    ends = []
    if panel.target is not None:
        svg.line([(frame.x0, frame.y(panel.target)), (frame.x1, frame.y(panel.target))], TARGET_STYLE)
        ends.append((panel.target, f"Target {format_value(panel.target, panel.unit)}"))
    if panel.reference is not None:
        level = panel.reference[1]
        svg.line([(frame.x0, frame.y(level)), (frame.x1, frame.y(level))], ENGLAND_STYLE)
        ends.append((level, f"England {format_value(level, panel.unit)}"))
    series = {"color": LINE_COLOR, "width": SERIES_WIDTH}
    for run in _runs(panel.values):  # a month without a figure breaks the line
        if len(run) > 1:
            svg.line([(frame.x(i), frame.y(panel.values[i])) for i in run], series)
    for i in positions:
        value = panel.values[i]
        if value is None:
            continue
        if i in panel.partial:
            svg.marker("circle", frame.x(i), frame.y(value), PARTIAL_SIZE, "#ffffff", LINE_COLOR, 1.0)
        else:
            svg.marker("circle", frame.x(i), frame.y(value), POINT_SIZE, LINE_COLOR, LINE_COLOR, 0)
    if chart is not None:
        for kind, points in _markers(chart).items():
            style = SIGNAL_STYLES[kind]
            for i in points:
                x, y = frame.x(i), frame.y(chart.values[i])
                svg.marker(style["marker"], x, y, style["size"], style["color"], LINE_COLOR, 0.6)
    _end_labels(svg, frame, ends)
    if frame.y_range[0] > 0:
        _axis_break(svg, frame)
    fit = MAX_X_LABELS // count - (count > 1)  # panels side by side are narrower than a share of the width
    step = max(1, -(-len(x_labels) // fit))
    tick = {"color": AXIS_COLOR, "width": 0.8}
    for i in list(positions)[::-1][::step]:  # the latest month always labelled
        x = frame.x(i)
        svg.line([(x, frame.y1), (x, frame.y1 + TICK)], tick)
        svg.text(x, frame.y1 + TICK + FONT, x_labels[i], anchor="middle")
    svg.axes_lines(frame)
    lines = textwrap.wrap(panel.title, 100 // count) or [""]
    for n, line in enumerate(reversed(lines)):
        svg.text(frame.x0, frame.y0 - 6 * PT - n * 1.2 * FONT, line, middle=False)


def _limit_spans(chart: spc.XmR | None, frame: Frame) -> list[tuple[float, float, float, float, float]]:
    """(left, right, mean, lower, upper) of each stretch drawn with limits: the whole panel, or each phase
    that has them, from half a month before its first point to half a month after its last."""
    if chart is None:
        return []
    if not chart.phases:
        return [(frame.x0, frame.x1, chart.mean, chart.lower, chart.upper)] if chart.has_limits else []
    return [
        (
            max(frame.x(p.start - 0.5), frame.x0),
            min(frame.x(p.stop - 0.5), frame.x1),
            p.mean,
            p.lower,
            p.upper,
        )
        for p in chart.phases
        if p.mean is not None
    ]


def _runs(values: list[float | None]) -> list[list[int]]:
    """The positions of each unbroken run of figures."""
    runs: list[list[int]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [run for run in runs if run]


def _end_labels(svg: Svg, frame: Frame, ends: list[tuple[float, str]]) -> None:
    """Name target and England lines just right of their ends; two within NEAR of the axis are moved
    apart, the lower one down and the upper one up."""
    ends = sorted(ends)
    low, high = frame.y_range
    near = len(ends) == 2 and ends[1][0] - ends[0][0] < NEAR * (high - low)
    for n, (level, text) in enumerate(ends):
        shift = ((4 if n == 0 else -4) if near else 0) * PT
        svg.text(frame.x1 + 3 * PT, frame.y(level) + shift, text, size=6.5 * PT)


def _axis_break(svg: Svg, frame: Frame) -> None:
    """Two short slashes across the foot of the value axis: it does not start at 0."""
    width, height = frame.x1 - frame.x0, frame.y1 - frame.y0
    for offset in (0.0, 0.03):
        svg.line(
            [
                (frame.x0 - 0.012 * width, frame.y1 - (0.01 + offset) * height),
                (frame.x0 + 0.012 * width, frame.y1 - (0.04 + offset) * height),
            ],
            {"color": LINE_COLOR, "width": 0.9},
        )


def _draw_legend(svg: Svg, legend: list[tuple[str, dict]], columns: int, rows: int) -> None:
    """The legend across the top, filled column by column; each column as wide as its longest label."""
    x = 0.01 * WIDTH + 0.4 * FONT
    for c in range(columns):
        chunk = legend[c * rows : (c + 1) * rows]
        for r, (label, key) in enumerate(chunk):
            y = 0.4 * FONT + (r + 0.5) * LEGEND_ROW_INCHES * DPI
            _legend_key(svg, x, y, key)
            svg.text(x + 2.8 * FONT, y, label)
        x += (max((len(label) for label, _ in chunk), default=0) + 8) * WIDTH / LEGEND_ROW_CHARS


def _legend_key(svg: Svg, x: float, y: float, key: dict) -> None:
    """A line sample two characters wide, or a marker at its middle."""
    middle = x + FONT
    if "marker" in key:
        fill = key.get("fill", key["color"])
        svg.marker(key["marker"], middle, y, key["size"], fill, LINE_COLOR, key.get("edge", 0.6))
    else:
        svg.line([(x, y), (x + 2 * FONT, y)], key)


def _legend_entries(panels: list[Panel]) -> list[tuple[str, dict]]:
    """What the panels draw, each once: target, England, average, limits, markers, partial points."""
    entries: dict[str, dict] = {}
    charts = [p.chart for p in panels if p.chart is not None and (p.chart.has_limits or p.chart.phases)]
    if any(p.target is not None for p in panels):
        entries["Target"] = TARGET_STYLE
    if any(p.reference is not None for p in panels):
        entries["England (DfE)"] = ENGLAND_STYLE
    if any(c.has_limits or any(p.mean is not None for p in c.phases) for c in charts):
        entries["Average"] = MEAN_STYLE
        entries["Process limits"] = LIMIT_STYLE
    for phase in dict.fromkeys(p for c in charts for p in c.phases[1:]):
        label = f"{phase.since[0].upper()}{phase.since[1:]}: {phase.text}"
        entries[textwrap.shorten(label, CHANGE_CHARS, placeholder=" ...")] = CHANGE_STYLE
    kinds = {kind for chart in charts for kind in _markers(chart)}
    for kind, style in SIGNAL_STYLES.items():
        if kind in kinds:
            entries[f"Special cause: {kind}"] = style
    if any(p.partial for p in panels):
        entries["Partial history (not in the limits)"] = {
            "marker": "circle", "color": LINE_COLOR, "fill": "#ffffff", "size": PARTIAL_SIZE, "edge": 1.0,
        }  # fmt: skip
    return list(entries.items())


def _markers(chart: spc.XmR) -> dict[str, list[int]]:
    """kind -> the points marked with it: one marker per point (spc.XmR.marker)."""
    found: dict[str, list[int]] = {}
    for i in range(len(chart.values)):
        signal = chart.marker(i)
        if signal is not None:
            found.setdefault(signal.kind, []).append(i)
    return found
