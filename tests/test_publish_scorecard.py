"""The scorecard (issue 35 point 5): every measure of the month once, by section, with its RAG in words and
its direction of travel read by polarity; scorecard.html and the first sheet of tables.xlsx.

Published once from the fabricated month of test_publish_report, with one trend (re-referrals) so that
its SPC icons exist and only one chart is drawn.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_publish_report import make_context

from csc_report.publish import publish_report
from csc_report.publish.scorecard import travel


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> tuple:
    ctx = make_context()
    ctx.trends = {"re_referrals_pct": ctx.trends["re_referrals_pct"]}
    ctx.directions = {**ctx.directions, "care_leavers_in_touch_pct": "higher", "cla_open": "lower"}
    health = {**ctx.indicators[0], "indicator_id": "health_assessments_pct", "section": "health",
              "unit": "pct", "label": "Health assessments in time (%)", "value": 84.0}  # fmt: skip
    ctx.indicators = [*ctx.indicators, health]  # a section the paper does not name
    out_dir = tmp_path_factory.mktemp("scorecard")
    publish_report(ctx, out_dir)
    return ctx, out_dir


class _Rows(HTMLParser):
    """(group, measure, cells) of every measure row of scorecard.html, and the tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, str, list[str]]] = []
        self.tags: list[tuple[str, dict]] = []
        self.group = ""
        self._cell: list[str] | None = None
        self._scope = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in ("th", "td"):
            self._cell, self._scope = [], attrs.get("scope", "")

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).strip()
            if self._scope == "rowgroup":
                self.group = text
            elif self._scope == "row":
                self.rows.append((self.group, text, []))
            elif tag == "td" and self.rows:
                self.rows[-1][2].append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _parsed(out_dir: Path) -> _Rows:
    parser = _Rows()
    parser.feed((out_dir / "scorecard.html").read_text(encoding="utf-8"))
    return parser


def test_every_indicator_appears_once_grouped_by_section(month):
    ctx, out_dir = month
    rows = _parsed(out_dir).rows
    assert sorted(label for _, label, _ in rows) == sorted(row["label"] for row in ctx.indicators)
    group = {label: g for g, label, _ in rows}
    # s47 figures are under the paper section that takes them; a section the paper does not name keeps
    # its own name
    assert group["Section 47 enquiries started"] == group["Children on a child protection plan"]
    assert group["Section 47 enquiries started"] == "Child protection plans"
    assert group["Health assessments in time (%)"] == "Health"
    assert 'id="section-health"' in (out_dir / "scorecard.html").read_text(encoding="utf-8")
    groups = list(dict.fromkeys(g for g, _, _ in rows))
    assert groups[:2] == ["Referrals", "Re-referrals"]  # the paper's order
    assert "Not available" in [cells[0] for _, label, cells in rows if label == "Pathway plans in date (%)"]


def test_rag_is_a_word_and_the_page_is_accessible(month):
    _, out_dir = month
    parser = _parsed(out_dir)
    cells = {label: cells for _, label, cells in parser.rows}
    assert cells["Re-referrals, 12 months (%)"][2] == "Red"  # value, target, RAG
    tags = parser.tags
    assert ("html", {"lang": "en-GB"}) in tags
    assert any(tag == "caption" for tag, _ in tags)
    assert all(attrs.get("scope") for tag, attrs in tags if tag == "th")
    icons = [attrs for tag, attrs in tags if tag == "svg"]
    assert icons and all(attrs.get("aria-label") for attrs in icons)
    assert not any("http" in (attrs.get("src") or attrs.get("href") or "") for _, attrs in tags)  # offline
    assert 'href="scorecard.html"' in (out_dir / "report.html").read_text(encoding="utf-8")


def test_direction_of_travel_is_read_by_polarity(month):
    _, out_dir = month
    cells = {label: cells for _, label, cells in _parsed(out_dir).rows}
    # re-referrals, lower is better: 26.5% against 31.2% last month, down 4.7 points: improving
    assert cells["Re-referrals within 12 months (%)"][3] == "Improving: down 4.7 pts from 31.2%"
    # care leavers in touch, higher is better: 91.7% against 90.5%, up 1.2 points: improving
    assert cells["Care leavers in touch (%)"][3] == "Improving: up 1.2 pts from 90.5%"
    # children looked after, lower is better (set so here): 358 against 352, up 6: worsening
    assert cells["Children looked after"][3] == "Worsening: up 6 from 352"
    # referrals have no polarity: only which way they moved (214 against 215)
    assert cells["Referrals"][3] == "Down 1 from 215"


@pytest.mark.parametrize(
    ("change", "direction", "expected"),
    [
        ("down 1.5 pts from 27.0%", "higher", "Worsening: down 1.5 pts from 27.0%"),
        ("down 1.5 pts from 27.0%", "lower", "Improving: down 1.5 pts from 27.0%"),
        ("no change from 214", "lower", "No change from 214"),  # unchanged at the shown precision
        ("partial history", "higher", "Partial history"),
        ("", "higher", ""),  # no figure last month
    ],
)
def test_travel_words(change, direction, expected):
    assert travel(change, direction) == expected


def test_scorecard_is_the_first_sheet_of_the_workbook(month):
    ctx, out_dir = month
    workbook = load_workbook(out_dir / "tables.xlsx")
    assert workbook.sheetnames[0] == "Scorecard"
    sheet = workbook["Scorecard"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Section", "Measure", "Value", "Target", "RAG", "Direction of travel"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == sheet.max_row - 1 == len(ctx.indicators)
    assert rows["Referrals per 10,000 (12 months)"][2:5] == (621.04, 603, "Amber")  # unrounded numbers
