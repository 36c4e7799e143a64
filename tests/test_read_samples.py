"""The public Annex A samples in ../shared load, find their lists, and report their known oddities."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import cache
from pathlib import Path

import pyarrow as pa
import pytest
from csc_report.transforms.read import read_extract

from csc_report.catalogue import LISTS

ALL_LISTS = set(LISTS) - {"workforce"}


def rules(extract, **where) -> Counter:
    return Counter(i.rule for i in extract.issues if all(getattr(i, k) == v for k, v in where.items()))


@cache
def _read(path: Path):
    return read_extract([path])


@pytest.fixture
def liia(samples_dir):
    """Read once per session: several tests look at the same extract."""
    return _read(samples_dir / "liia-tools-pipeline_Annex_A_2024_Jan.xlsx")


def test_liia_2024_lists_and_layout(liia):
    assert set(liia.tables) == ALL_LISTS
    assert liia.layout == "2024"
    assert liia.row_counts()["cp_plans"] == 7
    assert "pathway_review_date" in liia.columns_present["care_leavers"]
    assert liia.files[0].kind == "xlsx" and len(liia.files[0].sha256) == 64


def test_liia_headers_all_map(liia):
    """`Age`, `Date of Referral`, `(Y/N))`, curly-quoted Missing/Absent headers all map: no header issues."""
    assert not [i for i in liia.issues if i.rule in ("unknown_header", "missing_column", "duplicate_header")]
    cla = liia.columns_present["cla"]
    assert {"uasc", "missing_episodes", "absent_episodes", "age"} <= set(cla)
    assert "referral_date" in liia.columns_present["referrals"]


def test_liia_oddities_reported(liia):
    cin = rules(liia, sheet="List 6")
    assert cin["error_value"] == 10  # #N/A team and worker on 5 rows
    need = [i for i in liia.issues if i.column == "primary_need"]
    assert [i.rule for i in need] == ["unknown_code"] and "PSRMEM" in need[0].message and need[0].row == 2
    postcode = [i for i in liia.issues if i.column == "placement_postcode" and i.rule == "bad_postcode"]
    assert [i.row for i in postcode] == [3] and "NOPE" not in postcode[0].message.upper()
    assert rules(liia, column="assessment_outcome")["unknown_code"] == 5  # `CS Assessment Updated`


def test_liia_values_normalised(liia):
    contacts = liia.tables["contacts"]
    assert contacts.schema.field("contact_date").type == pa.date32()
    assert contacts.schema.field("age").type == pa.int64()
    row = contacts.slice(0, 1).to_pylist()[0]
    assert row["child_id"] == "9212044"
    assert row["gender"] == "female"  # `Female` without prefix
    assert row["age"] == 6  # 6.138... floored
    assert row["contact_source"] == "6"  # `q) 6: Police`
    assert row["dob"] == dt.date(2015, 1, 25)
    assert row["source_row"] == 2 and row["source_sheet"] == "List 1"
    referrals = liia.tables["referrals"].to_pylist()
    assert referrals[0]["referral_nfa"] == "N" and referrals[0]["worker"] == "Dustin Hazlett"  # NBSP
    cin = liia.tables["cin"].to_pylist()
    assert cin[0]["team"] is None and cin[1]["primary_need"] == "N1"  # `N1 - Abuse or Neglect`
    cla = liia.tables["cla"].to_pylist()
    assert cla[0]["placement_provider"] == "PR4" and cla[0]["placement_postcode"] == "T28 2WB"
    assert cla[0]["legal_status"] == "E1" and cla[0]["placement_type"] == "U6"
    cp = liia.tables["cp_plans"].to_pylist()
    assert cp[0]["initial_category"] == "PHY"  # `Physical abuse` without prefix
    adoption = liia.tables["adoption"].to_pylist()
    assert adoption[0]["adm_decision"] == dt.date(2009, 8, 11)  # formula with a cached value
    assert adoption[2]["no_longer_reason"] == "RD2"


def test_fddc_2015_uncoded_values(samples_dir):
    extract = read_extract([samples_dir / "fddc_2015-01-sample.xlsx"])
    assert set(extract.tables) == ALL_LISTS and extract.layout == "2019"
    referrals = extract.tables["referrals"].to_pylist()
    assert len(referrals) == 5
    first = referrals[0]
    assert (first["gender"], first["ethnicity"], first["referral_source"], first["referral_nfa"]) == (
        "female",
        "WBRI",
        "2A",
        "Y",
    )
    assert first["source_row"] == 3  # title row 1, headers row 2
    assert {r["referral_source"] for r in referrals} >= {"2A", "6"}
    health = [i for i in extract.issues if i.rule == "unknown_code"]
    assert [i.message.split(" ")[0] for i in health] == ["'Health'"]  # a group label, not a code
    blank = [i for i in extract.issues if i.rule == "missing_value"]
    assert [(i.column, i.sheet) for i in blank] == [("referrals_last_12m", "List_3")]


def test_fddc_template_xlsx(samples_dir):
    extract = read_extract([samples_dir / "fddc_example-B-2004_ofsted_template_aug2019.xlsx"])
    assert set(extract.tables) == ALL_LISTS
    assert extract.row_counts()["contacts"] == 1 and extract.row_counts()["early_help"] == 10
    assert extract.tables["contacts"].to_pylist()[0]["contact_source"] == "6"  # `POLICE`
    assert extract.columns_present["care_leavers"][-5:] == [
        "eligibility",
        "in_touch",
        "accommodation",
        "suitability",
        "activity",
    ]  # `LA In Touch ` maps
    bad = [i for i in extract.issues if i.rule == "bad_date"]
    assert [(i.column, i.row) for i in bad] == [("dob", 10)] and "May" not in bad[
        0
    ].message  # DOB never quoted
    assert not [i for i in extract.issues if i.rule in ("unknown_header", "missing_column")]


def test_fddc_xls(samples_dir):
    extract = read_extract([samples_dir / "fddc_example-A-2005.xls"])
    assert extract.files[0].kind == "xls"
    assert set(extract.tables) == ALL_LISTS
    early = extract.tables["early_help"].to_pylist()
    assert len(early) == 12 and early[0]["eh_start"] == dt.date(2010, 1, 1)  # text date mixed in
    assert early[0]["eh_organisation"] == "N/A"
    assert not [i for i in extract.issues if i.severity == "error"]
