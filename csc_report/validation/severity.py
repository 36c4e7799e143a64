"""The severity policy (config/severity.yaml): what a failed check does to the run.

Kept as configuration so that an analyst can decide, per rule and per list, whether a failure stops the
run, quarantines the row or is only reported, without touching code. The file is checked when loaded:
a typo in it must stop the run with one clear line (exit 2), not silently fall back to a default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from csc_report.errors import UsageError
from csc_report.issues import SEVERITIES
from csc_report.settings import CONFIG_DIR

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

    def setting(self, list_id: str, rule: str, expectation_type: str = "") -> Setting:
        """Most specific first: list+rule, list+type, rule, type, default; missing keys fall through."""
        per_list = self.lists.get(list_id, {})
        layers = [
            per_list.get(rule),
            per_list.get(expectation_type),
            self.rules.get(rule),
            self.rules.get(expectation_type),
            self.default,
        ]
        merged: dict = {}
        for layer in reversed([layer for layer in layers if layer]):
            merged.update(layer)
        return Setting(merged["severity"], merged.get("max_failing_share"))


def load_policy(path: Path | None = None) -> Policy:
    path = path or DEFAULT_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"severity policy {path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
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
