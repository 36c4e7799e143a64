"""Referrals and re-referrals: sql/indicators/referrals.sql, re_referrals.sql,
sql/tables/referrals_weekly.sql.

Answers are worked out by hand in the comments; month June 2013 unless said (p_end = asat = 2013-06-30,
r12 = 2012-07-01 .. 2013-06-30).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_indicators_support import LA, d, figures, load, set_population, warehouse_connection

from csc_report import indicators, warehouse_reference

con = pytest.fixture(warehouse_connection, name="con")


def referral(child, date, **extra):
    return {"child_id": child, "referral_date": d(date), **extra}


def test_contacts_referrals_r12_and_nfa(con):
    set_population(con, y2013=20000)
    load(
        con,
        "2013-06",
        contacts=[
            {"child_id": "a", "contact_date": d("2013-06-01")},
            {"child_id": "b", "contact_date": d("2013-05-31")},
        ],
        referrals=[
            referral("a", "2013-06-01", referral_nfa="Y"),  # in M, NFA
            referral("b", "2013-06-30", referral_nfa="N"),  # in M (last day)
            referral("c", "2013-07-01", referral_nfa="Y"),  # after p_end: not in M nor r12
            referral("d", "2012-07-01"),  # first day of r12
            referral("e", "2012-06-30"),  # the day before r12
        ],
    )
    f = figures(con, "2013-06")
    assert f["contacts"]["value"] == 1
    assert f["referrals"]["value"] == 2
    assert f["referrals_r12"]["value"] == 3  # a, b, d
    # 3 / 20,000 * 10,000 = 1.5
    assert f["referral_rate_r12_per_10k"]["value"] == pytest.approx(1.5)
    assert (f["referral_rate_r12_per_10k"]["numerator"], f["referral_rate_r12_per_10k"]["denominator"]) == (
        3,
        20000,
    )
    # the one snapshot's window starts 2013-01-01, after r12 starts: the value is given, with a note
    coverage = "history runs from 2013-01-01 only, so the 12-month count from 2012-07-01 is partial"
    assert f["referrals_r12"]["note"] == coverage
    rate_note = f["referral_rate_r12_per_10k"]["note"]
    assert rate_note == f"population: mid-2013, from reference/population.csv; {coverage}"
    # 1 of 2 referrals in M is NFA
    assert f["referrals_nfa_pct"]["value"] == pytest.approx(50.0)
    assert (f["referrals_nfa_pct"]["numerator"], f["referrals_nfa_pct"]["denominator"]) == (1, 2)


def test_peterborough_2017_18_referral_rate_is_523_5(con):
    """DfE 2017-18 (domain notes 3.2): 2,618 referrals / 50,009 children * 10,000 = 523.5."""
    set_population(con, y2017=50009)  # March 2018 is in financial year 2017-18 -> mid-2017
    start = d("2017-04-01")
    rows = [referral(f"child{i}", str(start + timedelta(days=i % 365))) for i in range(2618)]
    load(con, "2018-03", referrals=rows)
    f = figures(con, "2018-03")
    assert f["referrals_r12"]["value"] == 2618
    assert round(f["referral_rate_r12_per_10k"]["value"], 1) == 523.5


def test_population_fallback_year_and_missing_population(con):
    load(con, "2013-06", referrals=[referral("a", "2013-06-03")])
    f = figures(con, "2013-06")
    assert f["referral_rate_r12_per_10k"]["value"] is None
    assert "no population estimate" in f["referral_rate_r12_per_10k"]["note"]
    set_population(con, y2012=10000)  # mid-2013 wanted (June 2013 -> 2013-14); mid-2012 is the latest earlier
    f = figures(con, "2013-06")
    assert f["referral_rate_r12_per_10k"]["value"] == pytest.approx(1.0)  # 1 / 10,000 * 10,000
    assert "mid-2012 used, from reference/population.csv" in f["referral_rate_r12_per_10k"]["note"]


def test_population_from_the_shipped_ons_estimates_when_the_inbox_has_none(con):
    """Issue 12: an authority with only its extract gets rates; the inbox file wins where it has the LA."""
    from csc_report.dfe import lookup

    lookup.load_reference(con)
    load(con, "2013-06", referrals=[referral("a", "2013-06-03")])
    rate = figures(con, "2013-06")["referral_rate_r12_per_10k"]
    # ONS mid-2013 0-17 estimate for Peterborough (874) in the DfE file: 46,552
    assert rate["denominator"] == 46552
    assert rate["note"].startswith("population: mid-2013, ONS estimate shipped with csc-report; ")
    set_population(con, y2013=20000)
    rate = figures(con, "2013-06")["referral_rate_r12_per_10k"]
    assert rate["denominator"] == 20000
    assert rate["note"].startswith("population: mid-2013, from reference/population.csv; ")


def test_the_shipped_estimate_of_the_year_beats_an_older_year_of_the_inbox_file(con):
    """Issue 34: the inbox file stops at mid-2012. June 2013 wants mid-2013: the shipped ONS mid-2013
    (46,552) is used, not the file's mid-2012; June 2026 wants mid-2026, which nobody has: the shipped
    mid-2024 (57,621, the latest the product ships) beats the file's mid-2012. The note says which."""
    from csc_report.dfe import lookup

    lookup.load_reference(con)
    set_population(con, y2012=10000)
    ons = "ONS estimate shipped with csc-report (reference/population.csv stops at mid-2012)"
    assert warehouse_reference.population_for(con, LA, "2013-06") == (
        46552,
        2013,
        f"population: mid-2013, {ons}",
    )
    assert warehouse_reference.population_for(con, LA, "2026-06") == (
        57621,
        2024,
        f"mid-2026 population estimate not available; mid-2024 used, {ons}",
    )
    # a year the file has wins over the shipped one; March 2013 wants mid-2012 (financial year 2012-13)
    assert warehouse_reference.population_for(con, LA, "2013-03")[:2] == (10000, 2012)


def test_re_referrals_boundaries(con):
    load(
        con,
        "2013-06",
        referrals=[
            # a: previous referral exactly 12 months before (2013-06-15 - 12 months = 2012-06-15): counts
            referral("a", "2012-06-15"),
            referral("a", "2013-06-15", referrals_last_12m=1),
            # b: previous 12 months + 1 day before: does not count
            referral("b", "2012-06-14"),
            referral("b", "2013-06-15", referrals_last_12m=0),
            # c: two referrals on one day: the second is a re-referral of the first, the first is not
            referral("c", "2013-06-20", referrals_last_12m=0),
            referral("c", "2013-06-20", referrals_last_12m=0),  # Annex A says no: disagrees with us
            # d: a first referral
            referral("d", "2013-06-05", referrals_last_12m=0),
            # e: two referrals inside r12 but before M: the second is a re-referral
            referral("e", "2012-08-01"),
            referral("e", "2012-12-01"),
        ],
    )
    f = figures(con, "2013-06")
    # M: a, b, c, c, d = 5 referrals; re-referrals a and the second c = 2 -> 40%
    rr = f["re_referrals_pct"]
    assert (rr["numerator"], rr["denominator"]) == (2, 5)
    assert rr["value"] == pytest.approx(40.0)
    # children referred in M: a, b, c, d; Annex A's column disagrees for c only -> 25.0% (1 of 4)
    assert "disagrees for 25.0% of children referred in the month (1 of 4)" in rr["note"]
    # r12: the 5 of M + e's two = 7; re-referrals a, c, e's second = 3 -> 42.857%
    r12 = f["re_referrals_r12_pct"]
    assert (r12["numerator"], r12["denominator"]) == (3, 7)
    assert r12["value"] == pytest.approx(300 / 7)
    # the window of the only snapshot starts 2013-01-01, after 2012-06-01 (p_start - 12 months): noted
    assert rr["note"].startswith(
        "history runs from 2013-01-01 only, so the 12-month look-back from 2012-06-01 is partial; "
    )


def test_cross_check_agreeing_column_leaves_no_note_and_full_lookback_none(con):
    load(
        con,
        "2013-06",
        window_months=24,  # the window starts 2011-07-01, before the look-back's 2012-06-01: no note
        referrals=[referral("z", "2011-01-01"), referral("a", "2013-06-03", referrals_last_12m=0)],
    )
    f = figures(con, "2013-06")
    assert f["re_referrals_pct"]["value"] == 0
    assert f["re_referrals_pct"]["note"] is None


def test_overlapping_snapshots_count_once_and_history_stops_at_m(con):
    load(
        con, "2013-05", referrals=[referral("x", "2013-05-10"), referral("y", "2013-05-20", referral_nfa="N")]
    )
    # June's snapshot repeats y (now marked NFA: the newer snapshot overrules) and adds z; x, inside June's
    # window (January to June), is gone from June's extract: deleted at source
    load(
        con, "2013-06", referrals=[referral("y", "2013-05-20", referral_nfa="Y"), referral("z", "2013-06-03")]
    )
    june = figures(con, "2013-06")
    assert june["referrals_r12"]["value"] == 2  # y once, z
    may = figures(con, "2013-05")  # history as it stands after loading May: June's rows do not count
    assert may["referrals"]["value"] == 2
    assert may["referrals_r12"]["value"] == 2
    # May's NFA % reads May's own version of y (June's snapshot is later than M = May)
    assert may["referrals_nfa_pct"]["value"] == 0


def test_empty_month_counts_zero_and_percentages_empty_with_note(con):
    load(con, "2013-06", referrals=[], contacts=[])
    f = figures(con, "2013-06")
    assert f["referrals"]["value"] == 0
    assert f["contacts"]["value"] == 0
    for pct in ("referrals_nfa_pct", "re_referrals_pct", "re_referrals_r12_pct"):
        assert f[pct]["value"] is None
        assert "percentage empty" in f[pct]["note"]


def test_missing_column_and_missing_list_are_not_available(con):
    load(con, "2013-06", absent={"referrals": ["referral_nfa"]}, referrals=[referral("a", "2013-06-03")])
    f = figures(con, "2013-06")
    assert f["referrals"]["value"] == 1  # the run goes on
    nfa = f["referrals_nfa_pct"]
    assert (nfa["value"], nfa["numerator"], nfa["denominator"]) == (None, None, None)
    assert nfa["note"] == 'not available: List 3 (referrals) has no column "Referral NFA"'
    assert f["contacts"]["value"] is None
    assert f["contacts"]["note"] == "not available: List 1 (contacts) was not in this month's extract"


def test_referrals_weekly_13_iso_weeks_ending_in_the_week_of_p_end(con):
    load(
        con,
        "2013-07",
        referrals=[
            # p_end 2013-07-31 is in ISO week 31 (Mon 29 July); 13 weeks back to week 19, Mon 2013-05-06
            referral("a", "2013-05-05"),  # the Sunday before the window
            referral("b", "2013-05-06"),
            referral("c", "2013-07-31"),  # p_end, a Wednesday: the last week is cut there
            referral("d", "2013-08-01"),  # after p_end: not counted
        ],
    )
    table = indicators.compute_tables(con, LA, "2013-07")["referrals_weekly"]
    assert len(table) == 13
    assert table["iso_week"].iloc[0] == "2013-W19"
    assert str(table["week_start"].iloc[0].date()) == "2013-05-06"
    assert table["iso_week"].iloc[-1] == "2013-W31"
    assert str(table["week_end"].iloc[-1].date()) == "2013-07-31"
    assert table["referrals"].tolist() == [1] + [0] * 11 + [1]


def test_tables_are_empty_when_their_list_is_absent(con):
    load(con, "2013-06", contacts=[])
    tables = indicators.compute_tables(con, LA, "2013-06")
    assert tables["referrals_weekly"].empty
    assert list(tables["referrals_weekly"].columns) == ["iso_week", "week_start", "week_end", "referrals"]
