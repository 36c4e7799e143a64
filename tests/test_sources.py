"""Pulling a month from a remote inbox, against real servers on 127.0.0.1: SFTP (asyncssh) and S3
(moto's standalone server). For each: a complete month through the real flow (and its re-run, a no-op),
a month that arrives between checks, a file still growing between checks, and wrong credentials (one
line, exit 2, no traceback, no password).

Waiting is Prefect task retries, so the late and half-written cases run the real pull task in a small
flow and read its run count back from the Prefect API.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import yaml
from conftest import BIN, ROOT, migrated_prefect_home
from csc_report.flows import arrival, console
from csc_report.flows.console import run_flow
from csc_report.flows.deploy import deployments
from csc_report.flows.monthly import monthly_report
from prefect import flow
from prefect.blocks.system import Secret
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.runtime import flow_run
from servers import S3Server, SftpServer, WebhookReceiver

from csc_report import arguments, cli, cli_commands, sources, warehouse
from csc_report.cli import main as cli_main
from csc_report.errors import SourceRefused, UsageError
from csc_report.schedule import load as schedule_entries

LA, MONTH = "874", "2013-06"
pytestmark = pytest.mark.slow  # real servers and the real engine


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> dict[str, bytes]:
    """One small month's inbox, generated once: its path in the inbox -> bytes."""
    from csc_report.generate import generate_inbox

    inbox = tmp_path_factory.mktemp("extract") / "inbox"
    generate_inbox(inbox, la_code=LA, end=MONTH, months=1, scale=0.3, seed=11)
    return {p.relative_to(inbox).as_posix(): p.read_bytes() for p in sorted(inbox.rglob("*")) if p.is_file()}


@pytest.fixture(params=["sftp", "s3"])
def server(request, tmp_path):
    """A fresh server with an empty inbox; `secret_block` names a Prefect Secret holding its credentials."""
    srv = SftpServer(tmp_path / "sftp-root") if request.param == "sftp" else S3Server(tmp_path / "moto.log")
    srv.options = getattr(srv, "options", None)
    srv.secret_block = f"inbox-{request.param}-{uuid.uuid4().hex[:8]}"
    Secret(value=json.dumps(srv.secret)).save(srv.secret_block)
    yield srv
    srv.stop()


def put_all(server, files: dict[str, bytes], prefix: str = "") -> None:
    for name, data in files.items():
        if name.startswith(prefix):
            server.put(name, data)


started = threading.Event()  # set by the flows below when their body starts: writers wait for it


@flow
def pull_only(inbox: str, options: dict | None, secret: str, staging: str, settle: float) -> dict:
    """The flow's first task alone, waiting as a scheduled run does (1 s between checks, 60 s at most)."""
    started.set()
    _, records = arrival.pull(
        inbox, options, secret, LA, MONTH, Path(staging),
        wait=True, check_interval=1.0, grace_working_days=60 / 86400, settle_seconds=settle,
    )  # fmt: skip
    return {"records": records, "flow_run_id": str(flow_run.get_id())}


def pull_attempts(flow_run_id: str) -> int:
    """How many times the pull task ran in that flow run (1 + its retries), read from the API."""
    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
            pulls = [r for r in runs if r.name.startswith("pull-extract") and r.state and r.state.is_final()]
            if pulls or time.monotonic() > deadline:
                return max((r.run_count for r in pulls), default=0)
            time.sleep(0.2)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_complete_month_is_pulled_staged_recorded_and_a_rerun_is_a_no_op(
    server, extract, tmp_path, monkeypatch, capsys
):
    put_all(server, extract)
    webhook = WebhookReceiver()  # a published month announces where its report is
    block = f"announce-{uuid.uuid4().hex[:8]}"
    Secret(value=webhook.apprise_url).save(block)
    params = dict(
        la=LA, inbox=server.url, month=MONTH, inbox_options=server.options, inbox_secret=server.secret_block,
        warehouse=str(tmp_path / "wh"), outputs=str(tmp_path / "out"),
        key_file=str(tmp_path / "secret.key"), notify=[f"secret/{block}"], notify_success=True,
    )  # fmt: skip
    try:
        outcome = run_flow(monthly_report, **params)
    finally:
        webhook.stop()
    assert outcome.status == "done", outcome.message
    [announced] = [json.loads(body) for body in webhook.bodies]
    assert announced["title"] == f"csc-report {LA} {MONTH}: Completed"
    assert announced["message"].endswith(f"report at {tmp_path / 'out' / LA / MONTH}/report.html")

    run_json = (tmp_path / "out" / LA / MONTH / "run.json").read_text()
    recorded = {r["file"]: r for r in json.loads(run_json)["sources"]}
    assert set(recorded) == set(extract)  # the month and the reference files, from the same source
    for name, data in extract.items():
        assert recorded[name]["sha256"] == sha(data)
        assert recorded[name]["size"] == len(data)
        assert recorded[name]["source"] == f"{sources.display_url(server.url)}/{name}"
        assert recorded[name]["mtime"]
    for secret in server.secret.values():
        assert secret not in run_json
    staged = tmp_path / "wh" / "staging" / LA
    assert not (staged / LA / MONTH).exists(), "the raw copy is dropped once the month is done"
    assert (staged / "reference" / "population.csv").read_bytes() == extract["reference/population.csv"]

    again = run_flow(monthly_report, **params)  # the webhook is gone: a skipped month tells no one
    assert again.status == "skipped" and "already done" in again.message

    # The command line knows it from the listing and the hashes, without a flow run (run_flow refuses).
    def no_flow(*_args, **_kwargs):
        raise AssertionError("a remote month already done started a flow")

    monkeypatch.setattr(console, "run_flow", no_flow)
    options = [f"--inbox-option={k}={v}" for k, v in (server.options or {}).items()]
    argv = [
        "run", "--inbox", server.url, "--inbox-secret", server.secret_block, *options, "--la", LA,
        "--month", MONTH, "--warehouse", params["warehouse"], "--outputs", params["outputs"],
        "--key-file", params["key_file"],
    ]  # fmt: skip
    assert cli_main(argv) == 0
    assert "already done" in capsys.readouterr().out
    server.put(f"{LA}/{MONTH}/commentary.md", b"## referrals\nA new word.\n")  # a changed month is due
    args = cli.build_parser().parse_args(argv)
    assert arguments.already_done(args, MONTH, cli_commands._secret_options) is None


def test_a_month_arriving_between_checks_is_run_as_soon_as_it_has(server, extract, tmp_path):
    put_all(server, extract, prefix="reference/")
    started.clear()

    def upload_later():
        started.wait(timeout=120)
        time.sleep(3)  # the first check finds no month folder
        put_all(server, extract, prefix=f"{LA}/")

    writer = threading.Thread(target=upload_later)
    writer.start()
    result = pull_only(server.url, server.options, server.secret_block, str(tmp_path / "staging"), 0.5)
    writer.join()

    assert pull_attempts(result["flow_run_id"]) >= 2
    staged = {r["file"]: r["sha256"] for r in result["records"]}
    assert staged == {name: sha(data) for name, data in extract.items()}
    for name, data in extract.items():
        assert (tmp_path / "staging" / name).read_bytes() == data


def test_a_file_still_growing_between_checks_is_not_read_until_it_settles(server, extract, tmp_path):
    workbook = f"{LA}/{MONTH}/annex_a_{MONTH}.xlsx"
    full = extract[workbook]
    put_all(server, {k: v for k, v in extract.items() if k != workbook})
    server.put(workbook, full[: len(full) // 10])
    started.clear()

    def keep_writing():
        started.wait(timeout=120)
        for step in range(2, 10):  # grows for 4 s, longer than the 1 s the check waits
            time.sleep(0.5)
            server.put(workbook, full[: len(full) * step // 10])
        server.put(workbook, full)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    result = pull_only(server.url, server.options, server.secret_block, str(tmp_path / "staging"), 1.0)
    writer.join()

    assert pull_attempts(result["flow_run_id"]) >= 2
    assert (tmp_path / "staging" / workbook).read_bytes() == full
    assert {r["file"]: r["size"] for r in result["records"]}[workbook] == len(full)
    assert not [p for p in (tmp_path / "staging").rglob("*.part")]


def test_wrong_credentials_are_one_line_without_traceback_or_password(
    server, extract, tmp_path, prefect_server
):
    put_all(server, extract)
    env = prefect_server.client_env(tmp_path / "prefect-client")
    args = [str(BIN / "csc-report"), "run", "--inbox", server.url, "--la", LA, "--month", MONTH]
    args += ["--warehouse", str(tmp_path / "wh"), "--outputs", str(tmp_path / "out")]
    args += ["--key-file", str(tmp_path / "secret.key")]
    wrong = server.wrong_secret
    if isinstance(server, SftpServer):
        env["FSSPEC_SFTP_PASSWORD"] = wrong["password"]  # fsspec's own configuration
        args += ["--inbox-option", f"known_hosts={server.known_hosts}"]
    else:
        env.update(AWS_ACCESS_KEY_ID=wrong["key"], AWS_SECRET_ACCESS_KEY=wrong["secret"])
        args += ["--inbox-option", f"endpoint_url={server.endpoint}"]
    done = subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(
        f"csc-report: {sources.display_url(server.url)}: the server refused the credentials"
    )
    assert "Traceback" not in done.stdout + done.stderr
    for secret in wrong.values():
        if secret != wrong.get("key"):  # an access key id is an identifier, not a secret
            assert secret not in done.stdout + done.stderr


def test_secrets_in_the_url_or_the_written_options_are_refused():
    with pytest.raises(UsageError, match="holds a password") as caught:
        sources.Source.parse("sftp://council:hunter2@files.example.org/inbox")
    assert "hunter2" not in str(caught.value)
    with pytest.raises(UsageError, match="'secret' is a secret"):
        sources.Source.parse("s3://bucket/inbox", {"endpoint_url": "https://s3.example.org", "secret": "x"})
    assert sources.display_url("abfs://c@account.dfs.core.windows.net/in?sig=abc") == (
        "abfs://c@account.dfs.core.windows.net/in"
    )


def test_a_refused_login_is_configuration_to_fix_not_lateness_to_wait_for(tmp_path):
    """Credentials from a secret store (the Secret block's path): refused ones end the pull at once."""
    srv = SftpServer(tmp_path / "root")
    try:
        srv.put(f"{LA}/{MONTH}/annex_a_{MONTH}.xlsx", b"x")
        with pytest.raises(SourceRefused) as caught:
            sources.Source.parse(srv.url, srv.options, srv.wrong_secret).listing(LA, MONTH)
        assert srv.wrong_secret["password"] not in str(caught.value)
        assert sources.Source.parse(srv.url, srv.options, srv.secret).listing(LA, MONTH)
    finally:
        srv.stop()
    assert not isinstance(caught.value, arrival.ExtractMissing | arrival.SourceUnavailable)


def readme_schedule() -> str:
    """The schedule file docs/operations.md shows for SFTP with a Teams webhook."""
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text[text.index("## Example: SFTP with a Teams webhook") :]
    return section.split("```\n", 2)[1]


def test_the_readmes_sftp_schedule_serves_with_its_secrets_named_not_held(tmp_path):
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(readme_schedule())
    [deployment] = deployments(schedule_entries(schedule))
    assert deployment.parameters["inbox"] == "sftp://csc-report@files.council.example/outbound/csc"
    assert deployment.parameters["inbox_secret"] == "csc-sftp-874"
    assert deployment.parameters["notify"] == ["secret/csc-teams"]
    assert deployment.parameters["check_interval"] == 21600

    entry = yaml.safe_load(readme_schedule())["authorities"][0]
    for bad, why in (
        ({"inbox": "sftp://csc-report:hunter2@files.council.example/outbound/csc"}, "holds a password"),
        ({"inbox_options": {"password": "hunter2"}}, "is a secret"),
        ({"notify": ["https://council.webhook.office.com/webhookb2/hunter2"]}, "not a URL"),
    ):
        schedule.write_text(yaml.safe_dump({"authorities": [{**entry, **bad}]}))
        with pytest.raises(UsageError, match=why) as caught:
            schedule_entries(schedule)
        assert "hunter2" not in str(caught.value)


def test_the_staged_copy_mirrors_the_source_when_files_are_withdrawn(tmp_path):
    """A file withdrawn at the source (an authority's aliases, a month's commentary) must not linger
    in the staged copy, where the next run would still read it."""
    inbox = tmp_path / "inbox"
    for name in (f"{LA}/{MONTH}/annex_a.xlsx", f"{LA}/{MONTH}/commentary.md", f"{LA}/aliases.yaml"):
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(b"first " + name.encode())
    source = sources.Source.parse(f"file://{inbox}")
    staging = tmp_path / "staging"
    source.stage(source.arrived(LA, MONTH, 0), staging)
    assert (staging / LA / "aliases.yaml").is_file() and (staging / LA / MONTH / "commentary.md").is_file()

    (inbox / LA / "aliases.yaml").unlink()
    (inbox / LA / MONTH / "commentary.md").unlink()
    records = source.stage(source.arrived(LA, MONTH, 0), staging)
    assert [r["file"] for r in records] == [f"{LA}/{MONTH}/annex_a.xlsx"]
    assert sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()) == [
        f"{LA}/{MONTH}/annex_a.xlsx"
    ]


def test_a_missing_secret_block_is_configuration_naming_it(extract, tmp_path, capsys):
    from csc_report.cli import main

    inbox = tmp_path / "inbox"
    for name, data in extract.items():
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(data)
    args = ["run", "--inbox", f"file://{inbox}", "--la", LA, "--month", MONTH, "--inbox-secret", "no-such"]
    args += ["--warehouse", str(tmp_path / "wh"), "--outputs", str(tmp_path / "out")]
    assert main([*args, "--key-file", str(tmp_path / "secret.key")]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("csc-report: inbox_secret: no Prefect block 'secret/no-such' at ")


def test_a_month_folder_with_only_the_workforce_file_waits_and_writes_nothing(extract, tmp_path):
    """Workforce or commentary alone is not the month: the pull retries, and a month that never comes
    leaves no run.json and no output folder."""
    inbox = tmp_path / "inbox"
    for name in ("reference/population.csv", f"{LA}/{MONTH}/workforce.csv", f"{LA}/{MONTH}/commentary.md"):
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(extract.get(name, b"## summary\nwords\n"))
    (inbox / LA / MONTH / "workforce.csv").write_text("team,establishment,filled\nNorth,10,9\n")
    state = monthly_report(
        la=LA, inbox=str(inbox), month=MONTH, wait=True, check_interval=1.0,
        grace_working_days=3 / 86400, settle_seconds=0, warehouse=str(tmp_path / "wh"),
        outputs=str(tmp_path / "out"), key_file=str(tmp_path / "secret.key"), return_state=True,
    )  # fmt: skip
    assert state.name == "AwaitingData"
    assert state.message == (
        f"{inbox}/{LA}/{MONTH}: no Annex A extract for {LA} {MONTH} in the inbox yet "
        "(only commentary.md, workforce.csv)"
    )
    assert pull_attempts(str(state.state_details.flow_run_id)) >= 2
    assert not (tmp_path / "out").exists()


def modes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}


def test_everything_a_run_writes_is_owner_only(extract, tmp_path):
    """Importing the flows set the umask (csc_report.permissions), as the CLI does. A first run stops at
    its load (bad population.csv) so that its cache entry and staged copy stay to be looked at; the
    second, fixed, publishes. Warehouse, WAL, lock, cache, staging, outputs and key: 0600 and 0700."""
    current = os.umask(0o077)
    os.umask(current)
    assert current == 0o077
    inbox = tmp_path / "inbox"
    for name, data in extract.items():
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(data)
    population = inbox / "reference" / "population.csv"
    population.write_text(extract["reference/population.csv"].decode() + f"{LA},2014,lots\n")
    params = dict(
        la=LA, inbox=f"file://{inbox}", month=MONTH, warehouse=str(tmp_path / "data" / "wh"),
        outputs=str(tmp_path / "data" / "out"), key_file=str(tmp_path / "data" / "keys" / "secret.key"),
    )  # fmt: skip
    assert monthly_report(**params, return_state=True).is_failed()
    data = tmp_path / "data"
    failed = modes(data)
    assert any(name.startswith("wh/cache/") for name in failed) and f"wh/staging/{LA}/{LA}/{MONTH}" in failed
    population.write_bytes(extract["reference/population.csv"])
    assert run_flow(monthly_report, **params).status == "done"
    con = warehouse.connect(data / "wh" / f"{LA}.duckdb")
    try:
        con.execute("CREATE TABLE scratch AS SELECT 1 AS x")  # not yet checkpointed: the WAL is there
        wal = data / "wh" / f"{LA}.duckdb.wal"
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    finally:
        con.close()
    written = {**failed, **modes(data)}
    expected = (f"wh/{LA}.duckdb", f"wh/{LA}.duckdb.lock", "keys/secret.key", f"out/{LA}/{MONTH}/report.html")
    for name in expected:
        assert name in written
    assert any(name.startswith(f"out/{LA}/{MONTH}/data_docs/static/vendor/") for name in written)
    loose = {name: oct(mode) for name, mode in written.items() if mode not in (0o600, 0o700)}
    assert not loose


def test_the_readmes_secret_snippet_stores_where_csc_report_reads(tmp_path):
    """docs/operations.md's command, run as written in the folder csc-report runs in (csc-report's own
    Prefect home, no server): a run from that folder then finds the block. The values come on stdin, as
    getpass reads them without a terminal. That home is the one under XDG_STATE_HOME, here a folder of
    the test's own holding a copy of an already-migrated home: the blocks never reach the user's."""
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text[text.index("Store the two secrets once") :]
    snippet = section.split("```\n", 2)[1]
    assert snippet.startswith("cd /srv/csc-report && .venv/bin/python -c '")
    snippet = snippet.replace("cd /srv/csc-report && ", "").replace(".venv/bin/python", sys.executable)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    home = tmp_path / "state" / "csc-report" / "prefect"
    shutil.copytree(migrated_prefect_home(), home)
    stored = subprocess.run(
        ["bash", "-c", snippet], cwd=tmp_path, env=env, input="sftp-pw-4242\nhttps://example.org/hook\n",
        capture_output=True, text=True, timeout=300, start_new_session=True,
    )  # fmt: skip
    assert stored.returncode == 0, stored.stderr
    read = "from csc_report.flows.arrival import secret_options; print(secret_options('csc-sftp-874'))"
    found = subprocess.run(
        [sys.executable, "-c", read], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip().splitlines()[-1] == "{'password': 'sftp-pw-4242'}"
    with contextlib.closing(sqlite3.connect(home / "prefect.db")) as db:  # the test's home holds them
        names = {name for (name,) in db.execute("SELECT name FROM block_document")}
    assert {"csc-sftp-874", "csc-teams"} <= names
