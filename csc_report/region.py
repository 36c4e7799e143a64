"""The region view, from aggregates only: `<warehouse>/region.duckdb` rebuilt from each authority's
published figures, and the plain data of the regional report (csc_report.publish.region writes it).

Each authority's file is attached read-only, under a shared hold on its writer lock (so a run of that
authority cannot be half-way through a month while it is read), and only its `indicator_values` (value,
numerator, denominator: figures, never a child-level row), its authorities' names, the targets'
directions and the shipped DfE reference tables are copied out. Attaching was chosen over exporting
Parquet: nothing extra is written beside each authority's file, and the read is one statement per file.
The file is written under a temporary name and renamed, so a reader never sees half a rebuild.

A regional figure (SQL in `REGION_SQL`) is the sum of the authorities' numerators over the sum of their
denominators, times the unit's scale (100 for a percentage, 10,000 for a rate per 10,000 children: the
sum of counts over the sum of populations), never an average of rates; a count is the sum of the
counts. When one authority has no figure for it, the regional figure is not available, naming the
authority, rather than a partial sum.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from csc_report import region_names, settings
from csc_report.dfe.lookup import report_benchmarks
from csc_report.indicator_catalogue import catalogue
from csc_report.lock import warehouse_lock
from csc_report.months import month_start, months_between, shift
from csc_report.publish.region import AreaFigure, IndicatorRows, RegionReport, write_region_report
from csc_report.publish.signals import MAX_MONTHS, Signals, chart, no_limits, partial, variation_icon
from csc_report.settings import RunPaths

SCALE = {"pct": 100.0, "rate_per_10k": 10_000.0, "ratio": 1.0, "days": 1.0}  # value = num / den x scale
SUMMED = ("count", "fte")  # units whose regional figure is the sum of the authorities' values
REFERENCE_TABLES = ("benchmarks", "reference_areas", "statistical_neighbours")

FIGURES_TABLE = """
CREATE TABLE authority_figures (
    la_code VARCHAR, month DATE, indicator_id VARCHAR, label VARCHAR, section VARCHAR, unit VARCHAR,
    value DOUBLE, numerator DOUBLE, denominator DOUBLE, note VARCHAR, direction VARCHAR,
    PRIMARY KEY (la_code, month, indicator_id)
);
CREATE TABLE region_authorities (la_code VARCHAR PRIMARY KEY, la_name VARCHAR);
"""
COPY_FIGURES = """
INSERT INTO authority_figures
SELECT v.la_code, v.month, v.indicator_id, v.label, v.section, v.unit, v.value, v.numerator, v.denominator,
       v.note, t.direction
FROM a.indicator_values AS v LEFT JOIN a.targets AS t USING (indicator_id)
WHERE v.la_code = $la
"""
REGION_SQL = """
CREATE OR REPLACE TABLE region_figures AS
WITH expected AS (
    SELECT DISTINCT month, indicator_id, label, section, unit FROM authority_figures
), each_authority AS (
    SELECT e.*, r.la_code, r.la_name, f.value, f.numerator, f.denominator,
           CASE WHEN e.unit IN {summed} THEN f.value IS NULL
                ELSE f.numerator IS NULL OR f.denominator IS NULL END AS lacking
    FROM expected AS e CROSS JOIN region_authorities AS r
    LEFT JOIN authority_figures AS f USING (la_code, month, indicator_id)
), summed AS (
    SELECT month, indicator_id, label, section, unit,
           string_agg(CASE WHEN lacking THEN la_name || ' (' || la_code || ')' END, ', ' ORDER BY la_code)
               AS lacking,
           sum(value) AS total, sum(numerator) AS numerator, sum(denominator) AS denominator
    FROM each_authority GROUP BY ALL
)
SELECT month, indicator_id, label, section, unit,
       CASE WHEN lacking IS NOT NULL THEN NULL
            WHEN unit IN {summed} THEN total
            WHEN denominator = 0 THEN NULL
            ELSE numerator / denominator * CASE unit {scale} END END AS value,
       numerator, denominator,
       CASE WHEN lacking IS NOT NULL THEN 'not available: no figure from ' || lacking
            WHEN unit NOT IN {summed} AND denominator = 0 THEN 'not available: the denominator is 0'
       END AS note
FROM summed
"""


def region_sql() -> str:
    summed = "(" + ", ".join(f"'{u}'" for u in SUMMED) + ")"
    scale = " ".join(f"WHEN '{unit}' THEN {factor}" for unit, factor in SCALE.items())
    return REGION_SQL.format(summed=summed, scale=scale)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def rebuild(paths: RunPaths, las: list[str]) -> Path:
    """Rebuild `region.duckdb` from the authorities' files; returns its path. An authority without a
    file yet has no figures, so every regional figure names it as missing."""
    target = paths.region_file()
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(partial))
    try:
        con.execute(FIGURES_TABLE)
        names = {}
        for la in las:
            file = paths.warehouse_file(la)
            if not file.is_file():
                continue
            with warehouse_lock(file, timeout=settings.lock_timeout(), shared=True):
                con.execute(f"ATTACH '{_quoted(file)}' AS a (READ_ONLY)")
                try:
                    con.execute(COPY_FIGURES, {"la": la})
                    names |= dict(con.execute("SELECT la_code, la_name FROM a.authorities").fetchall())
                    if not con.execute(
                        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'benchmarks' "
                        "AND database_name = current_database()"
                    ).fetchall()[0][0]:
                        for table in REFERENCE_TABLES:
                            con.execute(f"CREATE TABLE {table} AS FROM a.{table}")
                finally:
                    con.execute("DETACH a")
        if con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'reference_areas'"
        ).fetchall()[0][0]:  # DfE's name for a code no reference/authorities.csv names
            names = dict(con.execute("SELECT la_code, la_name FROM reference_areas").fetchall()) | names
        con.executemany(
            "INSERT INTO region_authorities VALUES (?, ?)", [(la, names.get(la, la)) for la in las]
        )
        region_names.name_by_dfe(con)
        con.execute(region_sql())
    finally:
        con.close()
    partial.replace(target)
    return target


def report_data(con: duckdb.DuckDBPyConnection, month: str) -> RegionReport:
    """The plain data of the month's regional report, read from region.duckdb."""
    authorities = con.execute("SELECT la_code, la_name FROM region_authorities ORDER BY la_code").fetchall()
    first = shift(month, -(MAX_MONTHS - 1))
    # each authority's figures of the charted months, by indicator and authority, in month order: looked
    # up in plain dicts (a pandas selection per authority and indicator was 20 s of a region's 6 months)
    history: dict[tuple[str, str], dict[str, tuple]] = {}
    for la, m, indicator_id, *figure in con.execute(
        "SELECT la_code, strftime(month, '%Y-%m'), indicator_id, value, numerator, denominator, note, "
        "direction FROM authority_figures WHERE month BETWEEN ? AND ? ORDER BY month",
        [month_start(first), month_start(month)],
    ).fetchall():
        history.setdefault((indicator_id, la), {})[m] = tuple(map(_missing_as_none, figure))
    series_months = months_between(first, month)
    region = con.execute(
        "SELECT indicator_id, label, section, unit, value, numerator, denominator, note FROM region_figures "
        "WHERE month = ? ORDER BY section, indicator_id",
        [month_start(month)],
    ).fetchall()
    england = _england(con, authorities, month)
    rolling = set(catalogue()[0].query("period == 'r12'")["indicator_id"])
    rows = []
    for indicator_id, label, section, unit, value, numerator, denominator, note in region:
        areas = [
            _authority(
                history.get((indicator_id, la), {}), la, name, unit, series_months, indicator_id in rolling
            )
            for la, name in authorities
        ]
        region_row = AreaFigure("region", "region", "Region", value, numerator, denominator, note or "")
        rows.append(
            IndicatorRows(indicator_id, label, section, unit, areas, region_row, england.get(indicator_id))
        )
    return RegionReport(month, rows, region_names.dfe_names(con))


def _missing_as_none(value):
    """NULL and NaN (DuckDB's 0.0 / 0.0) alike: no figure."""
    return None if value is None or value != value else value


def _authority(
    own: dict[str, tuple], la: str, name: str, unit: str, series_months: list[str], rolling: bool
) -> AreaFigure:
    """The authority's figure of the last month of `series_months`, with its SPC reading of that month
    from its own trend by the paper's rules (publish.figures): a rolling 12-month figure has no limits,
    since its overlapping months move together, and a month the history covers only partly is left out
    of the limits. `own` holds its (value, numerator, denominator, note, direction) by month; its figures
    of the month before and a year before travel with it for the direction of travel
    (publish.region_travel), unless either side is partial: a count over six months of history against
    one over twelve is no change in the service."""
    values = [None if own.get(m, (None,))[0] is None else float(own[m][0]) for m in series_months]
    start = next((i for i, v in enumerate(values) if v is not None), len(values))
    partial_at = {i - start for i, m in enumerate(series_months[start:], start) if _partial(own, m)}
    direction = next((figure[4] for figure in own.values() if figure[4] is not None), None)
    month = series_months[-1]
    value, numerator, denominator, note, _ = own.get(month, (None, None, None, "no figure this month", None))
    series = values[start:]
    trend = no_limits(series, partial_at) if rolling else chart(series, unit, direction, partial_at)
    if not trend.has_limits:
        marker = f"no limits ({trend.note})"
    else:
        marker = trend.special_cause(len(trend.values) - 1) or "common cause"
    icon = variation_icon(Signals("", unit, trend, None, direction)) if trend.values else None
    comparable = {shift(month, -n): n for n in (1, 12) if not _partial(own, month)}
    before = {n: None for n in (1, 12)} | {
        n: own.get(m, (None,))[0] for m, n in comparable.items() if not _partial(own, m)
    }
    return AreaFigure(
        "authority", la, name, value, numerator, denominator, note or "", marker, icon, direction,
        before[1], before[12],
    )  # fmt: skip


def _partial(own: dict[str, tuple], month: str) -> bool:
    """Whether the authority's figure of `month` says its history covers the period only partly."""
    return month in own and partial(own[month][3])


def _england(con, authorities, month) -> dict[str, AreaFigure]:
    """England's published figure per indicator (the latest reporting year ending by the month)."""
    has_reference = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'benchmarks'"
    ).fetchall()[0][0]
    if not authorities or not has_reference:
        return {}
    frame = report_benchmarks(con, authorities[0][0], month)
    england = frame[frame["area_type"] == "england"]
    return {
        r.indicator_id: AreaFigure(
            "england",
            "england",
            "England",
            None if pd.isna(r.value) else float(r.value),
            None,
            None,
            f"{r.year}" + (f" ({r.status})" if r.status else ""),
        )
        for r in england.itertuples(index=False)
    }


def rebuild_and_publish(paths: RunPaths, las: list[str], months: list[str], profile: str) -> list[Path]:
    """Rebuild region.duckdb, then write `<outputs>/region/<month>/region.{html,md,csv,xlsx}` for each
    month; returns the HTML reports written."""
    region_file = rebuild(paths, las)
    con = duckdb.connect(str(region_file), read_only=True)
    try:
        reports = [report_data(con, month) for month in months]
    finally:
        con.close()
    return [write_region_report(r, paths.outputs / "region" / r.month, profile) for r in reports]
