"""Prefect wiring for where a month comes from and who is told how it ended.

Pulling is the flow's first task, `pull-extract` (csc_report.sources does the work): it checks that the
month has fully arrived and, for a URL inbox, copies it into the authority's staging folder, which the
rest of the run reads as its inbox. A plain local folder is checked the same way and read in place.

Waiting for a late extract is that task's retries with a delay: while the month is missing or still
being written (or its server is unreachable), the task fails with a reason that its retry condition
accepts, and Prefect runs it again `check_interval` seconds later, as many times as fit in the grace
period (working days, transforms.calendar). The retries come in two spells: up to the month's due date
(`due_working_days` after its end) and, if it is not complete by then, one "Late" message and the rest
of the grace period. So a late month is one flow run whose task history shows each check, it goes on
by itself the moment the files settle, and it ends "AwaitingData" when the retries run out. Bad
credentials, an unknown host key or bad data are never retried.

Notifications are flow state hooks (`on_failure`, `on_crashed`, `on_cancellation`, `on_completion`),
so every ending is told, crashes included, with Apprise's failure or warning type (csc_report.notify).
Destinations are Prefect blocks named in the run's `notify` parameter (a Secret block holding Apprise
URLs, or any of Prefect's notification blocks such as `microsoft-teams-webhook/...`), plus Apprise URLs
in `CSC_REPORT_NOTIFY`.
"""

from __future__ import annotations

import json
import math
import re
import signal
from datetime import datetime, time
from pathlib import Path

from csc_report.transforms.calendar import add_working_days
from prefect import get_run_logger, task
from prefect.blocks.core import Block
from prefect.blocks.system import Secret
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from prefect.logging.loggers import flow_run_logger
from prefect.settings import PREFECT_API_URL, PREFECT_HOME
from prefect.states import Completed, State

from csc_report import notify as notices
from csc_report import sources
from csc_report.errors import ExtractMissing, SourceUnavailable, UsageError
from csc_report.months import month_start, previous_month, shift

SIGNALS = {s.value for s in signal.Signals}  # a negative exit status is the signal that ended it

DEFAULT_CHECK_INTERVAL = 6 * 3600.0  # seconds between checks for a late extract
DEFAULT_GRACE_WORKING_DAYS = 5.0  # after the run starts (06:00 on the 3rd by default)
DEFAULT_DUE_WORKING_DAYS = 5.0  # after the month's end: "Late" is said once if it is not complete by then
DEFAULT_SETTLE_SECONDS = 60.0  # files unchanged over this long are taken as completely written


def load_block(slug: str, setting: str) -> Block:
    """The Prefect block `slug` (type/name), or a UsageError naming it and where it was looked for: a
    missing block is configuration to fix (exit 2), not a failure of the month."""
    try:
        return Block.load(slug)
    except ValueError:
        where = PREFECT_API_URL.value() or f"the Prefect home {PREFECT_HOME.value()}"
        raise UsageError(
            f"{setting}: no Prefect block {slug!r} at {where}; store it there as docs/operations.md "
            "shows (same PREFECT_API_URL, or the same working folder for ./.prefect)"
        ) from None


def secret_options(block: str | None) -> dict:
    """Storage options from a Prefect Secret block: a JSON object (`{"password": ...}`,
    `{"key": ..., "secret": ...}`), or a bare string taken as the password."""
    if not block:
        return {}
    value = load_block(f"secret/{block}", "inbox_secret").get()
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        return {"password": value}
    return parsed if isinstance(parsed, dict) else {"password": value}


def _still_arriving(_task, _task_run, state) -> bool:
    """Retry while the month is missing, half-written or its server unreachable; never otherwise."""
    try:
        state.result()
    except (ExtractMissing, SourceUnavailable):
        return True
    except Exception:
        return False
    return False


@task(name="pull-extract", cache_policy=NO_CACHE, retry_condition_fn=_still_arriving)
def pull_extract(
    inbox: str,
    inbox_options: dict | None,
    inbox_secret: str | None,
    la: str,
    month: str,
    settle_seconds: float,
    staging: str,
) -> list[dict]:
    """Check the month has arrived and is settled; for a URL inbox copy it into `staging` and return
    each file's source, size, mtime and sha256 (nothing to return for a local folder read in place).

    A month still missing raises ExtractMissing, so that the task is retried, except at the last check
    the retries allow: the task then ends in the Completed state "NotYet" holding the ExtractMissing,
    which `pull` raises in the flow. The expected end of a wait is then no task failure, which Prefect
    would log as an ERROR with a traceback."""
    source = sources.Source.parse(inbox, inbox_options, secret_options(inbox_secret))
    try:
        listing = source.arrived(la, month, settle_seconds)
    except ExtractMissing as exc:
        context = TaskRunContext.get()
        if context is not None and context.task_run.run_count <= context.task.retries:
            raise
        return Completed(name="NotYet", message=str(exc), data=exc)
    if not sources.is_url(inbox):
        return []
    records = source.stage(listing, Path(staging))
    get_run_logger().info(
        "pulled %d files (%d bytes) of %s %s from %s",
        len(records),
        sum(r["size"] for r in records),
        la,
        month,
        source.display,
    )
    return records


def due_date(month: str, due_working_days: float) -> datetime:
    """When the month's extract is due: `due_working_days` working days after the month's end (local
    midnight at its close), so 5 (the default) means by the end of the fifth working day of the next
    month, and 0 means as soon as the month is over."""
    month_end = datetime.combine(month_start(shift(month, 1)), time(0)).astimezone()
    return add_working_days(month_end, due_working_days)


def checks_until(now: datetime, deadline: datetime, check_interval: float) -> int:
    """How many re-checks, `check_interval` seconds apart, it takes from `now` to reach `deadline`."""
    if deadline <= now or check_interval <= 0:
        return 0
    return math.ceil((deadline - now).total_seconds() / check_interval)


def pull(
    inbox: str,
    inbox_options: dict | None,
    inbox_secret: str | None,
    la: str,
    month: str,
    staging: Path,
    *,
    wait: bool = False,
    check_interval: float = DEFAULT_CHECK_INTERVAL,
    grace_working_days: float = DEFAULT_GRACE_WORKING_DAYS,
    due_working_days: float = DEFAULT_DUE_WORKING_DAYS,
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
    notify: list[str] | None = None,
) -> tuple[Path, list[dict]]:
    """Run the pull task (retried over the grace period when `wait`), returning the folder the rest of
    the run reads as its inbox and the staged files' records. Raises ExtractMissing when it gave up.

    Waiting is two spells of the same task: re-checks up to the month's due date and, if the month is
    not complete by then while the grace period runs on, one "Late" message to `notify` and re-checks
    to the end of the grace period. Without `wait` (a run by hand, a backfill) the files are taken as
    they are: one check, no settling.
    """
    folder = staging if sources.is_url(inbox) else Path(inbox)
    args = (inbox, inbox_options, inbox_secret, la, month, settle_seconds if wait else 0.0, str(staging))
    if not wait:
        return folder, _found(pull_extract(*args))
    now = datetime.now().astimezone()
    grace_end = add_working_days(now, max(grace_working_days, 0.0))
    due = min(due_date(month, due_working_days), grace_end)
    task_ = pull_extract.with_options(retry_delay_seconds=check_interval)
    try:
        return folder, _found(task_.with_options(retries=checks_until(now, due, check_interval))(*args))
    except (ExtractMissing, SourceUnavailable) as exc:
        now = datetime.now().astimezone()
        if now >= grace_end:
            raise
        late = f"{notices.reason_of(exc)}; it was due by {due:%a %d %b %Y %H:%M} and is checked"
        late += f" again every {check_interval / 3600:g} h until {grace_end:%a %d %b %Y %H:%M}"
        tell(notify, notices.Notice(la, month, "Late", late), get_run_logger())
    return folder, _found(task_.with_options(retries=checks_until(now, grace_end, check_interval))(*args))


def _found(pulled: list[dict] | State) -> list[dict]:
    """The pull task's records, or the ExtractMissing of its "NotYet" state (the month still missing
    at its last check; the engine hands a state a task returns back as it is) raised."""
    if isinstance(pulled, State):
        raise pulled.result(raise_on_failure=False)
    return pulled


# --- notifications --------------------------------------------------------------------------------


def targets(blocks: list[str] | None) -> list:
    """Apprise URLs and notification blocks to tell: the run's `notify` blocks and CSC_REPORT_NOTIFY.

    A `notify` entry is a block slug (`secret/<name>`, `microsoft-teams-webhook/<name>`, ...), never a
    URL: a webhook URL holds its token and so is a secret.
    """
    found: list = list(notices.env_targets())
    for slug in notices.check_targets(blocks):
        block = load_block(slug, "notify")
        if isinstance(block, Secret):
            value = block.get()
            found += value if isinstance(value, list) else str(value).split()
        else:
            found.append(block)
    return found


def tell(blocks: list[str] | None, notice: notices.Notice, logger) -> None:
    """Send `notice` to every target; a failure to notify is logged and never raised."""
    try:
        found = targets(blocks)
    except Exception as exc:  # a missing block must not hide the month's own outcome
        logger.warning("notifications not sent: %s", notices.reason_of(exc))
        return
    urls = [t for t in found if isinstance(t, str)]
    failed = notices.send(urls, notice) if urls else 0
    for block in (t for t in found if not isinstance(t, str)):
        try:
            block.notify(notice.body, subject=notice.subject)
        except Exception as exc:
            logger.warning("notification block %s failed: %s", type(block).__name__, type(exc).__name__)
            failed += 1
    if found:
        logger.info("told %d of %d notification targets: %s", len(found) - failed, len(found), notice.subject)


def _month_of(flow_run) -> str:
    """The month the run reports: its parameter, else (a scheduled run) the month before it started."""
    month = flow_run.parameters.get("month")
    if month:
        return month
    started = flow_run.expected_start_time or flow_run.start_time
    return previous_month(started.astimezone().date() if started else None)


def crash_reason(state) -> str:
    """Why a run crashed, in words that hold no data: Prefect's crash messages are about the process
    (a signal, an exit status), but an unexpected exception's text could quote anything."""
    message = state.message or ""
    status = re.search(r"status code:? (-?\d+)", message)
    if status:
        code = int(status.group(1))
        cause = f"its process ended with status {code}"
        if -code in SIGNALS:
            cause += f" ({signal.Signals(-code).name})"
    elif "signal" in message.lower():
        cause = "its process was stopped by a signal"
    else:
        cause = "its process stopped unexpectedly"
    return (
        f"the run stopped before it finished: {cause}. Nothing it had not committed was kept; "
        "run the month again (see the flow run's logs)"
    )


def notice_for(flow_run, state) -> notices.Notice | None:
    """What to say about a finished monthly run, or None when nothing is to be said (a skipped month,
    or a success when success is not announced)."""
    params = flow_run.parameters
    la, month = str(params.get("la", "?")), _month_of(flow_run)
    if state.is_completed():
        if state.name == "Skipped" or not params.get("notify_success"):
            return None
        outcome = state.result(raise_on_failure=False)
        report = Path(getattr(outcome, "output_dir", "")) / "report.html"
        said = f"{getattr(outcome, 'message', '')}; report at {report}"
        return notices.Notice(la, month, "Completed", said)
    if state.name == "AwaitingData":
        return notices.Notice(la, month, "AwaitingData", notices.reason_of(None, state.message or ""))
    if state.is_crashed():
        return notices.Notice(la, month, "Crashed", crash_reason(state))
    if state.is_cancelling() or state.is_cancelled():
        return notices.Notice(la, month, "Cancelled", "the run was cancelled before it finished")
    try:
        exc = state.result(raise_on_failure=False)
    except Exception as error:  # the result itself could not be read back
        exc = error
    return notices.Notice(la, month, "Failed", notices.reason_of(exc, state.message or ""))


def notify_hook(flow, flow_run, state) -> None:
    """The flow's state hook: tell the run's targets how the month ended.

    Prefect calls a hook positionally from the flow's own process (failure, completion, a crash it
    sees) and by keyword, `flow=`, `flow_run=`, `state=`, from the runner of `serve` or a worker (the
    run's process was killed, or the run was cancelled), outside any run context: hence the names, and
    a logger made from the flow run rather than get_run_logger().
    """
    notice = notice_for(flow_run, state)
    if notice is not None:
        tell(flow_run.parameters.get("notify"), notice, flow_run_logger(flow_run, flow))
