"""How figures read in the report, in one place so tables, readings, alt text and highlights agree.

Values are stored unrounded (contract section 2); rounding is a presentation matter and happens here only.
"""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

import pandas as pd

from csc_report.units import DEFAULT_DECIMALS, UNITS

# Decimal places per unit: counts are whole numbers, rates and percentages 1 dp (contract section 2).
DECIMALS = {name: unit.decimals for name, unit in UNITS.items()}

RAG_WORDS = {
    "r": "Red", "red": "Red", "a": "Amber", "amber": "Amber", "g": "Green", "green": "Green",
    "none": "", "n/a": "",  # no target, so no status: an empty cell reads better than "none"
}  # fmt: skip


def as_number(value) -> float | None:
    """A finite float, or None for anything that is not one (None, NaN, pd.NA, '', text)."""
    if value is None or isinstance(value, str):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def format_value(value, unit: str) -> str:
    """`1,234`, `621.0`, `26.5%`; empty when not a number."""
    number = as_number(value)
    if number is None:
        return ""
    text = f"{number:,.{DECIMALS.get(unit, DEFAULT_DECIMALS)}f}"
    return f"{text}%" if unit == "pct" else text


def format_change(current, previous, unit: str) -> str:
    """`up 12 from 202`, `down 1.5 pts from 27.0%`, `no change from 214`; empty without both figures.

    Words rather than arrows or colours, so the cell reads the same aloud and in black and white.
    Percentages change by percentage points, not by a percentage of themselves.
    """
    now, before = as_number(current), as_number(previous)
    if now is None or before is None:
        return ""
    delta = now - before
    decimals = DECIMALS.get(unit, DEFAULT_DECIMALS)
    if round(delta, decimals) == 0:
        return f"no change from {format_value(before, unit)}"
    amount = f"{abs(delta):.1f} pts" if unit == "pct" else format_value(abs(delta), unit)
    return f"{'up' if delta > 0 else 'down'} {amount} from {format_value(before, unit)}"


def format_rag(rag) -> str:
    """`Red`/`Amber`/`Green` from the spellings upstream may use, empty for none; other text as given."""
    if rag is None or (isinstance(rag, float) and math.isnan(rag)):
        return ""
    text = str(rag).strip()
    return RAG_WORDS.get(text.lower(), text)


@lru_cache(maxsize=4096)
def to_month(value) -> pd.Period:
    """A monthly Period from `2013-06`, a date, a Timestamp or a Period. Remembered: a report reads the
    same few dozen months over 2,000 times (every trend of every figure), and pd.Period parses slowly."""
    return pd.Period(str(value), freq="M")


@lru_cache(maxsize=4096, typed=True)
def month_label(month: pd.Period) -> str:
    """`June 2013`, as the seed report writes months. Remembered: Period.strftime costs some 60 us and a
    report labels the same few dozen months about 800 times (trend tables, readings, alt text)."""
    return month.strftime("%B %Y")


def day_label(day: date) -> str:
    """`24 June 2013` (no leading zero, unlike strftime's %d)."""
    return f"{day.day} {day:%B %Y}"
