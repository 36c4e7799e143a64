"""Region mode: many authorities at once, each authority's whole chain of months on one Dask worker.

Each authority has its own warehouse file (`<warehouse>/<la>.duckdb`) with its own writer, so nothing
makes two authorities wait for each other: an authority's months (read, validate, pseudonymise, load,
indicators, publish, in month order, because each month's history is built from the snapshots loaded
before it) go to a worker as one task, `authority-months`, through prefect-dask's DaskTaskRunner: a local
cluster of single-threaded worker processes by default (the work is CPU-bound Python; threads would share
one GIL), or an existing cluster by its address. The flow's own process only submits the authorities and
collects their outcomes. Once all have finished, one more task rebuilds the regional aggregates
(`<warehouse>/region.duckdb`) from the authorities' published figures and writes the regional report
(csc_report.region).

On a remote cluster the inbox, the warehouse folder (with its cache) and the key file must be on a
filesystem that the workers share with the flow: tasks exchange file paths and outcomes, never data.
So the paths are made absolute here, where the command runs, the key is checked (and created, for an
empty warehouse) here and nowhere else, and each worker checks that it sees the same (csc_report.cluster)
before its first month; one that does not stops the run (exit 2). A worker lost mid-authority has its
task run again by Dask on another worker: months it finished are skipped, the rest run.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

from csc_report.flows.api import shared_api
from csc_report.flows.console import run_flow
from csc_report.flows.monthly import MonthOutcome, run_months
from distributed import get_worker
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect_dask import DaskTaskRunner

from csc_report import cluster, key_guard, region, settings
from csc_report.errors import UsageError
from csc_report.months import month_range
from csc_report.settings import RunPaths

REFERENCE = "reference"


def inbox_authorities(inbox: Path) -> list[str]:
    """Every authority folder in the inbox (all but `reference`), in order."""
    return sorted(
        p.name
        for p in Path(inbox).iterdir()
        if p.is_dir() and p.name != REFERENCE and not p.name.startswith(".")
    )


def dask_runner(address: str | None = None, workers: int = 2) -> DaskTaskRunner:
    """The existing cluster at `address`, or a local cluster of `workers` single-threaded processes."""
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,  # nothing to serve it to, and no port to clash over
        }
    )


@task(name="authority-months", cache_policy=NO_CACHE)
def authority_months(
    paths: RunPaths, la: str, months: list[str], profile: str, force: bool, fingerprint: str
) -> list[MonthOutcome]:
    """One authority's months in order, on the worker that was given them (flows.monthly.run_months),
    once the worker has checked that it sees the run's paths and key (`fingerprint`)."""
    cluster.check_worker(paths, fingerprint, cluster.worker_host(get_worker().address))
    return run_months(paths, la, months, profile, force)


@task(name="region-report", cache_policy=NO_CACHE)
def region_report(paths: RunPaths, las: list[str], months: list[str], profile: str) -> list[Path]:
    """Rebuild the regional aggregates from the authorities' files and write the regional report."""
    return region.rebuild_and_publish(paths, las, months, profile)


def done_in_this_run(outcome: MonthOutcome, run_id: str) -> MonthOutcome:
    """A month skipped as already done by this same flow run (`run_id`, in its run.json): a worker
    finished it and was lost before its authority's last month, and Dask ran the authority again on
    another worker. It is done, as in a run that lost no worker."""
    if outcome.status != "skipped":
        return outcome
    try:
        record = json.loads((Path(outcome.output_dir) / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return outcome
    if record.get("status") != "done" or record.get("flow_run_id") != run_id:
        return outcome
    return replace(outcome, status="done", message=f"{record['message']} (by a worker lost later)")


def stopped(paths: RunPaths, la: str, months: list[str], state) -> list[MonthOutcome]:
    """Every month of an authority whose task did not finish (its worker died, say): failed, saying so."""
    message = f"the authority's task ended {state.name}: {state.message or 'no message'}"
    return [MonthOutcome(la, m, "failed", message, str(paths.output_dir(la, m))) for m in months]


@flow(name="region-backfill")
def region_backfill(
    inbox: str,
    las: list[str] | None,
    first: str,
    last: str,
    warehouse: str = str(settings.DEFAULT_WAREHOUSE),
    outputs: str = str(settings.DEFAULT_OUTPUTS),
    key_file: str | None = None,
    profile: str = "public",
    force: bool = False,
    address: str | None = None,
    workers: int = 2,
) -> list[MonthOutcome]:
    """Every month from `first` to `last` of each authority (default: all in the inbox), skipping those
    already done; a failed month is reported and the authority's later months and the other authorities
    go on, as in backfill. Then the regional report of every month in the range.

    `address` and `workers` are the cluster the task runner was given (see `run_region`); they are
    parameters so that the flow run records where it ran.
    """
    paths = RunPaths(Path(inbox), Path(warehouse), Path(outputs), Path(key_file) if key_file else None)
    paths = paths.absolute()  # the workers' working folders, and machines, are not this one's
    months = month_range(first, last)
    if not paths.inbox.is_dir():
        raise UsageError(f"{paths.inbox}: no such inbox folder")
    authorities = las or inbox_authorities(paths.inbox)
    fingerprint = run_key(paths, authorities)
    futures = [
        authority_months.with_options(task_run_name=f"authority-{la}").submit(
            paths, la, months, profile, force, fingerprint
        )
        for la in authorities
    ]
    outcomes, refused = [], []
    for la, future in zip(authorities, futures, strict=True):
        future.wait()
        state = future.state
        if state.is_completed():
            outcomes += [done_in_this_run(o, str(flow_run.get_id())) for o in state.result()]
            continue
        error = state.result(raise_on_failure=False)
        if isinstance(error, UsageError):  # a worker without the paths, or a key that is not the file's
            refused.append(error)
        outcomes += stopped(paths, la, months, state)
    if refused:
        raise refused[0]
    start = time.perf_counter()
    written = region_report.submit(paths, authorities, months, profile).result()
    lines = [f"regional report: {path}" for path in written]
    lines.append(f"regional step: {time.perf_counter() - start:.2f} s")  # benchmarks/region.py reads it
    for line in lines:
        get_run_logger().info(line)
        print(line, flush=True)
    return outcomes


def run_key(paths: RunPaths, authorities: list[str]) -> str:
    """The fingerprint of the run's key, checked against every authority's file before any task is sent
    (csc_report.key_guard). Authorities with a file come first, so a missing key is refused for a file
    that holds children rather than created for a new one."""
    key = b""
    for la in sorted(authorities, key=lambda la: not paths.warehouse_file(la).is_file()):
        key = key_guard.ensure_key(paths, la, get_run_logger())
    paths.warehouse.mkdir(parents=True, exist_ok=True)  # each worker checks that it sees it
    return key_guard.key_fingerprint(key) if key else ""


def run_region(address: str | None = None, workers: int = 2, **parameters) -> list[MonthOutcome]:
    """Run `region_backfill` on its Dask cluster: the task runner is chosen at call time, so the
    cluster is an argument like any other rather than fixed where the flow is defined."""
    flow_on_cluster = region_backfill.with_options(task_runner=dask_runner(address, workers))
    with shared_api():
        return run_flow(flow_on_cluster, address=address, workers=workers, **parameters)
