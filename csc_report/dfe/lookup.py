"""The shipped reference data in the warehouse, and the benchmarks one month's report shows.

The reference data are loaded into the warehouse (tables `benchmarks`, `reference_population`,
`reference_areas`, `statistical_neighbours`) so that analysts can query them beside the authority's own
figures, and so that the population fallback works in SQL like the rest of the indicators. They are
reloaded only when their hash changes: a monthly run pays for a hash of ~200 KB, not a reload.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from csc_report.dfe import build
from csc_report.dfe.measures import (
    ENGLAND,
    MEASURES,
    NOT_PUBLISHED,
    neighbour_list,
    reporting_year,
    year_label,
)
from csc_report.dfe.rank import RANK_COLUMNS, rank_authorities
from csc_report.settings import package_dir

PACKAGE_DATA = package_dir("csc_report") / "reference_data"
VERSION_KEY = "dfe"
AREA_TYPES = ("la", "statistical_neighbours", "region", "england")
REPORT_COLUMNS = ["indicator_id", "area_type", "area", "year", "value", "status", "source", *RANK_COLUMNS]


def reference_dir() -> Path:
    """`CSC_REPORT_REFERENCE_DATA` if set (data rebuilt by `csc-report benchmarks import` without a
    release), else the data shipped in the package."""
    env = os.environ.get("CSC_REPORT_REFERENCE_DATA")
    return Path(env) if env else PACKAGE_DATA


def load_reference(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> bool:
    """Copy the reference data into the warehouse unless the same version is there; True if copied."""
    folder = folder or reference_dir()
    digest = build.digest(folder)
    row = con.execute("SELECT sha256 FROM reference_versions WHERE name = ?", [VERSION_KEY]).fetchall()
    if row and row[0][0] == digest:
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("benchmarks", "reference_population", "reference_areas", "statistical_neighbours"):
            con.execute(f"DELETE FROM {table}")
        con.execute(
            "INSERT INTO benchmarks SELECT indicator_id, area_type, area_code, area, year, value, "
            "nullif(status, ''), source FROM read_parquet(?)",
            [str(folder / "benchmarks.parquet")],
        )
        con.execute(
            "INSERT INTO reference_population SELECT area_code, area_type, year::INTEGER, "
            "population_0_17::BIGINT FROM read_csv(?, all_varchar = true, header = true)",
            [str(folder / "population_0_17.csv")],
        )
        con.execute(
            "INSERT INTO reference_areas SELECT la_code, la_name, region_code, region_name "
            "FROM read_csv(?, all_varchar = true, header = true)",
            [str(folder / "areas.csv")],
        )
        con.execute(
            "INSERT INTO statistical_neighbours SELECT la_code, model::INTEGER, rank::INTEGER, "
            "neighbour_code FROM read_csv(?, all_varchar = true, header = true)",
            [str(folder / "statistical_neighbours.csv")],
        )
        con.execute("INSERT OR REPLACE INTO reference_versions VALUES (?, ?)", [VERSION_KEY, digest])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True


def report_benchmarks(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> pd.DataFrame:
    """For each measure: the authority, the mean of its statistical neighbours, its region and England,
    for the latest reporting year ending on or before `month` (measures.reporting_year).

    Columns: indicator_id, area_type, area, year (label, `2012-13`), value (NaN when not given), status
    ('' for a figure, a DfE symbol c/u/x/z, `not published` where DfE published nothing for that year, or
    `not in the shipped DfE data` where it did but the reference data lack it), source. The neighbours'
    row names the list it averages (`statistical neighbours on DfE's 2021 list`). An authority code the
    reference data do not know (a test authority) gets England only, and rows saying why the rest are
    missing.
    """
    wanted = pd.DataFrame(
        [(m.indicator_id, reporting_year(month, m)) for m in MEASURES], columns=["indicator_id", "year"]
    )
    con.register("_wanted", wanted)
    try:
        published = con.execute(
            "SELECT b.* FROM benchmarks AS b INNER JOIN _wanted AS w USING (indicator_id, year)"
        ).df()
    finally:
        con.unregister("_wanted")
    figures = {
        (r.indicator_id, r.area_code): (r.value, r.status if isinstance(r.status, str) else "", r.source)
        for r in published.itertuples(index=False)
    }
    ranked = rank_authorities(published).dropna(subset=["rank"])
    ranked = ranked[ranked["area_code"] == la_code]  # only the authority's own rows carry a rank below
    ranks = {
        (r.indicator_id, r.area_code): [r.rank, r.ranked, r.quartile, r.top_quartile]
        for r in ranked.itertuples(index=False)
    }
    no_rank = [None] * len(RANK_COLUMNS)
    area = con.execute(
        "SELECT la_name, region_code, region_name FROM reference_areas WHERE la_code = ?", [la_code]
    ).fetchall()
    neighbours = con.execute(
        "SELECT model, neighbour_code FROM statistical_neighbours WHERE la_code = ? ORDER BY model, rank",
        [la_code],
    ).fetchall()
    rows = []
    for measure, year in zip(MEASURES, wanted["year"], strict=True):
        indicator_id, label = measure.indicator_id, year_label(int(year), measure)
        absent = f"no {label} figure in the reference data"

        missing = measure.missing(int(year))

        def row(area_type, name, code, why=absent, _id=indicator_id, _label=label, _missing=missing):
            value, status, source = figures.get((_id, code), (None, _missing, why))
            rank = ranks.get((_id, code), no_rank) if area_type == "la" else no_rank
            return [_id, area_type, name, _label, value, status, source, *rank]

        if not area:
            unknown = f"{la_code} is not an English local authority code in the reference data"
            for area_type, name in (("la", la_code), ("statistical_neighbours", "statistical neighbours"),
                                    ("region", "region")):  # fmt: skip
                rows.append(row(area_type, name, None, unknown, _missing=NOT_PUBLISHED))
        else:
            name, region_code, region = area[0]
            rows.append(row("la", name, la_code))
            rows.append(_neighbour_mean(indicator_id, label, int(year), figures, neighbours, missing))
            rows.append(row("region", region, region_code))
        rows.append(row("england", "England", ENGLAND))
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _neighbour_mean(indicator_id, label, year, figures, neighbours, missing) -> list:
    """The plain mean of the neighbours' published figures, as LAIT averages them; the source says how
    many of the ten had a figure and which DfE model the list is from (the latest issued by that year,
    else the earliest shipped: DfE's pre-2021 lists are not in the reference data)."""
    if not neighbours:
        return [indicator_id, "statistical_neighbours", "statistical neighbours", label, None, missing,
                "no neighbour list", *[None] * len(RANK_COLUMNS)]  # fmt: skip
    models = sorted({model for model, _ in neighbours})
    model = max([m for m in models if m <= year], default=models[0])
    name = neighbour_list(model, year)
    codes = [code for m, code in neighbours if m == model]
    found = [figures[(indicator_id, code)] for code in codes if (indicator_id, code) in figures]
    values = [value for value, _, _ in found if value is not None and value == value]
    source = f"mean of {len(values)} of {len(codes)} statistical neighbours (DfE {model} list)"
    no_rank = [None] * len(RANK_COLUMNS)
    if not values:  # rows but all suppressed or not available ('x'), or no rows at all
        status = "x" if found else missing
        return [indicator_id, "statistical_neighbours", name, label, None, status, source, *no_rank]
    mean = round(sum(values) / len(values), 4)  # as precise as the published figures, without float noise
    return [indicator_id, "statistical_neighbours", name, label, mean, "", source, *no_rank]
