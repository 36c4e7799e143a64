"""`csc-report serve`: the monthly flow as a scheduled Prefect deployment, one per configured authority.

The schedule lives in `config/schedule.yaml` (or the file named by CSC_REPORT_SCHEDULE). With none, the
demo set-up is served so that it can be tried straight after `csc-report demo`. Teams that deploy to a
work pool instead use `prefect.yaml` at the project root.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from csc_report.flows.arrival import targets_named
from csc_report.flows.monthly import monthly_report
from prefect import serve as prefect_serve
from prefect.schedules import Cron

from csc_report.errors import UsageError
from csc_report.settings import CONFIG_DIR, DEMO_DIR, DEMO_LA
from csc_report.sources import Source

DEFAULT_CRON = "0 6 3 * *"  # 06:00 on the 3rd: the previous month's extract has landed by then
DEFAULT_TIMEZONE = "Europe/London"
REQUIRED = {"la", "inbox"}
PATHS = {"la", "inbox", "warehouse", "outputs", "key_file"}
# flow parameters a schedule entry may set as they are (flows/monthly.py); none may hold a secret
OPTIONS = {
    "inbox_options",
    "inbox_secret",
    "check_interval",
    "grace_working_days",
    "settle_seconds",
    "notify",
    "notify_success",
}


def schedule_entries(path: Path | None = None) -> list[dict]:
    """One dict per authority: la, inbox, and optionally warehouse, outputs, key_file, cron, timezone
    and the OPTIONS. An inbox URL with a password, or an option named like a secret, is refused."""
    path = path or Path(os.environ.get("CSC_REPORT_SCHEDULE", CONFIG_DIR / "schedule.yaml"))
    if not path.exists():
        return [
            {
                "la": DEMO_LA,
                "inbox": str((DEMO_DIR / "inbox").resolve()),
                "warehouse": str((DEMO_DIR / "warehouse").resolve()),
                "outputs": str((DEMO_DIR / "outputs").resolve()),
                "key_file": str((DEMO_DIR / "pseudonym.key").resolve()),
            }
        ]
    entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("authorities")
    if not isinstance(entries, list) or not entries:
        raise UsageError(f"{path}: expected a non-empty 'authorities' list")
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not REQUIRED <= entry.keys():
            raise UsageError(f"{path}: authority {n} needs at least {sorted(REQUIRED)}")
        Source.parse(str(entry["inbox"]), entry.get("inbox_options"))
        targets_named(entry.get("notify"))
    return entries


def deployments(entries: list[dict]):
    """A deployment per authority; each run reports the previous month (no month parameter)."""
    result = []
    for entry in entries:
        params = {k: str(v) for k, v in entry.items() if k in PATHS}
        params.update({k: v for k, v in entry.items() if k in OPTIONS})
        result.append(
            monthly_report.to_deployment(
                name=f"monthly-{entry['la']}",
                schedule=Cron(
                    entry.get("cron", DEFAULT_CRON), timezone=entry.get("timezone", DEFAULT_TIMEZONE)
                ),
                parameters=params,
                tags=["csc-report", f"la-{entry['la']}"],
            )
        )
    return result


def serve() -> None:
    """Register the deployments and run their scheduled flow runs in this process until stopped."""
    prefect_serve(*deployments(schedule_entries()))
