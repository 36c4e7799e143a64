"""The checks as data: one Great Expectations suite per list in expectations/<list id>.json.

Suites are plain GX 1.x ExpectationSuite JSON so that an analyst can read and edit them. Each expectation
carries `meta.rule` (a stable rule id, which config/severity.yaml and data_quality.csv use) and
`meta.message` (the text shown for a failing row: it must never hold a value from the data, so it is
written by hand rather than derived from the data). Dates are bounded by `{"$PARAMETER": "asat"}`,
resolved per run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from csc_report.errors import UsageError
from csc_report.settings import EXPECTATIONS_DIR

DEFAULT_DIR = EXPECTATIONS_DIR
_COLUMN_KWARGS = ("column", "column_A", "column_B")


@dataclass(frozen=True)
class Check:
    """One expectation of a suite, with what the runner needs to know about it before GX sees it."""

    rule: str
    type: str
    message: str
    columns: tuple[str, ...]  # domain columns, in the order an issue names them
    needs: frozenset[str]  # every column the check reads, row_condition included


@dataclass(frozen=True)
class Suite:
    list_id: str
    spec: dict  # the JSON as written: GX builds its ExpectationSuite from it
    checks: tuple[Check, ...]

    def check(self, rule: str) -> Check:
        return next(c for c in self.checks if c.rule == rule)


@cache
def load_suites(directory: Path = DEFAULT_DIR) -> dict[str, Suite]:
    """All suites of a directory, keyed by list id (the file stem). Read once per process."""
    suites = {}
    for path in sorted(directory.glob("*.json")):
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise UsageError(f"expectation suite {path}: not readable JSON ({exc})") from None
        suites[path.stem] = Suite(path.stem, spec, _checks(path, spec))
    return suites


def _checks(path: Path, spec: dict) -> tuple[Check, ...]:
    if not isinstance(spec, dict) or not isinstance(spec.get("expectations"), list):
        raise UsageError(f"expectation suite {path}: expected an object with an 'expectations' list")
    checks, seen = [], set()
    for n, exp in enumerate(spec["expectations"], start=1):
        meta = exp.get("meta") or {}
        rule, message = meta.get("rule"), meta.get("message")
        if not (isinstance(rule, str) and rule and isinstance(message, str) and message):
            raise UsageError(f"expectation suite {path}: expectation {n} needs meta.rule and meta.message")
        if rule in seen:
            raise UsageError(f"expectation suite {path}: rule {rule!r} appears twice")
        seen.add(rule)
        kwargs = exp.get("kwargs") or {}
        columns = tuple(kwargs[k] for k in _COLUMN_KWARGS if k in kwargs) + tuple(
            kwargs.get("column_list", ())
        )
        condition = _condition_columns(kwargs.get("row_condition"))
        checks.append(Check(rule, exp.get("type", ""), message, columns, frozenset(columns) | condition))
    return tuple(checks)


def _condition_columns(condition) -> frozenset[str]:
    """Columns a GX 1.x row_condition (dict form: comparison, nullity, and/or groups) reads."""
    if not isinstance(condition, dict):
        return frozenset()
    found = set()
    if isinstance(condition.get("column"), dict):
        found.add(condition["column"]["name"])
    for part in condition.get("conditions", ()):
        found |= _condition_columns(part)
    return frozenset(found)
