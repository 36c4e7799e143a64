"""Thin Prefect tasks over the plain stage functions of csc_report.pipeline.

Only one unit is cached across runs: read + validate + pseudonymise (`prepare`). Its cache key is the
name of its cache entry folder, which is the hash of the extract files, the code version, the month,
the authority and the pseudonymisation key (csc_report.pipeline.prepared_entry); the Prefect result
is stored inside that folder, beside the pseudonymised Parquet tables it points at. So a month re-run
after a later stage failed (or retried with `prefect flow-run retry`) skips reading and validating
unchanged files, and nothing that Prefect keeps holds raw, identifiable data. The other stages read
and write the warehouse and are cheap enough to repeat.

Only warehouse access is retried, and only for a busy warehouse file (another process holds DuckDB's
lock), never for bad data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from csc_report import pipeline

WAREHOUSE_RETRIES = dict(retries=3, retry_delay_seconds=[2, 5, 10])
WRITER = ["duckdb-writer"]  # a tag concurrency limit on it serialises writers across machines too


def _is_lock_conflict(_task, _run, state) -> bool:
    """Retry only when DuckDB reports another process holding the warehouse lock."""
    try:
        state.result()
    except duckdb.IOException as exc:
        return "lock" in str(exc).lower()
    except Exception:
        return False
    return False


def _entry_name(_context, parameters) -> str:
    """The cache key: the entry folder is named by the hash of everything the prepared data depend on."""
    return Path(parameters["entry"]).name


def timed(fn: Callable) -> Callable:
    """Return (value, seconds) so the flow can put each stage's own time in run.json."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        return value, time.perf_counter() - start

    return wrapper


discover = task(name="discover", cache_policy=NO_CACHE)(timed(pipeline.discover))
prepare = task(
    name="read-validate-pseudonymise",
    cache_key_fn=_entry_name,
    persist_result=True,
    cache_result_in_memory=False,
)(pipeline.prepare)
load = task(
    name="load", cache_policy=NO_CACHE, retry_condition_fn=_is_lock_conflict, tags=WRITER, **WAREHOUSE_RETRIES
)(timed(pipeline.load))
compute = task(
    name="indicators",
    cache_policy=NO_CACHE,
    retry_condition_fn=_is_lock_conflict,
    tags=WRITER,
    **WAREHOUSE_RETRIES,
)(timed(pipeline.compute))
publish = task(
    name="publish", cache_policy=NO_CACHE, retry_condition_fn=_is_lock_conflict, **WAREHOUSE_RETRIES
)(timed(pipeline.publish))
