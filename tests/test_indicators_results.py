"""The catalogue, storing results, trends and the stored rows indicators.csv is written from."""

from __future__ import annotations

import json

import pytest
from test_indicators_support import LA, d, figures, load, set_population, warehouse_connection

from csc_report import indicator_catalogue, indicators, stored_results, warehouse_results
from csc_report.publish.report import INDICATOR_COLUMNS
from csc_report.settings import CONFIG_DIR, SQL_DIR
from csc_report.targets import Target, load_targets

CONTRACT_INDICATORS = """
contacts referrals referrals_r12 referral_rate_r12_per_10k referrals_nfa_pct re_referrals_pct
re_referrals_r12_pct initial_assessments_in_10wd_pct core_assessments_completed core_assessments_in_35wd
core_assessments_in_35wd_pct assessments_completed assessments_in_45wd_pct assessments_open_overdue
s47_started s47_rate_r12_per_10k icpcs icpc_in_15wd_pct icpc_to_cp_plan_pct cp_plans_open cp_rate_per_10k
cp_plans_started cp_plans_ended cp_second_subsequent_pct cp_open_2yrs_plus cla_open cla_rate_per_10k
cla_started cla_ceased cla_3plus_placements_pct care_leavers care_leavers_in_touch_pct
care_leavers_suitable_accommodation_pct care_leavers_neet_pct pathway_plans_in_date_pct
sw_establishment_fte sw_vacancies_fte sw_vacancy_rate_pct sw_agency_fte sw_agency_rate_pct
cases_unallocated early_help_started early_help_open
""".split()
CONTRACT_TABLES = (
    "referrals_weekly cp_by_category cla_by_legal_status cla_by_placement_type caseload_by_team".split()
)

con = pytest.fixture(warehouse_connection, name="con")


def indicator_ids() -> list[str]:
    return indicator_catalogue.catalogue()[0]["indicator_id"].tolist()


def test_every_contract_id_is_defined_once_and_found_by_grep():
    catalogue, tables, _ = indicator_catalogue.catalogue()
    assert set(CONTRACT_INDICATORS) <= set(catalogue["indicator_id"])
    assert set(CONTRACT_TABLES) == set(tables["table_id"])
    for row in catalogue.itertuples():
        assert f"'{row.indicator_id}'" in (SQL_DIR / "indicators" / f"{row.family}.sql").read_text()
    for table_id in CONTRACT_TABLES:
        assert (SQL_DIR / "tables" / f"{table_id}.sql").exists()


def test_demo_targets_load_against_the_catalogue():
    targets = load_targets(CONFIG_DIR / "demo_targets.yaml", known_ids=indicator_ids())
    assert targets["pathway_plans_in_date_pct"] == Target(95.0, "higher", 5.0)
    assert targets["referral_rate_r12_per_10k"].direction == "lower"


@pytest.fixture
def two_months(con):
    set_population(con, y2013=10000)
    load(con, "2013-05", referrals=[{"child_id": "a", "referral_date": d("2013-05-02")}])
    # June's extract repeats May's referral: it is inside June's window, so June's word on it counts
    june = [
        {"child_id": "a", "referral_date": d("2013-05-02")},
        {"child_id": "b", "referral_date": d("2013-06-03")},
    ]
    load(con, "2013-06", referrals=june, cp_plans=[])
    return con


def test_seed_report_style_target_gives_amber(two_months):
    # rate 2 / 10,000 * 10,000 = 2.0 per 10k against a lower-is-better target of 1.94 (3% under 2.0)
    targets = {"referral_rate_r12_per_10k": Target(1.94, "lower", 0.1), "referrals": Target(5, "higher")}
    f = figures(two_months, "2013-06", targets=targets)
    assert f["referral_rate_r12_per_10k"]["rag"] == "amber"
    assert f["referrals"]["rag"] == "red"
    assert f["contacts"]["rag"] == "none"  # no value (not available) and no target


def test_store_replace_trend_and_csv_rows(two_months):
    con = two_months
    for month in ("2013-05", "2013-06"):
        rows = indicators.compute_indicators(con, LA, month)
        warehouse_results.store_results(con, LA, month, rows, indicators.compute_tables(con, LA, month))
    # storing again replaces, it never duplicates
    rows = indicators.compute_indicators(con, LA, "2013-06")
    warehouse_results.store_results(con, LA, "2013-06", rows, indicators.compute_tables(con, LA, "2013-06"))
    count = con.execute("select count(*) from indicator_values where month = '2013-06-01'").fetchall()[0][0]
    assert count == len(rows) == len(indicator_ids())

    both = stored_results.trends(con, LA, ["referrals", "cp_plans_open"], "2013-06")
    series = both["referrals"]
    assert list(series.columns) == ["month", "value", "note"]
    assert series["month"].tolist()[0] == "2012-06" and series["month"].tolist()[-1] == "2013-06"
    assert series["value"].tolist()[-2:] == [1.0, 1.0]
    assert series["value"].isna().sum() == 11
    plans = con.execute(
        "select value from indicator_values where indicator_id = 'cp_plans_open' order by month"
    ).fetchall()
    stored = [float("nan") if v is None else v for (v,) in plans]
    assert both["cp_plans_open"]["value"].tolist()[-2:] == pytest.approx(stored, nan_ok=True)

    assert stored_results.stored_values(con, LA, "2013-06")["referrals_r12"] == 2
    weekly = stored_results.stored_tables(con, LA, "2013-06")["referrals_weekly"]
    assert weekly["week_start"].iloc[-1] == "2013-06-24"
    assert weekly["referrals"].sum() == 2  # 2 May and 3 June: both within the 13 weeks
    stored = con.execute(
        "select data from report_tables where table_id = 'cp_by_category' and month = '2013-06-01'"
    ).fetchall()[0][0]
    assert json.loads(stored)[0] == {"category": "NEG", "description": "Neglect", "children": 0}

    # publishing writes indicators.csv from these rows, in its own INDICATOR_COLUMNS order
    csv_rows = {r["indicator_id"]: r for r in stored_results.stored_indicators(con, LA, "2013-06")}
    assert set(INDICATOR_COLUMNS) <= set(csv_rows["referrals"])
    assert csv_rows["referrals"]["period"] == "2013-06"
    assert csv_rows["referrals_r12"]["period"] == "2012-07 to 2013-06"
    assert csv_rows["cp_plans_open"]["period"] == "2013-06-30"
    assert csv_rows["contacts"]["value"] is None and csv_rows["contacts"]["note"].startswith("not available")


def test_store_is_atomic(two_months):
    con = two_months
    rows = indicators.compute_indicators(con, LA, "2013-06")
    warehouse_results.store_results(con, LA, "2013-06", rows, {})
    bad = rows + [rows[0]]  # a duplicate key fails the insert: the earlier results must survive
    with pytest.raises(Exception, match="(?i)constraint|duplicate"):
        warehouse_results.store_results(con, LA, "2013-06", bad, {})
    assert stored_results.stored_values(con, LA, "2013-06")["referrals"] == 1


def test_a_month_of_a_few_thousand_rows_computes(con):
    set_population(con, y2013=45000)
    referrals = [{"child_id": f"c{i % 1500}", "referral_date": d(f"2013-{1 + i % 6:02d}-{1 + i % 28:02d}")}
                 for i in range(3000)]  # fmt: skip
    load(con, "2013-06", referrals=referrals, cp_plans=[], cla=[], cin=[])
    rows = {r["indicator_id"]: r for r in indicators.compute_indicators(con, LA, "2013-06")}
    assert rows["referrals"]["value"] == 500  # i % 6 == 5: every sixth of the 3,000 is dated in June
    assert indicators.compute_tables(con, LA, "2013-06")["referrals_weekly"]["referrals"].sum() > 0
