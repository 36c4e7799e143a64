"""Workforce, caseloads and early help (sql/indicators/workforce.sql, caseloads.sql, early_help.sql,
sql/tables/caseload_by_team.sql). Month June 2013, asat 2013-06-30."""

from __future__ import annotations

import pytest
from test_indicators_support import LA, d, figures, load, warehouse_connection

from csc_report import indicators

con = pytest.fixture(warehouse_connection, name="con")


def post(team, establishment, filled, agency):
    return {"team": team, "establishment_fte": establishment, "filled_fte": filled, "agency_fte": agency}


def test_workforce(con):
    load(
        con,
        "2013-06",
        workforce=[post("A", 10.0, 8.0, 1.0), post("B", 5.0, 4.5, 0.5), post("B", 1.0, 0.0, 0.0)],
    )
    f = figures(con, "2013-06")
    assert f["sw_establishment_fte"]["value"] == pytest.approx(16.0)
    assert f["sw_vacancies_fte"]["value"] == pytest.approx(3.5)  # 16 - 12.5 filled
    assert f["sw_vacancy_rate_pct"]["value"] == pytest.approx(3.5 / 16 * 100)
    assert f["sw_agency_fte"]["value"] == pytest.approx(1.5)
    assert f["sw_agency_rate_pct"]["value"] == pytest.approx(1.5 / 14 * 100)  # agency / (12.5 + 1.5)


def test_workforce_absent_is_not_available(con):
    load(con, "2013-06", referrals=[])
    note = figures(con, "2013-06")["sw_vacancy_rate_pct"]["note"]
    assert note == "not available: the workforce extract was not in this month's files"


def case(start_key, start, end=None, worker=None, team="T1", child="c"):
    end_key = start_key.replace("start", "end")
    return {
        "child_id": child,
        start_key: d(start),
        end_key: d(end) if end else None,
        "worker": worker,
        "team": team,
    }


def test_caseloads_take_the_worker_of_the_highest_status_list(con):
    load(
        con,
        "2013-06",
        cin=[
            case("cin_start", "2013-01-01", worker="w1", child="a"),  # a: CIN only -> w1
            case("cin_start", "2013-01-01", worker="w1", child="b"),  # b: also CP -> the CP worker
            case("cin_start", "2013-01-01", worker="w9", child="c"),  # c: also CLA with no worker
            case("cin_start", "2013-01-01", "2013-06-30", worker="w1", child="e"),  # closed on asat
            case("cin_start", "2013-01-01", worker="w4", team="T2", child="f"),
            case("cin_start", "2013-01-01", worker=None, team="T2", child="g"),  # unallocated
        ],
        cp_plans=[case("cp_start", "2013-02-01", worker="w2", child="b")],
        cla=[
            case("cla_start", "2013-03-01", worker=None, child="c"),  # highest status, no worker
            {**case("cla_start", "2013-03-01", worker="w2", child="d"), "legal_status": "C2"},
        ],
    )
    f = figures(con, "2013-06")
    assert f["cases_open"]["value"] == 6  # a, b, c, d, f, g
    assert f["cases_unallocated"]["value"] == 2  # c (its CLA row names no worker), g
    average = f["caseload_average"]  # allocated a, b, d, f over workers w1, w2, w4
    assert (average["numerator"], average["denominator"]) == (4, 3)
    table = indicators.compute_tables(con, LA, "2013-06")["caseload_by_team"].set_index("team")
    # T1: a (w1), b (w2), d (w2) -> 3 cases, 2 workers, 1.5 each; c unallocated
    assert table.loc["T1"].tolist() == [3, 2, 1.5, 1]
    assert table.loc["T2"].tolist() == [1, 1, 1.0, 1]


def test_no_open_cases(con):
    load(con, "2013-06", cin=[], cp_plans=[], cla=[])
    f = figures(con, "2013-06")
    assert (f["cases_open"]["value"], f["cases_unallocated"]["value"]) == (0, 0)
    assert f["caseload_average"]["value"] is None and "no allocated workers" in f["caseload_average"]["note"]


def test_early_help(con):
    load(
        con,
        "2013-06",
        early_help=[
            {"child_id": "a", "eh_start": d("2013-06-03"), "eh_end": None},  # started in June, open
            {"child_id": "b", "eh_start": d("2013-01-03"), "eh_end": d("2013-06-30")},  # ends on asat
            {"child_id": "c", "eh_start": d("2013-01-03"), "eh_end": d("2013-07-01")},  # open
            {"child_id": "d", "eh_start": d("2013-07-01"), "eh_end": None},  # starts after asat
        ],
    )
    f = figures(con, "2013-06")
    assert f["early_help_started"]["value"] == 1
    assert f["early_help_open"]["value"] == 2
