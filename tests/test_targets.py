"""Targets: the schema check on load and the RAG rule (csc_report.targets)."""

from __future__ import annotations

import pytest

from csc_report.errors import UsageError
from csc_report.targets import Target, load_targets, parse_targets, rag


def test_rag_higher_is_better_with_tolerance_boundaries():
    # target 85, tolerance 5: 85 green (meets), 80 amber (exactly at tolerance), 79.99 red
    status = rag([90, 85, 82, 80, 79.99], [85] * 5, ["higher"] * 5, [5] * 5)
    assert status.tolist() == ["green", "green", "amber", "amber", "red"]


def test_rag_lower_is_better_with_tolerance_boundaries():
    # referral rate target 603, tolerance 30: 603 green, 633 amber, 633.01 red; 621 (3% above) amber
    status = rag([600, 603, 621, 633, 633.01], [603] * 5, ["lower"] * 5, [30] * 5)
    assert status.tolist() == ["green", "green", "amber", "amber", "red"]


def test_rag_none_without_value_or_target_and_no_amber_without_tolerance():
    status = rag(
        [None, 50, 50, 84.9], [85, None, 85, 85], ["higher", None, "higher", "higher"], [5, None, 0, 0]
    )
    assert status.tolist() == ["none", "none", "red", "red"]


def test_rag_boundary_survives_floating_point_noise():
    assert rag([82.7], [85], ["higher"], [2.3]).tolist() == ["amber"]


def test_load_targets(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text(
        "re_referrals_pct: {target: 25, direction: lower, tolerance: 2}\n"
        "icpcs: {target: 10, direction: higher}\n"
    )
    assert load_targets(path) == {
        "re_referrals_pct": Target(25.0, "lower", 2.0),
        "icpcs": Target(10.0, "higher", 0.0),
    }
    assert load_targets(tmp_path / "absent.yaml") == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"x": {"target": 1, "direction": "hihger"}}, "direction must be higher or lower"),
        ({"x": {"target": "high", "direction": "higher"}}, "target must be a number"),
        ({"x": {"direction": "higher"}}, "target must be a number"),
        ({"x": {"target": 1, "direction": "lower", "tolerance": -1}}, "tolerance must not be negative"),
        ({"x": {"target": 1, "direction": "lower", "colour": "red"}}, "unknown key(s) colour"),
        ({"x": 5}, "expected {target, direction, tolerance}"),
        (["x"], "expected a mapping"),
        ({"unknown_id": {"target": 1, "direction": "lower"}}, "unknown indicator id"),
    ],
)
def test_bad_targets_are_one_line_usage_errors(data, message):
    with pytest.raises(UsageError) as error:
        parse_targets(data, source="targets.yaml", known_ids=["x"])
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_unreadable_yaml_is_a_usage_error(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text("x: {target: 1, direction: [\n")
    with pytest.raises(UsageError, match="cannot read targets"):
        load_targets(path)
