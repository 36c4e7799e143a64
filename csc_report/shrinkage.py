"""A list that shrank: rows that were in last month's extract and are missing from this one (issue 34).

A list that held rows in the previous snapshot and holds none now, or fewer than half as many, is far
more often a broken export (a filter left on, a sheet emptied, a report run for the wrong team) than a
real change; its stock figures would drop without saying why. It is recorded as a `warning` whose message
is words ("List 8 (children looked after) has 0 rows; it had 362 in May 2013"), so that data_quality.csv,
the warehouse's dq_issues, the report's data-quality paragraph and the run's last line all carry it.

"Previous" is the latest snapshot of the authority before this month that the warehouse holds; rows are
those loaded (after merging repeats and leaving out rejected rows), in both snapshots alike. Fewer than
half: 2 x now < before, so 181 rows after 362 pass and 180 warn. The workforce file is optional and
left out.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import duckdb

from csc_report import warehouse
from csc_report.catalogue import list_names, list_numbers
from csc_report.issues import Issue
from csc_report.months import month_start

RULE = "list_shrank"


def with_shrunken_lists(paths, la: str, month: str, prepared):
    """The prepared month (prepared_cache.Prepared) with a warning for each list that shrank, asked of the
    warehouse just before the load (under the writer lock, so "previous" cannot change meanwhile)."""
    found = shrunken_lists_in(paths.warehouse_file(la), la, month, prepared.prepared_rows)
    return dataclasses.replace(prepared, issues=[*prepared.issues, *found]) if found else prepared


def shrunken_lists_in(path: Path, la: str, month: str, rows_now: dict[str, int]) -> list[Issue]:
    """`shrunken_lists` asked of the authority's warehouse file `path`, read-only; none when the file
    does not exist or holds no earlier snapshot (`validate` asks the same as `run`)."""
    if not path.is_file():
        return []
    con = warehouse.connect(path, read_only=True)
    try:
        return shrunken_lists(con, la, month, rows_now)
    except duckdb.CatalogException:  # a warehouse file whose schema was never applied: nothing before
        return []
    finally:
        con.close()


def shrunken_lists(
    con: duckdb.DuckDBPyConnection, la: str, month: str, rows_now: dict[str, int]
) -> list[Issue]:
    """One warning per Annex A list with under half the rows of the authority's previous snapshot."""
    found = con.execute(
        "SELECT max(snapshot_month) FROM snapshots WHERE la_code = ? AND snapshot_month < ?",
        [la, month_start(month)],
    ).fetchone()
    previous: date | None = found[0] if found else None
    if previous is None:
        return []
    lists = sorted(list_numbers().items())
    counts = con.execute(
        " UNION ALL ".join(
            f"SELECT '{list_id}', count(*) FROM {list_id} WHERE la_code = $la AND snapshot_month = $m"
            for _, list_id in lists
        ),
        {"la": la, "m": previous},
    ).fetchall()
    before = dict(counts)
    when = previous.strftime("%B %Y")
    shrunk = [(lid, rows_now.get(lid, 0)) for _, lid in lists if 2 * rows_now.get(lid, 0) < before[lid]]
    return [
        Issue(
            "",
            "",
            None,
            "",
            RULE,
            "warning",
            f"{list_names()[lid]} has {n:,} row{'' if n == 1 else 's'}; it had {before[lid]:,} in {when}",
        )
        for lid, n in shrunk
    ]
