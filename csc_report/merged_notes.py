"""The note that a figure counted repeated rows once (issue 34).

Validation keeps one row of each exact repeat (any list) and of each same-event pair (Lists 3 and 5) and
records every row left out as a warning naming the row kept (csc_report/validation/duplicates.py). The
figure itself is then right, but it differs from a count of the workbook's rows; its note says by how
many, so that an analyst who counts the sheet by hand is not left guessing: "2 repeated rows of List 3
(referrals) counted once".

A figure's repeats are those whose kept row is one of the rows behind the figure (its row macro,
rows_<indicator_id>, the rows `explain` lists), so a repeat of a referral dated in another month does
not touch this month's count. Most extracts repeat nothing: one query says so and nothing more runs.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from csc_report.catalogue import LISTS, list_names

# the rule ids of csc_report/validation/duplicates.py, whose message names the row kept ("row N")
MERGE_RULES = ("exact_duplicate_row", "same_event_merged")


def merged_rows_sql(la_param: str = "$la") -> str:
    """One row per row left out as a repeat of `la_param`'s snapshots: the snapshot, file, sheet and
    Excel row of the row kept (source_*), and the Excel row left out (merged_row)."""
    rules = ", ".join(f"'{r}'" for r in MERGE_RULES)
    return rf"""
        SELECT snapshot_month, file AS source_file, sheet AS source_sheet,
            CAST(regexp_extract(message, 'row (\d+)', 1) AS BIGINT) AS source_row, "row" AS merged_row
        FROM dq_issues WHERE la_code = {la_param} AND rule IN ({rules})
    """


def with_repeat_notes(
    con: duckdb.DuckDBPyConnection, la: str, m: date, frame: pd.DataFrame, requirements: pd.DataFrame
) -> pd.Series:
    """`frame`'s notes (indicator_id, note: one row per figure), each available figure's followed by its
    note on repeated rows; a figure that is not available keeps its reason alone."""
    repeats = merged_notes(con, la, m, requirements)
    available = ~frame["note"].fillna("").str.startswith("not available")
    extra = frame["indicator_id"].map(repeats).where(available)
    return pd.Series(
        [
            "; ".join(p for p in pair if isinstance(p, str)) or None
            for pair in zip(frame["note"], extra, strict=True)
        ],
        index=frame.index,
    )


def merged_notes(
    con: duckdb.DuckDBPyConnection, la: str, m: date, requirements: pd.DataFrame
) -> dict[str, str]:
    """indicator_id -> its note on repeated rows, for the indicators (of `requirements`: item_id,
    list_id) built on a list whose kept rows of snapshots up to M had repeats; the row macros must be
    defined on `con` (indicators.apply_macros)."""
    merged = f"(SELECT * FROM ({merged_rows_sql()}) WHERE snapshot_month <= $m)"
    lists = _lists_with_repeats(con, la, m, merged)
    if not lists:
        return {}
    names = list_names()
    wanted = sorted(set(requirements.loc[requirements["list_id"].isin(lists), "item_id"]))
    if not wanted:
        return {}
    # one query for every figure (the repeats read once, one plan), not one per figure
    where = "list, snapshot_month, source_file, source_sheet, source_row"
    behind = " UNION ALL ".join(
        f"SELECT '{indicator_id}' AS indicator_id, {where} FROM rows_{indicator_id}($la, $m)"
        for indicator_id in wanted
    )
    found = con.execute(
        f"""
        SELECT r.indicator_id, r.list, count(*) FROM ({behind}) AS r
        INNER JOIN {merged} AS g
            ON g.snapshot_month = r.snapshot_month AND g.source_file = coalesce(r.source_file, '')
            AND g.source_sheet = coalesce(r.source_sheet, '') AND g.source_row = r.source_row
        GROUP BY ALL ORDER BY ALL
        """,
        {"la": la, "m": m},
    ).fetchall()
    notes: dict[str, list[str]] = {}
    for indicator_id, list_id, n in found:
        notes.setdefault(indicator_id, []).append(_sentence(n, names.get(list_id, list_id)))
    return {indicator_id: "; ".join(sentences) for indicator_id, sentences in notes.items()}


def _lists_with_repeats(con: duckdb.DuckDBPyConnection, la: str, m: date, merged: str) -> list[str]:
    """The lists (ids) one of whose rows up to snapshot M stands for a repeated row."""
    if not con.execute(f"SELECT count(*) FROM {merged}", {"la": la, "m": m}).fetchall()[0][0]:
        return []
    union = " UNION ALL ".join(
        f"""SELECT '{list_id}' FROM {list_id} AS t INNER JOIN {merged} AS g
            ON t.la_code = $la AND g.snapshot_month = t.snapshot_month
            AND g.source_file = coalesce(t.source_file, '') AND g.source_sheet = coalesce(t.source_sheet, '')
            AND g.source_row = t.source_row"""
        for list_id in LISTS
    )
    return sorted({row[0] for row in con.execute(union, {"la": la, "m": m}).fetchall()})


def _sentence(n: int, list_name: str) -> str:
    """ "1 repeated row of List 3 (referrals) counted once", "2 repeated rows of ..." """
    return f"{n} repeated row{'' if n == 1 else 's'} of {list_name} counted once"
