"""The monthly report flow and the backfill flow that runs a range of months in order.

Both run csc_report.month's lifecycle (skip, writer lock, stages, run record, cache clean-up) with the
Prefect tasks of flows/tasks.py as its stages, through `run_month`; backfill does so inside one flow run
rather than one sub-flow per month, because each flow run carries about a second of engine overhead.

A month whose inputs, code and earlier snapshots are unchanged since its last completed run is skipped
(flow state "Skipped"); `force` recomputes it, cache included. A month whose extract has not arrived
(after waiting for it, in a scheduled run: flows/arrival.py) ends in the Failed state "AwaitingData",
whose message says which folder is missing. A URL inbox is pulled into a staging folder first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from csc_report.flows import arrival, tasks
from csc_report.flows.api import shared_api
from csc_report.flows.artifacts import publish_artifacts
from csc_report.flows.console import quiet_worker
from csc_report.flows.parameters import flow
from prefect import get_run_logger
from prefect.runtime import flow_run
from prefect.states import Completed, Failed
from prefect.task_runners import ProcessPoolTaskRunner

from csc_report import month as lifecycle
from csc_report import sources
from csc_report.errors import CscError, ExtractMissing
from csc_report.month import MonthOutcome
from csc_report.months import month_range, parse_month, previous_month
from csc_report.settings import RunPaths


class _AwaitingDataIsNoError(logging.Filter):
    """Run by `serve` or a worker, Prefect's engine logs every flow run that ends in a failed state as
    an ERROR, "Engine execution exited with unexpected exception", with a traceback. A month whose
    extract has not come ends Failed("AwaitingData") by design and is told as such: that record, for
    it alone, is dropped, so that the logs keep ERRORs and tracebacks for what needs someone to act."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, ExtractMissing) and record.getMessage().startswith("Engine execution"))


logging.getLogger("prefect.flow_runs").addFilter(_AwaitingDataIsNoError())


def run_month(
    paths: RunPaths,
    la: str,
    month: str,
    profile: str = "public",
    force: bool = False,
    pulled: list[dict] | None = None,
) -> MonthOutcome:
    """csc_report.month.run_month with Prefect's tasks as its stages and the run's logger."""
    run_id = str(flow_run.get_id() or "")
    return lifecycle.run_month(
        paths,
        la,
        month,
        profile,
        force,
        stages=tasks.writer_tagged(tasks.STAGES),
        log=get_run_logger(),
        run_id=run_id,
        pulled=pulled,
    )


def publish_artifacts_safely(outcome: MonthOutcome) -> None:
    """A done month's headline figures, as artifacts in the Prefect UI; the month is done whether or not
    they can be made (only its summary is then missing)."""
    if outcome.status != "done":
        return
    try:
        publish_artifacts(outcome.la_code, outcome.month, Path(outcome.output_dir))
    except Exception as exc:
        get_run_logger().warning(
            "%s %s: artifacts not published:\n%s",
            outcome.la_code,
            outcome.month,
            lifecycle.safe_traceback(exc),
        )


def report_progress(n: int, total: int, outcome: MonthOutcome, seconds: float) -> None:
    """One line per month as it finishes, with the seconds since the one before (months overlap, so
    that is what each adds): to the terminal, so that a long backfill is seen to move, and, as a log
    line, to the Prefect UI."""
    line = (
        f"[{n}/{total}] {outcome.la_code} {outcome.month}: {outcome.status} - {outcome.message}"
        f" ({seconds:.1f} s)"
    )
    get_run_logger().info(line)
    print(line, flush=True)


def pull_and_run(
    paths: RunPaths,
    la: str,
    month: str,
    profile: str,
    force: bool,
    inbox: str,
    inbox_options: dict | None,
    inbox_secret: str | None,
    **waiting,
) -> MonthOutcome:
    """`run_month` on the month pulled from a URL inbox (or checked in a local one when waiting); the
    staged raw copy is dropped once the month is done or found unchanged."""
    staging = sources.staging_dir(paths.cache_dir(), la)
    local, pulled = arrival.pull(inbox, inbox_options, inbox_secret, la, month, staging, **waiting)
    outcome = run_month(replace(paths, inbox=local), la, month, profile, force, pulled)
    if sources.is_url(inbox):
        sources.forget_staged(staging, la, month)
    return outcome


@flow(
    name="monthly-report",
    on_failure=[arrival.notify_hook],
    on_crashed=[arrival.notify_hook],
    on_cancellation=[arrival.notify_hook],
    on_completion=[arrival.notify_hook],
)
def monthly_report(
    la: str,
    inbox: str,
    month: str | None = None,
    warehouse: str = "warehouse",
    outputs: str = "outputs",
    key_file: str | None = None,
    profile: str = "public",
    force: bool = False,
    inbox_options: dict | None = None,
    inbox_secret: str | None = None,
    wait: bool | None = None,
    check_interval: float = arrival.DEFAULT_CHECK_INTERVAL,
    grace_working_days: float = arrival.DEFAULT_GRACE_WORKING_DAYS,
    due_working_days: float = arrival.DEFAULT_DUE_WORKING_DAYS,
    settle_seconds: float = arrival.DEFAULT_SETTLE_SECONDS,
    notify: list[str] | None = None,
    notify_success: bool = False,
):
    """One authority's report for one month, from its inbox (a folder or a URL) to published outputs.

    Without a month (the scheduled run) it reports the previous calendar month and, unless `wait` says
    otherwise, waits for a late extract: re-checking every `check_interval` seconds for
    `grace_working_days`, and reading files only once unchanged for `settle_seconds` (flows.arrival);
    if the month is not complete `due_working_days` after its end, "Late" is said once and the wait
    goes on. A run by hand checks once. Returns the MonthOutcome, in a "Skipped" state when there was
    nothing to do or "AwaitingData" when the extract has not arrived. `notify` names the Prefect blocks
    told of every other ending (failed, crashed, cancelled, awaiting data), of "Late" and, with
    `notify_success`, of the report's location.
    """
    paths = RunPaths(Path("."), Path(warehouse), Path(outputs), Path(key_file) if key_file else None)
    wait = month is None if wait is None else wait
    month = parse_month(month) if month else previous_month()
    try:
        if sources.is_url(inbox) or wait:
            waiting = dict(
                wait=wait,
                check_interval=check_interval,
                grace_working_days=grace_working_days,
                due_working_days=due_working_days,
                settle_seconds=settle_seconds,
                notify=notify,
            )
            outcome = pull_and_run(
                paths, la, month, profile, force, inbox, inbox_options, inbox_secret, **waiting
            )
        else:
            outcome = run_month(replace(paths, inbox=Path(inbox)), la, month, profile, force)
    except ExtractMissing as exc:
        return Failed(name="AwaitingData", message=str(exc), data=exc)
    publish_artifacts_safely(outcome)
    if outcome.status == "skipped":
        return Completed(name="Skipped", message=outcome.message, data=outcome)
    return outcome


@flow(
    name="backfill", task_runner=ProcessPoolTaskRunner(max_workers=tasks.PREPARERS, initializer=quiet_worker)
)
def backfill(
    la: str,
    first: str,
    last: str,
    inbox: str,
    warehouse: str = "warehouse",
    outputs: str = "outputs",
    key_file: str | None = None,
    profile: str = "public",
    force: bool = False,
    inbox_options: dict | None = None,
    inbox_secret: str | None = None,
) -> list[MonthOutcome]:
    """Every month from `first` to `last` in order, skipping those already done; a failed month, or one
    whose extract has not arrived (awaiting data), is reported and the rest go on: the next month's flow
    figures still count a missing month's events, from the next extract's window (contract 1.2). A URL
    inbox is pulled a month at a time, without waiting.

    From a local inbox, while one month loads and publishes, the next two are read, validated and
    pseudonymised in two other processes (the flow's task runner), so that a backfill uses every core."""
    paths = RunPaths(Path(inbox), Path(warehouse), Path(outputs), Path(key_file) if key_file else None)
    months = month_range(first, last)
    with shared_api():  # the preparing processes report to this flow's API
        return run_months(
            paths, la, months, profile, force, inbox, inbox_options, inbox_secret, tasks.BACKFILL_STAGES
        )


def run_months(
    paths: RunPaths,
    la: str,
    months: list[str],
    profile: str = "public",
    force: bool = False,
    inbox: str | None = None,
    inbox_options: dict | None = None,
    inbox_secret: str | None = None,
    stages: lifecycle.Stages = tasks.STAGES,
) -> list[MonthOutcome]:
    """One authority's months in order, in the current flow or task run (backfill's, or a region
    worker's): a failed month, or one awaiting data, is reported and the rest go on. A month already done
    is skipped, and re-loading one makes the later ones due (their history includes it), so a re-run
    redoes only what is not done. A local inbox runs through csc_report.month.run_in_order, which
    prepares the next months while one finishes (on other processes in backfill: `stages`); a URL inbox
    (`inbox`) is pulled a month at a time."""
    if inbox and sources.is_url(inbox):
        in_order = _pulled_in_order(paths, la, months, profile, force, inbox, inbox_options, inbox_secret)
    else:
        run_id = str(flow_run.get_id() or "")
        stages = tasks.writer_tagged(stages)
        in_order = lifecycle.run_in_order(paths, la, months, profile, force, stages, get_run_logger(), run_id)
    outcomes = []
    since = time.perf_counter()
    for n, outcome in enumerate(in_order, 1):
        publish_artifacts_safely(outcome)
        now = time.perf_counter()
        report_progress(n, len(months), outcome, now - since)
        since = now
        outcomes.append(outcome)
    return outcomes


def _pulled_in_order(
    paths: RunPaths,
    la: str,
    months: list[str],
    profile: str,
    force: bool,
    inbox: str,
    inbox_options: dict | None,
    inbox_secret: str | None,
) -> Iterator[MonthOutcome]:
    for month in months:
        try:
            yield pull_and_run(paths, la, month, profile, force, inbox, inbox_options, inbox_secret)
        except CscError as exc:
            yield MonthOutcome.failed(paths, la, month, exc)
