"""The register of simulated children: one row per child, characteristics fixed at first contact."""

from __future__ import annotations

import numpy as np

from .codes import DISABILITY, ETHNICITY, GENDER, pick
from .dates import DAY

#: Age at first involvement, in years (bands and weights), for children coming through the front door.
FRONT_DOOR_AGES = ((0, 1, 14.0), (1, 5, 22.0), (5, 10, 26.0), (10, 16, 30.0), (16, 18, 8.0))
UNBORN_SHARE = 0.02


class Children:
    """Grows as the simulation creates children; ids look like a case-management system's (6-7 digits)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.dob: list[np.ndarray] = []
        self.gender: list[np.ndarray] = []
        self.disability: list[np.ndarray] = []
        self.n = 0

    def new(
        self,
        first_seen: np.ndarray,
        ages=FRONT_DOOR_AGES,
        unborn_share: float = UNBORN_SHARE,
        disabled: bool = False,
    ) -> np.ndarray:
        """Create children first seen on the given dates; returns their register positions."""
        rng, n = self.rng, len(first_seen)
        band = rng.choice(len(ages), size=n, p=np.array([w for *_, w in ages]) / sum(w for *_, w in ages))
        lo = np.array([a[0] for a in ages])[band]
        hi = np.array([a[1] for a in ages])[band]
        age_days = ((lo + rng.random(n) * (hi - lo)) * 365.25).astype(np.int64)
        dob = first_seen - age_days * DAY
        unborn = rng.random(n) < unborn_share
        dob = np.where(unborn, first_seen + rng.integers(14, 150, n) * DAY, dob)
        gender = pick(rng, GENDER, n)
        gender[unborn] = "c) Not stated/recorded"
        self.dob.append(dob)
        self.gender.append(gender)
        self.disability.append(
            np.full(n, DISABILITY[0][0], dtype=object) if disabled else pick(rng, DISABILITY, n)
        )
        start, self.n = self.n, self.n + n
        return np.arange(start, self.n)

    def table(self) -> dict[str, np.ndarray]:
        """Columns of the register, indexed by register position."""
        dob = np.concatenate(self.dob)
        return {
            "id": self.rng.choice(9_850_000, size=self.n, replace=False) + 150_000,
            "dob": dob,
            "gender": np.concatenate(self.gender),
            "ethnicity": pick(self.rng, ETHNICITY, self.n),
            "disability": np.concatenate(self.disability),
        }
