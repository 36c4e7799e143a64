"""Region mode: regional figures from aggregates (hand-worked cases), the regional report's disclosure
control, and end to end: 4 authorities x 3 months on a local Dask cluster of two worker processes,
through the real Prefect engine, every authority's figures identical to its own single-authority
backfill and every regional figure the sum of the authorities' numerators over the sum of their
denominators. The 12 x 6 case, with the same comparison, is `benchmarks/region.py --check`."""

from __future__ import annotations

import csv
import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from itertools import repeat

import duckdb
import pytest

from csc_report import month, region, warehouse
from csc_report.generate import generate_inbox
from csc_report.publish.disclosure import SUPPRESSED
from csc_report.publish.region import AreaFigure, IndicatorRows, disclosed, write_region_report
from csc_report.settings import RunPaths

# --- regional figures, by hand ----------------------------------------------------------------------


def regional(figures: list[tuple], authorities=("A", "B")) -> dict[str, tuple]:
    """region_figures of hand-made authority figures: (la, indicator, unit, value, numerator, denominator)."""
    con = duckdb.connect()
    con.execute(region.FIGURES_TABLE)
    con.executemany(
        "INSERT INTO region_authorities VALUES (?, ?)", [(la, f"Council {la}") for la in authorities]
    )
    con.executemany(
        "INSERT INTO authority_figures VALUES (?, DATE '2013-06-01', ?, ?, 's', ?, ?, ?, ?, NULL, NULL)",
        [(la, ind, ind, unit, v, n, d) for la, ind, unit, v, n, d in figures],
    )
    con.execute(region.region_sql())
    rows = con.execute(
        "SELECT indicator_id, value, numerator, denominator, note FROM region_figures"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_a_regional_percentage_is_the_sum_of_numerators_over_the_sum_of_denominators():
    # A: 1 of 4 (25%), B: 3 of 6 (50%): the region is 4 of 10 = 40%, not the average of rates (37.5%)
    got = regional([("A", "p", "pct", 25.0, 1, 4), ("B", "p", "pct", 50.0, 3, 6)])
    assert got["p"] == (40.0, 4, 10, None)


def test_a_regional_rate_per_10k_is_the_sum_of_counts_over_the_sum_of_populations():
    # A: 30 per 20,000 (15.0), B: 10 per 5,000 (20.0): the region is 40 per 25,000 = 16.0 per 10,000
    got = regional(
        [("A", "r", "rate_per_10k", 15.0, 30, 20_000), ("B", "r", "rate_per_10k", 20.0, 10, 5_000)]
    )
    assert got["r"][0] == pytest.approx(16.0)


def test_a_regional_mean_of_days_is_the_days_summed_over_the_children_summed():
    # adoption timeliness: A 900 days over 2 children (mean 450), B 100 days over 3 (33.3): the region is
    # 1,000 days over 5 children = 200, not the mean of the two means (241.7)
    got = regional([("A", "d", "days", 450.0, 900, 2), ("B", "d", "days", 100 / 3, 100, 3)])
    assert got["d"] == (200.0, 1000, 5, None)


def test_regional_counts_are_summed():
    got = regional([("A", "c", "count", 7, 7, None), ("B", "c", "count", 0, 0, None)])
    assert got["c"][0] == 7


def test_a_figure_one_authority_lacks_makes_the_regional_figure_not_available_naming_it():
    got = regional(
        [("A", "p", "pct", 25.0, 1, 4), ("B", "p", "pct", None, None, None), ("A", "c", "count", 3, 3, None)]
    )
    assert got["p"][0] is None and got["p"][3] == "not available: no figure from Council B (B)"
    assert got["c"][0] is None and got["c"][3] == "not available: no figure from Council B (B)"


def test_a_regional_rate_over_nothing_is_not_available():
    got = regional([("A", "p", "pct", None, 0, 0), ("B", "p", "pct", None, 0, 0)])
    assert got["p"][0] is None and got["p"][3] == "not available: the denominator is 0"


def test_each_authority_row_has_its_figure_of_the_month_and_the_spc_reading_of_its_own_trend(tmp_path):
    months = [f"2013-{m:02d}" for m in range(1, 13)] + ["2014-01"]
    steady = [10, 12, 11, 9] * 3
    con = duckdb.connect()
    con.execute(region.FIGURES_TABLE)
    con.executemany("INSERT INTO region_authorities VALUES (?, ?)", [("A", "Council A"), ("B", "Council B")])
    figures = [
        ("A", m, "referrals", "count", v, v, None, None, "lower")
        for m, v in zip(months, [*steady, 40], strict=True)
    ]
    figures += [
        ("B", m, "referrals", "count", v, v, None, "B's note", "lower")
        for m, v in zip(months[:-1], steady, strict=True)
    ]
    figures += [("A", "2014-01", "re_referrals_pct", "pct", 50.0, 1, 2, None, None)]
    figures += [("B", "2014-01", "re_referrals_pct", "pct", float("nan"), 0, 0, None, None)]
    con.executemany(
        "INSERT INTO authority_figures VALUES (?, (? || '-01')::DATE, ?, ?, 's', ?, ?, ?, ?, ?, ?)",
        [
            (la, m, ind, ind, unit, v, n, d, note, direction)
            for la, m, ind, unit, v, n, d, note, direction in figures
        ],
    )
    con.execute(region.region_sql())
    report = region.report_data(con, "2014-01")
    rows = {r.indicator_id: r for r in report.indicators}
    a, b = rows["referrals"].authorities
    # 40 is far above the upper limit of its own 13 months, and higher is worse for this one
    assert (a.value, a.numerator, a.marker) == (40, 40, "outside_limits: concern")
    # no figure this month: said, and its trend is read over the months it has
    assert (b.value, b.note) == (None, "no figure this month")
    assert rows["referrals"].region.value is None and "Council B (B)" in rows["referrals"].region.note
    a, b = rows["re_referrals_pct"].authorities
    assert (a.value, a.numerator, a.denominator, a.marker) == (
        50.0,
        1,
        2,
        "no limits (1 month with a figure: limits need at least 12)",
    )
    assert b.value is None  # 0 / 0 in DuckDB is NaN: no figure, as NULL is
    # the printed report shows the reading as the authority report's variation icon, with its alt text;
    # B's missing month is said once under the section, and the lack of limits once in a footnote
    page = write_region_report(report, tmp_path, "internal").read_text(encoding="utf-8")
    assert page.count("<title>Special-cause concern: higher than expected</title>") == 1
    assert "outside_limits" not in page and page.count("no limits") == 0
    assert page.count("No figure this month from Council B (B).") == 1
    assert page.count("1 month with a figure: limits need at least 12") == 1


# --- disclosure control of the regional report -------------------------------------------------------


def rows(unit: str, figures: list[tuple]) -> IndicatorRows:
    areas = [AreaFigure("authority", la, la, v, n, d) for la, v, n, d in figures]
    total = [sum(x) for x in zip(*[f[1:] for f in figures], strict=True)]
    return IndicatorRows("x", "x", "s", unit, areas, AreaFigure("region", "region", "Region", *total))


def test_a_small_count_is_suppressed_with_a_second_so_that_the_total_does_not_give_it_away():
    frame = disclosed(rows("count", [("A", 3, 3, 0), ("B", 40, 40, 0), ("C", 12, 12, 0)]), "public")
    assert list(frame["value"]) == [SUPPRESSED, 40, SUPPRESSED, 55]
    assert list(disclosed(rows("count", [("A", 3, 3, 0), ("B", 40, 40, 0)]), "internal")["value"]) == [
        3,
        40,
        43,
    ]


def test_a_percentage_of_few_children_is_suppressed_with_its_counts():
    # A: 2 of 4 (primary); C, the next smallest, so that A's cannot be had from the region's total
    frame = disclosed(rows("pct", [("A", 50.0, 2, 4), ("B", 50.0, 20, 40), ("C", 100 / 3, 10, 30)]), "public")
    assert list(frame["numerator"]) == [SUPPRESSED, 20, SUPPRESSED, 32]
    assert list(frame["denominator"]) == [SUPPRESSED, 40, SUPPRESSED, 74]
    assert list(frame["value"])[:3] == [SUPPRESSED, 50.0, SUPPRESSED]


def test_the_note_of_a_suppressed_figure_goes_with_it():
    figures = rows("pct", [("A", 10.3, 3, 29), ("B", 50.0, 20, 40), ("C", 25.0, 10, 40)])
    quoting = IndicatorRows(
        "x",
        "x",
        "s",
        "pct",
        [replace(figures.authorities[0], note="disagrees for 3 of 29"), *figures.authorities[1:]],
        figures.region,
    )
    frame = disclosed(quoting, "public")
    assert "3 of 29" not in " ".join(frame["note"])


# --- end to end on two Dask workers ------------------------------------------------------------------

# Four authorities on two workers: each worker runs at least two, so any state a worker carried from one
# authority to the next would show in the later one's figures. Four of the smallest codes (a generated
# authority is sized by its code's ONS population: Cambridgeshire, 873, would be three times the work).
LAS = ["871", "872", "874", "882"]
MONTHS = ["2013-04", "2013-05", "2013-06"]
BROKEN = (LAS[2], MONTHS[1])  # a workbook that cannot be read: that month fails, the others go on
# Every authority's figures are checked against its own single-authority backfill.
COMPARED = tuple(LAS)
# The single-authority reference runs each month's plain lifecycle up to its figures. Publishing only
# reads them, so it is left out there: it was 40% of each reference month.
FIGURES_ONLY = month.Stages(publish=lambda *args: ({}, 0.0))


def reference_backfill(single: RunPaths, la: str) -> list[tuple[str, str, str]]:
    """One authority's months through the plain lifecycle up to its figures, as its own backfill would
    run them: each month's (month, status, message). Run in a process of its own."""
    return [
        (o.month, o.status, o.message) for o in month.run_in_order(single, la, MONTHS, stages=FIGURES_ONLY)
    ]


def indicator_rows(path) -> list[tuple]:
    con = warehouse.connect(path, read_only=True)
    try:
        return con.execute("SELECT * FROM indicator_values ORDER BY la_code, month, indicator_id").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    root = tmp_path_factory.mktemp("region")
    for seed, la in enumerate(LAS, 1):
        generate_inbox(root / "inbox", la_code=la, end=MONTHS[-1], months=len(MONTHS), scale=0.1, seed=seed)
    broken = next((root / "inbox" / BROKEN[0] / BROKEN[1]).glob("annex_a*"))
    broken.write_bytes(b"not a workbook")
    return root


def expected_regional(paths: RunPaths) -> dict[tuple[str, str], tuple[float | None, str | None]]:
    """Each regional figure, summed here in Python from the authorities' own files."""
    figures: dict[tuple[str, str], dict[str, tuple]] = {}
    units = {}
    for la in LAS:
        for la_code, m, ind, _label, _section, unit, value, num, den, *_ in indicator_rows(
            paths.warehouse_file(la)
        ):
            figures.setdefault((m.strftime("%Y-%m"), ind), {})[la_code] = (value, num, den)
            units[ind] = unit
    expected = {}
    for (m, ind), by_la in figures.items():
        unit = units[ind]
        lacking = [
            la
            for la in LAS
            if la not in by_la or (by_la[la][0] is None if unit in region.SUMMED else None in by_la[la][1:])
        ]
        if lacking:
            expected[m, ind] = (None, lacking)
        elif unit in region.SUMMED:
            expected[m, ind] = (sum(v for v, _, _ in by_la.values()), None)
        else:
            num, den = (sum(f[i] for f in by_la.values()) for i in (1, 2))
            expected[m, ind] = (None if den == 0 else num / den * region.SCALE[unit], None)
    return expected


@pytest.mark.slow
def test_four_authorities_on_two_dask_workers_equal_their_own_backfills(inbox, tmp_path):
    from csc_report.flows.region import run_region

    paths = RunPaths(inbox / "inbox", tmp_path / "wh", tmp_path / "out", inbox / "secret.key")
    parameters = dict(
        inbox=str(paths.inbox),
        las=None,
        first=MONTHS[0],
        last=MONTHS[-1],
        warehouse=str(paths.warehouse),
        outputs=str(paths.outputs),
        key_file=str(paths.key_file),
    )
    outcomes = run_region(workers=2, **parameters)
    status = {(o.la_code, o.month): o.status for o in outcomes}
    assert status.pop(BROKEN) == "failed"
    assert set(status.values()) == {"done"} and len(status) == len(LAS) * len(MONTHS) - 1

    # the compared authorities' figures are those of their own backfills (the plain lifecycle, a month
    # at a time), two authorities at a time, as the region ran them
    single = RunPaths(paths.inbox, inbox / "single", inbox / "single-out", paths.key_file)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        references = dict(zip(COMPARED, pool.map(reference_backfill, repeat(single), COMPARED), strict=True))
    for la in COMPARED:
        for m, status, message in references[la]:
            if (la, m) == BROKEN:
                assert status == "failed" and "not a spreadsheet" in message, message
            else:
                assert status == "done", message
        assert indicator_rows(paths.warehouse_file(la)) == indicator_rows(single.warehouse_file(la))

    # every regional figure is the sum of the authorities' numerators over the sum of their denominators
    expected = expected_regional(paths)
    con = duckdb.connect(str(paths.region_file()), read_only=True)
    try:
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        got = {
            (m, ind): (value, note)
            for m, ind, value, note in con.execute(
                "SELECT strftime(month, '%Y-%m'), indicator_id, value, note FROM region_figures"
            ).fetchall()
        }
    finally:
        con.close()
    assert tables == {"authority_figures", "region_authorities", "region_figures", *region.REFERENCE_TABLES}
    assert got.keys() == expected.keys()
    for key, (value, lacking) in expected.items():
        if lacking:
            assert got[key][0] is None and all(f"({la})" in got[key][1] for la in lacking), key
        elif value is None:
            assert got[key][0] is None, key
        else:
            assert got[key][0] == pytest.approx(value), key
    assert any(lacking == [BROKEN[0]] for _, lacking in expected.values())  # the broken month shows

    for m in MONTHS:
        folder = paths.outputs / "region" / m
        assert sorted(p.name for p in folder.iterdir()) == [
            "region.csv",
            "region.html",
            "region.md",
            "region.xlsx",
        ]
        with (folder / "region.csv").open(encoding="utf-8") as handle:
            table = list(csv.DictReader(handle))
        assert list(table[0]) == [
            "indicator_id",
            "area_type",
            "area",
            "name",
            "value",
            "numerator",
            "denominator",
            "note",
            "marker",
            "rank_in_region",
        ]
        assert {r["area_type"] for r in table} == {"authority", "region", "england"}
        for r in table:
            if r["area_type"] == "region" and r["value"] not in ("", SUPPRESSED):
                assert math.isclose(float(r["value"]), expected[m, r["indicator_id"]][0], rel_tol=1e-6)
        assert "http" not in (folder / "region.html").read_text(encoding="utf-8")

    # a re-run redoes only what is not done: the broken month, which fails again
    again = run_region(workers=2, **parameters)
    redone = {(o.la_code, o.month): o.status for o in again if o.status != "skipped"}
    assert redone == {BROKEN: "failed"}
