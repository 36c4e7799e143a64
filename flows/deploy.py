"""`csc-report serve`: the monthly flow as a scheduled Prefect deployment, one per authority of the
schedule file (csc_report.schedule: `schedule.yaml` in the working folder, or `--schedule FILE`). Teams
that deploy to a work pool instead use `prefect.yaml` at the project root.

Every Prefect block the schedule names (an inbox's Secret, the `notify` destinations) is loaded once
before anything is served, so a block missing from the Prefect server (or the `.prefect` home) that
`serve` uses stops it at once with one line, rather than failing each month's run. So does each inbox
that does not exist, or whose server refuses the login or shows an unknown host key (one line each).
"""

from __future__ import annotations

import sys
from pathlib import Path

from csc_report.flows.arrival import load_block, secret_options
from csc_report.flows.monthly import monthly_report
from prefect import serve as prefect_serve
from prefect.schedules import Cron

from csc_report import schedule
from csc_report.errors import UsageError


def deployments(entries: list[dict]):
    """A deployment per authority; each run reports the previous month (no month parameter)."""
    result = []
    for entry in entries:
        params = {k: str(v) for k, v in entry.items() if k in schedule.PATHS}
        params.update({k: v for k, v in entry.items() if k in schedule.OPTIONS})
        result.append(
            monthly_report.to_deployment(
                name=f"monthly-{entry['la']}",
                schedule=Cron(
                    entry.get("cron", schedule.DEFAULT_CRON),
                    timezone=entry.get("timezone", schedule.DEFAULT_TIMEZONE),
                ),
                parameters=params,
                tags=["csc-report", f"la-{entry['la']}"],
            )
        )
    return result


def check_blocks(entries: list[dict]) -> None:
    """Load every block the entries name (UsageError naming the first that is missing)."""
    for entry in entries:
        if entry.get("inbox_secret"):
            load_block(f"secret/{entry['inbox_secret']}", f"authority {entry['la']}: inbox_secret")
        for slug in entry.get("notify") or []:
            load_block(slug, f"authority {entry['la']}: notify")


def serve(path: Path) -> None:
    """Register the deployments and run their scheduled flow runs in this process until stopped."""
    entries = schedule.load(path)
    check_blocks(entries)
    problems, warnings = schedule.check_inboxes(
        path, entries, lambda e: secret_options(e.get("inbox_secret"))
    )
    for line in warnings:
        print(f"csc-report: {line}", file=sys.stderr)
    if problems:
        raise UsageError("\n".join(problems))  # the CLI prints one line per problem
    prefect_serve(*deployments(entries))
