"""One month's Annex A workbook in the Ofsted 2019 template layout: a Front_Sheet, then List_1..List_11,
each with its title in row 1, the exact template headers in row 2 and data from row 3."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from .codes import LA_NAME
from .layout import TITLES
from .messy import spoil
from .xlsx import columns, save

CREATOR = f"{LA_NAME} children's social care (demo)"


def front_sheet(la_code: str, asat: dt.date, layout: str) -> list[list]:
    """A small cover sheet like the template's: readers ignore it, people read it."""
    return [
        ["Annex A - Child level data, Lists 1 - 11"],
        ["Local authority", f"{LA_NAME} (demo, fictional)"],
        ["LA code", la_code],
        ["Date of extract", asat],
        ["Layout", layout],
        ["All children, workers and postcodes in this workbook are fictional."],
    ]


def write_annex_a(
    path: Path, lists: dict[int, pd.DataFrame], la_code: str, asat: dt.date, layout: str, seed: list[int]
) -> None:
    """Write the lists (already cut for the month) with a seeded share of messy values.

    Each list draws its messy cells from its own stream (``seed`` plus the list number), so rows added to
    one list (a correction, see ``corrections``) leave every other list's cells as they were.
    """
    sheets = [("Front_Sheet", front_sheet(la_code, asat, layout))]
    for n, df in lists.items():
        headers = list(df.columns)
        cols = columns(df)
        spoil(np.random.default_rng([*seed, n]), n, headers, cols)
        sheets.append((f"List_{n}", [[TITLES[n]], headers, *zip(*cols, strict=True)]))
    save(sheets, path, CREATOR)
