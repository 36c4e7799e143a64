"""Month arithmetic for `YYYY-MM` arguments; light enough for the CLI to check input before Prefect starts."""

from __future__ import annotations

from datetime import date, datetime

from csc_report.errors import UsageError


def parse_month(text: str) -> str:
    """Validate a YYYY-MM month argument, returning it unchanged."""
    try:
        datetime.strptime(text, "%Y-%m")
    except ValueError:
        raise UsageError(f"month must be YYYY-MM, got {text!r}") from None
    return text


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
