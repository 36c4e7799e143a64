"""A figure built on repeated rows says how many it counted once (issue 34, point 2): the note of every
figure whose rows stand for rows left out by csc_report/validation/duplicates.py (csc_report/merged_notes.py).

Month June 2013 (p_end = 2013-06-30, r12 = 2012-07-01 .. 2013-06-30); answers worked out in the comments.
"""

from __future__ import annotations

import pytest
from test_indicators_support import d, figures, load, warehouse_connection

con = pytest.fixture(warehouse_connection, name="con")

SHEET = {"source_file": "annex_a.xlsx", "source_sheet": "List 3"}


def referral(child: str, date: str, nfa: str = "N") -> dict:
    return {**SHEET, "child_id": child, "referral_date": d(date), "referral_nfa": nfa}


def test_repeated_referrals_counted_once_and_named_in_the_note(con):
    load(
        con,
        "2013-06",
        merge=True,
        contacts=[{"child_id": "a", "contact_date": d("2013-06-01")}],
        referrals=[
            referral("a", "2013-06-03"),  # row 2, kept
            referral("a", "2013-06-03"),  # row 3: repeats row 2 exactly -> counted once
            referral("b", "2013-06-10", nfa="N"),  # row 4, kept
            referral("b", "2013-06-10", nfa="Y"),  # row 5: same child, same day (re-entered) -> one event
            referral("c", "2013-05-20"),  # row 6: May, alone
        ],
    )
    f = figures(con, "2013-06")
    # five rows, two of them repeats: June holds a and b (2), r12 also c (3), not 4 and 5
    assert f["referrals"]["value"] == 2
    assert f["referrals_r12"]["value"] == 3
    # both repeats stand behind June's referrals and the r12 count
    note = "2 repeated rows of List 3 (referrals) counted once"
    assert f["referrals"]["note"] == note
    assert f["referrals_r12"]["note"].endswith(f"; {note}")  # after the history's partial-coverage note
    # the first row of b (NFA = N) stands for the event: 0 of 2 referrals NFA, not 1 of 3
    assert (f["referrals_nfa_pct"]["numerator"], f["referrals_nfa_pct"]["denominator"]) == (0, 2)
    assert f["referrals_nfa_pct"]["note"] == note
    # contacts (List 1) repeated nothing: no note
    assert (f["contacts"]["value"], f["contacts"]["note"]) == (1, None)


def test_a_repeat_in_another_month_leaves_this_months_note_alone(con):
    load(
        con,
        "2013-06",
        merge=True,
        referrals=[
            referral("a", "2013-06-03"),  # row 2: June, alone
            referral("c", "2013-05-20"),  # row 3: May, kept
            referral("c", "2013-05-20"),  # row 4: repeats row 3 (May)
        ],
    )
    f = figures(con, "2013-06")
    assert f["referrals"]["value"] == 1
    assert f["referrals"]["note"] is None  # the repeat's kept row is May's: not behind June's count
    assert f["referrals_r12"]["value"] == 2  # a and c once
    assert f["referrals_r12"]["note"].endswith("; 1 repeated row of List 3 (referrals) counted once")
