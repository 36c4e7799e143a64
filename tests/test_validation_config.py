"""The severity policy and the suites as data: schema checks and lookup order (no GX needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from csc_report.transforms.specs import load_lists

from csc_report.catalogue import LISTS
from csc_report.errors import UsageError
from csc_report.validation.severity import load_policy
from csc_report.validation.suites import load_suites

LIST_IDS = set(LISTS)


def test_shipped_policy_loads_and_resolves_most_specific_first():
    policy = load_policy()
    assert (
        policy.setting("contacts", "child_id_present", "expect_column_values_to_not_be_null").severity
        == "reject"
    )
    assert policy.setting("contacts", "child_id_present").max_failing_share == 0.05
    assert (
        policy.setting("cin", "cin_start_present", "expect_column_values_to_not_be_null").severity
        == "warning"
    )
    assert policy.setting("contacts", "anything", "expect_column_to_exist").severity == "error"
    fallback = policy.setting("contacts", "unknown_rule", "unknown_type")
    assert (fallback.severity, fallback.max_failing_share) == ("warning", 0.5)


def test_a_setting_inherits_the_keys_it_leaves_out(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("default: {severity: warning, max_failing_share: 0.3}\nrules:\n  r: {severity: reject}\n")
    assert load_policy(path).setting("x", "r").max_failing_share == 0.3


@pytest.mark.parametrize(
    "text",
    [
        "default: {severity: fatal}\n",
        "default: {severity: warning, max_failing_share: 2}\n",
        "default: {severity: warning}\nrules:\n  r: {severity: error, share: 0.1}\n",
        "default: {severity: warning}\nrulez: {}\n",
        "default: {max_failing_share: 0.1}\n",
        "default: [warning]\n",
        "default: {severity: warning\n",
        "- just a list\n",
    ],
)
def test_bad_policy_is_a_one_line_usage_error(tmp_path, text):
    path = tmp_path / "severity.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        load_policy(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_missing_policy_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="cannot be read"):
        load_policy(tmp_path / "absent.yaml")


def test_one_suite_per_list_each_check_with_rule_and_message():
    suites = load_suites()
    assert set(suites) == LIST_IDS
    for suite in suites.values():
        assert suite.checks
        assert all(c.rule and c.message for c in suite.checks)


def test_suites_bound_dates_by_the_asat_parameter_not_a_literal():
    """Every date column of lists.yaml (type date or dob) that a suite bounds is bounded above by
    `{"$PARAMETER": "asat"}`, and no kwarg of any suite holds a literal date: each suite is checked on
    its own, so one suite with a literal date fails. Every list with dates has such a check, except the
    workforce extract, whose starter and leaver dates may lie ahead (a post filled or left next month)."""
    lists = load_lists().lists
    literal = re.compile(r"\d{4}-\d{2}-\d{2}")
    bounded = {}
    for list_id, suite in load_suites().items():
        dates = {c.name for c in lists[list_id].columns.values() if c.type in ("date", "dob")}
        for exp in suite.spec["expectations"]:
            kwargs = exp["kwargs"]
            assert not literal.search(json.dumps(kwargs)), (list_id, exp["meta"]["rule"])
            if exp["type"] == "expect_column_values_to_be_between" and kwargs["column"] in dates:
                assert kwargs.get("max_value") == {"$PARAMETER": "asat"}, (list_id, exp["meta"]["rule"])
                assert "min_value" not in kwargs, (list_id, exp["meta"]["rule"])
                bounded.setdefault(list_id, set()).add(kwargs["column"])
    with_dates = {i for i, spec in lists.items() if any(c.type == "date" for c in spec.columns.values())}
    assert set(bounded) == with_dates - {"workforce"}
    assert bounded["assessments"] == {"dob", "assessment_start", "assessment_auth"}  # one list by hand


def test_suite_without_rule_ids_is_a_usage_error(tmp_path: Path):
    (tmp_path / "contacts.json").write_text(
        json.dumps(
            {
                "name": "contacts",
                "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "x"}}],
            }
        )
    )
    with pytest.raises(UsageError, match="meta.rule and meta.message"):
        load_suites(tmp_path)
