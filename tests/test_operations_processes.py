"""Operations across processes: `csc-report` runs as a user or a scheduler starts it, against one real
local Prefect server (the session's `prefect_server`): a no-op re-run, two concurrent runs on one
warehouse, a run killed hard in the middle of its load, and the scheduled deployments registered by
`csc-report serve` and by `prefect deploy` with prefect.yaml.
"""

from __future__ import annotations

import os
import shutil
import signal
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
from prefect.settings import PREFECT_API_URL, temporary_settings

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


def wait_for(predicate, what: str, process: subprocess.Popen | None = None, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"process ended (status {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


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
    authorities = [
        {"la": "901", "inbox": str(tmp_path / "inbox")},
        {"la": "902", "inbox": str(tmp_path / "inbox"), "cron": "30 7 5 * *", "timezone": "UTC"},
    ]
    schedule.write_text(yaml.safe_dump({"authorities": authorities}))
    env = {**prefect_server.client_env(tmp_path / "prefect"), "CSC_REPORT_SCHEDULE": str(schedule)}
    serve = subprocess.Popen(
        [str(BIN / "csc-report"), "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        with temporary_settings(updates={PREFECT_API_URL: prefect_server.url}):
            with get_client(sync_client=True) as client:

                def registered(name):
                    try:
                        return client.read_deployment_by_name(name)
                    except Exception:
                        return None

                wait_for(lambda: registered("monthly-report/monthly-902"), "serve to register", serve, 90)
                first, second = (
                    registered("monthly-report/monthly-901"),
                    registered("monthly-report/monthly-902"),
                )
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
