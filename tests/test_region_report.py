"""The regional comparison as a reader gets it (issue 37): ranks with ties and gaps, the region row, the
authorities' names, absence said once, and the printed length. Hand-made figures throughout (as
test_region.py's `regional`), so only the print test starts a process (Chromium)."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest
from test_region import regional
from test_report_print import printed_pages

from csc_report import region, region_names
from csc_report.demo_region import region_codes
from csc_report.generate.authority import dfe_names, fictional_name, profile
from csc_report.indicator_catalogue import catalogue
from csc_report.months import months_between
from csc_report.publish.region import AreaFigure, IndicatorRows, RegionReport, write_region_report
from csc_report.publish.region_tables import competition_ranks
from csc_report.publish.region_travel import MONTH, YEAR, basis, travel
from csc_report.publish.signals import Icon

EAST_OF_ENGLAND = ["821", "822", "823", "873", "874", "881", "882", "883", "919", "926", "935"]
NO_TYPE = 'not available: List 4 (assessments) has no column "Assessment Type"'

# --- rank -----------------------------------------------------------------------------------------


def test_ranks_are_competition_ranks_by_polarity_with_ties_sharing_and_gaps_unranked():
    values = {"A": 10.0, "B": 12.0, "C": 12.0, "D": None, "E": 8.0, "F": "[c]"}
    # lower is better: E 8 first, A 10 second, B and C share third, nothing is fourth; D and F no rank
    assert competition_ranks(values, "pct", "lower") == {"A": 2, "B": 3, "C": 3, "D": None, "E": 1, "F": None}
    # higher is better (and no direction: highest first): B and C share first, so A is third, E fourth
    expected = {"A": 3, "B": 1, "C": 1, "D": None, "E": 4, "F": None}
    assert competition_ranks(values, "pct", "higher") == expected
    assert competition_ranks(values, "pct", None) == expected


def test_figures_that_print_the_same_share_a_rank():
    # 12.04% and 11.96% both print 12.0%; a count of 12 beats 11.96 rounded to 12 nothing: 12 vs 12
    assert competition_ranks({"A": 12.04, "B": 11.96, "C": 11.0}, "pct", "higher") == {"A": 1, "B": 1, "C": 3}
    assert competition_ranks({"A": 12.04, "B": 11.96}, "count", "higher") == {"A": 1, "B": 1}
    assert competition_ranks({"A": 12.6, "B": 12.4}, "count", "higher") == {"A": 1, "B": 2}


# --- the report's tables, from hand-made figures --------------------------------------------------


def area(la, value, numerator=None, denominator=None, note="", icon=None, direction=None, year_before=None):
    return AreaFigure(
        "authority", la, f"Council {la}", value, numerator, denominator, note, "", icon, direction,
        year_before=year_before,
    )  # fmt: skip


def measure(indicator_id, unit, areas, region_value, england=None, label=None, region_denominator=None):
    total = AreaFigure("region", "region", "Region", region_value, None, region_denominator)
    published = (
        AreaFigure("england", "england", "England", england, None, None, "2012-13") if england else None
    )
    return IndicatorRows(indicator_id, label or indicator_id, "s", unit, areas, total, published)


def csv_rows(out) -> list[dict]:
    with (out / "region.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_region_row_is_the_summed_numerators_over_the_summed_denominators(tmp_path):
    figures = [("A", 1, 4), ("B", 3, 6), ("C", 10, 40)]
    # worked here: (1 + 3 + 10) / (4 + 6 + 40) = 14 / 50 = 28.0%, not the mean of 25%, 50%, 25% (33.3%)
    expected = sum(n for _, n, _ in figures) / sum(d for _, _, d in figures) * 100
    got = regional(
        [(la, "re_referrals_pct", "pct", n / d * 100, n, d) for la, n, d in figures], ("A", "B", "C")
    )
    value, numerator, denominator, _ = got["re_referrals_pct"]
    assert value == pytest.approx(expected) and (numerator, denominator) == (14, 50)
    areas = [area(la, n / d * 100, n, d, direction="lower") for la, n, d in figures]
    report = RegionReport("2013-06", [measure("re_referrals_pct", "pct", areas, value, 24.0, "Re-referrals")])
    page = write_region_report(report, tmp_path, "internal").read_text(encoding="utf-8")
    region_row = re.search(r"<tr class=\"total\"><th scope=\"row\">Region</th>.*?</tr>", page).group(0)
    assert ">28.0%<" in region_row
    rows = {(r["indicator_id"], r["area"]): r for r in csv_rows(tmp_path)}
    assert float(rows["re_referrals_pct", "region"]["value"]) == pytest.approx(28.0)
    # lower is better: A and C (25.0%) share first, B (50.0%) is third; the region is not ranked
    assert [rows["re_referrals_pct", la]["rank_in_region"] for la in "ABC"] == ["1", "3", "1"]
    assert rows["re_referrals_pct", "region"]["rank_in_region"] == ""


def test_counts_show_only_where_a_section_has_no_rate_and_then_beside_the_population(tmp_path):
    population = [area("A", 12.5, 50, 40_000), area("B", 20.0, 20, 10_000)]
    report = RegionReport(
        "2013-06",
        [
            measure("early_help_started", "count", [area("A", 50), area("B", 20)], 70, label="Early help"),
            measure(
                "cin_rate_per_10k",
                "rate_per_10k",
                population,
                14.0,
                label="CIN rate",
                region_denominator=50_000,
            ),
            measure("cin_open", "count", [area("A", 500), area("B", 300)], 800, label="CIN open"),
        ],
    )
    page = write_region_report(report, tmp_path, "internal").read_text(encoding="utf-8")
    early_help = page[page.index('<section id="early-help">') :]
    assert "Children 0-17" in early_help and ">40,000<" in early_help and ">50,000<" in early_help
    cin = page[page.index('<section id="children-in-need">') : page.index('<section id="early-help">')]
    assert "CIN rate" in cin and "CIN open" not in cin and "Children 0-17" not in cin
    assert "cin_open" in {r["indicator_id"] for r in csv_rows(tmp_path)}  # every figure is in the CSV


def test_no_section_is_made_only_of_not_available(tmp_path):
    # no authority's layout has initial assessments (2014 onwards): the section is its one line; a
    # measure nobody has this month for another reason is one line too; the icons, with no limits
    # anywhere, say so once in a footnote
    absent = [area(la, None, note=NO_TYPE) for la in "AB"]
    gap = [
        area(la, None, note="not available: List 6 (children in need) was not in this month's extract")
        for la in "AB"
    ]
    common = Icon("common", "Common-cause variation")
    report = RegionReport(
        "2014-06",
        [
            measure("initial_assessments_completed", "count", absent, None, label="Initial assessments"),
            measure("initial_assessments_in_10wd_pct", "pct", absent, None, label="In 10 working days"),
            measure("cin_rate_per_10k", "rate_per_10k", gap, None, label="CIN rate"),
            measure(
                "re_referrals_pct", "pct", [area("A", 20.0, icon=common), area("B", 30.0)], 25.0, label="Re"
            ),
        ],
    )
    page = write_region_report(report, tmp_path, "internal").read_text(encoding="utf-8")
    sections = re.findall(r"<section id=\"([^\"]+)\">(.*?)</section>", page, flags=re.DOTALL)
    for section_id, body in sections:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body)
        assert not cells or any(c not in ("n/a", "") and not c.startswith("not available") for c in cells), (
            section_id
        )
    by_id = dict(sections)
    assert "<table" not in by_id["initial-assessments"]
    assert "single assessments since April 2014" in by_id["initial-assessments"]
    assert "<table" not in by_id["children-in-need"] and "was not in this month" in by_id["children-in-need"]
    assert "<table" in by_id["re-referrals"] and page.count("Common-cause variation</title>") >= 1
    assert "not available" not in re.sub(
        r"<section id=\"(initial-assessments|children-in-need)\">.*?</section>", "", page, flags=re.DOTALL
    )


# --- names ----------------------------------------------------------------------------------------


def test_an_authority_without_a_name_of_its_own_takes_dfe_s_name_for_its_code():
    con = duckdb.connect()
    con.execute(region.FIGURES_TABLE)
    con.execute("CREATE TABLE reference_areas (la_code VARCHAR, la_name VARCHAR)")
    con.executemany(
        "INSERT INTO reference_areas VALUES (?, ?)", [("873", "Cambridgeshire"), ("874", "Peterborough")]
    )
    # 873 has no authorities.csv row (rebuild names it by its code); 874 has its own name
    con.executemany("INSERT INTO region_authorities VALUES (?, ?)", [("873", "873"), ("874", "Fenborough")])
    region_names.name_by_dfe(con)
    assert dict(con.execute("SELECT * FROM region_authorities").fetchall()) == {
        "873": "Cambridgeshire",
        "874": "Fenborough",
    }
    assert region_names.dfe_names(con) == {"873": "Cambridgeshire", "874": "Peterborough"}


def test_the_report_says_whose_code_an_authority_with_another_name_uses(tmp_path):
    rows = measure("re_referrals_pct", "pct", [area("874", 20.0)], 20.0)
    report = RegionReport("2013-06", [rows], {"874": "Peterborough"})
    page = write_region_report(report, tmp_path, "internal").read_text(encoding="utf-8")
    assert "Council 874 uses the code 874 (Peterborough)" in page


def test_generated_authorities_have_distinct_fictional_names_and_the_demo_keeps_fenborough():
    taken: set[str] = set()
    names = {}
    for seed, la in enumerate(EAST_OF_ENGLAND, 1):
        names[la] = profile(la, seed, 2013, taken).name
        taken.add(names[la])
    assert names["874"] == "Fenborough"
    assert len(set(names.values())) == len(EAST_OF_ENGLAND)  # eleven names, no two alike
    assert not set(names.values()) & dfe_names()  # none is a real authority's
    assert fictional_name("873", 1, set()) == fictional_name("873", 1, set())  # same code and seed, same name
    taken_one = fictional_name("873", 1, set())
    assert fictional_name("873", 1, {taken_one}) != taken_one


def test_the_demo_region_is_the_east_of_england_s_eleven_authorities():
    assert region_codes() == EAST_OF_ENGLAND


def test_a_generated_authority_is_sized_by_its_ons_population():
    # Essex (881) had 297,990 children aged 0-17 in 2013 (shipped ONS figure); the demo 45,774
    essex = profile("881", 1, 2013, set())
    assert essex.population[2013] == 297_990
    low, high = 0.75, 1.3
    assert low * 297_990 / 45_774 <= essex.volume <= high * 297_990 / 45_774
    assert profile("874", 1, 2013, set()).volume == 1.0
    # a made-up code (no ONS figure) is the demo's size, its volume only the demand factor, its name its own
    made_up = profile("999", 1, 2013, set())
    assert made_up.population[2013] == 45_774 and low <= made_up.volume <= high
    assert made_up.name != "Fenborough"


# --- printed length -------------------------------------------------------------------------------


def full_report() -> RegionReport:
    """Twelve authorities, every catalogue figure, spread values, directions on half, each with a figure a
    year before (so every cell has its direction of travel): a whole region."""
    indicators = catalogue()[0]
    las = [f"{800 + k}" for k in range(12)]
    rows = []
    for n, r in enumerate(indicators.itertuples(index=False)):
        base = {"pct": 60.0, "rate_per_10k": 400.0}.get(r.unit, 120.0)
        areas = [
            area(la, base * (0.7 + 0.05 * k), base * (0.7 + 0.05 * k), 10_000 + 1_000 * k,
                 icon=Icon("common", "Common-cause variation"), direction="higher" if n % 2 else None,
                 year_before=base * (0.8 + 0.03 * k))
            for k, la in enumerate(las)
        ]  # fmt: skip
        total = AreaFigure("region", "region", "Region", base, None, None)
        england = AreaFigure("england", "england", "England", base * 1.1, None, None, "2012-13")
        rows.append(IndicatorRows(r.indicator_id, r.label, r.section, r.unit, areas, total, england))
    return RegionReport("2013-06", rows)


@pytest.mark.slow
def test_a_twelve_authority_region_prints_on_at_most_twelve_a4_pages(tmp_path):
    page = write_region_report(full_report(), tmp_path / "out", "public")
    assert 2 <= printed_pages(page, tmp_path) <= 12


def test_a_suppressed_figure_has_neither_rank_nor_icon(tmp_path):
    # A: 2 of 4 children (primary suppression under the public profile), C the next smallest (secondary)
    concern = Icon("concern-high", "Special-cause concern: higher than expected")
    figures = [("A", 2, 4), ("B", 20, 40), ("C", 10, 30)]
    areas = [area(la, n / d * 100, n, d, icon=concern, direction="lower") for la, n, d in figures]
    report = RegionReport("2013-06", [measure("re_referrals_pct", "pct", areas, 32 / 74 * 100, label="Re")])
    page = write_region_report(report, tmp_path, "public").read_text(encoding="utf-8")
    assert page.count("<title>Special-cause concern: higher than expected</title>") == 1  # B's only
    assert [r["rank_in_region"] for r in csv_rows(tmp_path) if r["area_type"] == "authority"] == ["", "1", ""]
    # and its chart says why there is no dot: B's 50.0% is the only one drawn
    assert "best first: Council B 50.0%, Council A suppressed, Council C suppressed." in page


# --- direction of travel --------------------------------------------------------------------------


def test_direction_of_travel_is_judged_by_polarity_at_the_printed_precision():
    def was(month_before=None, year_before=None):
        return AreaFigure("authority", "A", "A", None, None, None, month_before=month_before,
                          year_before=year_before)  # fmt: skip

    # 25.0% now, 30.0% a year before: down 5 points; lower is better, so better; higher: worse
    assert travel(25.0, YEAR, was(year_before=30.0), "pct", "lower").text == "\u25bc better"
    assert travel(25.0, YEAR, was(year_before=30.0), "pct", "higher").text == "\u25bc worse"
    # no polarity: only the move; the title reads it in words
    moved = travel(7, MONTH, was(month_before=5), "count", None)
    assert moved.text == "\u25b2 up" and moved.title == "up on the month before"
    assert travel(25.0, YEAR, was(year_before=30.0), "pct", "lower").title == "down on a year before: better"
    # 24.96% and 25.04% both print 25.0%: the same, neither better nor worse
    assert travel(24.96, YEAR, was(year_before=25.04), "pct", "lower").text == "\u25ba same"
    # 25.1% against 25.0%: a move of one printed decimal is a move
    assert travel(25.1, YEAR, was(year_before=25.0), "pct", "higher").text == "\u25b2 better"
    # nothing without the earlier figure on the measure's basis, nor without the figure of the month
    assert travel(25.0, YEAR, was(month_before=30.0), "pct", "lower") is None
    assert travel(None, YEAR, was(year_before=30.0), "pct", "lower") is None
    assert travel(25.0, None, was(year_before=30.0), "pct", "lower") is None
    # the basis: a year before where any authority has one, else the month before, else none
    assert basis([was(month_before=1.0), was(year_before=2.0)]) == YEAR
    assert basis([was(month_before=1.0), was()]) == MONTH
    assert basis([was()]) is None


def test_each_authority_s_cell_says_its_direction_of_travel_on_its_own_earlier_figures(tmp_path):
    # re-referrals (lower is better): A 30.0% a year before, 25.0% now -> down, better; C 25.04% ->
    # 24.96%, both print 25.0% -> same; B has only the month before (10.0% -> 12.0%): the column reads
    # "on a year before" (A and C have one), so B gets nothing. Early help (a count, no polarity): no
    # one has a year before, so the month before: A 5 -> 7 up, B 9 -> 9 same, C no earlier figure.
    con = duckdb.connect()
    con.execute(region.FIGURES_TABLE)
    con.executemany("INSERT INTO region_authorities VALUES (?, ?)", [(la, f"Council {la}") for la in "ABC"])
    re_referrals = {
        "A": {"2012-06": 30.0, "2013-05": 20.0, "2013-06": 25.0},
        "B": {"2013-05": 10.0, "2013-06": 12.0},
        "C": {"2012-06": 25.04, "2013-06": 24.96},
    }
    early_help = {"A": {"2013-05": 5, "2013-06": 7}, "B": {"2013-05": 9, "2013-06": 9}, "C": {"2013-06": 8}}
    rows = [
        (la, f"{month}-01", indicator, indicator, unit, value, value, 100, direction)
        for indicator, unit, direction, figures in (
            ("re_referrals_pct", "pct", "lower", re_referrals),
            ("early_help_started", "count", None, early_help),
        )
        for la, months in figures.items()
        for month, value in months.items()
    ]
    con.executemany("INSERT INTO authority_figures VALUES (?, ?, ?, ?, 's', ?, ?, ?, ?, NULL, ?)", rows)
    con.execute(region.region_sql())
    write_region_report(region.report_data(con, "2013-06"), tmp_path, "internal")
    table = {}
    for line in (tmp_path / "region.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| Council"):
            table.setdefault(cells[0], []).append(cells[-1])
        elif line.startswith("| Authority"):
            table.setdefault("header", []).append(cells[-1])
    assert table["header"] == [
        "re_referrals_pct (change on a year before)", "early_help_started (change on the month before)"
    ]  # fmt: skip
    assert [table[f"Council {la}"][0] for la in "ABC"] == [
        "25.0% (2) \u25bc better", "12.0% (1)", "25.0% (2) \u25ba same"
    ]  # fmt: skip
    assert [table[f"Council {la}"][1] for la in "ABC"] == ["7 (3) \u25b2 up", "9 (1) \u25ba same", "8 (2)"]
    page = (tmp_path / "region.html").read_text(encoding="utf-8")
    assert '<span class="sr">down on a year before: better</span>' in page


def test_each_headline_measure_has_its_own_dot_chart_of_the_authorities_best_first(tmp_path):
    # two measures of one section (re-referrals), two charts. Lower is better: C (10.0%) first, A
    # (20.0%), then B with no figure; no polarity on the rolling one: the highest first
    month = [area("A", 20.0, direction="lower"), area("B", None), area("C", 10.0, direction="lower")]
    rolling = [area("A", 60.0), area("B", 50.0), area("C", 40.0)]
    report = RegionReport(
        "2013-06",
        [
            measure("re_referrals_pct", "pct", month, 15.0, 24.0, "Re-referrals"),
            measure("re_referrals_r12_pct", "pct", rolling, 50.0, 40.0, "Rolling"),
        ],
    )
    page = write_region_report(report, tmp_path, "internal").read_text(encoding="utf-8")
    alts = re.findall(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)"', page)
    assert alts == [
        "Dot chart of Re-referrals, authorities best first: Council C 10.0%, Council A 20.0%, "
        "Council B no figure. Region 15.0%; England 24.0%.",
        "Dot chart of Rolling, authorities best first: Council A 60.0%, Council B 50.0%, "
        "Council C 40.0%. Region 50.0%; England 40.0%.",
    ]


def test_partial_history_and_rolling_figures_raise_no_signal_and_no_travel():
    """The demo region's false alarm, by hand: referrals over 12 months grow while the history fills up
    (July to December 2012, each partial: 242, 276, ... 404 over 6 to 12 months held), then hold at about
    400. Its June 2012 figure is partial too. By the paper's rules a rolling figure has no limits and a
    partial month is no comparison, so: no SPC icon, and no figure a year before to travel from, only the
    month before (400). Re-referrals (a monthly %, not rolling): its two partial months (a step up to
    40.0, 45.0) are left out of the limits, so the steady 20-ish months that follow are common cause, not a
    run after a fall."""
    months = months_between("2012-06", "2013-06")
    partial_note = "history runs from 2012-01-01 only, so the 12-month count from 2011-07-01 is partial"
    referrals = [212, 242, 276, 308, 340, 372, 404, 402, 400, 394, 392, 400, 393]
    # April and May 2012 partial; 13 steady months from June 2012
    re_months = months_between("2012-04", "2013-06")
    re_referrals = [40.0, 45.0, 20.0, 21.0, 19.0, 20.0, 22.0, 21.0, 20.0, 19.0, 21.0, 20.0, 20.0, 21.0, 20.0]
    partial_months = set(months[:7])  # June to December 2012 for the rolling count
    con = duckdb.connect()
    con.execute(region.FIGURES_TABLE)
    con.execute("INSERT INTO region_authorities VALUES ('A', 'Council A')")
    rows = [
        ("A", f"{m}-01", "referrals_r12", "count", v, partial_note if m in partial_months else None, None)
        for m, v in zip(months, referrals, strict=True)
    ] + [
        ("A", f"{m}-01", "re_referrals_pct", "pct", v, partial_note if m in re_months[:2] else None, "lower")
        for m, v in zip(re_months, re_referrals, strict=True)
    ]
    con.executemany(
        "INSERT INTO authority_figures VALUES (?, ?, ?, ?, 's', ?, ?, ?, ?, ?, ?)",
        [(la, d, i, i, u, v, v, 100, note, direction) for la, d, i, u, v, note, direction in rows],
    )
    con.execute(region.region_sql())
    report = region.report_data(con, "2013-06")
    figure = {r.indicator_id: r.authorities[0] for r in report.indicators}
    rolling = figure["referrals_r12"]
    assert rolling.icon is None and rolling.marker.startswith("no limits")
    assert (rolling.year_before, rolling.month_before) == (None, 400)  # June 2012 is partial
    monthly = figure["re_referrals_pct"]
    assert monthly.icon is not None and monthly.icon.text == "Common-cause variation"
    assert (monthly.year_before, monthly.month_before) == (20.0, 21.0)
