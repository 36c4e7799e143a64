"""Month arithmetic, in one place: `YYYY-MM` arguments and the dates of contract section 2 (the first
and last day of a month, the start of the rolling 12 months). Light enough for the CLI to check input
before Prefect starts. (generate/dates.py keeps its own vectorised numpy versions for the simulator.)
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from csc_report.errors import UsageError

FIRST_MONTH = "2000-01"  # no extract in any layout the product reads is older
MONTH_FORMAT = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def parse_month(text: str, argument: str = "month", today: date | None = None) -> str:
    """Validate a YYYY-MM month argument, returning it unchanged.

    Exactly four digits, a dash and two (strptime alone would take `2013-6`, which names no inbox
    folder), from FIRST_MONTH to next month (a month not yet begun can have no extract; next month is
    allowed for a clock or a timezone a day ahead). `argument` names it in the error, such as `--from`.
    """
    latest = shift(f"{today or date.today():%Y-%m}", 1)
    if not isinstance(text, str) or not MONTH_FORMAT.fullmatch(text) or not FIRST_MONTH <= text <= latest:
        raise UsageError(f"{argument}: expected a month YYYY-MM from {FIRST_MONTH} to {latest}, got {text!r}")
    return text


def month_range(first: str, last: str) -> list[str]:
    """The months of a `--from`/`--to` pair, both parsed: a range that runs backwards is a mistake in
    the command (it would otherwise do nothing, successfully)."""
    months = months_between(parse_month(first, "--from"), parse_month(last, "--to"))
    if not months:
        raise UsageError(f"--from {first} is after --to {last}; expected --from no later than --to")
    return months


def month_start(month: str | date) -> date:
    """'YYYY-MM' (or any date in the month) -> the first day of that month, the snapshot_month key."""
    if isinstance(month, date):
        return month.replace(day=1)
    try:
        return datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"month must be YYYY-MM, got {month!r}") from None


def month_end(month: str | date) -> date:
    """The last day of the month (p_end = asat of contract section 2)."""
    start = month_start(month)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def r12_start(month: str | date) -> date:
    """First day of the 12 calendar months ending with the month (contract 2: r12)."""
    start = month_start(month)
    return month_start(shift(f"{start:%Y-%m}", -11))


def shift(month: str, months: int) -> str:
    year, mon = map(int, month.split("-"))
    index = year * 12 + mon - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def previous_month(today: date | None = None) -> str:
    """The month a scheduled run early in a month reports on: the one before."""
    today = today or date.today()
    return shift(f"{today.year:04d}-{today.month:02d}", -1)


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` inclusive, in order (empty when last is before first)."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = shift(month, 1)
    return months
