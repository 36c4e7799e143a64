"""Region mode: many authorities' months at once, prepared on a Dask cluster, loaded by one writer.

Preparing a month (read, validate, pseudonymise, write Parquet into its cache entry) touches no
warehouse, so the (authority, month) units fan out over prefect-dask's DaskTaskRunner: a local cluster
of single-threaded worker processes by default (the work is CPU-bound Python; threads would share one
GIL), or an existing cluster by its address. DuckDB allows one writer per file, so the flow itself then
finishes the months one at a time, in order per authority, because each month's history is built from
the snapshots loaded before it. Finishing overlaps with the preparing of later units.

On a remote cluster the inbox, the key file and the cache folder beside the warehouse must be on a
filesystem that the workers share with the flow: units exchange file paths, never data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from csc_report.flows import tasks
from csc_report.flows.console import run_flow
from csc_report.flows.monthly import MonthOutcome, finish_month, report_progress, start_month
from prefect import flow
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect_dask import DaskTaskRunner

from csc_report import settings
from csc_report.errors import CscError
from csc_report.months import months_between, parse_month
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
    already done; a failed month is reported and the rest go on, as in backfill.

    `address` and `workers` are the cluster the task runner was given (see `run_region`); they are
    parameters so that the flow run records where it ran.
    """
    paths = RunPaths(Path(inbox), Path(warehouse), Path(outputs), Path(key_file) if key_file else None)
    months = months_between(parse_month(first), parse_month(last))
    authorities = las or inbox_authorities(paths.inbox)
    outcomes: dict[tuple[str, str], MonthOutcome] = {}
    submitted = {}
    for la in authorities:
        # Loading a month changes the history of every later one, so after the first month that is due
        # the rest of the authority's months are due too, whatever the warehouse says now.
        due = force
        for month in months:
            try:
                start = start_month(paths, la, month, profile, force=due)
            except CscError as exc:
                outcomes[la, month] = MonthOutcome.failed(paths, la, month, exc)
                continue
            if isinstance(start, MonthOutcome):
                outcomes[la, month] = start
                continue
            due = True
            submitted[la, month] = start, tasks.prepare_month(paths, start, force, submit=True)
    total = len(authorities) * len(months)
    for n, (la, month) in enumerate(((la, m) for la in authorities for m in months), 1):
        if (la, month) in submitted:
            pending, future = submitted[la, month]
            future.wait()
            try:
                outcomes[la, month] = finish_month(paths, pending, future.state, profile, force)
            except CscError as exc:
                outcomes[la, month] = MonthOutcome.failed(paths, la, month, exc)
        report_progress(n, total, outcomes[la, month])
    return [outcomes[la, month] for la in authorities for month in months]


@contextmanager
def shared_api() -> Iterator[None]:
    """Make the Dask workers report to the flow's own Prefect API.

    With no server configured, Prefect starts a temporary one in each process that needs it: each Dask
    worker would start its own (seconds apiece) and keep its task runs from the flow's. So the process's
    temporary server is started here and its address handed on in the settings that prefect-dask ships
    to the workers with each task; Prefect stops it when the process exits, as it always does.
    """
    if PREFECT_API_URL.value():
        yield
        return
    server = SubprocessASGIServer()
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def run_region(address: str | None = None, workers: int = 2, **parameters) -> list[MonthOutcome]:
    """Run `region_backfill` on its Dask cluster: the task runner is chosen at call time, so the
    cluster is an argument like any other rather than fixed where the flow is defined."""
    flow_on_cluster = region_backfill.with_options(task_runner=dask_runner(address, workers))
    with shared_api():
        return run_flow(flow_on_cluster, address=address, workers=workers, **parameters)
