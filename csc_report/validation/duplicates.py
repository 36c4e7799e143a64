"""Rows that say the same thing twice, counted once (issue 34).

Two kinds, both settled before the suites run so that validation, the load and every figure see one row:

- **Exact repeats**: rows of one list in one extract identical in every column (the source row aside) are
  one record, whatever the list. A repeated row in a workbook is a copy-and-paste or an export fault;
  loading both would count a referral, an S47 or a child twice.
- **One event, two rows**: on Lists 3 and 5 a child's referral (or S47 strategy discussion) on one date
  is one event (`SAME_EVENT`), so rows sharing the list's natural key (child, event date) but differing
  elsewhere (a second source, a corrected outcome) are merged into the first row in the sheet. This
  overrides contract 1.2's "two referrals of one child on one day stay two" for these two lists: the
  published workbooks showed such pairs to be one referral entered twice far more often than two.

Lists whose rule is one row per child (6, 7, 8) keep their own checks and severities; Lists 1 and 2
(contacts, early help) may hold two same-day events of one child and are only checked for exact repeats.
Each row left out is a `warning` naming its Excel row and the row kept, so `explain` and the data-quality
table can show which row stands for the record. The work is vectorised (Arrow and numpy, `_groups`).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csc_report.catalogue import LIST_KEYS
from csc_report.issues import Issue

SOURCE_COLUMNS = ("source_file", "source_sheet", "source_row")
EXACT_RULE = "exact_duplicate_row"
SAME_EVENT_RULE = "same_event_merged"
# Lists where one child's rows on one event date are one event: their natural key (lists.yaml history_key)
SAME_EVENT = {list_id: LIST_KEYS[list_id] for list_id in ("referrals", "s47")}


def merge_duplicates(tables: dict[str, pa.Table]) -> tuple[dict[str, pa.Table], list[Issue]]:
    """Each table without its exact repeats and (Lists 3 and 5) same-event rows; one warning per row left
    out, naming the row kept."""
    kept, issues = {}, []
    for list_id, table in tables.items():
        keys = [c for c in table.column_names if c not in SOURCE_COLUMNS]
        table, found = _drop(table, keys, EXACT_RULE, "", "repeats row {kept} exactly; counted once")
        issues += found
        if list_id in SAME_EVENT and set(SAME_EVENT[list_id]) <= set(table.column_names):
            key = list(SAME_EVENT[list_id])
            message = "same child and date as row {kept}: one event, counted once (row {kept} kept)"
            table, found = _drop(table, key, SAME_EVENT_RULE, ", ".join(key), message)
            issues += found
        kept[list_id] = table
    return kept, issues


def _drop(table: pa.Table, keys: list[str], rule: str, column: str, message: str):
    """`table` without the rows repeating an earlier row's `keys` (rows with an empty key part stay: they
    name no event, and validation deals with them); the issues for the rows left out."""
    if table.num_rows < 2 or not keys:
        return table, []
    group, first = _groups(table.select(keys))
    repeat = first[group] != np.arange(table.num_rows)
    if column:  # a key with an empty part names no event
        empty = [pc.is_null(table.column(k), nan_is_null=True) for k in keys]  # pandas' isna
        repeat &= ~np.logical_or.reduce([e.to_numpy(zero_copy_only=False) for e in empty])
    if not repeat.any():  # the usual case
        return table, []
    rows = table.column("source_row").to_numpy(zero_copy_only=False)
    kept_rows = rows[first[group]]  # the Excel row of the first row of each row's group
    dropped = np.flatnonzero(repeat)
    files, sheets = (table.column(c).take(dropped).to_pylist() for c in ("source_file", "source_sheet"))
    issues = [
        Issue(f or "", s or "", int(rows[p]), column, rule, "warning", message.format(kept=int(kept_rows[p])))
        for p, f, s in zip(dropped.tolist(), files, sheets, strict=True)
    ]
    return table.filter(pa.array(~repeat)), issues


def _groups(keys: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group of equal key values, and each group's first row (its lowest position).

    Equal as pandas' `duplicated` has them: empty cells (null, and NaN in a float column) equal one
    another, and 0.0 equals -0.0. Each column is dictionary-encoded by Arrow, and rows are compared by
    their codes, sorted once with numpy: no Python per row, and no pandas frame to build.
    """
    codes = []
    for col in keys.columns:
        col = col.combine_chunks()
        if pa.types.is_dictionary(col.type):  # compared by value, as pandas compares categories
            col = col.dictionary_decode()
        if pa.types.is_floating(col.type):  # NaN to empty, -0.0 to 0.0: both equal as pandas sees them
            col = pc.add(pc.if_else(pc.is_nan(col), None, col), pa.scalar(0.0, col.type))
        codes.append(pc.dictionary_encode(col, null_encoding="encode").indices.to_numpy(zero_copy_only=False))
    rows = np.ascontiguousarray(np.stack(codes, axis=1).astype(np.int64))
    _, first, group = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return group.reshape(-1), first
