"""The appendix's data-quality table: the month's issues counted by list and rule beside last month's.

Apart from publish/tables.py (the breakdowns' and trends' tables) because it is built from the run's
issues rather than from a stored breakdown, and speaks of lists and rules in words (issue_text).
"""

from __future__ import annotations

import pandas as pd

from csc_report.publish import issue_text
from csc_report.publish.tables import Column, PublishedTable


def data_quality_summary(issues: pd.DataFrame, previous_counts: dict[tuple, int]) -> PublishedTable:
    """Issues counted by list (sheet), rule and severity beside last month's count; never the rows themselves.

    `previous_counts` is keyed by (sheet, rule, severity). Without last month's counts at all (a first
    month) the column is empty rather than 0: unknown, not none. Print shows each list by its name and
    each rule in words (issue_text); the CSV keeps the sheet and rule ids beside them.
    """
    keys = ["sheet", "rule", "severity"]
    frame = issues.fillna({"sheet": "", "column": "", "message": ""})
    groups = frame.groupby(keys, sort=False) if len(issues) else None
    counts = groups.size() if groups is not None else pd.Series()
    missing = 0 if previous_counts else None
    # each group's columns in row order and its first message, in one pass over plain lists (two
    # get_group calls a group were most of this table's cost)
    found: dict[tuple, tuple[list, object]] = {}
    for *key, column, message in zip(*(frame[c].tolist() for c in [*keys, "column", "message"]), strict=True):
        found.setdefault(tuple(key), ([], message))[0].append(column)
    rows = [
        {
            "sheet": sheet,
            "rule": rule,
            "severity": severity,
            "issues": int(n),
            "last_month": previous_counts.get((sheet, rule, severity), missing),
            "columns": found[sheet, rule, severity][0],
            "message": found[sheet, rule, severity][1],
        }
        for (sheet, rule, severity), n in counts.items()
    ]
    seen = {(row["sheet"], row["rule"], row["severity"]) for row in rows}
    rows += [
        {"sheet": sheet, "rule": rule, "severity": severity, "issues": 0, "last_month": n, "columns": [],
         "message": ""}
        for (sheet, rule, severity), n in sorted(previous_counts.items())
        if (sheet, rule, severity) not in seen
    ]  # fmt: skip
    for row in rows:
        row["list"] = issue_text.list_label(row["sheet"])
        row["what"] = issue_text.describe(row["sheet"], row.pop("columns"), row["rule"], row.pop("message"))
        row["severity_text"] = issue_text.SEVERITY_WORDS.get(row["severity"], row["severity"])
    columns = (
        Column("list", "List", "text"),
        Column("what", "Issue", "text"),
        Column("severity_text", "Severity", "text"),
        Column("issues", "Issues this month", "count"),
        Column("last_month", "Issues last month", "count"),
        Column("sheet", "Sheet", "text", printed=False),
        Column("rule", "Rule", "text", printed=False),
        Column("severity", "Severity code", "text", printed=False),
    )
    frame = pd.DataFrame(rows, columns=[c.name for c in columns], dtype=object)
    frame = frame.sort_values("issues", ascending=False, kind="stable").reset_index(drop=True)
    return PublishedTable("data_quality_summary", "Data-quality issues by list and rule", columns, frame)
