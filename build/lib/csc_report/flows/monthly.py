"""The monthly report flow and the backfill flow that runs a range of months in order.

Both compose the same tasks through `run_month`; backfill does so inside one flow run rather than one
sub-flow per month, because each flow run carries about a second of engine overhead.

A month whose inputs, code and earlier snapshots are unchanged since its last completed run is skipped
(flow state "Skipped"); `force` recomputes it, cache included. A month whose extract has not arrived
(after waiting for it, in a scheduled run: flows/arrival.py) ends in the Failed state "AwaitingData",
whose message says which folder is missing. A URL inbox is pulled into a staging folder first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from csc_report.flows import arrival, tasks
from csc_report.flows.artifacts import publish_artifacts
from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from csc_report import pipeline, rerun, settings, sources
from csc_report.errors import CscError, ExtractMissing
from csc_report.lock import CacheEntryUse, warehouse_lock
from csc_report.months import months_between, parse_month, previous_month
from csc_report.settings import RunPaths


@dataclass
class MonthOutcome:
    """What one month's run ended with; the CLI prints it and backfill reports a list of them."""

    la_code: str
    month: str
    status: str  # "done" | "skipped" | "awaiting data" | "failed"
    message: str
    output_dir: str
    indicators: int = 0

    @classmethod
    def failed(cls, paths: RunPaths, la: str, month: str, exc: CscError) -> MonthOutcome:
        """A month that stopped; one whose extract has not arrived is awaiting data, not failed."""
        status = "awaiting data" if isinstance(exc, ExtractMissing) else "failed"
        return cls(la, month, status, str(exc), str(paths.output_dir(la, month)))


@dataclass
class PendingMonth:
    """A month that is due: found in the inbox and fingerprinted, waiting to be prepared and then finished.

    The two halves are apart so that region mode can prepare many months at once on other processes
    (preparing touches no warehouse) and still finish them one at a time, in order.
    """

    la: str
    month: str
    record: pipeline.RunRecord
    files: list[Path]
    entry: Path
    use: CacheEntryUse  # keeps the entry from being deleted by another run of the month until finished

    def prepare(self, paths: RunPaths, force: bool, submit: bool = False):
        """Run the cached prepare task here (returning its state) or submit it to the flow's task runner
        (returning its future)."""
        aliases = paths.inbox / self.la / "aliases.yaml"
        task = tasks.prepare.with_options(result_storage=self.entry, refresh_cache=force)
        args = (
            self.files,
            aliases if aliases.exists() else None,
            self.la,
            self.month,
            paths.resolved_key_file(),
            self.entry,
            paths.output_dir(self.la, self.month),
        )
        return task.submit(*args) if submit else task(*args, return_state=True)


def start_month(
    paths: RunPaths, la: str, month: str, profile: str, force: bool, pulled: list[dict] | None = None
) -> PendingMonth | MonthOutcome:
    """Discover the month's files and decide whether it needs running: a skipped outcome if it is
    already done (and not forced), else the pending month with its cache entry. `pulled` describes
    the files copied from a remote inbox, for run.json."""
    record = pipeline.RunRecord(la, month, str(flow_run.get_id() or ""), profile, sources=pulled or [])
    out_dir = paths.output_dir(la, month)
    try:
        files, record.timings["discover"] = tasks.discover(paths, la, month)
        record.inputs = rerun.month_inputs(paths, la, month)
        done = None if force else rerun.already_done(paths, la, month, profile, record.inputs)
        if done:
            get_run_logger().info(done)
            return MonthOutcome(la, month, "skipped", done, str(out_dir))
        entry = pipeline.prepared_entry(paths, la, month, files, record.inputs)
        return PendingMonth(la, month, record, files, entry, CacheEntryUse(entry))
    except CscError as exc:
        record.finish("failed", str(exc), out_dir)
        raise
    except Exception as exc:
        failure = tasks.unexpected("start", paths.month_dir(la, month), la, month, exc)
    record.finish("failed", str(failure), out_dir)
    raise failure


def finish_month(
    paths: RunPaths, pending: PendingMonth, prepared_state, profile: str, force: bool = False
) -> MonthOutcome:
    """Load, compute and publish a prepared month under the warehouse's writer lock, and record the run.

    Under the lock it first asks again whether the month is done: another run of it may have finished
    while this one waited, and unless forced this one then has nothing to do. A data error (in
    preparing or here) is recorded in run.json and re-raised, so the flow run ends Failed with the
    one-line message that names file, sheet, row and rule. The month's cache entry goes once the month
    is done and no other run still holds it.
    """
    logger = get_run_logger()
    la, month, record, entry = pending.la, pending.month, pending.record, pending.entry
    out_dir = paths.output_dir(la, month)
    waited = []

    def on_wait(message: str) -> None:
        waited.append(message)
        logger.warning(message)

    finished = False
    try:
        prepared = prepared_state.result()
        record.use_prepared(prepared, cached=prepared_state.name == "Cached")
        logger.info(
            "%s %s: %d rows, %d issues%s",
            la,
            month,
            sum(prepared.row_counts.values()),
            len(prepared.issues),
            " (read and validated by an earlier run)" if record.reused else "",
        )
        with warehouse_lock(paths.warehouse, timeout=settings.lock_timeout(), on_wait=on_wait):
            done = not force and rerun.already_done(paths, la, month, profile, record.inputs, locked=True)
            if done:
                message = f"done by another run while this one waited: {done}" if waited else done
                logger.info(message)
                finished = True
                return MonthOutcome(la, month, "skipped", message, str(out_dir))
            _, record.timings["load"] = tasks.load(paths, la, month, prepared, entry, record.run_id)
            count, record.timings["indicators"] = tasks.compute(paths, la, month)
            _, record.timings["publish"] = tasks.publish(paths, la, month, prepared.issues, entry, profile)
            message = f"{count} indicators published"
            record.finish("done", message, out_dir, paths.warehouse)
        finished = True
    except CscError as exc:
        record.finish("failed", str(exc), out_dir)
        raise
    except Exception as exc:
        failure = tasks.unexpected("finish", out_dir, la, month, exc)
    finally:
        pending.use.release(delete=(lambda: pipeline.forget_prepared(entry)) if finished else None)
    if not finished:
        record.finish("failed", str(failure), out_dir)
        raise failure
    try:
        publish_artifacts(la, month, out_dir)
    except Exception as exc:  # the month is done: only its summary in the Prefect UI is missing
        logger.warning("%s %s: artifacts not published:\n%s", la, month, tasks.safe_traceback(exc))
    return MonthOutcome(la, month, "done", message, str(out_dir), count)


def run_month(
    paths: RunPaths,
    la: str,
    month: str,
    profile: str = "public",
    force: bool = False,
    pulled: list[dict] | None = None,
) -> MonthOutcome:
    """Discover, prepare (cached), then load, compute and publish under the warehouse's writer lock."""
    pending = start_month(paths, la, month, profile, force, pulled)
    if isinstance(pending, MonthOutcome):
        return pending
    return finish_month(paths, pending, pending.prepare(paths, force), profile, force)


def report_progress(n: int, total: int, outcome: MonthOutcome) -> None:
    """One line per month: to the terminal's progress display and, as a log line, to the Prefect UI."""
    line = f"[{n}/{total}] {outcome.la_code} {outcome.month}: {outcome.status} - {outcome.message}"
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
    on_completion=[arrival.notify_hook],
)
def monthly_report(
    la: str,
    inbox: str,
    month: str | None = None,
    warehouse: str = "warehouse/csc.duckdb",
    outputs: str = "outputs",
    key_file: str | None = None,
    profile: str = "public",
    force: bool = False,
    inbox_options: dict | None = None,
    inbox_secret: str | None = None,
    wait: bool | None = None,
    check_interval: float = arrival.DEFAULT_CHECK_INTERVAL,
    grace_working_days: float = arrival.DEFAULT_GRACE_WORKING_DAYS,
    settle_seconds: float = arrival.DEFAULT_SETTLE_SECONDS,
    notify: list[str] | None = None,
    notify_success: bool = False,
):
    """One authority's report for one month, from its inbox (a folder or a URL) to published outputs.

    Without a month (the scheduled run) it reports the previous calendar month and, unless `wait` says
    otherwise, waits for a late extract: re-checking every `check_interval` seconds for
    `grace_working_days`, and reading files only once unchanged for `settle_seconds` (flows.arrival).
    A run by hand checks once. Returns the MonthOutcome, in a "Skipped" state when there was nothing
    to do or "AwaitingData" when the extract has not arrived. `notify` names the Prefect blocks told
    of a failure, of "AwaitingData" and, with `notify_success`, of the report's location.
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
                settle_seconds=settle_seconds,
            )
            outcome = pull_and_run(
                paths, la, month, profile, force, inbox, inbox_options, inbox_secret, **waiting
            )
        else:
            outcome = run_month(replace(paths, inbox=Path(inbox)), la, month, profile, force)
    except ExtractMissing as exc:
        return Failed(name="AwaitingData", message=str(exc), data=exc)
    if outcome.status == "skipped":
        return Completed(name="Skipped", message=outcome.message, data=outcome)
    return outcome


@flow(name="backfill")
def backfill(
    la: str,
    first: str,
    last: str,
    inbox: str,
    warehouse: str = "warehouse/csc.duckdb",
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
    inbox is pulled a month at a time, without waiting."""
    paths = RunPaths(Path(inbox), Path(warehouse), Path(outputs), Path(key_file) if key_file else None)
    months = months_between(parse_month(first), parse_month(last))
    outcomes = []
    for n, month in enumerate(months, 1):
        try:
            if sources.is_url(inbox):
                outcomes.append(
                    pull_and_run(paths, la, month, profile, force, inbox, inbox_options, inbox_secret)
                )
            else:
                outcomes.append(run_month(paths, la, month, profile, force))
        except CscError as exc:
            outcomes.append(MonthOutcome.failed(paths, la, month, exc))
        report_progress(n, len(months), outcomes[-1])
    return outcomes
