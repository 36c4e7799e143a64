"""Assessments (sql/indicators/assessments.sql): initial 10, core 35, single 45 working days.

Working days count d with start < d <= end, Monday-Friday without England and Wales bank holidays
(2013: 6 May, 27 May; 2012: 4 and 5 June). Month June 2013, asat 2013-06-30 (a Sunday).
"""

from __future__ import annotations

import pytest
from csc_report.transforms.calendar import working_days_between
from test_indicators_support import d, figures, load, warehouse_connection

con = pytest.fixture(warehouse_connection, name="con")


def assessment(start, auth, kind=None, child="c"):
    row = {"child_id": child, "assessment_start": d(start), "assessment_auth": d(auth) if auth else None}
    return row | ({"assessment_type": kind} if kind else {})


def test_the_working_day_boundaries_used_below():
    assert working_days_between(d("2012-06-01"), d("2012-06-06")) == 1  # Fri -> Wed over the jubilee holidays
    assert working_days_between(d("2013-06-03"), d("2013-06-03")) == 0
    assert working_days_between(d("2013-06-03"), d("2013-06-17")) == 10  # 4-7, 10-14 June, 17 June
    # 2-3 May (2), 7-10 (4), 13-17 (5), 20-24 (5), 28-31 (4), 3-7, 10-14, 17-21 June (15) = 35
    assert working_days_between(d("2013-05-01"), d("2013-06-21")) == 35
    # 9-12 Apr (4), 15-19, 22-26 (10), 29-30 (2), 1-3 May (3), 7-10 (4), 13-17, 20-24 (10), 28-31 (4),
    # 3-7 June (5), 10-12 (3) = 45
    assert working_days_between(d("2013-04-08"), d("2013-06-12")) == 45


def test_initial_assessments_in_10_working_days(con):
    load(
        con,
        "2013-06",
        layout="pre2014",
        assessments=[
            assessment("2013-06-03", "2013-06-03", "initial", "a"),  # same day: 0 -> in
            assessment("2013-06-03", "2013-06-17", "initial", "b"),  # exactly 10 -> in
            assessment("2013-06-03", "2013-06-18", "initial", "c"),  # 11 -> out
            assessment("2013-06-10", "2013-06-05", "initial", "d"),  # ends before start: left out, noted
            assessment("2013-05-20", "2013-05-31", "initial", "e"),  # authorised in May: not in June
        ],
    )
    f = figures(con, "2013-06")
    assert f["initial_assessments_completed"]["value"] == 4  # a, b, c, d
    ia = f["initial_assessments_in_10wd_pct"]
    assert (ia["numerator"], ia["denominator"]) == (2, 3)
    assert ia["value"] == pytest.approx(200 / 3)
    assert "1 row(s) with an end date before the start date, or a date that cannot be, left out" in ia["note"]


def test_a_span_across_the_2012_jubilee_bank_holidays_is_one_working_day(con):
    """June 2012: the spring bank holiday moved from Monday 28 May to Monday 4 June, and Tuesday 5 June
    was an extra one (the Diamond Jubilee); 7 May was the early May holiday. So 28 May 2012 was a
    working day and 4-5 June were not. Working days d with start < d <= end:

      one   Fri 1 June -> Wed 6 June : 6 June                                            = 1
      in    Fri 1 June -> Tue 19 June: 6, 7, 8 (3), 11-15 (5), 18, 19 (2)                = 10 -> in;
            with 4 and 5 June counted as working days it would be 12 -> out
      late  Fri 1 June -> Wed 20 June: as above plus 20 June                             = 11 -> out
      moved Fri 18 May -> Wed 6 June : 21-25 May (5), 28 May-1 June (5), 6 June (1)      = 11 -> out;
            a calendar keeping the usual last Monday of May (28 May) as a holiday would say 10 -> in
    """
    spans = {"one": ("2012-06-01", "2012-06-06"), "in": ("2012-06-01", "2012-06-19"),
             "late": ("2012-06-01", "2012-06-20"), "moved": ("2012-05-18", "2012-06-06")}  # fmt: skip
    load(
        con,
        "2012-06",
        layout="pre2014",
        assessments=[assessment(s, e, "initial", child) for child, (s, e) in spans.items()],
    )
    counted = {
        c: con.execute("SELECT wd_between(?, ?)", [d(s), d(e)]).fetchone()[0] for c, (s, e) in spans.items()
    }
    assert counted == {"one": 1, "in": 10, "late": 11, "moved": 11}
    ia = figures(con, "2012-06")["initial_assessments_in_10wd_pct"]
    assert (ia["numerator"], ia["denominator"]) == (2, 4)  # one and in
    assert ia["value"] == 50


def test_core_assessments_in_35_working_days(con):
    load(
        con,
        "2013-06",
        layout="pre2014",
        assessments=[
            assessment("2013-05-01", "2013-06-21", "core", "a"),  # exactly 35 -> in
            assessment("2013-05-01", "2013-06-24", "core", "b"),  # 36 -> out
            assessment("2013-06-03", "2013-06-04", "core", "c"),  # 1 -> in
        ],
    )
    f = figures(con, "2013-06")
    assert f["core_assessments_completed"]["value"] == 3
    assert f["core_assessments_in_35wd"]["value"] == 2
    core = f["core_assessments_in_35wd_pct"]
    assert (core["numerator"], core["denominator"]) == (2, 3)
    assert core["value"] == pytest.approx(200 / 3)
    # no initial assessments authorised in June: empty % with a note
    assert f["initial_assessments_in_10wd_pct"]["value"] is None
    assert "no initial assessments authorised in the month" in f["initial_assessments_in_10wd_pct"]["note"]


def test_single_assessments_in_45_working_days_on_the_2014_layout(con):
    load(
        con,
        "2013-06",
        assessments=[
            assessment("2013-04-08", "2013-06-12", child="a"),  # exactly 45 -> in
            assessment("2013-04-08", "2013-06-13", child="b"),  # 46 -> out
            assessment("2013-06-03", "2013-06-03", child="c"),  # same day -> in
            assessment("2013-06-03", None, child="d"),  # still open: not completed
        ],
    )
    f = figures(con, "2013-06")
    assert f["assessments_completed"]["value"] == 3
    single = f["assessments_in_45wd_pct"]
    assert (single["numerator"], single["denominator"]) == (2, 3)
    # the 2014+ layout has no assessment type: initial/core are not available, with the reason
    for kind in ("initial_assessments_in_10wd_pct", "core_assessments_completed"):
        assert f[kind]["value"] is None
        note = 'not available: List 4 (assessments) has no column "Assessment Type"'
        assert f[kind]["note"].startswith(note)


def test_pre2014_extract_counts_only_single_rows_and_none_means_empty(con):
    load(
        con,
        "2013-06",
        layout="pre2014",
        assessments=[
            assessment("2013-06-03", "2013-06-04", "initial", "a"),
            assessment("2013-06-03", "2013-06-04", "core", "b"),
        ],
    )
    f = figures(con, "2013-06")
    for single in ("assessments_completed", "assessments_in_45wd_pct"):
        assert f[single]["value"] is None
        assert "initial and core assessments only" in f[single]["note"]
    # with a single row among them, only it counts
    load(
        con,
        "2013-06",
        layout="pre2014",
        assessments=[
            assessment("2013-06-03", "2013-06-04", "initial", "a"),
            assessment("2013-06-03", "2013-06-04", "single", "b"),
        ],
    )
    f = figures(con, "2013-06")
    assert f["assessments_completed"]["value"] == 1
    assert f["assessments_in_45wd_pct"]["value"] == 100


def test_assessments_open_overdue_by_timescale(con):
    # asat 2013-06-30: working days after the start up to asat
    load(
        con,
        "2013-06",
        layout="pre2014",
        assessments=[
            assessment("2013-06-14", None, "initial", "a"),  # 10 (17-21, 24-28 June) -> not overdue
            assessment("2013-06-13", None, "initial", "b"),  # 11 -> overdue
            assessment("2013-05-09", None, "core", "c"),  # 35 -> not overdue
            assessment("2013-05-08", None, "core", "d"),  # 36 -> overdue
            assessment("2013-04-24", None, "single", "e"),  # 45 -> not overdue
            assessment("2013-04-23", None, "single", "f"),  # 46 -> overdue
            assessment("2013-04-23", "2013-06-30", "single", "g"),  # authorised on asat: not open
            assessment("2013-04-23", "2013-07-01", "single", "h"),  # authorised after asat: open, overdue
        ],
    )
    assert figures(con, "2013-06")["assessments_open_overdue"]["value"] == 4  # b, d, f, h


def test_an_assessment_open_in_may_and_authorised_in_june_counts_once_with_june_s_date(con):
    load(con, "2013-05", assessments=[assessment("2013-05-20", None)])
    load(con, "2013-06", assessments=[assessment("2013-05-20", "2013-06-05")])
    f = figures(con, "2013-06")
    assert f["assessments_completed"]["value"] == 1
    assert f["assessments_open_overdue"]["value"] == 0
    assert figures(con, "2013-05")["assessments_completed"]["value"] == 0
