"""validate_extract: run the suites, apply the severity policy, split off rejected rows.

Validation runs on the normalised tables BEFORE pseudonymisation, so the tables still hold raw
identifiers and full dates of birth. Checks use the exact date of birth (a plan starting before birth is
caught to the day); what leaves this module is only Excel row numbers, rule ids and hand-written messages.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from csc_report.catalogue import list_numbers
from csc_report.errors import DataError
from csc_report.issues import Issue
from csc_report.transforms.extract import Extract
from csc_report.validation import gx_engine
from csc_report.validation.cross_list import open_cp_plans_on_cin
from csc_report.validation.duplicates import merge_duplicates
from csc_report.validation.gx_engine import Outcome
from csc_report.validation.impossible_dates import impossible_dates
from csc_report.validation.severity import Policy, describe_overrides, load_policy, with_authority
from csc_report.validation.stop_message import stop_message
from csc_report.validation.suites import DEFAULT_DIR, Check, Suite, load_suites

ERRORED = "expectation_errored"
NO_DATA_RULE = "no_data_rows"
AUTHORITY_RULE = "authority_setting"  # an authority's own threshold in force (issue_text states it)
QUARANTINE_SCHEMA = pa.schema(
    [
        ("list_id", pa.string()),
        ("source_file", pa.string()),
        ("source_sheet", pa.string()),
        ("source_row", pa.int64()),
        ("rule", pa.string()),
        ("message", pa.string()),
    ]
)


@dataclass
class ValidationResult:
    issues: list[Issue]  # validation issues only (the extract's own issues are in extract.issues)
    rejected: pa.Table  # quarantine rows, QUARANTINE_SCHEMA, one per (row, rule)
    extract: Extract  # rejected rows removed, validation issues appended
    errors: list[Issue] = field(default_factory=list)  # severity error: the caller stops the run

    def raise_for_errors(self) -> None:
        """Stop the run (exit 1) on the first error, saying how many more there are and where."""
        if self.errors:
            raise DataError(self.stop_message())

    def stop_message(self) -> str:
        return stop_message(self.errors, self.extract.issues, self.extract.tables)


def validate_extract(
    extract: Extract,
    asat: date,
    *,
    data_docs_dir: Path | None = None,
    severity_path: Path | None = None,
    suites_dir: Path = DEFAULT_DIR,
    overrides: dict | None = None,
) -> ValidationResult:
    """Check every list of `extract` against its suite; the caller raises DataError when `errors` is set.

    An extract without a data row in any Annex A list is one error and nothing else (a report of zeros
    must never be published from a blank template). Repeated rows are merged first (duplicates.py), so
    the suites, the load and the figures see each record once.
    """
    policy = with_authority(load_policy(severity_path), overrides)
    suites = load_suites(suites_dir)
    empty = _no_data_rows(extract)
    if empty:
        stopped = dataclasses.replace(extract, issues=[*extract.issues, *empty])
        return ValidationResult(empty, _split({}, {})[1], stopped, empty)
    tables, issues = merge_duplicates(extract.tables)
    extract = dataclasses.replace(extract, tables=tables)
    issues += impossible_dates(tables, asat)
    issues += [Issue("", "", None, "", AUTHORITY_RULE, "info", text) for text in describe_overrides(policy)]
    rejects: dict[str, dict[int, list[tuple[str, str]]]] = {}  # list -> position -> (rule, message)
    gx_results = {}
    for list_id, table in extract.tables.items():
        suite = suites.get(list_id)
        if suite is None:
            continue
        result, outcomes = _run_list(suite, table, asat)
        if result is not None:
            gx_results[list_id] = result
        for outcome in outcomes:
            _apply(outcome, list_id, table, policy, issues, rejects)
    cross = open_cp_plans_on_cin(extract.tables)
    if cross is not None:
        _apply(cross, "cp_plans", extract.tables["cp_plans"], policy, issues, rejects)
    kept, rejected = _split(extract.tables, rejects)
    if data_docs_dir is not None and gx_results:
        gx_engine.build_data_docs(gx_results, data_docs_dir)
        _note_in_data_docs(data_docs_dir, describe_overrides(policy))
    new_extract = dataclasses.replace(extract, tables=kept, issues=[*extract.issues, *issues])
    errors = [i for i in issues if i.severity == "error"]
    return ValidationResult(issues, rejected, new_extract, errors)


def _note_in_data_docs(directory: Path, lines: list[str]) -> None:
    """The authority's own thresholds at the top of the Data Docs index: whoever reads which checks
    failed also reads that the run judged them by the authority's settings."""
    index = Path(directory) / "index.html"
    if not lines or not index.is_file():
        return
    note = "".join(f"<p>{html.escape(line)}.</p>" for line in lines)
    text = index.read_text(encoding="utf-8")
    body = re.search(r"<body[^>]*>", text)
    if body:
        at = body.end()
        index.write_text(
            f'{text[:at]}<div class="alert alert-info" role="note">{note}</div>{text[at:]}', "utf-8"
        )


def _no_data_rows(extract: Extract) -> list[Issue]:
    """The error of an extract whose Annex A lists hold no row at all. The workforce file's rows do not
    count when an Annex A list was read (its figures alone are no month); a workforce file validated on
    its own is judged by its own rows."""
    annex = [t for list_id, t in extract.tables.items() if list_id in list_numbers().values()]
    if any(table.num_rows for table in annex or extract.tables.values()):
        return []
    names = "; ".join(f.name for f in extract.files) or "the extract"
    return [Issue(names, "", None, "", NO_DATA_RULE, "error", "no data rows in any list")]


def _run_list(suite: Suite, table: pa.Table, asat: date):
    """Run one suite, skipping checks on absent optional columns; a crash of GX becomes one outcome."""
    present = set(table.column_names)
    skip = {c.rule for c in suite.checks if c.type != "expect_column_to_exist" and not c.needs <= present}
    needed = set().union(*(c.needs for c in suite.checks if c.rule not in skip)) & present
    try:
        result, outcomes = gx_engine.run_suite(suite, table, needed, skip, asat)
    except Exception as exc:  # noqa: BLE001 - any GX failure is reported as an errored check, not a crash
        whole_suite = Check(ERRORED, "", "suite not evaluated", (), frozenset())
        return None, [Outcome(whole_suite, False, [], f"{type(exc).__name__}: suite not evaluated")]
    return result, outcomes


def _apply(
    outcome: Outcome, list_id: str, table: pa.Table, policy: Policy, issues: list[Issue], rejects: dict
) -> None:
    """Turn one outcome into issues (and rejected rows) according to the severity policy."""
    if outcome.success:
        return
    check = outcome.check
    column = ", ".join(check.columns)
    file, sheet = _table_source(table)
    if outcome.errored is not None:
        severity = policy.setting(list_id, ERRORED).severity
        issues.append(
            Issue(
                file,
                sheet,
                None,
                column,
                ERRORED,
                severity,
                f"{list_id}: check {check.rule} could not be evaluated ({outcome.errored})",
            )
        )
        return
    setting = policy.setting(list_id, check.rule, check.type)
    if not outcome.positions:  # a table-level check (e.g. a required column): no row to quarantine
        severity = "error" if setting.severity == "reject" else setting.severity
        issues.append(Issue(file, sheet, None, column, check.rule, severity, f"{list_id}: {check.message}"))
        return
    files, sheets, rows = (
        table.column(c).take(outcome.positions).to_pylist()
        for c in ("source_file", "source_sheet", "source_row")
    )
    for pos, f, s, r in zip(outcome.positions, files, sheets, rows, strict=True):
        issues.append(Issue(f or "", s or "", r, column, check.rule, setting.severity, check.message))
        if setting.severity == "reject":
            rejects.setdefault(list_id, {}).setdefault(pos, []).append((check.rule, check.message))
    # The share is of the list's rows (not of the rows a check looked at), as the policy file says.
    share = len(outcome.positions) / table.num_rows
    if setting.max_failing_share is not None and share > setting.max_failing_share:
        issues.append(
            Issue(
                file,
                sheet,
                None,
                column,
                check.rule,
                "error",
                f"{list_id}: {len(outcome.positions)} of {table.num_rows} rows ({share:.0%}) fail "
                f"({check.message}), more than the {setting.max_failing_share:.0%} allowed"
                + (
                    " by the authority's config.yaml"
                    if policy.overridden(list_id, check.rule, check.type)
                    else ""
                ),
            )
        )


def _table_source(table: pa.Table) -> tuple[str, str]:
    """File and sheet to name for a list-level issue (all of them, when a list came from several)."""

    def distinct(name: str) -> str:
        if name not in table.column_names or table.num_rows == 0:
            return ""
        return "; ".join(v for v in table.column(name).unique().to_pylist() if v)

    return distinct("source_file"), distinct("source_sheet")


def _split(tables: dict[str, pa.Table], rejects: dict[str, dict[int, list[tuple[str, str]]]]):
    """Remove rejected rows from their tables and build the quarantine table (one row per row and rule)."""
    kept = dict(tables)
    quarantine = []
    for list_id, by_pos in rejects.items():
        table = tables[list_id]
        positions = np.fromiter(sorted(by_pos), dtype=np.int64, count=len(by_pos))
        mask = np.ones(table.num_rows, dtype=bool)
        mask[positions] = False
        kept[list_id] = table.filter(pa.array(mask))
        taken = table.select(["source_file", "source_sheet", "source_row"]).take(positions).to_pylist()
        for pos, src in zip(positions.tolist(), taken, strict=True):
            for rule, message in by_pos[pos]:
                quarantine.append({"list_id": list_id, **src, "rule": rule, "message": message})
    return kept, pa.Table.from_pylist(quarantine, schema=QUARANTINE_SCHEMA)
