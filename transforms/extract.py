"""The in-memory form of one month's extract, passed from reading to validation to loading."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from csc_report.issues import Issue


@dataclass(frozen=True)
class SourceFile:
    """One input file of a month folder; its sha256 goes into run.json and the loads audit."""

    path: str
    name: str
    sha256: str
    kind: str  # "xlsx" | "xls" | "csv"


@dataclass
class Extract:
    """Canonical, typed tables of one month's extract (see docs/architecture.md for the columns).

    `tables` holds only the canonical columns the source had, plus `source_file`, `source_sheet` and
    `source_row` (the Excel row number as the user sees it) so that every issue can point at its row.
    `columns_present` says which canonical columns the source had: an absent column makes an indicator
    "not available" rather than zero.
    """

    tables: dict[str, pa.Table] = field(default_factory=dict)
    columns_present: dict[str, list[str]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    layout: str = "2019"  # "2019", "2024" (List 9 pathway columns) or "pre2014" (List 4 assessment types)

    def row_counts(self) -> dict[str, int]:
        return {name: table.num_rows for name, table in self.tables.items()}
