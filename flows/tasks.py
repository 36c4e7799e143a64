"""Thin Prefect tasks over the plain stage functions of csc_report.pipeline, for csc_report.month's
lifecycle (flows/monthly.py hands them to it as its Stages).

Only one unit is cached across runs: read + validate + pseudonymise (`prepare`). Its cache key is the
name of its cache entry folder, which is the hash of the extract files, the code version, the month,
the authority and the pseudonymisation key (csc_report.prepared_cache.prepared_entry); the Prefect result
is stored inside that folder, beside the pseudonymised Parquet tables it points at. So a month re-run
after a later stage failed (or retried with `prefect flow-run retry`) skips reading and validating
unchanged files, and nothing that Prefect keeps holds raw, identifiable data. The other stages read
and write the warehouse and are cheap enough to repeat.

Only warehouse access is retried, and only for a busy warehouse file (another process holds DuckDB's
lock), never for bad data.

The writing tasks (load, indicators) carry the `duckdb-writer` tag only where Prefect holds a concurrency
limit on it (`writer_tagged`): for a tagged task Prefect asks its API for slots whether or not a limit
exists, and that cost 0.4-0.7 s a task, two a month, for nothing.

Anything unexpected inside a stage leaves the stage as StageFailed, one line naming the stage, the file
and the month (csc_report.month.guarded); the message-free traceback goes to the Prefect run's log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from csc_report import month as month_
from csc_report import pipeline
from csc_report.errors import WarehouseBusy

WAREHOUSE_RETRIES = dict(retries=3, retry_delay_seconds=[2, 5, 10])
WRITER = "duckdb-writer"  # a tag concurrency limit on it serialises writers across machines too


def _is_lock_conflict(_task, _run, state) -> bool:
    """Retry only when DuckDB reports another process holding the warehouse lock."""
    try:
        state.result()
    except WarehouseBusy:
        return True
    except Exception:
        return False
    return False


def guarded(stage: str, where: Callable[[dict], object], writing=None) -> Callable[[Callable], Callable]:
    """csc_report.month.guarded, logging to the Prefect run's log."""
    return month_.guarded(stage, where, get_run_logger, writing)


def _entry_name(_context, parameters) -> str:
    """The cache key: the entry folder is named by the hash of everything the prepared data depend on."""
    return Path(parameters["entry"]).name


discover = task(name="discover", cache_policy=NO_CACHE)(
    month_.timed(guarded("discover", month_.month_dir)(pipeline.discover))
)
prepare = task(
    name="read-validate-pseudonymise",
    cache_key_fn=_entry_name,
    persist_result=True,
    cache_result_in_memory=False,
)(guarded("read-validate-pseudonymise", month_.files_named, month_.cache_entry)(pipeline.prepare))
load = task(name="load", cache_policy=NO_CACHE, retry_condition_fn=_is_lock_conflict, **WAREHOUSE_RETRIES)(
    month_.timed(guarded("load", month_.warehouse_file)(pipeline.load))
)
compute = task(
    name="indicators",
    cache_policy=NO_CACHE,
    retry_condition_fn=_is_lock_conflict,
    **WAREHOUSE_RETRIES,
)(month_.timed(guarded("indicators", month_.warehouse_file)(pipeline.compute)))
publish = task(
    name="publish", cache_policy=NO_CACHE, retry_condition_fn=_is_lock_conflict, **WAREHOUSE_RETRIES
)(month_.timed(guarded("publish", month_.outputs_dir)(pipeline.publish)))


def prepared(state) -> month_.PreparedResult:
    """The prepared month in a finished prepare task's state (its error, raised when asked for)."""
    return lambda: (state.result(), state.name == "Cached")


def _prepare_task(pending: month_.PendingMonth, force: bool):
    """The cached prepare task for this month: its result is stored in the month's cache entry; `force`
    refreshes it."""
    return prepare.with_options(result_storage=pending.entry, refresh_cache=force)


def prepare_month(paths, pending: month_.PendingMonth, force: bool) -> month_.PreparedResult:
    """Run the cached prepare task here and now."""
    return prepared(_prepare_task(pending, force)(*pending.prepare_args(paths), return_state=True))


def submit_prepare(paths, pending: month_.PendingMonth, force: bool) -> month_.PreparedResult:
    """Submit the cached prepare task to the flow's task runner (backfill's runs it on one of its
    preparing processes) and return at once: the month is prepared while the month before it loads and
    publishes."""
    future = _prepare_task(pending, force).submit(*pending.prepare_args(paths))

    def result() -> tuple:
        future.wait()
        return prepared(future.state)()

    return result


STAGES = month_.Stages(
    discover=discover,
    prepare=prepare_month,
    prepare_in_order=prepare_month,
    load=load,
    compute=compute,
    publish=publish,
)
# backfill's: its months are prepared on the flow's pool of PREPARERS processes (flows/monthly.py), two
# at once while the flow's own process finishes the month before them. Preparing (reading, checking,
# Data Docs) takes about twice as long as finishing (load, indicators, publish), so with one preparer
# the flow's process sat idle a third of a backfill. The first month goes to the pool too: prepared in
# the flow's process, it kept the pool from starting until it was done, and made that process import GX.
PREPARERS = 2
BACKFILL_STAGES = replace(STAGES, prepare_in_order=submit_prepare, ahead=PREPARERS)


def writer_limited() -> bool:
    """Whether Prefect holds a concurrency limit on the `duckdb-writer` tag: the global limit
    `tag:duckdb-writer` that its task engine acquires for a tagged task (and that `prefect
    concurrency-limit create duckdb-writer 1` makes)."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(f"tag:{WRITER}")
        except ObjectNotFound:
            return False
    return True


def writer_tagged(stages: month_.Stages) -> month_.Stages:
    """`stages` with its load and indicators tasks tagged `duckdb-writer` where a concurrency limit on that
    tag exists, so that the limit serialises them; else as they are. Asked once per run: a limit created
    while a run goes on applies from the next."""
    if not writer_limited():
        return stages
    tag = {id(load): load.with_options(tags={WRITER}), id(compute): compute.with_options(tags={WRITER})}
    return replace(
        stages,
        load=tag.get(id(stages.load), stages.load),
        compute=tag.get(id(stages.compute), stages.compute),
    )
