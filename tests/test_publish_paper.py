"""The paper follows the extract's era (issue 35 point 1) and config/report.yaml decides its figures.

Built from the fabricated month of test_publish_report without trends (no charts to draw), so each case
is a model build of a fraction of a second.
"""

from __future__ import annotations

import logging

import pytest
from test_publish_report import make_context

from csc_report.authority_config import config_path, load_authority_config
from csc_report.errors import UsageError
from csc_report.publish import paper
from csc_report.publish.build import build_report
from csc_report.publish.report import render
from csc_report.report_layout import load_layout

NO_TYPE = 'List 4 (assessments) has no column "Assessment Type"'
LIST_4_MISSING = "List 4 (assessments) was not in this month's extract"
INITIAL_AND_CORE = ("initial_assessments", "core_assessments")


def _month(notes: dict[str, str] | None = None, extra: list[dict] = (), **overrides):
    """The fabricated month without trends; `notes`: indicator id prefix -> its not-available reason
    (the value emptied), as indicators._assemble writes them."""
    ctx = make_context(trends={}, **overrides)
    for row in ctx.indicators:
        for prefix, reason in (notes or {}).items():
            if row["indicator_id"].startswith(prefix):
                row.update(value=None, rag=None, note=f"not available: {reason}")
    ctx.indicators += list(extra)
    return ctx


def _2024_month():
    """A 2024-layout month: List 4 has no assessment type, so initial and core assessments have no
    values, and single assessments have."""
    ctx = _month({prefix: NO_TYPE for prefix in INITIAL_AND_CORE})
    for row in ctx.indicators:
        if row["indicator_id"] in ("assessments_completed", "assessments_in_45wd_pct"):
            row.update(value=310 if row["unit"] == "count" else 82.0, note=None)
    return ctx


def _section(report, section_id: str):
    return next((s for s in report.sections if s.id == section_id), None)


def test_a_2024_layout_month_has_no_section_made_only_of_not_available():
    report = build_report(_2024_month())
    for section in report.sections:
        values = [row.value for row in section.rows]
        assert not values or set(values) != {"Not available"}, section.title
    assert _section(report, "initial-assessments") is None
    assert report.not_in_layout == [
        f"Initial assessments: not in this extract's layout ({NO_TYPE}); single assessments since April 2014."
    ]
    markdown = render(report, "report.md.j2")
    assert markdown.count(NO_TYPE) == 1  # one line, not a row per figure and a chart's reading
    assert _section(report, "assessments").title == "Single assessments"


def test_a_pre_2014_month_keeps_initial_and_core_assessments():
    report = build_report(_month())
    initial = _section(report, "initial-assessments")
    assert [row.label for row in initial.rows] == ["Initial assessments in 10 days (%)"]
    assert _section(report, "assessments").title == "Core assessments"
    assert report.not_in_layout == []


def test_a_list_missing_this_month_still_says_so_in_its_table():
    report = build_report(_month({prefix: LIST_4_MISSING for prefix in INITIAL_AND_CORE}))
    initial = _section(report, "initial-assessments")
    assert [(row.value, row.note) for row in initial.rows] == [
        ("Not available", f"not available: {LIST_4_MISSING}")
    ]
    assert report.not_in_layout == []


def test_a_file_missing_this_month_is_said_once_in_its_sections_place():
    """Every workforce figure lacks the same file: one line where the table would be, not four rows of
    "Not available" (the scorecard keeps a row each), and not a layout line: it is a gap to chase."""
    gap = "not available: the workforce extract was not in this month's files"
    report = build_report(_month({"sw_": gap.removeprefix("not available: ")}))
    workforce = _section(report, "workforce")
    assert (workforce.rows, workforce.summary[0]) == ([], f"Workforce: {gap}")
    assert report.not_in_layout == []
    assert [r.figure.value for g in report.scorecard.groups for r in g.rows if g.title == "Workforce"] == [
        "Not available"
    ] * 4


def test_a_single_figure_the_layout_never_had_is_a_line_in_its_section():
    no_review = 'List 9 (care leavers) has no column "Pathway Plan Review Date"'
    report = build_report(_month({"pathway_plans_in_date_pct": no_review}))
    leaving = _section(report, "leaving-care")
    assert "Pathway plans in date (%)" not in [row.label for row in leaving.rows]
    assert f"Pathway plans in date (%): not in this extract's layout ({no_review})." in leaving.summary
    assert len(leaving.rows) == 4  # the section's other figures keep their table


@pytest.mark.parametrize(
    ("value", "note", "expected"),
    [
        (None, f"not available: {NO_TYPE}", NO_TYPE),
        (None, f"not available: {NO_TYPE} - single assessments since 2014", NO_TYPE),  # catalogue's note
        (None, f"not available: {NO_TYPE}; {LIST_4_MISSING}", None),  # partly a missing list: a gap
        (None, f"not available: {LIST_4_MISSING}", None),
        (None, "not available: no extract was loaded for 2013-06", None),
        (12.0, f"not available: {NO_TYPE}", None),  # a value is never absent
        (None, None, None),
    ],
)
def test_structural_reason_only_for_columns_the_layout_lacks(value, note, expected):
    assert paper.structural_reason({"value": value, "note": note}) == expected


def test_an_authority_chooses_the_figures_of_a_section():
    default = _section(build_report(_month()), "looked-after")
    assert len(default.rows) == 2  # the fabricated month's two looked-after figures
    layout = load_layout([{"id": "looked-after", "figures": ["cla_3plus_placements_pct"]}])
    chosen = _section(build_report(_month(layout=layout)), "looked-after")
    assert [row.label for row in chosen.rows] == ["Three or more placements in 12 months (%)"]


def test_ids_the_catalogue_lacks_are_left_out_and_logged(caplog):
    """The default layout names the practice and children-in-need measures (issue 35) before the
    catalogue has them: no section, no block, one warning naming them; once they exist they show."""
    with caplog.at_level(logging.WARNING, logger="csc_report.publish.paper"):
        report = build_report(_month())
    assert _section(report, "children-in-need") is None
    assert _section(report, "child-protection").blocks == []
    assert "cp_visits_in_standard_pct" in caplog.text and "cin_open" in caplog.text
    visits = {
        "indicator_id": "cp_visits_in_standard_pct", "section": "child protection", "unit": "pct",
        "label": "Visits within the standard (%)", "value": 87.5, "target": None, "rag": None,
        "numerator": 35, "denominator": 40, "note": None,
    }  # fmt: skip
    cin = {**visits, "indicator_id": "cin_open", "section": "children in need", "unit": "count",
           "label": "Children in need", "value": 1204}  # fmt: skip
    report = build_report(_month(extra=[visits, cin]))
    (practice,) = _section(report, "child-protection").blocks
    assert (practice.title, [row.value for row in practice.rows]) == ("Practice", ["87.5%"])
    assert [row.value for row in _section(report, "children-in-need").rows] == ["1,204"]


def test_authority_report_settings_are_checked_on_load(tmp_path):
    (tmp_path / "LA").mkdir()
    path = config_path(tmp_path, "LA")
    path.write_text("report:\n  sections:\n    - id: looked-after\n      figures: [cla_open]\n")
    layout = load_authority_config(path).report_layout
    looked_after = next(s for s in layout if s.id == "looked-after")
    assert looked_after.figures == ("cla_open",) and looked_after.blocks  # the default's Practice kept
    path.write_text("report:\n  sections:\n    - id: looked-after\n      figure: [cla_open]\n")
    with pytest.raises(UsageError, match=r"config.yaml: report: section 1 \(looked-after\): unknown key"):
        load_authority_config(path)
    path.write_text("report:\n  sections:\n    - id: looked-after\n      figures: cla_open\n")
    with pytest.raises(UsageError, match="`figures` must be a list"):
        load_authority_config(path)


def test_a_section_the_layout_never_had_keeps_its_commentary_under_one_line():
    ctx = _2024_month()
    ctx.commentary = {**ctx.commentary, "Initial assessments": "We moved to single assessments in 2014."}
    report = build_report(ctx)
    initial = _section(report, "initial-assessments")
    assert initial.rows == [] and initial.charts == [] and report.not_in_layout == []
    assert initial.summary == [
        f"Initial assessments: not in this extract's layout ({NO_TYPE}); single assessments since April 2014."
    ]
    assert "single assessments in 2014" in initial.commentary.markdown
