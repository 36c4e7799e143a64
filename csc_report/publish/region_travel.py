"""Direction of travel in the regional comparison, as DfE's LAIT shows it: whether each authority's figure
of the month moved since an earlier figure of its own, and whether that is better or worse.

The earlier figure is the same month a year before, so that a seasonal measure is read against its own
season; where no authority of the region has a figure a year before (a short series, a measure new to
the extracts), the month before. One comparison per measure, never a mix in one column: the table's
header says which. An authority without the earlier figure, or whose figure of the month is not shown
(missing, suppressed), gets nothing: no arrow is better than one from a guess.

Figures are compared as printed (the unit's decimals), as ranks are: 12.04% and 11.96% both print
12.0%, so they read "same". Better or worse follows the measure's polarity (its targets' `direction`);
a measure with none says only up or down. The arrow's shape and a word carry the reading, never colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from csc_report.publish.formatting import DECIMALS, as_number
from csc_report.units import DEFAULT_DECIMALS

YEAR, MONTH = "year", "month"  # which earlier figure a measure is compared with
SINCE = {YEAR: "on a year before", MONTH: "on the month before"}
ARROWS = {"up": "\u25b2", "down": "\u25bc", "same": "\u25ba"}  # ▲ ▼ ►


@dataclass(frozen=True)
class Travel:
    arrow: str  # ▲ up, ▼ down, ► the same as printed
    word: str  # better | worse | same, or up | down where neither way is better
    since: str  # YEAR or MONTH

    @property
    def text(self) -> str:
        return f"{self.arrow} {self.word}"

    @property
    def title(self) -> str:
        """The reading in full, for a screen reader and a hover: "up on a year before: better"."""
        moved = {ARROWS["up"]: "up", ARROWS["down"]: "down"}.get(self.arrow, "no change")
        judged = f": {self.word}" if self.word in ("better", "worse") else ""
        return f"{moved} {SINCE[self.since]}{judged}"


def basis(authorities) -> str | None:
    """YEAR where any authority has a figure a year before the month, else MONTH where any has one the
    month before, else None (nothing to compare with)."""
    if any(as_number(a.year_before) is not None for a in authorities):
        return YEAR
    if any(as_number(a.month_before) is not None for a in authorities):
        return MONTH
    return None


def travel(now, since: str | None, figure, unit: str, direction: str | None) -> Travel | None:
    """The move of `now` (the shown figure) from the authority `figure`'s earlier one on `since`."""
    earlier = None if since is None else (figure.year_before if since == YEAR else figure.month_before)
    now, earlier = as_number(now), as_number(earlier)
    if now is None or earlier is None:
        return None
    decimals = DECIMALS.get(unit, DEFAULT_DECIMALS)
    delta = round(now, decimals) - round(earlier, decimals)
    if round(delta, decimals) == 0:
        return Travel(ARROWS["same"], "same", since)
    moved = "up" if delta > 0 else "down"
    if direction not in ("lower", "higher"):
        return Travel(ARROWS[moved], moved, since)
    better = (moved == "up") == (direction == "higher")
    return Travel(ARROWS[moved], "better" if better else "worse", since)
