"""Vectorised date arithmetic on numpy ``datetime64[D]`` arrays.

The simulation works on whole arrays of dates, so month arithmetic and working days are done with numpy
rather than per-row ``datetime`` calls. Working days follow the contract: Monday to Friday excluding England
and Wales bank holidays, so timeliness generated here reads back the same through the product's calendar.
"""

from __future__ import annotations

from functools import lru_cache

import holidays
import numpy as np

DAY = np.timedelta64(1, "D")
OPEN = np.datetime64("2100-01-01")  # end date of anything still open when the simulation stops


def month_end(month: str | np.datetime64) -> np.datetime64:
    """Last day of a month given as ``YYYY-MM`` or ``datetime64[M]``."""
    return (np.datetime64(month, "M") + 1).astype("datetime64[D]") - DAY


def add_months(d: np.ndarray | np.datetime64, k: int | np.ndarray) -> np.ndarray:
    """Calendar-month shift that clips to the month's last day (31 Mar - 1 month = 28/29 Feb)."""
    d = np.asarray(d, dtype="datetime64[D]")
    m = d.astype("datetime64[M]")
    day = (d - m.astype("datetime64[D]")).astype(np.int64)
    target = m + np.asarray(k)
    last = (target + 1).astype("datetime64[D]") - DAY
    return np.minimum(target.astype("datetime64[D]") + day, last)


@lru_cache(maxsize=8)
def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    """England and Wales bank holidays (including one-offs such as 4-5 June 2012) as ``datetime64[D]``."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def add_working_days(start: np.ndarray, n: np.ndarray, hol: np.ndarray) -> np.ndarray:
    """Date e with exactly n working days d in (start, e]: the contract's duration read backwards."""
    return np.busday_offset(start, n, roll="backward", holidays=hol)


def age_at(dob: np.ndarray, asat: np.datetime64) -> np.ndarray:
    """Age at last birthday on ``asat``; -1 for a child not yet born (Annex A's convention for unborn)."""
    dob = np.asarray(dob, dtype="datetime64[D]")
    years = asat.astype("datetime64[Y]").astype(np.int64) - dob.astype("datetime64[Y]").astype(np.int64)
    birthday_this_year = add_months(dob, 12 * years)
    age = years - (birthday_this_year > asat)
    return np.where(dob > asat, -1, age)


def missed_review(rows: np.ndarray, held: np.ndarray) -> np.ndarray:
    """How many six-monthly reviews after the first were held: one fewer than due for about one child in
    12 (chosen by history row, so no random draw moves and the other columns stay as they were), whose
    latest review on file is then older than the standard allows."""
    return np.where((rows % 12 == 0) & (held > 0), held - 1, held)
