"""What the report says about SPC signals, assurance and benchmarks: the Highlights and chart readings.

The NHS "Making Data Count" programme teaches boards not to read month-on-month movements, most of which
are common-cause variation. So a figure makes a Highlight only when
- its latest month is part of a special-cause signal (csc_report.spc), or
- its assurance against the target changed since last month, or
- it moved to the other side of a published benchmark (England, region, statistical neighbours).
Each line says what was seen, in words a committee reads aloud: "7 months in a row above the average of
the last 24 months (25.1%)". Everything else in a section is one line: "common-cause variation".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from csc_report import spc
from csc_report.benchmarks.measures import BY_ID
from csc_report.publish.formatting import as_number, format_value
from csc_report.publish.tables import month_series

MAX_MONTHS, MIN_MONTHS = 24, 13
# The rules in the order a reader should hear about them: a point beyond the limits first.
RULE_ORDER = ("outside_limits", "two_of_three", "shift", "trend")
# spc's assurance as a verb phrase about the process: now, and as it stood last month
ASSURANCE_NOW = {
    spc.MEET: "will reliably meet",
    spc.MISS: "will reliably miss",
    spc.EITHER: "is capable of either meeting or missing",
}
ASSURANCE_BEFORE = {
    spc.MEET: "would reliably meet",
    spc.MISS: "would reliably miss",
    spc.EITHER: "was capable of either meeting or missing",
}
BENCHMARK_NAMES = {
    "england": "the England figure",
    "statistical_neighbours": "the statistical neighbours' average",
}


def window(frame: pd.DataFrame | None, month: pd.Period) -> list[tuple[pd.Period, float | None]]:
    """The trend series: the last 24 months where history allows, from its first figure; 13 at least."""
    points = month_series(frame, month, n=MAX_MONTHS)
    first = next((i for i, (_, v) in enumerate(points) if v is not None), len(points))
    return points[min(first, MAX_MONTHS - MIN_MONTHS) :]


def bounds(unit: str) -> tuple[float | None, float | None]:
    """What the unit allows: nothing below 0, no percentage above 100."""
    return (0.0, 100.0) if unit == "pct" else (0.0, None)


def chart(values: list[float | None], unit: str, direction: str | None) -> spc.XmR:
    return spc.xmr(values, direction=direction, bounds=bounds(unit))


@dataclass(frozen=True)
class Signals:
    """One indicator's SPC for the month: its chart now and as it stood last month."""

    label: str
    unit: str
    chart: spc.XmR
    previous_chart: spc.XmR  # the series without this month: for "assurance changed"
    target: float | None
    direction: str | None

    @property
    def months(self) -> int:
        return len(self.chart.values)

    def latest(self) -> list[spc.Signal]:
        """Signals that include this month's point, most telling first."""
        index = len(self.chart.values) - 1
        return sorted(self.chart.signals_at(index), key=lambda s: RULE_ORDER.index(s.rule))

    def assurance(self) -> str | None:
        return spc.assurance(self.chart, self.target, self.direction)

    def assurance_change(self) -> tuple[str, str] | None:
        now = self.assurance()
        before = spc.assurance(self.previous_chart, self.target, self.direction)
        return (before, now) if now and before and now != before else None


def describe(signal: spc.Signal, s: Signals) -> str:
    """What the rule saw, in words: `7 months in a row above the average of the last 24 months (25.1%)`."""
    c, unit, n = s.chart, s.unit, s.months
    last = c.values[-1]
    fmt = lambda v: format_value(v, unit)  # noqa: E731
    high = signal.side == "high"
    if signal.rule == "outside_limits":
        limit = c.upper if high else c.lower
        text = (
            f"{fmt(last)}, {'above the upper' if high else 'below the lower'} limit ({fmt(limit)}) "
            f"of the last {n} months"
        )
    elif signal.rule == "shift":
        text = (
            f"{len(signal.points)} months in a row {'above' if high else 'below'} the average of the "
            f"last {n} months ({fmt(c.mean)})"
        )
    elif signal.rule == "trend":
        text = f"{len(signal.points)} months in a row {'rising' if high else 'falling'}, to {fmt(last)}"
    else:
        limit = c.upper if high else c.lower
        text = (
            f"{len(signal.points)} of the last 3 months near the {'upper' if high else 'lower'} limit "
            f"({fmt(limit)}), more than two-thirds of the way from the average ({fmt(c.mean)})"
        )
    return text + {"improvement": ": an improvement", "concern": ": a concern"}.get(signal.kind, "")


def spc_sentence(s: Signals) -> str:
    """The SPC clause of a chart's reading: the signal seen, else common cause; and the assurance."""
    c = s.chart
    if not c.has_limits:
        return f"No process limits yet: {c.note}."
    fmt = lambda v: format_value(v, s.unit)  # noqa: E731
    found = s.latest()
    if found:
        sentence = f"Special cause: {describe(found[0], s)}."
    else:
        sentence = (
            f"Common-cause variation: within the limits of the last {s.months} months "
            f"({fmt(c.lower)} to {fmt(c.upper)}, average {fmt(c.mean)})."
        )
    assurance = s.assurance()
    if assurance:
        sentence += f" The process {ASSURANCE_NOW[assurance]} the target of {fmt(s.target)}."
    return sentence


def benchmark_crossings(
    indicator_id: str, unit: str, value: float | None, previous: float | None, benchmarks: pd.DataFrame
) -> list[str]:
    """`above England's 2012-13 figure (24.7%)` for each benchmark the figure moved across since last
    month. Only where the published figure is in the indicator's own unit (not a count against a share)."""
    measure = BY_ID.get(indicator_id)
    if measure is None or measure.unit != unit or value is None or previous is None or benchmarks.empty:
        return []
    rows = benchmarks[(benchmarks["indicator_id"] == indicator_id) & (benchmarks["area_type"] != "la")]
    found = []
    for row in rows.itertuples(index=False):
        level = as_number(row.value)
        if level is None or (value > level) == (previous > level) or value == level:
            continue
        name = BENCHMARK_NAMES.get(row.area_type) or f"the {row.area} figure"
        side = "above" if value > level else "below"
        found.append(f"{side} {name} for {row.year} ({format_value(level, unit)})")
    return found


def highlight(s: Signals, crossings: list[str], previous: float | None) -> str | None:
    """One line for an indicator with something to say, else None (common cause, nothing crossed)."""
    parts = []
    found = s.latest()
    if found:
        parts.append(describe(found[0], s))
    change = s.assurance_change()
    if change:
        before, now = change
        parts.append(
            f"assurance changed: the process {ASSURANCE_NOW[now]} the target of "
            f"{format_value(s.target, s.unit)} (last month it {ASSURANCE_BEFORE[before]} it)"
        )
    if crossings:
        last = s.chart.values[-1]
        moved = " and ".join(crossings)
        parts.append(f"moved {moved}: {format_value(last, s.unit)}, from {format_value(previous, s.unit)}")
    return f"{s.label}: {'; '.join(parts)}" if parts else None
