"""Telling someone how a month ended, against real receivers on 127.0.0.1: an HTTP server standing in
for the Teams/Slack webhook, and aiosmtpd for e-mail. Runs go through the real flow and its state
hooks; the destinations come from a Prefect Secret block, as in production.

Each message must name the authority, the month, the state and the reason, and must hold none of the
identifiers planted in the extract that made the month fail.
"""

from __future__ import annotations

import email
import email.policy
import json
import time
import uuid

import pytest
from conftest import found_in
from csc_report.flows.monthly import monthly_report
from prefect.blocks.system import Secret
from referral_sheet import REFERRAL_HEADERS, write_xlsx
from servers import SmtpReceiver, WebhookReceiver

from csc_report import notify
from csc_report.errors import DataError

LA = "874"
PLANTED = {"PLANTED-CHILD-4242", "PLANTED-CHILD-5353", "Wilhelmina Plantedworker", "ZX9 9ZZ"}
pytestmark = pytest.mark.slow  # the real engine


@pytest.fixture
def receivers():
    """A webhook and an SMTP server, and a Secret block holding the Apprise URLs that reach them."""
    webhook, smtp = WebhookReceiver(), SmtpReceiver()
    block = f"notify-{uuid.uuid4().hex[:8]}"
    Secret(value=f"{webhook.apprise_url} {smtp.apprise_url}").save(block)
    yield webhook, smtp, f"secret/{block}"
    webhook.stop()
    smtp.stop()


def received(webhook: WebhookReceiver, smtp: SmtpReceiver) -> tuple[dict, str]:
    """The one webhook body (parsed) and the one e-mail (its subject and decoded text parts), once
    both have arrived."""
    deadline = time.monotonic() + 30
    while (not webhook.bodies or not smtp.messages) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(webhook.bodies) == 1 and len(smtp.messages) == 1, (webhook.bodies, smtp.messages)
    mail = email.message_from_string(smtp.messages[0], policy=email.policy.default)
    parts = [part.get_content() for part in mail.walk() if part.get_content_maintype() == "text"]
    return json.loads(webhook.bodies[0]), "\n".join([f"Subject: {mail['Subject']}", *parts])


def run(tmp_path, **params):
    return monthly_report(
        la=LA,
        warehouse=str(tmp_path / "wh"),
        outputs=str(tmp_path / "out"),
        key_file=str(tmp_path / "secret.key"),
        return_state=True,
        **params,
    )


def test_a_month_still_missing_after_the_grace_period_tells_both_destinations(receivers, tmp_path):
    webhook, smtp, block = receivers
    (tmp_path / "inbox" / LA).mkdir(parents=True)
    state = run(
        tmp_path, inbox=str(tmp_path / "inbox"), month="2013-07", wait=True, grace_working_days=0,
        settle_seconds=0, notify=[block],
    )  # fmt: skip
    assert state.name == "AwaitingData"

    hook, mail = received(webhook, smtp)
    assert hook["title"] == "csc-report 874 2013-07: AwaitingData"
    assert hook["message"].startswith("Authority 874, month 2013-07: AwaitingData. ")
    assert "no extract for 874 2013-07 in the inbox yet (folder missing)" in hook["message"]
    assert "Subject: csc-report 874 2013-07: AwaitingData" in mail
    assert "no extract for 874 2013-07" in mail


def test_a_failed_month_is_told_with_its_reason_and_none_of_its_identifiers(receivers, tmp_path):
    webhook, smtp, block = receivers
    month_dir = tmp_path / "inbox" / LA / "2013-06"
    month_dir.mkdir(parents=True)
    without_date = [h for h in REFERRAL_HEADERS if h != "Date of referral"]  # a required column
    rows = [
        [child, "Male", "WBRI", "2010-03-17", 3, "1A", "N", 1, "Team North", "Wilhelmina Plantedworker"]
        for child in ("PLANTED-CHILD-4242", "PLANTED-CHILD-5353")
    ]
    write_xlsx(month_dir / "annex_a.xlsx", {"List 3": [without_date, *rows]})
    state = run(tmp_path, inbox=str(tmp_path / "inbox"), month="2013-06", notify=[block])
    assert state.is_failed() and isinstance(state.result(raise_on_failure=False), DataError)

    hook, mail = received(webhook, smtp)
    assert hook["title"] == "csc-report 874 2013-06: Failed"
    assert "annex_a.xlsx" in hook["message"] and "referral_date" in hook["message"]
    assert not found_in(PLANTED, hook["message"] + hook["title"])
    assert not found_in(PLANTED, mail)


def test_an_unexpected_error_is_told_by_its_class_alone():
    """An unexpected exception's text could quote a cell; only its class goes into a message."""
    reason = notify.reason_of(ValueError("could not convert 'PLANTED-CHILD-4242' to date"))
    assert reason == "unexpected ValueError; see the flow run's logs"
    reason = notify.reason_of(DataError("list_3.csv, sheet referrals, row 4: bad_date\nsecond line"))
    assert reason == "list_3.csv, sheet referrals, row 4: bad_date"


def test_a_destination_that_does_not_answer_is_counted_not_raised():
    webhook = WebhookReceiver()
    webhook.stop()  # nothing listens on its port any more
    assert notify.send([webhook.apprise_url], notify.Notice(LA, "2013-06", "Failed", "reason")) == 1
