"""Indicators and breakdown tables for one (authority, month), from the warehouse to `indicator_values`.

Every figure is defined in SQL, one family per file (`sql/indicators/<family>.sql`), with its metadata
beside it (`<family>.yaml`: id, label, section, unit, period, definition, requires) and the records it
counts (`<family>.rows.sql`: one table macro rows_<indicator_id>(la, m) per indicator, each row saying
whether it is counted in the count, the numerator or the denominator only; the family's query counts
them and `csc-report explain` lists them, so a figure and its rows cannot drift apart); breakdown tables are
`sql/tables/<table_id>.sql`, described in the YAML of their section. So `grep -r <id> sql/` finds a
definition in one step, and this module only runs the files and joins their results to the metadata
(read and checked by csc_report/indicator_catalogue.py). What a month stored is read back by
csc_report/stored_results.py.

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
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from csc_report import standards
from csc_report import targets as targets_mod
from csc_report.indicator_catalogue import FAMILIES, INDICATOR_DIR, LIST_NAMES, TABLE_DIR, catalogue
from csc_report.merged_notes import with_repeat_notes
from csc_report.months import month_end, month_start, r12_start
from csc_report.warehouse import sql_literal
from csc_report.warehouse_reference import population_for

MACROS_SQL = INDICATOR_DIR / "_macros.sql"
RESULT_COLUMNS = ["indicator_id", "value", "numerator", "denominator", "note"]


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


# The macros over `standards_in_force(la, m)` that a pinned month answers from its values (see
# `pinned_standards`), and the query that reads those values through the macros themselves.
PINNED_STANDARD_MACROS = ("standard_amount", "standard_unit", "standard_note")
STANDARD_VALUES = "SELECT standard_id, {answers} FROM standards_in_force($la, $m) ORDER BY standard_id"
PIN_STANDARD = """CREATE OR REPLACE TEMPORARY MACRO {name}(la, m, id) AS
    CASE WHEN pinned_month_is(la, m) THEN CASE id {cases} END END"""


@contextmanager
def pinned_standards(con: duckdb.DuckDBPyConnection, la_code: str, month: str | date) -> Iterator[None]:
    """Within the block, the standards macros answer (la_code, month) from values read once.

    Inside `warehouse.pinned_month` only (its guard `pinned_month_is` refuses another month). Each use of
    within_standard, started_before_standard and standard_note in the row macros put up to six scalar
    subqueries over standards_in_force(la, m) into a family's query, and DuckDB planned every one: about
    a tenth of a second a month. Pinned, standard_amount, standard_unit and standard_note are CASE
    expressions over the answers the macros themselves gave for the month, as literals of the type they
    had, so the figures cannot differ. The macros are temporary ones of `apply_macros`; afterwards they
    are defined again from the same text, so the connection's macros stay the ones its version names.
    """
    apply_macros(con)
    params = {"la": la_code, "m": month_start(month)}
    answers = ", ".join(
        f"CAST({name}($la, $m, standard_id) AS VARCHAR), typeof({name}($la, $m, standard_id))"
        for name in PINNED_STANDARD_MACROS
    )
    values = con.execute(STANDARD_VALUES.format(answers=answers), params).fetchall()
    try:
        for i, name in enumerate(PINNED_STANDARD_MACROS):
            cases = " ".join(
                f"WHEN {sql_literal(row[0])} THEN {_typed_literal(row[1 + 2 * i], row[2 + 2 * i])}"
                for row in values
            )
            con.execute(PIN_STANDARD.format(name=name, cases=cases))
        yield
    finally:
        con.execute("".join(_macro_statements()[name] for name in PINNED_STANDARD_MACROS))


def _typed_literal(text: str | None, type_name: str) -> str:
    """A value given as text (NULL as None) and its DuckDB type name, as a SQL literal of that type."""
    return f"CAST({'NULL' if text is None else sql_literal(text)} AS {type_name})"


@cache
def _macro_statements() -> dict[str, str]:
    """Each macro's CREATE statement in `_macros_text()` (with the comments before it), by its name."""
    with duckdb.connect() as parser:
        statements = parser.extract_statements(_macros_text()[0])
    found = (
        re.match(r"(?:\s|--[^\n]*)*CREATE OR REPLACE TEMPORARY MACRO (\w+)", s.query) for s in statements
    )
    return {match[1]: match.string for match in found if match}


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
    return as_records(frame)


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


def as_records(frame: pd.DataFrame) -> list[dict]:
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
