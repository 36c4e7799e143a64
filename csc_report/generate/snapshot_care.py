"""Lists 7-11 of a month's extract, cut from the simulated history: child protection plans, children looked
after (with their placements), care leavers, adoption and adopters.

Lists 7-8 show one row per child, the latest plan or period open at the extract date or ended in the six
months before, reopened ones with their new start dates; List 9 the current care leavers; Lists 10-11 the
last 12 months (see snapshot_scope).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import codes as c
from .dates import DAY, add_months, missed_review
from .layout import ABSENT, EPO, MISSING, SUBSEQUENT
from .snapshot_scope import NAT, SnapshotScope, _d, _upto


class CareLists(SnapshotScope):
    """The builders of Lists 7-11: each returns the list's columns by Annex A header."""

    def cp_plans(self):
        p = self.h.cp_plans
        start, end = _d(p["start"]), _d(p["end"])
        p = p.loc[(start <= self.asat) & (end >= self.since)]
        x = self._latest_per_child(self.reopenings.apply("cp_plans", p, self.asat), "start")
        start, end = _d(x["start"]), _d(x["end"])
        n = len(x)
        previous = x["previous_plans"].to_numpy() + x["reopened"].to_numpy()  # the closed one counts
        ref = np.minimum(end, self.asat)
        overdue = self.rng.random(n) < 0.08
        visit = ref - np.where(overdue, self.rng.integers(15, 40, n), self.rng.integers(0, 15, n)) * DAY
        months_on = (ref - start) / DAY / 30.44
        k = missed_review(x.index.to_numpy(), np.floor(np.maximum(0, months_on - 3) / 6).astype(np.int64))
        review = np.where(months_on >= 3, add_months(start, 3 + 6 * k), NAT)
        return {
            **self._child(x["child"].to_numpy()),
            "Child Protection Plan Start Date": start,
            "Initial Category of Abuse": x["initial_category"].to_numpy(),
            "Latest Category of Abuse": x["latest_category"].to_numpy(),
            "Date of the Last Statutory Visit": np.maximum(start, visit),
            "Was the Child Seen Alone?": c.pick(self.rng, ((c.YES, 75.0), (c.NO, 20.0), (c.UNKNOWN, 5.0)), n),
            "Date of latest review conference": review,
            "Child Protection Plan End Date": _upto(end, self.asat),
            EPO: x["epo"].to_numpy(),
            "Number of Previous Child Protection Plans": previous,
            "Allocated Team": x["team"].to_numpy(),
            "Allocated Worker": x["worker"].to_numpy(),
        }

    def cla(self):
        p = self.h.cla
        start, end = _d(p["start"]), _d(p["end"])
        p = p.loc[(start <= self.asat) & (end >= self.since)]
        x = self._latest_per_child(self.reopenings.apply("cla", p, self.asat), "start")
        n, rng, asat = len(x), self.rng, self.asat
        start, end = _d(x["start"]), _d(x["end"])
        ceased = end <= asat
        ref = np.where(ceased, end - DAY, asat)
        change = _d(x["legal_status_change"])
        changed = change <= ref
        legal = np.where(changed, x["legal_status_2"].to_numpy(), x["legal_status_1"].to_numpy())
        pl = self._placements(x.index.to_numpy(), ref)
        first_review = start + 28 * DAY
        second_review = add_months(first_review, 3)
        k = np.floor(np.maximum(0, (ref - second_review) / DAY / 30.44) / 6).astype(np.int64)
        k = missed_review(x.index.to_numpy(), k)
        review = np.select(
            [ref < first_review, ref < second_review], [NAT, first_review], add_months(second_review, 6 * k)
        )
        settled = ref - start > 28 * DAY
        health = np.where(
            settled,
            ref - np.where(rng.random(n) < 0.08, rng.integers(366, 500, n), rng.integers(0, 330, n)) * DAY,
            NAT,
        )
        dental = np.where(settled & (rng.random(n) < 0.88), ref - rng.integers(0, 360, n) * DAY, NAT)
        missing = rng.poisson(x["missing_rate"].to_numpy())
        offered = np.where(missing > 0, c.pick(rng, ((c.YES, 75.0), (c.NO, 20.0), (c.UNKNOWN, 5.0)), n), None)
        accepted = np.where(
            offered == c.YES, c.pick(rng, ((c.YES, 60.0), (c.NO, 35.0), (c.UNKNOWN, 5.0)), n), None
        )
        return {
            **self._child(x["child"].to_numpy()),
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": x["uasc"].to_numpy(),
            "Date Started to be Looked After": start,
            "Child's Category of Need": x["need"].to_numpy(),
            SUBSEQUENT: np.where(x["reopened"], c.YES, x["subsequent"]),
            "Start date of current legal status": np.maximum(np.where(changed, change, start), start),
            "Child's Legal Status": legal,
            "Date of Latest Statutory Review": review,
            # within 45 days: about one child in 15 visited more than the statutory 6 weeks (42 days) ago
            "Date of Last Social Work Visit": np.maximum(start, ref - rng.integers(0, 46, n) * DAY),
            "What is the permanence plan for this child?": np.where(
                x["permanence"] == "", None, x["permanence"]
            ),
            "Date of Last IRO Visit / Contact to the Child": np.maximum(
                start, ref - rng.integers(0, 120, n) * DAY
            ),
            "Date of Last Health Assessment": health,
            "Date of Last Dental Check": dental,
            "Number of Placements in the Last 12 months": pl["count"].to_numpy(),
            "Date Ceased to be Looked After ": np.where(ceased, end, NAT),
            "Reason Ceased to be Looked After": np.where(ceased, x["reason"].to_numpy(), None),
            "Start Date of Most Recent Placement": np.maximum(_d(pl["start"]), start),  # a reopened period
            "Placement Type": pl["type"].to_numpy(),
            "Placement Provider": pl["provider"].to_numpy(),
            "Placement postcode": pl["postcode"].to_numpy(),
            "URN of Placement": pl["urn"].to_numpy(),
            "Placement Location": pl["location"].to_numpy(),
            "LA of Placement": pl["la"].to_numpy(),
            MISSING: missing,
            ABSENT: rng.poisson(x["absent_rate"].to_numpy()),
            "Was the child offered a Return Interview after their last missing episode (Y/N)?": offered,
            "Did the child accept a Return Interview after their last missing episode (Y/N)?": accepted,
            "Allocated Team": x["team"].to_numpy(),
            "Allocated Worker": x["worker"].to_numpy(),
        }

    def _placements(self, periods: np.ndarray, ref: np.ndarray) -> pd.DataFrame:
        """Each period's placement on its reference date, and how many overlap the 12 months before."""
        pl = self.h.placements
        pl = pl.loc[pl["period"].isin(periods)].copy()
        ref_of = pd.Series(ref, index=periods)
        pl["ref"] = ref_of.loc[pl["period"]].to_numpy()
        pl = pl.loc[_d(pl["start"]) <= _d(pl["ref"])]
        nxt = pl.groupby("period")["start"].shift(-1)
        pl["overlaps"] = nxt.isna() | (_d(nxt) > add_months(_d(pl["ref"]), -12))
        current = pl.drop_duplicates("period", keep="last").set_index("period")
        current["count"] = pl.groupby("period")["overlaps"].sum()
        return current.loc[periods]

    def care_leavers(self):
        cl = self.h.care_leavers
        x = cl.loc[(_d(cl["listed_from"]) <= self.asat) & (_d(cl["listed_to"]) > self.asat)]
        n, rng, asat = len(x), self.rng, self.asat
        adult = _d(x["turn18"]) <= asat
        eligibility = np.where(
            adult & (x["eligibility"] == "a) Relevant child"), "b) Former relevant child", x["eligibility"]
        )
        months_left = (self.h.end_month - asat.astype("datetime64[M]")).astype(np.int64)
        in_date_share = 0.80 - 0.43 * min(1.0, months_left / 13)  # pathway plans: 37% in May 2012 -> 80% now
        in_date = x["pathway_lag_seed"].to_numpy() < in_date_share
        review = asat - np.where(in_date, rng.integers(0, 175, n), rng.integers(190, 420, n)) * DAY
        touch = x["in_touch"].to_numpy() == "a) Yes"
        contact = asat - np.where(touch, rng.integers(0, 56, n), rng.integers(60, 300, n)) * DAY
        return {
            **self._child(x["child"].to_numpy()),
            "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)": x[
                "uasc"
            ].to_numpy(),
            "Allocated Team": x["team"].to_numpy(),
            "Allocated Worker": x["worker"].to_numpy(),
            "Allocated Personal Advisor": x["advisor"].to_numpy(),
            "Eligibility Category": eligibility,
            "Latest Pathway Plan Review Date": review,
            "LA In Touch ": x["in_touch"].to_numpy(),
            "LA in Touch": x["in_touch"].to_numpy(),
            "Latest Date of Contact": contact,
            "Type of Accommodation": x["accommodation"].to_numpy(),
            "Suitability of Accommodation": x["suitability"].to_numpy(),
            "Activity Status": x["activity"].to_numpy(),
        }

    def adoption(self):
        p = self.h.cla
        adm, adopted, rev = _d(p["adm"]), _d(p["adopted"]), _d(p["reversed"])
        x = p.loc[(adm <= self.asat) & ~(adopted <= self.year_ago) & ~(rev <= self.year_ago)]
        matched = _upto(_d(x["matched"]), self.asat)
        rev = _upto(_d(x["reversed"]), self.asat)
        return {
            **self._child(x["child"].to_numpy()),
            "Family identifier": np.where(np.isnat(matched), None, x["family"].astype(str).to_numpy()),
            "Date the Child Entered Care": _d(x["start"]),
            "Date of Decision that Child Should be Placed for Adoption": _d(x["adm"]),
            "Date of Placement Order": _upto(_d(x["placement_order"]), self.asat),
            "Date of Matching Child and Prospective Adopters": matched,
            "Date Placed for Adoption": _upto(_d(x["placed"]), self.asat),
            "Date of Adoption Order ": _upto(_d(x["adopted"]), self.asat),
            "Date of Decision that Child Should No Longer be Placed for Adoption": rev,
            "Reason Why Child No Longer Placed for Adoption": np.where(
                np.isnat(rev), None, x["reversed_reason"]
            ),
            "Date the child was placed for fostering in FFA or concurrent planning placement": _upto(
                _d(x["ffa"]), self.asat
            ),
        }

    def adopters(self):
        a = self.h.adopters
        names = {
            "enquiry": "Date enquiry received",
            "stage1_start": "Date Stage 1 started",
            "stage1_end": "Date Stage 1 ended",
            "stage2_start": "Date Stage 2 started",
            "stage2_end": "Date Stage 2 ended",
            "submitted": "Date application submitted",
            "approved": "Date application approved",
            "matched": "Date adopter matched with child(ren)",
            "placed": "Date child/children placed with adopter(s)",
            "adopted": "Date of Adoption Order",
            "left": "Date of leaving adoption process",
        }
        dates = {k: _upto(_d(a[k]), self.asat) for k in names}
        latest = (
            np.nanmax(np.stack([d.astype("datetime64[D]").astype("float64") for d in dates.values()]), axis=0)
            if len(a)
            else np.array([])
        )
        keep = ~np.isnat(dates["enquiry"]) & (latest >= self.year_ago.astype(np.int64))
        left = ~np.isnat(dates["left"][keep])
        return {
            "Individual adopter identifier": a.loc[keep, "adopter"].astype(str).to_numpy(),
            "Family identifier": a.loc[keep, "family"].astype(str).to_numpy(),
            "Gender": a.loc[keep, "gender"].to_numpy(),
            "Ethnicity": a.loc[keep, "ethnicity"].to_numpy(),
            "Disability": a.loc[keep, "disability"].to_numpy(),
            "Is the (prospective) adopter fostering for adoption?": a.loc[keep, "ffa"].to_numpy(),
            **{names[k]: d[keep] for k, d in dates.items()},
            "No. of children placed": np.where(
                np.isnat(dates["placed"][keep]), None, a.loc[keep, "children_placed"]
            ),
            "Reason for leaving adoption process": np.where(left, a.loc[keep, "left_reason"], None),
        }
