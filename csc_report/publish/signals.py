"""What the report says about SPC: which figures get it, the Highlights, chart readings and icons.

The NHS "Making Data Count" programme teaches boards not to read month-on-month movements, most of which
are common-cause variation; a highlight that is noise teaches a committee to ignore them all. So (contract
section 4.1, docs/spc.md):
- SPC applies only to series of non-overlapping periods: monthly counts and percentages and month-end
  stocks. A rolling 12-month figure shares 11 of its 12 months with its neighbour, so runs and trends in it
  are certain, not signals: it gets no limits and no rules (`rolling`); its chart's SPC panel is its
  monthly counterpart's (layout.FAMILIES).
- A point whose figure the history covers only partly (its note says "... is partial", `partial`) is
  drawn but left out of the limits and the rules, and has no RAG or change.
- A known change in the service (csc_report.phases) starts a new phase: the latest month is judged
  against its own phase's limits, and the words say so ("since the change in April 2013").
- A Highlight is a special-cause signal that includes the latest month, on a figure with an SPC chart,
  one per figure family, strongest first, at most MAX_HIGHLIGHTS. Benchmarks are quoted in one as
  context, never make one.
Each line says what was seen, in words a committee reads aloud: "7 months in a row above the average of
the last 24 months (25.1%)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from csc_report import spc
from csc_report.publish.formatting import format_value
from csc_report.publish.tables import month_series

MAX_MONTHS, MIN_MONTHS = 24, 13
MAX_HIGHLIGHTS = 6
NO_HIGHLIGHTS = "No figure shows special-cause variation this month"
PARTIAL = "partial history"
ROLLING_NOTE = (
    "a rolling 12-month figure: each month shares 11 of its 12 months with the one before, so it gets "
    "no limits or rules"
)
# the coverage note of contract 1.2 (sql/indicators/_macros.sql coverage_note)
_PARTIAL_NOTE = re.compile(r"history runs from .* is partial")
# spc's assurance as a verb phrase about the process
ASSURANCE_NOW = {
    spc.MEET: "will reliably meet",
    spc.MISS: "will reliably miss",
    spc.EITHER: "is capable of either meeting or missing",
}


def partial(note) -> bool:
    """Whether a figure's note says the history covers its period only partly (contract 1.2)."""
    return isinstance(note, str) and bool(_PARTIAL_NOTE.search(note))


def missing_reading(label: str, note) -> str:
    """A figure without a value says why, from the first clause of its note: `Re-referrals within 12
    months (%): not available (no referrals in the month: percentage empty).`"""
    reason = str(note).split("; ", 1)[0].removeprefix("not available: ") if isinstance(note, str) else ""
    return f"{label}: not available ({reason})." if reason.strip() else f"{label}: not available this month."


def partial_reading(label: str, value: str) -> str:
    """A figure the history covers only partly is its value over what is held, no more: `Referrals,
    rolling 12 months: partial history, 2,690 over the months held.`"""
    return f"{label}: {PARTIAL}, {value} over the months held."


def rolling(row: dict) -> bool:
    """Whether a figure covers overlapping periods: its period is a range of months (`2012-07 to
    2013-06`, as stored_indicators gives the r12 figures); a row without a period falls back to the
    contract's `_r12` naming."""
    period = str(row.get("period") or "")
    return " to " in period if period else "_r12" in str(row.get("indicator_id", ""))


def window(frame: pd.DataFrame | None, month: pd.Period) -> list[tuple[pd.Period, float | None]]:
    """The trend series: the last 24 months where history allows, from its first figure; 13 at least."""
    points = month_series(frame, month, n=MAX_MONTHS)
    first = next((i for i, (_, v) in enumerate(points) if v is not None), len(points))
    return points[min(first, MAX_MONTHS - MIN_MONTHS) :]


def partial_months(frame: pd.DataFrame | None) -> set[pd.Period]:
    """The months of a trend frame whose figure carries a partial-history note."""
    if frame is None or "note" not in frame.columns:
        return set()
    return {
        pd.Period(str(m), "M") for m, note in zip(frame["month"], frame["note"], strict=True) if partial(note)
    }


def bounds(unit: str) -> tuple[float | None, float | None]:
    """What the unit allows: nothing below 0, no percentage above 100."""
    return (0.0, 100.0) if unit == "pct" else (0.0, None)


def chart(
    values: list[float | None],
    unit: str,
    direction: str | None,
    excluded: set[int] = frozenset(),
    changes: list[tuple[int, str, str]] = (),
) -> spc.XmR:
    """The XmR chart of a monthly figure, in phases at the known changes (spc.phased)."""
    return spc.phased(values, changes, direction=direction, bounds=bounds(unit), excluded=excluded)


def no_limits(values: list[float | None], excluded: set[int] = frozenset()) -> spc.XmR:
    """The chart of a rolling figure: its values, no limits, no rules."""
    return spc.XmR(tuple(values), note=ROLLING_NOTE, excluded=frozenset(excluded))


@dataclass(frozen=True)
class Signals:
    """One indicator's SPC for the month."""

    label: str
    unit: str
    chart: spc.XmR
    target: float | None
    direction: str | None
    context: str | None = None  # a benchmark quoted in a highlight: `England 2012-13: 24.7%`

    @property
    def months(self) -> int:
        """The months the latest month is judged against: the series, or its latest phase."""
        phase = self.chart.latest_phase
        return len(self.chart.values) - (phase.start if phase else 0)

    @property
    def span(self) -> str:
        """What the limits cover, in words: `of the last 24 months`, `since the change in April 2013`."""
        phase = self.chart.latest_phase
        return f"since {phase.since}" if phase and phase.since else f"of the last {self.months} months"

    def latest(self) -> spc.Signal | None:
        """The signal this month's point is marked with (spc.PRECEDENCE), None for common cause."""
        return self.chart.marker(len(self.chart.values) - 1)

    def assurance(self) -> str | None:
        return spc.assurance(self.chart, self.target, self.direction)

    def strength(self) -> tuple[int, float]:
        """Sort key, strongest first: the rule's precedence, then how far this month is from the mean in
        moving-range units."""
        signal, last = self.latest(), self.chart.values[-1]
        distance = abs(last - self.chart.mean) / self.chart.mr_bar if self.chart.mr_bar else 0.0
        return (spc.PRECEDENCE.index(signal.rule) if signal else len(spc.PRECEDENCE), -distance)


def describe(signal: spc.Signal, s: Signals) -> str:
    """What the rule saw, in words: `7 months in a row above the average of the last 24 months (25.1%)`."""
    c, unit, span = s.chart, s.unit, s.span
    last = c.values[-1]
    fmt = lambda v: format_value(v, unit)  # noqa: E731
    high = signal.side == "high"
    if signal.rule == "outside_limits":
        limit = c.upper if high else c.lower
        text = f"{fmt(last)}, {'above the upper' if high else 'below the lower'} limit ({fmt(limit)}) {span}"
    elif signal.rule == "shift":
        text = (
            f"{len(signal.points)} months in a row {'above' if high else 'below'} the average {span} "
            f"({fmt(c.mean)})"
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
        phase = c.latest_phase
        since = f" since {phase.since}" if phase and phase.since else ""
        return f"No process limits{since}: {c.note}."
    fmt = lambda v: format_value(v, s.unit)  # noqa: E731
    found = s.latest()
    if found:
        sentence = f"Special cause: {describe(found, s)}."
    else:
        sentence = (
            f"Common-cause variation: within the limits {s.span} "
            f"({fmt(c.lower)} to {fmt(c.upper)}, average {fmt(c.mean)})."
        )
    if c.excluded:
        months = f"{len(c.excluded)} month{'s' if len(c.excluded) > 1 else ''}"
        sentence += f" {months} with partial history left out."
    assurance = s.assurance()
    if assurance:
        sentence += f" The process {ASSURANCE_NOW[assurance]} the target of {fmt(s.target)}."
    return sentence


def highlight(s: Signals) -> str | None:
    """`Label: what the rule saw` for a figure whose latest month is special cause, else None."""
    found = s.latest()
    if found is None:
        return None
    line = f"{s.label}: {describe(found, s)}"
    return line + (f" ({s.context})" if s.context else "")


def highlights(candidates: list[list[Signals]]) -> list[str]:
    """One line per figure family (each a list of its charted figures), strongest first, at most
    MAX_HIGHLIGHTS; a family's line is its strongest figure's."""
    best = []
    for family in candidates:
        found = sorted((s for s in family if s.latest() is not None), key=Signals.strength)
        if found:
            best.append(found[0])
    return [highlight(s) for s in sorted(best, key=Signals.strength)[:MAX_HIGHLIGHTS]]


# --- Making Data Count icons -----------------------------------------------------------------------


@dataclass(frozen=True)
class Icon:
    """One Making Data Count icon: `kind` picks its drawing (templates), `text` is its alt text."""

    kind: str  # common, improvement-high, concern-low, neutral-high, ...; meet, miss, either
    text: str


def variation_icon(s: Signals) -> Icon | None:
    """Common cause, or special cause improvement / concern / neutral, high or low, at this month."""
    if not s.chart.has_limits or s.chart.values[-1] is None or len(s.chart.values) - 1 in s.chart.excluded:
        return None
    found = s.latest()
    if found is None:
        return Icon("common", "Common-cause variation")
    word = "higher" if found.side == "high" else "lower"
    return Icon(f"{found.kind}-{found.side}", f"Special-cause {found.kind}: {word} than expected")


ICON_LEGEND = (
    Icon("common", "Common-cause variation"),
    Icon("improvement-high", "Special-cause improvement"),
    Icon("concern-high", "Special-cause concern"),
    Icon("neutral-high", "Special-cause variation, neither better nor worse"),
    Icon("meet", "Will reliably meet the target"),
    Icon("miss", "Will reliably miss the target"),
    Icon("either", "Capable of either meeting or missing the target"),
)


def assurance_icon(s: Signals) -> Icon | None:
    assurance = s.assurance()
    if assurance is None:
        return None
    kind = {spc.MEET: "meet", spc.MISS: "miss", spc.EITHER: "either"}[assurance]
    return next(icon for icon in ICON_LEGEND if icon.kind == kind)
