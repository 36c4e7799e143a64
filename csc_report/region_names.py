"""Authorities' names in the regional report: `reference/authorities.csv`, else DfE's name for the code.

An inbox without authorities.csv still gets a report a reader can follow: the code's name in DfE's list
(the shipped `reference_areas`) replaces a bare code. And where the name an authority goes by is not
DfE's name for its code (a generated demo authority, a council's own spelling), the report says whose code
it is, because England's and DfE's figures it is compared with are that code's.
"""

from __future__ import annotations

import duckdb

HAS_AREAS = (
    "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'reference_areas' "
    "AND database_name = current_database()"
)
BY_DFE = """
UPDATE region_authorities AS r SET la_name = a.la_name
FROM reference_areas AS a
WHERE a.la_code = r.la_code AND r.la_name = r.la_code
"""


def _has_areas(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(HAS_AREAS).fetchall()[0][0])


def name_by_dfe(con: duckdb.DuckDBPyConnection) -> None:
    """An authority named by its code only (no authorities.csv row) takes DfE's name for the code."""
    if _has_areas(con):
        con.execute(BY_DFE)


def dfe_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """la_code -> DfE's name, for the region's authorities ({} without the reference data)."""
    if not _has_areas(con):
        return {}
    return dict(
        con.execute(
            "SELECT a.la_code, a.la_name FROM reference_areas AS a JOIN region_authorities USING (la_code)"
        ).fetchall()
    )
