"""Dates that cannot be (issue 34): an event long before the child was born, or long after the extract.

The rule, at calendar-month granularity so that the warehouse (which keeps a date of birth as the first
of its month) can apply the same rule when it leaves such rows out of timeliness (`impossible_date` in
sql/indicators/_macros.sql):

- **before birth**: the date's month is more than 10 calendar months before the month of birth. The
  allowance for an unborn child is the CIN census's 40 weeks (rule 8606: a referral more than 40 weeks
  before the date of birth): a date 40 weeks (280 days) before a birth falls at most 10 calendar months
  earlier (1 January's birth: 27 March of the year before), so no pre-birth referral, conference or
  plan is flagged; a date 11 or more months earlier is at least 300 days before the birth.
- **after the extract**: the date's month is more than 12 months after the extract's month (after
  30 June 2014 for a June 2013 extract). Dates after the extract date but within the year are the
  suites' `*_not_in_future` checks.

Every date column of a list with a date of birth (Lists 1-10) is checked, each failing cell a `warning`
naming list, column and row. Checked on the raw dates, before pseudonymising; vectorised (pyarrow).
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from csc_report.catalogue import column_headers
from csc_report.issues import Issue
from csc_report.transforms.specs import load_lists

BEFORE_BIRTH_RULE = "date_before_birth"
AFTER_EXTRACT_RULE = "date_long_after_extract"
MONTHS_BEFORE_BIRTH = 10  # 40 weeks, at month granularity (see above)
MONTHS_AFTER_EXTRACT = 12


def _month_index(values) -> pa.Array:
    return pc.add(pc.multiply(pc.year(values), 12), pc.month(values))


def impossible_dates(tables: dict[str, pa.Table], asat: date) -> list[Issue]:
    """One warning per date cell more than 10 months before the birth month or more than 12 months after
    the extract's month."""
    specs = load_lists().lists
    last_month = asat.year * 12 + asat.month + MONTHS_AFTER_EXTRACT
    issues = []
    for list_id, table in tables.items():
        spec = specs.get(list_id)
        if spec is None or table.num_rows == 0:
            continue
        dates = [c.name for c in spec.columns.values() if c.type == "date" and c.name in table.column_names]
        birth = _month_index(table.column("dob")) if "dob" in table.column_names else None
        for column in dates:
            month = _month_index(table.column(column))
            late = pc.greater(month, last_month)
            issues += _issues(table, list_id, column, late, AFTER_EXTRACT_RULE, "more than a year after")
            if birth is not None:
                early = pc.greater(pc.subtract(birth, month), MONTHS_BEFORE_BIRTH)
                issues += _issues(table, list_id, column, early, BEFORE_BIRTH_RULE, "before birth")
    return issues


def _issues(table: pa.Table, list_id: str, column: str, failing, rule: str, kind: str) -> list[Issue]:
    positions = pc.indices_nonzero(pc.fill_null(failing, False))
    if len(positions) == 0:
        return []
    header = column_headers()[list_id].get(column, column)
    message = (
        f"{header} is dated more than 40 weeks before the child's date of birth"
        if kind == "before birth"
        else f"{header} is dated more than a year after the extract's month"
    )
    files, sheets, rows = (
        table.column(c).take(positions).to_pylist() for c in ("source_file", "source_sheet", "source_row")
    )
    return [
        Issue(f or "", s or "", r, column, rule, "warning", message)
        for f, s, r in zip(files, sheets, rows, strict=True)
    ]
