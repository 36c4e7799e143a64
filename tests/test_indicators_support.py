"""Shared helpers of the indicator tests: a tiny warehouse loaded through the real snapshot loader.

Not a test module of its own; the tests import it (pytest puts tests/ on sys.path) and bind
`con = pytest.fixture(warehouse_connection, name="con")`. Rows are plain
dicts; `load` gives each list every canonical column of its layout unless told a column is absent, so a
test states only the columns its figure reads.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa
from csc_report.transforms.extract import Extract

from csc_report import catalogue, indicators, warehouse
from csc_report.validation.duplicates import merge_duplicates

LA = "874"

LAYOUT_ABSENT = {
    "2019": {"assessments": ["assessment_type"],
             "care_leavers": ["personal_advisor", "pathway_review_date", "latest_contact_date"]},
    "2024": {"assessments": ["assessment_type"]},
    "pre2014": {"care_leavers": ["personal_advisor", "pathway_review_date", "latest_contact_date"]},
}  # fmt: skip


def warehouse_connection():
    """An in-memory warehouse with the schema and calendar; tests bind it as their `con` fixture."""
    connection = duckdb.connect()
    warehouse.apply_schema(connection)
    yield connection
    connection.close()


def load(
    con,
    month: str,
    layout: str = "2019",
    absent: dict | None = None,
    window_months: int = warehouse.DEFAULT_WINDOW_MONTHS,
    merge: bool = False,
    **lists: list[dict],
) -> None:
    """Load one snapshot (replacing it) with the given lists; lists not named are absent from it. With
    `merge`, repeated rows are counted once and reported, as validation does (validation/duplicates.py)."""
    gone = {k: set(v) for k, v in LAYOUT_ABSENT[layout].items()}
    for list_id, columns in (absent or {}).items():
        gone.setdefault(list_id, set()).update(columns)
    tables, present = {}, {}
    for list_id, rows in lists.items():
        keys = sorted({k for row in rows for k in row} | {"source_row"})
        records = [{**{k: None for k in keys}, **row, "source_row": i + 2} for i, row in enumerate(rows)]
        tables[list_id] = (
            pa.Table.from_pylist(records) if records else pa.table({"source_row": pa.array([], pa.int64())})
        )
        present[list_id] = [
            c for c in catalogue.canonical_columns()[list_id] if c not in gone.get(list_id, ())
        ]
    tables, issues = merge_duplicates(tables) if merge else (tables, [])
    extract = Extract(tables=tables, columns_present=present, issues=issues, layout=layout)
    warehouse.load_snapshot(con, LA, month, extract, load_id=f"{LA}-{month}", window_months=window_months)


def set_population(con, **by_year: int) -> None:
    """set_population(con, y2017=50009): population_0_17 of the test LA for mid-year 2017."""
    con.executemany(
        "insert or replace into population values (?, ?, ?)",
        [(LA, int(k[1:]), v) for k, v in by_year.items()],
    )


def figures(con, month: str, **kwargs) -> dict[str, dict]:
    """indicator_id -> its computed row."""
    return {r["indicator_id"]: r for r in indicators.compute_indicators(con, LA, month, **kwargs)}


def d(text: str) -> date:
    return date.fromisoformat(text)
