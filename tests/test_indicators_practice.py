"""Practice, health, missing and stability (contract 3.2): sql/indicators/children_in_need.sql and the
practice figures of child_protection.sql and looked_after.sql, with local standards (config/standards.yaml,
csc_report.standards). Month June 2024, asat Sunday 2024-06-30; no bank holiday in June 2024, Monday
27 May 2024 is one. Working days counted back from asat (contract 2: days d with start < d <= asat):
Fri 28 June is 1, Mon 17 June is 10, Fri 14 June is the 10th day's start, so "within 10 working days"
means d >= 14 June (14 -> 30 June = 17..28 = 10 days); from Mon 3 June to asat is 19 working days (4..28
June), from Fri 31 May 20 (3..28 June), from Thu 30 May 21.
"""

from __future__ import annotations

import pytest
from test_indicators_support import LA, d, figures, load, warehouse_connection

from csc_report import explain, indicator_catalogue, standards
from csc_report.authority_config import load_authority_config
from csc_report.errors import UsageError
from csc_report.months import month_start

con = pytest.fixture(warehouse_connection, name="con")
JUNE = "2024-06"


def parts(f: dict) -> tuple:
    return f["numerator"], f["denominator"], pytest.approx(f["value"])


def rows_add_up(con, ids) -> None:
    """Each figure equals what its explain rows add up to (csc_report.explain.counted)."""
    computed = figures(con, JUNE)
    units = indicator_catalogue.catalogue()[0].set_index("indicator_id")["unit"]
    for indicator_id in ids:
        counted = explain.counted(explain.figure_rows(con, LA, JUNE, indicator_id), units[indicator_id])
        for part, value in counted.items():
            assert computed[indicator_id][part] == pytest.approx(value), (indicator_id, part)


def cin(child, start, end=None, seen=None):
    return {"child_id": child, "cin_start": d(start), "cin_end": d(end) if end else None,
            "last_seen": d(seen) if seen else None}  # fmt: skip


CIN = [
    cin("a", "2024-01-01", seen="2024-05-31"),  # seen exactly 20 working days before asat: in standard
    cin("b", "2024-01-01", seen="2024-05-30"),  # 21 working days: out of standard
    cin("c", "2024-05-31"),  # open exactly 20 working days: due a visit; never seen: denominator only
    cin("d", "2024-06-03", seen="2024-06-10"),  # open 19 working days: not yet due, not in the percentage
    cin("e", "2024-01-01", "2024-06-30"),  # closed on asat: not open; closed in June
    cin("f", "2024-06-10"),  # started in June, open
]


def test_children_in_need(con):
    load(con, JUNE, layout="2024", cin=CIN)
    f = figures(con, JUNE)
    assert f["cin_open"]["value"] == 5  # a, b, c, d, f
    assert (f["cin_started"]["value"], f["cin_closed"]["value"]) == (2, 1)  # d, f; e
    assert parts(f["cin_seen_in_standard_pct"]) == (1, 3, 100 / 3)  # a of a, b, c
    assert f["cin_seen_in_standard_pct"]["note"] == "within 20 working days, the default standard"
    rows_add_up(con, ["cin_open", "cin_started", "cin_closed", "cin_seen_in_standard_pct"])


def plan(child, start, end=None, visit=None, alone=None, review=None):
    return {"child_id": child, "cp_start": d(start), "cp_end": d(end) if end else None,
            "last_visit": d(visit) if visit else None, "seen_alone": alone,
            "last_review": d(review) if review else None}  # fmt: skip


PLANS = [
    plan("a", "2024-01-01", visit="2024-06-14", alone="Y", review="2023-12-30"),  # visit: exactly 10 wd;
    # review: asat - 6 months = 30 December 2023 (the day clamped): in time
    plan("b", "2024-01-01", visit="2024-06-13", alone="N", review="2023-12-29"),  # 11 wd; a day late
    plan("c", "2024-03-30"),  # exactly 3 months old (asat - 3 months = 30 March): due a review; no dates
    plan("d", "2024-06-17", visit="2024-06-20"),  # 9 wd old: no visit due; blank seen-alone: not yes
    plan("e", "2024-03-31", visit="2024-06-28", alone="U"),  # a day short of 3 months: no review due
    plan("g", "2022-01-15", "2024-01-15"),  # ended in r12 after exactly 2 years: counted as 2 years
    plan("h", "2022-01-16", "2024-01-15"),  # a day short of 2 years
    plan("i", "2024-02-01", "2024-06-30"),  # ended on asat (in r12, not open)
    plan("j", "2021-06-10", "2023-06-10"),  # ended before r12 (1 July 2023 - 30 June 2024)
]


def test_child_protection_practice(con):
    load(con, JUNE, layout="2024", cp_plans=PLANS, window_months=12)
    f = figures(con, JUNE)
    assert parts(f["cp_visits_in_standard_pct"]) == (2, 4, 50)  # a, e of a, b, c, e
    assert f["cp_visits_in_standard_pct"]["note"] == "within 10 working days, the default standard"
    assert parts(f["cp_seen_alone_pct"]) == (1, 4, 25)  # a of a, b, d, e (c has no visit)
    assert parts(f["cp_reviews_in_time_pct"]) == (1, 3, 100 / 3)  # a of a, b, c
    assert f["cp_reviews_in_time_pct"]["note"] == "within 6 months, the default standard"
    assert parts(f["cp_ended_2yrs_plus_r12_pct"]) == (1, 3, 100 / 3)  # g of g, h, i
    assert f["cp_ended_2yrs_plus_r12_pct"]["note"] is None  # a 12-month window covers r12
    rows_add_up(con, ["cp_visits_in_standard_pct", "cp_seen_alone_pct", "cp_reviews_in_time_pct",
                      "cp_ended_2yrs_plus_r12_pct"])  # fmt: skip


def test_an_authoritys_standard_replaces_the_default_and_the_note_says_so(con):
    load(con, JUNE, layout="2024", cp_plans=PLANS)
    overrides = standards.parse_overrides("config.yaml", {"cp_visit": 15})  # in the default's unit
    standards.store(con, LA, month_start(JUNE), overrides)
    f = figures(con, JUNE)
    assert parts(f["cp_visits_in_standard_pct"]) == (3, 4, 75)  # b's visit, 11 wd, now in standard
    assert f["cp_visits_in_standard_pct"]["note"] == "within 15 working days, this authority's standard"
    # a six-month window does not reach back to 1 July 2023: the r12 figure says so
    assert "is partial" in f["cp_ended_2yrs_plus_r12_pct"]["note"]


def test_a_bad_standard_is_a_usage_error_naming_the_file():
    with pytest.raises(UsageError, match="config.yaml: unknown standard"):
        standards.parse_overrides("config.yaml", {"cp_visits": 10})
    with pytest.raises(UsageError, match="config.yaml: standard cla_visit: unit must be one of"):
        standards.parse_overrides("config.yaml", {"cla_visit": {"amount": 6, "unit": "weeks"}})


def period(child, dob, start, placement=None, visit=None, review=None, health=None, dental=None,
           missing=0, offered=None, accepted=None, location="IN", legal="C2"):  # fmt: skip
    return {
        "child_id": child, "dob": d(dob), "cla_start": d(start), "legal_status": legal,
        "placement_start": d(placement or start), "last_visit": d(visit) if visit else None,
        "last_review": d(review) if review else None,
        "last_health_assessment": d(health) if health else None,
        "last_dental_check": d(dental) if dental else None, "missing_episodes": missing,
        "return_interview_offered": offered, "return_interview_accepted": accepted,
        "placement_location": location,
    }  # fmt: skip


# asat - 42 days = 19 May 2024; asat - 12 months = 30 June 2023; - 6 months = 30 December 2023;
# - 30 months = 30 December 2021; - 2 years = 30 June 2022.
CARE = [
    # a: 4 (under 5); in care exactly 2.5 years, in placement exactly 2 years: stable; visit exactly 42 days
    # ago; health assessment exactly 6 months ago (the under-5 standard): in date; dental a day late
    period(
        "a",
        "2020-01-01",
        "2021-12-30",
        "2022-06-30",
        "2024-05-19",
        "2023-12-30",
        "2023-12-30",
        "2023-06-29",
        missing=2,
        offered="Y",
        accepted="N",
    ),  # fmt: skip
    # b: 15, in care a day short of 2.5 years; visit 43 days ago; review a day late; health a day late
    # (12-month standard); dental exactly 12 months ago; placed out of area
    period(
        "b",
        "2008-07-01",
        "2021-12-31",
        "2023-01-01",
        "2024-05-18",
        "2023-12-29",
        "2023-06-29",
        "2023-06-30",
        location="OUT",
    ),  # fmt: skip
    # c: in care exactly 42 days (due a visit) and 29 working days (due a review), neither recorded;
    # missing once, return interview blank (not offered); no placement location
    period("c", "2012-03-01", "2024-05-19", missing=1, location=None),
    # d: turned 5 in June 2024 (month of birth June 2019): the 12-month health standard, which a health
    # assessment on 1 July 2023 meets (the under-5 one would not); no dental check
    period(
        "d",
        "2019-06-01",
        "2023-01-01",
        visit="2024-06-28",
        review="2024-06-01",
        health="2023-07-01",
        missing=3,
        offered="Y",
        accepted="Y",
    ),  # fmt: skip
    period("e", "2015-01-01", "2024-01-01", legal="V3"),  # short breaks: not looked after
    period("f", "2010-01-01", "2024-06-10", location="OUT"),  # 14 working days in care: nothing due
    # g: turned 16 in June 2024: not under 16, out of the stability figure
    period("g", "2008-06-01", "2020-01-01", None, "2024-06-01", "2024-06-01", "2024-01-01", "2024-01-01"),
    # h: 9, in care since 2020, placement started a day after asat - 2 years: not stable
    period(
        "h", "2015-01-01", "2020-01-01", "2022-07-01", "2024-06-01", "2024-06-01", "2024-01-01", "2024-01-01"
    ),  # fmt: skip
]


def test_looked_after_practice_health_missing_and_stability(con):
    load(con, JUNE, layout="2024", cla=CARE)
    f = figures(con, JUNE)
    assert f["cla_open"]["value"] == 7  # all but e
    assert parts(f["cla_visits_in_standard_pct"]) == (4, 6, 200 / 3)  # a, d, g, h of a, b, c, d, g, h
    assert f["cla_visits_in_standard_pct"]["note"] == "within 42 days, the default standard"
    assert parts(f["cla_reviews_in_time_pct"]) == (4, 6, 200 / 3)  # a, d, g, h of the same
    assert parts(f["cla_health_in_date_pct"]) == (4, 5, 80)  # a, d, g, h of a, b, d, g, h
    assert parts(f["cla_dental_in_date_pct"]) == (3, 5, 60)  # b, g, h
    assert parts(f["cla_missing_pct"]) == (3, 7, 300 / 7)  # a, c, d
    assert f["cla_missing_episodes"]["value"] == 6  # 2 + 1 + 3
    assert parts(f["return_interviews_offered_pct"]) == (2, 3, 200 / 3)  # a, d of a, c, d
    assert parts(f["return_interviews_accepted_pct"]) == (1, 2, 50)  # d of a, d
    assert parts(f["cla_long_term_stability_pct"]) == (1, 2, 50)  # a of a, h
    assert parts(f["cla_placed_out_of_area_pct"]) == (2, 6, 100 / 3)  # b, f of all but c
    rows_add_up(con, [
        "cla_visits_in_standard_pct", "cla_reviews_in_time_pct", "cla_health_in_date_pct",
        "cla_dental_in_date_pct", "cla_missing_pct", "cla_missing_episodes", "return_interviews_offered_pct",
        "return_interviews_accepted_pct", "cla_long_term_stability_pct", "cla_placed_out_of_area_pct",
    ])  # fmt: skip


def test_without_the_columns_the_practice_figures_are_not_available(con):
    load(con, JUNE, layout="2019", cla=CARE, absent={"cla": ["last_dental_check"]})
    f = figures(con, JUNE)
    assert f["cla_dental_in_date_pct"]["value"] is None
    assert f["cla_dental_in_date_pct"]["note"].startswith("not available: List 8")
    assert f["cla_health_in_date_pct"]["value"] == 80


def test_an_authoritys_config_yaml_sets_its_standards(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "window_months: 6\nstandards:\n  cp_visit: {amount: 15, unit: working_days}\n  cla_visit: 28\n"
    )
    assert load_authority_config(path).standards == {
        "cp_visit": standards.Standard(15, "working_days"),
        "cla_visit": standards.Standard(28, "days"),  # a bare amount keeps the default's unit
    }
    path.write_text("standards:\n  cp_visit: fifteen\n")
    with pytest.raises(UsageError, match=f"{path}: standard cp_visit: amount must be a whole number"):
        load_authority_config(path)
