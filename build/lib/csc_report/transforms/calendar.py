"""The working-day calendar behind every "within N working days" figure (contract section 2).

Working days are Monday to Friday except bank holidays of England and Wales, taken from the maintained
`holidays` package (`country_holidays("GB", subdiv="ENG")`) rather than a hand-kept list, so one-off
holidays (4-5 June 2012, 19 September 2022, 8 May 2023) come with it. England and Wales share one
bank-holiday list: `subdiv="WLS"` gives the same dates for every year the calendar covers (checked for
2005-2035 with holidays 0.109), so the English subdivision stands for both.

A duration is the number of working days d with start < d <= end (same day = 0). With a cumulative count
`wd_cum(d)` = working days <= d since the calendar start, that is `wd_cum(end) - wd_cum(start)`: the
warehouse stores the table built here and its `wd_between` macro is that subtraction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays
import numpy as np
import pyarrow as pa


def bank_holidays(start: date, end: date) -> list[date]:
    """England and Wales bank holidays between start and end inclusive, sorted."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, end.year + 1))
    return sorted(d for d in found if start <= d <= end)


def working_day_calendar(start: date, end: date) -> pa.Table:
    """One row per day from start to end inclusive: d (date32), is_working_day (bool), wd_cum (int32)."""
    if end < start:
        raise ValueError(f"calendar end {end} is before its start {start}")
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    working = np.is_busday(days, holidays=np.array(bank_holidays(start, end), dtype="datetime64[D]"))
    return pa.table(
        {
            "d": pa.array(days, type=pa.date32()),
            "is_working_day": pa.array(working),
            "wd_cum": pa.array(np.cumsum(working, dtype=np.int32)),
        }
    )


def working_days_between(start: date, end: date) -> int:
    """Working days d with start < d <= end (same day = 0, negative when end < start).

    Computed independently of the calendar table (np.busday_count over the half-open range
    [start + 1, end + 1)), so tests can cross-check the warehouse macro against it.
    """
    lo, hi = (start, end) if start <= end else (end, start)
    count = int(
        np.busday_count(
            np.datetime64(lo + timedelta(days=1), "D"),
            np.datetime64(hi + timedelta(days=1), "D"),
            holidays=np.array(bank_holidays(lo, hi + timedelta(days=1)), dtype="datetime64[D]"),
        )
    )
    return count if start <= end else -count


def add_working_days(start: datetime, days: float) -> datetime:
    """The moment `days` working days after `start`, at the same time of day, plus any fraction as that
    part of a calendar day (0.5 = twelve hours): the grace period a late extract gets, which weekends
    and bank holidays never eat (a start on one counts from the next working day). Less than one
    working day is plain calendar time from `start`, so a short wait (a test's) is short any day."""
    whole = int(days)
    if whole == 0:  # less than a working day: that much calendar time from now, weekend or not
        return start + timedelta(days=days)
    found = np.busday_offset(
        np.datetime64(start.date(), "D"),
        whole,
        roll="forward",
        holidays=np.array(
            bank_holidays(start.date(), start.date() + timedelta(days=3 * whole + 14)), "datetime64[D]"
        ),
    )
    day = found.astype("datetime64[D]").astype(date)
    return datetime.combine(day, start.time(), tzinfo=start.tzinfo) + timedelta(days=days - whole)
