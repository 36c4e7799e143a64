"""Lists 1-6 of a month's extract, cut from the simulated history: contacts, early help, referrals,
assessments, section 47 enquiries and children in need (the front door and the work behind it).

Lists 1-5 cover the six months to the extract date plus work still open; List 6 one row per child, their
latest episode open at the extract date or closed in the six months before (see snapshot_scope).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import codes as c
from .dates import DAY
from .layout import ASSESSMENT_TYPE
from .simulate import STATUS_CLOSED
from .snapshot_scope import NAT, SnapshotScope, _d, _upto, _yes_no


class FrontDoorLists(SnapshotScope):
    """The builders of Lists 1-6: each returns the list's columns by Annex A header."""

    def contacts(self):
        x = self.h.contacts
        x = x.loc[self._in_window(_d(x["contact_date"]))]
        return {
            **self._child(x["child"].to_numpy(), False),
            "Date of Contact": _d(x["contact_date"]),
            "Contact Source": x["source"].to_numpy(),
        }

    def early_help(self):
        x = self.h.early_help
        start, end = _d(x["start"]), _d(x["end"])
        x = x.loc[(start <= self.asat) & ((start >= self.since) | (end > self.asat))]
        return {
            **self._child(x["child"].to_numpy(), False),
            "Assessment start date": _d(x["start"]),
            "Assessment completion date": _upto(_d(x["end"]), self.asat),
            "Organisation completing assessment": x["organisation"].to_numpy(),
        }

    def referrals(self):
        r = self.h.referrals
        x = r.loc[self._in_window(_d(r["referral_date"]))]
        latest = x.groupby("child")["referral_date"].max()
        prior = self._prior_12m(r.loc[_d(r["referral_date"]) <= self.asat], "referral_date", latest)
        return {
            **self._child(x["child"].to_numpy(), False),
            "Date of referral": _d(x["referral_date"]),
            "Referral Source": x["source"].to_numpy(),
            "Referral NFA?": _yes_no(x["nfa"].to_numpy()),
            "Number of Referrals in Last 12 Months": prior.loc[x["child"]].to_numpy(),
            "Allocated Team": x["team"].to_numpy(),
            "Allocated Worker": x["worker"].to_numpy(),
        }

    def assessments(self):
        a = self.h.assessments
        start, auth = _d(a["start"]), _d(a["auth"])
        x = a.loc[(start <= self.asat) & ((start >= self.since) | (auth > self.asat))].sort_values(
            "start", kind="stable"
        )
        auth = _upto(_d(x["auth"]), self.asat)
        outcome = np.where(np.isnat(auth), None, _yes_no(x["in_need"].to_numpy()))
        return {
            **self._child(x["child"].to_numpy()),
            ASSESSMENT_TYPE: x["type"].to_numpy(),
            "Continuous Assessment Start Date": _d(x["start"]),
            "Child Seen During Continuous Assessment": x["seen"].to_numpy(),
            "Continuous Assessment Date of Authorisation": auth,
            "Was the child assessed as requiring LA children’s social care support": outcome,
            "Allocated Team": x["team"].to_numpy(),
            "Allocated Worker": x["worker"].to_numpy(),
        }

    def s47(self):
        s = self.h.s47
        start, decided, icpc = _d(s["s47_start"]), _d(s["decided"]), _d(s["icpc_date"])
        open_ = (decided > self.asat) | (icpc > self.asat)
        x = s.loc[(start <= self.asat) & ((start >= self.since) | open_)].sort_values(
            "s47_start", kind="stable"
        )
        decided, icpc = _d(x["decided"]) <= self.asat, _upto(_d(x["icpc_date"]), self.asat)
        unnecessary = np.where(decided, _yes_no(~x["icpc_needed"].to_numpy()), None)
        latest = x.groupby("child")["s47_start"].max()
        upto = s.loc[_d(s["s47_start"]) <= self.asat]
        prior_s47 = self._prior_12m(upto, "s47_start", latest)
        held = s.loc[_d(s["icpc_date"]) <= self.asat, ["child", "icpc_date"]]
        prior_icpc = self._prior_12m(
            pd.concat([held, latest.reset_index().rename(columns={"s47_start": "icpc_date"})]),
            "icpc_date",
            latest,
        )
        return {
            **self._child(x["child"].to_numpy()),
            "Strategy discussion initiating Section 47 Enquiry Start Date": _d(x["s47_start"]),
            "Was an Initial Child Protection Conference deemed unnecessary?": unnecessary,
            "Date of Initial Child Protection Conference": icpc,
            "Did the Initial Child Protection Conference Result in a Child Protection Plan": np.where(
                np.isnat(icpc), None, _yes_no(x["to_plan"].to_numpy())
            ),
            "Number of Section 47 Enquiries in the last 12 months": prior_s47.loc[x["child"]].to_numpy(),
            "Number of ICPCs in the last 12 months": prior_icpc.loc[x["child"]].to_numpy(),
            "Allocated Team": x["team"].to_numpy(),
            "Allocated Worker": x["worker"].to_numpy(),
        }

    def cin(self):
        comp = self.h.cin_components
        comp = comp.loc[_d(comp["start"]) <= self.asat]
        ep = comp.groupby("episode").agg(child=("child", "first"), start=("start", "min"), end=("end", "max"))
        ep = ep.loc[_d(ep["end"]) >= self.since]
        ep = self._latest_per_child(self.reopenings.apply("cin", ep, self.asat), "start")
        x = comp.loc[comp["episode"].isin(ep.index)].copy()
        core_end, end = _d(x["core_end"]), _d(x["end"])
        in_core, in_after = core_end > self.asat, (core_end <= self.asat) & (end > self.asat)
        x["status"] = np.select([in_core, in_after], [x["core_status"], 2], STATUS_CLOSED)
        x["team"] = np.where(in_core, x["core_team"], x["after_team"])
        x["worker"] = np.where(in_core, x["core_worker"], x["after_worker"])
        x["_end"] = end
        lead = x.sort_values(["episode", "status", "_end"], ascending=[True, True, False]).drop_duplicates(
            "episode"
        )
        first = x.sort_values(["episode", "start"]).drop_duplicates("episode").set_index("episode")
        lead = lead.set_index("episode").loc[ep.index]
        last = (
            x.sort_values(["episode", "_end"])
            .drop_duplicates("episode", keep="last")
            .set_index("episode")
            .loc[ep.index]
        )
        ep_end = _d(ep["end"])
        closed = ep_end <= self.asat
        seen_ref = np.where(closed, ep_end, self.asat)
        seen = np.maximum(_d(ep["start"]), seen_ref - self.rng.integers(0, 35, len(ep)) * DAY)
        return {
            **self._child(ep["child"].to_numpy()),
            "CIN Start Date": _d(ep["start"]),
            "Primary Need Code": first.loc[ep.index, "need"].to_numpy(),
            "Date Child Was Last Seen": seen,
            "CIN Closure Date": np.where(closed, ep_end, NAT),
            "Reason for Closure": np.where(closed, last["reason"].to_numpy(), None),
            "Case status": np.array(c.CASE_STATUS, dtype=object)[lead["status"].to_numpy()],
            "Allocated Team": lead["team"].to_numpy(),
            "Allocated Worker": lead["worker"].to_numpy(),
        }
