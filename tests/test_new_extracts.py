"""A council's own extract run through the real chain (run_month: GX, DuckDB, publish; no Prefect):
an empty template stops the month, a list that shrank is told in words (issue 34)."""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import date

import pytest
from annex_workbook import empty_template, write_annex
from conftest import fingerprint

from csc_report import month
from csc_report.errors import DataError
from csc_report.explain import explain_command
from csc_report.settings import RunPaths

LA = "335"
SETTINGS = "severity:\n  lists:\n    contacts:\n      child_id_present: {max_failing_share: 0.15}\n"
OVERRIDE_TOLD = (
    "The authority's config.yaml sets child_id_present on List 1 (contacts) to stop the run above 15% of "
    "rows failing (shipped: stop the run above 5% of rows failing)"
)


def looked_after(n: int) -> list[dict]:
    return [
        {
            "child_id": f"C{i}",
            "gender": "a) Male",
            "ethnicity": "WBRI",
            "dob": date(2005, 1, 1),
            "age": 8,
            "cla_start": date(2012, 1, 1),
            "legal_status": "C2",
        }
        for i in range(n)
    ]


def referrals(n: int, day: date) -> list[dict]:
    return [{"child_id": f"R{i}", "gender": "b) Female", "ethnicity": "WBRI", "dob": date(2010, 1, 1),
             "age": 3, "referral_date": day, "referral_source": "1A", "referral_nfa": "N",
             "referrals_last_12m": 0} for i in range(n)]  # fmt: skip


def contacts(n: int, blank: int) -> list[dict]:
    """n contacts on 2 May 2013, the last `blank` of them without a child identifier."""
    return [{"child_id": None if i >= n - blank else f"K{i}", "gender": "a) Male", "ethnicity": "WBRI",
             "dob": date(2010, 1, 1), "age": 3, "contact_date": date(2013, 5, 2), "contact_source": "1A"}
            for i in range(n)]  # fmt: skip


@pytest.fixture(scope="module")
def two_months(tmp_path_factory):
    """May 2013: 4 children looked after, 2 referrals, 8 contacts one of them without a child (12.5%, above
    the shipped 5%: the authority allows 15%); June: 1 child looked after (fewer than half of 4), 2
    referrals (and row 2's again in row 4, from another source), 4 contacts; both run."""
    root = tmp_path_factory.mktemp("new-extracts")
    paths = RunPaths(root / "inbox", root / "wh", root / "out", root / "key")
    (paths.inbox / LA).mkdir(parents=True)
    (paths.inbox / LA / "config.yaml").write_text(SETTINGS, encoding="utf-8")
    may = {"cla": looked_after(4), "referrals": referrals(2, date(2013, 5, 2)), "contacts": contacts(8, 1)}
    june_referrals = referrals(2, date(2013, 6, 3))
    june_referrals.append({**june_referrals[0], "referral_source": "2A"})  # row 4: row 2's referral again
    june = {"cla": looked_after(1), "referrals": june_referrals, "contacts": contacts(4, 0)}
    write_annex(paths.month_dir(LA, "2013-05") / "annex_a.xlsx", may)
    write_annex(paths.month_dir(LA, "2013-06") / "annex_a.xlsx", june)
    for m in ("2013-05", "2013-06"):
        assert month.run_month(paths, LA, m).status == "done"
    return paths


@pytest.mark.slow
def test_a_shrunken_list_is_a_warning_in_the_report_and_data_quality(two_months):
    out = two_months.output_dir(LA, "2013-06")
    with (out / "data_quality.csv").open(encoding="utf-8") as handle:
        shrunk = [(r["severity"], r["message"]) for r in csv.DictReader(handle) if r["rule"] == "list_shrank"]
    # List 8: 1 row after 4 (2 x 1 < 4); List 3: 2 after 2; List 1: 4 after the 7 loaded in May (2 x 4 >= 7)
    told = "List 8 (children looked after) has 1 row; it had 4 in May 2013"
    assert shrunk == [("warning", told)]
    assert f"{told}." in (out / "report.md").read_text(encoding="utf-8")
    # May is the first month: nothing before it to shrink from
    with (two_months.output_dir(LA, "2013-05") / "data_quality.csv").open(encoding="utf-8") as handle:
        assert not [r for r in csv.DictReader(handle) if r["rule"] == "list_shrank"]


@pytest.mark.slow
def test_an_empty_template_stops_the_month_and_loads_nothing(two_months):
    empty_template(two_months.month_dir(LA, "2013-07") / "annex_a.xlsx")
    before = fingerprint(two_months.warehouse_file(LA))
    with pytest.raises(DataError, match=r"annex_a\.xlsx.*no data rows in any list"):
        month.run_month(two_months, LA, "2013-07")
    assert fingerprint(two_months.warehouse_file(LA)) == before
    out = two_months.output_dir(LA, "2013-07")
    assert not (out / "report.md").exists() and not (out / "indicators.csv").exists()


@pytest.mark.slow
def test_the_authority_override_lets_may_through_and_is_named(two_months):
    out = two_months.output_dir(LA, "2013-05")
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "done"
    assert record["authority_settings"]["severity"]["lists"] == {
        "contacts": {"child_id_present": {"max_failing_share": 0.15}}
    }
    assert f"{OVERRIDE_TOLD}." in (out / "report.md").read_text(encoding="utf-8")
    assert html.escape(OVERRIDE_TOLD) in (out / "data_docs" / "index.html").read_text(encoding="utf-8")
    # the contact without a child is quarantined, the other 7 are loaded
    with (out / "data_quality.csv").open(encoding="utf-8") as handle:
        blank = [(r["row"], r["severity"]) for r in csv.DictReader(handle) if r["rule"] == "child_id_present"]
    assert blank == [("9", "reject")]


@pytest.mark.slow
def test_a_referral_entered_twice_counts_once_and_explain_shows_the_row_kept(two_months, capsys):
    # June's List 3: rows 2 and 3 are two children; row 4 is row 2's child and date again: 2 referrals
    assert explain_command(two_months.warehouse, LA, "2013-06", "referrals", "-", None) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert [(r["source_row"], r["merged_rows"]) for r in rows] == [("2", "4"), ("3", "")]
    assert "1 more row(s) of the extract repeated a row listed here" in captured.err
