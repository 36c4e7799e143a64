"""The imperfections real extracts carry, injected at a low, seeded rate so the reader and the validation
have something real to find: unprefixed or abbreviated codes, numeric IDs, text dates, non-breaking spaces
in names, ``#N/A`` teams and the odd end date before its start date."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

CODE_RATE = 0.015
ID_AS_NUMBER_RATE = 0.015
TEXT_DATE_RATE = 0.01
NBSP_RATE = 0.03
NA_TEAM_RATE = 0.004
ID_HEADERS = ("Child Unique ID", "Individual adopter identifier")
WORKER_HEADERS = ("Allocated Worker", "Allocated Personal Advisor")
_PREFIX = re.compile(r"^[a-z]{1,2}\) ")
_SHORT = {"Male": "M", "Female": "F", "Yes": "Y", "No": "N"}
#: (list, start header, end header) pairs where a keying error can put the end before the start.
END_BEFORE_START = (
    (4, "Continuous Assessment Start Date", "Continuous Assessment Date of Authorisation"),
    (7, "Child Protection Plan Start Date", "Child Protection Plan End Date"),
)


def _unprefixed(value: str, short: bool) -> str:
    """``a) Male`` -> ``Male`` or ``M``; ``q) 6: Police`` -> ``6: Police`` or ``Police``."""
    bare = _PREFIX.sub("", value)
    if not short:
        return bare
    if re.match(r"^\d+[A-F]?: ", bare):
        return bare.split(": ", 1)[1]
    return _SHORT.get(bare, bare)


def _sample(rng: np.random.Generator, values: list, rate: float, ok) -> list[int]:
    """Positions to spoil: each eligible cell with probability ``rate`` (drawn first, so cheap to check)."""
    drawn = np.flatnonzero(rng.random(len(values)) < rate)
    return [i for i in drawn.tolist() if values[i] is not None and ok(values[i])]


def spoil(rng: np.random.Generator, list_no: int, headers: list[str], cols: list[list]) -> None:
    """Spoil one list's column lists in place."""
    for header, values in zip(headers, cols, strict=True):
        if header in ID_HEADERS:
            for i in _sample(rng, values, ID_AS_NUMBER_RATE, str.isdigit):
                values[i] = int(values[i])
        elif header in WORKER_HEADERS:
            for i in _sample(rng, values, NBSP_RATE, lambda v: " " in v):
                values[i] = values[i].replace(" ", "\xa0")
        elif header == "Allocated Team":
            for i in _sample(rng, values, NA_TEAM_RATE, lambda v: True):
                values[i] = "#N/A"
        else:
            for i in _sample(rng, values, TEXT_DATE_RATE, lambda v: isinstance(v, dt.date)):
                values[i] = values[i].strftime("%d/%m/%Y")
            for i in _sample(rng, values, CODE_RATE, lambda v: isinstance(v, str) and bool(_PREFIX.match(v))):
                values[i] = _unprefixed(values[i], rng.random() < 0.5)
    for n, start_header, end_header in END_BEFORE_START:
        if n == list_no and rng.random() < 0.75:
            start, end = cols[headers.index(start_header)], cols[headers.index(end_header)]
            rows = [
                i
                for i, (s, e) in enumerate(zip(start, end, strict=True))
                if isinstance(s, dt.date) and isinstance(e, dt.date)
            ]
            if rows:
                i = rows[rng.integers(len(rows))]
                end[i] = start[i] - dt.timedelta(days=int(rng.integers(1, 30)))
