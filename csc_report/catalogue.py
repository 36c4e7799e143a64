"""The list catalogue: which lists the warehouse holds, their natural keys, scope dates and columns.

A leaf module (it imports nothing of csc-report but the reader of `config/lists.yaml`)
so that reading, pseudonymising, loading, validating and the indicators share one vocabulary without
importing each other. `config/lists.yaml` is the one definition of the data: the lists, their columns
and types, history keys and personal-data kinds are read from it here; `sql/schema.sql` must agree
with it (tests/test_data_definition.py).
"""

from __future__ import annotations

from functools import cache

from csc_report.transforms.specs import load_lists

# List id -> (identifier column, event date column or None for snapshot-only lists): lists.yaml's
# `history_key`. The pair (plus seq) is the natural key that merges rows surviving from different
# snapshots (contract 1.2, step 3).
LIST_KEYS: dict[str, tuple[str, str | None]] = {
    list_id: spec.history_key for list_id, spec in load_lists().lists.items()
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


@cache
def canonical_columns() -> dict[str, tuple[str, ...]]:
    """List id -> the columns its warehouse table holds, in order: lists.yaml's columns but names."""
    return {list_id: spec.stored_columns for list_id, spec in load_lists().lists.items()}


@cache
def list_names() -> dict[str, str]:
    """List id -> how the report names it: "List 5 (section 47 enquiries)", "the workforce extract"."""
    return {list_id: spec.display_name for list_id, spec in load_lists().lists.items()}


@cache
def identifier_columns() -> frozenset[str]:
    """Every column that lists.yaml declares `personal: identifier` (keyed hashes once pseudonymised)."""
    return frozenset(
        column.name
        for spec in load_lists().lists.values()
        for column in spec.columns.values()
        if column.personal == "identifier"
    )


@cache
def column_headers() -> dict[str, dict[str, str]]:
    """List id -> column -> its Annex A header ("Child Unique ID"): how the report's text names a column,
    never by its internal name."""
    return {
        list_id: {name: column.header for name, column in spec.columns.items()}
        for list_id, spec in load_lists().lists.items()
    }


@cache
def list_numbers() -> dict[int, str]:
    """Annex A list number -> list id (5 -> "s47"), to tell an issue's list from its sheet name."""
    return {spec.number: list_id for list_id, spec in load_lists().lists.items() if spec.number}
