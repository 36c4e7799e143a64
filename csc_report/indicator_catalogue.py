"""The indicator catalogue: every figure and breakdown table the SQL computes, read from its family's YAML
(`sql/indicators/<family>.yaml`: id, label, section, unit, period, definition, polarity, requires) and
checked once, so a misspelt unit, a family file nobody runs or an id defined twice stops at the start
rather than in a month's figures.

Computing (csc_report/indicators.py), reading results back (csc_report/stored_results.py), explain,
export, the pipeline's targets and the report's polarities all take the figures' metadata from here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from csc_report.catalogue import column_headers, list_names
from csc_report.errors import UsageError
from csc_report.settings import SQL_DIR
from csc_report.units import INDICATOR_UNITS
from csc_report.yaml_files import read_yaml

INDICATOR_DIR = SQL_DIR / "indicators"
TABLE_DIR = SQL_DIR / "tables"

PERIODS = ("month", "r12", "asat")
# List id -> how notes name it ("List 5 (section 47 enquiries)"), from config/lists.yaml.
LIST_NAMES = list_names()
# The order of the report's sections (the seed report's, with S47 after assessments): one family each.
FAMILIES = (
    "referrals", "re_referrals", "assessments", "s47", "children_in_need", "child_protection", "looked_after",
    "leaving_care", "adoption", "workforce", "caseloads", "early_help",
)  # fmt: skip
POLARITIES = ("higher", "lower")  # which way is better: a target's direction wins over the YAML's


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
        raise UsageError(
            f"{INDICATOR_DIR}: families not in indicator_catalogue.FAMILIES: {', '.join(strays)}"
        )
    for family in FAMILIES:
        path = INDICATOR_DIR / f"{family}.yaml"
        meta = read_yaml(path)
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
