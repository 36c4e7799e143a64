"""Operations, in this process, with the real Prefect engine: re-runs, the cache, waiting for data,
retries on a locked warehouse, artifacts and logs.

Task outcomes are read back from the Prefect API (state names such as "Cached"), not inferred from
timings. Tests that run `csc-report` as separate processes are in test_operations_processes.py.
"""

from __future__ import annotations

import base64
import csv
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import DEMO_LA, DEMO_MONTHS, fingerprint, found_in, la_file, planted_values
from csc_report.flows import tasks
from csc_report.flows.artifacts import artifact_key
from csc_report.flows.console import run_flow
from csc_report.flows.monthly import monthly_report
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterName,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.logging.handlers import APILogHandler

from csc_report import fingerprints, warehouse
from csc_report.errors import ExtractMissing, WarehouseBusy
from csc_report.lock import warehouse_lock
from csc_report.settings import RunPaths

LA, MONTHS = DEMO_LA, DEMO_MONTHS
pytestmark = pytest.mark.slow  # the real engine, a demo backfill; seconds per test


def task_runs(flow_run_id, expect: int) -> dict[str, object]:
    """Task name (without Prefect's suffix) -> its task run, once all `expect` runs reached a final state.

    Task run states reach the API as events, so they are polled for rather than read once.
    """
    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
            final = [r for r in runs if r.state and r.state.is_final()]
            if len(final) >= expect or time.monotonic() > deadline:
                return {r.name.rsplit("-", 1)[0]: r for r in final}
            time.sleep(0.2)


def test_month_already_done_is_a_skipped_no_op(demo):
    root, params, _ = demo
    before = fingerprint(la_file(params), exclude=set())
    state = monthly_report(month=MONTHS[-1], **params, return_state=True)
    assert state.name == "Skipped" and "already done" in state.message
    assert state.result().status == "skipped"
    assert fingerprint(la_file(params), exclude=set()) == before  # not even a `runs` row


def test_reloading_an_earlier_month_makes_later_months_due(demo, tmp_path):
    root, params, _ = demo
    copy = {**params, "warehouse": str(tmp_path / "wh"), "outputs": str(tmp_path / "out")}
    (tmp_path / "wh").mkdir()
    shutil.copy(la_file(params), la_file(copy))
    shutil.copytree(params["outputs"], copy["outputs"])
    paths = RunPaths(Path(copy["inbox"]), Path(copy["warehouse"]), Path(copy["outputs"]))

    def done(month):
        return fingerprints.already_done(
            paths, LA, month, "public", fingerprints.month_inputs(paths, LA, month)
        )

    assert done(MONTHS[-1]) and done(MONTHS[-2])
    run_flow(monthly_report, month=MONTHS[-2], force=True, **copy)
    assert done(MONTHS[-2])
    assert done(MONTHS[-1]) is None  # its history now holds a new load of the month before


def test_failed_month_fixed_and_rerun_reuses_read_and_validate(demo, tmp_path):
    """population.csv is broken, so the load fails after reading and validating; once it is fixed the
    re-run takes the prepared extract from the cache and ends with the figures of a clean run."""
    root, params, _ = demo
    month = MONTHS[0]
    inbox = tmp_path / "inbox"
    shutil.copytree(Path(params["inbox"]) / "reference", inbox / "reference")
    shutil.copytree(Path(params["inbox"]) / LA / month, inbox / LA / month)
    population = inbox / "reference" / "population.csv"
    good = population.read_text()
    population.write_text(good + f"{LA},2014,lots\n")
    run = {**params, "inbox": str(inbox), "warehouse": str(tmp_path / "wh")}
    run["outputs"] = str(tmp_path / "out")

    failed = monthly_report(month=month, **run, return_state=True)
    assert failed.is_failed() and "population.csv" in failed.message
    first = task_runs(failed.state_details.flow_run_id, expect=3)
    assert first["read-validate-pseudonymise"].state.name == "Completed"
    assert first["load"].state.name == "Failed" and first["load"].run_count == 1  # bad data: no retry

    cache = Path(run["warehouse"]) / "cache"
    [entry] = cache.iterdir()
    kept = [pq.read_table(p).to_pandas().to_csv() for p in entry.rglob("*.parquet")]
    records = [json.loads(p.read_bytes()) for p in entry.iterdir() if p.is_file()]  # Prefect's result
    kept += [base64.b64decode(r["result"]).decode("latin-1") for r in records]  # the pickled Prepared
    planted, _ = planted_values(Path(params["inbox"]))
    assert len(records) == 1 and not found_in(planted, "\n".join(kept))

    population.write_text(good)
    fixed = monthly_report(month=month, **run, return_state=True)
    assert fixed.is_completed() and fixed.name == "Completed"
    second = task_runs(fixed.state_details.flow_run_id, expect=5)
    assert second["read-validate-pseudonymise"].state.name == "Cached"
    assert {second[name].state.name for name in ("load", "indicators", "publish")} == {"Completed"}
    record = json.loads((Path(run["outputs"]) / LA / month / "run.json").read_text())
    assert record["status"] == "done" and record["reused"] == ["read", "validate", "pseudonymise"]
    assert not cache.exists() or not any(cache.iterdir())  # a done month leaves no cache entry
    clean = (Path(params["outputs"]) / LA / month / "indicators.csv").read_text()
    assert (Path(run["outputs"]) / LA / month / "indicators.csv").read_text() == clean
    assert (Path(run["outputs"]) / LA / month / "data_docs" / "index.html").exists()


def test_missing_extract_ends_awaiting_data(demo, tmp_path):
    root, params, _ = demo
    run = {**params, "outputs": str(tmp_path / "out")}
    state = monthly_report(month="2014-01", **run, return_state=True)
    assert state.is_failed() and state.name == "AwaitingData"
    assert "2014-01" in state.message and "folder missing" in state.message
    with pytest.raises(ExtractMissing):
        run_flow(monthly_report, month="2014-01", **run)


def test_writer_lock_waits_then_stops_with_a_clear_message(tmp_path):
    waits = []
    with warehouse_lock(tmp_path / "w.duckdb", timeout=1):
        with pytest.raises(WarehouseBusy, match=r"busy \(pid \d+ since"):
            with warehouse_lock(tmp_path / "w.duckdb", timeout=0.3, on_wait=waits.append):
                pass
    assert len(waits) == 1 and "waiting for the warehouse" in waits[0]
    with warehouse_lock(tmp_path / "w.duckdb", timeout=0):
        pass  # released


HOLD_DUCKDB_LOCK = """
import os, sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
deadline = time.monotonic() + 60
while not os.path.exists(sys.argv[2]) and time.monotonic() < deadline:
    time.sleep(0.05)
"""


def release_after_first_failure(flow_name: str, release: Path) -> threading.Thread:
    """Create `release` once the flow's task is waiting to retry: the first attempt has met the lock."""

    def watch():
        deadline = time.monotonic() + 60
        with get_client(sync_client=True) as client:
            while time.monotonic() < deadline:
                runs = client.read_task_runs(
                    flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[flow_name]))
                )
                if any(r.state and r.state.name in ("AwaitingRetry", "Retrying") for r in runs):
                    break
                time.sleep(0.1)
        release.touch()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_warehouse_locked_by_another_process_is_retried(demo, tmp_path):
    """Another process (not a csc-report run, so it ignores our lock file) holds DuckDB's own lock until
    the indicators task has failed on it once: the task is retried after back-off and succeeds."""
    root, params, _ = demo
    copy, release = tmp_path / "wh" / f"{params['la']}.duckdb", tmp_path / "release"
    copy.parent.mkdir()
    shutil.copy(la_file(params), copy)
    paths = RunPaths(Path(params["inbox"]), copy.parent, tmp_path / "out")
    run_name = f"locked-{tmp_path.name}"

    @flow(name="compute-on-a-locked-warehouse", flow_run_name=run_name)
    def compute_while_locked():
        watcher = release_after_first_failure(run_name, release)
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_DUCKDB_LOCK, str(copy), str(release)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "locked"
            return tasks.compute(paths, LA, MONTHS[-1])
        finally:
            release.touch()
            holder.wait(timeout=30)
            watcher.join(timeout=30)

    state = compute_while_locked(return_state=True)
    assert state.is_completed()
    [run] = task_runs(state.state_details.flow_run_id, expect=1).values()
    assert run.state.name == "Completed" and run.run_count >= 2


def test_the_writing_tasks_carry_the_writer_tag_only_where_a_limit_on_it_exists(demo, tmp_path):
    """Prefect asks its API for a tagged task's slots even where no limit exists (0.4-0.7 s a task): the
    tag goes on load and indicators only once `prefect concurrency-limit create duckdb-writer 1` (the
    same client call here) has made a limit for it to act through."""
    root, params, _ = demo
    copy = tmp_path / "wh" / f"{params['la']}.duckdb"
    copy.parent.mkdir()
    shutil.copy(la_file(params), copy)
    paths = RunPaths(Path(params["inbox"]), copy.parent, tmp_path / "out")

    @flow(name="indicators-tagged-if-limited")
    def indicators():
        stages = tasks.writer_tagged(tasks.STAGES)
        assert stages.publish is tasks.STAGES.publish and stages.prepare is tasks.STAGES.prepare
        return stages.compute(paths, LA, MONTHS[-1])

    def tags_of_its_task_run() -> list[str]:
        state = indicators(return_state=True)
        assert state.is_completed()
        [run] = task_runs(state.state_details.flow_run_id, expect=1).values()
        return run.tags

    assert tags_of_its_task_run() == []
    with get_client(sync_client=True) as client:
        client.create_concurrency_limit(tag=tasks.WRITER, concurrency_limit=1)
        try:
            assert tags_of_its_task_run() == [tasks.WRITER]
        finally:
            client.delete_concurrency_limit_by_tag(tasks.WRITER)
    assert tasks.STAGES.load.tags == tasks.STAGES.compute.tags == set()


def test_artifacts_show_each_months_figures(demo):
    """For every month of the backfill, the artifacts that month's run made: its Referrals row is the
    number of List 3 rows of that month's snapshot dated in the month, counted here in SQL (snapshot M
    is the whole truth for M's own dates, contract 1.2), and every row is that month's indicators.csv."""
    root, params, _ = demo
    con = warehouse.connect(la_file(params), read_only=True)
    try:
        referrals = dict(
            con.execute(
                "SELECT strftime(snapshot_month, '%Y-%m'), count(*) FILTER (WHERE referral_date"
                " BETWEEN snapshot_month AND last_day(snapshot_month)) FROM referrals WHERE la_code = ?"
                " GROUP BY ALL",
                [LA],
            ).fetchall()
        )
    finally:
        con.close()
    assert sorted(referrals) == MONTHS and min(referrals.values()) > 0
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(
                    any_=[k for m in MONTHS for k in (artifact_key(LA, m), f"{artifact_key(LA, m)}-report")]
                )
            )
        )
    for m in MONTHS:
        out = Path(params["outputs"]) / LA / m
        flow_run_id = json.loads((out / "run.json").read_text())["flow_run_id"]
        key = artifact_key(LA, m)
        assert key == f"csc-report-{LA}-{m}"
        made = {
            a.key: a for a in found if str(a.flow_run_id) == flow_run_id and a.key in (key, f"{key}-report")
        }
        assert made[key].type == "table"
        rows = made[key].data
        rows = json.loads(rows) if isinstance(rows, str) else rows
        assert all(isinstance(v, str) for row in rows for v in row.values())
        shown = {row["indicator"]: row["value"] for row in rows}
        assert shown["Referrals"] == f"{referrals[m]:,}", m
        with (out / "indicators.csv").open(encoding="utf-8", newline="") as handle:
            published = {row["label"]: row["value"] for row in csv.DictReader(handle)}
        assert len(shown) == len(rows) and shown.keys() == published.keys()  # labels are unique
        for label, value in published.items():  # shown rounded: counts to 1, the rest to 0.1
            assert (shown[label] == "") == (value == ""), (m, label)
            if value:
                assert float(shown[label].replace(",", "")) == pytest.approx(float(value), abs=0.5), (
                    m,
                    label,
                )
        report = made[f"{key}-report"]
        assert report.type == "markdown" and str((out / "report.html").resolve()) in report.data


def test_prefect_logs_carry_no_personal_data(demo):
    root, params, _ = demo
    APILogHandler().flush()  # send the logs still queued in this process
    con = warehouse.connect(la_file(params), read_only=True)
    try:
        ids = [r for (r,) in con.execute("SELECT DISTINCT flow_run_id FROM runs").fetchall()]
    finally:
        con.close()
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)))
    planted, births = planted_values(Path(params["inbox"]))
    text = "\n".join(log.message for log in logs)
    assert len(logs) > 10 and "indicators published" in text
    assert not found_in(planted | births, text)
