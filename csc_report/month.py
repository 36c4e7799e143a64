"""One month's lifecycle as plain Python: skip when done, writer lock, stages, re-check, run record and
the clean-up of the month's cache entry.

Each stage is a callable (`Stages`), so `flows/` passes its Prefect tasks (cached prepare, retried
warehouse stages) and its run logger, while tests and plain callers run the stage functions of
csc_report.pipeline directly, through the same chain and in the same order. The month is split in two
halves, `start_month` (is it due?) and `finish_month` (under the authority's writer lock).

Anything unexpected inside a stage (a bug, or an input nobody foresaw) becomes StageFailed: one line
naming the stage, the file and the month; a failure of the machine (no space, a damaged warehouse
file) names its cause, path and remedy instead (csc_report.failures). The traceback goes to the log
with its frames and exception types but without the exception messages, which may quote a cell of the
extract (a name, a date of birth). CSC_REPORT_DEBUG=1 keeps the original exception chained.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from csc_report import fingerprints, key_guard, pipeline, prepared_cache, run_record, settings
from csc_report.authority_config import config_path, load_authority_config
from csc_report.errors import CscError, ExtractMissing, KeyRefused
from csc_report.failures import safe_traceback, unexpected  # noqa: F401 (flows/monthly.py uses it)
from csc_report.lock import CacheEntryUse, warehouse_lock
from csc_report.publish.report import published_summary
from csc_report.settings import RunPaths
from csc_report.shrinkage import with_shrunken_lists
from csc_report.split import split_single_file

LOG = logging.getLogger("csc_report")


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


# --- unexpected failures --------------------------------------------------------------------------


def guarded(
    stage: str,
    where: Callable[[dict], object],
    logger: Callable[[], logging.Logger] = lambda: LOG,
    writing: Callable[[dict], object] | None = None,
) -> Callable[[Callable], Callable]:
    """Turn anything but a CscError raised by the stage into `unexpected`'s one line; `where` picks the
    file to name from the call's arguments, `writing` (default `where`) the place the stage writes, for
    a failure of the machine; `logger` gives the log to write the traceback to (asked for at the time
    of the failure: Prefect's run logger exists only inside a run)."""

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
                target = (writing or where)(call)
                failure = unexpected(stage, where(call), call["la"], call["month"], exc, logger(), target)
            raise failure  # outside the handler, so the original is not its context (nor in the log)

        return wrapper

    return wrap


def timed(fn: Callable) -> Callable:
    """Return (value, seconds) so that each stage's own time goes in run.json."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        return value, time.perf_counter() - start

    return wrapper


def month_dir(call: dict) -> Path:
    return call["paths"].month_dir(call["la"], call["month"])


def files_named(call: dict) -> str:
    files = [Path(f) for f in call["files"]]
    return f"{files[0].parent}/{{{', '.join(f.name for f in files)}}}" if files else "(no files)"


def cache_entry(call: dict) -> Path:
    return Path(call["entry"])


def warehouse_file(call: dict) -> Path:
    return call["paths"].warehouse_file(call["la"])


def outputs_dir(call: dict) -> Path:
    return call["paths"].output_dir(call["la"], call["month"])


# --- stages ---------------------------------------------------------------------------------------


@dataclass
class PendingMonth:
    """A month that is due: found in the inbox and fingerprinted, waiting to be prepared and then finished."""

    la: str
    month: str
    record: run_record.RunRecord
    files: list[Path]
    entry: Path
    use: CacheEntryUse  # keeps the entry from being deleted by another run of the month until finished

    def prepare_args(self, paths: RunPaths) -> tuple:
        """The arguments of pipeline.prepare for this month."""
        aliases = paths.inbox / self.la / "aliases.yaml"
        return (
            self.files,
            aliases if aliases.exists() else None,
            self.la,
            self.month,
            paths.resolved_key_file(),
            self.entry,
            paths.output_dir(self.la, self.month),
            config_path(paths.inbox, self.la),
        )


# The prepared month as finish_month asks for it: (Prepared, whether it came from an earlier run's
# cache). Called inside finish_month, so that a failure to prepare is recorded like any other.
PreparedResult = Callable[[], tuple[prepared_cache.Prepared, bool]]


def _plain_prepare(paths: RunPaths, pending: PendingMonth, force: bool) -> PreparedResult:
    prepare = guarded("read-validate-pseudonymise", files_named, writing=cache_entry)(pipeline.prepare)
    return lambda: (prepare(*pending.prepare_args(paths)), False)


@dataclass
class Stages:
    """The stages a month runs through. Each but prepare returns (value, seconds); prepare returns a
    PreparedResult. The defaults are the plain functions of csc_report.pipeline, guarded and timed."""

    discover: Callable[..., tuple[list[Path], float]] = timed(
        guarded("discover", month_dir)(pipeline.discover)
    )
    prepare: Callable[[RunPaths, PendingMonth, bool], PreparedResult] = _plain_prepare
    # how `run_in_order` prepares its months, the first as much as those started early: Prefect's
    # backfill hands each to one of its preparing processes, so that a month is prepared while the month
    # before it loads and publishes, and the pool starts with the run rather than after its first month
    prepare_in_order: Callable[[RunPaths, PendingMonth, bool], PreparedResult] = _plain_prepare
    # how many months after the one being finished are started early: as many as prepare_in_order can
    # prepare at once (backfill's process pool), so that preparing, the longer half of a month, keeps
    # up with finishing
    ahead: int = 1
    load: Callable[..., tuple[dict, float]] = timed(guarded("load", warehouse_file)(pipeline.load))
    compute: Callable[..., tuple[int, float]] = timed(guarded("indicators", warehouse_file)(pipeline.compute))
    publish: Callable[..., tuple[dict, float]] = timed(guarded("publish", outputs_dir)(pipeline.publish))


# --- the lifecycle --------------------------------------------------------------------------------


def start_month(
    paths: RunPaths,
    la: str,
    month: str,
    profile: str,
    force: bool,
    stages: Stages | None = None,
    log: logging.Logger = LOG,
    run_id: str | None = None,
    pulled: list[dict] | None = None,
) -> PendingMonth | MonthOutcome:
    """Check the key (csc_report.key_guard), discover the month's files and decide whether it needs
    running: a skipped outcome if it is already done (and not forced), else the pending month with its
    cache entry. `run_id` is the orchestrator's id of this run and `pulled` the files copied from a
    remote inbox, for run.json."""
    stages = stages or Stages()
    record = run_record.RunRecord(la, month, run_id or "", profile, sources=pulled or [])
    out_dir = paths.output_dir(la, month)
    try:
        split_single_file(paths.warehouse)
        key_guard.ensure_key(paths, la, log)
        files, record.timings["discover"] = stages.discover(paths, la, month)
        record.authority_settings = load_authority_config(config_path(paths.inbox, la)).as_record()
        record.inputs = fingerprints.month_inputs(paths, la, month)
        done = None if force else fingerprints.already_done(paths, la, month, profile, record.inputs)
        if done:
            log.info(done)
            return MonthOutcome(la, month, "skipped", done, str(out_dir))
        entry = prepared_cache.prepared_entry(paths, la, month, files, record.inputs)
        return PendingMonth(la, month, record, files, entry, CacheEntryUse(entry))
    except (ExtractMissing, KeyRefused):
        raise  # nothing is written for a month not come, nor by a key that is not the warehouse's
    except CscError as exc:
        record.finish("failed", str(exc), out_dir)
        raise
    except Exception as exc:
        failure = unexpected("start", paths.month_dir(la, month), la, month, exc, log)
    record.finish("failed", str(failure), out_dir)
    raise failure


def finish_month(
    paths: RunPaths,
    pending: PendingMonth,
    prepared: PreparedResult,
    profile: str,
    force: bool = False,
    stages: Stages | None = None,
    log: logging.Logger = LOG,
) -> MonthOutcome:
    """Load, compute and publish a prepared month under the warehouse's writer lock, and record the run.

    Under the lock it first asks again whether the month is done: another run of it may have finished
    while this one waited, and unless forced this one then has nothing to do. A data error (in
    preparing or here) is recorded in run.json and re-raised, with the one-line message that names
    file, sheet, row and rule. The month's cache entry goes once the month is done and no other run
    still holds it.
    """
    stages = stages or Stages()
    la, month, record, entry = pending.la, pending.month, pending.record, pending.entry
    out_dir = paths.output_dir(la, month)
    waited = []

    def on_wait(message: str) -> None:
        waited.append(message)
        log.warning(message)

    finished = False
    try:
        ready, cached = prepared()
        record.use_prepared(ready, cached=cached)
        log.info(
            "%s %s: %d rows, %d issues%s",
            la,
            month,
            sum(ready.row_counts.values()),
            len(ready.issues),
            " (read and validated by an earlier run)" if record.reused else "",
        )
        with warehouse_lock(paths.warehouse_file(la), timeout=settings.lock_timeout(), on_wait=on_wait):
            done = not force and fingerprints.already_done(
                paths, la, month, profile, record.inputs, locked=True
            )
            if done:
                message = f"done by another run while this one waited: {done}" if waited else done
                log.info(message)
                finished = True
                return MonthOutcome(la, month, "skipped", message, str(out_dir))
            ready = with_shrunken_lists(paths, la, month, ready)
            _, record.timings["load"] = stages.load(paths, la, month, ready, entry, record.run_id)
            count, record.timings["indicators"] = stages.compute(paths, la, month)
            written, record.timings["publish"] = stages.publish(
                paths, la, month, ready.issues, entry, profile
            )
            # what the committee will see, where a report was written (a run up to its figures has none)
            message = published_summary(out_dir) if written else f"{count} indicators published"
            record.finish("done", message, out_dir, paths.warehouse_file(la))
        finished = True
    except CscError as exc:
        record.finish("failed", str(exc), out_dir)
        raise
    except Exception as exc:
        failure = unexpected("finish", out_dir, la, month, exc, log)
    finally:
        pending.use.release(delete=(lambda: prepared_cache.forget_prepared(entry)) if finished else None)
    if not finished:
        record.finish("failed", str(failure), out_dir)
        raise failure
    return MonthOutcome(la, month, "done", message, str(out_dir), count)


def run_month(
    paths: RunPaths,
    la: str,
    month: str,
    profile: str = "public",
    force: bool = False,
    stages: Stages | None = None,
    log: logging.Logger = LOG,
    run_id: str | None = None,
    pulled: list[dict] | None = None,
) -> MonthOutcome:
    """Discover, prepare, then load, compute and publish under the warehouse's writer lock.

    A month already done (inputs, code and earlier snapshots unchanged) is skipped unless `force`.
    Raises the CscError that stopped it (ExtractMissing when the month has not arrived).
    """
    stages = stages or Stages()
    pending = start_month(paths, la, month, profile, force, stages, log, run_id, pulled)
    if isinstance(pending, MonthOutcome):
        return pending
    return finish_month(paths, pending, stages.prepare(paths, pending, force), profile, force, stages, log)


# A month started early is started again, in its turn, if that fails or finds it done: nothing of the
# early attempt is told, so its log is this one, which goes nowhere.
_UNTOLD = logging.getLogger("csc_report.month.early")
_UNTOLD.addHandler(logging.NullHandler())
_UNTOLD.propagate = False


def _start_early(
    paths: RunPaths,
    la: str,
    month: str,
    profile: str,
    force: bool,
    stages: Stages,
    run_id: str | None,
) -> tuple[PendingMonth, PreparedResult] | None:
    """Start `month` and hand its prepare to `stages.prepare_in_order`, if it is due now; else None.

    A month done now may be due once the month before it is loaded (its history includes that month),
    and one whose start fails is told in its turn: either way it is started again then, by run_in_order.
    Preparing depends only on the month's files and the key, never on the warehouse, so it may run
    before the month before is loaded; finish_month's re-check under the lock still decides."""
    try:
        pending = start_month(paths, la, month, profile, force, stages, _UNTOLD, run_id)
    except CscError:
        return None
    if isinstance(pending, MonthOutcome):
        return None
    return pending, stages.prepare_in_order(paths, pending, force)


def run_in_order(
    paths: RunPaths,
    la: str,
    months: list[str],
    profile: str = "public",
    force: bool = False,
    stages: Stages | None = None,
    log: logging.Logger = LOG,
    run_id: str | None = None,
) -> Iterator[MonthOutcome]:
    """Each month's outcome, in order: a failed month, or one awaiting data, is reported and the rest go
    on (the next month's flow figures still count its events, from the next extract's window).

    Every month is prepared by `stages.prepare_in_order`, and while a month loads and publishes the
    next ones (`stages.ahead` of them) are already started and being prepared: where that runs in other
    processes, a backfill uses every core from its start. A month not started early (done now, or failed
    to start) is tried again while it is still ahead, and in its turn. Months still load one at a time
    and in order, as their history requires.
    """
    stages = stages or Stages()
    early: dict[str, tuple[PendingMonth, PreparedResult]] = {}
    for n, month in enumerate(months):
        try:
            if month in early:
                pending, prepared = early.pop(month)
            else:
                pending = start_month(paths, la, month, profile, force, stages, log, run_id)
                if isinstance(pending, MonthOutcome):
                    yield pending
                    continue
                prepared = stages.prepare_in_order(paths, pending, force)
            for later in months[n + 1 : n + 1 + stages.ahead]:
                if later not in early and (
                    started := _start_early(paths, la, later, profile, force, stages, run_id)
                ):
                    early[later] = started
            outcome = finish_month(paths, pending, prepared, profile, force, stages, log)
        except KeyRefused:
            raise  # every later month would be refused too: the run stops, with exit status 2
        except CscError as exc:
            outcome = MonthOutcome.failed(paths, la, month, exc)
        yield outcome
