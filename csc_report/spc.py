"""Statistical process control: XmR charts as the NHS "Making Data Count" programme uses them (issue 12).

A committee should act on a monthly figure only when it shows special-cause variation; a move inside
the natural limits of the process is noise. Plain Python, no Prefect and no warehouse, so that every rule
can be checked by hand in tests/test_spc.py.

Arithmetic, as NHSRplotthedots computes it by default (docs/spc.md works an example by hand), over the
points of the series (months with a figure that is not excluded):
- mean of the points; moving range = |x(t) - x(t-1)| between points in consecutive months (a month
  without a figure, or an excluded one, leaves no moving range across it);
- screening: moving ranges above SCREEN_FACTOR (3.267) x their mean are left out and the mean moving
  range recomputed over the rest (once), so one jump does not widen the limits;
- limits = mean +/- 2.66 x the screened mean moving range;
- excluded points (a figure the history covers only partly: publish/signals.py) are kept in `values` for
  drawing but take no part in the mean, the moving ranges, the limits or the rules, and break runs;
- fewer than MIN_POINTS points: no limits, no rules, a note;
- limits shown are clipped to what the unit allows (0 for every unit, 100 for a percentage): a lower limit
  of -3 referrals would mean nothing. The rules use the unclipped limits; no figure can lie beyond a bound,
  so clipping never changes a signal.

Rules (each flags the points it covers; a run is broken by a month without a figure):
- `outside_limits`: a point strictly above the upper or below the lower limit (a point exactly on a
  limit is not outside it);
- `shift`: RUN or more consecutive points strictly on one side of the mean (a point on the mean breaks
  the run);
- `trend`: RUN or more consecutive points each strictly higher (or lower) than the one before (an equal
  pair breaks it);
- `two_of_three`: 2 or 3 of 3 consecutive points strictly beyond two thirds of the distance from the mean
  to a limit, on the same side (points beyond the limit count); flags the points beyond.

Phases (a known change in the service, csc_report.phases; `phased`): the series is split at each change
and each phase gets the arithmetic and rules above over its own points alone, so a phase of fewer than
MIN_POINTS points has no limits. The chart's own mean, limits and note are its latest phase's, which
judges the latest month; its signals are every phase's.

Each signal is on the `high` or `low` side; with the indicator's direction (targets.yaml: which way is
better) it is an `improvement` or a `concern`, else `neutral`. A point covered by several signals carries
one marker, the first by PRECEDENCE (outside limits, 2 of 3, shift, trend). Assurance compares the
target with the limits: all the process's likely values meet it, none do, or it is capable of either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_POINTS = 12
LIMIT_FACTOR = 2.66
SCREEN_FACTOR = 3.267  # moving ranges above this x their mean are screened out (NHSRplotthedots' default)
RUN = 7
NEAR_FRACTION = 2 / 3
RULES = ("outside_limits", "shift", "trend", "two_of_three")
PRECEDENCE = ("outside_limits", "two_of_three", "shift", "trend")  # which marker a point carries
MEET, MISS, EITHER = "will reliably meet", "will reliably miss", "capable of either"
_EPS = 1e-9  # floating-point noise: a point this close to the mean or a limit is on it


@dataclass(frozen=True)
class Signal:
    rule: str  # one of RULES
    side: str  # "high" (above, rising) or "low"
    points: tuple[int, ...]  # indices into the series
    kind: str  # "improvement", "concern" or "neutral"


@dataclass(frozen=True)
class Phase:
    """One phase of a phased chart: points start..stop-1, its limits (None without), why none, and the
    change that started it (`the change in April 2013`; empty for the first)."""

    start: int
    stop: int
    mean: float | None
    lower: float | None
    upper: float | None
    note: str | None = None
    since: str = ""
    text: str = ""  # the change's sentence


@dataclass(frozen=True)
class XmR:
    values: tuple[float | None, ...]
    mean: float | None = None
    mr_bar: float | None = None
    lower: float | None = None  # shown limits (clipped to the unit's bounds)
    upper: float | None = None
    signals: tuple[Signal, ...] = ()
    note: str | None = None  # why there are no limits
    points: int = 0
    excluded: frozenset[int] = frozenset()  # indices drawn but not used (partial figures)
    phases: tuple[Phase, ...] = ()  # every phase, oldest first, when a change splits the series

    @property
    def has_limits(self) -> bool:
        return self.mean is not None

    @property
    def latest_phase(self) -> Phase | None:
        return self.phases[-1] if self.phases else None

    def phase_of(self, index: int) -> int:
        """1 for the first phase (and an unphased chart), 2 after the first change, ..."""
        return 1 + sum(p.start <= index for p in self.phases[1:])

    def levels(self, index: int) -> tuple[float | None, float | None, float | None]:
        """(mean, lower, upper) the point at `index` is judged against: its phase's."""
        if not self.phases:
            return self.mean, self.lower, self.upper
        phase = self.phases[self.phase_of(index) - 1]
        return phase.mean, phase.lower, phase.upper

    def signals_at(self, index: int) -> list[Signal]:
        return [s for s in self.signals if index in s.points]

    def marker(self, index: int) -> Signal | None:
        """The one signal a point is marked with: the first by PRECEDENCE; None for common cause."""
        found = sorted(self.signals_at(index), key=lambda s: PRECEDENCE.index(s.rule))
        return found[0] if found else None

    def special_cause(self, index: int) -> str:
        """`` for common cause, else the point's marker as `shift: concern` (rule: kind)."""
        signal = self.marker(index)
        return f"{signal.rule}: {signal.kind}" if signal else ""


def classify(side: str, direction: str | None) -> str:
    """`improvement`/`concern` from the side and which way is better; `neutral` without a direction."""
    if direction not in ("higher", "lower"):
        return "neutral"
    return "improvement" if (side == "high") == (direction == "higher") else "concern"


def screened_mean(moving: Sequence[float]) -> float:
    """The mean moving range after leaving out those above SCREEN_FACTOR x the mean of all of them."""
    first = sum(moving) / len(moving)
    kept = [m for m in moving if m <= SCREEN_FACTOR * first + _EPS]
    return sum(kept) / len(kept)


def xmr(
    values: Sequence[float | None],
    direction: str | None = None,
    bounds: tuple[float | None, float | None] = (None, None),
    excluded: frozenset[int] | set[int] = frozenset(),
) -> XmR:
    """XmR limits and signals of a monthly series (oldest first, None for a month without a figure);
    `excluded`: indices of points drawn but left out of everything else (partial figures)."""
    values = tuple(None if v is None else float(v) for v in values)
    excluded = frozenset(i for i in excluded if values[i] is not None)
    used = tuple(None if i in excluded else v for i, v in enumerate(values))
    present = [v for v in used if v is not None]
    pairs = zip(used[:-1], used[1:], strict=True)
    moving = [abs(b - a) for a, b in pairs if a is not None and b is not None]
    if len(present) < MIN_POINTS:
        partial = f" ({len(excluded)} with a partial figure left out)" if excluded else ""
        months = f"{len(present)} month{'' if len(present) == 1 else 's'}"
        note = f"{months} with a figure{partial}: limits need at least {MIN_POINTS}"
        return XmR(values, note=note, points=len(present), excluded=excluded)
    if not moving:
        note = "no two consecutive months with figures: no moving range"
        return XmR(values, note=note, points=len(present), excluded=excluded)
    mean = sum(present) / len(present)
    mr_bar = screened_mean(moving)
    upper, lower = mean + LIMIT_FACTOR * mr_bar, mean - LIMIT_FACTOR * mr_bar
    found = dict.fromkeys(  # overlapping 2-of-3 windows can see the same points twice
        [
            *_outside(used, lower, upper),
            *_shifts(used, mean),
            *_trends(used),
            *_two_of_three(used, mean, lower, upper),
        ]
    )
    low_bound, high_bound = bounds
    return XmR(
        values,
        mean=mean,
        mr_bar=mr_bar,
        lower=lower if low_bound is None else max(lower, low_bound),
        upper=upper if high_bound is None else min(upper, high_bound),
        signals=tuple(Signal(rule, side, points, classify(side, direction)) for rule, side, points in found),
        points=len(present),
        excluded=excluded,
    )


def phased(
    values: Sequence[float | None],
    changes: Sequence[tuple[int, str, str]],
    direction: str | None = None,
    bounds: tuple[float | None, float | None] = (None, None),
    excluded: frozenset[int] | set[int] = frozenset(),
) -> XmR:
    """`xmr` over each phase on its own: `changes` are (first index of the new phase, `the change in
    April 2013`, the change's sentence), indices ascending inside the series. Without changes, `xmr`."""
    if not changes:
        return xmr(values, direction, bounds, excluded)
    values = tuple(None if v is None else float(v) for v in values)
    edges = [(0, "", ""), *changes]
    stops = [start for start, _, _ in changes] + [len(values)]
    charts, found = [], []
    for (start, since, text), stop in zip(edges, stops, strict=True):
        part = xmr(values[start:stop], direction, bounds, {i - start for i in excluded if start <= i < stop})
        charts.append(Phase(start, stop, part.mean, part.lower, part.upper, part.note, since, text))
        found += [Signal(x.rule, x.side, tuple(i + start for i in x.points), x.kind) for x in part.signals]
    last = part
    return XmR(
        values,
        mean=last.mean,
        mr_bar=last.mr_bar,
        lower=last.lower,
        upper=last.upper,
        signals=tuple(found),
        note=last.note,
        points=last.points,
        excluded=frozenset(i for i in excluded if values[i] is not None),
        phases=tuple(charts),
    )


def assurance(chart: XmR, target: float | None, direction: str | None) -> str | None:
    """Whether the process will reliably meet the target, reliably miss it, or is capable of either.

    A target exactly on a limit counts as met from that side (a figure equal to the target meets it,
    as in the RAG rule). None without limits, a target or a direction.
    """
    if not chart.has_limits or target is None or direction not in ("higher", "lower"):
        return None
    if direction == "higher":
        if chart.lower >= target - _EPS:
            return MEET
        return MISS if chart.upper < target - _EPS else EITHER
    if chart.upper <= target + _EPS:
        return MEET
    return MISS if chart.lower > target + _EPS else EITHER


# --- rules ---------------------------------------------------------------------------------------------


def _segments(values: tuple[float | None, ...]) -> list[list[int]]:
    """Indices of the stretches of consecutive months that have figures."""
    segments: list[list[int]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append(i)
    return [s for s in segments if s]


def _runs(indices: list[int], key) -> list[tuple[str, tuple[int, ...]]]:
    """Maximal runs of `indices` on which key(i) is the same non-None side."""
    runs, current, side = [], [], None
    for i in indices:
        k = key(i)
        if k is not None and k == side:
            current.append(i)
            continue
        if side is not None:
            runs.append((side, tuple(current)))
        side, current = k, [i]
    if side is not None:
        runs.append((side, tuple(current)))
    return runs


def _outside(values, lower, upper):
    for i, v in enumerate(values):
        if v is not None and v > upper + _EPS:
            yield "outside_limits", "high", (i,)
        elif v is not None and v < lower - _EPS:
            yield "outside_limits", "low", (i,)


def _side(value: float, centre: float) -> str | None:
    if value > centre + _EPS:
        return "high"
    if value < centre - _EPS:
        return "low"
    return None


def _shifts(values, mean):
    for segment in _segments(values):
        for side, run in _runs(segment, lambda i: _side(values[i], mean)):
            if len(run) >= RUN:
                yield "shift", side, run


def _trends(values):
    for segment in _segments(values):
        # step j is the move into segment[j]; a run of RUN points is RUN - 1 steps the same way
        steps = list(zip(segment[:-1], segment[1:], strict=True))
        sides = [_side(values[b], values[a]) for a, b in steps]
        for side, run in _runs(list(range(len(steps))), sides.__getitem__):
            if len(run) >= RUN - 1:
                yield "trend", side, (steps[run[0]][0], *(steps[j][1] for j in run))


def _two_of_three(values, mean, lower, upper):
    high_line = mean + NEAR_FRACTION * (upper - mean)
    low_line = mean - NEAR_FRACTION * (mean - lower)
    for segment in _segments(values):
        for start in range(len(segment) - 2):
            window = segment[start : start + 3]
            for side, beyond in (
                ("high", [i for i in window if values[i] > high_line + _EPS]),
                ("low", [i for i in window if values[i] < low_line - _EPS]),
            ):
                if len(beyond) >= 2:
                    yield "two_of_three", side, tuple(beyond)
