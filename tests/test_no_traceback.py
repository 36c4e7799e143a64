"""No traceback, ever (issue 11), through the real CLI, Prefect flow, GX and DuckDB, in other processes
against the session's Prefect server: a month with only some lists, a month folder holding only the
workforce file, runs of one month at the same time, an unexpected failure, a stopped month's outputs,
and outputs that load nothing from the network.

Each starts from a copy of the demo warehouse (three months done) with fresh outputs.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BIN, DEMO_LA, DEMO_MONTHS, fingerprint, fingerprint_before, la_file
from faulty_run import PLANTED_VALUE
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
from prefect.settings import PREFECT_API_URL, temporary_settings
from test_operations_processes import PAUSED_RUN, wait_for

from csc_report import warehouse
from csc_report.indicator_catalogue import LIST_NAMES
from csc_report.months import month_start

LA, MONTHS = DEMO_LA, DEMO_MONTHS
MONTH = MONTHS[-1]
pytestmark = pytest.mark.slow
FAULTY_RUN = Path(__file__).with_name("faulty_run.py")


@pytest.fixture
def setup(demo, prefect_server, tmp_path):
    """A copy of the demo's inbox and warehouse, fresh outputs, and the environment of a user's shell."""
    root, params, _ = demo
    inbox = tmp_path / "inbox"
    shutil.copytree(params["inbox"], inbox)
    (tmp_path / "wh").mkdir()
    shutil.copy(la_file(params), tmp_path / "wh")
    copy = {
        **params,
        "inbox": str(inbox),
        "warehouse": str(tmp_path / "wh"),
        "outputs": str(tmp_path / "out"),
    }
    return copy, prefect_server.client_env(tmp_path / "prefect")


def cli_args(params: dict, *args: str) -> list[str]:
    paths = [a for k in ("inbox", "la", "warehouse", "outputs") for a in (f"--{k}", params[k])]
    return [*args, *paths, "--key-file", params["key_file"]]


def csc_report(env: dict, params: dict, *args: str, script: list[str] = ()) -> subprocess.CompletedProcess:
    command = [sys.executable, *script] if script else [str(BIN / "csc-report")]
    return subprocess.run([*command, *cli_args(params, *args)], env=env, capture_output=True, text=True)


def assert_one_line(result: subprocess.CompletedProcess) -> str:
    """Exit 1, no traceback, and the error as one `csc-report: ...` line on stderr."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("csc-report: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_month_with_only_lists_3_7_8_as_cp1252_csv_publishes_with_not_available(setup):
    """Situation 1: publishing died with `table caseload_by_team lacks column 'team'`."""
    params, env = setup
    month_dir = Path(params["inbox"]) / LA / MONTH
    workbook = next(month_dir.glob("annex_a*.xlsx"))
    import fastexcel

    reader = fastexcel.read_excel(workbook)
    for number in (3, 7, 8):
        frame = reader.load_sheet(f"List_{number}", header_row=1).to_pandas()
        frame.to_csv(month_dir / f"list_{number}.csv", index=False, encoding="cp1252", errors="replace")
    for path in month_dir.iterdir():
        if path.suffix != ".csv":
            path.unlink()
    before = fingerprint_before(la_file(params), MONTH)
    result = csc_report(env, params, "run", "--month", MONTH, "--force")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    report = (Path(params["outputs"]) / LA / MONTH / "report.md").read_text(encoding="utf-8")
    missing = f"not available: {LIST_NAMES['cin']} was not in this month's extract"
    assert f"Open cases and average caseload by team: {missing}" in report
    assert f"not available: {LIST_NAMES['referrals']}" not in report
    assert fingerprint_before(la_file(params), MONTH) == before


def test_month_folder_with_only_the_workforce_file_awaits_its_extract(setup):
    """Situation 2: publishing died with `table referrals_weekly lacks column 'week_start'`."""
    params, env = setup
    month_dir = Path(params["inbox"]) / LA / MONTH
    for path in month_dir.iterdir():
        if not path.name.startswith("workforce."):
            path.unlink()
    before = fingerprint(la_file(params), exclude=set())
    line = assert_one_line(csc_report(env, params, "run", "--month", MONTH, "--force"))
    assert f"no Annex A extract for {LA} {MONTH} yet (the folder holds only workforce." in line
    assert fingerprint(la_file(params), exclude=set()) == before


def query(path: str, sql: str, *params) -> list[tuple]:
    con = warehouse.connect(Path(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def figures(path: str) -> list[tuple]:
    return query(path, "SELECT month, indicator_id, value FROM indicator_values ORDER BY ALL")


@pytest.mark.parametrize("force", [True, False], ids=["forced", "unforced"])
def test_concurrent_runs_of_one_month(setup, tmp_path, force):
    """Situation 3: the first run deleted the shared cache entry when it finished, and the run that had
    waited for the writer lock then loaded an empty snapshot, committed it, and only then failed.

    The first run is held inside its load until the two others are waiting for the warehouse. Three
    runs hold the case of two (the first waiter is checked as it alone was) and that of a waiter behind
    another waiter, so two runs are not tried apart: each try starts Prefect in every process."""
    runs = 3
    params, env = setup
    before = figures(la_file(params))
    release, marker = tmp_path / "release", tmp_path / "in-load"
    extra = ("--force",) if force else ()
    processes = []

    def start(command: list[str]) -> None:
        err = (tmp_path / f"run{len(processes)}.err").open("w+")
        args = [*command, *cli_args(params, "run", "--month", MONTH, *extra)]
        process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        processes.append((process, err))

    def others_wait():
        return all("waiting for the warehouse" in Path(err.name).read_text() for _, err in processes[1:])

    start([sys.executable, str(PAUSED_RUN), str(marker), str(release)])
    try:
        wait_for(marker.exists, "the first run to reach its load", processes[0][0])
        for _ in range(runs - 1):
            start([str(BIN / "csc-report")])
        wait_for(others_wait, "the other runs to wait for the warehouse", processes[-1][0])
    finally:
        release.touch()
    outputs = []
    for process, err in processes:
        status = process.wait(timeout=180)
        out, err_text = process.stdout.read(), Path(err.name).read_text()
        assert "Traceback" not in out + err_text
        assert status == 0, err_text
        outputs.append(out)
    assert "indicators published" in outputs[0]
    for out in outputs[1:]:
        assert ("indicators published" if force else "done by another run while this one waited") in out
    assert figures(la_file(params)) == before
    assert not any((Path(params["warehouse"]) / "cache").glob(f"{LA}-{MONTH}-*/tables"))


def completed_runs(path: str, month: str) -> set[str]:
    """The ids of the warehouse's completed runs of `month`."""
    sql = "SELECT run_id FROM runs WHERE month = ? AND status = 'done'"
    return {run_id for (run_id,) in query(path, sql, month_start(month))}


def test_backfill_while_a_run_of_one_of_its_months_starts(setup, tmp_path):
    """A forced backfill holds the warehouse inside its first month's load when an (unforced) run of that
    month starts. The order is fixed, not left to timing: the backfill is held there (paused_run.py) until
    the run says it is waiting for the warehouse.

    What must follow, from csc_report.month.finish_month: the run waits for the writer lock; once it has
    it, it asks again whether the month is done, finds the backfill's record, and skips the month
    (exit 0), writing nothing. The backfill does its three months (exit 0). The warehouse gains one
    completed run of the month, the backfill's, and keeps the figures of the demo's uncontested run."""
    params, env = setup
    shared = MONTHS[0]
    before, runs_before = figures(la_file(params)), completed_runs(la_file(params), shared)
    release, marker = tmp_path / "release", tmp_path / "in-load"
    backfill_err, single_err = tmp_path / "backfill.err", tmp_path / "single.err"
    args = cli_args(params, "backfill", "--from", shared, "--to", MONTH, "--force")
    with backfill_err.open("w") as err:
        backfill = subprocess.Popen(
            [sys.executable, str(PAUSED_RUN), str(marker), str(release), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    try:
        holding = f"the backfill to hold the warehouse in {shared}'s load"
        wait_for(marker.exists, holding, backfill, seen=backfill_err.read_text)
        with single_err.open("w") as err:
            single = subprocess.Popen(
                [str(BIN / "csc-report"), *cli_args(params, "run", "--month", shared)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        wait_for(
            lambda: "waiting for the warehouse" in single_err.read_text(),
            "the run to wait for the warehouse",
            single,
            seen=single_err.read_text,
        )
    finally:
        release.touch()
    single_out, backfill_out = single.communicate(timeout=300)[0], backfill.communicate(timeout=300)[0]
    errors = single_err.read_text() + backfill_err.read_text()
    assert "Traceback" not in single_out + backfill_out + errors
    assert backfill.returncode == 0, errors
    summary = f"{len(MONTHS)} months: {len(MONTHS)} done, 0 skipped (already done), 0 awaiting data, 0 failed"
    lines = backfill_out.splitlines()  # each month's progress, the summary, then each month's outcome
    assert summary in lines, backfill_out
    outcomes = [line.split(":")[0] for line in lines[lines.index(summary) + 1 :]]
    assert outcomes == [f"  {LA} {m} done" for m in MONTHS], backfill_out
    records = {m: json.loads((Path(params["outputs"]) / LA / m / "run.json").read_text()) for m in MONTHS}
    assert [r["status"] for r in records.values()] == ["done"] * len(MONTHS)
    assert len({r["flow_run_id"] for r in records.values()}) == 1  # every record is the backfill's
    assert single.returncode == 0, errors
    waited = f"{LA} {shared}: done by another run while this one waited: already done by run "
    assert single_out.startswith(waited + records[shared]["run_id"][:8] + " at "), single_out
    report = Path(params["outputs"]) / LA / shared / "report.html"
    assert single_out.endswith(f"; inputs and code unchanged (--force recomputes); report at {report}\n")
    assert completed_runs(la_file(params), shared) - runs_before == {records[shared]["run_id"]}
    lone = [row for row in before if row[0] == month_start(shared)]
    assert lone and [row for row in figures(la_file(params)) if row[0] == month_start(shared)] == lone
    assert figures(la_file(params)) == before


def test_unexpected_failure_is_one_line_and_keeps_personal_values_out_of_the_log(setup, prefect_server):
    params, env = setup
    fault = [str(FAULTY_RUN), "csc_report.stored_results:trends"]
    result = csc_report(env, params, "run", "--month", MONTH, "--force", script=fault)
    line = assert_one_line(result)
    assert line == (
        f"csc-report: {Path(params['outputs']) / LA / MONTH}: publish failed for {LA} {MONTH} (ValueError); "
        "run with CSC_REPORT_DEBUG=1 for details"
    )
    assert PLANTED_VALUE not in result.stdout + result.stderr
    run = json.loads((Path(params["outputs"]) / LA / MONTH / "run.json").read_text())
    with temporary_settings(updates={PREFECT_API_URL: prefect_server.url}):
        with get_client(sync_client=True) as client:
            logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run["flow_run_id"]])))
    text = "\n".join(log.message for log in logs)
    assert "Traceback (most recent call last)" in text and "in publish" in text
    assert [line for line in text.splitlines() if PLANTED_VALUE in line] == []


def test_stopped_month_writes_every_issue_and_the_data_docs(setup):
    params, env = setup
    month_dir = Path(params["inbox"]) / LA / MONTH
    before = fingerprint(la_file(params), exclude=set())
    for path in month_dir.iterdir():
        path.unlink()
    with (month_dir / "list_3.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Child Unique ID", "Gender", "Ethnicity", "Referral Source", "Allocated Team"])
        writer.writerow(["C1", "a) Male", "a) WBRI", "q) 6: Police", "Duty"])
    line = assert_one_line(csc_report(env, params, "run", "--month", MONTH, "--force"))
    out = Path(params["outputs"]) / LA / MONTH
    # the stop line names the list and the Annex A header, not the column id (issue 34)
    said = 'List 3 (referrals) column "Date of Referral": required column "Date of Referral" is absent'
    assert said in line
    assert f"every issue is in {out / 'data_quality.csv'} and the Data Docs in {out / 'data_docs'}" in line
    with (out / "data_quality.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["column"] for r in rows if r["severity"] == "error"} >= {"referral_date"}
    assert all(r["file"] == "list_3.csv" for r in rows)
    assert (out / "data_docs" / "index.html").exists()
    assert fingerprint(la_file(params), exclude=set()) == before


REMOTE = re.compile(
    r"""<(script|link|img|source|iframe)\b[^>]*?\b(src|href)\s*=\s*["']?\s*(https?:)?//"""
    r"""|url\(\s*["']?\s*(https?:)?//|@import\s+["']?(https?:)?//""",
    re.IGNORECASE,
)


def remote_loads(folder: Path) -> dict[str, list[str]]:
    """HTML and CSS files under `folder` -> what each would fetch from the network."""
    found = {}
    for path in [*folder.rglob("*.html"), *folder.rglob("*.css")]:
        hits = [m.group(0) for m in REMOTE.finditer(path.read_text(encoding="utf-8", errors="replace"))]
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found


def test_no_output_loads_anything_from_the_network(demo):
    """The report, the index and the Data Docs work offline: no script, stylesheet, font or image comes
    from http(s):// (a plain link the reader may follow is fine)."""
    root, params, _ = demo
    out = Path(params["outputs"])
    assert list(out.rglob("data_docs/index.html")) and (out / "index.html").exists()
    assert remote_loads(out) == {}
