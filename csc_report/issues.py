"""Data-quality issues: one shape shared by reading, normalising, validating and publishing.

Every stage that finds something wrong with the input records an `Issue` rather than raising or
dropping data silently. `data_quality.csv` (contract section 4) is these records, in this column order.
Messages must never carry personal values (identifiers, names, dates of birth, postcodes).
"""

from __future__ import annotations

import csv
from dataclasses import asdict, astuple, dataclass, fields
from pathlib import Path

import pyarrow as pa

SEVERITIES = ("error", "reject", "warning", "info")


@dataclass(frozen=True)
class Issue:
    file: str
    sheet: str
    row: int | None  # the row number as the user sees it in Excel (1-based, header rows counted)
    column: str
    rule: str
    severity: str
    message: str

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def one_line(self) -> str:
        where = ", ".join(
            p
            for p in (
                self.file,
                f"sheet {self.sheet}" if self.sheet else "",
                f"row {self.row}" if self.row else "",
                f"column {self.column!r}" if self.column else "",
            )
            if p
        )
        return f"{where}: {self.rule}: {self.message}"


# The columns of data_quality.csv, of the report's issue table and of the warehouse's dq_issues (after
# its la_code and snapshot_month; tests/test_data_definition.py checks sql/schema.sql): Issue's fields.
ISSUE_COLUMNS = [f.name for f in fields(Issue)]
_ARROW_TYPES = {"str": pa.string(), "int | None": pa.int64()}
ISSUE_SCHEMA = pa.schema([(f.name, _ARROW_TYPES[f.type]) for f in fields(Issue)])


def issues_to_arrow(issues: list[Issue]) -> pa.Table:
    """Issues as an Arrow table in `data_quality.csv` column order (empty table keeps the schema)."""
    return pa.Table.from_pylist([asdict(i) for i in issues], schema=ISSUE_SCHEMA)


def write_data_quality(issues: list[Issue], path: Path) -> Path:
    """`data_quality.csv`: one row per issue, the contract's columns, Excel row numbers as integers."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ISSUE_COLUMNS)
        for issue in issues:
            writer.writerow("" if value is None else value for value in astuple(issue))
    return Path(path)
