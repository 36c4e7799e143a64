"""The June 2013 report of a generated authority as a committee gets it: printed on A4 by Chromium, it
is a paper of committee length, and its text (and its appendix's and scorecard's) names nothing by an
internal id.

These read the month the session's `demo` fixture publishes through the real flow (conftest.py); the
2024 case prints March 2025 of a generated 2024-layout authority (three months, the 2024 demo's last
month at a third of its scale), loaded, computed and published by the pipeline's own stages without the
engines; the last prints a fabricated 2014-layout month with every figure config/report.yaml names
(issue 35).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from browser import QUIET, chromium
from conftest import DEMO_LA, DEMO_MONTHS
from csc_report.transforms.pseudonymise import pseudonymise
from csc_report.transforms.read import read_extract
from test_publish_report import make_context

from csc_report import warehouse, warehouse_reference
from csc_report.dfe import lookup
from csc_report.generate import generate_inbox
from csc_report.pipeline import compute
from csc_report.publish import publish_report
from csc_report.report_context import build_report_context
from csc_report.settings import RunPaths

MAX_PAGES = 8  # issue 17: highlights, then per section its figures, one chart, the reading, the commentary
READER_PAGES = ("report.html", "report.md", "appendix.html", "appendix.md", "scorecard.html")
# the reviewers' pattern: an Annex A sheet name or a snake_case id (file names aside)
INTERNAL_ID = re.compile(r"\b(List_[0-9]+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b")
FILE_NAME = re.compile(r"[\w./-]+\.(?:csv|xlsx|md|html|yaml|svg)\b")
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")  # a page, not the /Pages tree


def reader_text(path: Path) -> str:
    """What a reader reads of a page: tags (and so attribute values) and file names taken out."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = re.sub(r"<style>.*?</style>", " ", text, flags=re.DOTALL)
        text = re.sub(r"<[^>]*>", " ", text)
    else:
        text = re.sub(r"\]\([^)]*\)", "]", text)  # Markdown link and image targets
    return FILE_NAME.sub(" ", text)


def reader_text_of(html: str) -> str:
    return FILE_NAME.sub(" ", re.sub(r"<[^>]*>", " ", html))


def internal_ids(text: str) -> set[str]:
    return set(INTERNAL_ID.findall(text))


def test_the_pattern_finds_what_reviewers_look_for():
    text = reader_text_of("<p>List_6 rows <b>missing_value</b>; see data_quality.csv and cla_open.</p>")
    assert internal_ids(text) == {"List_6", "missing_value", "cla_open"}
    assert internal_ids(reader_text_of("<p>List 6 (children in need): 38 rows had no Child ID</p>")) == set()


@pytest.fixture(scope="module")
def june(demo) -> Path:
    root, params, outcomes = demo
    out_dir = Path(params["outputs"]) / DEMO_LA / DEMO_MONTHS[-1]
    assert (out_dir / "report.html").is_file(), outcomes
    return out_dir


def test_reader_text_holds_no_internal_identifiers(june):
    found = {name: sorted(internal_ids(reader_text(june / name))) for name in READER_PAGES}
    assert found == {name: [] for name in READER_PAGES}


def printed_pages(report: Path, tmp_path: Path) -> int:
    """Pages of `report` printed on A4 by headless Chromium."""
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [chromium(), *QUIET, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return len(PAGE_OBJECT.findall(pdf.read_bytes()))


def test_report_prints_on_at_most_eight_a4_pages(june, tmp_path):
    pages = printed_pages(june / "report.html", tmp_path)
    assert 2 <= pages <= MAX_PAGES  # at least 2: a page count of 0 or 1 would mean a broken print


LATEST_2024 = ("2025-01", "2025-02", "2025-03")


@pytest.fixture(scope="module")
def march_2025(tmp_path_factory) -> Path:
    """March 2025 of a generated 2024-layout authority, published after its two months before."""
    root = tmp_path_factory.mktemp("print_2024")
    paths = RunPaths(inbox=root / "inbox", warehouse=root / "wh", outputs=root / "out")
    generate_inbox(
        paths.inbox, la_code=DEMO_LA, end=LATEST_2024[-1], months=3, scale=0.3, seed=7, layout="2024"
    )
    con = warehouse.connect(paths.warehouse_file(DEMO_LA))
    try:
        warehouse.apply_schema(con)
        warehouse_reference.load_population(con, paths.inbox / "reference" / "population.csv")
        lookup.load_reference(con)
        for month in LATEST_2024:
            files = sorted((paths.inbox / DEMO_LA / month).glob("*.xlsx"))
            extract = pseudonymise(read_extract(files), b"k" * 32, DEMO_LA)
            warehouse.load_snapshot(con, DEMO_LA, month, extract, load_id=month)
    finally:
        con.close()
    for month in LATEST_2024:
        compute(paths, DEMO_LA, month)
    con = warehouse.connect(paths.warehouse_file(DEMO_LA), read_only=True)
    try:
        ctx = build_report_context(con, DEMO_LA, LATEST_2024[-1], [])
    finally:
        con.close()
    publish_report(ctx, paths.output_dir(DEMO_LA, LATEST_2024[-1]))
    return paths.output_dir(DEMO_LA, LATEST_2024[-1])


@pytest.mark.slow
def test_a_2024_layout_month_prints_on_at_most_eight_pages_with_its_practice_measures(march_2025, tmp_path):
    """No section of "not available" (initial and core assessments are one line), children in need and
    both practice blocks on the paper, every measure of the month in the scorecard, within 8 pages."""
    html = (march_2025 / "report.html").read_text(encoding="utf-8")
    assert 'id="h-initial-assessments"' not in html and "not in this extract&#39;s layout" in html
    assert 'id="h-children-in-need"' in html
    assert html.count(": practice, March 2025</caption>") == 2
    assert "Not available" not in html.split('id="h-not-in-layout"')[0]
    measures = pd.read_csv(march_2025 / "indicators.csv")
    scorecard = pd.read_excel(march_2025 / "tables.xlsx", sheet_name="Scorecard", engine="calamine")
    assert sorted(scorecard["Measure"]) == sorted(measures["label"])
    assert 2 <= printed_pages(march_2025 / "report.html", tmp_path) <= MAX_PAGES


# the measures config/report.yaml puts on the paper beyond the seed's (practice blocks, children in need)
PAPER_MEASURES = [
    ("cin_open", "children in need", "count", "Children in need", 1204),
    ("cin_rate_per_10k", "children in need", "rate_per_10k", "Children in need per 10,000 children", 310.5),
    ("cin_started", "children in need", "count", "Children in need episodes started", 120),
    ("cin_closed", "children in need", "count", "Children in need episodes closed", 110),
    ("cin_seen_in_standard_pct", "children in need", "pct", "Seen within the standard (%)", 81.0),
    ("cp_visits_in_standard_pct", "child protection", "pct", "Visits within the standard (%)", 88.0),
    ("cp_reviews_in_time_pct", "child protection", "pct", "Reviews within timescale (%)", 95.0),
    ("cla_visits_in_standard_pct", "looked after", "pct", "Visits within the standard (%)", 90.0),
    ("cla_reviews_in_time_pct", "looked after", "pct", "Reviews within timescale (%)", 92.0),
]  # fmt: skip


@pytest.mark.slow
def test_a_2014_layout_month_with_every_paper_measure_prints_on_at_most_eight_pages(tmp_path):
    """The fabricated month of test_publish_report after 2014 (no initial or core assessments: one line),
    with each measure of PAPER_MEASURES and a 13-month trend like looked-after children's."""
    ctx = make_context()
    no_type = 'not available: List 4 (assessments) has no column "Assessment Type"'
    for row in ctx.indicators:
        if row["indicator_id"].startswith(("initial_assessments", "core_assessments")):
            row.update(value=None, rag=None, note=no_type)
    shape = ctx.trends["cla_open"]
    for indicator_id, section, unit, label, value in PAPER_MEASURES:
        ctx.indicators.append(
            {**ctx.indicators[0], "indicator_id": indicator_id, "section": section, "unit": unit,
             "label": label, "value": value, "target": None, "rag": None, "note": None}
        )  # fmt: skip
        ctx.trends[indicator_id] = shape.assign(value=shape["value"] / shape["value"].iloc[-1] * value)
    publish_report(ctx, tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Children in need per 10,000 children" in html
    assert html.count(": practice, June 2013</caption>") == 2  # both practice blocks are on the paper
    assert 2 <= printed_pages(tmp_path / "out" / "report.html", tmp_path) <= MAX_PAGES
