"""Rank and quartile band among English authorities (issue 36, point 2), worked by hand on small tables
(tests/test_dfe.py checks the report's rank on the shipped data against an independent count)."""

from __future__ import annotations

import pandas as pd

from csc_report.dfe.rank import RANK_COLUMNS, rank_authorities
from csc_report.publish.benchmark_view import by_indicator, standing


def frame(indicator_id: str, values: dict[str, float | None], status: dict[str, str] | None = None):
    rows = [(indicator_id, "la", code, 2013, v, (status or {}).get(code, "")) for code, v in values.items()]
    rows += [
        (indicator_id, "england", "E92000001", 2013, 50.0, ""),
        (indicator_id, "region", "R", 2013, 1.0, ""),
    ]
    return pd.DataFrame(rows, columns=["indicator_id", "area_type", "area_code", "year", "value", "status"])


def by_code(ranked: pd.DataFrame) -> dict[str, tuple]:
    ranked = ranked[ranked["area_type"] == "la"]
    return {
        r.area_code: (None if pd.isna(r.rank) else int(r.rank), None if pd.isna(r.ranked) else int(r.ranked),
                      None if pd.isna(r.quartile) else r.quartile)
        for r in ranked.itertuples()
    }  # fmt: skip


def test_higher_is_better_ties_share_the_best_rank_and_the_next_skips():
    # ICPCs in time, higher better. Values 90, 80, 80, 70, 60, 50, 40, 30: ranks 1, 2, 2, 4, 5, 6, 7, 8 of 8.
    # Bands: r <= 2 -> A (8/4 = 2), r <= 4 -> B, r <= 6 -> C, else D. The tie at 2 is in A with 1.
    values = dict(a=90, b=80, c=80, d=70, e=60, f=50, g=40, h=30)
    ranked = rank_authorities(frame("icpc_in_15wd_pct", values))
    assert by_code(ranked) == {
        "a": (1, 8, "A"), "b": (2, 8, "A"), "c": (2, 8, "A"), "d": (4, 8, "B"),
        "e": (5, 8, "C"), "f": (6, 8, "C"), "g": (7, 8, "D"), "h": (8, 8, "D"),
    }  # fmt: skip
    # band A's last authority has 80: 80 or more is in the top quarter
    assert set(ranked.loc[ranked["quartile"].eq("A"), "top_quartile"]) == {80}
    # regions and England are not ranked
    assert ranked.loc[ranked["area_type"] != "la", "rank"].isna().all()


def test_lower_is_better_ranks_the_lowest_first():
    # re-referrals, lower better: 10 < 20 < 30 < 40 -> ranks 1..4 of 4, one per band; threshold 10
    ranked = rank_authorities(frame("re_referrals_pct", dict(a=40, b=10, c=30, d=20)))
    assert by_code(ranked) == {"b": (1, 4, "A"), "d": (2, 4, "B"), "c": (3, 4, "C"), "a": (4, 4, "D")}
    assert ranked["top_quartile"].dropna().unique().tolist() == [10]


def test_a_rate_of_demand_ranks_lowest_first():
    # CLA per 10,000 has no better direction: 1 is the lowest, as for a lower-is-better figure
    ranked = rank_authorities(frame("cla_rate_per_10k", dict(a=100.0, b=40.0)))
    assert by_code(ranked)["b"][0] == 1 and by_code(ranked)["a"][0] == 2


def test_suppressed_and_missing_authorities_are_neither_ranked_nor_counted():
    # five authorities, c suppressed (status c, no value), e not given (x): three ranked, "of 3".
    # 3 ranked: band A needs r <= 0.75, so nobody is in A; r=1 -> B (1 <= 1.5), r=2 -> C (2 <= 2.25), r=3 -> D
    values = dict(a=60.0, b=70.0, c=None, d=80.0, e=None)
    ranked = rank_authorities(frame("icpc_in_15wd_pct", values, status=dict(c="c", e="x")))
    assert by_code(ranked) == {
        "d": (1, 3, "B"), "b": (2, 3, "C"), "a": (3, 3, "D"), "c": (None, None, None), "e": (None, None, None)
    }  # fmt: skip
    assert ranked["top_quartile"].isna().all()  # no authority in band A, so no threshold


def test_each_measure_and_year_is_ranked_on_its_own():
    two = pd.concat([frame("re_referrals_pct", dict(a=1, b=2)), frame("icpc_in_15wd_pct", dict(a=1, b=2))])
    ranked = rank_authorities(two)
    la = ranked[ranked["area_type"] == "la"]
    assert dict(zip(la["indicator_id"] + la["area_code"], la["rank"], strict=True)) == {
        "re_referrals_pcta": 1, "re_referrals_pctb": 2, "icpc_in_15wd_pcta": 2, "icpc_in_15wd_pctb": 1
    }  # fmt: skip


def test_the_scorecard_cell_gives_rank_band_and_the_top_quarter_threshold():
    # the authority's row as report_benchmarks gives it: rank 34 of 153, band A ends at 20.1% (lower better)
    benchmarks = by_indicator(
        pd.DataFrame(
            [
                ("re_referrals_pct", "la", "Peterborough", 2013, 24.7, "", 34, 153, "A", 20.1),
                ("re_referrals_pct", "england", "England", 2013, 22.0, "", None, None, None, None),
                ("cla_rate_per_10k", "la", "Peterborough", 2013, 60.0, "", 40, 150, "B", 45.0),
                ("icpc_in_15wd_pct", "la", "Peterborough", 2013, None, "c", None, None, None, None),
            ],
            columns=["indicator_id", "area_type", "area", "year", "value", "status", *RANK_COLUMNS],
        )
    )
    assert standing(benchmarks, "re_referrals_pct") == "34 of 153, band A; top quarter: 20.1% or better"
    # a rate of demand ranks lowest first: its top quarter is "or lower", never "or better"
    assert standing(benchmarks, "cla_rate_per_10k") == "40 of 150, band B; top quarter: 45.0 or lower"
    assert standing(benchmarks, "icpc_in_15wd_pct") == ""  # suppressed: no rank
    assert standing(benchmarks, "contacts") == ""  # DfE publishes no such figure
