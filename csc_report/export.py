"""Long tables for dashboards (Power BI, pandas, DuckDB): every month and authority a warehouse holds.

Regional and council teams build dashboards by slicing long tables (authority, month, measure,
category, value), as Data to Insight's Annex A pre-processing writes them; the report's own outputs are
one CSV per month and authority. `csc-report export` writes four tables (docs/report.md):

- `measures`: la_code, la_name, month, measure_id, breakdown, category, value, numerator, denominator,
  unit, note. A headline figure has an empty breakdown and category (its value, numerator and
  denominator are indicators.csv's). A breakdown's row is one cell of a published breakdown table:
  measure_id `<table_id>.<column>`, breakdown the table's key column, category its code, suppressed as
  the public profile suppresses it (publish.tables.breakdown_table: the same cells are "[c]", here an
  empty value with the note "suppressed"), so the export discloses nothing the public report does not.
- `measure_definitions`: id, label, section, unit, polarity, definition.
- `benchmarks`: measure_id, area_type, area_code, area, year, value, rank, ranked, quartile (DfE's
  published figures for every area and year shipped, each authority ranked: csc_report.dfe.rank).
- `areas`: la_code, la_name, region_code, region_name.

Aggregates only: nothing here reads a child-level table. The same four are kept in each authority's
DuckDB file as `export_measures` (a view), `export_measure_definitions`, `export_benchmarks` and
`export_areas` (refreshed with each month's results, `refresh`), so a dashboard can read the warehouse
itself, read-only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pandas as pd

from csc_report import settings
from csc_report.dfe.measures import BY_ID
from csc_report.dfe.rank import rank_authorities
from csc_report.errors import UsageError
from csc_report.indicator_catalogue import catalogue
from csc_report.lock import warehouse_lock
from csc_report.permissions import FILE_MODE, private_folder
from csc_report.publish.disclosure import SUPPRESSED
from csc_report.publish.tables import TABLE_SPECS, TEXT_KINDS, breakdown_table

FORMATS = ("csv", "parquet")
MEASURE_COLUMNS = [
    "la_code", "la_name", "month", "measure_id", "breakdown", "category", "value", "numerator",
    "denominator", "unit", "note",
]  # fmt: skip
DEFINITION_COLUMNS = ["id", "label", "section", "unit", "polarity", "definition"]
BENCHMARK_COLUMNS = [
    "measure_id",
    "area_type",
    "area_code",
    "area",
    "year",
    "value",
    "rank",
    "ranked",
    "quartile",
]
AREA_COLUMNS = ["la_code", "la_name", "region_code", "region_name"]
SUPPRESSED_NOTE = "suppressed: a count of 1 to 5 children, or a cell that would reveal one (public profile)"
DFE, RANKED = "dfe", "export_benchmarks"  # reference_versions: the DfE data loaded, and ranked for export
LA_FILE = re.compile(r"^(?!region$)[A-Za-z0-9]+$")  # <la_code>.duckdb; region.duckdb holds no months

# headline figures: indicator_values as indicators.csv gives them, with the authority's name
HEADLINE_SQL = """
    SELECT v.la_code, coalesce(a.la_name, r.la_name, v.la_code) AS la_name,
        strftime(v.month, '%Y-%m') AS month,
        v.indicator_id AS measure_id, '' AS breakdown, '' AS category, v.value, v.numerator, v.denominator,
        v.unit, v.note
    FROM indicator_values AS v
    LEFT JOIN authorities AS a USING (la_code)
    LEFT JOIN reference_areas AS r USING (la_code)
"""


def breakdown_rows(con: duckdb.DuckDBPyConnection, la_code: str, month: str | None = None) -> pd.DataFrame:
    """The published breakdown tables of the authority (one month, or every month held) as long rows,
    public-profile suppression applied.

    Each table gives plain lists of its cells (`_cells`), and the rows are made in one pass over all of
    them: a month has some forty small tables, and a DataFrame melted and built per table cost most of
    a second of pandas overhead.
    """
    query = "SELECT strftime(month, '%Y-%m'), table_id, data::VARCHAR FROM report_tables WHERE la_code = ?"
    params = [la_code] + ([f"{month}-01"] if month else [])
    stored = con.execute(query + (" AND month = ?::DATE" if month else ""), params).fetchall()
    cells = {name: [] for name in ("month", "measure_id", "breakdown", "category", "value", "unit")}
    for m, table_id, data in stored:
        for name, values in _cells(m, table_id, pd.DataFrame(json.loads(data))).items():
            cells[name] += values
    if not cells["value"]:
        return pd.DataFrame(columns=[c for c in MEASURE_COLUMNS if c != "la_name"])
    value = pd.Series(cells.pop("value"), dtype=object)
    suppressed = value.astype(str).eq(SUPPRESSED)
    return pd.DataFrame(
        {
            "la_code": la_code,
            **{name: cells[name] for name in ("month", "measure_id", "breakdown", "category")},
            "value": pd.to_numeric(value.where(~suppressed), errors="coerce"),
            "numerator": None,
            "denominator": None,
            "unit": cells["unit"],
            "note": suppressed.map({True: SUPPRESSED_NOTE, False: None}),
        }
    )


def _cells(month: str, table_id: str, frame: pd.DataFrame) -> dict[str, list]:
    """One stored table's published cells, column by column: month, measure_id (`<table_id>.<column>`),
    breakdown (the key column), category (its code, `Total` on the total row), value (a number, None or
    SUPPRESSED) and unit; no cells for a table without a spec, a key column or a number column."""
    table = breakdown_table(table_id, frame, "public") if table_id in TABLE_SPECS else None
    if table is None:
        return {}
    key = next((c for c in table.columns if c.kind in TEXT_KINDS and c.name != "description"), None)
    numbers = [c for c in table.columns if c.kind not in TEXT_KINDS]
    if key is None or not numbers:
        return {}
    categories = [str(v) for v in table.frame[key.name]]
    if table.total_index is not None:  # the total row, above any rows listed apart (short breaks)
        categories[table.total_index] = "Total"
    rows = len(categories)
    return {
        "month": [month] * rows * len(numbers),
        "measure_id": [f"{table_id}.{c.name}" for c in numbers for _ in range(rows)],
        "breakdown": [key.name] * rows * len(numbers),
        "category": categories * len(numbers),
        "value": [v for c in numbers for v in table.frame[c.name]],
        "unit": [c.kind for c in numbers for _ in range(rows)],
    }


def definitions(directions: dict[str, str]) -> pd.DataFrame:
    """Every headline measure and breakdown column: label, section, unit, polarity (the authority's
    targets.yaml direction, else DfE's polarity, else empty), definition."""
    indicators, tables, _ = catalogue()
    polarity = [
        directions.get(i) or (BY_ID[i].better if i in BY_ID else None) or ""
        for i in indicators["indicator_id"]
    ]
    headline = pd.DataFrame(
        {
            "id": indicators["indicator_id"],
            "label": indicators["label"],
            "section": indicators["section"],
            "unit": indicators["unit"],
            "polarity": polarity,
            "definition": indicators["definition"],
        }
    )
    sections = dict(zip(tables["table_id"], tables["section"], strict=True))
    meanings = dict(zip(tables["table_id"], tables["definition"], strict=True))
    breakdowns = pd.DataFrame(
        [
            (f"{table_id}.{c.name}", f"{spec.title}: {c.header}", sections.get(table_id, ""), c.kind, "",
             meanings.get(table_id, ""))
            for table_id, spec in TABLE_SPECS.items()
            for c in spec.columns
            if c.kind not in TEXT_KINDS
        ],
        columns=DEFINITION_COLUMNS,
    )  # fmt: skip
    return pd.concat([headline, breakdowns], ignore_index=True)


def ranked_benchmarks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """DfE's published figures for every area and year shipped, each authority ranked (dfe/rank.py)."""
    frame = con.execute("SELECT * FROM benchmarks").df()
    ranked = rank_authorities(frame).rename(columns={"indicator_id": "measure_id"})
    return ranked[BENCHMARK_COLUMNS]


def areas(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """English authorities with their regions, and any authority of the inbox the reference lacks."""
    return con.execute(
        """
        SELECT coalesce(r.la_code, a.la_code) AS la_code, coalesce(a.la_name, r.la_name) AS la_name,
            r.region_code, r.region_name
        FROM reference_areas AS r FULL JOIN authorities AS a USING (la_code)
        ORDER BY la_code
        """
    ).df()


def refresh(con: duckdb.DuckDBPyConnection, la_code: str, month: str, directions: dict[str, str]) -> None:
    """Keep the export's tables in the authority's file current with the month's results: its
    breakdown rows replaced, definitions, benchmarks and areas rewritten, the measures view defined."""
    rows = breakdown_rows(con, la_code, month)
    tables = {"export_measure_definitions": definitions(directions), "export_areas": areas(con)}
    loaded = con.execute("SELECT name, sha256 FROM reference_versions WHERE name IN (?, ?)", [DFE, RANKED])
    versions = dict(loaded.fetchall())
    if versions.get(DFE) != versions.get(RANKED):  # rank all 27,000 published figures only when they change
        tables["export_benchmarks"] = ranked_benchmarks(con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "DELETE FROM export_breakdowns WHERE la_code = ? AND month = ?::DATE", [la_code, f"{month}-01"]
        )
        con.register("_rows", rows)
        con.execute(
            "INSERT INTO export_breakdowns BY NAME "
            "SELECT * REPLACE (CAST(month || '-01' AS DATE) AS month) FROM _rows"
        )
        con.unregister("_rows")
        for name, frame in tables.items():
            con.register("_frame", frame)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _frame")
            con.unregister("_frame")
        if "export_benchmarks" in tables:
            con.execute(
                "INSERT OR REPLACE INTO reference_versions VALUES (?, ?)", [RANKED, versions.get(DFE)]
            )
        con.execute(
            "CREATE OR REPLACE VIEW export_measures AS "
            + HEADLINE_SQL
            + " UNION ALL BY NAME SELECT b.* REPLACE (strftime(b.month, '%Y-%m') AS month), "
            "coalesce(a.la_name, r.la_name, b.la_code) AS la_name "
            "FROM export_breakdowns AS b LEFT JOIN authorities AS a USING (la_code) "
            "LEFT JOIN reference_areas AS r USING (la_code)"
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def export(warehouse_dir: Path, out: Path, fmt: str = "csv", la_codes: list[str] | None = None) -> dict:
    """Write measures, measure_definitions, benchmarks and areas over every month and authority the
    warehouse folder holds (or those of `la_codes`); returns table -> rows written."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    files = sorted(p for p in Path(warehouse_dir).glob("*.duckdb") if LA_FILE.match(p.stem))
    if la_codes:
        missing = sorted(set(la_codes) - {p.stem for p in files})
        if missing:
            raise UsageError(f"{warehouse_dir}: no warehouse file for {', '.join(missing)}")
        files = [p for p in files if p.stem in la_codes]
    if not files:
        raise UsageError(f"{warehouse_dir}: no authority's warehouse file (<la_code>.duckdb) to export")
    measures, shared = [], {}
    for path in files:
        with warehouse_lock(path, timeout=settings.lock_timeout(), shared=True):  # never mid-run
            rows, found = _read(path, not shared)
        measures += rows
        shared = shared or found
    frames = {"measures": _measures(measures), **shared}
    private_folder(out)
    for name, frame in frames.items():
        _write(frame, out / f"{name}.{fmt}", fmt)
    return {name: len(frame) for name, frame in frames.items()}


def _read(path: Path, with_shared: bool) -> tuple[list[pd.DataFrame], dict]:
    """One authority's measures (headline, breakdowns) and, when asked, the tables all files share."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        headline = con.execute(HEADLINE_SQL + " WHERE v.la_code = ?", [path.stem]).df()
        name = headline["la_name"].iloc[0] if len(headline) else path.stem
        rows = [headline, breakdown_rows(con, path.stem).assign(la_name=name)]
        if not with_shared:
            return rows, {}
        directions = dict(con.execute("SELECT indicator_id, direction FROM targets").fetchall())
        shared = {"measure_definitions": definitions(directions), "benchmarks": ranked_benchmarks(con),
                  "areas": areas(con)}  # fmt: skip
        return rows, shared
    finally:
        con.close()


def _measures(parts: list[pd.DataFrame]) -> pd.DataFrame:
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if frame is None:
        return pd.DataFrame(columns=MEASURE_COLUMNS)
    return frame[MEASURE_COLUMNS].sort_values(["la_code", "month", "breakdown", "measure_id"], kind="stable")


def _write(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    """One table, owner-only; in one DuckDB COPY so that Parquet keeps the column types."""
    con = duckdb.connect()
    try:
        con.register("_table", frame.reset_index(drop=True))
        option = "(FORMAT parquet)" if fmt == "parquet" else "(HEADER, DELIMITER ',')"
        con.execute(f"COPY _table TO '{path}' {option}")
    finally:
        con.close()
    path.chmod(FILE_MODE)
