"""The regional comparison's dot chart: one headline measure, the authorities sorted best first, one dot
each, with the region's figure (solid) and England's published figure (dash-dot) as vertical lines.

Drawn with publish.charts' own SVG writer, styles and axis, so it prints and reads in greyscale as the
authority report's charts do; the alt text names every authority's figure in the order drawn.
"""

from __future__ import annotations

import base64

from csc_report.publish.charts import (
    CHAR,
    ENGLAND_STYLE,
    FONT,
    LINE_COLOR,
    MEAN_STYLE,
    WIDTH,
    Frame,
    Svg,
    _value_axis,
)
from csc_report.publish.formatting import as_number, format_value
from csc_report.publish.region_tables import Measure

ROW = 1.9 * FONT  # pixels per authority
TOP, BOTTOM = 2.9 * FONT, 3.2 * FONT  # room for the two lines' labels above, the value axis below


def dot_chart(measure: Measure) -> tuple[str, str]:
    """(data URI of the SVG, alt text) of the measure's authorities sorted by rank, unranked last."""
    rows = measure.rows
    order = sorted(rows.authorities, key=lambda a: measure.ranks.get(a.area) or len(rows.authorities) + 1)
    dots = [(a.name, as_number(measure.ranks.get(a.area) and a.value)) for a in order]
    lines = [(label, as_number(area.value), style) for label, area, style in _lines(rows)]
    numbers = [v for _, v in dots if v is not None] + [v for _, v, _ in lines if v is not None]
    low, high = 0.0, max(numbers, default=1.0) * 1.08 or 1.0
    if rows.unit == "pct":
        high = min(high, 100.0)
    left = 2 * FONT + CHAR * max((len(name) for name, _ in dots), default=4)
    frame = Frame(left, TOP, WIDTH - 2 * FONT, TOP + ROW * len(dots))
    frame.x_range = (low, high)
    svg = Svg(frame.y1 + BOTTOM)
    for n, (name, value) in enumerate(dots):
        y = frame.y0 + ROW * (n + 0.5)
        svg.text(left - FONT, y, name, anchor="end")
        if value is None:
            svg.text(frame.x0 + FONT, y, "no figure")
            continue
        svg.line([(frame.x0, y), (frame.x(value), y)], {"color": "#cccccc", "width": 0.6})
        svg.marker("circle", frame.x(value), y, 6, LINE_COLOR, LINE_COLOR, 0.5)
    for row, (label, value, style) in enumerate(lines):  # labels on two rows, so close lines' never overlap
        if value is not None:
            x = frame.x(value)
            svg.line([(x, frame.y0), (x, frame.y1)], style)
            svg.text(
                x,
                frame.y0 - FONT * (0.8 + 1.3 * row),
                f"{label} {format_value(value, rows.unit)}",
                anchor="middle",
            )
    svg.axes_lines(frame)
    _value_axis(svg, frame, horizontal=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.document()).decode("ascii"), _alt(
        rows, order, measure
    )


def _lines(rows) -> list:
    out = [("Region", rows.region, MEAN_STYLE)]
    if rows.england is not None:
        out.append(("England", rows.england, ENGLAND_STYLE))
    return out


def _alt(rows, order, measure: Measure) -> str:
    shown = ", ".join(
        f"{a.name} {format_value(a.value, rows.unit) if measure.ranks.get(a.area) else 'no figure'}"
        for a in order
    )
    ends = "; ".join(
        f"{label} {format_value(area.value, rows.unit) or 'not available'}" for label, area, _ in _lines(rows)
    )
    return f"Dot chart of {rows.label}, authorities best first: {shown}. {ends}."
