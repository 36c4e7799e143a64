"""Prefect wiring for where a month comes from and who is told how it ended.

Pulling is the flow's first task, `pull-extract` (csc_report.sources does the work): it checks that the
month has fully arrived and, for a URL inbox, copies it into the authority's staging folder, which the
rest of the run reads as its inbox. A plain local folder is checked the same way and read in place.

Waiting for a late extract is that task's retries with a delay: while the month is missing or still
being written (or its server is unreachable), the task fails with a reason that its retry condition
accepts, and Prefect runs it again `check_interval` seconds later, as many times as fit in the grace
period (working days, transforms.calendar). So a late month is one flow run whose task history shows
each check, it goes on by itself the moment the files settle, and it ends "AwaitingData" when the
retries run out. Bad credentials or bad data are never retried.

Notifications are flow state hooks (`on_failure`, `on_crashed`, `on_completion`), so a month is
reported however it ended, crashes included. Destinations are Prefect blocks named in the run's
`notify` parameter (a Secret block holding Apprise URLs, or any of Prefect's notification blocks such
as `microsoft-teams-webhook/...`), plus Apprise URLs in `CSC_REPORT_NOTIFY`.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

from csc_report.transforms.calendar import add_working_days
from prefect import get_run_logger, task
from prefect.blocks.core import Block
from prefect.blocks.system import Secret
from prefect.cache_policies import NO_CACHE

from csc_report import notify, sources
from csc_report.errors import ExtractMissing, SourceUnavailable, UsageError
from csc_report.months import previous_month

DEFAULT_CHECK_INTERVAL = 6 * 3600.0  # seconds between checks for a late extract
DEFAULT_GRACE_WORKING_DAYS = 5.0
DEFAULT_SETTLE_SECONDS = 60.0  # files unchanged over this long are taken as completely written


def secret_options(block: str | None) -> dict:
    """Storage options from a Prefect Secret block: a JSON object (`{"password": ...}`,
    `{"key": ..., "secret": ...}`), or a bare string taken as the password."""
    if not block:
        return {}
    value = Secret.load(block).get()
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
    each file's source, size, mtime and sha256 (nothing to return for a local folder read in place)."""
    source = sources.Source.parse(inbox, inbox_options, secret_options(inbox_secret))
    listing = source.arrived(la, month, settle_seconds)
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


def checks_in_grace(started: datetime, check_interval: float, grace_working_days: float) -> int:
    """How many re-checks (task retries) fit between `started` and the end of the grace period."""
    if grace_working_days <= 0 or check_interval <= 0:
        return 0
    deadline = add_working_days(started, grace_working_days)
    return max(0, math.ceil((deadline - started).total_seconds() / check_interval))


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
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
) -> tuple[Path, list[dict]]:
    """Run the pull task (retried over the grace period when `wait`), returning the folder the rest of
    the run reads as its inbox and the staged files' records. Raises ExtractMissing when it gave up.

    Without `wait` (a run by hand, a backfill) the files are taken as they are: one check, no settling.
    """
    retries = checks_in_grace(datetime.now().astimezone(), check_interval, grace_working_days) if wait else 0
    task_ = pull_extract.with_options(retries=retries, retry_delay_seconds=check_interval)
    settle = settle_seconds if wait else 0.0
    records = task_(inbox, inbox_options, inbox_secret, la, month, settle, str(staging))
    return (staging if sources.is_url(inbox) else Path(inbox)), records


# --- notifications --------------------------------------------------------------------------------


def targets_named(blocks: list[str] | None) -> list[str]:
    """The `notify` entries, checked to be block slugs (type/name), never URLs: a webhook's URL holds
    its token, so it is a secret and has no place in a schedule file or a flow's parameters."""
    for n, slug in enumerate(blocks or [], 1):
        if "://" in slug or slug.count("/") != 1:  # not echoed: a webhook's path is its token
            raise UsageError(
                f"notify entry {n}: name a Prefect block (type/name, such as secret/csc-teams), not a URL"
            )
    return list(blocks or [])


def targets(blocks: list[str] | None) -> list:
    """Apprise URLs and notification blocks to tell: the run's `notify` blocks and CSC_REPORT_NOTIFY.

    A `notify` entry is a block slug (`secret/<name>`, `microsoft-teams-webhook/<name>`, ...), never a
    URL: a webhook URL holds its token and so is a secret.
    """
    found: list = list(notify.env_targets())
    for slug in targets_named(blocks):
        block = Block.load(slug)
        if isinstance(block, Secret):
            value = block.get()
            found += value if isinstance(value, list) else str(value).split()
        else:
            found.append(block)
    return found


def tell(blocks: list[str] | None, notice: notify.Notice) -> None:
    """Send `notice` to every target; a failure to notify is logged and never raised."""
    logger = get_run_logger()
    try:
        found = targets(blocks)
    except Exception as exc:  # a missing block must not hide the month's own outcome
        logger.warning("notifications not sent: %s", notify.reason_of(exc))
        return
    urls = [t for t in found if isinstance(t, str)]
    failed = notify.send(urls, notice) if urls else 0
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


def notice_for(flow_run, state) -> notify.Notice | None:
    """What to say about a finished monthly run, or None when nothing is to be said (a skipped month,
    or a success when success is not announced)."""
    params = flow_run.parameters
    la, month = str(params.get("la", "?")), _month_of(flow_run)
    if state.is_completed():
        if state.name == "Skipped" or not params.get("notify_success"):
            return None
        outcome = state.result(raise_on_failure=False)
        report = Path(getattr(outcome, "output_dir", "")) / "report.html"
        return notify.Notice(la, month, "Completed", f"{getattr(outcome, 'message', '')}; report at {report}")
    if state.name == "AwaitingData":
        return notify.Notice(la, month, "AwaitingData", notify.reason_of(None, state.message or ""))
    try:
        exc = state.result(raise_on_failure=False)
    except Exception as error:  # the result itself could not be read back
        exc = error
    return notify.Notice(la, month, state.type.value.title(), notify.reason_of(exc, state.message or ""))


def notify_hook(_flow, flow_run, state) -> None:
    """The flow's state hook: tell the run's targets how the month ended."""
    notice = notice_for(flow_run, state)
    if notice is not None:
        tell(flow_run.parameters.get("notify"), notice)
