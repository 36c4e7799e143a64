"""The plain rules behind readings and highlights, and the formatting they rely on."""

from __future__ import annotations

import pandas as pd
import pytest

from csc_report.issues import ISSUE_COLUMNS
from csc_report.publish import issue_text, signals
from csc_report.publish.formatting import format_change, format_rag, format_value
from csc_report.publish.highlights import (
    Figure,
    direction,
    extreme_since,
    reading,
    spread_reading,
    target_gap,
)
from csc_report.publish.workbook import sheet_names

MONTHS = ("January 2012", "February 2012", "March 2012", "April 2012", "May 2012")


@pytest.mark.parametrize(
    ("current", "previous", "unit", "expected"),
    [
        (214, 215, "count", "steady"),  # within 2% of last month
        (220, 231, "count", "decrease"),
        (236, 231, "count", "slight increase"),  # beyond 2%, within 4%
        (26.5, 31.2, "pct", "decrease"),  # percentages move in points: 1 point is steady
        (58.7, 59.5, "pct", "steady"),
        (58.7, 60.5, "pct", "slight decrease"),
        (0, 0, "count", "steady"),
        (1, 0, "count", "increase"),
        (214, None, "count", None),
        (None, 215, "count", None),
    ],
)
def test_direction(current, previous, unit, expected):
    assert direction(current, previous, unit) == expected


def test_lowest_since_names_the_last_month_as_low():
    history = tuple(zip(MONTHS, (600, 700, 680, 650, 630), strict=True))
    assert extreme_since(621, history) == "the lowest since January 2012"
    assert extreme_since(720, history) == "the highest of the last 6 months"


def test_no_extreme_claimed_from_too_little_history_or_a_near_neighbour():
    assert extreme_since(1, (("May 2012", 5), ("June 2012", 6))) is None
    # the previous-but-one month was lower: "lowest since" it would say nothing worth saying
    assert extreme_since(621, tuple(zip(MONTHS, (700, 700, 700, 600, 630), strict=True))) is None
    assert extreme_since(630, tuple(zip(MONTHS, (600, 700, 680, 650, 630), strict=True))) is None


def test_gaps_are_not_counted_as_months_with_figures():
    history = tuple(zip(MONTHS, (700, None, 680, 650, 630), strict=True))
    assert extreme_since(600, history) == "the lowest of the 5 months with figures"


def test_target_gap_in_points_for_percentages_and_relative_otherwise():
    assert target_gap(621.04, 603.0, "rate_per_10k") == "3.0% above the target of 603.0"
    assert target_gap(58.7, 75.0, "pct") == "16.3 points below the target of 75.0%"
    assert target_gap(75.02, 75.0, "pct") == "on target (75.0%)"
    assert target_gap(5, 0, "count") is None
    assert target_gap(5, None, "count") is None


def test_reading_sentences():
    history = tuple(zip(MONTHS, (600, 700, 680, 650, 640), strict=True))
    steady = Figure("Referrals", "count", 214, 215)
    assert reading(steady) == "Referrals remained steady at 214 (215 last month)."
    rate = Figure("The referral rate", "rate_per_10k", 621.04, 630.2, history, 603.0)
    assert reading(rate) == (
        "The referral rate remained steady at 621.0 (630.2 last month); 3.0% above the target of 603.0; "
        "the lowest since January 2012."
    )
    assert reading(Figure("Plans", "count", 220, None)) == "Plans was 220."
    assert reading(Figure("Plans", "count", None, 231)) == "Plans: no figure for this month."
    weekly = Figure("Referrals in the week", "count", 47, 52)
    assert (
        reading(weekly, "week", "the week before") == "Referrals in the week fell to 47 (52 the week before)."
    )
    # beside a special-cause signal, no verb of movement: "remained steady" would contradict it
    stock = Figure("Children looked after", "count", 362, 358)
    assert reading(stock) == "Children looked after remained steady at 362 (358 last month)."
    assert reading(stock, moved=False) == "Children looked after was 362 (358 last month)."


def test_spread_and_data_quality_readings():
    teams = [("A", 18.0), ("B", None), ("C", 21.25)]
    assert spread_reading("average caseload", teams, 19.6, "decimal") == (
        "Average caseload ranged from 18.0 (A) to 21.2 (C) across 2 teams; 19.6 overall; "
        "1 team not shown (suppressed)."
    )
    assert (
        spread_reading("average caseload", [("A", 18.0)], None, "decimal") == "Average caseload was 18.0 (A)."
    )
    assert (
        issue_text.reading(pd.DataFrame(columns=ISSUE_COLUMNS), None)
        == "0 data-quality issues were recorded."
    )


ISSUES = pd.DataFrame(
    [
        ["x.xlsx", "List_2", 5, "child_id", "missing_value", "warning", "mandatory value is blank"],
        ["x.xlsx", "List_2", 9, "child_id", "missing_value", "warning", "mandatory value is blank"],
        ["x.xlsx", "List_4", 7, "assessment_auth, assessment_start",
         "assessment_auth_not_before_assessment_start", "warning",
         "assessment is authorised before it starts"],
        ["x.xlsx", "List_6", 3, "worker", "missing_value", "reject", "mandatory value is blank"],
        ["x.xlsx", "List_6", 4, "team", "missing_value", "reject", "mandatory value is blank"],
        ["x.xlsx", "List_3", None, "", "referrals_column_present", "error", "referrals: required column "
         "referral_date is absent"],
    ],
    columns=ISSUE_COLUMNS,
)  # fmt: skip


def test_data_quality_reading_names_lists_headers_and_problems_in_words():
    """Hand-worked: 6 issues, the three most frequent kinds (by list, columns and rule) told in words."""
    assert issue_text.reading(ISSUES, 4) == (
        "6 data-quality issues were recorded (4 last month): 3 warnings, 2 rejected rows, 1 error. Most "
        "frequent: 2 rows of List 2 (early help) had no Child Unique ID; 1 row of List 4 (assessments): "
        "assessment is authorised before it starts; 1 row of List 6 (children in need) had no Allocated "
        "Worker."
    )
    # a rule without a phrase of its own is told by its message, the column ids in it as headers
    assert issue_text.sentence("List_3", "", "referrals_column_present", ISSUES["message"].iloc[5], 0) == (
        "List 3 (referrals): required column Date of Referral is absent"
    )
    # several issues' columns under one rule: either of them
    assert issue_text.describe("List_6", ["worker", "team"], "missing_value", "") == (
        "had no Allocated Worker or Allocated Team"
    )
    assert issue_text.list_label("Referrals") == 'the sheet "Referrals"'


def test_data_quality_sentences_read_as_english():
    """Issue 34: the article goes with the header's sound, and a header that is a question is quoted."""
    assert issue_text.describe("List_3", "ethnicity", "unknown_code", "") == (
        "had an Ethnicity value that is not a known code, read as blank"
    )
    assert issue_text.describe("List_4", "assessment_outcome", "unknown_code", "") == (
        'had a "Was the child assessed as requiring LA children\'s social care support" value that is not '
        "a known code, read as blank"
    )
    assert issue_text.describe("List_8", "legal_status", "unknown_code", "") == (
        "had a Child's Legal Status value that is not a known code, read as blank"
    )
    # hand-worked articles: a vowel letter, an acronym said letter by letter, a vowel said "you"
    cases = {
        "Ethnicity": "an",
        "UPN": "a",
        "ICPC Date": "an",
        "Unique ID": "a",
        "Gender": "a",
        '"Was x"': "a",
    }
    assert {phrase: issue_text.article(phrase) for phrase in cases} == cases
    assert issue_text.header_in_text("Date of Referral") == "Date of Referral"  # short: as it is


def test_a_reading_never_has_an_empty_value():
    """Issue 34: a missing value says why (its note's first clause); a partial one says it is partial."""
    assert (
        signals.missing_reading(
            "Re-referrals within 12 months (%)",
            "no referrals in the month: percentage empty; history runs from 2023-08-01 only, so ...",
        )
        == "Re-referrals within 12 months (%): not available (no referrals in the month: percentage empty)."
    )
    assert signals.missing_reading("Agency rate (%)", "not available: the workforce extract was absent") == (
        "Agency rate (%): not available (the workforce extract was absent)."
    )
    assert signals.missing_reading("Contacts", None) == "Contacts: not available this month."
    assert signals.partial_reading("Re-referrals (%)", "28.2%") == (
        "Re-referrals (%): partial history, 28.2% over the months held."
    )


def test_values_are_formatted_by_unit():
    assert format_value(1402.0, "count") == "1,402"
    assert format_value(621.04, "rate_per_10k") == "621.0"
    assert format_value(26.549, "pct") == "26.5%"
    assert format_value(6.25, "fte") == "6.2"
    assert format_value(None, "pct") == format_value(float("nan"), "pct") == ""
    assert format_change(26.5, 31.2, "pct") == "down 4.7 pts from 31.2%"
    assert format_change(214, 214, "count") == "no change from 214"
    assert format_change(1402, 1390, "count") == "up 12 from 1,390"
    assert format_rag("R") == "Red" and format_rag("amber") == "Amber" and format_rag(None) == ""


def test_sheet_names_are_short_safe_and_unique():
    ids = [
        "trend_initial_assessments_in_10wd_pct",
        "trend_initial_assessments_in_10wd_count",
        "a/b",
        "Contents",
    ]
    names = sheet_names(ids)
    assert all(len(name) <= 31 for name in names)
    assert len({name.lower() for name in names} | {"contents"}) == len(names) + 1
    assert names[2] == "a_b"
