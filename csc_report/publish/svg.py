"""The SVG writer the report's and the region's charts draw with: a document of shapes in drawing order,
a plot's frame mapping data to pixels, markers, and a value axis at round ticks.

Charts are a few dozen lines, circles and labels, so they are written as SVG text rather than drawn by a
plotting library (publish/charts.py says why). The page geometry, type and ink colours are here, once,
so every chart prints at the same size and reads in greyscale. Text is left to the reader's fonts (no
web font: outputs work offline), so widths are estimated from character counts (`CHAR`).
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape, quoteattr

DPI = 120  # pixels per inch of the drawing's own size (the report scales it to the page)
PT = DPI / 72  # pixels per typographic point
WIDTH, HEIGHT = 840, 324  # 7 x 2.7 inches
FONT = 8 * PT
FONT_FAMILY = "DejaVu Sans, Arial, Helvetica, sans-serif"
CHAR = 0.6 * FONT  # an average character's width, for laying out labels
LINE_COLOR = "#111111"
AXIS_COLOR = "#000000"
GRID_COLOR = "#dddddd"
TEXT_COLOR = "#222222"
TICK = 3.5 * PT  # tick mark length, and the gap between a tick and its label
MOST_TICKS = 6  # value-axis ticks at most


class Svg:
    """An SVG document being written: shapes in drawing order, in pixels from the top left."""

    def __init__(self, height: float, width: float = WIDTH) -> None:
        self.height, self.width = height, width
        self.parts: list[str] = []

    def line(self, points, style: dict) -> None:
        """A polyline (or segment) in a line style (as publish/charts.py's): colour, dash (points), width."""
        stroke = style["width"] * PT
        dash = style.get("dash")
        dashes = f' stroke-dasharray="{" ".join(_n(d * stroke) for d in dash)}"' if dash else ""
        coordinates = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{style["color"]}" '
            f'stroke-width="{_n(stroke)}"{dashes} stroke-linejoin="round"/>'
        )

    def rect(self, x: float, y: float, width: float, height: float, color: str) -> None:
        self.parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(width, 0))}" height="{_n(max(height, 0))}" '
            f'fill="{color}"/>'
        )

    def marker(self, kind: str, x: float, y: float, size: float, fill: str, edge: str, edge_width: float):
        """A marker `size` points across, centred on (x, y): a point, a star, an X or a diamond."""
        r = size * PT / 2
        paint = f'fill="{fill}" stroke="{edge}" stroke-width="{_n(edge_width * PT)}"'
        if kind == "circle":
            self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {paint}/>')
            return
        corners = " ".join(f"{_n(x + dx)},{_n(y + dy)}" for dx, dy in _SHAPES[kind](r))
        self.parts.append(f'<polygon points="{corners}" {paint}/>')

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = FONT,
        anchor: str = "start",
        middle: bool = True,
        color: str = TEXT_COLOR,
    ) -> None:
        """Text at (x, y): centred on y (`middle`), else with its baseline on y."""
        shift = ' dy="0.35em"' if middle else ""
        self.parts.append(
            f'<text x="{_n(x)}" y="{_n(y)}"{shift} font-size="{_n(size)}" text-anchor="{anchor}" '
            f'fill="{color}">{escape(text)}</text>'
        )

    def axes_lines(self, frame: Frame) -> None:
        """The left and bottom spines, over everything drawn inside the frame."""
        style = {"color": AXIS_COLOR, "width": 0.8}
        self.line([(frame.x0, frame.y0), (frame.x0, frame.y1), (frame.x1, frame.y1)], style)

    def document(self) -> bytes:
        width, height = _n(self.width), _n(self.height)
        size = f'width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" {size} font-family={quoteattr(FONT_FAMILY)}>'
            f'<rect width="100%" height="100%" fill="#ffffff"/>' + "".join(self.parts) + "</svg>\n"
        ).encode("utf-8")


class Frame:
    """A plot's box on the page (pixels) and the data ranges it shows: x and y map data to pixels."""

    def __init__(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
        self.x_range = (0.0, 1.0)
        self.y_range = (0.0, 1.0)

    def x(self, value: float) -> float:
        low, high = self.x_range
        return self.x0 + (value - low) / (high - low) * (self.x1 - self.x0)

    def y(self, value: float) -> float:
        low, high = self.y_range
        return self.y1 - (value - low) / (high - low) * (self.y1 - self.y0)


def _n(value: float) -> str:
    """A coordinate to one decimal place, without a trailing .0."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _star(r: float) -> list[tuple[float, float]]:
    """Five points r from the centre, the inner corners at 0.382 r (a regular star)."""
    radii = [r, 0.381966 * r] * 5
    return [(d * math.sin(k * math.pi / 5), -d * math.cos(k * math.pi / 5)) for k, d in enumerate(radii)]


def _cross(r: float) -> list[tuple[float, float]]:
    """A filled X: a plus of arms r long and 0.4 r wide, turned 45 degrees."""
    w = 0.2 * r
    arm = [(w, w), (w, r), (-w, r)]  # one arm of the plus, anticlockwise; the others are it turned
    plus = [
        (x * cos - y * sin, x * sin + y * cos)
        for cos, sin in ((1, 0), (0, 1), (-1, 0), (0, -1))
        for x, y in arm
    ]
    c = math.sqrt(0.5)
    return [((x - y) * c, (x + y) * c) for x, y in plus]


def _diamond(r: float) -> list[tuple[float, float]]:
    return [(0, -r), (r, 0), (0, r), (-r, 0)]


_SHAPES = {"star": _star, "x": _cross, "diamond": _diamond}


def nice_ticks(low: float, high: float, most: int = MOST_TICKS) -> tuple[list[float], int]:
    """Axis ticks at a round step (1, 2 or 5 times a power of ten) inside [low, high], at most `most` of
    them, and the decimal places their labels need (none for a step of 1 or more: a count's axis never
    reads 2.5 children)."""
    span = high - low
    if span <= 0:
        return [low], 0
    magnitude = 10 ** math.floor(math.log10(span / most))
    step = next(m * magnitude for m in (1, 2, 5, 10) if span / (m * magnitude) <= most)
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    decimals = next(d for d in range(10) if abs(round(step, d) - step) < step * 1e-6)
    return [k * step for k in range(first, last + 1)], decimals


def value_axis(svg: Svg, frame: Frame, horizontal: bool) -> None:
    """The value axis's ticks and labels, with grid lines across the plot (vertical charts only)."""
    low, high = frame.x_range if horizontal else frame.y_range
    ticks, decimals = nice_ticks(min(low, high), max(low, high))
    tick = {"color": AXIS_COLOR, "width": 0.8}
    for value in ticks:
        label = f"{value:,.{decimals}f}"
        if horizontal:
            x = frame.x(value)
            svg.line([(x, frame.y1), (x, frame.y1 + TICK)], tick)
            svg.text(x, frame.y1 + TICK + FONT, label, anchor="middle")
        else:
            y = frame.y(value)
            svg.line([(frame.x0, y), (frame.x1, y)], {"color": GRID_COLOR, "width": 0.8})
            svg.line([(frame.x0 - TICK, y), (frame.x0, y)], tick)
            svg.text(frame.x0 - 2 * TICK, y, label, anchor="end")
