"""Local practice standards (contract 3.2): the defaults, an authority's overrides, and how they reach SQL.

The defaults are `config/standards.yaml` (each with its statutory or customary source in a comment); an
authority overrides any of them in `<inbox>/<la>/config.yaml` under `standards:`. They reach SQL as data,
never as text spliced into a figure's query: the defaults as the rows of the temporary table macro
`default_standards()` (defined with the indicator macros), and the standards in force when a month is
loaded (the defaults with the authority's overrides) as rows of the warehouse table `standards`, so that a
month's figures and `explain` of them read the standards that month was loaded under.
`standards_in_force(la, m)` (sql/indicators/_macros.sql) joins the two, and each practice figure's note
names the standard it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from csc_report.errors import UsageError
from csc_report.settings import CONFIG_DIR
from csc_report.yaml_files import read_yaml

if TYPE_CHECKING:  # the CLI reads authority settings through this module before it needs either
    import duckdb

STANDARDS_YAML = CONFIG_DIR / "standards.yaml"
UNITS = ("working_days", "days", "months")
MAX_AMOUNT = {"working_days": 260, "days": 730, "months": 36}  # two years (three for months) at most


@dataclass(frozen=True)
class Standard:
    amount: int
    unit: str


@cache
def defaults() -> dict[str, Standard]:
    """standard id -> its default, from config/standards.yaml (checked like an authority's)."""
    data = read_yaml(STANDARDS_YAML)["standards"]
    return {key: _standard(STANDARDS_YAML, key, value, None) for key, value in data.items()}


def describe(standard: Standard) -> str:
    """`10 working days`, `42 days`, `6 months`."""
    return f"{standard.amount} {standard.unit.replace('_', ' ')}"


def parse_overrides(source, data) -> dict[str, Standard]:
    """An authority's `standards:` mapping (id -> {amount, unit} or a bare amount in the default's unit),
    checked: an unknown id or a malformed amount is a one-line UsageError naming `source`."""
    if not isinstance(data, dict):
        raise UsageError(f"{source}: standards must be a mapping of standard -> {{amount, unit}}")
    known = defaults()
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise UsageError(f"{source}: unknown standard(s) {', '.join(unknown)} (known: {', '.join(known)})")
    return {key: _standard(source, key, value, known[key]) for key, value in data.items()}


def _standard(source, key: str, value, default: Standard | None) -> Standard:
    if not isinstance(value, dict):
        value = {"amount": value}
    amount = value.get("amount")
    unit = value.get("unit", default.unit if default else None)
    if unit not in UNITS:
        raise UsageError(f"{source}: standard {key}: unit must be one of {', '.join(UNITS)}, got {unit!r}")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT[unit]:
        raise UsageError(
            f"{source}: standard {key}: amount must be a whole number from 1 to {MAX_AMOUNT[unit]} {unit}, "
            f"got {amount!r}"
        )
    return Standard(amount, unit)


def defaults_macro() -> str:
    """The temporary table macro of the defaults (standard_id, amount, unit): data from the YAML file,
    each value a literal of a checked int or a name from UNITS / the file's keys."""
    rows = ", ".join(f"('{key}', {s.amount}, '{s.unit}')" for key, s in defaults().items())
    return (
        "CREATE OR REPLACE TEMPORARY MACRO default_standards() AS TABLE\n"
        f"    SELECT * FROM (VALUES {rows}) AS t(standard_id, amount, unit);\n"
    )


def store(con: duckdb.DuckDBPyConnection, la_code: str, month: date, overrides: dict[str, Standard]) -> None:
    """Store every standard in force for the authority's month: the defaults with its overrides, each
    marked local or not. One statement, so atomic; every standard has a row, so none is left stale."""
    import pandas as pd  # here: a month already done is answered without importing pandas

    in_force = {**defaults(), **overrides}
    frame = pd.DataFrame(
        [{"la_code": la_code, "month": month, "standard_id": k, "amount": s.amount, "unit": s.unit,
          "local_standard": k in overrides} for k, s in in_force.items()],
    )  # fmt: skip
    con.register("_standards", frame)
    try:
        con.execute("INSERT OR REPLACE INTO standards BY NAME SELECT * FROM _standards")
    finally:
        con.unregister("_standards")
