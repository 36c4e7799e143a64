"""The one line that stops a run, in the words of the person who must fix the extract (issue 34).

It names the list by its name ("List 1 (contacts)"), the column by its Annex A header, up to three
failing Excel rows, the rule (the name an authority's config.yaml sets a threshold by), and how many
further errors there are and of what, so that an engineer who sees only this line knows where to look:
`annex_a.xlsx, sheet List_1: List 1 (contacts) column "Child Unique ID": 1 of 8 rows (12%) fail (child
identifier is empty), more than the 5% allowed (Excel row 9; rule child_id_present); and 1 more error:
List 10 (adoption) column "Date of Decision that Child Should be Placed for Adoption"`.
The caller adds where every issue is (data_quality.csv, the Data Docs).
"""

from __future__ import annotations

import re

import pyarrow as pa

from csc_report.catalogue import column_headers, list_names
from csc_report.issues import Issue

ROWS_SHOWN = 3
OTHERS_SHOWN = 3


def stop_message(errors: list[Issue], issues: list[Issue], tables: dict[str, pa.Table]) -> str:
    """The first error in full, then the count and places of the rest."""
    lists = _lists_by_sheet(tables)
    first = errors[0]
    same = _key(first)
    rows = sorted({i.row for i in issues if _key(i) == same and i.row is not None})
    text = ": ".join(p for p in (_place(first), _subject(first, lists), _words(first, lists)) if p)
    said = [f"rule {first.rule}"]
    if rows:
        more = f" and {len(rows) - ROWS_SHOWN} more" if len(rows) > ROWS_SHOWN else ""
        said.insert(
            0, f"Excel row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows[:ROWS_SHOWN]))}{more}"
        )
    text += f" ({'; '.join(said)})"
    rest = [e for e in errors if _key(e) != same]
    if rest:
        subjects = list(dict.fromkeys(_subject(e, lists) or _place(e) for e in rest))
        shown = "; ".join(subjects[:OTHERS_SHOWN]) + ("; ..." if len(subjects) > OTHERS_SHOWN else "")
        text += f"; and {len(rest)} more error{'s' if len(rest) > 1 else ''}: {shown}"
    return text


def _key(issue: Issue) -> tuple:
    return issue.file, issue.sheet, issue.column, issue.rule


def _lists_by_sheet(tables: dict[str, pa.Table]) -> dict[tuple[str, str], str]:
    """(file, sheet) -> the list read from it."""
    found = {}
    for list_id, table in tables.items():
        if {"source_file", "source_sheet"} <= set(table.column_names):
            pairs = table.select(["source_file", "source_sheet"]).group_by(["source_file", "source_sheet"])
            for pair in pairs.aggregate([]).to_pylist():
                found[(pair["source_file"] or "", pair["source_sheet"] or "")] = list_id
    return found


def _list_of(issue: Issue, lists: dict) -> str | None:
    list_id = lists.get((issue.file, issue.sheet))
    if list_id is None and ":" in issue.message:  # a list-level issue: "<list id>: what failed"
        prefix = issue.message.split(":", 1)[0]
        list_id = prefix if prefix in list_names() else None
    return list_id


def _place(issue: Issue) -> str:
    return (
        ", ".join(p for p in (issue.file, f"sheet {issue.sheet}" if issue.sheet else "") if p)
        or "the extract"
    )


def _subject(issue: Issue, lists: dict) -> str:
    """`List 1 (contacts) column "Child Unique ID"`."""
    list_id = _list_of(issue, lists)
    headers = column_headers().get(list_id, {})
    name = list_names()[list_id] if list_id else f"sheet {issue.sheet}" if issue.sheet else ""
    columns = [headers.get(c.strip(), c.strip()) for c in issue.column.split(",") if c.strip()]
    if not columns:
        return name
    return f"{name or 'the extract'} column{'s' if len(columns) > 1 else ''} " + " and ".join(
        f'"{c}"' for c in columns
    )


def _words(issue: Issue, lists: dict) -> str:
    """The issue's message without its list-id prefix, column ids replaced by their headers."""
    list_id = _list_of(issue, lists)
    text = issue.message.removeprefix(f"{list_id}: ") if list_id else issue.message
    headers = column_headers().get(list_id, {})
    if not headers:
        return text
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(headers, key=len, reverse=True))) + r")\b")
    return pattern.sub(lambda m: f'"{headers[m.group(1)]}"', text)
