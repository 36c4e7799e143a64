"""Timeliness leaves out a row whose dates cannot be (issue 34, point 8), as it leaves out an end before its
start, and the figure's note counts them: sql/indicators/_macros.sql `any_date_cannot_be`, applied by every
figure that measures a duration between two dates.

The rule (impossible_date, the same as validation's warning): a date whose month is more than 10 calendar
months before the month of birth (the allowance for an unborn child), or more than 12 months after the
snapshot's month. The warehouse keeps a date of birth as the first of its month. Each family below has a
date exactly at a boundary (kept) and one a day beyond it (left out).
"""

from __future__ import annotations

import pytest
from test_indicators_support import d, figures, load, warehouse_connection

con = pytest.fixture(warehouse_connection, name="con")
JUNE = "2024-06"  # snapshot month 2024-06-01, asat Sunday 2024-06-30
LEFT_OUT = (
    "row(s) with an end date before the start date, or a date that cannot be, left out (data-quality issue)"
)


def cin(child, start, seen, dob=None):
    return {"child_id": child, "cin_start": d(start), "last_seen": d(seen), "dob": d(dob) if dob else None}


def test_children_in_need_seen_leaves_out_dates_that_cannot_be(con):
    load(
        con,
        JUNE,
        layout="2024",
        cin=[
            cin("a", "2024-01-01", "2024-06-28"),  # seen 1 working day before asat: in standard
            cin("b", "2024-01-01", "2024-05-30"),  # 21 working days: out of standard
            # started 10 months before the birth month (Jan -> Nov 2024): an unborn child, kept; in standard
            cin("g", "2024-01-01", "2024-06-28", dob="2024-11-01"),
            # started 11 months before it (Dec 2023 -> Nov 2024): cannot be, left out
            cin("h", "2023-12-31", "2024-06-28", dob="2024-11-01"),
            # seen in June 2025, 12 months after the snapshot's month: kept (after asat: not in standard)
            cin("i", "2024-01-01", "2025-06-30"),
            # seen in July 2025, 13 months after: cannot be, left out
            cin("j", "2024-01-01", "2025-07-01"),
        ],
    )
    f = figures(con, JUNE)
    assert f["cin_open"]["value"] == 6  # the open count is no timeliness figure: every child
    seen = f["cin_seen_in_standard_pct"]
    assert (seen["numerator"], seen["denominator"]) == (2, 4)  # a, g of a, b, g, i
    assert seen["note"] == f"within 20 working days, the default standard; 2 {LEFT_OUT}"


def adopted(child, entered, placed, order=None, matched=None, dob=None):
    return {
        "child_id": child, "dob": d(dob) if dob else None, "entered_care": d(entered), "placed": d(placed),
        "placement_order": d(order) if order else None, "matched": d(matched) if matched else None,
        "adoption_order": d("2024-06-10"),
    }  # fmt: skip


def test_adoption_days_leave_out_dates_that_cannot_be(con):
    load(
        con,
        JUNE,
        adoption=[
            adopted("a", "2023-01-01", "2023-01-31", "2023-02-01", "2023-03-03"),  # 30 days; 30 days
            # entered care 10 months before the birth month (Jan -> Nov 2023): kept; 100 days; no A2 dates
            adopted("b", "2023-01-01", "2023-04-11", dob="2023-11-01"),
            # entered care 11 months before it: cannot be, left out of A10
            adopted("c", "2022-12-31", "2023-04-11", dob="2023-11-01"),
            # matched in June 2025, 12 months after the snapshot's month: kept; 10 days, 500 days to match
            adopted("e", "2025-06-20", "2025-06-30", "2024-02-16", "2025-06-30"),
            # matched in July 2025, 13 months after: cannot be, left out of both (placed in July too)
            adopted("f", "2025-06-20", "2025-07-01", "2024-02-16", "2025-07-01"),
        ],
    )
    f = figures(con, JUNE)
    assert f["adoptions_r12"]["value"] == 5  # a count, no timeliness: every adoption
    a10 = f["adoption_care_to_placed_days"]
    # a 30, b 100, e 10 days: 140 over 3 children (c and f left out)
    assert (a10["numerator"], a10["denominator"]) == (140, 3)
    assert a10["note"] == f"2 {LEFT_OUT}"
    a2 = f["adoption_order_to_match_days"]
    # a 30 (1 Feb -> 3 Mar 2023), e 500 (16 Feb 2024 -> 30 Jun 2025); b and c have no dates, f left out
    assert (a2["numerator"], a2["denominator"]) == (530, 2)
    assert (
        a2["note"]
        == f"2 adoption(s) without a date of the placement order or the match left out; 1 {LEFT_OUT}"
    )


def in_care(child, start, visit, dob="2015-01-01"):
    return {
        "child_id": child,
        "dob": d(dob),
        "cla_start": d(start),
        "legal_status": "C2",
        "last_visit": d(visit),
    }


def test_looked_after_visits_leave_out_dates_that_cannot_be(con):
    # the default CLA visit standard: within 42 days before asat (19 May 2024), of children in care 42 days
    load(
        con,
        JUNE,
        layout="2024",
        cla=[
            in_care("a", "2024-01-01", "2024-06-01"),  # visited in standard
            in_care("b", "2024-01-01", "2024-05-18"),  # 43 days before asat: out of standard
            # last visit in June 2025, 12 months after the snapshot's month: kept, after asat so not in it
            in_care("c", "2024-01-01", "2025-06-30"),
            # in July 2025, 13 months after: cannot be, left out
            in_care("e", "2024-01-01", "2025-07-01"),
            # in care since 10 months before the birth month (Jul 2023 -> May 2024; an unborn child
            # looked after is no real case, but the rule is one for every list): kept, in standard
            in_care("f", "2023-07-01", "2024-06-01", dob="2024-05-01"),
            # 11 months before it: cannot be, left out
            in_care("g", "2023-06-30", "2024-06-01", dob="2024-05-01"),
        ],
    )
    f = figures(con, JUNE)
    assert f["cla_open"]["value"] == 6  # every child: no timeliness figure
    visits = f["cla_visits_in_standard_pct"]
    assert (visits["numerator"], visits["denominator"]) == (2, 4)  # a, f of a, b, c, f
    assert visits["note"] == f"within 42 days, the default standard; 2 {LEFT_OUT}"


def test_child_protection_and_care_leavers_leave_out_dates_that_cannot_be(con):
    def plan(child, review):
        return {"child_id": child, "cp_start": d("2024-01-01"), "last_review": d(review)}

    def leaver(child, contact):
        return {"child_id": child, "dob": d("2005-01-01"), "latest_contact_date": d(contact)}

    load(
        con,
        JUNE,
        layout="2024",
        # the default CP review standard; a review in June 2025 (12 months after the snapshot's month) is
        # kept, out of standard; July 2025 (13 months) cannot be
        cp_plans=[plan("a", "2024-06-01"), plan("b", "2025-06-30"), plan("c", "2025-07-01")],
        # the same for a care leaver's latest contact (within 56 days: a in, b out, c left out)
        care_leavers=[leaver("a", "2024-06-01"), leaver("b", "2025-06-30"), leaver("c", "2025-07-01")],
    )
    f = figures(con, JUNE)
    reviews, contact = f["cp_reviews_in_time_pct"], f["care_leavers_contact_in_standard_pct"]
    assert (reviews["numerator"], reviews["denominator"]) == (1, 2)
    assert reviews["note"].endswith(f"; 1 {LEFT_OUT}")
    assert (contact["numerator"], contact["denominator"]) == (1, 2)
    assert contact["note"].endswith(f"; 1 {LEFT_OUT}")
    assert f["care_leavers"]["value"] == 3  # a count: every row


def test_counts_of_long_open_work_leave_out_starts_that_cannot_be(con):
    """A plan or an assessment "open" since before the child could exist is no long-open case. asat is
    30 June 2024, so a plan open 2 years or more started on or before 30 June 2022; a single assessment is
    overdue after 45 working days open."""

    def plan(child, start, dob):
        return {"child_id": child, "cp_start": d(start), "dob": d(dob)}

    def open_assessment(child, start, dob):
        return {"child_id": child, "assessment_start": d(start), "dob": d(dob)}

    load(
        con,
        JUNE,
        layout="2024",
        cp_plans=[
            plan("a", "2022-06-30", "2015-01-01"),  # exactly 2 years: counted
            plan("b", "2021-01-01", "2021-11-01"),  # 10 months before the birth month: unborn, counted
            plan("c", "2020-12-31", "2021-11-01"),  # 11 months before it: cannot be, left out
            plan("e", "2023-01-01", "2015-01-01"),  # under 2 years: not counted
        ],
        assessments=[
            open_assessment("a", "2024-01-02", "2015-01-01"),  # open since January: overdue
            open_assessment("b", "2023-01-01", "2023-11-01"),  # 10 months before birth: kept, overdue
            open_assessment("c", "2022-12-31", "2023-11-01"),  # 11 months before it: left out
            open_assessment("e", "2024-06-28", "2015-01-01"),  # 1 working day open: not overdue
        ],
    )
    f = figures(con, JUNE)
    assert f["cp_plans_open"]["value"] == 4  # the open count is no duration: every child
    assert f["cp_open_2yrs_plus"]["value"] == 2  # a, b
    assert f["cp_open_2yrs_plus"]["note"] == f"1 {LEFT_OUT}"
    assert f["assessments_open_overdue"]["value"] == 2  # a, b
    assert f["assessments_open_overdue"]["note"] == f"1 {LEFT_OUT}"
