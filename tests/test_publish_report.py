"""publish_report end to end on fabricated figures: every output file, its structure and its safety."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image

from csc_report.publish import ReportContext, parse_commentary, publish_report, write_index
from csc_report.publish.layout import SECTIONS
from csc_report.publish.report import INDICATOR_COLUMNS, published_summary

MONTH = "2013-06"
PLANTED_ID = "CHILD-ID-9212044"  # must never reach an output

# this month, target, RAG, last month and the same month last year for every indicator of the contract
FIGURES_CSV = """\
indicator_id,section,unit,label,value,target,rag,previous,last_year
contacts,referrals,count,Contacts,1402,,,1390,1250
referrals,referrals,count,Referrals,214,,,215,260
referrals_r12,referrals,count,Referrals (12 months),2690,,,2730,3010
referral_rate_r12_per_10k,referrals,rate_per_10k,"Referrals per 10,000 (12 months)",621.04,603,amber,630.2,695
referrals_nfa_pct,referrals,pct,Referrals with no further action (%),12.15,,,11.0,9.5
re_referrals_pct,re-referrals,pct,Re-referrals within 12 months (%),26.5,25,amber,31.2,33.0
re_referrals_r12_pct,re-referrals,pct,"Re-referrals, 12 months (%)",28.9,25,red,29.6,30.1
initial_assessments_in_10wd_pct,initial assessments,pct,Initial assessments in 10 days (%),58.7,75,red,61,70
core_assessments_completed,core assessments,count,Core assessments completed,140,,,120,98
core_assessments_in_35wd,core assessments,count,Core assessments within 35 working days,112,,,90,80
core_assessments_in_35wd_pct,core assessments,pct,Core assessments in 35 working days (%),80,75,green,75,81.6
assessments_completed,assessments,count,Single assessments completed,,,,,
assessments_in_45wd_pct,assessments,pct,Single assessments within 45 working days (%),,85,,,
assessments_open_overdue,assessments,count,Assessments open past timescale,31,,,40,55
s47_started,s47,count,Section 47 enquiries started,61,,,58,70
icpcs,s47,count,Initial child protection conferences,24,,,30,28
cp_plans_open,child protection,count,Children on a child protection plan,220,,,231,260
cp_rate_per_10k,child protection,rate_per_10k,"Children on a plan per 10,000",50.8,45,red,53.3,60
cla_open,looked after,count,Children looked after,358,,,352,330
cla_3plus_placements_pct,looked after,pct,Three or more placements in 12 months (%),9.2,10,green,9.9,11
care_leavers,leaving care,count,Care leavers,96,,,95,90
care_leavers_in_touch_pct,leaving care,pct,Care leavers in touch (%),91.7,95,amber,90.5,85
care_leavers_suitable_accommodation_pct,leaving care,pct,In suitable accommodation (%),88.5,90,amber,88,80
care_leavers_neet_pct,leaving care,pct,"Not in education, employment or training (%)",40.6,35,red,41,45
pathway_plans_in_date_pct,leaving care,pct,Pathway plans in date (%),,95,,,
sw_establishment_fte,workforce,fte,Social work establishment (FTE),81,,,81,78
sw_vacancies_fte,workforce,fte,Vacancies (FTE),6.2,,,7,12
sw_agency_fte,workforce,fte,Agency staff (FTE),14,,,16,22
sw_agency_rate_pct,workforce,pct,Agency rate (%),15.9,10,red,18,25
cases_unallocated,caseloads,count,Cases not allocated to a worker,12,0,red,15,40
early_help_started,early help,count,Early help assessments started,45,,,40,30
early_help_open,early help,count,Early help cases open,156,,,150,120
"""
FIGURES = pd.read_csv(io.StringIO(FIGURES_CSV)).astype(object).where(lambda f: f.notna(), None)
NOT_AVAILABLE_NOTE = "List 9 has no pathway plan review date before the 2024 layout"

SEED_ORDER = [spec.title for spec in SECTIONS]

# Published benchmarks as benchmarks.lookup.report_benchmarks gives them (Peterborough's 2012-13 figures
# for re-referrals; England's referral rate set between last month's and this month's figure).
BENCHMARKS = pd.DataFrame(
    [
        ["re_referrals_pct", "la", "Peterborough", "2012-13", 33.5, "", "DfE c1: rereferral_percent"],
        ["re_referrals_pct", "statistical_neighbours", "neighbours", "2012-13", 27.49, "", "mean"],
        ["re_referrals_pct", "region", "East of England", "2012-13", 23.4, "", "DfE c1: rereferral_percent"],
        ["re_referrals_pct", "england", "England", "2012-13", 24.7, "", "DfE c1: rereferral_percent"],
        ["referral_rate_r12_per_10k", "la", "Peterborough", "2012-13", None, "c", "DfE c1"],
        ["referral_rate_r12_per_10k", "statistical_neighbours", "statistical neighbours", "2012-13", None,
         "not published", "no neighbour list"],
        ["referral_rate_r12_per_10k", "region", "East of England", "2012-13", 411.1, "", "DfE c1"],
        ["referral_rate_r12_per_10k", "england", "England", "2012-13", 625.0, "", "DfE c1"],
    ],
    columns=["indicator_id", "area_type", "area", "year", "value", "status", "source"],
)  # fmt: skip


def part(html: str, element_id: str, until: str = "section") -> str:
    """The HTML from the element with `element_id` to the end of the first `until` element after it."""
    return html.split(f'id="{element_id}"')[1].split(f"</{until}>")[0]


def _indicators() -> list[dict]:
    rows = FIGURES.drop(columns=["previous", "last_year"]).assign(numerator=None, denominator=None, note=None)
    records = rows.to_dict("records")
    for row in records:
        if row["value"] is None:
            pathway = row["indicator_id"] == "pathway_plans_in_date_pct"
            row["note"] = NOT_AVAILABLE_NOTE if pathway else "source list not in extract"
    return records


WAVE = (0.97, 1.02, 1.06, 1.03, 0.98, 0.95, 1.0, 1.04, 1.07, 1.05, 1.02)  # July 2012 .. April 2013


def _trend(value: float, last_month: float, gaps: tuple[int, ...] = ()) -> pd.DataFrame:
    """13 months ending at MONTH: a wave around last month's figure, then last month and this month."""
    months = pd.period_range(end=pd.Period(MONTH, "M"), periods=13, freq="M")
    values = [last_month * factor for factor in WAVE] + [last_month, value]
    frame = pd.DataFrame({"month": [str(m) for m in months], "value": values})
    return frame.drop(index=list(gaps)).reset_index(drop=True)


def make_context(**overrides) -> ReportContext:
    """A realistic month for a mid-sized authority: every section has figures, trends and breakdowns."""
    figures = FIGURES.set_index("indicator_id")
    trends = {
        i: _trend(f.value, f.previous, gaps=(3,) if i == "cla_open" else ())
        for i, f in figures.iterrows()
        if f.value is not None and f.previous is not None
    }
    week_one = date(2013, 4, 1)
    weekly = pd.DataFrame(
        {
            "week_start": [week_one + timedelta(weeks=w) for w in range(13)],
            "referrals": [55, 58, 52, 60, 57, 61, 54, 53, 59, 56, 55, 52, 47],
        }
    )
    tables = {
        "referrals_weekly": weekly,
        # upstream's own column names (plans, looked_after) and extras: aliases and the whitelist at work
        "cp_by_category": pd.DataFrame(
            {
                "category": ["NEG", "PHY", "SAB", "EMO", "MUL"],
                "description": ["Neglect", "Physical abuse", "Sexual abuse", "Emotional abuse", "Multiple"],
                "plans": [120, 30, 3, 60, 7],
                "child_id": [PLANTED_ID] * 5,
            }
        ),
        "cla_by_legal_status": pd.DataFrame(
            {"legal_status": ["C1", "C2", "E1", "J2", "V2"], "children": [120, 150, 2, 0, 86]}
        ),
        "cla_by_placement_type": pd.DataFrame(
            {
                "placement_type": ["U1", "U4", "K2", "P1", "R1"],
                "looked_after": [210, 80, 40, 6, 22],
                "short_breaks": [0, 0, 2, 0, 0],
            }
        ),
        "caseload_by_team": pd.DataFrame(
            {
                "team": ["Assessment 1", "Assessment 2", "Family support", "Children in care"],
                "cases": [180, 165, 4, 210],
                "workers": [10, 9, 1, 12],
                "average_caseload": [18.0, 18.3, 4.0, 17.5],
                "unallocated": [0, 8, 0, 4],
            }
        ),
    }
    data_quality = pd.DataFrame(
        [
            ["annex_a.xlsx", "List 3", 12, "Referral Date", "date_parse", "warning", "not a date"],
            ["annex_a.xlsx", "List 3", 40, "Referral Date", "date_parse", "warning", "not a date"],
            ["annex_a.xlsx", "List 8", 7, "Legal Status", "code_unknown", "reject", "unknown code"],
        ],
        columns=["file", "sheet", "row", "column", "rule", "severity", "message"],
    )
    values = {
        "la_code": "874",
        "la_name": "Peterborough",
        "month": MONTH,
        "run_at": datetime(2013, 7, 3, 9, 15),
        "indicators": _indicators(),
        "trends": trends,
        "previous": figures["previous"].to_dict(),
        "last_year": figures["last_year"].to_dict(),
        "tables": tables,
        "data_quality": data_quality,
        "dq_previous_counts": {
            ("List 3", "date_parse", "warning"): 5,
            ("List 8", "missing_column", "warning"): 1,
        },
        "commentary": {
            "introduction": "Report of the Executive Director of Children's Services.",
            "referrals": "There has been a reconfiguration of the **front door**.",
            "Child protection": "We are developing a system within Liquidlogic.",
            "Member visits update": "There were no Member visits in the last month.",
        },
        "benchmarks": BENCHMARKS,
        "directions": {"re_referrals_pct": "lower", "referral_rate_r12_per_10k": "lower"},
    }
    values.update(overrides)
    return ReportContext(**values)


class _Outline(HTMLParser):
    """What the accessibility checks need from report.html."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("h1", "h2"):
            self._heading = tag
            self.headings.append((tag, ""))

    def handle_endtag(self, tag):
        if tag == self._heading:
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    out_dir = tmp_path_factory.mktemp("outputs") / "874" / MONTH
    return out_dir, publish_report(make_context(), out_dir)


def _outline(path: Path) -> _Outline:
    outline = _Outline()
    outline.feed(path.read_text(encoding="utf-8"))
    return outline


def _h2s(outline: _Outline) -> list[str]:
    return [text.strip() for tag, text in outline.headings if tag == "h2"]


def test_html_has_one_h1_and_a_section_per_area_in_seed_order(published):
    out_dir, _ = published
    outline = _outline(out_dir / "report.html")
    assert [tag for tag, _ in outline.headings].count("h1") == 1
    h2s = _h2s(outline)
    assert h2s[0] == "Highlights"
    expected = [t if t != "Assessments" else "Core assessments" for t in SEED_ORDER]
    standard = [h for h in h2s if h in expected]
    assert standard == expected
    # the author's extra heading comes after the standard sections, before data quality (as in the seed)
    assert h2s[-2:] == ["Member visits update", "Data quality"]
    html_tag = next(attrs for tag, attrs in outline.tags if tag == "html")
    assert html_tag.get("lang") == "en-GB"


def test_html_charts_are_inline_images_with_alt_text(published):
    out_dir, written = published
    pages = [_outline(out_dir / "report.html"), _outline(out_dir / "appendix.html")]
    images = [attrs for outline in pages for tag, attrs in outline.tags if tag == "img"]
    charts = [key for key in written if key.startswith("charts/")]
    assert len(images) == len(charts) >= 10
    for image in images:
        assert image["src"].startswith("data:image/svg+xml;base64,")
        assert len(image.get("alt", "")) > 20


def test_html_tables_have_headers_scopes_and_captions(published):
    out_dir, _ = published
    outline = _outline(out_dir / "report.html")
    tags = [tag for tag, _ in outline.tags]
    assert tags.count("table") == tags.count("caption") > 10
    scopes = {attrs.get("scope") for tag, attrs in outline.tags if tag == "th"}
    assert scopes == {"col", "colgroup", "row"}  # colgroup: the benchmarks over their four columns
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "@page { size: A4" in html and "page-break-inside: avoid" in html


def test_markdown_has_the_same_sections_and_references_chart_files(published):
    out_dir, written = published
    markdown = (out_dir / "report.md").read_text(encoding="utf-8")
    h1s = [line for line in markdown.splitlines() if line.startswith("# ")]
    h2s = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    assert len(h1s) == 1
    assert h2s == _h2s(_outline(out_dir / "report.html"))
    appendix = (out_dir / "appendix.md").read_text(encoding="utf-8")
    for key in written:
        if key.startswith("charts/"):
            assert f"]({key})" in markdown + appendix
            assert written[key].read_bytes().startswith(b"<svg ")


def test_headline_figures_are_formatted_by_unit(published):
    out_dir, _ = published
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    assert '<td class="num">1,402</td>' in html  # counts: thousands separators
    assert '<td class="num">621.0</td>' in html  # rates: 1 dp
    assert '<td class="num">26.5%</td>' in html  # percentages: 1 dp
    assert '<td class="num">6.2</td>' in html  # fte: 1 dp
    assert "down 4.7 pts from 31.2%" in html
    assert "Not available" in html and NOT_AVAILABLE_NOTE in html


def test_core_assessments_shown_when_single_assessments_have_no_values(published):
    out_dir, _ = published
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "Core assessments in 35 working days (%)" in html
    assert "Single assessments completed" not in html
    assert "Assessments open past timescale" in html


def test_single_assessments_shown_for_2014_data(tmp_path):
    ctx = make_context(trends={})
    for row in ctx.indicators:
        if row["indicator_id"].startswith("core_assessments"):
            row["value"] = None
        elif row["indicator_id"] == "assessments_in_45wd_pct":
            row["value"] = 82.0
    publish_report(ctx, tmp_path)
    h2s = _h2s(_outline(tmp_path / "report.html"))
    assert "Single assessments" in h2s and "Core assessments" not in h2s


def test_readings_and_highlights_are_generated_from_figures(published):
    out_dir, _ = published
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    # Re-referrals: 31.2 x WAVE, 31.2, 26.5 -> mean 406.828 / 13 = 31.29; moving ranges 16.868 / 12 =
    # 1.406, of which the last, 4.7, is above 3.267 x 1.406 = 4.59 and screened out: 12.168 / 11 =
    # 1.106; lower limit 31.29 - 2.66 x 1.106 = 28.35: this month's 26.5% is below it, and lower is better.
    # England's figure is quoted as context.
    highlights = part(html, "highlights")
    assert (
        "<li>Re-referrals within 12 months (%): 26.5%, below the lower limit (28.4%) of the last 13 months: "
        "an improvement (England 2012-13: 24.7%)</li>" in highlights
    )
    # a month-on-month fall inside the limits is no highlight, nor is crossing a benchmark (the
    # referral rate went below England's 625.0), nor anything about a rolling figure
    assert "Children on a child protection plan" not in highlights
    assert "Referrals per 10,000" not in highlights and "moved below" not in html
    # the rolling rate is read plainly beside its monthly counterpart's SPC, with no limits of its own
    assert (
        "Referrals remained steady at 214 (215 last month); the lowest since November 2012. Common-cause "
        "variation: within the limits of the last 13 months (199 to 237, average 218). Referrals per "
        "10,000 (12 months) remained steady at 621.0 (630.2 last month); 3.0% above the target of 603.0; "
        "the lowest since November 2012.</p>" in html
    )
    # a special cause is never "remained steady" or "fell to" in its own reading
    assert (
        "Re-referrals within 12 months (%) was 26.5% (31.2% last month); 1.5 points above the target of "
        "25.0%; the lowest of the last 13 months. Special cause: 26.5%, below the lower limit (28.4%)" in html
    )
    looked_after = part(html, "looked-after")
    assert (
        "Common-cause variation: no charted figure in this section shows special-cause variation"
        in looked_after
    )
    assert "Referrals in the week starting 24 June 2013 fell to 47 (52 the week before); the lowest of" in (
        out_dir / "appendix.html"
    ).read_text(encoding="utf-8")
    assert (
        "Average caseload ranged from 17.5 (Children in care) to 18.0 (Assessment 1) across 2 teams; "
        "17.5 overall; 2 teams not shown (suppressed)." in html
    )


def test_commentary_appears_under_its_section(published):
    out_dir, _ = published
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    referrals = html.index('id="h-referrals"')
    assert referrals < html.index("<strong>front door</strong>") < html.index('id="h-re-referrals"')
    cp = html.index('id="h-child-protection"')
    assert cp < html.index("within Liquidlogic") < html.index('id="h-looked-after"')
    markdown = (out_dir / "report.md").read_text(encoding="utf-8")
    assert (
        markdown.index("## Referrals") < markdown.index("**front door**") < markdown.index("## Re-referrals")
    )


def test_indicators_csv_columns_order_and_unrounded_values(published):
    out_dir, _ = published
    with (out_dir / "indicators.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == INDICATOR_COLUMNS
    by_id = {row["indicator_id"]: row for row in rows}
    assert len(by_id) == len(FIGURES)
    assert by_id["referral_rate_r12_per_10k"]["value"] == "621.04"
    assert by_id["referrals"]["value"] == "214"
    assert by_id["referrals"]["period"] == MONTH
    assert by_id["pathway_plans_in_date_pct"]["value"] == ""
    assert by_id["pathway_plans_in_date_pct"]["note"] == NOT_AVAILABLE_NOTE


def test_every_table_has_a_csv_and_a_formatted_sheet(published):
    out_dir, written = published
    table_ids = sorted(key[len("tables/") : -len(".csv")] for key in written if key.startswith("tables/"))
    for expected in ("referrals_weekly", "cp_by_category", "cla_by_legal_status", "cla_by_placement_type",
                     "caseload_by_team", "data_quality_summary", "trend_referral_rate_r12_per_10k",
                     "trend_cp_plans_open"):  # fmt: skip
        assert expected in table_ids
    workbook = load_workbook(out_dir / "tables.xlsx")
    assert workbook.sheetnames[:2] == ["Scorecard", "Contents"]
    sheets = workbook.sheetnames[2:]
    assert len(sheets) == len(table_ids) == len(set(sheets))
    assert all(len(name) <= 31 for name in sheets)
    contents = {
        row[1]: row[0] for row in workbook["Contents"].iter_rows(min_row=2, values_only=True) if row[1]
    }
    assert sorted(contents) == table_ids
    for sheet in (workbook[name] for name in sheets):
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.column_dimensions["A"].width > 0
    cla = workbook[contents["trend_cla_open"]]
    assert cla["B2"].number_format == "#,##0"
    assert workbook[contents["trend_re_referrals_pct"]]["B2"].number_format == "0.0"
    assert cla["A2"].number_format == "mmm yyyy"


def test_trend_csv_keeps_gaps_empty(published):
    out_dir, _ = published
    frame = pd.read_csv(out_dir / "tables" / "trend_cla_open.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["month", "value", "mean", "lower_limit", "upper_limit", "special_cause"]
    assert len(frame) == 13 and frame["month"].iloc[-1] == MONTH
    assert frame["value"].iloc[3] == ""
    assert frame["mean"].nunique() == 1 and float(frame["mean"].iloc[0]) > 0  # 12 points: limits drawn


def test_trend_csv_names_special_causes(published):
    out_dir, _ = published
    frame = pd.read_csv(out_dir / "tables" / "trend_re_referrals_pct.csv", dtype=str, keep_default_na=False)
    assert frame["special_cause"].iloc[-1] == "outside_limits: improvement"
    assert (frame["special_cause"].iloc[:-1] == "").all()
    assert float(frame["lower_limit"].iloc[0]) == pytest.approx(406.828 / 13 - 2.66 * 12.168 / 11)
    # a rolling figure's table has its values and no SPC
    rolling = pd.read_csv(
        out_dir / "tables" / "trend_referral_rate_r12_per_10k.csv", dtype=str, keep_default_na=False
    )
    assert len(rolling) == 13 and (rolling["value"] != "").all()
    assert (rolling[["mean", "lower_limit", "upper_limit", "special_cause"]] == "").all().all()


def test_benchmarks_beside_the_figures_and_in_their_own_table(published, tmp_path):
    out_dir, _ = published
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    section = part(html, "re-referrals")
    assert '<th scope="colgroup" colspan="4" class="bench">Published by DfE, 2012-13</th>' in section
    assert all(f">{cell}</td>" in section for cell in ("24.7%", "23.4%", "27.5%", "33.5%"))
    referrals = part(html, "referrals")
    assert ">suppressed</td>" in referrals and ">not published</td>" in referrals
    frame = pd.read_csv(out_dir / "tables" / "benchmarks.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["indicator_id", "area_type", "area", "year", "value", "source", "rank",
                                   "ranked", "quartile", "top_quartile"]  # fmt: skip
    rate = frame[frame["indicator_id"] == "referral_rate_r12_per_10k"].set_index("area_type")["value"]
    assert (rate["la"], rate["statistical_neighbours"], rate["england"]) == ("c", "", "625")
    markdown = (out_dir / "report.md").read_text(encoding="utf-8")
    # the authority's column says whose published figure it is, by DfE's name and code
    assert "| England | East of England | Neighbours (mean) | Peterborough (874) |" in markdown
    assert "uses the local authority code 874" not in markdown  # the report is Peterborough's own
    # a row whose four benchmarks all say the same (not published) says it once, beside rows with figures
    frame = BENCHMARKS.assign(indicator_id="re_referrals_pct", value=None, status="not published")
    rate = BENCHMARKS.iloc[4:].assign(indicator_id="re_referrals_r12_pct", value=20.0, status="")
    ctx = make_context(benchmarks=pd.concat([frame.iloc[:4], rate]), trends={}, tables={})
    html = (publish_report(ctx, tmp_path)["report.html"]).read_text(encoding="utf-8")
    assert '<td colspan="4" class="bench span">not published</td>' in html
    # issue 34: a section none of whose cells has a figure says so in one line, not four empty columns
    ctx = make_context(benchmarks=frame.iloc[:4], trends={}, tables={})
    markdown = (publish_report(ctx, tmp_path / "none")["report.md"]).read_text(encoding="utf-8")
    assert "Published by DfE, 2012-13: no benchmark figures for this section (not published)." in markdown
    assert "Benchmarks: Published by DfE" not in markdown


def test_data_quality_csv_has_contract_columns_only(published):
    out_dir, _ = published
    frame = pd.read_csv(out_dir / "data_quality.csv", dtype=str)
    assert list(frame.columns) == ["file", "sheet", "row", "column", "rule", "severity", "message"]
    assert frame["row"].tolist() == ["12", "40", "7"]


def test_data_quality_summary_counts_by_list_and_rule_against_last_month(published):
    out_dir, _ = published
    frame = pd.read_csv(out_dir / "tables" / "data_quality_summary.csv", dtype=str, keep_default_na=False)
    rows = {
        (r["sheet"], r["rule"], r["severity"]): (r["issues"], r["last_month"]) for _, r in frame.iterrows()
    }
    assert rows[("List 3", "date_parse", "warning")] == ("2", "5")
    assert rows[("List 8", "code_unknown", "reject")] == ("1", "0")
    assert rows[("List 8", "missing_column", "warning")] == ("0", "1")


def test_public_profile_suppresses_breakdowns_everywhere(published):
    out_dir, _ = published
    category = pd.read_csv(out_dir / "tables" / "cp_by_category.csv", dtype=str)
    # SAB 3 (primary) and MUL 7 (secondary: next smallest, as the total is shown)
    assert category["children"].tolist() == ["120", "30", "[c]", "60", "[c]", "220"]
    legal = pd.read_csv(out_dir / "tables" / "cla_by_legal_status.csv", dtype=str)
    assert legal["children"].tolist() == ["120", "150", "[c]", "0", "[c]", "358"]  # 0 shown; 86 secondary
    assert list(category.columns) == ["category", "description", "children"]
    placement = pd.read_csv(out_dir / "tables" / "cla_by_placement_type.csv", dtype=str)
    assert "[c]" not in placement["children"].tolist()  # 6 is not masked
    assert placement["short_breaks"].tolist() == ["0", "0", "[c]", "0", "0", "[c]"]  # a total of 2 too
    team = pd.read_csv(out_dir / "tables" / "caseload_by_team.csv", dtype=str)
    assert team.loc[2, ["cases", "average_caseload"]].tolist() == ["[c]", "[c]"]
    assert team.loc[1, ["cases", "average_caseload"]].tolist() == ["[c]", "[c]"]  # 165: next smallest
    assert team.loc[1, "workers"] == "9"
    assert team["unallocated"].tolist() == ["0", "[c]", "0", "[c]", "12"]  # 4 is masked, so is 8
    html = (out_dir / "appendix.html").read_text(encoding="utf-8")
    markdown = (out_dir / "appendix.md").read_text(encoding="utf-8")
    assert "[c] confidential" in html and "[c] confidential" in markdown
    assert '<td class="num">[c]</td>' in html and "| [c] |" in markdown
    for page in ("report.html", "report.md"):
        assert "[c] confidential" in (out_dir / page).read_text(encoding="utf-8")
    workbook = load_workbook(out_dir / "tables.xlsx", read_only=True)
    sheet = workbook["cp_by_category"]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        120,
        30,
        "[c]",
        60,
        "[c]",
        220,
    ]


def test_internal_profile_shows_everything(tmp_path):
    publish_report(make_context(trends={}), tmp_path, profile="internal")
    category = pd.read_csv(tmp_path / "tables" / "cp_by_category.csv", dtype=str)
    assert category["children"].tolist() == ["120", "30", "3", "60", "7", "220"]
    assert "[c]" not in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_planted_identifier_reaches_no_output(published):
    out_dir, written = published
    files = sorted(p for p in out_dir.rglob("*") if p.is_file())
    # the scan reads every file the publisher wrote (40 for this context), not an empty or other folder
    assert {p.relative_to(out_dir).as_posix() for p in files} >= set(written) and len(written) >= 30
    scanned = {}
    for path in files:
        text = path.read_bytes()
        if path.suffix == ".xlsx":
            workbook = load_workbook(path, read_only=True)
            text = repr([list(ws.iter_rows(values_only=True)) for ws in workbook]).encode()
        scanned[path.relative_to(out_dir).as_posix()] = text
    # the table whose upstream frame carried the planted column is read, its other cells found there
    assert b"Neglect" in scanned["tables/cp_by_category.csv"] and b"Neglect" in scanned["tables.xlsx"]
    for name, text in scanned.items():
        assert PLANTED_ID.encode() not in text, name
        assert b"child_id" not in text, name


def test_missing_trends_and_previous_figures_still_publish(tmp_path):
    ctx = make_context(trends={}, previous={}, last_year={}, tables={}, commentary={}, dq_previous_counts={})
    written = publish_report(ctx, tmp_path)
    assert not [key for key in written if key.startswith("charts/")]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    # no chart: the readings sit under the headline table instead
    assert "Referrals was 214. No process limits: 1 month with a figure: limits need at least 12." in html
    assert "Referrals per 10,000 (12 months) was 621.0; 3.0% above the target of 603.0." in html
    assert "No figure shows special-cause variation this month." in html


def test_tables_and_charts_of_absent_lists_say_not_available_where_they_would_be(tmp_path):
    """As the warehouse stores them: an unavailable table comes back as `[]` (no columns), as does an
    available table with no rows (no open plans)."""
    reason = "not available: List 6 (children in need) was not in this month's extract"
    empty = {t: pd.DataFrame([]) for t in ("caseload_by_team", "referrals_weekly", "cp_by_category")}
    ctx = make_context(
        tables={**make_context().tables, **empty},
        unavailable={"caseload_by_team": reason, "referrals_weekly": "not available: no List 3"},
    )
    publish_report(ctx, tmp_path)
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert f"Open cases and average caseload by team: {reason}" in markdown
    assert "Referrals started in the week: not available: no List 3" in markdown
    assert markdown.count(reason) == 1  # one line for the table and its chart
    assert not (tmp_path / "tables" / "caseload_by_team.csv").exists()
    with (tmp_path / "tables" / "cp_by_category.csv").open(encoding="utf-8") as handle:
        assert [row[0] for row in csv.reader(handle)] == ["category", "Total"]


def test_trend_of_an_indicator_not_available_this_month_is_a_line_not_a_chart(tmp_path):
    note = "not available: List 8 (children looked after) was not in this month's extract"
    rows = [
        {**r, "value": None, "note": note} if r["indicator_id"] == "cla_open" else r for r in _indicators()
    ]
    written = publish_report(make_context(indicators=rows), tmp_path)
    assert "charts/trend_cla_open.svg" in publish_report(make_context(), tmp_path / "with")
    assert "charts/trend_cla_open.svg" not in written
    label = next(r["label"] for r in rows if r["indicator_id"] == "cla_open")
    assert f"{label}: {note}" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_republishing_replaces_stale_charts_and_tables(tmp_path):
    publish_report(make_context(), tmp_path)
    (tmp_path / "tables" / "old_table.csv").write_text("x\n")
    (tmp_path / "charts" / "trend_referrals.png").write_bytes(b"\x89PNG")  # as earlier versions drew
    written = publish_report(make_context(trends={}, tables={}), tmp_path)
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert on_disk == set(written)


def test_unknown_profile_is_a_usage_error(tmp_path):
    from csc_report.errors import UsageError

    with pytest.raises(UsageError):
        publish_report(make_context(), tmp_path, profile="everyone")


def test_every_chart_is_written_as_an_svg(tmp_path):
    written = publish_report(make_context(), tmp_path)
    charts = [path for key, path in written.items() if key.startswith("charts/")]
    assert len(charts) >= 10
    assert all(ElementTree.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg" for path in charts)


def test_parse_commentary_splits_on_level_two_headings(tmp_path):
    path = tmp_path / "commentary.md"
    path.write_text(
        "# June 2013\nOpening words.\n\n## referrals\nFewer referrals.\n\n### Detail\nMore.\n\n"
        "## Child protection ##\nPlans down.\n\n## empty\n",
        encoding="utf-8",
    )
    assert parse_commentary(path) == {
        "introduction": "# June 2013\nOpening words.",
        "referrals": "Fewer referrals.\n\n### Detail\nMore.",
        "Child protection": "Plans down.",
    }


def test_commentary_headings_are_demoted_and_raw_html_escaped(tmp_path):
    ctx = make_context(
        trends={},
        tables={},
        commentary={"introduction": "# Big title", "referrals": "<script>alert(1)</script>"},
    )
    publish_report(ctx, tmp_path)
    outline = _outline(tmp_path / "report.html")
    assert [tag for tag, _ in outline.headings].count("h1") == 1
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<h3>Big title</h3>" in html
    assert "### Big title" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_index_lists_months_newest_first_with_relative_links(tmp_path):
    published = [("874", "Peterborough", "2013-05"), ("874", "Peterborough", "2013-06"),
                 ("873", "Cambridgeshire", "2013-06")]  # fmt: skip
    for la, name, month in published:
        ctx = make_context(la_code=la, la_name=name, month=month, trends={}, tables={})
        publish_report(ctx, tmp_path / la / month)
    (tmp_path / "874" / "notes").mkdir()
    index = write_index(tmp_path, [*published, ("872", "Gone", "2013-06")])  # 872's report was deleted
    html = index.read_text(encoding="utf-8")
    links = [attrs["href"] for tag, attrs in _outline(index).tags if tag == "a"]
    assert links == ["873/2013-06/report.html", "874/2013-06/report.html", "874/2013-05/report.html"]
    assert "Cambridgeshire" in html and "June 2013" in html and "Gone" not in html


def test_report_renders_to_png_in_headless_chromium(published, tmp_path):
    """The first section (Referrals) as Chromium draws it on an A4-wide window: between its heading and
    the next section's (y 400-1430 of 1754 here) it shows text and chart lines, and the amber fill of its
    one amber RAG cell (referrals per 10,000: 621.0 against a target of 603.0), which only the inlined
    stylesheet gives. A blank page, or one whose style did not load, fails."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): the rendering check needs it")
    out_dir, _ = published
    screenshot = tmp_path / "report.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={screenshot}",
         "--window-size=1240,1754", (out_dir / "report.html").as_uri()],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    pixels = np.asarray(Image.open(screenshot).convert("RGB"))
    assert pixels.shape == (1754, 1240, 3)
    section = pixels[400:1430].astype(int)
    amber = (section == (0xFC, 0xE8, 0xB2)).all(axis=2).sum()  # .rag-amber { background: #fce8b2 }
    dark = (section.max(axis=2) < 100).mean()
    assert amber > 1000, amber  # one table cell, about 65 x 90 pixels
    assert dark > 0.01, dark  # text and chart lines; a blank section is 0


def test_indicator_period_is_the_rows_own_range_or_the_month(tmp_path):
    ctx = make_context(trends={}, tables={})
    for row in ctx.indicators:
        row["period"] = {"referrals_r12": "2012-07 to 2013-06", "referrals": "month"}.get(row["indicator_id"])
    publish_report(ctx, tmp_path)
    with (tmp_path / "indicators.csv").open(newline="", encoding="utf-8") as handle:
        periods = {row["indicator_id"]: row["period"] for row in csv.DictReader(handle)}
    assert periods["referrals_r12"] == "2012-07 to 2013-06"
    assert periods["referrals"] == periods["contacts"] == MONTH


def test_figures_tables_carry_making_data_count_icons_drawn_inline(published):
    out_dir, _ = published
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    outline = _outline(out_dir / "report.html")
    svgs = [attrs for tag, attrs in outline.tags if tag == "svg"]
    assert svgs and all(attrs.get("role") == "img" and attrs.get("aria-label") for attrs in svgs)
    assert html.count('class="icon-legend"') == 1  # one legend, under the highlights
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    re_referrals = part(html, "re-referrals", "table")
    # this month's 26.5% is below the lower limit (lower is better) and the limits lie above the target
    assert 'aria-label="Special-cause improvement: lower than expected"' in re_referrals
    assert 'aria-label="Will reliably miss the target"' in re_referrals
    markdown = (out_dir / "report.md").read_text(encoding="utf-8")
    assert "| Special-cause improvement: lower than expected | Will reliably miss the target |" in markdown


def test_line_panels_fit_their_values_and_say_when_the_axis_does_not_start_at_zero(published):
    from csc_report.publish.charts import Panel, value_range

    stock = Panel("Children looked after", "count", [327.0, 340.0, 362.0], target=330.0)
    low, high = value_range(stock)
    assert low == pytest.approx(327 - 0.08 * 35) and high == pytest.approx(362 + 0.08 * 35)
    near_zero = Panel("Unallocated", "count", [1.0, 5.0, 9.0])
    assert value_range(near_zero)[0] == 0  # the margin would reach below 0: the axis starts at 0
    out_dir, _ = published
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    looked_after = part(html, "looked-after")
    assert "The value axis does not start at 0 (marked //)." in looked_after


def test_own_figure_of_a_fictional_authority_says_whose_it_is(tmp_path):
    """The demo names a fictional authority but uses Peterborough's code: its column and footer say so."""
    publish_report(make_context(la_name="Demo Borough", trends={}, tables={}), tmp_path)
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| Neighbours (mean) | Peterborough (874) |" in markdown
    assert (
        "Demo Borough uses the local authority code 874, which DfE publishes as Peterborough: the "
        "\"Peterborough (874)\" column holds Peterborough's published figures, not Demo Borough's."
    ) in markdown


def test_breakdowns_are_in_the_appendix_without_zero_code_rows(published):
    """The paper links its breakdowns; the appendix prints them without codes nobody has (J2: 0), which
    the CSV and the workbook keep."""
    out_dir, _ = published
    report = (out_dir / "report.html").read_text(encoding="utf-8")
    appendix = (out_dir / "appendix.html").read_text(encoding="utf-8")
    assert "Children looked after by legal status</caption>" not in report
    looked_after = part(report, "looked-after")
    assert '<a href="appendix.html#looked-after">Children looked after by legal status; Children looked ' in (
        looked_after
    )
    legal = part(appendix, "table-cla_by_legal_status", "table")
    assert '<th scope="row">C1</th>' in legal and ">J2<" not in legal
    assert "1 code with no children not shown; tables/cla_by_legal_status.csv lists every code." in appendix
    assert pd.read_csv(out_dir / "tables" / "cla_by_legal_status.csv")["legal_status"].tolist()[3] == "J2"
    assert '<a href="report.html">' in appendix
    assert "(appendix.md)" in (out_dir / "report.md").read_text(encoding="utf-8")


def test_data_quality_is_told_in_words(published):
    """No sheet, column or rule ids in print: the list's name, the Annex A header, what is wrong."""
    out_dir, _ = published
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    section = part(html, "data-quality")
    assert (
        "3 data-quality issues were recorded (6 last month): 2 warnings, 1 rejected row. Most frequent: "
        "2 rows of List 3 (referrals): not a date; 1 row of List 8 (children looked after): unknown "
        "code." in section
    )
    appendix = (out_dir / "appendix.html").read_text(encoding="utf-8")
    table = part(appendix, "table-data_quality_summary", "table")
    assert '<th scope="row">List 8 (children looked after)</th>' in table
    assert "code_unknown" not in table and "date_parse" not in table


def test_short_breaks_are_listed_below_the_total_not_in_it(tmp_path):
    """Issue 34: the legal-status breakdown's total is the headline (cla_open, 358 here): short breaks
    (V3/V4) are not looked after, so they are listed below the total, apart, and not summed in it.
    120 + 150 + 2 + 86 = 358; V3 12 and V4 4 stay outside (V4's 4 suppressed alone under public)."""
    legal = pd.DataFrame(
        {
            "legal_status": ["C1", "C2", "E1", "J2", "V2", "V3", "V4"],
            "children": [120, 150, 2, 0, 86, 12, 4],
            "counted_in_cla_open": [True] * 5 + [False] * 2,
        }
    )
    ctx = make_context(tables={"cla_by_legal_status": legal}, trends={})
    written = publish_report(ctx, tmp_path, profile="internal")
    appendix = (tmp_path / "appendix.md").read_text(encoding="utf-8")
    lines = [
        line
        for line in appendix.splitlines()
        if line.startswith("| ") and line[2:4] in {"C1", "**", "V3", "V4"}
    ]
    assert lines[1:] == [
        "| **Total** | **358** |",
        "| V3 | 12 |",
        "| V4 | 4 |",
    ]
    sheet = load_workbook(written["tables.xlsx"])["cla_by_legal_status"]
    bold = [row[0].value for row in sheet.iter_rows(min_row=2) if row[0].font.bold]
    assert bold == ["Total"]
    frame = pd.read_csv(tmp_path / "tables" / "cla_by_legal_status.csv", dtype=str)
    assert frame["legal_status"].tolist()[-3:] == ["Total", "V3", "V4"]
    assert frame["children"].tolist()[-3:] == ["358", "12", "4"]


def test_the_runs_last_line_says_what_the_committee_will_see(published):
    """Issue 34: the line counts the published files: 32 indicators of which 3 have no value
    (assessments_completed, assessments_in_45wd_pct, pathway_plans_in_date_pct), and the 3 issues of
    data_quality.csv by severity (2 warnings, 1 rejected row; no error, no info)."""
    out_dir, _ = published
    assert published_summary(out_dir) == (
        "32 indicators published (3 not available); "
        "3 data-quality issues (0 errors, 2 warnings, 0 info, 1 rejected row)"
    )


def test_a_team_chart_with_every_bar_suppressed_is_its_reading_alone(tmp_path):
    """Issue 34: every team's cases are 1-5, so the public profile suppresses every bar (and the average
    that follows it): no empty chart is drawn, the reading says why in one line."""
    teams = pd.DataFrame(
        {
            "team": ["A", "B", "C"],
            "cases": [3, 4, 5],
            "workers": [1, 1, 1],
            "average_caseload": [3.0, 4.0, 5.0],
        }
    )
    ctx = make_context(tables={"caseload_by_team": teams}, trends={})
    markdown = (publish_report(ctx, tmp_path)["report.md"]).read_text(encoding="utf-8")
    assert "caseload_by_team_chart.svg" not in markdown
    assert (
        "Average caseload: no team figures to show; 4.0 overall; 3 teams not shown (suppressed)." in markdown
    )
