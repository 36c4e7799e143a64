"""Each cohort's breakdowns over a hand-built June 2013 (issue 36, point 5): the warehouse's own row macros
and list rows, loaded through the real snapshot loader, every count worked out in the comments.

June 2013 has no bank holiday; working days count d with start < d <= end (Monday to Friday).
"""

from __future__ import annotations

import pytest
from test_indicators_support import LA, d, figures, load, set_population, warehouse_connection

from csc_report import breakdowns, indicators
from csc_report.explain_breakdown import cell_rows

con = pytest.fixture(warehouse_connection, name="con")


def month_tables(con, month: str = "2013-06") -> dict:
    """The month's breakdowns as the pipeline computes them: table_id -> {category: count}."""
    unavailable = {i for i, row in figures(con, month).items() if row["value"] is None}
    tables = breakdowns.compute(con, indicators.month_parameters(con, LA, month), unavailable)
    return {
        table_id: dict(zip(frame.iloc[:, 0], frame.iloc[:, -1], strict=True))
        for table_id, frame in tables.items()
        if table_id in breakdowns.BY_ID
    }


def test_a_child_referred_twice_in_the_month_and_an_unborn_child(con):
    # child a (born March 2010: 3 at both dates) is referred on 3 and 20 June by the police (6A) and a
    # school (2B): two referrals in the age band 1-4 and by source, one child referred twice in 12 months;
    # child u, born (due) August 2013, is referred on 12 June by health (3A): unborn at the referral;
    # child b was referred in March 2013 (in the 12 months, not in June) and again on 28 June, aged 16
    load(
        con,
        "2013-06",
        referrals=[
            {"child_id": "a", "dob": d("2010-03-01"), "gender": "male", "ethnicity": "WBRI",
             "referral_date": d("2013-06-03"), "referral_source": "6A"},
            {"child_id": "a", "dob": d("2010-03-01"), "gender": "male", "ethnicity": "WBRI",
             "referral_date": d("2013-06-20"), "referral_source": "2B"},
            {"child_id": "u", "dob": d("2013-08-01"), "gender": "not_stated", "ethnicity": "NOBT",
             "referral_date": d("2013-06-12"), "referral_source": "3A"},
            {"child_id": "b", "dob": d("1997-01-01"), "gender": "female", "ethnicity": "BAFR",
             "referral_date": d("2013-03-04"), "referral_source": "1"},
            {"child_id": "b", "dob": d("1997-01-01"), "gender": "female", "ethnicity": "BAFR",
             "referral_date": d("2013-06-28"), "referral_source": "1"},
        ],
    )  # fmt: skip
    tables = month_tables(con)
    age = tables["referrals_by_age_band"]
    assert (age["unborn"], age["1-4"], age["16-17"], age["5-9"]) == (1, 2, 1, 0)  # 4 referrals in June
    assert sum(age.values()) == 4
    source = tables["referrals_by_source_group"]
    assert (source["6"], source["2"], source["3"], source["1"]) == (1, 1, 1, 1)
    sex = tables["referrals_by_sex"]
    assert (sex["male"], sex["not stated"], sex["female"]) == (2, 1, 1)
    # in the 12 months: a twice (June), b twice (March, June), u once
    assert tables["referrals_repeats_12_months"] == {"1": 1, "2": 2, "3": 0, "4": 0, "5 or more": 0}
    # explain lists the rows behind each cell: as many as the cell counts (children for the repeats)
    for table_id, cells in tables.items():
        for category, count in cells.items():
            rows, counted = cell_rows(con, LA, "2013-06", breakdowns.BY_ID[table_id], category)
            assert counted == count, (table_id, category)
    rows, _ = cell_rows(con, LA, "2013-06", breakdowns.BY_ID["referrals_repeats_12_months"], "2")
    assert sorted(rows["child"]) == ["a", "a", "b", "b"]  # both children's referrals in the 12 months


def s47(child: str, start: str, icpc: str) -> dict:
    return {"child_id": child, "dob": d("2005-01-01"), "s47_start": d(start), "icpc_date": d(icpc)}


def test_icpcs_exactly_15_and_16_working_days_after_the_s47(con):
    # S47s started Monday 3 June: 15 working days later is Monday 24 June (4-7, 10-14, 17-21, 24 June), 16
    # Tuesday 25 June; the conference on the 24th is in 11-15 days, the one on the 25th in 16-20; a third
    # S47 started 30 May with its ICPC on 31 May is not a June ICPC, but its S47 is in the 12 months
    load(
        con,
        "2013-06",
        s47=[s47("a", "2013-06-03", "2013-06-24"), s47("b", "2013-06-03", "2013-06-25"),
             s47("a", "2013-05-30", "2013-05-31")],
    )  # fmt: skip
    set_population(con, y2012=50000)  # the S47 rate's population, so the children with S47s are counted
    tables = month_tables(con)
    assert tables["icpcs_by_working_days"] == {"0-10": 0, "11-15": 1, "16-20": 1, "21 or more": 0}
    assert figures(con, "2013-06")["icpc_in_15wd_pct"]["numerator"] == 1  # the figure agrees: 15 in, 16 not
    assert tables["s47_by_age_band"]["5-9"] == 2  # the two started in June, both aged 8
    assert tables["s47_repeats_12_months"] == {"1": 1, "2": 1, "3": 0, "4": 0, "5 or more": 0}  # b; a
