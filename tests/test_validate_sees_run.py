"""`csc-report validate` reads as a run would (issue 34): the authority's aliases.yaml and config.yaml
beside the month folder, and a month it says it assumed when the path has none."""

from __future__ import annotations

from datetime import date

import pytest
from annex_workbook import write_annex
from test_indicators_support import load
from test_validate_command import workdir  # noqa: F401 - the fixture: an empty working directory

from csc_report import warehouse
from csc_report.cli import main
from csc_report.validate_command import validate_path

pytestmark = pytest.mark.usefixtures("workdir")  # run in an empty folder: validate must write nothing

# an authority whose List 7 export heads the plan's start "Plan start (CP)" instead of Annex A's header
HEADERS = {"cp_plans": {"cp_start": "Plan start (CP)"}}
ALIASES = "lists:\n  cp_plans:\n    columns:\n      cp_start: {aliases: [Plan start (CP)]}\n"
PLANS = [
    {"child_id": f"P{i}", "gender": "a) Male", "ethnicity": "WBRI", "dob": date(2010, 1, 1), "age": 3,
     "cp_start": date(2013, 4, 1), "initial_category": "Neglect", "latest_category": "Neglect"}
    for i in range(3)
]  # fmt: skip


def test_the_authoritys_aliases_make_its_header_known(tmp_path, capsys):
    month_dir = tmp_path / "inbox" / "335" / "2013-06"
    workbook = write_annex(month_dir / "annex_a.xlsx", {"cp_plans": PLANS}, headers=HEADERS)
    # without the authority's aliases the plan start is missing: a run would stop, and so does validate
    assert main(["validate", str(workbook)]) == 1
    assert "Child Protection Plan Start Date" in capsys.readouterr().err
    (tmp_path / "inbox" / "335" / "aliases.yaml").write_text(ALIASES, encoding="utf-8")
    assert main(["validate", str(workbook)]) == 0
    out = capsys.readouterr().out
    assert f"aliases from {tmp_path / 'inbox' / '335' / 'aliases.yaml'}" in out
    assert "missing_column" not in out and "unknown_header" not in out


def test_the_authoritys_thresholds_apply_to_validate(tmp_path, capsys):
    # 3 plans, one without a child: 33% fails child_id_present, above the shipped 5%; the authority allows 50%
    plans = [*PLANS[:2], {**PLANS[2], "child_id": None}]
    workbook = write_annex(tmp_path / "inbox" / "335" / "2013-06" / "annex_a.xlsx", {"cp_plans": plans})
    assert main(["validate", str(workbook)]) == 1
    assert "more than the 5% allowed" in capsys.readouterr().err
    settings = "severity:\n  rules:\n    child_id_present: {max_failing_share: 0.5}\n"
    (tmp_path / "inbox" / "335" / "config.yaml").write_text(settings, encoding="utf-8")
    assert main(["validate", str(workbook)]) == 0
    assert "thresholds from its config.yaml" in capsys.readouterr().out


def test_without_a_month_it_says_which_it_assumed_and_why(tmp_path, capsys):
    # the latest plan start is 1 April 2013 (the other date columns are not event dates): April 2013
    workbook = write_annex(tmp_path / "extract.xlsx", {"cp_plans": PLANS})
    assert main(["validate", str(workbook)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "no month in the path and no --month: 2013-04 assumed, the month of the latest event date in the "
        "extract (give --month YYYY-MM to choose)"
    )
    assert out[1].endswith("checked as at 2013-04-30")
    assert main(["validate", str(workbook), "--month", "2013-06"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("checked as at 2013-06-30")


def test_a_list_that_shrank_since_the_warehouses_last_snapshot_is_said(tmp_path, capsys):
    # May 2013 held 4 plans of authority 874; June's extract has 1: fewer than half (2 x 1 < 4), as a run
    # would warn (csc_report/shrinkage.py)
    con = warehouse.connect(tmp_path / "warehouse" / "874.duckdb")
    warehouse.apply_schema(con)
    load(con, "2013-05", cp_plans=[{"child_id": f"M{i}", "cp_start": date(2013, 4, 1)} for i in range(4)])
    con.close()
    workbook = write_annex(tmp_path / "inbox" / "874" / "2013-06" / "annex_a.xlsx", {"cp_plans": PLANS[:1]})
    said = "warning: List 7 (child protection) has 1 row; it had 4 in May 2013"
    assert validate_path(workbook, warehouse=tmp_path / "warehouse") == 0
    out = capsys.readouterr().out
    assert said in out.splitlines()
    assert "list_shrank" in out  # and in the table of issues by rule
    # a warehouse without an earlier snapshot of the authority (here: none at all) says nothing of it
    assert validate_path(workbook, warehouse=tmp_path / "elsewhere") == 0
    out = capsys.readouterr().out
    assert "row; it had" not in out and "list_shrank" not in out
    assert not (tmp_path / "elsewhere").exists()  # and validate made no warehouse
