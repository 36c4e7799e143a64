"""Contacts, referrals, assessments, section 47 enquiries and ICPCs: the daily flow through the front door.

Volumes and timeliness are expressed relative to the end month so the demo tells the seed report's story
(a referral spike in the month before the end month, initial assessment timeliness falling below 60% in the
end month) whatever end month is asked for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .children import Children
from .codes import NO, SOURCE, UNKNOWN, YES, pick
from .dates import DAY, add_months, add_working_days
from .staff import Staff

REFERRALS_PER_MONTH = 236.5  # at scale 1: 12-month total ~2,840, i.e. ~620 per 10,000 of 45,774
NFA_SHARE = 0.12
EXTRA_CONTACTS_PER_REFERRAL = 1.5  # contacts that did not become referrals
S47_SHARE = 0.35
ICPC_SHARE = 0.45
ICPC_IN_15WD = 0.93
ICPC_TO_PLAN = 0.85
WEEKEND_WEIGHT = 0.12
SEEN = ((YES, 95.0), (NO, 3.0), (UNKNOWN, 2.0))


def _by_end_month(
    rel: np.ndarray, last: float, before_last: float, two_before: float, usual: float
) -> np.ndarray:
    """A parameter that follows the seed report's story over the final three months."""
    return np.select([rel == 0, rel == -1, rel == -2], [last, before_last, two_before], usual)


def _months_before_end(d: np.ndarray, end_month: np.datetime64) -> np.ndarray:
    return (d.astype("datetime64[M]") - end_month).astype(np.int64)


def referral_dates(rng, t0, end_month, scale, hol) -> np.ndarray:
    """Daily referral dates: ~236 a month at scale 1, fewer at weekends, a spike before the end month."""
    months = np.arange(t0.astype("datetime64[M]"), end_month + 1)
    rel = (months - end_month).astype(np.int64)
    factor = _by_end_month(rel, 0.915, 1.22, 1.0, 1.0) * np.where(rel < -12, 1.08, 1.0)
    noise = np.where(rel >= -1, 1.0, rng.lognormal(0.0, 0.05, len(months)))
    counts = np.rint(REFERRALS_PER_MONTH * scale * factor * noise).astype(np.int64)
    dates = []
    for month, count in zip(months, counts, strict=True):
        days = np.arange(month.astype("datetime64[D]"), (month + 1).astype("datetime64[D]"))
        weight = np.where(np.is_busday(days, holidays=hol), 1.0, WEEKEND_WEIGHT)
        dates.append(rng.choice(days, size=count, p=weight / weight.sum()))
    return np.sort(np.concatenate(dates))


def referrals(rng, children: Children, staff: Staff, t0, end_month, scale, hol) -> pd.DataFrame:
    """Referrals with the child chosen so that ~26-30% are re-referrals within 12 months."""
    date = referral_dates(rng, t0, end_month, scale, hol)
    n = len(date)
    rel = _months_before_end(date, end_month)
    lo = np.searchsorted(date, add_months(date, -12), side="left")
    has_recent = lo < np.arange(n)
    rerefer = has_recent & (rng.random(n) < np.where(rel >= -2, 0.255, 0.30))
    parent = np.arange(n)
    parent[rerefer] = lo[rerefer] + (rng.random(rerefer.sum()) * (np.arange(n) - lo)[rerefer]).astype(
        np.int64
    )
    while (parent != parent[parent]).any():  # pointer jumping: every referral points at its child's first
        parent = parent[parent]
    roots = np.flatnonzero(parent == np.arange(n))
    child_of_root = np.empty(n, dtype=np.int64)
    child_of_root[roots] = children.new(date[roots])
    team, worker = staff.allocate(rng, "assessment", n)
    return pd.DataFrame(
        {
            "child": child_of_root[parent],
            "referral_date": date,
            "source": pick(rng, SOURCE, n),
            "nfa": rng.random(n) < NFA_SHARE,
            "team": team,
            "worker": worker,
        }
    )


def contacts(rng, children: Children, refs: pd.DataFrame) -> pd.DataFrame:
    """One contact per referral (same day, same source) plus contacts that went no further."""
    n_extra = int(len(refs) * EXTRA_CONTACTS_PER_REFERRAL)
    ref_dates = refs["referral_date"].to_numpy().astype("datetime64[D]")
    extra_dates = np.sort(rng.choice(ref_dates, n_extra)) + rng.integers(-3, 4, n_extra) * DAY
    extra_dates = np.clip(extra_dates, ref_dates.min(), ref_dates.max())
    known = rng.random(n_extra) < 0.25
    child = np.empty(n_extra, dtype=np.int64)
    child[known] = refs["child"].to_numpy()[rng.integers(0, len(refs), known.sum())]
    child[~known] = children.new(extra_dates[~known])
    out = pd.DataFrame(
        {
            "child": np.concatenate([refs["child"].to_numpy(), child]),
            "contact_date": np.concatenate([ref_dates, extra_dates]),
            "source": np.concatenate([refs["source"].to_numpy(dtype=object), pick(rng, SOURCE, n_extra)]),
        }
    )
    return out.sort_values(["contact_date", "child"], kind="stable", ignore_index=True)


def _durations(rng, n: int, p_within: np.ndarray, within: tuple[int, int], late_mean: float) -> np.ndarray:
    """Working-day durations: within the timescale with probability p_within, else a geometric overrun."""
    lo, hi = within
    span = np.arange(lo, hi + 1)
    weight = np.linspace(1.0, 3.0, len(span))  # most work finishes close to the deadline
    in_time = rng.choice(span, size=n, p=weight / weight.sum())
    late = hi + rng.geometric(1.0 / late_mean, n)
    return np.where(rng.random(n) < p_within, in_time, late)


def assessments(rng, refs: pd.DataFrame, end_month, layout: str, hol) -> pd.DataFrame:
    """Assessments of every referral not closed as NFA.

    pre2014: an initial assessment from the referral date (10 working-day timescale), then for most children
    found in need a core assessment starting on the day the initial one is authorised (35 working days).
    2019/2024: one single assessment (45 working days).
    """
    base = refs.loc[~refs["nfa"]]
    start = base["referral_date"].to_numpy().astype("datetime64[D]")
    n = len(base)
    rel = _months_before_end(start, end_month)
    common = {
        "referral": base.index.to_numpy(),
        "child": base["child"].to_numpy(),
        "team": base["team"].to_numpy(),
        "worker": base["worker"].to_numpy(),
        "seen": pick(rng, SEEN, n),
    }
    if layout != "pre2014":
        wd = _durations(rng, n, np.full(n, 0.80), (8, 45), 15.0)
        return pd.DataFrame(
            {
                **common,
                "type": None,
                "start": start,
                "auth": add_working_days(start, wd, hol),
                "in_need": rng.random(n) < 0.64,
            }
        )
    wd = _durations(rng, n, _by_end_month(rel, 0.555, 0.64, 0.70, 0.745), (1, 10), 9.0)
    initial = pd.DataFrame(
        {
            **common,
            "type": "Initial",
            "start": start,
            "auth": add_working_days(start, wd, hol),
            "in_need": rng.random(n) < 0.75,
        }
    )
    core = initial.loc[initial["in_need"] & (rng.random(n) < 0.90)].copy()
    core_start = core["auth"].to_numpy().astype("datetime64[D]")
    rel_core = _months_before_end(core_start, end_month)
    wd = _durations(rng, len(core), _by_end_month(rel_core, 0.84, 0.79, 0.83, 0.86), (12, 35), 12.0)
    core["type"], core["start"] = "Core", core_start
    core["auth"] = add_working_days(core_start, wd, hol)
    core["in_need"] = rng.random(len(core)) < 0.85
    return pd.concat([initial, core], ignore_index=True)


def section47(rng, assess: pd.DataFrame, hol) -> pd.DataFrame:
    """S47 enquiries on ~35% of assessed referrals; ~45% go to an ICPC, mostly within 15 working days."""
    first = assess.drop_duplicates("referral")
    s47 = first.loc[rng.random(len(first)) < S47_SHARE, ["referral", "child", "team", "worker", "start"]]
    n = len(s47)
    assessment_start = s47["start"].to_numpy().astype("datetime64[D]")
    lag = rng.choice(4, n, p=[0.5, 0.25, 0.15, 0.1])
    start = np.where(lag == 0, assessment_start, add_working_days(assessment_start, lag, hol))
    icpc = rng.random(n) < ICPC_SHARE
    icpc_wd = np.where(rng.random(n) < ICPC_IN_15WD, rng.integers(6, 16, n), rng.integers(16, 26, n))
    icpc_date = add_working_days(start, icpc_wd, hol)
    decided = add_working_days(start, np.where(icpc, 3, rng.integers(5, 16, n)), hol)
    return pd.DataFrame(
        {
            "referral": s47["referral"].to_numpy(),
            "child": s47["child"].to_numpy(),
            "team": s47["team"].to_numpy(),
            "worker": s47["worker"].to_numpy(),
            "s47_start": start,
            "decided": decided,
            "icpc_needed": icpc,
            "icpc_date": np.where(icpc, icpc_date, np.datetime64("NaT")),
            "to_plan": icpc & (rng.random(n) < ICPC_TO_PLAN),
        }
    )
