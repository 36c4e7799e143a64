"""Children looked after and care leavers (sql/indicators/looked_after.sql, leaving_care.sql,
sql/tables/cla_by_*.sql). Month June 2013, asat 2013-06-30."""

from __future__ import annotations

import pytest
from test_indicators_support import LA, d, figures, load, set_population, warehouse_connection

from csc_report import indicators

con = pytest.fixture(warehouse_connection, name="con")


def period(child, start, end=None, legal="C2", placements=1, placement="U4"):
    return {
        "child_id": child, "cla_start": d(start), "cla_end": d(end) if end else None, "legal_status": legal,
        "placements_last_12m": placements, "placement_type": placement,
    }  # fmt: skip


@pytest.fixture
def cla_loaded(con):
    set_population(con, y2013=40000)
    load(
        con,
        "2013-06",
        cla=[
            period("a", "2012-01-01", placements=3),  # open, 3 placements
            period("b", "2013-06-03", legal="V2", placements=1, placement="U6"),  # started in June, open
            period("c", "2013-06-10", legal="V3", placement="U6"),  # short breaks: not looked after
            period("d", "2013-02-01", "2013-06-30", legal="V4"),  # short breaks, ended on asat
            period("e", "2012-05-01", "2013-06-30", legal="C1"),  # ends on asat: not open; ceased in June
            period("f", "2013-01-01", legal="E1", placements=4, placement="A5"),  # open, 4 placements
            period("g", "2013-01-01", legal=None),  # open, legal status not recorded: counted
        ],
    )
    return con


def test_children_looked_after(cla_loaded):
    f = figures(cla_loaded, "2013-06")
    assert f["cla_open"]["value"] == 4  # a, b, f, g (c is V3; d and e ended on asat)
    assert f["cla_rate_per_10k"]["value"] == pytest.approx(1.0)  # 4 / 40,000 * 10,000
    # periods of care exclude short breaks (V3/V4), as DfE counts them: c and d are noted, not counted
    assert f["cla_started"]["value"] == 1  # b
    assert f["cla_started"]["note"] == "1 short-break period(s) (legal status V3/V4) not counted"
    assert f["cla_ceased"]["value"] == 1  # e
    assert f["cla_ceased"]["note"] == "1 short-break period(s) (legal status V3/V4) not counted"
    three = f["cla_3plus_placements_pct"]
    assert (three["numerator"], three["denominator"], three["value"]) == (2, 4, 50)  # a, f of a, b, f, g


def test_cla_tables(cla_loaded):
    tables = indicators.compute_tables(cla_loaded, LA, "2013-06")
    legal = tables["cla_by_legal_status"].set_index("legal_status")
    assert legal.loc["C2", "children"] == 1
    assert legal.loc["V3", "children"] == 1 and not legal.loc["V3", "counted_in_cla_open"]
    assert legal.loc["not recorded", "children"] == 1
    assert legal.loc[legal["counted_in_cla_open"], "children"].sum() == 4  # = cla_open
    placement = tables["cla_by_placement_type"].set_index("placement_type")
    counts = placement.loc["U6", ["looked_after", "short_breaks"]].tolist()
    assert counts == [1, 1]  # b looked after, c on short breaks
    assert placement.loc["U6", "description"] == "Foster placement, not FFA"
    assert placement["looked_after"].sum() == 4


def test_a_short_break_beside_an_older_open_period_keeps_the_child_in_the_breakdowns_total(con):
    """Issue 34: a breakdown's total equals its headline. Child h has a C2 period open since January and
    a short break (V3) opened in June; cla_open counts h (by the C2 period), so the breakdowns must list
    h under C2 and U4, not under the short break, and their totals stay cla_open."""
    load(
        con,
        "2013-06",
        cla=[
            period("h", "2013-01-01"),  # C2, U4: looked after
            period("h", "2013-06-10", legal="V3", placement="U6"),  # newer, but a short break
            period("i", "2013-06-12", legal="V4", placement="U6"),  # short breaks only
        ],
    )
    assert figures(con, "2013-06")["cla_open"]["value"] == 1  # h
    tables = indicators.compute_tables(con, LA, "2013-06")
    legal = tables["cla_by_legal_status"].set_index("legal_status")
    assert legal.loc[legal["counted_in_cla_open"], "children"].sum() == 1  # h, as C2
    assert (legal.loc["C2", "children"], legal.loc["V3", "children"], legal.loc["V4", "children"]) == (
        1,
        0,
        1,
    )
    placement = tables["cla_by_placement_type"].set_index("placement_type")
    assert placement["looked_after"].sum() == 1 and placement.loc["U4", "looked_after"] == 1
    assert placement.loc["U6", ["looked_after", "short_breaks"]].tolist() == [0, 1]  # i


def care_leaver(child, in_touch="YES", suitability="suitable", activity="F1", review=None):
    return {
        "child_id": child, "in_touch": in_touch, "suitability": suitability, "activity": activity,
        "pathway_review_date": d(review) if review else None,
    }  # fmt: skip


def test_care_leavers_2024_layout(con):
    load(
        con,
        "2013-06",
        layout="2024",
        care_leavers=[
            care_leaver("a", review="2012-12-30"),  # asat - 6 months = 2012-12-30: in date
            care_leaver("b", "NO", None, "G4", review="2012-12-29"),  # a day older: out of date
            care_leaver("c", "REFU", "unsuitable", "G6", review="2013-06-30"),
            care_leaver("d", "YES", None, None),  # no review recorded
        ],
    )
    f = figures(con, "2013-06")
    assert f["care_leavers"]["value"] == 4
    # denominators are all List 9 rows
    assert (f["care_leavers_in_touch_pct"]["numerator"], f["care_leavers_in_touch_pct"]["denominator"]) == (
        2,
        4,
    )
    assert f["care_leavers_suitable_accommodation_pct"]["value"] == 25
    assert f["care_leavers_neet_pct"]["value"] == 50  # b, c
    assert f["pathway_plans_in_date_pct"]["value"] == 50  # a, c


def test_care_leavers_come_from_snapshot_m_only_and_pathway_needs_2024(con):
    load(con, "2013-05", care_leavers=[care_leaver("a"), care_leaver("b")])
    load(con, "2013-06", care_leavers=[care_leaver("c", "NO")])
    f = figures(con, "2013-06")
    assert f["care_leavers"]["value"] == 1
    assert f["care_leavers_in_touch_pct"]["value"] == 0
    pathway = f["pathway_plans_in_date_pct"]
    assert pathway["value"] is None
    assert pathway["note"].startswith(
        'not available: List 9 (care leavers) has no column "Latest Pathway Plan Review Date"'
    )


def test_no_care_leavers_empty_percentages(con):
    load(con, "2013-06", layout="2024", care_leavers=[])
    f = figures(con, "2013-06")
    assert f["care_leavers"]["value"] == 0
    assert f["care_leavers_neet_pct"]["value"] is None
    assert "no care leavers" in f["care_leavers_neet_pct"]["note"]
