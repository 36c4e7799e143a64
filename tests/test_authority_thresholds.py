"""An authority sets its own thresholds in <inbox>/<la>/config.yaml (issue 34), and the line that stops a
run names the list, the Annex A header and the rows."""

from __future__ import annotations

import re

import pytest
from csc_report.transforms.extract import Extract
from test_validation import ASAT, D, child, table

from csc_report.authority_config import load_authority_config
from csc_report.errors import UsageError
from csc_report.validation import gx_engine, validate_extract
from csc_report.validation.severity import load_policy, with_authority

FIFTEEN = {"lists": {"contacts": {"child_id_present": {"max_failing_share": 0.15}}}}


@pytest.fixture(scope="module", autouse=True)
def gx_context():
    return gx_engine.context()


def contacts_one_blank() -> Extract:
    # 8 contacts, the last (Excel row 9) without a child: 1 of 8 = 12.5%, above the shipped 5%, under 15%
    rows = [child(f"C{i}", contact_date=D("2024-05-01"), contact_source="1A") for i in range(7)]
    rows.append(child(None, contact_date=D("2024-05-02"), contact_source="1A"))
    return Extract(tables={"contacts": table(rows, file="annex_a.xlsx", sheet="List_1")})


def test_one_blank_child_in_eight_contacts_stops_the_shipped_policy_in_words():
    result = validate_extract(contacts_one_blank(), ASAT)
    assert result.stop_message() == (
        'annex_a.xlsx, sheet List_1: List 1 (contacts) column "Child Unique ID": 1 of 8 rows (12%) fail '
        "(child identifier is empty), more than the 5% allowed (Excel row 9; rule child_id_present)"
    )


def test_the_authority_lets_the_month_through_and_says_so():
    result = validate_extract(contacts_one_blank(), ASAT, overrides=FIFTEEN)
    assert result.errors == []
    assert result.rejected["source_row"].to_pylist() == [9]  # the row itself is still quarantined
    told = [i.message for i in result.issues if i.rule == "authority_setting"]
    assert told == [
        "The authority's config.yaml sets child_id_present on List 1 (contacts) to stop the run above 15% "
        "of rows failing (shipped: stop the run above 5% of rows failing)"
    ]


def test_a_lower_threshold_of_the_authority_stops_and_the_message_says_whose():
    # 10% allowed by the authority: 12.5% still stops, and the line says the limit is the authority's
    ten = {"rules": {"child_id_present": {"max_failing_share": 0.1}}}
    result = validate_extract(contacts_one_blank(), ASAT, overrides=ten)
    assert "more than the 10% allowed by the authority's config.yaml (Excel row 9;" in result.stop_message()


def test_further_errors_are_counted_and_placed():
    # a second list whose required event-date column is absent: one more error, named by list and header
    extract = contacts_one_blank()
    extract.tables["adoption"] = table([child("A1")], file="annex_a.xlsx", sheet="List_10")
    message = validate_extract(extract, ASAT).stop_message()
    assert message.endswith(
        '; and 1 more error: List 10 (adoption) column "Date of Decision that Child Should be Placed for '
        'Adoption"'
    )


def test_the_authority_layer_wins_over_every_shipped_layer():
    policy = with_authority(load_policy(), {"rules": {"duplicate_natural_key": {"severity": "warning"}}})
    # shipped: contacts.duplicate_natural_key is info (a list+rule setting); the authority's rule wins
    assert policy.setting("contacts", "duplicate_natural_key").severity == "warning"
    assert policy.overridden("contacts", "duplicate_natural_key")
    assert not policy.overridden("contacts", "child_id_present")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "severity:\n  rules:\n    child_id_presnt: {max_failing_share: 0.2}\n",
            "unknown rule 'child_id_presnt'",
        ),
        (
            "severity:\n  lists:\n    list_1: {child_id_present: {severity: warning}}\n",
            "unknown list 'list_1'",
        ),
        ("severity:\n  rules:\n    child_id_present: {max_failing_share: 15}\n", "must be a number 0-1"),
        ("severity:\n  rules:\n    child_id_present: {severity: fatal}\n", "expected one of error"),
        ("severity: [child_id_present]\n", "must map rules and/or lists"),
    ],
)
def test_a_mistyped_setting_is_a_one_line_usage_error(tmp_path, text, says):
    # a typo must not leave the shipped setting silently in force: one line naming file and key, exit 2
    (tmp_path / "config.yaml").write_text(text)
    with pytest.raises(UsageError, match=re.escape(says)) as caught:
        load_authority_config(tmp_path / "config.yaml")
    said = str(caught.value)
    assert f"{tmp_path / 'config.yaml'}: severity" in said and "\n" not in said


def test_settings_are_recorded_as_written(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "window_months: 12\nseverity:\n  lists:\n"
        "    contacts: {child_id_present: {max_failing_share: 0.15}}\n"
    )
    assert load_authority_config(path).as_record() == {
        "window_months": 12,
        "severity": {"rules": {}, **FIFTEEN},
    }
