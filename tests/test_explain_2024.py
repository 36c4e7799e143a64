"""`explain` adds up for every figure of contract 3.2 on a generated 2024-layout month (the 2024 demo's
last month, March 2025, at a fifth of its scale), and each of them has a value: the 2024 template fills
every column they read. One process, no engines: the extract is read, pseudonymised and loaded as the
pipeline's stages do, without GX validation (tests/test_explain.py runs the real stages on the 2013 demo).
"""

from __future__ import annotations

import pytest
from csc_report.transforms.pseudonymise import pseudonymise
from csc_report.transforms.read import read_extract

from csc_report import explain, indicators, warehouse, warehouse_reference, warehouse_results
from csc_report.generate import generate_inbox

LA, MONTH = "874", "2025-03"
CONTRACT_3_2 = """
cin_open cin_rate_per_10k cin_started cin_closed cin_seen_in_standard_pct cp_visits_in_standard_pct
cp_seen_alone_pct cp_reviews_in_time_pct cp_ended_2yrs_plus_r12_pct cla_visits_in_standard_pct
cla_reviews_in_time_pct cla_health_in_date_pct cla_dental_in_date_pct cla_missing_pct cla_missing_episodes
return_interviews_offered_pct return_interviews_accepted_pct cla_long_term_stability_pct
cla_placed_out_of_area_pct care_leavers_19_21 care_leavers_19_21_in_touch_pct
care_leavers_19_21_suitable_accommodation_pct care_leavers_19_21_neet_pct care_leavers_17_18
care_leavers_17_18_in_touch_pct care_leavers_17_18_suitable_accommodation_pct care_leavers_17_18_neet_pct
care_leavers_contact_in_standard_pct adoptions_r12 adoption_care_to_placed_days
adoption_order_to_match_days adoption_decisions_reversed_r12
""".split()


@pytest.fixture(scope="module")
def month_2024(tmp_path_factory):
    root = tmp_path_factory.mktemp("explain_2024")
    generate_inbox(root / "inbox", la_code=LA, end=MONTH, months=1, scale=0.2, seed=21, layout="2024")
    extract = pseudonymise(read_extract(sorted((root / "inbox" / LA / MONTH).glob("*.xlsx"))), b"k" * 32, LA)
    con = warehouse.connect(root / f"{LA}.duckdb")
    warehouse.apply_schema(con)
    warehouse_reference.load_population(con, root / "inbox" / "reference" / "population.csv")
    warehouse.load_snapshot(con, LA, MONTH, extract, load_id="test")
    rows = indicators.compute_indicators(con, LA, MONTH, targets={})
    warehouse_results.store_results(con, LA, MONTH, rows, indicators.compute_tables(con, LA, MONTH))
    yield con, {r["indicator_id"]: r for r in rows}
    con.close()


@pytest.mark.slow
def test_every_new_figure_of_a_2024_month_equals_its_rows(month_2024):
    con, figures = month_2024
    assert set(CONTRACT_3_2) <= set(figures)
    for indicator_id in CONTRACT_3_2:
        assert figures[indicator_id]["value"] is not None, (indicator_id, figures[indicator_id]["note"])
        explanation = explain.explain(con, LA, MONTH, indicator_id)
        assert explanation.agrees(), explanation.summary()
    # the 2024 template has single assessments only: initial and core assessments are not available
    assert figures["core_assessments_in_35wd_pct"]["value"] is None
