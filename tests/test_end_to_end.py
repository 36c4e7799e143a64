"""End to end: generated extracts through the real Prefect engine, GX suites and a DuckDB file.

One small generated inbox (three overlapping monthly snapshots) is backfilled once per session (the
`demo` fixture in conftest.py); the tests then look at what was written, re-run a month, break an input
on purpose and scan every output for the personal values planted in the extracts. Operations (re-runs,
caching, locking, scheduling) are tested in test_operations*.py.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import DEMO_LA, DEMO_MONTHS, fingerprint, found_in, la_file, planted_values
from csc_report.flows.console import run_flow
from csc_report.flows.monthly import backfill, monthly_report
from openpyxl import load_workbook
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from csc_report import stored_results, warehouse
from csc_report.errors import DataError
from csc_report.months import shift

LA, MONTHS = DEMO_LA, DEMO_MONTHS
CONTRACT_IDS = """
contacts referrals referrals_r12 referral_rate_r12_per_10k referrals_nfa_pct re_referrals_pct
re_referrals_r12_pct initial_assessments_in_10wd_pct core_assessments_completed
core_assessments_in_35wd core_assessments_in_35wd_pct assessments_completed assessments_in_45wd_pct
assessments_open_overdue s47_started s47_rate_r12_per_10k icpcs icpc_in_15wd_pct icpc_to_cp_plan_pct
cp_plans_open cp_rate_per_10k cp_plans_started cp_plans_ended cp_second_subsequent_pct
cp_open_2yrs_plus cla_open cla_rate_per_10k cla_started cla_ceased cla_3plus_placements_pct
care_leavers care_leavers_in_touch_pct care_leavers_suitable_accommodation_pct care_leavers_neet_pct
pathway_plans_in_date_pct sw_establishment_fte sw_vacancies_fte sw_vacancy_rate_pct sw_agency_fte
sw_agency_rate_pct cases_unallocated early_help_started early_help_open
""".split()


def test_backfill_publishes_every_month(demo):
    root, params, outcomes = demo
    assert [o.status for o in outcomes] == ["done"] * len(MONTHS), [o.message for o in outcomes]
    index = (Path(params["outputs"]) / "index.html").read_text(encoding="utf-8")
    for m in MONTHS:
        out = Path(params["outputs"]) / LA / m
        for name in (
            "report.md",
            "report.html",
            "indicators.csv",
            "tables.xlsx",
            "data_quality.csv",
            "run.json",
        ):
            assert (out / name).stat().st_size > 0, (m, name)
        record = json.loads((out / "run.json").read_text())
        assert (record["month"], record["status"]) == (m, "done")
        named = datetime.strptime(m, "%Y-%m").strftime("%B %Y")  # "April 2013": the month the report is of
        assert named in (out / "report.html").read_text(encoding="utf-8"), m
        assert named in (out / "report.md").read_text(encoding="utf-8"), m
        with (out / "indicators.csv").open(encoding="utf-8") as handle:
            rows = {row["indicator_id"]: row for row in csv.DictReader(handle)}
        assert set(CONTRACT_IDS) <= set(rows) and rows["referrals"]["period"] == m, m
        assert float(rows["referrals"]["value"]) > 0, m
        assert load_workbook(out / "tables.xlsx", read_only=True).sheetnames, m
        assert any((out / "data_docs").rglob("*.html")), m
        assert f"{LA}/{m}/report.html" in index, m


def test_indicators_csv_has_every_contract_indicator(demo):
    root, params, _ = demo
    with (Path(params["outputs"]) / LA / MONTHS[-1] / "indicators.csv").open(encoding="utf-8") as handle:
        rows = {row["indicator_id"]: row for row in csv.DictReader(handle)}
    assert set(CONTRACT_IDS) <= set(rows)
    assert float(rows["referrals"]["value"]) > 0
    assert float(rows["cp_plans_open"]["value"]) > 0


def test_breakdown_totals_equal_their_headline_figures(demo):
    """Issue 34: each breakdown's total row is its headline (the paper said 362 children looked after
    where the legal-status table totalled 374, short breaks inside it); short breaks sit below the total.
    And the run's last line says what the committee sees: indicators, not available, issues by severity."""
    root, params, outcomes = demo
    out = Path(params["outputs"]) / LA / MONTHS[-1]
    with (out / "indicators.csv").open(encoding="utf-8") as handle:
        headline = {row["indicator_id"]: row["value"] for row in csv.DictReader(handle)}

    def total(table: str, column: str) -> str:
        with (out / "tables" / f"{table}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return next(row[column] for row in rows if row[next(iter(row))] == "Total")

    assert total("cla_by_legal_status", "children") == headline["cla_open"]
    assert total("cla_by_placement_type", "children") == headline["cla_open"]
    assert total("cp_by_category", "children") == headline["cp_plans_open"]
    assert outcomes[-1].message.startswith(f"{len(headline)} indicators published (")
    assert " data-quality issues (" in outcomes[-1].message and " warnings, " in outcomes[-1].message


def test_run_json_records_inputs_timings_and_flow_run(demo):
    root, params, _ = demo
    record = json.loads((Path(params["outputs"]) / LA / MONTHS[-1] / "run.json").read_text())
    assert record["status"] == "done"
    assert record["flow_run_id"]
    assert {"read", "validate", "load", "indicators", "publish"} <= set(record["timings"])
    for m in MONTHS:  # every input's hash is the sha256 of the file in the inbox, each month's own files
        inputs = json.loads((Path(params["outputs"]) / LA / m / "run.json").read_text())["inputs"]
        hashes = {item["file"]: item["sha256"] for item in inputs}
        own = {f"{LA}/{m}/{p.name}" for p in (Path(params["inbox"]) / LA / m).iterdir() if p.is_file()}
        assert own and own <= set(hashes), m
        for name, digest in hashes.items():
            assert digest == hashlib.sha256((Path(params["inbox"]) / name).read_bytes()).hexdigest(), (
                m,
                name,
            )
    assert record["row_counts"]["referrals"] > 0


def test_backfill_prepares_in_a_second_process_that_reports_to_its_flow_run(demo):
    """Months after the first are prepared on the flow's process pool: their task runs reach the flow's
    own API (a pool process left to itself would start a temporary server of its own, and its runs
    would be missing here), one per month, and the months' records say they were read and validated."""
    root, params, _ = demo
    records = [json.loads((Path(params["outputs"]) / LA / m / "run.json").read_text()) for m in MONTHS]
    assert len({r["flow_run_id"] for r in records}) == 1
    only = FlowRunFilter(id=FlowRunFilterId(any_=[records[0]["flow_run_id"]]))
    deadline = time.monotonic() + 30  # task run states reach the API as events
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(flow_run_filter=only)
            prepared = [
                r for r in runs if r.name.startswith("read-validate-pseudonymise") and r.state.is_completed()
            ]
            if len(prepared) >= len(MONTHS) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert len(prepared) == len(MONTHS)
    assert all(r["timings"]["validate"] > 0 and not r["reused"] for r in records)


def test_rerunning_a_month_changes_nothing(demo):
    root, params, _ = demo
    before = fingerprint(la_file(params))
    indicators_before = (Path(params["outputs"]) / LA / MONTHS[-1] / "indicators.csv").read_text()
    outcome = run_flow(monthly_report, month=MONTHS[-1], force=True, **params)
    assert outcome.status == "done"
    after = fingerprint(la_file(params))
    assert [t for t in before if before[t] != after.get(t)] == []
    assert (Path(params["outputs"]) / LA / MONTHS[-1] / "indicators.csv").read_text() == indicators_before


def test_bad_extract_stops_the_run_and_leaves_the_warehouse_as_it_was(demo, tmp_path):
    root, params, _ = demo
    inbox = tmp_path / "inbox"
    shutil.copytree(params["inbox"], inbox)
    workbook = next((inbox / LA / MONTHS[-1]).glob("annex_a*.xlsx"))
    workbook.write_bytes(workbook.read_bytes()[:2000])  # truncated in transit
    before = fingerprint(la_file(params))
    with pytest.raises(DataError, match=workbook.name):
        run_flow(monthly_report, **{**params, "inbox": str(inbox)}, month=MONTHS[-1])
    assert fingerprint(la_file(params)) == before
    record = json.loads((Path(params["outputs"]) / LA / MONTHS[-1] / "run.json").read_text())
    assert record["status"] == "failed" and workbook.name in record["message"]
    # the fixed input runs clean again: run.json says failed, so the month is not "already done"; it is
    # computed again, to the same warehouse, and its record says done
    outcome = run_flow(monthly_report, month=MONTHS[-1], **params)
    assert outcome.status == "done", outcome.message
    assert (
        json.loads((Path(params["outputs"]) / LA / MONTHS[-1] / "run.json").read_text())["status"] == "done"
    )
    assert fingerprint(la_file(params)) == before


REFERENCE_TABLES = ("benchmarks", "reference_population", "reference_areas", "statistical_neighbours",
                    "export_benchmarks", "export_areas")  # fmt: skip


def test_no_personal_data_in_outputs_or_warehouse(demo):
    root, params, _ = demo
    planted, births = planted_values(Path(params["inbox"]))
    assert len(planted) > 50 and len(births) > 50
    outputs = [
        (path, path.read_text(encoding="utf-8", errors="replace"))
        for path in Path(params["outputs"]).rglob("*")
        if path.is_file() and path.suffix in {".md", ".html", ".csv", ".json"}
    ]
    tables = []
    con = warehouse.connect(la_file(params), read_only=True)
    try:
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            # the shipped DfE/ONS reference data never see the extract; a published count in them (a
            # population of 170,292) can equal a fake numeric child id by chance
            if table not in ("calendar", *REFERENCE_TABLES):
                tables.append((table, con.sql(f'SELECT * FROM "{table}"').df().to_csv()))
        dobs = con.execute(
            "SELECT DISTINCT day(dob) FROM referrals UNION SELECT day(dob) FROM cla"
        ).fetchall()
    finally:
        con.close()
    leaks = {(str(where), value) for where, text in outputs + tables for value in found_in(planted, text)}
    leaks |= {(str(where), value) for where, text in outputs for value in found_in(births, text)}
    assert not leaks, sorted(leaks)[:5]
    assert {day for (day,) in dobs} <= {1, None}  # the warehouse keeps only the month of birth


def cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("csc-report")
    return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_cli_missing_month_is_one_line_exit_1(demo, prefect_server, tmp_path):
    root, params, _ = demo
    result = cli(
        "run",
        "--inbox",
        params["inbox"],
        "--la",
        LA,
        "--month",
        "2014-01",
        "--key-file",
        params["key_file"],
        "--warehouse",
        str(tmp_path / "w.duckdb"),
        cwd=tmp_path,
        env=prefect_server.client_env(tmp_path / "prefect"),
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("csc-report:") and "2014-01" in last
    assert "Traceback" not in result.stderr


def test_cli_usage_error_exit_2(tmp_path):
    result = cli("run", "--inbox", "x", "--la", LA, "--month", "June", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_stock_figures_are_each_months_own_extract(demo):
    """Contract 1.2: nothing open is carried over from an older snapshot. Open early help and children on
    a plan, as published for each month, are what that month's own extract holds open at its end."""
    root, params, _ = demo
    con = warehouse.connect(la_file(params), read_only=True)
    try:
        for month in MONTHS:
            own = con.execute(
                """
                select
                    (select count(*) from early_help where la_code = $la and snapshot_month = $m
                        and eh_start <= last_day($m) and (eh_end is null or eh_end > last_day($m))),
                    (select count(distinct child_id) from cp_plans where la_code = $la and snapshot_month = $m
                        and cp_start <= last_day($m) and (cp_end is null or cp_end > last_day($m)))
                """,
                {"la": LA, "m": warehouse.month_start(month)},
            ).fetchall()[0]
            stored = stored_results.stored_values(con, LA, month)
            assert (stored["early_help_open"], stored["cp_plans_open"]) == own, month
    finally:
        con.close()


def test_backfill_reports_a_month_without_extract_as_awaiting_data(demo):
    root, params, _ = demo
    after = shift(MONTHS[-1], 1)  # no folder in the inbox for it
    outcomes = run_flow(backfill, first=MONTHS[-1], last=after, **params)
    assert [o.month for o in outcomes] == [MONTHS[-1], after]
    assert outcomes[0].status in ("done", "skipped")
    assert outcomes[1].status == "awaiting data"
    assert f"no extract for {LA} {after}" in outcomes[1].message
