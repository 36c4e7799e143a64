"""Telling someone how a month ended: a Teams or Slack webhook, e-mail over SMTP, through Apprise.

Apprise (already a dependency of Prefect, whose own notification blocks are built on it) takes one URL
per destination: `workflows://...` or `msteams://...` for Teams, `slack://...` for Slack, `mailtos://...`
for SMTP with TLS, `json://host/path` for any webhook that takes a JSON body. The URLs carry the tokens
and passwords, so they come from a secret store (a Prefect Secret block, resolved in flows/) or from
`CSC_REPORT_NOTIFY` in the environment, never from the schedule file.

A message holds the authority, the month, the state and a one-line reason, and nothing else. The reason
is a CscError's message (which names files, sheets, rows and rules and never a child, worker or
identifier: private columns never show their values) or, for an unexpected failure, only the
exception's class: an unexpected error's text could quote anything.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from csc_report.errors import CscError, UsageError

ENV_TARGETS = "CSC_REPORT_NOTIFY"
# Every way a month's run can end (and "Late", said while it still waits), with its Apprise type: a
# failure needs someone to act; a late or cancelled month may need a word with whoever sends the data.
KINDS = {
    "Completed": "success",
    "Late": "warning",
    "AwaitingData": "warning",
    "Cancelled": "warning",
    "Failed": "failure",
    "Crashed": "failure",
}
REASON_LIMIT = 300  # characters: one line in a chat message or an e-mail subject's neighbourhood

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One month's end, as it is told: what the receiver reads is `subject` and `body`."""

    la: str
    month: str
    state: str  # one of KINDS
    reason: str

    @property
    def kind(self) -> str:
        """Apprise's message type, which Teams, Slack and e-mail show as colour or icon."""
        return KINDS.get(self.state, "failure")

    @property
    def subject(self) -> str:
        return f"csc-report {self.la} {self.month}: {self.state}"

    @property
    def body(self) -> str:
        return f"Authority {self.la}, month {self.month}: {self.state}. {self.reason}"


def reason_of(exc: BaseException | None, fallback: str = "") -> str:
    """The one-line reason for a failure: a CscError's own message, else only the exception's class."""
    if isinstance(exc, CscError):
        text = str(exc)
    elif isinstance(exc, BaseException):
        text = f"unexpected {type(exc).__name__}; see the flow run's logs"
    else:
        text = fallback
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= REASON_LIMIT else line[: REASON_LIMIT - 1] + "…"


def check_targets(blocks: list[str] | None) -> list[str]:
    """The `notify` entries, checked to be Prefect block slugs (type/name), never URLs: a webhook's URL
    holds its token, so it is a secret and has no place in a schedule file or a flow's parameters."""
    if blocks is not None and not isinstance(blocks, list):
        raise UsageError("notify: expected a list of Prefect blocks, such as [secret/csc-teams]")
    for n, slug in enumerate(blocks or [], 1):
        if "://" in str(slug) or str(slug).count("/") != 1:  # not echoed: a webhook's path is its token
            raise UsageError(
                f"notify entry {n}: name a Prefect block (type/name, such as secret/csc-teams), not a URL"
            )
    return list(blocks or [])


def env_targets() -> list[str]:
    """Apprise URLs from `CSC_REPORT_NOTIFY` (separated by spaces or commas)."""
    return [url for url in os.environ.get(ENV_TARGETS, "").replace(",", " ").split() if url]


def send(urls: list[str], notice: Notice) -> int:
    """Send `notice` to every Apprise URL; returns how many failed. A failure to notify never fails the
    run it reports on, and is logged without the URL (which holds the token)."""
    import apprise

    failed = 0
    for n, url in enumerate(urls, 1):
        target = apprise.Apprise()
        if not target.add(url):
            logger.warning("notification target %d is not a URL Apprise understands; not sent", n)
            failed += 1
        elif not target.notify(body=notice.body, title=notice.subject, notify_type=notice.kind):
            logger.warning("notification target %d (%s) did not accept the message", n, url.split(":", 1)[0])
            failed += 1
    return failed
