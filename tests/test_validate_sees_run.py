"""`csc-report validate` reads as a run would (issue 34): the authority's aliases.yaml and config.yaml
beside the month folder, and a month it says it assumed when the path has none."""

from __future__ import annotations

from datetime import date

import pytest
from annex_workbook import write_annex
from test_validate_command import workdir  # noqa: F401 - the fixture: an empty working directory

from csc_report.cli import main

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
