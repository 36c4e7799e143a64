"""An SFTP server's host key is checked against known_hosts before any credential is sent: against a
real SSH server on 127.0.0.1 (asyncssh, which records every authentication attempt), with a known, an
unknown and a changed key, `host_key_policy: accept-new`, the user's own known_hosts, and the whole
command line (one line, exit 2, not retried, notified).
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
import uuid

import asyncssh
import pytest
from conftest import BIN
from csc_report.flows.monthly import monthly_report
from prefect.blocks.system import Secret
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from servers import SftpServer, WebhookReceiver

from csc_report import sources
from csc_report.errors import HostKeyRejected, UsageError

LA, MONTH = "874", "2013-06"
pytestmark = pytest.mark.slow  # a real SSH server


@pytest.fixture
def sftp(tmp_path):
    srv = SftpServer(tmp_path / "root")
    srv.put(f"{LA}/{MONTH}/annex_a_{MONTH}.xlsx", b"not read: only listed")
    yield srv
    srv.stop()


def listing(srv: SftpServer, **options) -> dict:
    return sources.Source.parse(srv.url, {**srv.options, **options}, srv.secret).listing(LA, MONTH)


def fingerprint(key) -> str:
    """The key's SHA256 fingerprint as OpenSSH prints it, computed by asyncssh (not paramiko)."""
    return key.get_fingerprint("sha256")


def impostor_known_hosts(srv: SftpServer, path) -> None:
    """known_hosts holding another key for the server's address: the genuine server's, as far as the
    file knows, while the one answering now is an impostor (or the server was rebuilt)."""
    path.write_text(srv.known_hosts_line(asyncssh.generate_private_key("ssh-ed25519")))


def test_a_known_key_is_trusted(sftp):
    assert f"{LA}/{MONTH}/annex_a_{MONTH}.xlsx" in listing(sftp)
    assert sftp.auth_attempts == ["council"]


def test_an_unknown_key_stops_the_connection_before_any_credential(sftp, tmp_path):
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with pytest.raises(HostKeyRejected) as caught:
        listing(sftp, known_hosts=str(empty))
    message = str(caught.value)
    assert message.startswith(f"[127.0.0.1]:{sftp.port}: host key {fingerprint(sftp.host_key)} ")
    assert f"is not in {empty}" in message and "\n" not in message
    assert caught.value.exit_code == 2
    assert sftp.auth_attempts == []  # not even a user name was sent


def test_a_changed_key_stops_the_connection_even_with_accept_new(sftp, tmp_path):
    known = tmp_path / "known_hosts"
    impostor_known_hosts(sftp, known)
    for policy in ("strict", "accept-new"):
        with pytest.raises(HostKeyRejected) as caught:
            listing(sftp, known_hosts=str(known), host_key_policy=policy)
        assert f"host key {fingerprint(sftp.host_key)} is NOT the one {known} holds" in str(caught.value)
        assert "man in the middle" in str(caught.value) and sftp.password not in str(caught.value)
    assert sftp.auth_attempts == []


def test_accept_new_trusts_a_first_key_writes_it_and_then_holds_to_it(sftp, tmp_path):
    known = tmp_path / "ssh" / "known_hosts"
    assert listing(sftp, known_hosts=str(known), host_key_policy="accept-new")
    assert known.read_text().split() == sftp.known_hosts_line().split()
    assert stat.S_IMODE(known.stat().st_mode) == 0o600
    assert stat.S_IMODE(known.parent.stat().st_mode) == 0o700
    assert listing(sftp, known_hosts=str(known))  # strict from now on, with the key written

    with pytest.raises(UsageError, match="host_key_policy must be one of strict, accept-new"):
        listing(sftp, host_key_policy="auto_add")
    with pytest.raises(UsageError, match="does not exist"):
        listing(sftp, known_hosts=str(tmp_path / "nowhere"))


def test_the_users_own_known_hosts_is_the_default(sftp, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    source = sources.Source.parse(sftp.url, None, sftp.secret)
    with pytest.raises(HostKeyRejected, match=f"is not in {tmp_path / 'home' / '.ssh' / 'known_hosts'}"):
        source.listing(LA, MONTH)
    (tmp_path / "home" / ".ssh").mkdir(parents=True)
    (tmp_path / "home" / ".ssh" / "known_hosts").write_text(sftp.known_hosts_line())
    assert source.listing(LA, MONTH)


def test_a_scheduled_run_meeting_a_changed_key_fails_at_once_and_tells(sftp, tmp_path):
    """Waiting retries a missing month for days; a wrong host key is configuration, never retried."""
    impostor_known_hosts(sftp, sftp.known_hosts)
    webhook = WebhookReceiver()
    block = f"mitm-{uuid.uuid4().hex[:8]}"
    Secret(value=webhook.apprise_url).save(block)
    secret = f"sftp-{uuid.uuid4().hex[:8]}"
    Secret(value=json.dumps(sftp.secret)).save(secret)
    try:
        state = monthly_report(
            la=LA, inbox=sftp.url, inbox_options=sftp.options, inbox_secret=secret, month=MONTH, wait=True,
            check_interval=1.0, grace_working_days=60 / 86400, settle_seconds=0,
            warehouse=str(tmp_path / "wh"), outputs=str(tmp_path / "out"),
            key_file=str(tmp_path / "secret.key"), notify=[f"secret/{block}"], return_state=True,
        )  # fmt: skip
    finally:
        webhook.stop()
    assert state.is_failed() and state.name == "Failed"
    assert isinstance(state.result(raise_on_failure=False), HostKeyRejected)
    assert pull_run_count(state.state_details.flow_run_id) == 1
    [told] = [json.loads(body) for body in webhook.bodies]
    assert told["title"] == f"csc-report {LA} {MONTH}: Failed" and told["type"] == "failure"
    assert f"host key {fingerprint(sftp.host_key)} is NOT the one" in told["message"]
    assert sftp.auth_attempts == []
    assert not (tmp_path / "out" / LA / MONTH / "run.json").exists()


def pull_run_count(flow_run_id) -> int:
    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as client:
        while True:
            only = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            runs = client.read_task_runs(flow_run_filter=only)
            pulls = [r for r in runs if r.name.startswith("pull-extract") and r.state and r.state.is_final()]
            if pulls or time.monotonic() > deadline:
                return max((r.run_count for r in pulls), default=0)
            time.sleep(0.2)


def test_the_command_line_says_one_line_and_exits_2_on_a_changed_key(sftp, tmp_path, prefect_server):
    impostor_known_hosts(sftp, sftp.known_hosts)
    env = {**prefect_server.client_env(tmp_path / "prefect"), "FSSPEC_SFTP_PASSWORD": sftp.password}
    args = [str(BIN / "csc-report"), "run", "--inbox", sftp.url, "--la", LA, "--month", MONTH]
    args += ["--inbox-option", f"known_hosts={sftp.known_hosts}", "--key-file", str(tmp_path / "k.key")]
    done = subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    [line] = lines
    assert line.startswith(f"csc-report: [127.0.0.1]:{sftp.port}: host key {fingerprint(sftp.host_key)} ")
    assert "Traceback" not in done.stdout + done.stderr and sftp.password not in done.stdout + done.stderr
    assert sftp.auth_attempts == []


def test_no_credentials_at_all_says_so_and_sends_none(sftp, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.ssh keys for paramiko to find
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)  # and no agent
    monkeypatch.delenv("FSSPEC_SFTP_PASSWORD", raising=False)
    with pytest.raises(UsageError) as caught:
        sources.Source.parse(sftp.url, sftp.options).listing(LA, MONTH)
    assert str(caught.value).startswith(
        f"{sources.display_url(sftp.url)}: no credentials were found, so none were sent"
    )
    assert len(sftp.connections) == 1  # it reached the server ...
    assert sftp.auth_attempts == []  # ... and sent no user name, let alone a password or key


def test_an_sftp_inbox_without_paramiko_names_the_package_to_install(monkeypatch):
    for name in ("paramiko", "csc_report.host_keys", "fsspec.implementations.sftp"):
        monkeypatch.setitem(sys.modules, name, None)  # as if never installed
    with pytest.raises(UsageError, match=r"needs the paramiko package: pip install paramiko \(or "):
        sources.Source.parse("sftp://council@127.0.0.1:1/inbox").listing(LA, MONTH)
