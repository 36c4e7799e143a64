"""Care leavers by age and adoption (contract 3.2): sql/indicators/leaving_care.sql's age bands and contact
standard, and sql/indicators/adoption.sql. Month June 2024, asat 2024-06-30; r12 = 1 July 2023 to 30 June
2024. Age at asat comes from the month-level date of birth (the first of the birth month): at a month end
every birthday of that month has passed, so a child born in June 2005 is 19 on 30 June 2024.
"""

from __future__ import annotations

import pytest
from test_indicators_practice import JUNE, parts, rows_add_up
from test_indicators_support import d, figures, load, warehouse_connection

con = pytest.fixture(warehouse_connection, name="con")


def leaver(child, dob, in_touch="YES", suitability="suitable", activity="F1", contact=None):
    return {"child_id": child, "dob": d(dob), "in_touch": in_touch, "suitability": suitability,
            "activity": activity, "latest_contact_date": d(contact) if contact else None}  # fmt: skip


# asat - 56 days = 5 May 2024
LEAVERS = [
    leaver("a", "2005-06-01", activity="G4", contact="2024-05-05"),  # turns 19 in June: 19-21; NEET;
    # contacted exactly 56 days before asat: in standard
    leaver("b", "2005-07-01", "NO", None, contact="2024-05-04"),  # 18 until July: 17-18; blank suitability
    # is not suitable; contacted 57 days before: out
    leaver("c", "2003-01-01"),  # 21: 19-21; no contact date: denominator only
    leaver("d", "2002-06-01", suitability="unsuitable", activity="G5", contact="2024-06-01"),  # 22: no band
    leaver(
        "e", "2007-01-01", "REFU", activity="G6", contact="2024-06-01"
    ),  # 17: 17-18; refused: not in touch
]


def test_care_leavers_by_age_band_and_contact(con):
    load(con, JUNE, layout="2024", care_leavers=LEAVERS)
    f = figures(con, JUNE)
    assert f["care_leavers"]["value"] == 5  # all ages stay
    assert f["care_leavers_19_21"]["value"] == 2  # a, c
    assert "from the month of birth" in f["care_leavers_19_21"]["note"]
    assert parts(f["care_leavers_19_21_in_touch_pct"]) == (2, 2, 100)
    assert parts(f["care_leavers_19_21_suitable_accommodation_pct"]) == (2, 2, 100)
    assert parts(f["care_leavers_19_21_neet_pct"]) == (1, 2, 50)  # a
    assert f["care_leavers_17_18"]["value"] == 2  # b, e
    assert parts(f["care_leavers_17_18_in_touch_pct"]) == (0, 2, 0)
    assert parts(f["care_leavers_17_18_suitable_accommodation_pct"]) == (1, 2, 50)  # e
    assert parts(f["care_leavers_17_18_neet_pct"]) == (1, 2, 50)  # e
    assert parts(f["care_leavers_neet_pct"]) == (3, 5, 60)  # a, d, e: all ages as before
    assert parts(f["care_leavers_contact_in_standard_pct"]) == (3, 5, 60)  # a, d, e
    assert f["care_leavers_contact_in_standard_pct"]["note"] == "within 56 days, the default standard"
    bands = [f"care_leavers_{b}{p}" for b in ("19_21", "17_18")
             for p in ("", "_in_touch_pct", "_suitable_accommodation_pct", "_neet_pct")]  # fmt: skip
    rows_add_up(con, [*bands, "care_leavers_contact_in_standard_pct"])


def test_no_care_leaver_in_a_band_leaves_its_percentages_empty(con):
    load(con, JUNE, layout="2024", care_leavers=[LEAVERS[3]])  # 22 only
    f = figures(con, JUNE)
    assert f["care_leavers_19_21"]["value"] == 0
    assert f["care_leavers_19_21_neet_pct"]["value"] is None
    assert "no care leavers aged 19 to 21" in f["care_leavers_19_21_neet_pct"]["note"]


def adoption(child, entered, decision, order=None, placement_order=None, matched=None, ffa=None, placed=None,
             no_longer=None):  # fmt: skip
    dates = {"placement_order": placement_order, "matched": matched, "ffa_placed": ffa, "placed": placed,
             "adoption_order": order, "no_longer_decision": no_longer}  # fmt: skip
    return {"child_id": child, "entered_care": d(entered), "adm_decision": d(decision),
            **{k: d(v) if v else None for k, v in dates.items()}}  # fmt: skip


ADOPTIONS = [
    # a: adopted on the first day of r12; placed in a fostering-for-adoption placement on 1 July 2022, before
    # being placed for adoption (1 February 2023): A10 counts to the earlier, 181 days after entering care
    # (Jan 31 + Feb 28 + Mar 31 + Apr 30 + May 31 + Jun 30); placement order to match 122 days (1 Sep 2022
    # to 1 Jan 2023: 30 + 31 + 30 + 31)
    adoption(
        "a", "2022-01-01", "2022-06-01", "2023-07-01", "2022-09-01", "2023-01-01", "2022-07-01", "2023-02-01"
    ),  # fmt: skip
    # b: adopted on asat; no FFA: 1 May 2022 to 1 April 2023 = 335 days; 1 Oct 2022 to 1 Mar 2023 = 151
    adoption("b", "2022-05-01", "2022-08-01", "2024-06-30", "2022-10-01", "2023-03-01", None, "2023-04-01"),
    adoption("c", "2021-01-01", "2021-03-01", "2023-06-30", placed="2022-01-01"),  # a day before r12
    adoption("d", "2023-01-01", "2023-05-01", "2024-01-10"),  # adopted; no placement dates: out of the means
    adoption("e", "2023-03-01", "2023-06-01", no_longer="2024-02-01"),  # decision reversed in r12
]


def test_adoption(con):
    load(con, JUNE, layout="2024", adoption=ADOPTIONS)
    f = figures(con, JUNE)
    assert f["adoptions_r12"]["value"] == 3  # a, b, d
    assert parts(f["adoption_care_to_placed_days"]) == (516, 2, 258)  # (181 + 335) / 2
    assert f["adoption_care_to_placed_days"]["note"] == (
        "1 adoption(s) without a date of entering care or being placed left out"
    )
    assert parts(f["adoption_order_to_match_days"]) == (273, 2, 136.5)  # (122 + 151) / 2
    assert f["adoption_decisions_reversed_r12"]["value"] == 1  # e
    rows_add_up(con, ["adoptions_r12", "adoption_care_to_placed_days", "adoption_order_to_match_days",
                      "adoption_decisions_reversed_r12"])  # fmt: skip
