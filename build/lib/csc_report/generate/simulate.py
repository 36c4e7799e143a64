"""The whole event history of the demo LA, simulated once; monthly snapshots are views of it.

Simulating one history and cutting every snapshot from it is what makes consecutive extracts overlap
exactly as real ones do: the same referral appears in six monthly extracts, an assessment open in May shows
its authorisation date in June, a care period open for years appears in every List 8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import care
from . import codes as c
from . import front_door as fd
from .children import Children
from .dates import DAY, OPEN, add_months, bank_holidays, month_end
from .staff import Staff, build_staff

WARM_UP_MONTHS = 24  # history before the first snapshot: 12-month look-backs and steady-state stocks need it
CIN_PLAN_MEDIAN_DAYS = 95.0
CP_STEP_DOWN_DAYS = (30, 150)  # a CIN plan after a CP plan ends, before the case closes

#: Case status priority (List 6): lower wins, as Ofsted asks (CLA > CP > CIN plan > open assessment).
STATUS_CLA, STATUS_CP, STATUS_CIN, STATUS_ASSESSMENT, STATUS_CLOSED = range(5)


@dataclass
class History:
    """Every simulated event table, keyed by register position ``child`` into ``children``."""

    first_month: np.datetime64
    end_month: np.datetime64
    layout: str
    holidays: np.ndarray
    staff: Staff
    children: dict[str, np.ndarray]
    contacts: pd.DataFrame
    early_help: pd.DataFrame
    referrals: pd.DataFrame
    assessments: pd.DataFrame
    s47: pd.DataFrame
    cp_plans: pd.DataFrame
    cla: pd.DataFrame
    placements: pd.DataFrame
    care_leavers: pd.DataFrame
    cin_components: pd.DataFrame
    adopters: pd.DataFrame


def simulate(rng: np.random.Generator, end: str, months: int, scale: float, layout: str) -> History:
    """Simulate from WARM_UP_MONTHS before the first snapshot to the last day of the end month."""
    end_month = np.datetime64(end, "M")
    first_month = end_month - (months - 1)
    t0 = add_months(first_month.astype("datetime64[D]"), -WARM_UP_MONTHS)
    asat_end = month_end(end_month)
    hol = bank_holidays(int(str(t0)[:4]), int(str(asat_end)[:4]) + 1)
    staff = build_staff(rng, scale)
    children = Children(rng)
    refs = fd.referrals(rng, children, staff, t0, end_month, scale, hol)
    contacts = fd.contacts(rng, children, refs)
    assess = fd.assessments(rng, refs, end_month, layout, hol)
    s47 = fd.section47(rng, assess, hol)
    plans = care.cp_plans(rng, children, staff, s47, t0, asat_end)
    s47["to_plan"] &= s47["child"].isin(plans["child"])  # a child already on a plan has no new plan
    cla, placements = care.cla_periods(rng, children, staff, refs, t0, end_month, asat_end, scale)
    leavers = care.care_leavers(rng, children, staff, t0, asat_end, scale)
    early_help = care.early_help(rng, children, refs, t0, asat_end, scale)
    components = cin_components(rng, staff, refs, assess, plans, cla, asat_end)
    adopters = care.adopters(rng, cla, t0, asat_end, scale)
    return History(
        first_month,
        end_month,
        layout,
        hol,
        staff,
        children.table(),
        contacts,
        early_help,
        refs,
        assess,
        s47,
        plans,
        cla,
        placements,
        leavers,
        components,
        adopters,
    )


def cin_components(rng, staff: Staff, refs, assess, plans, cla, asat_end) -> pd.DataFrame:
    """Pieces of children-in-need work, merged per child into episodes (List 6: one row per child).

    A component has a core phase (open assessment, CP plan or care period) and may be followed by a CIN plan
    phase; the episode is the union of overlapping components, so a child whose plan ends and steps down to
    CIN stays in one episode.
    """
    chain = (
        assess.sort_values("auth")
        .groupby("referral")
        .agg(child=("child", "first"), assess_end=("auth", "max"), in_need=("in_need", "last"))
    )
    start = refs.loc[chain.index, "referral_date"].to_numpy().astype("datetime64[D]")
    assess_end = chain["assess_end"].to_numpy().astype("datetime64[D]")
    n = len(chain)
    need = c.pick(rng, c.PRIMARY_NEED, n)
    plan_days = rng.lognormal(np.log(CIN_PLAN_MEDIAN_DAYS), 0.6, n).astype(np.int64)
    in_need = chain["in_need"].to_numpy(dtype=bool)
    cin_kind = np.where(need == "N2 - Child’s disability", "disabled", "safeguarding")
    after_team, after_worker = np.empty(n, object), np.empty(n, object)
    for kind in ("disabled", "safeguarding"):
        m = cin_kind == kind
        after_team[m], after_worker[m] = staff.allocate(rng, kind, int(m.sum()))
    after_worker[rng.random(n) < care.UNALLOCATED_SHARE] = None
    from_refs = pd.DataFrame(
        {
            "child": chain["child"].to_numpy(),
            "start": start,
            "core_end": assess_end,
            "core_status": STATUS_ASSESSMENT,
            "end": np.where(in_need, assess_end + plan_days * DAY, assess_end),
            "reason": np.where(in_need, c.pick(rng, c.CIN_PLAN_CLOSURE, n), c.RC_NFA),
            "need": need,
            "core_team": refs.loc[chain.index, "team"].to_numpy(),
            "core_worker": refs.loc[chain.index, "worker"].to_numpy(),
            "after_team": after_team,
            "after_worker": after_worker,
        }
    )
    m = len(plans)
    plan_end = plans["end"].to_numpy().astype("datetime64[D]")
    step_down = rng.integers(*CP_STEP_DOWN_DAYS, m) * DAY
    from_plans = pd.DataFrame(
        {
            "child": plans["child"].to_numpy(),
            "start": plans["start"].to_numpy(),
            "core_end": plan_end,
            "core_status": STATUS_CP,
            "end": np.where(plan_end >= OPEN, OPEN, plan_end + step_down),
            "reason": c.pick(rng, c.CIN_PLAN_CLOSURE, m),
            "need": "N1 - Abuse or neglect",
            "core_team": plans["team"].to_numpy(),
            "core_worker": plans["worker"].to_numpy(),
            "after_team": plans["team"].to_numpy(),
            "after_worker": plans["worker"].to_numpy(),
        }
    )
    ceased = cla["reason"].fillna("").str.extract(r"\) (E\d+[AB]?)")[0]
    closure = ceased.map(c.CLOSURE_FOR_CEASED).fillna(c.CIN_PLAN_CLOSURE[0][0])
    from_cla = pd.DataFrame(
        {
            "child": cla["child"].to_numpy(),
            "start": cla["start"].to_numpy(),
            "core_end": cla["end"].to_numpy(),
            "core_status": STATUS_CLA,
            "end": cla["end"].to_numpy(),
            "reason": closure.to_numpy(),
            "need": cla["need"].to_numpy(),
            "core_team": cla["team"].to_numpy(),
            "core_worker": cla["worker"].to_numpy(),
            "after_team": cla["team"].to_numpy(),
            "after_worker": cla["worker"].to_numpy(),
        }
    )
    comp = pd.concat([from_refs, from_plans, from_cla], ignore_index=True)
    comp.loc[comp["end"] > pd.Timestamp(asat_end), "end"] = pd.Timestamp(OPEN)
    comp = comp.sort_values(["child", "start", "end"], ignore_index=True)
    reach = comp.groupby("child")["end"].cummax().groupby(comp["child"]).shift()
    comp["episode"] = (reach.isna() | (comp["start"] > reach)).cumsum()
    return comp
