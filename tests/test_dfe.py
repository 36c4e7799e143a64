"""Published benchmarks (issue 12): the shipped reference data against DfE's own files, read here
independently with the csv module, and the choice of reporting year."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from csc_report import warehouse, warehouse_reference
from csc_report.cli import main
from csc_report.dfe import build, lookup
from csc_report.dfe.measures import BY_ID, reporting_year, year_label
from csc_report.publish import benchmark_view


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    warehouse.apply_schema(connection)
    lookup.load_reference(connection)
    yield connection
    connection.close()


@pytest.fixture
def dfe(shared_dir) -> Path:
    return shared_dir / "reference" / "dfe"


def dfe_rows(path: Path, year: str, **match: str) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            row
            for row in csv.DictReader(handle)
            if row["time_period"] == year and all(row[k] == v for k, v in match.items())
        ]


def one(path: Path, year: str, **match: str) -> dict:
    rows = dfe_rows(path, year, **match)
    assert len(rows) == 1, (path.name, year, match)
    return rows[0]


def shown(frame: pd.DataFrame, indicator_id: str) -> dict[str, float]:
    rows = frame[frame["indicator_id"] == indicator_id]
    return dict(zip(rows["area_type"], rows["value"], strict=True))


@pytest.mark.parametrize(
    ("month", "indicator_id", "year"),
    [
        ("2013-06", "re_referrals_pct", 2013),  # June 2013 -> 2012-13, DfE time_period 2013
        ("2013-03", "re_referrals_pct", 2013),  # the year ends 31 March: March's report has it
        ("2013-02", "re_referrals_pct", 2012),
        ("2013-06", "sw_agency_rate_pct", 2012),  # workforce census at 30 September
        ("2013-09", "sw_agency_rate_pct", 2013),
    ],
)
def test_latest_reporting_year_ending_by_the_report_month(month, indicator_id, year):
    assert reporting_year(month, BY_ID[indicator_id]) == year


def test_year_labels():
    assert year_label(2013, BY_ID["re_referrals_pct"]) == "2012-13"
    assert year_label(2012, BY_ID["sw_agency_rate_pct"]) == "Sep 2012"


def test_three_indicators_match_dfe_published_figures_for_peterborough_2012_13(con, dfe):
    """June 2013: re-referrals %, ICPCs within 15 working days and the CP rate, for Peterborough (874),
    its neighbours, the East of England and England, from DfE's CSVs read here with the csv module."""
    frame = lookup.report_benchmarks(con, "874", "2013-06")
    c1 = dfe / "csc_outcomes" / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    c4 = dfe / "csc_outcomes" / "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
    d5 = dfe / "csc_outcomes" / "d5_cpps_at31march_by_duration_2013_to_2025.csv"
    ons = dfe / "ons_mid-year_population_0_17_2012_to_2024.csv"
    la, region, england = {"old_la_code": "874"}, {"region_name": "East of England"}, {}

    def level(kind):
        return {"la": "Local authority", "region": "Regional", "england": "National"}[kind]

    # re-referrals: DfE's published percentage, as it stands
    published = shown(frame, "re_referrals_pct")
    for kind, match in (("la", la), ("region", region), ("england", england)):
        row = one(c1, "2013", geographic_level=level(kind), **match)
        assert published[kind] == pytest.approx(float(row["rereferral_percent"]))
    assert published["la"] == 33.5 and published["england"] == 24.7
    # ...and the neighbours' mean over DfE's April 2021 list for 874
    with (dfe / "csc_outcomes" / "statistical_neighbours_april_2021.csv").open(encoding="utf-8-sig") as f:
        listed = next(r for r in csv.reader(f) if r[0] == "874")
    neighbours = [listed[5 + 2 * i] for i in range(10)]
    values = [float(one(c1, "2013", old_la_code=code)["rereferral_percent"]) for code in neighbours]
    assert published["statistical_neighbours"] == pytest.approx(statistics.mean(values))

    # ICPCs within 15 working days: DfE's duration bins 0-10 plus 11-15, over ICPCs
    published = shown(frame, "icpc_in_15wd_pct")
    for kind, match in (("la", la), ("region", region), ("england", england)):
        row = one(c4, "2013", geographic_level=level(kind), **match)
        within = int(row["Duration_0-10_days"]) + int(row["Duration_11-15_days"])
        assert published[kind] == pytest.approx(within / int(row["ICPC"]) * 100, abs=1e-4)
    assert published["la"] == pytest.approx((71 + 251) / 366 * 100, abs=1e-4)  # 88.0%

    # CP rate: plans at 31 March 2013 over the ONS mid-2012 0-17 population, x 10,000
    published = shown(frame, "cp_rate_per_10k")
    for kind, match in (("la", la), ("england", england)):
        plans = int(one(d5, "2013", geographic_level=level(kind), **match)["CPP_At31"])
        population = int(one(ons, "2012", geographic_level=level(kind), **match)["population_estimate"])
        assert published[kind] == pytest.approx(plans / population * 10_000, abs=1e-4)
    assert published["la"] == pytest.approx(269 / 45_392 * 10_000, abs=1e-4)  # 59.3


def test_derived_rates_equal_the_rates_dfe_publishes_in_lait(con, dfe):
    """The CP and S47 rates are derived from counts as LAIT derives them: Peterborough 2017-18 is LAIT's
    44.5 and 194.7 per 10,000."""
    frame = lookup.report_benchmarks(con, "874", "2018-06")
    lait = pd.read_parquet(dfe / "lait" / "bds_long_0.parquet")
    for indicator_id, short in (("cp_rate_per_10k", "CPP_rate"), ("s47_rate_r12_per_10k", "Section_47")):
        row = lait[(lait["Short Desc"] == short) & (lait["Years"] == "2018") & (lait["LA Number"] == 874)]
        assert round(shown(frame, indicator_id)["la"], 1) == round(float(row["Values"].iloc[0]), 1)


def test_suppressed_and_unpublished_figures_say_so(con):
    frame = lookup.report_benchmarks(con, "874", "2015-06")  # 874's 2014-15 CP plans of 2 years+: c
    row = frame[(frame["indicator_id"] == "cp_open_2yrs_plus") & (frame["area_type"] == "la")].iloc[0]
    assert (row["status"], pd.isna(row["value"])) == ("c", True)
    early = lookup.report_benchmarks(con, "874", "2013-06")  # LAIT's assessments start in 2015-16
    row = early[(early["indicator_id"] == "assessments_in_45wd_pct") & (early["area_type"] == "england")]
    assert row["status"].iloc[0] == "not published"


def test_published_by_dfe_but_not_shipped_says_so_not_unpublished(con):
    """DfE published the 2012-13 CLA rate and care leavers NEET (SSDA903), but the shipped data (LAIT
    from 2016, CLA file from 2021) lack them: "not in the shipped DfE data". Single assessments and the
    workforce census did not exist yet: "not published"."""
    frame = lookup.report_benchmarks(con, "874", "2013-06").set_index(["indicator_id", "area_type"])
    for indicator_id in ("cla_rate_per_10k", "care_leavers_19_21_neet_pct"):
        for area_type in ("la", "statistical_neighbours", "region", "england"):
            assert frame.loc[(indicator_id, area_type), "status"] == "not in the shipped DfE data"
    for indicator_id in ("assessments_in_45wd_pct", "sw_agency_rate_pct"):
        assert frame.loc[(indicator_id, "england"), "status"] == "not published"
    assert frame.loc[("re_referrals_pct", "statistical_neighbours"), "area"] == (
        "statistical neighbours on DfE's 2021 list (DfE's lists before 2021 are not in the shipped data)"
    )
    assert frame.loc[("re_referrals_pct", "la"), "area"] == "Peterborough"


@pytest.mark.parametrize(
    "indicator_id, year, status",
    [
        ("assessments_in_45wd_pct", 2013, "not published"),  # single assessments began in 2013-14
        ("assessments_in_45wd_pct", 2014, "not in the shipped DfE data"),
        ("sw_vacancy_rate_pct", 2012, "not published"),  # the first workforce census: 30 September 2013
        ("sw_vacancy_rate_pct", 2013, "not in the shipped DfE data"),
        ("referral_rate_r12_per_10k", 2009, "not published"),  # the CIN census: from 2009-10
        ("referral_rate_r12_per_10k", 2010, "not in the shipped DfE data"),
    ],
)
def test_what_a_missing_year_says_at_each_first_year(indicator_id, year, status):
    assert BY_ID[indicator_id].missing(year) == status


def test_an_unknown_authority_gets_england_and_says_why_not_the_rest(con):
    frame = lookup.report_benchmarks(con, "999", "2013-06")
    rows = frame[frame["indicator_id"] == "re_referrals_pct"].set_index("area_type")
    assert rows.loc["england", "value"] == 24.7
    assert rows.loc["la", "source"] == "999 is not an English local authority code in the reference data"


def test_an_authority_without_a_name_of_its_own_is_called_by_dfes_name(con):
    """Issue 34: without reference/authorities.csv a real authority reads `Walsall`, not `335`, and its
    footer keeps no "uses the code of" line; an authorities.csv name wins; an unknown code stays a code."""
    con.execute("DELETE FROM authorities")
    assert warehouse_reference.la_name(con, "335") == "Walsall"
    assert warehouse_reference.la_names(con)["874"] == "Peterborough"
    assert warehouse_reference.la_name(con, "999") == "999"
    frame = lookup.report_benchmarks(con, "335", "2013-06")
    assert benchmark_view.own_figure_note(frame, "335", warehouse_reference.la_name(con, "335")) is None
    warehouse_reference.load_authorities(con, {"335": "Demo Borough"})
    try:
        assert warehouse_reference.la_name(con, "335") == "Demo Borough"
        assert "DfE publishes as Walsall" in benchmark_view.own_figure_note(frame, "335", "Demo Borough")
    finally:
        con.execute("DELETE FROM authorities")


def test_reference_data_reload_only_when_changed(con):
    assert lookup.load_reference(con) is False
    con.execute("UPDATE reference_versions SET sha256 = 'old'")
    assert lookup.load_reference(con) is True
    assert con.execute("select count(*) from benchmarks").fetchall()[0][0] > 20_000


@pytest.mark.slow
def test_import_rebuilds_the_shipped_data_exactly(dfe, tmp_path, capsys):
    """`csc-report benchmarks import` on the DfE files reproduces what the package ships, byte for byte:
    the shipped data are what the command makes, and the command is deterministic."""
    assert main(["benchmarks", "import", str(dfe), "--out", str(tmp_path)]) == 0
    assert "benchmarks.parquet" in capsys.readouterr().out
    for name in build.OUTPUTS:
        assert (tmp_path / name).read_bytes() == (lookup.PACKAGE_DATA / name).read_bytes(), name
    assert sum((tmp_path / name).stat().st_size for name in build.OUTPUTS) < 300_000  # a few hundred KB


def test_import_from_a_folder_without_dfe_files_is_a_usage_error(tmp_path, capsys):
    assert main(["benchmarks", "import", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "no file matching c1_" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_report_carries_peterboroughs_rank_as_counted_independently(con):
    """Peterborough (874), 2012-13, re-referrals (lower better): its rank is 1 + the number of authorities
    with a lower published figure, of those with any figure, counted here in SQL apart from rank.py."""
    shown = lookup.report_benchmarks(con, "874", "2013-06")
    own = shown[(shown["indicator_id"] == "re_referrals_pct") & (shown["area_type"] == "la")].iloc[0]
    better, counted = con.execute(
        "SELECT count(*) FILTER (WHERE value < (SELECT value FROM benchmarks WHERE indicator_id = "
        "'re_referrals_pct' AND year = 2013 AND area_code = '874')), count(*) FROM benchmarks "
        "WHERE indicator_id = 're_referrals_pct' AND year = 2013 AND area_type = 'la' AND value IS NOT NULL"
    ).fetchall()[0]
    assert (own["rank"], own["ranked"]) == (better + 1, counted)
    assert 140 < counted < 155  # English authorities, less those suppressed
    others = shown[shown["area_type"] != "la"]
    assert others["rank"].isna().all()
    # the paper's own-figure cell and the CSV carry it
    cell = benchmark_view.cells(benchmark_view.by_indicator(shown), "re_referrals_pct")["la"]
    assert cell.endswith(f", rank {better + 1} of {counted}")
    table = benchmark_view.benchmarks_table(shown).frame
    row = table[(table["indicator_id"] == "re_referrals_pct") & (table["area_type"] == "la")].iloc[0]
    assert (row["rank"], row["ranked"], row["quartile"]) == (own["rank"], own["ranked"], own["quartile"])


def test_a_suppressed_own_figure_has_no_rank(con):
    shown = lookup.report_benchmarks(con, "874", "2013-06")
    shown.loc[shown["area_type"] == "la", ["value", "rank", "ranked", "quartile"]] = [None, None, None, None]
    shown.loc[shown["area_type"] == "la", "status"] = "c"
    split = benchmark_view.by_indicator(shown)
    assert benchmark_view.rank(split, "re_referrals_pct") is None
    assert benchmark_view.cells(split, "re_referrals_pct")["la"] == "suppressed"
