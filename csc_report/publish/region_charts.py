"""The regional comparison's dot charts: one per headline measure, small multiples three to a row, each
the authorities sorted best first (by the measure's polarity, as their ranks), one dot each, with the
region's figure (solid line) and England's published figure (dash-dot line).

Drawn with the report charts' SVG writer (publish/svg.py) and line styles, so they print and read in
greyscale as the authority report's charts do: the two lines differ by dash, not colour alone, and a
legend under the axis names each with its figure. The drawing is a third of a page wide at the report's
type size, so it needs no shrinking to fit three across; an authority's name longer than the room is
shortened with an ellipsis in the drawing only, as the alt text names every authority in full with its
figure in the order drawn.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from csc_report.publish.charts import ENGLAND_STYLE, MEAN_STYLE
from csc_report.publish.disclosure import SUPPRESSED
from csc_report.publish.formatting import as_number, format_value
from csc_report.publish.region_tables import Measure
from csc_report.publish.svg import AXIS_COLOR, CHAR, FONT, LINE_COLOR, TICK, Frame, Svg, nice_ticks

WIDTH = 300  # pixels (2.5 inches at the charts' DPI): three across an A4 page
NAME_CHARS = 16  # an authority's name in the drawing, at most (the alt text has it whole)
ROW = 1.3 * FONT  # pixels per authority
TOP = 0.6 * FONT
AXIS = TICK + 1.6 * FONT  # the value axis's ticks and labels under the dots
LEGEND = 1.5 * FONT  # one row: the region's and England's lines, each with its figure
AXIS_TICKS = 4  # labels that fit a third of a page without touching


@dataclass(frozen=True)
class DotChart:
    uri: str  # data URI of the SVG
    alt: str
    caption: str


def dot_chart(measure: Measure) -> DotChart:
    """The measure's authorities sorted by rank, unranked (no figure, suppressed) last."""
    rows = measure.rows
    order = sorted(rows.authorities, key=lambda a: measure.ranks.get(a.area) or len(rows.authorities) + 1)
    dots = [
        (_short(a.name), as_number(measure.ranks.get(a.area) and a.value), _unshown(measure, a))
        for a in order
    ]
    lines = [(label, as_number(area.value), style) for label, area, style in _lines(rows)]
    numbers = [v for _, v, _ in dots if v is not None] + [v for _, v, _ in lines if v is not None]
    high = max(numbers, default=1.0) * 1.08 or 1.0
    if rows.unit == "pct":
        high = min(high, 100.0)
    left = FONT + CHAR * max((len(name) for name, _, _ in dots), default=4)
    frame = Frame(left, TOP, WIDTH - FONT, TOP + ROW * len(dots))
    frame.x_range = (0.0, high)
    svg = Svg(frame.y1 + AXIS + LEGEND, WIDTH)
    for n, (name, value, unshown) in enumerate(dots):
        y = frame.y0 + ROW * (n + 0.5)
        svg.text(left - TICK, y, name, anchor="end")
        if value is None:
            svg.text(frame.x0 + TICK, y, unshown, size=0.85 * FONT)
            continue
        svg.line([(frame.x0, y), (frame.x(value), y)], {"color": "#cccccc", "width": 0.6})
        svg.marker("circle", frame.x(value), y, 5, LINE_COLOR, LINE_COLOR, 0.5)
    legend_x = FONT
    for label, value, style in lines:
        if value is None:
            continue
        x = frame.x(value)
        svg.line([(x, frame.y0), (x, frame.y1)], style)
        y = frame.y1 + AXIS + LEGEND / 2
        svg.line([(legend_x, y), (legend_x + 2 * FONT, y)], style)
        text = f"{label} {format_value(value, rows.unit)}"
        svg.text(legend_x + 2.4 * FONT, y, text)
        legend_x += 2.4 * FONT + CHAR * len(text) + FONT
    svg.axes_lines(frame)
    _axis(svg, frame)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.document()).decode("ascii")
    return DotChart(uri, _alt(rows, order, measure), rows.label)


def _unshown(measure: Measure, authority) -> str:
    """Why an authority has no dot: its figure is suppressed (a small count), or it has none."""
    disclosed = measure.frame.loc[measure.frame["area"] == authority.area, "value"]
    return "suppressed" if (disclosed == SUPPRESSED).any() else "no figure"


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "\u2026"


def _axis(svg: Svg, frame: Frame) -> None:
    """Few ticks, so that a third of a page's width never crowds their labels."""
    ticks, decimals = nice_ticks(*frame.x_range, AXIS_TICKS)
    for value in ticks:
        x = frame.x(value)
        svg.line([(x, frame.y1), (x, frame.y1 + TICK)], {"color": AXIS_COLOR, "width": 0.8})
        svg.text(x, frame.y1 + TICK + FONT, f"{value:,.{decimals}f}", anchor="middle")


def _lines(rows) -> list:
    out = [("Region", rows.region, MEAN_STYLE)]
    if rows.england is not None:
        out.append(("England", rows.england, ENGLAND_STYLE))
    return out


def _alt(rows, order, measure: Measure) -> str:
    shown = ", ".join(
        f"{a.name} {format_value(a.value, rows.unit) if measure.ranks.get(a.area) else _unshown(measure, a)}"
        for a in order
    )
    ends = "; ".join(
        f"{label} {format_value(area.value, rows.unit) or 'not available'}" for label, area, _ in _lines(rows)
    )
    return f"Dot chart of {rows.label}, authorities best first: {shown}. {ends}."
