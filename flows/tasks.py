"""Thin Prefect tasks over the plain stage functions of csc_report.pipeline.

Results are not cached across runs here: every stage hands large Arrow tables to the next in memory,
and hashing them for cache keys would cost more than it saves. Only warehouse access is retried, and
only for a busy warehouse file (another writer holds DuckDB's lock), never for bad data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from csc_report import pipeline


def _is_lock_conflict(_task, _run, state) -> bool:
    """Retry only when DuckDB reports another process holding the warehouse lock."""
    try:
        state.result()
    except duckdb.IOException as exc:
        return "lock" in str(exc).lower()
    except Exception:
        return False
    return False


def timed(fn: Callable) -> Callable:
    """Return (value, seconds) so the flow can put each stage's own time in run.json."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        return value, time.perf_counter() - start

    return wrapper


discover = task(name="discover", cache_policy=NO_CACHE)(timed(pipeline.discover))
read = task(name="read", cache_policy=NO_CACHE)(timed(pipeline.read))
validate = task(name="validate", cache_policy=NO_CACHE)(timed(pipeline.validate))
load = task(
    name="load",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=[2, 5, 10],
    retry_condition_fn=_is_lock_conflict,
    tags=["duckdb-writer"],
)(timed(pipeline.load))
compute = task(
    name="indicators",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=[2, 5, 10],
    retry_condition_fn=_is_lock_conflict,
    tags=["duckdb-writer"],
)(timed(pipeline.compute))
publish = task(name="publish", cache_policy=NO_CACHE)(timed(pipeline.publish))
