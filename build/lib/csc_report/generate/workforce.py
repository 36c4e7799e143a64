"""The social work establishment extract (contract 1.3): one row per post, monthly.

Figures follow the seed report at the end month (81 FTE establishment, 12.8 FTE vacant, 14 agency workers:
11 covering vacancies and 3 maternity leave, 4 starters in the pipeline, 1 leaver) and drift a little in
earlier months, with agency use falling over the final two months.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .dates import DAY
from .staff import Staff
from .xlsx import columns, save

ESTABLISHMENT_FTE = 81.0
HEADERS = [
    "Team",
    "Post ID",
    "Role",
    "Establishment FTE",
    "Filled FTE",
    "Agency FTE",
    "Agency Reason",
    "Starter Date",
    "Leaver Date",
]
PART_TIME_CUT = 0.4  # a 0.6 FTE post


def posts(rng: np.random.Generator, staff: Staff, scale: float) -> pd.DataFrame:
    """The establishment: a manager and a senior practitioner per team plus social worker posts,
    totalling 81 FTE per 1.0 of scale (part-time posts make up the difference)."""
    teams = np.concatenate([t for k, t in staff.teams.items()])
    names, sizes = np.unique(teams, return_counts=True)
    team, role = [], []
    for name, size in zip(names, sizes, strict=True):
        team += [name] * (size + 1)
        role += ["Team Manager", "Senior Practitioner"] + [
            "Newly Qualified Social Worker" if rng.random() < 0.15 else "Social Worker"
            for _ in range(size - 1)
        ]
    n = len(team)
    fte = np.ones(n)
    target = round(ESTABLISHMENT_FTE * scale, 1)
    excess = n - target
    order = rng.permutation(np.flatnonzero(np.array(role) != "Team Manager"))
    k = min(int(excess // PART_TIME_CUT), len(order) - 1)
    fte[order[:k]] -= PART_TIME_CUT
    fte[order[k]] -= round(excess - k * PART_TIME_CUT, 1)
    return pd.DataFrame(
        {"team": team, "post": [f"SWP{i + 1:04d}" for i in range(n)], "role": role, "fte": fte}
    )


def month_figures(rng: np.random.Generator, months_before_end: int, scale: float) -> dict[str, float]:
    """Vacancy FTE and agency/starter/leaver counts for a month, seed-report values at the end month."""
    story = {0: (12.8, 11, 3, 4, 1), 1: (13.4, 12, 3, 3, 1), 2: (13.9, 13, 3, 3, 2)}
    vacancy, agency_vacancy, maternity, starters, leavers = story.get(
        months_before_end,
        (
            round(14.5 + rng.normal(0, 0.8), 1),
            int(rng.integers(13, 15)),
            int(rng.integers(2, 5)),
            int(rng.integers(1, 5)),
            int(rng.integers(0, 3)),
        ),
    )
    return {
        "vacancy": round(vacancy * scale, 1),
        "agency_vacancy": round(agency_vacancy * scale),
        "maternity": round(maternity * scale),
        "sickness": int(months_before_end > 2 and rng.random() < 0.4),
        "starters": round(starters * scale),
        "leavers": round(leavers * scale),
    }


def workforce_month(
    rng: np.random.Generator, establishment: pd.DataFrame, asat: np.datetime64, fig: dict
) -> pd.DataFrame:
    """Which posts are vacant, covered by agency staff, gaining a starter or losing a leaver this month."""
    n = len(establishment)
    fte = establishment["fte"].to_numpy()
    full = rng.permutation(np.flatnonzero(fte == 1.0))
    whole, part = int(fig["vacancy"]), round(fig["vacancy"] % 1, 1)
    vacant, partly = full[:whole], full[whole : whole + (part > 0)]
    filled = fte.copy()
    filled[vacant] = 0.0
    filled[partly] = round(1.0 - part, 1)
    agency, reason = np.zeros(n), np.full(n, None, dtype=object)
    covered = vacant[: fig["agency_vacancy"]]
    agency[covered], reason[covered] = 1.0, "Vacancy"
    in_post = rng.permutation(full[whole + 1 :])
    cursor = 0
    for kind in ("maternity", "sickness"):
        take = in_post[cursor : cursor + fig[kind]]
        agency[take], reason[take] = 1.0, kind.capitalize()
        cursor += fig[kind]
    starter, leaver = np.full(n, np.datetime64("NaT")), np.full(n, np.datetime64("NaT"))
    starting = rng.permutation(vacant)[: fig["starters"]]
    starter[starting] = asat + rng.integers(7, 90, len(starting)) * DAY
    leaving = in_post[cursor : cursor + fig["leavers"]]
    leaver[leaving] = asat + rng.integers(1, 31, len(leaving)) * DAY
    return pd.DataFrame(
        {
            "Team": establishment["team"],
            "Post ID": establishment["post"],
            "Role": establishment["role"],
            "Establishment FTE": fte,
            "Filled FTE": filled,
            "Agency FTE": agency,
            "Agency Reason": reason,
            "Starter Date": starter.astype("datetime64[D]"),
            "Leaver Date": leaver.astype("datetime64[D]"),
        }
    )


def write_workforce(path: Path, df: pd.DataFrame) -> None:
    save(
        [("Workforce", [HEADERS, *zip(*columns(df), strict=True)])], path, "Fenborough workforce team (demo)"
    )
