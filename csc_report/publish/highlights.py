"""Readings under charts, generated from the figures by fixed rules (Highlights: publish/signals.py).

The seed report's author wrote "the number reduced to 214 in June ... the lowest rate since January 2012".
These rules write such sentences from the figures alone, so the report never claims what the data do not
show: a direction needs last period's figure, "lowest since" needs that period in the available trend.

Rules:
- direction: the change from last period is "steady" when within a tolerance of max(absolute, relative x
  last period) for the unit (STEADY_TOLERANCE), "slight" when within twice that, else an increase/decrease;
- target: distance from target, in percentage points for percentages, else as a % of the target;
- extremes: when the figure moved below (above) last period's, the latest earlier period at or below
  (above) it, if at least two periods in between were higher (lower): "the lowest since January 2012";
  if no earlier period was as low: "the lowest of the last 13 months".
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from csc_report.publish.formatting import format_value
from csc_report.units import DEFAULT_STEADY, UNITS

# unit -> (absolute, relative) tolerance for "steady"
STEADY_TOLERANCE = {name: unit.steady for name, unit in UNITS.items()}
SLIGHT_FACTOR = 2.0
MIN_HISTORY = 3  # earlier periods needed before calling a figure the lowest or highest of anything


VERBS = {
    "steady": "remained steady at",
    "slight increase": "rose slightly to",
    "increase": "rose to",
    "slight decrease": "fell slightly to",
    "decrease": "fell to",
}


@dataclass(frozen=True)
class Figure:
    """One indicator as the rules see it: this period, last period, and the periods before (oldest first)."""

    label: str
    unit: str
    value: float | None
    previous: float | None = None
    history: tuple[tuple[str, float | None], ...] = ()  # (period label, value), excluding this period
    target: float | None = None


def direction(current: float | None, previous: float | None, unit: str) -> str | None:
    """`steady`, `slight increase`, `increase`, `slight decrease` or `decrease`; None without both figures."""
    if current is None or previous is None:
        return None
    absolute, relative = STEADY_TOLERANCE.get(unit, DEFAULT_STEADY)
    tolerance = max(absolute, relative * abs(previous))
    delta = current - previous
    if abs(delta) <= tolerance:
        return "steady"
    word = "increase" if delta > 0 else "decrease"
    return f"slight {word}" if abs(delta) <= SLIGHT_FACTOR * tolerance else word


def extreme_since(
    current: float | None, history: tuple[tuple[str, float | None], ...], period: str = "month"
) -> str | None:
    """`the lowest since January 2012`, `the highest of the last 13 months`, or None (see module rules)."""
    points = [(label, value) for label, value in history if value is not None]
    if current is None or len(points) < MIN_HISTORY:
        return None
    last = points[-1][1]
    if current == last:
        return None
    word, reached = ("lowest", operator.le) if current < last else ("highest", operator.ge)
    for back, (label, value) in enumerate(reversed(points)):
        if reached(value, current):
            return f"the {word} since {label}" if back >= 2 else None
    count = len(points) + 1
    if len(points) == len(history):
        return f"the {word} of the last {count} {period}s"
    return f"the {word} of the {count} {period}s with figures"


def target_gap(current: float | None, target: float | None, unit: str) -> str | None:
    """`3.0% above the target of 600.0`, `2.5 points below the target of 60.0%`, `on target (60.0%)`."""
    if current is None or target is None or (unit != "pct" and target == 0):
        return None
    if unit == "pct":
        gap = current - target
        amount = f"{abs(gap):.1f} points"
    else:
        gap = (current - target) / abs(target) * 100
        amount = f"{abs(gap):.1f}%"
    if round(gap, 1) == 0:
        return f"on target ({format_value(target, unit)})"
    return f"{amount} {'above' if gap > 0 else 'below'} the target of {format_value(target, unit)}"


def reading(
    figure: Figure, period: str = "month", previous_phrase: str = "last month", moved: bool = True
) -> str:
    """One sentence on a figure: its direction, distance from target and any extreme it reached.

    moved=False says the figure and last period's without a verb of movement: beside a special-cause
    signal, "remained steady" would contradict it.
    """
    if figure.value is None:
        return f"{figure.label}: no figure for this {period}."
    value = format_value(figure.value, figure.unit)
    change = direction(figure.value, figure.previous, figure.unit)
    if change is None:
        opening = f"{figure.label} was {value}"
    elif not moved:
        opening = (
            f"{figure.label} was {value} ({format_value(figure.previous, figure.unit)} {previous_phrase})"
        )
    else:
        opening = (
            f"{figure.label} {VERBS[change]} {value} "
            f"({format_value(figure.previous, figure.unit)} {previous_phrase})"
        )
    clauses = [
        opening,
        target_gap(figure.value, figure.target, figure.unit),
        extreme_since(figure.value, figure.history, period),
    ]
    return "; ".join(clause for clause in clauses if clause) + "."


def spread_reading(what: str, items: list[tuple[str, float | None]], overall: float | None, unit: str) -> str:
    """`Average caseload ranged from 14.2 (Team A) to 22.5 (Team B) across 4 teams; 18.1 overall.`

    Items without a figure (suppressed) are counted, never guessed at.
    """
    shown = [(name, value) for name, value in items if value is not None]
    hidden = len(items) - len(shown)
    if not shown:
        sentence = f"{what.capitalize()}: no team figures to show"
    elif len(shown) == 1:
        sentence = f"{what.capitalize()} was {format_value(shown[0][1], unit)} ({shown[0][0]})"
    else:
        low = min(shown, key=lambda item: item[1])
        high = max(shown, key=lambda item: item[1])
        sentence = (
            f"{what.capitalize()} ranged from {format_value(low[1], unit)} ({low[0]}) "
            f"to {format_value(high[1], unit)} ({high[0]}) across {len(shown)} teams"
        )
    if overall is not None:
        sentence += f"; {format_value(overall, unit)} overall"
    if hidden:
        sentence += f"; {hidden} team{'s' if hidden > 1 else ''} not shown (suppressed)"
    return sentence + "."
