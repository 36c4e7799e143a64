"""The demo LA's social work teams and the named workers in them.

Team types mirror the seed report's service (front door assessment teams, safeguarding/family support,
children in care, leaving care, disabled children). Workers grow with ``scale`` and teams with its square
root, so a large county has more and bigger numbered teams (about 27 at scale 10, as real counties do,
not 90); caseloads stay near 15-20 children per worker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .codes import FIRST_NAMES, SURNAMES

#: kind -> (team name prefix, teams at scale 1, workers at scale 1)
TEAM_TYPES = {
    "assessment": ("Assessment Team", 2, 16),
    "safeguarding": ("Safeguarding Team", 3, 28),
    "children_in_care": ("Children in Care Team", 2, 20),
    "leaving_care": ("Leaving Care Team", 1, 6),
    "disabled": ("Disabled Children Team", 1, 5),
}
#: Personal advisors (List 9, 2024 layout) sit in the leaving care service but are not social workers.
PERSONAL_ADVISORS_AT_SCALE_1 = 4


@dataclass
class Staff:
    """Workers by kind of team: parallel arrays of team names and worker names."""

    teams: dict[str, np.ndarray]
    workers: dict[str, np.ndarray]
    personal_advisors: np.ndarray

    def allocate(self, rng: np.random.Generator, kind: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Team and worker for n new pieces of work, spread evenly over the kind's workers."""
        i = rng.integers(0, len(self.workers[kind]), n)
        return self.teams[kind][i], self.workers[kind][i]


def build_staff(rng: np.random.Generator, scale: float) -> Staff:
    """Name every worker once (first name + fictional surname, unique) and place them in numbered teams."""
    sizes = {k: max(n_teams, round(n_workers * scale)) for k, (_, n_teams, n_workers) in TEAM_TYPES.items()}
    n_pa = max(1, round(PERSONAL_ADVISORS_AT_SCALE_1 * scale))
    total = sum(sizes.values()) + n_pa
    pool = [f"{first} {last}" for first in FIRST_NAMES for last in SURNAMES]
    if total > len(pool):  # a very large LA: add middle initials rather than repeat a name
        pool = [
            f"{first} {i}. {last}" for first in FIRST_NAMES for i in "ABCDEFGHJKLMNPRST" for last in SURNAMES
        ]
    names = np.array(pool, dtype=object)[rng.choice(len(pool), size=total, replace=False)]
    teams, workers, at = {}, {}, 0
    for kind, (prefix, base_teams, _) in TEAM_TYPES.items():
        n = sizes[kind]
        n_teams = max(1, round(base_teams * math.sqrt(scale)))  # bigger teams, not only more of them
        number = np.arange(n) * n_teams // n + 1
        teams[kind] = np.array([prefix if n_teams == 1 else f"{prefix} {k}" for k in number], dtype=object)
        workers[kind] = names[at : at + n]
        at += n
    return Staff(teams, workers, names[at:])
