"""A mistake in the command is a usage error at once (issue 41): one line naming the argument, exit 2,
nothing written, before Prefect or Great Expectations start; under the schedule a mistyped inbox stops
`serve` instead of waiting out every month as late data.

The commands run in this process through cli.main: were a check missing, the command would go on to
start Prefect and end otherwise (exit 1 "no extract", or exit 0 "0 months ... already done").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from csc_report import cli, months, schedule, sources
from csc_report.errors import ExtractMissing, UsageError

LA = "874"


@pytest.fixture
def inbox(tmp_path, monkeypatch) -> Path:
    """An inbox holding one authority with one month folder (the checks never read its files)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "demo" / "inbox" / LA / "2013-06").mkdir(parents=True)
    (tmp_path / "demo" / "inbox" / "reference").mkdir()
    return tmp_path / "demo" / "inbox"


def files_under(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*")}


# Today is taken as 2026-12-07, so next month, 2027-01, is the latest month a run may name.
@pytest.mark.parametrize(
    "text, ok",
    [
        ("2013-06", True),
        ("2000-01", True),  # the first month allowed
        ("1999-12", False),  # one before it
        ("2027-01", True),  # next month: a clock a day ahead still names a real month
        ("2027-02", False),  # the month after next cannot have an extract
        ("2013-6", False),  # strptime takes it, but no inbox folder is called that
        ("2013-13", False),
        ("2013-00", False),
        ("2013-06-01", False),
        (" 2013-06", False),
    ],
)
def test_a_month_argument_is_exactly_yyyy_mm_within_range(text, ok):
    today = date(2026, 12, 7)
    if ok:
        assert months.parse_month(text, "--month", today) == text
    else:
        with pytest.raises(
            UsageError, match=rf"^--month: expected a month YYYY-MM from 2000-01 to 2027-01, got '{text}'$"
        ):
            months.parse_month(text, "--month", today)


def test_a_range_that_runs_backwards_is_refused_and_one_month_is_a_range():
    assert months.month_range("2013-06", "2013-06") == ["2013-06"]
    assert months.month_range("2012-12", "2013-01") == ["2012-12", "2013-01"]
    with pytest.raises(UsageError, match="^--from 2013-06 is after --to 2013-01"):
        months.month_range("2013-06", "2013-01")
    with pytest.raises(UsageError, match="^--to: expected a month YYYY-MM"):
        months.month_range("2013-01", "2013-6")


# The rows of issue 41's table, and the same mistakes in the other places they can be made.
TABLE = [
    ("run --inbox demo/inbox --la 874 --month 2013-6", "--month: expected a month YYYY-MM from 2000-01 to "),
    ("run --inbox nowhere --la 874 --month 2013-06", "inbox nowhere: no such folder; expected the inbox"),
    (
        "run --inbox demo/inbox --la 999 --month 2013-06",
        "the inbox demo/inbox has no folder for 999; it has 874",
    ),
    (
        "backfill --inbox demo/inbox --la 874 --from 2013-06 --to 2013-01",
        "--from 2013-06 is after --to 2013-01",
    ),
    (
        "backfill --inbox demo/inbox --la 999 --from 2013-01 --to 2013-06",
        "the inbox demo/inbox has no folder for 999",
    ),
    ("backfill --inbox nowhere --la 874 --from 2013-01 --to 2013-06", "inbox nowhere: no such folder"),
    ("backfill --inbox demo/inbox --la 874 --from 1999-01 --to 2013-06", "--from: expected a month YYYY-MM"),
    (
        "run --inbox file:///nowhere/inbox --la 874 --month 2013-06",
        "inbox file:///nowhere/inbox: no such folder",
    ),
    ("region --inbox demo/inbox --from 2013-06 --to 2013-01", "--from 2013-06 is after --to 2013-01"),
    ("explain cp_plans_open --la 874 --month 13-06", "--month: expected a month YYYY-MM"),
]


@pytest.mark.parametrize("command, expected", TABLE, ids=[command for command, _ in TABLE])
def test_each_mistake_in_the_command_is_one_line_exit_2_and_writes_nothing(inbox, capsys, command, expected):
    root = inbox.parent.parent
    before = files_under(root)
    status = cli.main([*command.split(), "--warehouse", "wh"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and err.startswith(f"csc-report: {expected}"), err
    assert files_under(root) == before  # no warehouse, outputs, cache or key file


def test_an_inbox_without_the_authoritys_folder_says_it_holds_none(tmp_path, capsys):
    (tmp_path / "inbox" / "reference").mkdir(parents=True)
    argv = ["run", "--inbox", str(tmp_path / "inbox"), "--la", "999", "--month", "2013-06"]
    assert cli.main([*argv, "--warehouse", str(tmp_path / "wh")]) == 2
    assert capsys.readouterr().err.endswith("has no folder for 999; it has none\n")


def test_a_scheduled_month_waits_only_where_the_inbox_exists(inbox, tmp_path):
    """The schedule's pull lists the month through csc_report.sources: a missing authority folder in an
    existing inbox is data not yet arrived, naming the folder it looks for; a missing inbox is a
    mistake, not retried (flows.arrival retries only ExtractMissing and SourceUnavailable)."""
    with pytest.raises(
        ExtractMissing, match=rf"^{inbox}/875/2013-06: no extract for 875 2013-06 in the inbox yet"
    ):
        sources.Source.parse(str(inbox)).listing("875", "2013-06")
    for missing in (str(tmp_path / "inbx"), f"file://{tmp_path}/inbx"):
        with pytest.raises(UsageError, match="/inbx: no such folder") as caught:
            sources.Source.parse(missing).listing(LA, "2013-06")
        assert not isinstance(caught.value, ExtractMissing)


def write_schedule(path: Path, inboxes: dict[str, str]) -> Path:
    entries = [{"la": la, "inbox": inbox} for la, inbox in inboxes.items()]
    path.write_text(yaml.safe_dump({"authorities": entries}), encoding="utf-8")
    return path


def test_serve_with_a_mistyped_inbox_stops_with_one_line_per_problem(inbox, tmp_path, capsys, monkeypatch):
    from csc_report.flows import deploy

    served = []
    monkeypatch.setattr(deploy, "prefect_serve", lambda *d: served.append(d))
    path = write_schedule(
        tmp_path / "schedule.yaml",
        {
            LA: str(inbox),
            "875": str(tmp_path / "inbx"),
            "876": f"file://{tmp_path}/nowhere",
            "877": str(inbox),
        },
    )
    assert cli.main(["serve", "--schedule", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"csc-report: {path}: authority 2 (875): inbox {tmp_path}/inbx: no such folder; expected the inbox, "
        "the folder holding one folder per authority",
        f"csc-report: {path}: authority 3 (876): inbox file://{tmp_path}/nowhere: no such folder; expected "
        "the inbox, the folder holding one folder per authority",
    ]
    assert served == []  # no deployment was registered
    # 877 has no folder yet in an inbox that exists: it is awaiting data, which serving is for
    assert (
        cli.main(["serve", "--schedule", str(write_schedule(path, {LA: str(inbox), "877": str(inbox)}))]) == 0
    )
    assert len(served) == 1 and len(served[0]) == 2


def test_a_server_that_does_not_answer_is_a_warning_and_serve_goes_on(tmp_path):
    from servers import free_port

    entries = [{"la": LA, "inbox": f"sftp://council@127.0.0.1:{free_port()}/inbox"}]
    problems, warnings = schedule.check_inboxes(Path("schedule.yaml"), entries, lambda _entry: {})
    assert problems == []
    assert len(warnings) == 1 and warnings[0].startswith("schedule.yaml: authority 1 (874): warning: sftp://")
    assert warnings[0].endswith("its scheduled runs check again as usual")


LAS = ["875", "876", "877", "878"]


@pytest.mark.slow  # a real SSH server
def test_serve_refuses_an_unknown_or_changed_host_key_and_a_refused_login(tmp_path):
    import asyncssh
    from servers import SftpServer

    srv = SftpServer(tmp_path / "root")
    try:
        srv.put(f"{LA}/2013-06/annex_a.xlsx", b"only listed")
        unknown, changed = tmp_path / "unknown", tmp_path / "changed"
        unknown.write_text("")
        changed.write_text(srv.known_hosts_line(asyncssh.generate_private_key("ssh-ed25519")))
        entries = [
            {"la": LA, "inbox": srv.url, "inbox_options": srv.options, "inbox_secret": "good"},
            {"la": "875", "inbox": srv.url, "inbox_options": {"known_hosts": str(unknown)}},
            {"la": "876", "inbox": srv.url, "inbox_options": {"known_hosts": str(changed)}},
            {"la": "877", "inbox": srv.url, "inbox_options": srv.options, "inbox_secret": "wrong"},
            {"la": "878", "inbox": srv.url[: -len("inbox")] + "inbx", "inbox_options": srv.options},
        ]
        secrets = {"good": srv.secret, "wrong": srv.wrong_secret, None: srv.secret}
        problems, warnings = schedule.check_inboxes(
            Path("s.yaml"), entries, lambda e: secrets[e.get("inbox_secret")]
        )
    finally:
        srv.stop()
    assert warnings == []
    assert [line.split(": ")[1] for line in problems] == [
        f"authority {n} ({la})" for n, la in enumerate(LAS, 2)
    ]
    assert f"is not in {unknown}" in problems[0]
    assert f"is NOT the one {changed} holds" in problems[1]
    assert (
        "the server refused the credentials" in problems[2]
        and srv.wrong_secret["password"] not in problems[2]
    )
    assert problems[3].endswith(
        "/inbx: no such folder; expected the inbox, the folder holding one folder per authority"
    )


@pytest.mark.slow  # the real Prefect engine
def test_a_scheduled_run_of_a_missing_inbox_fails_at_once_rather_than_awaiting_data(tmp_path):
    """The scheduled flow (wait=True) retries only data that has not arrived: a missing inbox fails its
    first check, and the state says why. Without the check it would re-check for the grace period and
    end "AwaitingData"."""
    from csc_report.flows.monthly import monthly_report

    state = monthly_report(
        la=LA, month="2013-06", inbox=str(tmp_path / "inbx"), warehouse=str(tmp_path / "wh"),
        outputs=str(tmp_path / "out"), key_file=str(tmp_path / "key"), wait=True, check_interval=1.0,
        due_working_days=0, grace_working_days=60 / 86400, settle_seconds=0, return_state=True,
    )  # fmt: skip
    assert state.is_failed() and state.name != "AwaitingData"
    assert f"inbox {tmp_path / 'inbx'}: no such folder" in state.message
    assert not (tmp_path / "wh").exists() and not (tmp_path / "out").exists()
