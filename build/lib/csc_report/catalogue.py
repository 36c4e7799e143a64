"""The list catalogue: which lists the warehouse holds, their natural keys, scope dates and columns.

A leaf module (it imports nothing of csc-report but settings) so that reading, pseudonymising, loading
and the indicators share one vocabulary without importing each other. The canonical columns are read
from `sql/schema.sql`, so the schema is the one canon of what is stored.
"""

from __future__ import annotations

from functools import cache

import duckdb

from csc_report.settings import SQL_DIR

SCHEMA_SQL = SQL_DIR / "schema.sql"

# List id -> (identifier column, event date column or None for snapshot-only lists), as in
# docs/architecture.md. The pair (plus seq) is the natural key that merges rows surviving from
# different snapshots (contract 1.2, step 3).
LIST_KEYS: dict[str, tuple[str, str | None]] = {
    "contacts": ("child_id", "contact_date"),
    "early_help": ("child_id", "eh_start"),
    "referrals": ("child_id", "referral_date"),
    "assessments": ("child_id", "assessment_start"),
    "s47": ("child_id", "s47_start"),
    "cin": ("child_id", "cin_start"),
    "cp_plans": ("child_id", "cp_start"),
    "cla": ("child_id", "cla_start"),
    "care_leavers": ("child_id", None),
    "adoption": ("child_id", "adm_decision"),
    "adopters": ("adopter_id", "enquiry_date"),
    "workforce": ("post_id", None),
}
# The scope dates of contract 1.2, step 2: a row of an older snapshot is covered by a newer snapshot
# when one of them falls inside the newer one's window. Lists 1, 3 and 5 are events: the event date.
# Lists 2, 4, 6, 7 and 8 are episodes: the start, the end, and (for a row still open in its own
# snapshot) that snapshot's asat. Lists 10 and 11 are not windowed (the contract gives them no scope
# dates and no figure reads them): their snapshots merge on the natural key alone.
EVENT_SCOPE: dict[str, str] = {"contacts": "contact_date", "referrals": "referral_date", "s47": "s47_start"}
EPISODE_SCOPE: dict[str, tuple[str, str]] = {
    "early_help": ("eh_start", "eh_end"),
    "assessments": ("assessment_start", "assessment_auth"),
    "cin": ("cin_start", "cin_end"),
    "cp_plans": ("cp_start", "cp_end"),
    "cla": ("cla_start", "cla_end"),
}
LISTS = tuple(LIST_KEYS)
SNAPSHOT_KEY_COLUMNS = ("la_code", "snapshot_month", "source_row", "seq")


@cache
def canonical_columns() -> dict[str, tuple[str, ...]]:
    """List id -> its canonical columns, read from `sql/schema.sql` so the schema is the one canon."""
    con = duckdb.connect()
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    rows = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE list_contains($lists, table_name) "
        "ORDER BY table_name, column_index",
        {"lists": list(LISTS)},
    ).fetchall()
    con.close()
    columns: dict[str, list[str]] = {name: [] for name in LISTS}
    for table, column in rows:
        if column not in SNAPSHOT_KEY_COLUMNS:
            columns[table].append(column)
    return {name: tuple(cols) for name, cols in columns.items()}
