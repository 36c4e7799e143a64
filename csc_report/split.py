"""Split the one-file warehouse of earlier releases (`<folder>/csc.duckdb`, every authority in it) into
one file per authority (`<folder>/<la>.duckdb`), the first time a run uses the folder.

Each authority's file gets that authority's rows of every table keyed by authority (snapshots and their
list rows, issues, quarantine, loads, results, run records, commentary) and a whole copy of the shared
reference tables (calendar, population, DfE benchmarks and areas, targets, authority names). Each file is
written under a temporary name and renamed when complete, so a split that is stopped leaves no
half-written authority file; the old file is kept, renamed `csc.duckdb.split`, and is never read again
(delete it once the split is checked: it still holds every authority's rows together).

The split holds the old file's writer lock, so two runs starting at once split it once.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from csc_report import settings, warehouse
from csc_report.errors import UsageError
from csc_report.lock import warehouse_lock

# Tables with an la_code column that every authority needs whole: reference data, not the authority's.
SHARED_TABLES = {
    "population",
    "reference_population",
    "reference_areas",
    "statistical_neighbours",
    "authorities",
    "export_areas",  # every English authority and its region, for dashboards (csc_report.export)
}
SPLIT_SUFFIX = ".split"


def split_single_file(folder: Path) -> list[Path]:
    """Split `<folder>/csc.duckdb` if it is there; returns the authority files written ([] when none)."""
    single = Path(folder) / settings.SINGLE_FILE
    if not single.is_file():
        return []
    with warehouse_lock(single, timeout=settings.lock_timeout()):
        if not single.is_file():  # split by another run while this one waited
            return []
        las = _authorities(single)
        there = [single.with_name(f"{la}.duckdb") for la in las if single.with_name(f"{la}.duckdb").exists()]
        if there:
            raise UsageError(
                f"{single}: cannot split the single-file warehouse, {there[0].name} exists beside it; "
                f"move one of them out of {single.parent}"
            )
        written = [_write_authority(single, la, _tables(single)) for la in las]
        single.rename(single.with_name(single.name + SPLIT_SUFFIX))
    return written


def _tables(single: Path) -> dict[str, bool]:
    """Table name -> whether its rows belong to one authority each."""
    con = warehouse.connect(single, read_only=True)
    try:
        rows = con.execute(
            "SELECT t.table_name, bool_or(c.column_name = 'la_code') FROM duckdb_tables() AS t "
            "JOIN duckdb_columns() AS c USING (database_name, schema_name, table_name) "
            "WHERE t.schema_name = 'main' AND t.database_name = current_database() GROUP BY ALL ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    return {name: keyed and name not in SHARED_TABLES for name, keyed in rows}


def _authorities(single: Path) -> list[str]:
    con = warehouse.connect(single, read_only=True)
    try:
        return [
            la
            for (la,) in con.execute(
                "SELECT la_code FROM snapshots UNION SELECT la_code FROM runs WHERE la_code IS NOT NULL "
                "UNION SELECT la_code FROM indicator_values ORDER BY 1"
            ).fetchall()
        ]
    finally:
        con.close()


def _write_authority(single: Path, la: str, tables: dict[str, bool]) -> Path:
    target = single.with_name(f"{la}.duckdb")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    con = warehouse.connect(partial)
    try:
        warehouse.apply_schema(con)
        quoted = str(single).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS single (READ_ONLY)")
        for table, per_authority in tables.items():
            where = " WHERE la_code = $la" if per_authority else ""
            con.execute(f'CREATE TABLE IF NOT EXISTS main."{table}" AS FROM single."{table}" LIMIT 0')
            con.execute(f'DELETE FROM main."{table}"')
            con.execute(
                f'INSERT INTO main."{table}" BY NAME SELECT * FROM single."{table}"{where}',
                {"la": la} if per_authority else None,
            )
        con.execute("DETACH single")
    except duckdb.Error:
        con.close()
        partial.unlink(missing_ok=True)
        raise
    con.close()
    partial.rename(target)
    return target
