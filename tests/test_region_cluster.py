"""Region mode on a cluster of other machines (issue 39): paths made absolute where the command runs,
each worker checking that it sees them, and end to end on a real cluster of separate processes: `dask
scheduler` and two `dask worker`s started in a folder of their own, `csc-report region --address` run
from another with relative paths, one worker killed mid-authority. Every output lands under the
command's folders and every figure equals the authority's own local run."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

import pytest
from conftest import BIN
from csc_report.transforms.pseudonymise import load_or_create_key
from servers import free_port, stop_process
from test_region import indicator_rows

from csc_report import cluster, month
from csc_report.errors import UsageError
from csc_report.generate import generate_inbox
from csc_report.settings import RunPaths

# --- what a worker checks, as plain functions ----------------------------------------------------------


def test_paths_are_made_absolute_from_the_working_folder_and_the_default_key_resolved_there(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CSC_REPORT_KEY_FILE", "keys/k.key")
    got = RunPaths(Path("../in"), Path("wh/x.duckdb"), Path("out")).absolute()
    assert got == RunPaths(tmp_path.parent / "in", tmp_path / "wh", tmp_path / "out", tmp_path / "keys/k.key")


@pytest.fixture
def seen(tmp_path) -> tuple[RunPaths, str]:
    paths = RunPaths(tmp_path / "inbox", tmp_path / "wh", tmp_path / "out", tmp_path / "k.key")
    paths.inbox.mkdir()
    paths.warehouse.mkdir()
    return paths, cluster.key_fingerprint(load_or_create_key(paths.key_file))


@pytest.mark.parametrize("missing", ["inbox", "warehouse", "key_file"])
def test_a_worker_that_cannot_see_a_path_names_its_host_and_the_path(seen, missing):
    paths, fingerprint = seen
    cluster.check_worker(paths, fingerprint, "10.0.0.7")  # it sees them all
    path = getattr(paths, missing)
    os.rename(path, path.with_name("gone"))
    with pytest.raises(UsageError) as caught:
        cluster.check_worker(paths, fingerprint, "10.0.0.7")
    assert str(caught.value) == (
        f"worker 10.0.0.7 cannot see {path}: region mode needs the same paths on every machine "
        "(docs/operations.md, region mode)"
    )
    assert caught.value.exit_code == 2


def test_a_worker_that_sees_another_key_at_the_path_is_stopped(seen):
    paths, fingerprint = seen
    paths.key_file.unlink()
    load_or_create_key(paths.key_file)  # another machine's own key, at the same path
    with pytest.raises(UsageError, match=r"worker 10\.0\.0\.7 sees another pseudonymisation key at .*k\.key"):
        cluster.check_worker(paths, fingerprint, "10.0.0.7")


def test_the_worker_host_is_that_of_its_address():
    assert cluster.worker_host("tcp://10.0.0.7:40211") == "10.0.0.7"
    assert cluster.worker_host(None)  # outside a worker: this machine's name


# --- end to end on a cluster of separate processes ---------------------------------------------------

LAS = ["881", "882"]
MONTHS = ["2013-04", "2013-05", "2013-06"]
FIGURES_ONLY = month.Stages(publish=lambda *args: ({}, 0.0))


def local_run(single: RunPaths, la: str) -> list[str]:
    """The authority's months through the plain lifecycle on this machine, up to its figures."""
    return [o.status for o in month.run_in_order(single, la, MONTHS, stages=FIGURES_ONLY)]


def start(args: list[str], folder: Path, env: dict, name: str) -> tuple[subprocess.Popen, object]:
    log = (folder / f"{name}.log").open("wb")
    return subprocess.Popen(args, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT), log


def wait_for(check, what: str, process: subprocess.Popen, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def month_done(outputs: Path, la: str, m: str) -> bool:
    run_json = outputs / la / m / "run.json"
    try:
        return json.loads(run_json.read_text())["status"] == "done"
    except (OSError, ValueError):
        return False


@pytest.mark.slow
def test_region_on_an_external_cluster_from_another_folder_survives_a_lost_worker(tmp_path):
    from distributed import Client

    machines, here = tmp_path / "cluster", tmp_path / "command"
    machines.mkdir()
    here.mkdir()
    for seed, la in enumerate(LAS, 1):
        generate_inbox(here / "inbox", la_code=la, end=MONTHS[-1], months=len(MONTHS), scale=0.1, seed=seed)
    # the workers' own default key file would be under the cluster's folder: none may appear there
    env = {**os.environ, "XDG_CONFIG_HOME": str(machines / "config")}
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "900"  # the command's own API, on a busy CI
    env.pop("CSC_REPORT_KEY_FILE", None)
    address = f"tcp://127.0.0.1:{free_port()}"
    processes = [
        start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
               "--no-dashboard"], machines, env, "scheduler"),
    ]  # fmt: skip
    try:
        with Client(address, timeout=120) as client:
            for n in (1, 2):
                processes.append(
                    start([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                           "--no-dashboard"], machines, env, f"worker-{n}"),
                )  # fmt: skip
            client.wait_for_workers(2, timeout=120)
        command = {**env, "XDG_CONFIG_HOME": str(here / "config")}
        region = [str(BIN / "csc-report"), "region", "--inbox", "inbox", "--warehouse", "wh", "--outputs",
                  "out", "--from", MONTHS[0], "--to", MONTHS[-1], "--address", address]  # fmt: skip
        run, log = start(region, here, command, "region")
        processes.append((run, log))
        # a worker is lost mid-authority: killed once the authority's first month is done
        lost = LAS[0]
        wait_for(lambda: month_done(here / "out", lost, MONTHS[0]), f"{lost} {MONTHS[0]}", run)
        holder = (here / "wh" / f"{lost}.duckdb.lock").read_text()  # "pid N since ...": its worker
        os.kill(int(holder.split()[1]), signal.SIGKILL)
        assert run.wait(timeout=600) == 0, (here / "region.log").read_text()[-3000:]
    finally:
        for process, log in reversed(processes):
            stop_process(process, log)
    said = (here / "region.log").read_text()
    # the lost worker's finished months were skipped when its authority ran again: done in this run
    n = len(LAS) * len(MONTHS)
    assert f"{n} months: {n} done, 0 skipped (already done), 0 awaiting data, 0 failed" in said, said[-3000:]
    assert "(by a worker lost later)" in said

    # every output is under the command's folders, nothing under the workers' folder
    key = here / "config" / "csc-report" / "pseudonym.key"
    assert key.is_file()  # the command's default key, made once, where the command ran
    assert "created a new pseudonymisation key" in said
    written = {p.relative_to(machines).parts[0] for p in machines.rglob("*") if p.suffix != ".log"}
    assert written <= {"dask-scratch-space"}, written
    for la in LAS:
        for m in MONTHS:
            assert month_done(here / "out", la, m), (la, m)
            assert (here / "out" / la / m / "report.html").is_file()
    for m in MONTHS:
        assert (here / "out" / "region" / m / "region.html").is_file()

    # every figure is that of the authority's own run on this machine, with the same key
    single = RunPaths(here / "inbox", tmp_path / "single", tmp_path / "single-out", key)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert list(pool.map(local_run, repeat(single), LAS)) == [["done"] * len(MONTHS)] * len(LAS)
    for la in LAS:
        got = indicator_rows(here / "wh" / f"{la}.duckdb")
        assert got and got == indicator_rows(single.warehouse_file(la)), la


@pytest.mark.slow
def test_a_worker_that_cannot_see_the_paths_stops_the_region_run_with_its_line(tmp_path, monkeypatch):
    """Through the real flow and a Dask worker in this process (so that the worker's check can be made
    to fail here): the worker's UsageError reaches the command as itself, exit 2, not as failed months."""
    from csc_report.flows.console import run_flow
    from csc_report.flows.region import region_backfill
    from prefect_dask import DaskTaskRunner

    generate_inbox(tmp_path / "inbox", la_code=LAS[0], end=MONTHS[0], months=1, scale=0.1, seed=1)

    def unseen(paths, fingerprint, host):
        raise UsageError(f"worker {host} cannot see {paths.inbox}: {cluster.SAME_PATHS}")

    monkeypatch.setattr(cluster, "check_worker", unseen)
    in_this_process = DaskTaskRunner(
        cluster_kwargs={"processes": False, "n_workers": 1, "dashboard_address": None}
    )
    with pytest.raises(
        UsageError, match=f"cannot see {tmp_path / 'inbox'}: region mode needs the same paths"
    ):
        run_flow(
            region_backfill.with_options(task_runner=in_this_process),
            inbox=str(tmp_path / "inbox"),
            las=None,
            first=MONTHS[0],
            last=MONTHS[0],
            warehouse=str(tmp_path / "wh"),
            outputs=str(tmp_path / "out"),
            key_file=str(tmp_path / "k.key"),
        )
    assert not (tmp_path / "out" / LAS[0]).exists()  # no month was tried
