"""Child protection plans, periods of care (with placements and adoption), care leavers and early help.

Each is simulated as a flow with durations, started long enough before the first snapshot (the "legacy"
stock) that the numbers open at any snapshot are in steady state: a plan or care period open in June 2013
may have started years earlier, exactly as in a real extract.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import codes as c
from .children import Children
from .dates import DAY, OPEN, add_months
from .staff import Staff

CP_DURATION_MEDIAN_DAYS, CP_DURATION_SIGMA = 206.0, 0.68
CP_DEPLANNING_SHARE = (
    0.07  # plans ended early in the final two months: "greater scrutiny ... natural de-planning"
)
CLA_STARTS_PER_MONTH = 15.2
CLA_RISE = 1.35  # entries in the final twelve months, "the highest since June 2011"
SHORT_BREAK_CHILDREN = 16
CARE_LEAVERS_PER_YEAR = 48.0
EARLY_HELP_STARTS_PER_MONTH = 31.0
ENTRY_AGES = ((0, 1, 24.0), (1, 5, 19.0), (5, 10, 19.0), (10, 16, 33.0), (16, 17.5, 5.0))
LEGACY_YEARS = 16
UNALLOCATED_SHARE = 0.015  # open cases waiting for a worker


def _non_overlapping(df: pd.DataFrame, start: str, end: str) -> pd.Series:
    """True for rows not starting inside an earlier row of the same child (one plan/period at a time)."""
    df = df.sort_values(["child", start], kind="stable")
    prev_end = df.groupby("child")[end].cummax().groupby(df["child"]).shift()
    keep = prev_end.isna() | (df[start] >= prev_end)
    return keep.reindex(df.index)


def _monthly_starts(rng, first: np.datetime64, last: np.datetime64, per_month: float) -> np.ndarray:
    """Poisson arrivals spread uniformly over [first, last]."""
    days = int((last - first) / DAY) + 1
    n = rng.poisson(per_month * days / 30.44)
    return np.sort(first + rng.integers(0, days, n) * DAY)


def cp_plans(rng, children: Children, staff: Staff, s47: pd.DataFrame, t0, asat_end) -> pd.DataFrame:
    """Plans from ICPCs in the window, plus legacy plans started before it and still open at its start."""
    from_icpc = s47.loc[s47["to_plan"], ["child", "icpc_date"]].rename(columns={"icpc_date": "start"})
    rate = len(from_icpc) / max(1.0, (asat_end - t0) / DAY / 30.44)
    legacy_start = _monthly_starts(rng, t0 - 6 * 365 * DAY, t0 - DAY, rate)
    legacy = pd.DataFrame({"child": children.new(legacy_start, ENTRY_AGES, 0.0), "start": legacy_start})
    plans = pd.concat([legacy, from_icpc], ignore_index=True)
    start = plans["start"].to_numpy().astype("datetime64[D]")
    n = len(plans)
    end = (
        start
        + np.maximum(14, rng.lognormal(np.log(CP_DURATION_MEDIAN_DAYS), CP_DURATION_SIGMA, n)).astype(
            np.int64
        )
        * DAY
    )
    final = add_months(
        asat_end.astype("datetime64[M]").astype("datetime64[D]"), -1
    )  # start of the final two months
    deplan = (start < final) & (end > final) & (rng.random(n) < CP_DEPLANNING_SHARE)
    end = np.where(deplan, final + rng.integers(0, int((asat_end - final) / DAY) + 1, n) * DAY, end)
    plans["end"] = np.where(end > asat_end, OPEN, end)
    plans = plans.loc[plans["end"] > pd.Timestamp(t0)]
    plans = plans.loc[_non_overlapping(plans, "start", "end")].sort_values(
        ["child", "start"], ignore_index=True
    )
    n = len(plans)
    initial = c.pick(rng, c.ABUSE, n)
    plans["initial_category"] = initial
    plans["latest_category"] = np.where(rng.random(n) < 0.12, c.pick(rng, c.ABUSE, n), initial)
    earlier = rng.choice(4, n, p=[0.80, 0.14, 0.04, 0.02])
    plans["previous_plans"] = plans.groupby("child").cumcount().to_numpy() + earlier
    plans["epo"] = np.where(rng.random(n) < 0.05, c.YES, c.NO)
    plans["team"], plans["worker"] = staff.allocate(rng, "safeguarding", n)
    plans.loc[rng.random(n) < UNALLOCATED_SHARE, "worker"] = None
    return plans


def cla_periods(rng, children: Children, staff: Staff, refs: pd.DataFrame, t0, end_month, asat_end, scale):
    """Periods of care with legal status, adoption milestones and placement moves.

    Returns (periods, placements). Children entering care in the window come from recent referrals; the
    legacy stock entered in the years before. Care ends at the 18th birthday at the latest, by adoption order
    for children on the adoption track.
    """
    first_rise = (end_month - 11).astype("datetime64[D]")
    legacy_start = _monthly_starts(rng, t0 - LEGACY_YEARS * 365 * DAY, t0 - DAY, CLA_STARTS_PER_MONTH * scale)
    window_start = np.concatenate(
        [
            _monthly_starts(rng, t0, first_rise - DAY, CLA_STARTS_PER_MONTH * scale),
            _monthly_starts(rng, first_rise, asat_end, CLA_STARTS_PER_MONTH * CLA_RISE * scale),
        ]
    )
    assessed = refs.loc[~refs["nfa"]]
    ref_dates = assessed["referral_date"].to_numpy().astype("datetime64[D]")
    pick_ref = np.searchsorted(ref_dates, window_start - rng.integers(0, 120, len(window_start)) * DAY)
    pick_ref = np.minimum(pick_ref, len(ref_dates) - 1)
    child = np.concatenate(
        [children.new(legacy_start, ENTRY_AGES, 0.0), assessed["child"].to_numpy()[pick_ref]]
    )
    start = np.concatenate([legacy_start, window_start])
    n = len(start)
    dob = np.concatenate(children.dob)[child]
    short = rng.random(n) < 0.25
    duration = np.where(short, rng.lognormal(np.log(45), 1.0, n), rng.lognormal(np.log(900), 0.9, n)).astype(
        np.int64
    )
    end = start + np.maximum(1, duration) * DAY
    eighteen = add_months(dob, 18 * 12)
    ok = (eighteen > start + 30 * DAY) & (dob < start)
    p = pd.DataFrame({"child": child, "start": start, "end": np.minimum(end, eighteen), "dob": dob})[ok]
    p["reason"] = np.where(
        end[ok] >= eighteen[ok], c.pick(rng, c.CEASED_AT_18, ok.sum()), c.pick(rng, c.CEASED, ok.sum())
    )
    p = _add_adoption(rng, p)
    p = p.loc[p["end"] > pd.Timestamp(t0)]
    p = p.loc[_non_overlapping(p, "start", "end")]
    p = pd.concat([p, _short_breaks(rng, children, t0, asat_end, scale)], ignore_index=True)
    p.loc[p["end"] > pd.Timestamp(asat_end), ["end", "reason"]] = [pd.Timestamp(OPEN), None]
    p = p.sort_values(["start", "child"], ignore_index=True)
    _legal_status(rng, p)
    _period_characteristics(rng, p)
    kind = np.where(
        p["legal_status_1"].str.startswith("V3") | p["legal_status_1"].str.startswith("V4"),
        "disabled",
        "children_in_care",
    )
    p["team"], p["worker"] = None, None
    for k in ("disabled", "children_in_care"):
        p.loc[kind == k, "team"], p.loc[kind == k, "worker"] = staff.allocate(rng, k, int((kind == k).sum()))
    p.loc[rng.random(len(p)) < UNALLOCATED_SHARE, "worker"] = None
    return p, _placements(rng, p, asat_end)


def _add_adoption(rng, p: pd.DataFrame) -> pd.DataFrame:
    """Adoption milestones for a third of the under-fours; reversals for some; the order ends care."""
    n = len(p)
    start = p["start"].to_numpy().astype("datetime64[D]")
    age = (start - p["dob"].to_numpy().astype("datetime64[D]")) / DAY / 365.25
    track = (age < 4) & (rng.random(n) < 0.35)
    adm = start + rng.integers(110, 260, n) * DAY
    order_ = adm + rng.integers(50, 160, n) * DAY
    matched = order_ + rng.integers(40, 220, n) * DAY
    placed = matched + rng.integers(7, 35, n) * DAY
    adopted = placed + rng.integers(110, 320, n) * DAY
    reversed_ = track & (rng.random(n) < 0.12)
    nat = np.datetime64("NaT")
    p["adm"] = np.where(track, adm, nat)
    p["placement_order"] = np.where(track & ~(reversed_ & (rng.random(n) < 0.4)), order_, nat)
    p["matched"] = np.where(track & ~reversed_, matched, nat)
    p["placed"] = np.where(track & ~reversed_, placed, nat)
    p["adopted"] = np.where(track & ~reversed_, adopted, nat)
    p["reversed"] = np.where(reversed_, adm + rng.integers(150, 400, n) * DAY, nat)
    p["reversed_reason"] = np.where(reversed_, c.pick(rng, c.NO_LONGER_REASON, n), None)
    p["ffa"] = np.where(track & (rng.random(n) < 0.08), start + rng.integers(3, 20, n) * DAY, nat)
    p["family"] = np.where(track & ~reversed_, rng.choice(9_000_000, n, replace=False) + 14_000_000, -1)
    adopted_ends = track & ~reversed_
    p.loc[adopted_ends, "end"] = adopted[adopted_ends]
    p.loc[adopted_ends, "reason"] = c.pick(rng, c.ADOPTED, int(adopted_ends.sum()))
    p.loc[reversed_, "end"] = np.maximum(
        p.loc[reversed_, "end"].to_numpy(), p.loc[reversed_, "reversed"].to_numpy() + 60 * DAY
    )
    return p


def _short_breaks(rng, children: Children, t0, asat_end, scale) -> pd.DataFrame:
    """Disabled children on agreed series of short breaks (V3/V4): looked after, but not counted as CLA."""
    n = max(1, round(SHORT_BREAK_CHILDREN * scale))
    start = np.sort(asat_end - rng.integers(30, 4 * 365, n) * DAY)
    child = children.new(start, ((5, 15, 1.0),), 0.0, disabled=True)
    end = np.where(rng.random(n) < 0.2, t0 + rng.integers(0, int((asat_end - t0) / DAY), n) * DAY, OPEN)
    end = np.maximum(end, start + 30 * DAY)
    sb = pd.DataFrame(
        {
            "child": child,
            "start": start,
            "end": end,
            "dob": np.concatenate(children.dob)[child],
            "reason": c.pick(rng, c.CEASED, n),
            "short_break": True,
        }
    )
    return sb


def _legal_status(rng, p: pd.DataFrame) -> None:
    """Up to two legal statuses: the one at entry, then e.g. ICO -> full care order or -> placement order."""
    n = len(p)
    short = p["short_break"].fillna(False).to_numpy(dtype=bool)
    first = np.where(short, c.pick(rng, c.SHORT_BREAKS, n), c.pick(rng, c.LEGAL_START, n))
    start = p["start"].to_numpy().astype("datetime64[D]")
    second = np.select(
        [np.char.startswith(first.astype(str), p_) for p_ in ("L1", "L2", "C1", "V2")],
        [c.ICO, c.ICO, c.FCO, c.ICO],
        None,
    ).astype(object)
    after = np.select(
        [np.char.startswith(first.astype(str), p_) for p_ in ("L1", "L2", "C1")],
        [rng.integers(2, 9, n), rng.integers(2, 9, n), rng.integers(120, 300, n)],
        rng.integers(30, 200, n),
    )
    second[np.char.startswith(first.astype(str), "V2") & (rng.random(n) > 0.12)] = None
    change = np.where(second != None, start + after * DAY, np.datetime64("NaT"))  # noqa: E711
    po = p["placement_order"].to_numpy().astype("datetime64[D]")
    has_po = ~np.isnat(po)
    second[has_po], change[has_po] = c.PLACEMENT_ORDER, po[has_po]
    p["legal_status_1"], p["legal_status_2"], p["legal_status_change"] = first, second, change


def _period_characteristics(rng, p: pd.DataFrame) -> None:
    """Category of need, UASC, permanence plan, missing/absent propensity: fixed for the period."""
    n = len(p)
    age = ((p["start"] - p["dob"]).dt.days / 365.25).to_numpy()
    uasc = (age >= 13) & (rng.random(n) < 0.08)
    need = c.pick(rng, c.CLA_NEED, n)
    need[uasc] = "N8 - Absent parenting"
    need[p["short_break"].fillna(False).to_numpy(dtype=bool)] = "N2 - Child’s disability"
    p["need"], p["uasc"] = need, np.where(uasc, c.YES, c.NO)
    p["subsequent"] = np.where(rng.random(n) < 0.06, c.YES, c.NO)
    plan = c.pick(rng, c.PERMANENCE, n)
    plan[~np.isnat(p["adm"].to_numpy())] = c.ADOPTION_PLAN
    p["permanence"] = plan
    teen = age >= 11
    p["missing_rate"] = np.where(teen & (rng.random(n) < 0.3), rng.gamma(1.5, 2.0, n), 0.0)
    p["absent_rate"] = np.where(rng.random(n) < 0.12, rng.gamma(1.2, 2.0, n), 0.0)


def _placements(rng, p: pd.DataFrame, asat_end) -> pd.DataFrame:
    """Placement moves over each period (a minority move often), with type, provider, postcode, URN, area."""
    start = p["start"].to_numpy().astype("datetime64[D]")
    stop = np.minimum(p["end"].to_numpy().astype("datetime64[D]"), asat_end)
    years = np.maximum(0, (stop - start) / DAY) / 365.25
    rate = rng.choice([0.25, 1.2, 4.0], len(p), p=[0.72, 0.22, 0.06])
    moves = rng.poisson(rate * years)
    period = np.concatenate([np.arange(len(p)), np.repeat(np.arange(len(p)), moves)])
    span = np.maximum(1, ((stop - start) / DAY).astype(np.int64))
    offset = np.concatenate(
        [np.zeros(len(p), np.int64), (rng.random(moves.sum()) * np.repeat(span, moves)).astype(np.int64)]
    )
    pl = pd.DataFrame({"period": period, "start": start[period] + offset * DAY})
    placed = p["placed"].to_numpy().astype("datetime64[D]")
    adoptive = np.flatnonzero(~np.isnat(placed))
    pl = pd.concat(
        [
            pl.loc[
                ~(
                    pl["period"].isin(adoptive)
                    & (pl["start"] >= pd.Series(placed[pl["period"]], index=pl.index))
                )
            ],
            pd.DataFrame({"period": adoptive, "start": placed[adoptive], "adoptive": True}),
        ]
    )
    pl = pl.sort_values(["period", "start"], ignore_index=True)
    n = len(pl)
    kind = c.pick(rng, c.PLACEMENT, n)
    adoptive = pl["adoptive"].fillna(False).to_numpy(dtype=bool)
    kind[adoptive] = c.pick(rng, c.PLACED_FOR_ADOPTION, int(adoptive.sum()))
    short = p["short_break"].fillna(False).to_numpy(dtype=bool)[pl["period"]]
    kind[short] = c.SHORT_BREAK_PLACEMENT
    provider = c.pick(rng, c.PROVIDER, n)
    provider[np.char.find(kind.astype(str), "P1: Placed with parents") >= 0] = c.PARENTS_PROVIDER
    out_of_area = (rng.random(n) < 0.3) & ~short
    outward = np.where(out_of_area, rng.choice(c.AWAY_OUTWARD, n), rng.choice(c.HOME_OUTWARD, n))
    homes = np.char.find(kind.astype(str), "Homes") >= 0
    urn = np.where(
        homes | (rng.random(n) < 0.1), np.char.add("SC", rng.integers(10**5, 10**6, n).astype(str)), None
    )
    pl["type"], pl["provider"], pl["postcode"], pl["urn"] = kind, provider, c.postcodes(rng, outward), urn
    pl["location"] = np.where(out_of_area, c.LOCATION_OUT, c.LOCATION_IN)
    pl["la"] = np.where(out_of_area, rng.choice(c.NEIGHBOUR_LAS, n), c.LA_NAME)
    confidential = out_of_area & (rng.random(n) < 0.03)
    pl.loc[confidential, "la"] = "CON"
    return pl


def care_leavers(rng, children: Children, staff: Staff, t0, asat_end, scale) -> pd.DataFrame:
    """Young people entitled to leaving care services, listed from leaving care (16+) until 21."""
    first = t0 - 4 * 365 * DAY
    turn18 = _monthly_starts(rng, first, asat_end + 365 * DAY, CARE_LEAVERS_PER_YEAR * scale / 12)
    n = len(turn18)
    child = children.new(add_months(turn18, -18 * 12), ((0, 0.01, 1.0),), 0.0)
    eligibility = c.pick(rng, c.ELIGIBILITY, n)
    relevant = eligibility == "a) Relevant child"
    qualifying = eligibility == "c) Qualifying care leaver"
    from_ = np.where(relevant, add_months(turn18, -rng.integers(1, 20, n)), turn18)
    from_ = np.where(qualifying, add_months(turn18, -24), from_)
    in_touch = c.pick(rng, c.IN_TOUCH, n)
    touch = in_touch == "a) Yes"
    team, worker = staff.allocate(rng, "leaving_care", n)
    advisor = staff.personal_advisors[rng.integers(0, len(staff.personal_advisors), n)]
    return pd.DataFrame(
        {
            "child": child,
            "turn18": turn18,
            "listed_from": from_,
            "listed_to": add_months(turn18, 36),
            "eligibility": eligibility,
            "in_touch": in_touch,
            "accommodation": np.where(touch, c.pick(rng, c.ACCOMMODATION, n), None),
            "suitability": np.where(touch, np.where(rng.random(n) < 0.96, c.SUITABLE, c.UNSUITABLE), None),
            "activity": np.where(touch, c.pick(rng, c.ACTIVITY, n), None),
            "uasc": np.where(rng.random(n) < 0.06, c.YES, c.NO),
            "team": team,
            "worker": worker,
            "advisor": np.where(rng.random(n) < 0.97, advisor, None),
            "pathway_lag_seed": rng.random(n),
        }
    )


def early_help(rng, children: Children, refs: pd.DataFrame, t0, asat_end, scale) -> pd.DataFrame:
    """Early help assessments (~150 families supported at any time), some stepping down from referrals."""
    start = _monthly_starts(rng, t0, asat_end, EARLY_HELP_STARTS_PER_MONTH * scale)
    n = len(start)
    from_ref = rng.random(n) < 0.2
    ref_dates = refs["referral_date"].to_numpy().astype("datetime64[D]")
    idx = np.minimum(np.searchsorted(ref_dates, start - 30 * DAY), len(refs) - 1)
    child = np.empty(n, np.int64)
    child[from_ref] = refs["child"].to_numpy()[idx[from_ref]]
    child[~from_ref] = children.new(start[~from_ref])
    end = start + rng.lognormal(np.log(120), 0.6, n).astype(np.int64) * DAY
    return pd.DataFrame(
        {
            "child": child,
            "start": start,
            "end": np.where(end > asat_end, OPEN, end),
            "organisation": rng.choice(c.EARLY_HELP_ORGANISATIONS, n),
        }
    )


ADOPTER_FAMILIES_PER_YEAR = 5.0  # families in assessment who have not (yet) been matched


def adopters(rng, cla: pd.DataFrame, t0, asat_end, scale) -> pd.DataFrame:
    """Prospective adopters, one row per adult: the families matched with List 10 children and others.

    Milestones run backwards from the match for matched families and forwards from the enquiry for the
    others; about a third of unmatched families leave the process.
    """
    linked = cla.loc[cla["family"] >= 0]
    n_other = rng.poisson(ADOPTER_FAMILIES_PER_YEAR * scale * (asat_end - t0) / DAY / 365.25)
    n = len(linked) + n_other
    nat = np.full(n_other, np.datetime64("NaT"), dtype="datetime64[D]")
    matched = np.concatenate([linked["matched"].to_numpy().astype("datetime64[D]"), nat])
    is_linked = ~np.isnat(matched)
    approved = matched - rng.integers(30, 200, n) * DAY
    enquiry = np.where(
        is_linked,
        approved - rng.integers(200, 300, n) * DAY,
        t0 + rng.integers(0, int((asat_end - t0) / DAY), n) * DAY,
    )
    stage1_start = enquiry + rng.integers(10, 40, n) * DAY
    stage1_end = stage1_start + rng.integers(50, 70, n) * DAY
    stage2_start = stage1_end + rng.integers(3, 20, n) * DAY
    stage2_end = np.where(is_linked, approved, stage2_start + rng.integers(90, 130, n) * DAY)
    leaves = ~is_linked & (rng.random(n) < 0.35)
    left = np.where(leaves, enquiry + rng.integers(20, 300, n) * DAY, np.datetime64("NaT"))
    fam = pd.DataFrame(
        {
            "family": np.concatenate(
                [linked["family"].to_numpy(), rng.choice(9_000_000, n_other, replace=False) + 23_000_000]
            ),
            "ffa": np.where(rng.random(n) < 0.08, "Yes", "No"),
            "enquiry": enquiry,
            "stage1_start": stage1_start,
            "stage1_end": stage1_end,
            "stage2_start": stage2_start,
            "stage2_end": stage2_end,
            "submitted": stage2_start,
            "approved": stage2_end,
            "matched": matched,
            "placed": np.concatenate([linked["placed"].to_numpy().astype("datetime64[D]"), nat]),
            "adopted": np.concatenate([linked["adopted"].to_numpy().astype("datetime64[D]"), nat]),
            "children_placed": np.where(is_linked, 1, 0),
            "left": left,
            "left_reason": np.where(leaves, c.pick(rng, c.LEFT_ADOPTION_REASON, n), None),
        }
    )
    for col in ("stage1_start", "stage1_end", "stage2_start", "stage2_end", "submitted", "approved"):
        fam.loc[fam[col] > fam["left"], col] = pd.NaT  # nothing happens after a family leaves
    couple = rng.random(n) < 0.7
    rows = fam.loc[np.repeat(np.arange(n), np.where(couple, 2, 1))].reset_index(drop=True)
    second = rows["family"].duplicated().to_numpy()
    m = len(rows)
    female = np.where(second, rng.random(m) < 0.12, rng.random(m) < 0.9)  # first adult mostly female
    rows["gender"] = np.where(female, c.ADOPTER_FEMALE, c.ADOPTER_MALE)
    rows["ethnicity"] = c.pick(rng, c.ETHNICITY, m)
    rows["disability"] = np.where(rng.random(m) < 0.04, c.YES, c.NO)
    rows["adopter"] = rng.choice(9_000_000, m, replace=False) + 5_000_000
    return rows
