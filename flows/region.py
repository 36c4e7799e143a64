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
"""

from __future__ import annotations

import time
from pathlib import Path

from csc_report.flows.api import shared_api
from csc_report.flows.console import run_flow
from csc_report.flows.monthly import MonthOutcome, run_months
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect_dask import DaskTaskRunner

from csc_report import region, settings
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
    paths: RunPaths, la: str, months: list[str], profile: str, force: bool
) -> list[MonthOutcome]:
    """One authority's months in order, on the worker that was given them (flows.monthly.run_months)."""
    return run_months(paths, la, months, profile, force)


@task(name="region-report", cache_policy=NO_CACHE)
def region_report(paths: RunPaths, las: list[str], months: list[str], profile: str) -> list[Path]:
    """Rebuild the regional aggregates from the authorities' files and write the regional report."""
    return region.rebuild_and_publish(paths, las, months, profile)


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
    months = month_range(first, last)
    authorities = las or inbox_authorities(paths.inbox)
    futures = [
        authority_months.with_options(task_run_name=f"authority-{la}").submit(
            paths, la, months, profile, force
        )
        for la in authorities
    ]
    outcomes = []
    for la, future in zip(authorities, futures, strict=True):
        future.wait()
        state = future.state
        outcomes += state.result() if state.is_completed() else stopped(paths, la, months, state)
    start = time.perf_counter()
    written = region_report.submit(paths, authorities, months, profile).result()
    lines = [f"regional report: {path}" for path in written]
    lines.append(f"regional step: {time.perf_counter() - start:.2f} s")  # benchmarks/region.py reads it
    for line in lines:
        get_run_logger().info(line)
        print(line, flush=True)
    return outcomes


def run_region(address: str | None = None, workers: int = 2, **parameters) -> list[MonthOutcome]:
    """Run `region_backfill` on its Dask cluster: the task runner is chosen at call time, so the
    cluster is an argument like any other rather than fixed where the flow is defined."""
    flow_on_cluster = region_backfill.with_options(task_runner=dask_runner(address, workers))
    with shared_api():
        return run_flow(flow_on_cluster, address=address, workers=workers, **parameters)
