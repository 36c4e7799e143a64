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
import shutil
import threading
import time
import uuid
from datetime import datetime

import pytest
from conftest import found_in
from csc_report.flows.arrival import due_date, notice_for
from csc_report.flows.monthly import monthly_report
from prefect.blocks.system import Secret
from prefect.client.schemas.objects import FlowRun
from prefect.states import Cancelled, Completed, Crashed, Failed
from referral_sheet import REFERRAL_HEADERS, write_xlsx
from servers import SmtpReceiver, WebhookReceiver

from csc_report import notify
from csc_report.errors import DataError
from csc_report.generate import generate_inbox
from csc_report.month import MonthOutcome

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
    assert (hook["title"], hook["type"]) == ("csc-report 874 2013-07: AwaitingData", "warning")
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
    assert (hook["title"], hook["type"]) == ("csc-report 874 2013-06: Failed", "failure")
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


def test_every_ending_has_its_message_and_apprise_type():
    """Each way a month's run ends, with the real Prefect state it ends in."""
    run = FlowRun(flow_id=uuid.uuid4(), parameters={"la": LA, "month": "2013-06", "notify_success": True})
    outcome = MonthOutcome(LA, "2013-06", "done", "12 indicators published", "/srv/out/874/2013-06", 12)
    endings = {
        "Completed": Completed(data=outcome),
        "AwaitingData": Failed(name="AwaitingData", message="no extract for 874 2013-06 in the inbox yet"),
        "Failed": Failed(data=DataError("list_3.csv, row 4: bad_date")),
        "Crashed": Crashed(message="Flow run infrastructure exited with non-zero status code -9."),
        "Cancelled": Cancelled(message="cancelled by a user"),
    }
    told = {name: notice_for(run, state) for name, state in endings.items()}
    assert {name: (n.state, n.kind) for name, n in told.items()} == {
        "Completed": ("Completed", "success"),
        "AwaitingData": ("AwaitingData", "warning"),
        "Failed": ("Failed", "failure"),
        "Crashed": ("Crashed", "failure"),
        "Cancelled": ("Cancelled", "warning"),
    }
    assert told["Crashed"].reason.startswith(
        "the run stopped before it finished: its process ended with status -9 (SIGKILL). "
    )
    assert told["Failed"].reason == "list_3.csv, row 4: bad_date"
    assert told["Completed"].reason == "12 indicators published; report at /srv/out/874/2013-06/report.html"
    assert notify.Notice(LA, "2013-06", "Late", "x").kind == "warning"


def test_the_due_date_is_working_days_after_the_month_end():
    # April 2013 ends on a Tuesday; Monday 6 May is a bank holiday: 1, 2, 3, 7, 8 May are the five days
    assert due_date("2013-04", 5) == datetime(2013, 5, 9).astimezone()
    assert due_date("2013-04", 0) == datetime(2013, 5, 1).astimezone()


def test_a_late_month_is_told_once_then_waited_for_and_announced_when_it_comes(receivers, tmp_path):
    """Due as soon as the month is over (due_working_days 0), so the first check finds it late; the run
    goes on waiting through its grace period and publishes the month once it lands."""
    webhook, smtp, block = receivers
    source = tmp_path / "source"
    generate_inbox(source, la_code=LA, end="2013-06", months=1, scale=0.3, seed=5)
    inbox = tmp_path / "inbox"
    shutil.copytree(source / "reference", inbox / "reference")

    def deliver_once_told():
        deadline = time.monotonic() + 120
        while not webhook.bodies and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.copytree(source / LA, inbox / LA)

    courier = threading.Thread(target=deliver_once_told)
    courier.start()
    state = run(
        tmp_path, inbox=str(inbox), month="2013-06", wait=True, check_interval=1.0, due_working_days=0,
        grace_working_days=90 / 86400, settle_seconds=0, notify=[block], notify_success=True,
    )  # fmt: skip
    courier.join()
    assert state.is_completed() and state.name == "Completed"
    deadline = time.monotonic() + 30
    while len(webhook.bodies) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    late, done = [json.loads(body) for body in webhook.bodies]
    assert (late["title"], late["type"]) == ("csc-report 874 2013-06: Late", "warning")
    assert "no extract for 874 2013-06 in the inbox yet (folder missing); it was due by " in late["message"]
    assert "and is checked again every " in late["message"]
    assert (done["title"], done["type"]) == ("csc-report 874 2013-06: Completed", "success")
