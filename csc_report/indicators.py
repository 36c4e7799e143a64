"""Indicators and breakdown tables for one (authority, month), from the warehouse to `indicator_values`.

Every figure is defined in SQL, one family per file (`sql/indicators/<family>.sql`), with its metadata
beside it (`<family>.yaml`: id, label, section, unit, period, definition, requires) and the records it
counts (`<family>.rows.sql`: one table macro rows_<indicator_id>(la, m) per indicator, each row saying
whether it is counted in the count, the numerator or the denominator only; the family's query counts
them and `csc-report explain` lists them, so a figure and its rows cannot drift apart); breakdown tables are
`sql/tables/<table_id>.sql`, described in the YAML of their section. So `grep -r <id> sql/` finds a
definition in one step, and this module only runs the files and joins their results to the metadata.

Each query takes DuckDB named parameters, passed only where the query mentions them:
    $la           the LA code
    $m            snapshot month M (DATE, first day): history as it stands after loading M (contract 1.2)
    $p_start      first day of M;  $p_end = $asat = last day of M
    $r12_start    first day of the 12 calendar months ending p_end
    $population   population_0_17 of the LA for M (contract 2), NULL when unknown
    $population_note  why the population is a fallback year or missing, else NULL
An indicator query returns rows (indicator_id, value, numerator, denominator, note). An indicator whose
required list or column is absent from snapshot M (table `snapshot_columns`) is "not available": value,
numerator and denominator empty and a note naming what is missing; the run goes on.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from csc_report import standards
from csc_report import targets as targets_mod
from csc_report.catalogue import column_headers, list_names
from csc_report.errors import UsageError
from csc_report.merged_notes import with_repeat_notes
from csc_report.months import month_end, month_start, r12_start
from csc_report.settings import SQL_DIR
from csc_report.units import INDICATOR_UNITS
from csc_report.warehouse_reference import population_for

INDICATOR_DIR = SQL_DIR / "indicators"
TABLE_DIR = SQL_DIR / "tables"
MACROS_SQL = INDICATOR_DIR / "_macros.sql"

PERIODS = ("month", "r12", "asat")
RESULT_COLUMNS = ["indicator_id", "value", "numerator", "denominator", "note"]
# List id -> how notes name it ("List 5 (section 47 enquiries)"), from config/lists.yaml.
LIST_NAMES = list_names()
# The order of the report's sections (the seed report's, with S47 after assessments): one family each.
FAMILIES = (
    "referrals", "re_referrals", "assessments", "s47", "children_in_need", "child_protection", "looked_after",
    "leaving_care", "adoption", "workforce", "caseloads", "early_help",
)  # fmt: skip
POLARITIES = ("higher", "lower")  # which way is better: a target's direction wins over the YAML's


# --- the catalogue ---------------------------------------------------------------------------------


@cache
def catalogue() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(indicators, tables, requirements) read from `sql/indicators/*.yaml`, checked.

    indicators: family, indicator_id, label, section, unit, period, definition, not_available_note,
    polarity (higher or lower is better, for RAG and SPC where no target says; else None), sort_order;
    tables: family, table_id, title, section, sql, definition; requirements: item_id,
    list_id, column_name (item_id is an indicator or table id).
    """
    indicators, tables, requirements = [], [], []
    strays = sorted({p.stem for p in INDICATOR_DIR.glob("*.yaml")} - set(FAMILIES))
    if strays:
        raise UsageError(f"{INDICATOR_DIR}: families not in indicators.FAMILIES: {', '.join(strays)}")
    for family in FAMILIES:
        path = INDICATOR_DIR / f"{family}.yaml"
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in meta.get("indicators", []):
            _check_item(path, item, ("id", "label", "unit", "period", "definition", "requires"))
            if (
                item["unit"] not in INDICATOR_UNITS
                or item["period"] not in PERIODS
                or item.get("polarity") not in (None, *POLARITIES)
            ):
                raise UsageError(
                    f"{path}: {item['id']}: unit must be one of {INDICATOR_UNITS}, period one of {PERIODS}, "
                    f"polarity (if given) one of {POLARITIES}"
                )
            indicators.append(
                {
                    "family": family,
                    "indicator_id": item["id"],
                    "label": item["label"],
                    "section": item.get("section", meta["section"]),
                    "unit": item["unit"],
                    "period": item["period"],
                    "definition": " ".join(item["definition"].split()),
                    "not_available_note": item.get("not_available_note"),
                    "polarity": item.get("polarity"),
                    "sort_order": len(indicators),
                }
            )
            requirements += _requirements(path, item)
        for item in meta.get("tables", []):
            _check_item(path, item, ("id", "title", "sql", "definition", "requires"))
            if not (TABLE_DIR / item["sql"]).exists():
                raise UsageError(f"{path}: {item['id']}: {TABLE_DIR / item['sql']} not found")
            tables.append(
                {
                    "family": family,
                    "table_id": item["id"],
                    "title": item["title"],
                    "section": item.get("section", meta["section"]),
                    "sql": item["sql"],
                    "definition": " ".join(item["definition"].split()),
                }
            )
            requirements += _requirements(path, item)
    ids = [i["indicator_id"] for i in indicators] + [t["table_id"] for t in tables]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise UsageError(f"{INDICATOR_DIR}: ids defined twice: {', '.join(duplicates)}")
    return (
        pd.DataFrame(indicators),
        pd.DataFrame(tables),
        pd.DataFrame(requirements, columns=["item_id", "list_id", "column_name", "header"]),
    )


def _check_item(path: Path, item: dict, keys: tuple[str, ...]) -> None:
    missing = [k for k in keys if k not in item]
    if missing:
        raise UsageError(f"{path}: {item.get('id', '?')}: missing key(s) {', '.join(missing)}")


def _requirements(path: Path, item: dict) -> list[dict]:
    rows = []
    for need in item["requires"]:
        if need.get("list") not in LIST_NAMES or not need.get("columns"):
            raise UsageError(
                f"{path}: {item['id']}: requires entries are {{list: <list id>, columns: [...]}}"
            )
        headers = column_headers().get(need["list"], {})
        rows += [
            {"item_id": item["id"], "list_id": need["list"], "column_name": c, "header": headers.get(c, c)}
            for c in need["columns"]
        ]
    return rows


# --- parameters and running SQL ---------------------------------------------------------------------


def month_parameters(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> dict:
    """The named parameters every query may use (see the module docstring)."""
    m = month_start(month)
    p_end = month_end(m)
    population, _year, population_note = population_for(con, la_code, m)
    return {
        "la": la_code,
        "m": m,
        "p_start": m,
        "p_end": p_end,
        "asat": p_end,
        "r12_start": r12_start(m),
        "population": None if population is None else float(population),
        "population_note": population_note,
    }


def run_query(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pd.DataFrame:
    """Run one query file with the parameters it mentions (DuckDB rejects unused named parameters)."""
    used = set(re.findall(r"\$([a-z_0-9]+)", _strip_comments(sql)))
    return con.execute(sql, {k: v for k, v in params.items() if k in used}).df()


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def apply_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the temporary macros on this connection: the shared ones (sql/indicators/_macros.sql),
    then each family's row macros (`<family>.rows.sql`: rows_<indicator_id>(la, m), the records behind
    each figure, which the family's query counts and `csc_report.explain` lists).

    Once per connection: defining the seventy-odd macros takes a few tenths of a second, and computing
    a month (indicators, then tables) or writing its action lists asks several times. A last macro
    holding the hash of their text says that this connection has them, as they are now.
    """
    text, version = _macros_text()
    try:
        if con.execute("SELECT csc_report_macros_version()").fetchall()[0][0] == version:
            return
    except duckdb.CatalogException:
        pass
    con.execute(text)
    con.execute(f"CREATE OR REPLACE TEMPORARY MACRO csc_report_macros_version() AS '{version}'")


@cache
def _macros_text() -> tuple[str, str]:
    """Every macro file's text, in order (shared ones first), and its hash."""
    text = standards.defaults_macro() + "\n".join(
        path.read_text(encoding="utf-8") for path in (MACROS_SQL, *(rows_sql(f) for f in FAMILIES))
    )
    return text, hashlib.sha256(text.encode()).hexdigest()[:16]


def rows_sql(family: str) -> Path:
    """The file of a family's row macros."""
    return INDICATOR_DIR / f"{family}.rows.sql"


def row_macro(indicator_id: str) -> str:
    """The table macro (la, m) whose rows make the indicator's figure (see `apply_macros`)."""
    return f"rows_{indicator_id}"


# --- indicators -------------------------------------------------------------------------------------


def compute_indicators(
    con: duckdb.DuckDBPyConnection,
    la_code: str,
    month: str,
    targets: dict[str, targets_mod.Target] | None = None,
    targets_path: Path | None = None,
) -> list[dict]:
    """Every catalogue indicator for (la_code, month), in catalogue order, with metadata, target and RAG.

    Targets come from `targets` or else from `targets_path` (absent file = no targets). Each row:
    indicator_id, label, section, unit, period, definition, value, numerator, denominator, target,
    direction, tolerance, rag, note.
    """
    indicators = catalogue()[0]
    if targets is None:
        targets = targets_mod.load_targets(targets_path, known_ids=indicators["indicator_id"])
    apply_macros(con)
    params = month_parameters(con, la_code, month)
    results = pd.concat(
        [
            run_query(con, (INDICATOR_DIR / f"{family}.sql").read_text(encoding="utf-8"), params)
            for family in indicators["family"].unique()
        ],
        ignore_index=True,
    )[RESULT_COLUMNS]
    _check_results(results, indicators)
    target_frame = pd.DataFrame(
        [{"indicator_id": k, **vars(t)} for k, t in targets.items()],
        columns=["indicator_id", "target", "direction", "tolerance"],
    )
    frame = _assemble(con, params, indicators, results, target_frame)
    needs = catalogue()[2].query("item_id in @indicators.indicator_id")
    frame["note"] = with_repeat_notes(con, la_code, params["m"], frame, needs)
    frame["rag"] = targets_mod.rag(frame["value"], frame["target"], frame["direction"], frame["tolerance"])
    return _records(frame)


def _check_results(results: pd.DataFrame, indicators: pd.DataFrame) -> None:
    """The SQL files and their YAML must name the same indicators, each exactly once."""
    got, want = results["indicator_id"].tolist(), indicators["indicator_id"].tolist()
    if sorted(got) != sorted(want):
        raise RuntimeError(
            f"indicator SQL and YAML disagree: only in SQL {sorted(set(got) - set(want))}, "
            f"only in YAML {sorted(set(want) - set(got))}, "
            f"repeated {sorted({i for i in got if got.count(i) > 1})}"
        )


def unavailable(con: duckdb.DuckDBPyConnection, la_code: str, m: date) -> pd.DataFrame:
    """(item_id, reason) for every indicator or table whose required list or column snapshot M lacks.

    A month with no snapshot at all has no figures of either kind (contract 1.2): its stock is unknown,
    and its events are counted in the next extract's month, from that extract's window.

    Publishing asks too (on a read-only connection), to put the reason where a table or chart would be.
    """
    _indicators, _tables, requirements = catalogue()
    loaded = con.execute(
        "select count(*) from snapshots where la_code = $la and snapshot_month = $m", {"la": la_code, "m": m}
    ).fetchall()[0][0]
    if not loaded:
        items = sorted(set(requirements["item_id"]))
        return pd.DataFrame(
            {"item_id": items, "reason": f"not available: no extract was loaded for {m:%Y-%m}"}
        )
    con.register("_requirements", requirements)
    con.register("_list_names", pd.DataFrame(LIST_NAMES.items(), columns=["list_id", "list_name"]))
    try:
        return con.execute(
            """
            with present as (
                select list_id, column_name from snapshot_columns
                where la_code = $la and snapshot_month = $m
            ),
            missing as (
                select
                    r.item_id,
                    r.list_id,
                    exists (select 1 from present as p where p.list_id = r.list_id) as list_present,
                    string_agg('"' || r.header || '"', ', ' order by r.column_name) as columns
                from _requirements as r
                anti join present as p using (list_id, column_name)
                group by all
            )
            select
                item_id,
                'not available: ' || string_agg(
                    case when list_present then n.list_name || ' has no column ' || columns
                         else n.list_name || ' was not in this month''s '
                              || if(list_id = 'workforce', 'files', 'extract') end,
                    '; ' order by list_id) as reason
            from missing
            inner join _list_names as n using (list_id)
            group by all
            """,
            {"la": la_code, "m": m},
        ).df()
    finally:
        con.unregister("_requirements")
        con.unregister("_list_names")


def _assemble(con, params, indicators, results, target_frame) -> pd.DataFrame:
    """Join results to metadata, availability and targets, in catalogue order."""
    frames = {
        "_catalogue": indicators,
        "_results": results,
        "_targets": target_frame,
        "_unavailable": unavailable(con, params["la"], params["m"]),
    }
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        return con.execute(
            """
            select
                c.indicator_id, c.label, c.section, c.unit, c.period, c.definition,
                case when u.reason is null then r.value end as value,
                case when u.reason is null then r.numerator end as numerator,
                case when u.reason is null then r.denominator end as denominator,
                t.target, t.direction, t.tolerance,
                case when u.reason is null then r.note
                     else concat_ws(' - ', u.reason, c.not_available_note) end as note
            from _catalogue as c
            inner join _results as r using (indicator_id)
            left join _unavailable as u on u.item_id = c.indicator_id
            left join _targets as t using (indicator_id)
            order by c.sort_order
            """
        ).df()
    finally:
        for name in frames:
            con.unregister(name)


def _records(frame: pd.DataFrame) -> list[dict]:
    """DataFrame -> list of dicts with None (not NaN) for empty cells."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


# --- tables -----------------------------------------------------------------------------------------


def compute_tables(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> dict[str, pd.DataFrame]:
    """Every breakdown table for (la_code, month): table_id -> DataFrame.

    A table whose list or column is absent from snapshot M comes back with its columns and no rows, so
    that it is never mistaken for a month of zeros.
    """
    tables = catalogue()[1]
    apply_macros(con)
    params = month_parameters(con, la_code, month)
    missing = set(unavailable(con, la_code, params["m"])["item_id"])
    out = {}
    for table in tables.itertuples():
        frame = run_query(con, (TABLE_DIR / table.sql).read_text(encoding="utf-8"), params)
        out[table.table_id] = frame.iloc[0:0] if table.table_id in missing else frame
    return out


# --- reading back (csc_report.warehouse.store_results stores) -------------------------------------


def stored_indicators(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> list[dict]:
    """The stored indicator rows of (la_code, month), in catalogue order, with period and definition.

    period says what the figure covers: 'YYYY-MM' (dated in the month), 'YYYY-MM to YYYY-MM' (the
    rolling 12 months) or 'YYYY-MM-DD' (at the month end).
    """
    m = month_start(month)
    periods = {
        "month": m.strftime("%Y-%m"),
        "r12": f"{r12_start(m):%Y-%m} to {m:%Y-%m}",
        "asat": month_end(m).isoformat(),
    }
    con.register("_catalogue", catalogue()[0])
    try:
        frame = con.execute(
            """
            select v.indicator_id, v.label, v.section, v.unit, c.period, c.definition, v.value,
                v.numerator, v.denominator, v.target, v.rag, v.note
            from indicator_values as v
            left join _catalogue as c using (indicator_id)
            where v.la_code = $la and v.month = $m
            order by c.sort_order nulls last, v.indicator_id
            """,
            {"la": la_code, "m": month_start(month)},
        ).df()
    finally:
        con.unregister("_catalogue")
    return [{**row, "period": periods.get(row["period"], "")} for row in _records(frame)]


def stored_values(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> dict[str, float | None]:
    """indicator_id -> stored value for (la_code, month); {} when the month was never computed."""
    rows = con.execute(
        "select indicator_id, value from indicator_values where la_code = $la and month = $m",
        {"la": la_code, "m": month_start(month)},
    ).fetchall()
    return dict(rows)


def stored_tables(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> dict[str, pd.DataFrame]:
    """table_id -> DataFrame of the stored tables of (la_code, month), in catalogue order."""
    rows = dict(
        con.execute(
            "select table_id, data::VARCHAR from report_tables where la_code = $la and month = $m",
            {"la": la_code, "m": month_start(month)},
        ).fetchall()
    )
    known = catalogue()[1]["table_id"].tolist()
    order = [t for t in known if t in rows] + sorted(set(rows) - set(known))
    return {t: pd.DataFrame(json.loads(rows[t])) for t in order}


def trends(
    con: duckdb.DuckDBPyConnection, la_code: str, indicator_ids: list[str], month: str, n: int = 13
) -> dict[str, pd.DataFrame]:
    """indicator_id -> the last n months (ending at month) of that stored indicator: columns month
    ('YYYY-MM'), value, note. One query for all of them: one per indicator cost five times the CPU.

    Every month appears; a month never computed or not available has an empty value, so a chart shows
    the gap rather than joining across it. The note says, among other things, when the history covers a
    month's figure only partly: such a point takes no part in SPC (publish/signals.py).
    """
    frame = con.execute(
        """
        with months as (
            select unnest(generate_series($m - to_months($n - 1), $m, interval 1 month))::date as month
        ),
        wanted as (select unnest($ids::varchar[]) as indicator_id)
        select wanted.indicator_id, strftime(months.month, '%Y-%m') as month, v.value, v.note
        from wanted cross join months
        left join indicator_values as v
            on v.month = months.month and v.la_code = $la and v.indicator_id = wanted.indicator_id
        order by wanted.indicator_id, months.month
        """,
        {"la": la_code, "ids": list(indicator_ids), "m": month_start(month), "n": n},
    ).df()
    by_id = {key: rows for key, rows in frame.groupby("indicator_id", sort=False)}
    return {i: by_id[i].drop(columns="indicator_id").reset_index(drop=True) for i in indicator_ids}
