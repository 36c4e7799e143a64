"""The corrections real extracts carry from one month to the next, at a small seeded rate.

A case-management system's extract is its word on the data at the extract date, and the next extract may
say otherwise. The demo makes the warehouse's snapshot rules (contract 1.2) earn their keep with four kinds:

- **Re-dated referrals**: a referral keyed with the wrong date in the month it was made; the next extract
  shows the true date.
- **Records entered in error**: a referral or assessment recorded against the wrong child in the month's
  extract, deleted before the next one although its date is still inside the next extract's six months.
- **Duplicates removed at source**: a contact, referral, assessment or S47 row exported twice, once in the
  next extract.
- **Episodes closed and reopened**: a CIN episode, CP plan or care period open at one extract date is
  closed and a new one opened during the next month; Lists 6-8 carry only each child's latest episode, so
  the next extract shows the new start date and the old episode is never seen to end.

The first three are mistakes of one extract, made only in rows dated in the extract's own month (fresh
data entry), so the next extract, whose window still covers that month, shows them corrected. Reopening
changes the history for every later extract, so :class:`Reopenings` keeps it from month to month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dates import DAY, month_end
from .simulate import History

NAT = np.datetime64("NaT", "D")

#: Chance that a row dated in the extract's month is entered against the wrong child (Lists 3 and 4),
#: exported twice (Lists 1, 3, 4, 5) or, for a referral, keyed with the wrong date.
ERROR_RATE = 0.01
DUPLICATE_RATE = 0.01
REDATE_RATE = 0.02
REDATE_DAYS = 14  # the wrong date is up to this many days either side of the true one
#: Chance each month that an episode open at the last extract date and still open now is closed and
#: reopened; small because every reopening is a new plan or period started in the month.
REOPEN_RATE = 0.003

#: List -> the date that places a row in a month; and which lists carry which mistakes.
EVENT_DATE = {
    1: "Date of Contact",
    3: "Date of referral",
    4: "Continuous Assessment Start Date",
    5: "Strategy discussion initiating Section 47 Enquiry Start Date",
}
ERROR_LISTS, REDATE_LISTS = (3, 4), (3,)
CHILD_COLUMNS = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Does the Child have a Disability",
)


def mistakes(lists: dict[int, pd.DataFrame], month: np.datetime64, rng: np.random.Generator) -> None:
    """Put this extract's one-off mistakes into its lists, in place.

    One uniform draw per row of the extract's month picks at most one mistake for it (entered in error,
    duplicated or re-dated), so the kinds never overlap and each keeps its own rate.
    """
    first, asat = month.astype("datetime64[D]"), month_end(month)
    since = (month - 5).astype("datetime64[D]")
    for n, column in EVENT_DATE.items():
        df = lists[n]
        d = _d(df[column])
        u = np.where((d >= first) & (d <= asat), rng.random(len(df)), 1.0)
        error = (u < ERROR_RATE) & (n in ERROR_LISTS)
        duplicate = (u >= ERROR_RATE) & (u < ERROR_RATE + DUPLICATE_RATE)
        redate = (u >= ERROR_RATE + DUPLICATE_RATE) & (u < ERROR_RATE + DUPLICATE_RATE + REDATE_RATE)
        if n in REDATE_LISTS:
            shift = rng.choice(np.r_[-REDATE_DAYS:0, 1 : REDATE_DAYS + 1], int(redate.sum())) * DAY
            d[redate] = np.clip(d[redate] + shift, since, asat)
            df[column] = d
        lists[n] = _with_copies(df, duplicate, error, rng)


def _with_copies(df: pd.DataFrame, duplicate: np.ndarray, error: np.ndarray, rng) -> pd.DataFrame:
    """Each flagged row followed by its copy; an error's copy is keyed to another row's child."""
    counts = 1 + duplicate + error
    out = df.iloc[np.repeat(np.arange(len(df)), counts)].reset_index(drop=True)
    copy_of_error = (np.cumsum(counts) - 1)[error]
    donors = (np.flatnonzero(error) + rng.integers(1, max(len(df), 2), len(copy_of_error))) % len(df)
    for column in (c for c in CHILD_COLUMNS if c in df.columns):
        out.loc[copy_of_error, column] = df[column].to_numpy()[donors]
    return out


class Reopenings:
    """Episodes closed and reopened so far, kept across months because every later extract shows them.

    Per List 6-8 source (CIN episodes, CP plans, care periods), the reopening date of each episode or NaT.
    """

    def __init__(self, history: History):
        comp = history.cin_components
        cin = comp.groupby("episode").agg(start=("start", "min"), end=("end", "max"))
        self.episodes = {"cin": cin, "cp_plans": history.cp_plans, "cla": history.cla}
        self.dates = {k: np.full(len(e), NAT) for k, e in self.episodes.items()}

    def draw(self, month: np.datetime64, rng: np.random.Generator) -> None:
        """Reopen some episodes open at the previous extract date and still open at this one, on a day of
        this month. The draws have a fixed size per month, so the choice depends only on the seed."""
        first, asat = month.astype("datetime64[D]"), month_end(month)
        days = int((asat - first) / DAY) + 1
        for key, ep in self.episodes.items():
            start, end = _d(ep["start"]), _d(ep["end"])
            u, day = rng.random(len(ep)), rng.integers(0, days, len(ep))
            pick = (start < first) & (end > asat) & np.isnat(self.dates[key]) & (u < REOPEN_RATE)
            self.dates[key][pick] = first + day[pick] * DAY

    def apply(self, key: str, df: pd.DataFrame, asat: np.datetime64) -> pd.DataFrame:
        """``df`` (rows of one source, indexed like it) as the extract dated ``asat`` shows them: an episode
        reopened by then starts on its reopening date, flagged ``reopened``."""
        when = self.dates[key][self.episodes[key].index.get_indexer(df.index)]
        reopened = when <= asat
        return df.assign(start=np.where(reopened, when, _d(df["start"])), reopened=reopened)


def _d(s: pd.Series) -> np.ndarray:
    return s.to_numpy().astype("datetime64[D]")
