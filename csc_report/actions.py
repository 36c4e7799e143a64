"""Action lists for team managers: the cases behind four figures, one CSV per list and team.

Under the internal profile each month's run writes `actions/` beside its outputs:

    actions/summary.csv                one row per list and team: the list, the figure it belongs to and
                                       its published value, the team, how many rows, which file holds them
    actions/<list>/<team>.csv          the rows: child pseudonym, source file, sheet and Excel row, team,
                                       worker, days open, and the dates that decided it

The rows are those `csc-report explain` gives for the figure (its row macro, rows_<indicator_id>), so a
list and its figure cannot disagree. The authority re-identifies a child by opening its own extract at
the named row; the product never stores or prints a real identifier. Child-level, so owner-only (0600
files, 0700 folders) and never under the public profile: a month re-run as public loses its actions/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from csc_report import explain
from csc_report.errors import DataError
from csc_report.permissions import private_folder, remove_folder, write_private_csv

FOLDER = "actions"
SUMMARY_COLUMNS = ["list", "title", "indicator_id", "figure", "team", "rows", "file", "note"]


@dataclass(frozen=True)
class ActionList:
    list_id: str
    title: str
    indicator_id: str
    counted_in: str  # the part of the figure whose rows are the list


ACTION_LISTS = (
    ActionList(
        "assessments_overdue", "Assessments open past their timescale", "assessments_open_overdue", "count"
    ),
    ActionList(
        "cp_plans_2yrs_plus", "Children on a CP plan for 2 years or more", "cp_open_2yrs_plus", "count"
    ),
    ActionList("unallocated_cases", "Open cases with no allocated worker", "cases_unallocated", "count"),
    ActionList(
        "cla_3plus_placements",
        "Children looked after with 3 or more placements in 12 months",
        "cla_3plus_placements_pct",
        "numerator",
    ),
)


def team_file_name(team: str, taken: set[str]) -> str:
    """A file name for a team's list: its name in lower case, runs of other characters as '-'."""
    base = re.sub(r"[^a-z0-9]+", "-", str(team).lower()).strip("-") or "no-team"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def action_rows(con: duckdb.DuckDBPyConnection, la: str, month: str, action: ActionList) -> pd.DataFrame:
    """The list's rows, from its figure's row macro (explain.figure_rows), in team order."""
    rows = explain.figure_rows(con, la, month, action.indicator_id)
    rows = rows[rows["counted_in"] == action.counted_in].drop(columns="counted_in")
    rows["team"] = rows["team"].fillna("(no team)") if "team" in rows.columns else "(no team)"
    return rows.sort_values(["team", "days_open"], ascending=[True, False], kind="stable")


def write_actions(con: duckdb.DuckDBPyConnection, la: str, month: str, out_dir: Path) -> Path:
    """Write `out_dir/actions/` afresh (module docstring); returns the folder."""
    folder = Path(out_dir) / FOLDER
    remove_folder(folder)
    private_folder(folder)
    summary = []
    for action in ACTION_LISTS:
        figure = explain.published_figure(con, la, month, action.indicator_id)
        part = figure["numerator"] if action.counted_in == "numerator" else figure["value"]
        shown = None if part is None else f"{part:g}"
        base = {"list": action.list_id, "title": action.title, "indicator_id": action.indicator_id}
        try:
            rows = action_rows(con, la, month, action)
        except DataError as exc:  # the figure is not available this month: say why, list nothing
            summary.append({**base, "figure": None, "team": None, "rows": None, "note": str(exc)})
            continue
        summary.append({**base, "figure": shown, "team": "(all teams)", "rows": len(rows)})
        taken: set[str] = set()
        for team, team_rows in rows.groupby("team", sort=True):
            name = f"{action.list_id}/{team_file_name(team, taken)}.csv"
            write_private_csv(team_rows, private_folder(folder / action.list_id) / Path(name).name)
            summary.append({**base, "figure": shown, "team": team, "rows": len(team_rows), "file": name})
    write_private_csv(pd.DataFrame(summary, columns=SUMMARY_COLUMNS), folder / "summary.csv")
    return folder


def clear_actions(out_dir: Path) -> None:
    """Remove a month's actions/ (the public profile must not leave an earlier internal run's behind)."""
    remove_folder(Path(out_dir) / FOLDER)
