"""One month's Annex A extract cut from the simulated history, as the case-management system would print it.

The scope rules (which rows each list shows, dates after the extract date blanked) are in
csc_report.generate.snapshot_scope; the lists' builders in snapshot_front_door (Lists 1-6) and snapshot_care
(Lists 7-11). This module puts the eleven together in the layout's columns.
"""

from __future__ import annotations

import pandas as pd

from .layout import headers
from .snapshot_care import CareLists
from .snapshot_front_door import FrontDoorLists


class Snapshot(FrontDoorLists, CareLists):
    """Builds the eleven lists for the extract dated the last day of ``month``; Lists 6-8 show the episodes
    ``reopenings`` has closed and reopened by then with their new start dates."""

    def lists(self) -> dict[int, pd.DataFrame]:
        builders = (
            self.contacts,
            self.early_help,
            self.referrals,
            self.assessments,
            self.s47,
            self.cin,
            self.cp_plans,
            self.cla,
            self.care_leavers,
            self.adoption,
            self.adopters,
        )
        out = {}
        for n, build in enumerate(builders, start=1):
            cols = build()
            out[n] = pd.DataFrame({h: cols[h] for h in headers(n, self.h.layout)})
        return out
