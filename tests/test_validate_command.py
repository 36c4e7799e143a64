"""`csc-report validate PATH`: a summary table and exit 0, one line and exit 1 when the data would stop
a run, exit 2 for a path that is not there; nothing written anywhere unless `--out DIR` is given."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from csc_report.cli import main
from csc_report.generate import generate_inbox

SAMPLE = "liia-tools-pipeline_Annex_A_2024_Jan.xlsx"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working directory: the command must leave it empty (no warehouse, outputs or docs)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*"))


def test_good_sample_prints_a_summary_and_exits_0(samples_dir, workdir, capsys):
    assert main(["validate", str(samples_dir / SAMPLE), "--month", "2024-01"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == f"{SAMPLE}: 59 rows in 11 lists, checked as at 2024-01-31"
    assert lines[1].split() == ["sheet", "rule", "severity", "issues"]
    table = {tuple(line.split()) for line in lines[2:]}
    rows = {(f"{a} {b}", c, d): int(e) for a, b, c, d, e in table}
    # every issue counted once: the rows of the table add up to the issues the run would record
    assert rows[("List 6", "error_value", "warning")] == 10
    assert rows[("List 8", "bad_postcode", "warning")] == 1
    assert rows[("List 7", "open_cp_plan_not_on_cin", "warning")] == 2
    # dates that cannot be (issue 34): the sample's List 7 row 8 plan started 2019-06-25 for a child born
    # 2020-05-29 (11 months before: more than 40 weeks); List 8 row 5 came into care (and its legal status
    # began) in 2010-2012, born 2018-03-13; List 10 row 5's six adoption dates of 2010, born 2018 too
    assert rows[("List 7", "date_before_birth", "warning")] == 1
    assert rows[("List 8", "date_before_birth", "warning")] == 2
    assert rows[("List 10", "date_before_birth", "warning")] == 6
    assert sum(rows.values()) == 37
    assert err == "" and files_under(workdir) == []


def test_month_folder_with_the_month_taken_from_its_path(tmp_path, workdir, capsys):
    generate_inbox(tmp_path / "inbox", months=1, scale=0.05, end="2013-06", seed=2)
    month_dir = tmp_path / "inbox" / "874" / "2013-06"
    assert main(["validate", str(month_dir)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("annex_a_2013-06.xlsx, workforce.xlsx: ") and first.endswith("as at 2013-06-30")
    assert files_under(workdir) == [] and sorted(p.name for p in month_dir.iterdir()) == [
        "annex_a_2013-06.xlsx",
        "workforce.xlsx",
    ]


def write_referrals(path: Path, drop: str | None = None) -> Path:
    headers = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
    headers += [
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
    ]
    headers += ["Allocated Team", "Allocated Worker"]
    rows = [
        [f"C{n}", "a) Male", "a) WBRI", dt.datetime(2005, 1, 1), 8, dt.datetime(2013, 6, 3)]
        + ["q) 6: Police", "b) No", 0, "Duty", "W"]
        for n in range(20)
    ]
    keep = [i for i, h in enumerate(headers) if h != drop]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "List 3"
    sheet.append([headers[i] for i in keep])
    for row in rows:
        sheet.append([row[i] for i in keep])
    workbook.save(path)
    return path


def test_required_column_removed_exits_1_with_one_line(tmp_path, workdir, capsys):
    path = write_referrals(tmp_path / "annex_a.xlsx", drop="Date of referral")
    assert main(["validate", str(path), "--month", "2013-06"]) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(
        'csc-report: annex_a.xlsx, sheet List 3: List 3 (referrals) column "Date of Referral": required '
        'column "Date of Referral" is absent (rule referral_date_column_present)'
    )
    assert "referral_date_column_present" in err and "a run would stop before loading" in err
    counted = [line.split() for line in out.splitlines() if "referral_date_column_present" in line]
    assert counted == [["List", "3", "referral_date_column_present", "error", "1"]]  # once, not twice
    assert files_under(workdir) == []


def test_out_writes_every_issue_and_the_data_docs(tmp_path, workdir, capsys):
    """The same data_quality.csv as a stopped run leaves in the month's outputs: every issue, with file,
    sheet, Excel row, column and rule; the one line says where it is."""
    path = write_referrals(tmp_path / "annex_a.xlsx", drop="Date of referral")
    assert main(["validate", str(path), "--month", "2013-06", "--out", str(tmp_path / "dq")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"every issue is in {tmp_path / 'dq' / 'data_quality.csv'}" in err
    with (tmp_path / "dq" / "data_quality.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["file", "sheet", "row", "column", "rule", "severity", "message"]
    assert {"annex_a.xlsx"} == {r["file"] for r in rows} and {"List 3"} == {r["sheet"] for r in rows}
    assert ("referral_date", "referral_date_column_present", "error") in {
        (r["column"], r["rule"], r["severity"]) for r in rows
    }
    assert (tmp_path / "dq" / "data_docs" / "index.html").exists()
    assert files_under(workdir) == []


def test_same_workbook_with_the_column_passes(tmp_path, workdir, capsys):
    path = write_referrals(tmp_path / "annex_a.xlsx")
    assert main(["validate", str(path), "--month", "2013-06"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["no issues found"]


def test_unreadable_file_exits_1_with_one_line(tmp_path, workdir, capsys):
    path = tmp_path / "annex_a.xlsx"
    path.write_bytes(b"")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().err == "csc-report: annex_a.xlsx: empty file\n"


@pytest.mark.parametrize(
    "args", [["validate", "no/such/extract.xlsx"], ["validate", ".", "--month", "2013-13"]]
)
def test_usage_errors_exit_2(workdir, capsys, args):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("csc-report: ")


def test_never_writes_a_warehouse_even_where_one_exists(samples_dir, workdir, capsys, monkeypatch):
    """With a warehouse at the default place, validating leaves its bytes exactly as they were."""
    warehouse_dir = workdir / "warehouse"
    warehouse_dir.mkdir()
    shutil.copy(samples_dir / SAMPLE, warehouse_dir / "csc.duckdb")  # any bytes: they must not change
    before = (warehouse_dir / "csc.duckdb").read_bytes()
    monkeypatch.setenv("CSC_REPORT_KEY_FILE", str(workdir / "never.key"))
    assert main(["validate", str(samples_dir / SAMPLE), "--month", "2024-01"]) == 0
    assert (warehouse_dir / "csc.duckdb").read_bytes() == before
    assert files_under(workdir) == [warehouse_dir, warehouse_dir / "csc.duckdb"]
    assert not os.path.exists(workdir / "never.key")  # no pseudonymisation key made either


def test_data_docs_links_resolve_and_dates_read_as_dates(tmp_path, workdir, capsys):
    """Every link of every Data Docs page points at a file of the site (the suites' pages are built),
    and the dates the checks compare as yyyymmdd numbers read as dates (`2013-06-30`, not `20130630.0`)."""
    generate_inbox(tmp_path / "inbox", months=1, scale=0.05, end="2013-06", seed=2)
    month_dir = tmp_path / "inbox" / "874" / "2013-06"
    main(["validate", str(month_dir), "--out", str(tmp_path / "dq")])
    site = tmp_path / "dq" / "data_docs"
    pages = list(site.rglob("*.html"))
    links = [
        (page, link)
        for page in pages
        for link in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text(encoding="utf-8"))
        if not link.startswith(("data:", "javascript:", "https:", "http:", "mailto:"))  # links out: not loads
    ]
    assert len(pages) > 10 and any("expectations/" in link for _, link in links)
    assert [(page.name, link) for page, link in links if not (page.parent / link).is_file()] == []
    text = "".join(page.read_text(encoding="utf-8") for page in pages)
    assert re.findall(r"\b20\d{6}\.0\b", text) == []
    assert "2013-06-30" in text  # the extract date the checks compare with, as a date
