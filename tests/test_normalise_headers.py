"""Header normalisation, alias matching, list identification and the LA alias file."""

from __future__ import annotations

import pytest
from csc_report.transforms.headers import identify, match_headers
from csc_report.transforms.specs import load_lists
from csc_report.transforms.text import normalise_header

from csc_report.errors import UsageError


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  Date Ceased to be Looked After ", "date ceased to be looked after"),
        ("LA In Touch ", "la in touch"),
        ("Referral NFA?", "referral nfa"),
        (
            "Was the child assessed as requiring LA children\u2019s social care support?",
            "was the child assessed as requiring la children's social care support",
        ),
        (
            "Number of Episodes the Child has been \u2018Missing\u2019 from",
            "number of episodes the child has been 'missing' from",
        ),
        ("UASC within the Last 12 Months (Y/N))", "uasc within the last 12 months (y/n)"),
        ("Child\xa0Unique   ID", "child unique id"),
        (None, ""),
    ],
)
def test_normalise_header(raw, expected):
    assert normalise_header(raw) == expected


@pytest.fixture
def lists():
    return load_lists()


@pytest.mark.parametrize(
    "list_id, header, column",
    [
        ("contacts", "Age", "age"),
        ("contacts", "Age of Child (Years)", "age"),
        ("referrals", "Date of Referral", "referral_date"),
        ("referrals", "date of referral", "referral_date"),
        (
            "assessments",
            "Was the child assessed as requiring LA children\u2019s social care support",
            "assessment_outcome",
        ),
        ("cla", "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))", "uasc"),
        (
            "cla",
            "Is this a second or subsequent episode of being a Looked After Child within the last 12 months"
            " (Y/N)",
            "subsequent_period",
        ),
        (
            "cla",
            "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
            "absent_episodes",
        ),
        ("cla", "Date Ceased to be Looked After ", "cla_end"),
        ("care_leavers", "LA In Touch ", "in_touch"),
        ("cin", "Case status", "case_status"),
        ("s47", "Initial Child Protection Conference Not Required (Y/N)", "icpc_not_required"),  # regex alias
        ("adoption", "Date of Adoption Order ", "adoption_order"),
    ],
)
def test_aliases(lists, list_id, header, column):
    assert match_headers([header], lists.lists[list_id]).columns == {column: 0}


def test_header_matching_is_order_independent(lists):
    spec = lists.lists["referrals"]
    headers = [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Referral",
        "Referral Source",
        "Referral NFA",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
        "Team",
    ]
    forward, backward = match_headers(headers, spec), match_headers(headers[::-1], spec)
    assert set(forward.columns) == set(backward.columns)
    assert forward.repeated == [("team", ["Allocated Team", "Team"])]
    assert backward.repeated == [("team", ["Team", "Allocated Team"])]


def test_header_matching_two_columns_is_ambiguous(lists, tmp_path):
    la = tmp_path / "la.yaml"
    la.write_text(
        "lists:\n  cla:\n    columns:\n      last_visit: {aliases: [Date of Latest Statutory Review]}\n"
    )
    spec = load_lists(la).lists["cla"]
    match = match_headers(["Date of Latest Statutory Review"], spec)
    assert match.columns == {} and match.ambiguous == [
        (0, "Date of Latest Statutory Review", ["last_review", "last_visit"])
    ]


def test_identify_finds_header_after_title_and_prefers_best_list(lists):
    rows = [
        ["List 2: Early Help"],
        [
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            "Assessment start date",
            "Assessment completion date",
            "Organisation completing assessment",
        ],
        ["1", "a) Male", "a) WBRI", None, "3", "2010-01-01", None, "X"],
    ]
    match = identify(rows, lists.lists.values(), "Sheet1")
    assert (match.spec.id, match.header_row) == ("early_help", 1)


def test_identify_ignores_common_columns_alone(lists):
    rows = [["Child Unique ID", "Gender", "Ethnicity", "Date of Birth"]]
    assert identify(rows, lists.lists.values(), "List 1") is None


def test_la_aliases_merge(tmp_path):
    la = tmp_path / "la.yaml"
    la.write_text(
        "lists:\n  cla:\n    sheets: [LAC]\n    columns:\n"
        "      permanence_plan:\n        patterns: ['^plan for child to be reunified']\n"
    )
    spec = load_lists(la).lists["cla"]
    header = "Plan for Child to be Reunified with Their Family"
    assert match_headers([header], spec).columns == {"permanence_plan": 0}
    assert "lac" in spec.sheets
    assert match_headers([header], load_lists().lists["cla"]).columns == {}  # defaults untouched


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("lists:\n  nope: {}\n", "unknown list"),
        ("lists:\n  cla:\n    columns:\n      nope: {aliases: [x]}\n", "unknown column"),
        ("lists:\n  cla:\n    columns:\n      uasc: {aliass: [x]}\n", "unknown key"),
        ("lists:\n  cla:\n    columns:\n      uasc: {patterns: ['(']}\n", "bad regex"),
        ("lists:\n  cla:\n    columns:\n      uasc: {aliases: [Yes]}\n", "quotes"),
        ("lists:\n  cla:\n    columns:\n      uasc: {type: int}\n", "cannot change"),
        ("lists: [\n", "not valid YAML"),
    ],
)
def test_bad_la_config_is_a_usage_error(tmp_path, text, fragment):
    la = tmp_path / "la.yaml"
    la.write_text(text)
    with pytest.raises(UsageError) as caught:
        load_lists(la)
    assert fragment in str(caught.value) and "\n" not in str(caught.value)
    assert str(caught.value).startswith("la.yaml")
