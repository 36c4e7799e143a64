"""The severity policy (config/severity.yaml): what a failed check does to the run.

Kept as configuration so that an analyst can decide, per rule and per list, whether a failure stops the
run, quarantines the row or is only reported, without touching code. The file is checked when loaded:
a typo in it must stop the run with one clear line (exit 2), not silently fall back to a default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from csc_report.catalogue import LISTS, list_names
from csc_report.errors import UsageError
from csc_report.issues import SEVERITIES
from csc_report.settings import CONFIG_DIR
from csc_report.validation.suites import load_suites
from csc_report.yaml_files import YAMLError, read_yaml

DEFAULT_PATH = CONFIG_DIR / "severity.yaml"
_SETTING_KEYS = {"severity", "max_failing_share"}


@dataclass(frozen=True)
class Setting:
    """What one failed check does: its row severity and the failing share above which the run stops."""

    severity: str
    max_failing_share: float | None


@dataclass(frozen=True)
class Policy:
    default: dict
    rules: dict[str, dict]
    lists: dict[str, dict[str, dict]]
    # the authority's own settings (`severity:` in <inbox>/<la>/config.yaml): same shape, above every
    # shipped layer, so that what an authority wrote is what happens
    authority_rules: dict[str, dict] = field(default_factory=dict)
    authority_lists: dict[str, dict[str, dict]] = field(default_factory=dict)

    def setting(self, list_id: str, rule: str, expectation_type: str = "") -> Setting:
        """Most specific first: the authority's list+rule, list+type, rule, type, then the shipped
        list+rule, list+type, rule, type, default; missing keys fall through."""
        merged: dict = {}
        for layer in reversed([layer for layer in self._layers(list_id, rule, expectation_type) if layer]):
            merged.update(layer)
        return Setting(merged["severity"], merged.get("max_failing_share"))

    def overridden(self, list_id: str, rule: str, expectation_type: str = "") -> bool:
        """Whether the authority's settings change this check's setting on this list."""
        shipped = Policy(self.default, self.rules, self.lists)
        return self.setting(list_id, rule, expectation_type) != shipped.setting(
            list_id, rule, expectation_type
        )

    def _layers(self, list_id: str, rule: str, expectation_type: str) -> list[dict | None]:
        layers = []
        for rules, lists in ((self.authority_rules, self.authority_lists), (self.rules, self.lists)):
            per_list = lists.get(list_id, {})
            layers += [
                per_list.get(rule),
                per_list.get(expectation_type),
                rules.get(rule),
                rules.get(expectation_type),
            ]
        return [*layers, self.default]


def with_authority(policy: Policy, overrides: dict | None) -> Policy:
    """`policy` with an authority's checked `severity:` settings ({"rules": ..., "lists": ...}) on top."""
    if not overrides:
        return policy
    return Policy(
        policy.default, policy.rules, policy.lists, overrides.get("rules", {}), overrides.get("lists", {})
    )


def check_overrides(path: Path, value) -> dict:
    """An authority's `severity:` setting, checked: {"rules": {rule: setting}, "lists": {list id: {rule:
    setting}}}, each rule one the suites or config/severity.yaml know (a typo would silently leave the
    shipped setting in force). Raises UsageError naming the file and the key."""
    where = f"{path}: severity"
    if not isinstance(value, dict) or set(value) - {"rules", "lists"}:
        raise UsageError(
            f"{where} must map rules and/or lists to rule settings, as config/severity.yaml does"
        )
    rules = _settings(path, "severity.rules", value.get("rules") or {})
    lists_raw = value.get("lists") or {}
    if not isinstance(lists_raw, dict):
        raise UsageError(f"{where}.lists must map a list id to rule settings")
    lists = {str(lid): _settings(path, f"severity.lists.{lid}", v or {}) for lid, v in lists_raw.items()}
    for lid in lists:
        if lid not in LISTS:
            raise UsageError(f"{where}.lists: unknown list {lid!r} (known: {', '.join(LISTS)})")
    known = known_rules()
    for scope, settings in [("rules", rules), *((f"lists.{lid}", v) for lid, v in lists.items())]:
        for rule in settings:
            if rule not in known:
                raise UsageError(f"{where}.{scope}: unknown rule {rule!r} (rule ids are in data_quality.csv)")
    return {"rules": rules, "lists": lists}


@cache
def rule_types() -> dict[str, str]:
    """Rule id -> its expectation type, from the suites (a rule keeps its type on every list)."""
    return {c.rule: c.type for suite in load_suites().values() for c in suite.checks}


@cache
def known_rules() -> frozenset[str]:
    """Every rule id and expectation type a setting may name: the suites' and config/severity.yaml's."""
    shipped = load_policy()
    found = {c.rule for suite in load_suites().values() for c in suite.checks}
    found |= {c.type for suite in load_suites().values() for c in suite.checks}
    return frozenset(found | set(shipped.rules) | {r for rules in shipped.lists.values() for r in rules})


def load_policy(path: Path | None = None) -> Policy:
    path = path or DEFAULT_PATH
    try:
        raw = read_yaml(path)
    except OSError as exc:
        raise UsageError(f"severity policy {path}: cannot be read ({exc.strerror})") from None
    except YAMLError as exc:
        raise UsageError(f"severity policy {path}: not valid YAML ({_first_line(exc)})") from None
    if not isinstance(raw, dict):
        raise UsageError(f"severity policy {path}: expected a mapping with default, rules, lists")
    unknown = set(raw) - {"default", "rules", "lists"}
    if unknown:
        raise UsageError(f"severity policy {path}: unknown top-level key {sorted(unknown)[0]!r}")
    default = _setting(path, "default", raw.get("default"))
    if "severity" not in default:
        raise UsageError(f"severity policy {path}: default needs a severity")
    default.setdefault("max_failing_share", None)
    rules = _settings(path, "rules", raw.get("rules") or {})
    lists_raw = raw.get("lists") or {}
    if not isinstance(lists_raw, dict):
        raise UsageError(f"severity policy {path}: lists must map a list id to rule settings")
    lists = {str(lid): _settings(path, f"lists.{lid}", v or {}) for lid, v in lists_raw.items()}
    return Policy(default, rules, lists)


def _settings(path: Path, where: str, value) -> dict[str, dict]:
    if not isinstance(value, dict):
        raise UsageError(f"severity policy {path}: {where} must map a rule to a setting")
    return {str(rule): _setting(path, f"{where}.{rule}", s) for rule, s in value.items()}


def _setting(path: Path, where: str, value) -> dict:
    if not isinstance(value, dict):
        raise UsageError(f"severity policy {path}: {where} must be a mapping like {{severity: warning}}")
    unknown = set(value) - _SETTING_KEYS
    if unknown:
        raise UsageError(f"severity policy {path}: {where} has unknown key {sorted(unknown)[0]!r}")
    if "severity" in value and value["severity"] not in SEVERITIES:
        raise UsageError(
            f"severity policy {path}: {where}.severity is {value['severity']!r}, expected one of "
            + ", ".join(SEVERITIES)
        )
    share = value.get("max_failing_share")
    if share is not None and (
        isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1
    ):
        raise UsageError(f"severity policy {path}: {where}.max_failing_share must be a number 0-1 or null")
    return dict(value)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def describe_overrides(policy: Policy) -> list[str]:
    """Each of the authority's settings in words, with what it replaces, for data_quality.csv, the report's
    data-quality paragraph and the Data Docs: "The authority's config.yaml sets child_id_present on List 1
    (contacts) to stop the run above 15% of rows failing (shipped: above 5%)"."""
    shipped = Policy(policy.default, policy.rules, policy.lists)
    scopes = [("", policy.authority_rules)] + [(lid, rules) for lid, rules in policy.authority_lists.items()]
    told = []
    for list_id, rules in scopes:
        where = list_names()[list_id] if list_id else "every list"
        for rule, setting in rules.items():
            before = shipped.setting(list_id, rule, rule_types().get(rule, ""))
            parts = []
            if "severity" in setting:
                parts.append(f"severity {setting['severity']} (shipped: {before.severity})")
            if "max_failing_share" in setting:
                parts.append(
                    f"{_stop(setting['max_failing_share'])} (shipped: {_stop(before.max_failing_share)})"
                )
            told.append(f"The authority's config.yaml sets {rule} on {where} to {' and '.join(parts)}")
    return told


def _stop(share: float | None) -> str:
    return "never stop the run" if share is None else f"stop the run above {share:.0%} of rows failing"
