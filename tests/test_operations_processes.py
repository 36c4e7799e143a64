"""Operations across processes: `csc-report` runs as a user or a scheduler starts it, against one real
local Prefect server (the session's `prefect_server`): a no-op re-run, two concurrent runs on one
warehouse, a run killed hard in the middle of its load, the scheduled deployments registered by
`csc-report serve` and by `prefect deploy` with prefect.yaml, and crashes: a served run killed with
SIGKILL and a run by hand stopped with SIGTERM are told, and leave no process behind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import BIN, DEMO_LA, DEMO_MONTHS, ROOT, fingerprint, la_file
from csc_report.flows.console import run_flow
from csc_report.flows.monthly import monthly_report
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.settings import PREFECT_API_URL, temporary_settings
from servers import WebhookReceiver

from csc_report import warehouse

LA, MONTHS = DEMO_LA, DEMO_MONTHS
pytestmark = pytest.mark.slow  # real processes and a real server: seconds per test
PAUSED_RUN = Path(__file__).with_name("paused_run.py")
PATH_ARGS = ("inbox", "la", "warehouse", "outputs", "key_file")


def run_args(params: dict, month: str, *extra: str) -> list[str]:
    return [
        "run",
        "--month",
        month,
        *extra,
        *[
            a
            for k in ("inbox", "la", "warehouse", "outputs", "key_file")
            for a in (f"--{k.replace('_', '-')}", params[k])
        ],
    ]


def wait_for(
    predicate, what: str, process: subprocess.Popen | None = None, timeout: float = 180, seen=lambda: ""
) -> None:
    """Poll `predicate` until it holds; fail if `process` ends first or `timeout` passes, saying what
    `seen` reports (a log's tail, what arrived), so a failure on a loaded CI machine can be read."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"process ended (status {process.returncode}) before {what}\n{seen()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{seen()}")
        time.sleep(0.1)


def served_deployment(client, la: str, inbox: Path):
    """The deployment `monthly-report/monthly-<la>` once this test's serve has registered it, else
    None. The session's server keeps an earlier test's deployment of the same name: until serve
    replaces it, its parameters name that test's inbox, and a run started from it waits on defaults."""
    try:
        deployment = client.read_deployment_by_name(f"monthly-report/monthly-{la}")
    except Exception:
        return None
    return deployment if deployment.parameters.get("inbox") == str(inbox) else None


@pytest.fixture
def copy_of_demo(demo, tmp_path):
    """The demo's inbox and key with a copy of its warehouse and fresh outputs, for runs that write."""
    root, params, _ = demo
    copy = {**params, "warehouse": str(tmp_path / "wh"), "outputs": str(tmp_path / "out")}
    Path(copy["warehouse"]).mkdir()
    shutil.copy(la_file(params), la_file(copy))
    return copy


def test_cli_rerun_of_a_done_month_is_a_no_op_without_prefect(demo, tmp_path):
    """No engine starts: the Prefect API named here does not exist, and the command still succeeds."""
    root, params, _ = demo
    env = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api"}
    exe = str(BIN / "csc-report")
    run = subprocess.run([exe, *run_args(params, MONTHS[-1])], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "already done" in run.stdout and "--force" in run.stdout
    backfill = [exe, "backfill", "--from", MONTHS[0], "--to", MONTHS[-1], *run_args(params, "x")[3:]]
    result = subprocess.run(backfill, env=env, capture_output=True, text=True)
    assert result.returncode == 0 and "3 months of 874 already done" in result.stdout


def test_two_concurrent_runs_one_waits_for_the_other(prefect_server, copy_of_demo, tmp_path):
    """Two runs (two months) start together on one warehouse. Whichever takes the warehouse first is
    held inside its load until the other says it is waiting; then both finish, one after the other,
    and the figures are those of a clean run."""
    params = copy_of_demo
    before, done_before = fingerprint(la_file(params)), completed_runs(la_file(params))
    env = prefect_server.client_env(tmp_path / "prefect")
    release = tmp_path / "release"
    runs = []
    for month in MONTHS[-2:]:
        marker, err = tmp_path / f"in-load-{month}", tmp_path / f"{month}.err"
        args = [str(PAUSED_RUN), str(marker), str(release), *run_args(params, month, "--force")]
        with err.open("w") as handle:
            process = subprocess.Popen(
                [sys.executable, *args], env=env, stdout=subprocess.PIPE, stderr=handle, text=True
            )
        runs.append((process, marker, err))

    def one_holds_the_other_waits():
        held = [r for r in runs if r[1].exists()]
        waiting = [r for r in runs if "waiting for the warehouse" in r[2].read_text()]
        return len(held) == 1 and len(waiting) == 1 and held != waiting

    try:
        wait_for(one_holds_the_other_waits, "one run to hold the warehouse and the other to wait")
    finally:
        release.touch()
    for process, _, err in runs:
        assert process.wait(timeout=120) == 0, err.read_text()
        assert "indicators published" in process.stdout.read()
    assert fingerprint(la_file(params)) == before
    assert completed_runs(la_file(params)) == done_before + 2


def completed_runs(path: str) -> int:
    con = warehouse.connect(Path(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM runs WHERE status = 'done'").fetchall()[0][0]
    finally:
        con.close()


def test_hard_kill_during_load_leaves_the_warehouse_as_it_was(prefect_server, copy_of_demo, tmp_path):
    params = copy_of_demo
    before, figures = fingerprint(la_file(params), exclude=set()), fingerprint(la_file(params))
    env = prefect_server.client_env(tmp_path / "prefect")
    marker = tmp_path / "in-load"
    args = [str(PAUSED_RUN), str(marker), str(tmp_path / "never"), *run_args(params, MONTHS[-1], "--force")]
    victim = subprocess.Popen(
        [sys.executable, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for(marker.exists, "the run to reach its load", victim)
    os.kill(victim.pid, signal.SIGKILL)
    assert victim.wait(timeout=30) == -signal.SIGKILL
    assert fingerprint(la_file(params), exclude=set()) == before  # the open transaction is gone
    outcome = run_flow(monthly_report, month=MONTHS[-1], force=True, **params)  # and the lock with it
    assert outcome.status == "done"
    assert fingerprint(la_file(params)) == figures


def test_serve_and_prefect_yaml_register_scheduled_deployments(prefect_server, tmp_path):
    """`csc-report serve` registers one deployment per configured authority with its cron schedule; a
    team's `prefect deploy` with prefect.yaml registers the work-pool deployment. One test, one server."""
    schedule = tmp_path / "schedule.yaml"
    (tmp_path / "inbox").mkdir()  # serve refuses a missing inbox (issue 41); its authorities' folders wait
    authorities = [
        {"la": "901", "inbox": str(tmp_path / "inbox")},
        {"la": "902", "inbox": str(tmp_path / "inbox"), "cron": "30 7 5 * *", "timezone": "UTC"},
    ]
    schedule.write_text(yaml.safe_dump({"authorities": authorities}))
    env = prefect_server.client_env(tmp_path / "prefect")
    serve = subprocess.Popen(
        [str(BIN / "csc-report"), "serve"],  # the default schedule file: schedule.yaml, here
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        with temporary_settings(updates={PREFECT_API_URL: prefect_server.url}):
            with get_client(sync_client=True) as client:

                def registered() -> bool:
                    return all(served_deployment(client, la, tmp_path / "inbox") for la in ("901", "902"))

                wait_for(registered, "serve to register", serve, 90)
                first, second = (served_deployment(client, la, tmp_path / "inbox") for la in ("901", "902"))
                assert (first.schedules[0].schedule.cron, first.schedules[0].schedule.timezone) == (
                    "0 6 3 * *",
                    "Europe/London",
                )
                assert (second.schedules[0].schedule.cron, second.schedules[0].schedule.timezone) == (
                    "30 7 5 * *",
                    "UTC",
                )
                assert first.parameters == {"la": "901", "inbox": str(tmp_path / "inbox")}

                deploy_env = {**env, "CSC_REPORT_HOME": str(ROOT), "CSC_REPORT_DATA": str(tmp_path / "data")}
                prefect = str(BIN / "prefect")
                for command in (
                    [prefect, "work-pool", "create", "csc-report", "--type", "process"],
                    [prefect, "--no-prompt", "deploy", "--all"],
                ):
                    done = subprocess.run(command, env=deploy_env, cwd=ROOT, capture_output=True, text=True)
                    assert done.returncode == 0, done.stdout + done.stderr
                pooled = client.read_deployment_by_name(f"monthly-report/monthly-{LA}")
                assert pooled.work_pool_name == "csc-report"
                assert pooled.entrypoint == "flows/monthly.py:monthly_report"
                assert pooled.schedules[0].schedule.cron == "0 6 3 * *"
                assert pooled.parameters["inbox"] == f"{tmp_path / 'data'}/inbox"
    finally:
        serve.terminate()
        serve.wait(timeout=30)


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc (Linux)."""
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = {int(c) for c in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += sorted(children - found)
            found |= children
    return found


def running(pids: set[int]) -> set[int]:
    """Those of `pids` still running (a zombie waiting for its parent to read its status is not)."""
    alive = set()
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                alive.add(pid)
        except OSError:
            pass
    return alive


def flow_run_process(pids: set[int], flow_run_id: str) -> int | None:
    """The process among `pids` that runs the flow run (Prefect's runner gives it its id)."""
    for pid in pids:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"PREFECT__FLOW_RUN_ID={flow_run_id}".encode() in environ:
            return pid
    return None


def messages(webhook: WebhookReceiver) -> dict[str, dict]:
    """Title -> message, of everything the webhook received."""
    return {m["title"]: m for m in map(json.loads, webhook.bodies)}


def test_a_served_run_killed_with_sigkill_is_told_and_awaiting_data_ends_quietly(prefect_server, tmp_path):
    """Under `csc-report serve`, authority 901 waits for its month (hours between checks) and its
    flow-run process is killed with SIGKILL: the runner calls the crash hook by keyword, and the
    destinations are told "Crashed". Authority 902 gives up at once (no grace period): "AwaitingData",
    without a traceback anywhere. Both runs are started as docs/operations.md says, with
    `prefect deployment run`. Stopping serve leaves no process behind."""
    (tmp_path / "inbox").mkdir()
    common = {"inbox": str(tmp_path / "inbox"), "warehouse": str(tmp_path / "wh")}
    common.update(outputs=str(tmp_path / "out"), key_file=str(tmp_path / "k.key"), settle_seconds=0)
    authorities = [
        {"la": "901", **common, "check_interval": 3600, "due_working_days": 30},
        {"la": "902", **common, "grace_working_days": 0},
    ]
    (tmp_path / "schedule.yaml").write_text(yaml.safe_dump({"authorities": authorities}))
    webhook = WebhookReceiver()
    env = {**prefect_server.client_env(tmp_path / "prefect"), "CSC_REPORT_NOTIFY": webhook.apprise_url}
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [str(BIN / "csc-report"), "serve", "--schedule", "schedule.yaml"],
        env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    seen: set[int] = set()
    try:
        with temporary_settings(updates={PREFECT_API_URL: prefect_server.url}):
            with get_client(sync_client=True) as client:

                def started(la: str):
                    if served_deployment(client, la, tmp_path / "inbox") is None:
                        return None
                    command = [str(BIN / "prefect"), "deployment", "run", f"monthly-report/monthly-{la}"]
                    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
                    assert done.returncode == 0, done.stdout + done.stderr
                    return re.search(r"UUID: ([0-9a-f-]{36})", done.stdout).group(1)

                ids = {}

                def start(la: str) -> str | None:
                    ids[la] = started(la)
                    return ids[la]

                wait_for(lambda: start("901"), "serve to register 901", serve, 120)
                wait_for(lambda: start("902"), "serve to register 902", serve, 120)

                def waiting_to_check_again() -> bool:
                    seen.update(descendants(serve.pid))
                    runs = client.read_task_runs(
                        flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[ids["901"]]))
                    )
                    return any(r.state and r.state.name == "AwaitingRetry" for r in runs)

                wait_for(waiting_to_check_again, "901 to wait for its month", serve)
                victim = flow_run_process(seen, ids["901"])
                assert victim is not None
                os.kill(victim, signal.SIGKILL)

                def so_far() -> str:
                    log.flush()
                    tail = (tmp_path / "serve.log").read_text()[-4000:]
                    return f"told: {sorted(messages(webhook))}\nserve.log ends:\n{tail}"

                # On a loaded 2-core machine the second run's process can take minutes to start and end.
                wait_for(lambda: len(webhook.bodies) >= 2, "both endings to be told", serve, 300, so_far)
                seen.update(descendants(serve.pid))
                crashed = client.read_flow_run(ids["901"]).state

                def both_ended() -> bool:  # stopping serve cancels (and tells) a run still going
                    return flow_run_process(running(descendants(serve.pid)), ids["902"]) is None

                wait_for(both_ended, "902's process to end", serve)
    finally:
        serve.terminate()
        serve.wait(timeout=60)
        log.close()
        webhook.stop()
    told = messages(webhook)
    month = next(iter(told)).split()[2].rstrip(":")
    assert crashed.is_crashed()
    assert set(told) == {f"csc-report 901 {month}: Crashed", f"csc-report 902 {month}: AwaitingData"}
    crash = told[f"csc-report 901 {month}: Crashed"]
    assert crash["type"] == "failure"
    assert crash["message"].startswith(
        f"Authority 901, month {month}: Crashed. the run stopped before it finished: "
        "its process ended with status -9 (SIGKILL)."
    )
    assert told[f"csc-report 902 {month}: AwaitingData"]["type"] == "warning"
    output = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in output and "unexpected exception" not in output, output
    assert not list((tmp_path / "out").rglob("run.json"))  # nothing written for months that never came
    assert not running(seen)


def test_a_hand_run_stopped_with_sigterm_is_told_and_stops_its_temporary_server(copy_of_demo, tmp_path):
    """`csc-report run` without PREFECT_API_URL starts a temporary Prefect server as its child. Stopped
    with SIGTERM in the middle of its load, it marks the run Crashed, tells the destinations, stops
    that server and exits 143 with one line. The Prefect home it made is owner-only."""
    params = copy_of_demo
    webhook = WebhookReceiver()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["CSC_REPORT_NOTIFY"] = webhook.apprise_url
    env["XDG_STATE_HOME"] = str(tmp_path / "state")  # the run's Prefect home: state/csc-report/prefect
    marker = tmp_path / "in-load"
    args = [str(PAUSED_RUN), str(marker), str(tmp_path / "never"), *run_args(params, MONTHS[-1], "--force")]
    victim = subprocess.Popen(
        [sys.executable, *args], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        wait_for(marker.exists, "the run to reach its load", victim)
        seen = descendants(victim.pid)
        assert seen, "the temporary Prefect server runs as a child process"
        victim.send_signal(signal.SIGTERM)
        _, err = victim.communicate(timeout=120)
        wait_for(lambda: webhook.bodies, "the crash to be told", timeout=30)
    finally:
        victim.kill() if victim.poll() is None else None
        webhook.stop()
    assert victim.returncode == 143, err
    assert err.strip().splitlines()[-1] == (
        "csc-report: run stopped by SIGTERM before it finished; the run is marked Crashed and kept "
        "nothing uncommitted"
    )
    assert "Traceback" not in err
    [crash] = messages(webhook).values()
    assert crash["title"] == f"csc-report {LA} {MONTHS[-1]}: Crashed" and crash["type"] == "failure"
    assert "its process was stopped by a signal" in crash["message"]
    assert not running(seen)
    home = tmp_path / "state" / "csc-report" / "prefect"
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    modes = {stat.S_IMODE(p.stat().st_mode) for p in home.rglob("*")}
    assert modes <= {0o600, 0o700} and 0o600 in modes
