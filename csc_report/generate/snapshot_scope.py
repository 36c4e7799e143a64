"""What one month's extract can show, shared by every list's builder: the extract date and its six-month
window, the child columns every list opens with, one row per child, and dates not yet happened blanked.

Scope rules follow Ofsted's list guidance: Lists 1-5 cover the six months to the extract date (plus work
still open), Lists 6-8 what is open at the extract date or closed in the six months before (one row per
child, latest episode), List 9 current care leavers, Lists 10-11 the last 12 months. Anything dated after
the extract date is blank, so an assessment open in May carries no authorisation date in May's extract.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import codes as c
from .corrections import Reopenings
from .dates import add_months, age_at, month_end
from .simulate import History

NAT = np.datetime64("NaT")


def _d(s) -> np.ndarray:
    """A date column as ``datetime64[D]`` (NaT for missing)."""
    return (
        np.asarray(s, dtype="datetime64[D]")
        if not isinstance(s, pd.Series)
        else s.to_numpy().astype("datetime64[D]")
    )


def _upto(d: np.ndarray, asat) -> np.ndarray:
    """Dates after the extract date have not happened yet: blank them."""
    return np.where(d <= asat, d, NAT)


def _yes_no(flag: np.ndarray) -> np.ndarray:
    return np.where(flag, c.YES, c.NO).astype(object)


class SnapshotScope:
    """The extract dated the last day of ``month``: the history it is cut from, its dates and the row
    helpers the list builders (csc_report.generate.snapshot_front_door, snapshot_care) share."""

    def __init__(
        self, history: History, month: np.datetime64, rng: np.random.Generator, reopenings: Reopenings
    ):
        self.h, self.rng, self.reopenings = history, rng, reopenings
        self.asat = month_end(month)
        self.since = (month - 5).astype("datetime64[D]")  # six calendar months up to the extract date
        self.year_ago = add_months(self.asat, -12)

    def _child(self, child: np.ndarray, disability: bool = True) -> dict[str, np.ndarray]:
        k = self.h.children
        dob = k["dob"][child]
        cols = {
            "Child Unique ID": k["id"][child].astype(str).astype(object),
            "Gender": k["gender"][child],
            "Ethnicity": k["ethnicity"][child],
            "Date of Birth": dob,
            "Age of Child (Years)": age_at(dob, self.asat),
        }
        if disability:
            cols["Does the Child have a Disability"] = k["disability"][child]
        return cols

    def _in_window(self, d: np.ndarray) -> np.ndarray:
        return (d >= self.since) & (d <= self.asat)

    def _latest_per_child(self, df: pd.DataFrame, start: str) -> pd.DataFrame:
        return df.sort_values(["child", start]).drop_duplicates("child", keep="last").sort_values(start)

    def _prior_12m(self, events: pd.DataFrame, date: str, latest: pd.Series) -> pd.Series:
        """Per child, their events in the 12 months before their latest one (the latest excluded)."""
        e = events[["child", date]].merge(latest.rename("latest"), left_on="child", right_index=True)
        d, last = _d(e[date]), _d(e["latest"])
        counted = (d >= add_months(last, -12)) & (d <= last)
        return (e.loc[counted].groupby("child").size() - 1).reindex(latest.index, fill_value=0)
