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

Anything unexpected inside a stage (a bug, or an input nobody foresaw) leaves the stage as StageFailed:
one line naming the stage, the file and the month, which the CLI prints instead of a traceback. The
traceback itself goes to the Prefect log with its frames and exception types but without the exception
messages, which may quote a cell of the extract (a name, a date of birth). CSC_REPORT_DEBUG=1 keeps the
original exception chained, so the CLI can show it in full.
"""

from __future__ import annotations

import inspect
import os
import time
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import duckdb
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from csc_report import pipeline
from csc_report.errors import CscError, StageFailed, WarehouseBusy

WAREHOUSE_RETRIES = dict(retries=3, retry_delay_seconds=[2, 5, 10])
WRITER = ["duckdb-writer"]  # a tag concurrency limit on it serialises writers across machines too


def _is_lock_conflict(_task, _run, state) -> bool:
    """Retry only when DuckDB reports another process holding the warehouse lock."""
    try:
        state.result()
    except WarehouseBusy:
        return True
    except Exception:
        return False
    return False


def safe_traceback(exc: BaseException) -> str:
    """The traceback's frames and exception types, chained causes included, without any message."""
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
        name = f"{type(exc).__module__}.{type(exc).__qualname__}"
        parts.append(f"Traceback (most recent call last):\n{frames}{name}")
        exc = exc.__cause__ or exc.__context__
    return "\n\nwhile handling:\n".join(reversed(parts))


def unexpected(stage: str, where, la: str, month: str, exc: Exception) -> CscError:
    """The one-line error for an unexpected exception in `stage`; its safe traceback goes to the log.

    A DuckDB lock conflict is not unexpected: another program holds the warehouse (WarehouseBusy, retried).
    Raise the result outside the `except` block: raised inside, it would carry the original exception,
    message and all, as its context, and Prefect logs the context.
    """
    if isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower():
        return WarehouseBusy(str(exc).splitlines()[0])
    get_run_logger().error("%s failed for %s %s at %s:\n%s", stage, la, month, where, safe_traceback(exc))
    failure = StageFailed(
        f"{where}: {stage} failed for {la} {month} ({type(exc).__name__}); "
        "run with CSC_REPORT_DEBUG=1 for details"
    )
    failure.__cause__ = exc if os.environ.get("CSC_REPORT_DEBUG") else None
    failure.__suppress_context__ = True
    return failure


def guarded(stage: str, where: Callable[[dict], object]) -> Callable[[Callable], Callable]:
    """Turn anything but a CscError raised by the stage into `unexpected`'s one line; `where` picks the
    file to name from the call's arguments."""

    def wrap(fn: Callable) -> Callable:
        signature = inspect.signature(fn)

        @wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except CscError:
                raise
            except Exception as exc:
                call = signature.bind(*args, **kwargs).arguments
                failure = unexpected(stage, where(call), call["la"], call["month"], exc)
            raise failure  # outside the handler, so the original is not its context (nor in the log)

        return wrapper

    return wrap


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


def _month_dir(call: dict) -> Path:
    return call["paths"].month_dir(call["la"], call["month"])


def _files(call: dict) -> str:
    files = [Path(f) for f in call["files"]]
    return f"{files[0].parent}/{{{', '.join(f.name for f in files)}}}" if files else "(no files)"


def _warehouse(call: dict) -> Path:
    return call["paths"].warehouse


def _outputs(call: dict) -> Path:
    return call["paths"].output_dir(call["la"], call["month"])


discover = task(name="discover", cache_policy=NO_CACHE)(
    timed(guarded("discover", _month_dir)(pipeline.discover))
)
prepare = task(
    name="read-validate-pseudonymise",
    cache_key_fn=_entry_name,
    persist_result=True,
    cache_result_in_memory=False,
)(guarded("read-validate-pseudonymise", _files)(pipeline.prepare))
load = task(
    name="load", cache_policy=NO_CACHE, retry_condition_fn=_is_lock_conflict, tags=WRITER, **WAREHOUSE_RETRIES
)(timed(guarded("load", _warehouse)(pipeline.load)))
compute = task(
    name="indicators",
    cache_policy=NO_CACHE,
    retry_condition_fn=_is_lock_conflict,
    tags=WRITER,
    **WAREHOUSE_RETRIES,
)(timed(guarded("indicators", _warehouse)(pipeline.compute)))
publish = task(
    name="publish", cache_policy=NO_CACHE, retry_condition_fn=_is_lock_conflict, **WAREHOUSE_RETRIES
)(timed(guarded("publish", _outputs)(pipeline.publish)))
