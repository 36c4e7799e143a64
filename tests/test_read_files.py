"""Reading whole files: what stops the run (one-line DataError) and what becomes an issue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from csc_report.transforms.read import find_month_files, read_extract
from referral_sheet import REFERRAL_HEADERS, write_xlsx

from csc_report.errors import DataError

REFERRAL_ROW = [
    "C1",
    "a) Male",
    "a) WBRI",
    dt.datetime(2012, 5, 1),
    8,
    dt.datetime(2020, 9, 16),
    "q) 6: Police",
    "b) No",
    0,
    "Duty",
    "A Worker",
]


def data_error(path: Path) -> str:
    with pytest.raises(DataError) as caught:
        read_extract([path])
    message = str(caught.value)
    assert "\n" not in message and message.startswith(path.name)
    return message


def test_empty_file(tmp_path):
    path = tmp_path / "annex_a.xlsx"
    path.write_bytes(b"")
    assert "empty file" in data_error(path)


def test_text_renamed_xlsx(tmp_path):
    path = tmp_path / "annex_a.xlsx"
    path.write_text("Child Unique ID,Gender\n1,a) Male\n")
    assert "not a spreadsheet" in data_error(path)


def test_truncated_xlsx(tmp_path, samples_dir):
    path = tmp_path / "annex_a.xlsx"
    path.write_bytes((samples_dir / "liia-tools-pipeline_Annex_A_2024_Jan.xlsx").read_bytes()[:1000])
    assert "truncated or corrupt" in data_error(path)


def test_password_protected(tmp_path):
    """Excel saves an encrypted .xlsx as an OLE container with an EncryptionInfo stream."""
    path = tmp_path / "annex_a.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le"))
    assert "password" in data_error(path)


def test_workbook_without_a_list(tmp_path):
    path = write_xlsx(tmp_path / "annex_a.xlsx", {"Sheet1": [["Name", "Amount"], ["x", 1]]})
    assert "no Annex A list" in data_error(path)


def test_list_sheet_without_header_row(tmp_path):
    rows = [["List 3: Referral"], REFERRAL_ROW, REFERRAL_ROW]
    path = write_xlsx(
        tmp_path / "annex_a.xlsx",
        {
            "List_1": [["Child Unique ID", "Gender", "Ethnicity", "Date of Contact", "Contact Source"]],
            "List_3": rows,
        },
    )
    message = data_error(path)
    assert "sheet List_3" in message and "list 3 (referrals)" in message


def test_trailing_blank_rows_are_dropped(tmp_path):
    path = tmp_path / "annex_a.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Referrals")
    sheet.append(REFERRAL_HEADERS)
    for _ in range(3):
        sheet.append(REFERRAL_ROW)
    for _ in range(100_000):
        sheet.append([" "])
    workbook.save(path)
    extract = read_extract([path])
    assert extract.row_counts() == {"referrals": 3}
    assert extract.issues == []


def test_formula_without_value_and_error_cells(tmp_path):
    rows = [REFERRAL_HEADERS, REFERRAL_ROW, list(REFERRAL_ROW)]
    rows[2][5] = "=F2+1"  # openpyxl saves formulas without a calculated value
    rows[2][9] = "#REF!"  # an error cell
    extract = read_extract([write_xlsx(tmp_path / "annex_a.xlsx", {"List_3": rows})])
    found = {(i.rule, i.row, i.column) for i in extract.issues}
    assert ("formula_no_value", 3, "referral_date") in found
    assert ("error_value", 3, "team") in found
    assert not [i for i in extract.issues if i.rule == "missing_value"]  # explained, not "blank"
    assert extract.tables["referrals"].column("referral_date").to_pylist() == [dt.date(2020, 9, 16), None]


def test_header_variants_order_and_problems(tmp_path):
    headers = [
        "  REFERRAL NFA ",
        "Date Of Referral",
        "child unique id",
        "Gender",
        "Ethnicity",
        "Referral Source",
        "Allocated Team",
        "Allocated Worker",
        "Favourite colour",
        "Team",
    ]
    row = ["No", "16/09/2020", "9212044.0", "M", "WBRI", "Police", "Duty", "W", "blue", "Duty 2"]
    extract = read_extract([write_xlsx(tmp_path / "annex_a.xlsx", {"Data": [headers, row]})])
    table = extract.tables["referrals"].to_pylist()[0]
    assert (table["referral_nfa"], table["referral_date"], table["child_id"]) == (
        "N",
        dt.date(2020, 9, 16),
        "9212044",
    )
    assert table["team"] == "Duty"  # the first of two headers that both mean team
    issues = {(i.rule, i.column, i.severity) for i in extract.issues}
    assert ("missing_column", "referrals_last_12m", "warning") in issues  # the run goes on
    assert ("unknown_header", "Favourite colour", "warning") in issues
    assert ("duplicate_header", "team", "warning") in issues


def test_pre2014_assessment_types(tmp_path):
    headers = [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Assessment Type",
        "Allocated Team",
        "Allocated Worker",
    ]
    rows = [headers] + [
        ["C", "a) Male", "a) WBRI", "b) No", dt.datetime(2012, 1, 2), "a) Yes", t, "T", "W"]
        for t in ("Initial", "Core", "Continuous", "Single")
    ]
    extract = read_extract([write_xlsx(tmp_path / "old.xls.xlsx", {"List 4": rows})])
    assert extract.layout == "pre2014"
    assert extract.tables["assessments"].column("assessment_type").to_pylist() == [
        "initial",
        "core",
        "single",
        "single",
    ]


def test_same_list_twice_is_concatenated(tmp_path):
    sheets = {"List_3": [REFERRAL_HEADERS, REFERRAL_ROW], "Referrals": [REFERRAL_HEADERS, REFERRAL_ROW]}
    extract = read_extract([write_xlsx(tmp_path / "annex_a.xlsx", sheets)])
    assert extract.tables["referrals"].column("source_sheet").to_pylist() == ["List_3", "Referrals"]
    assert [i.rule for i in extract.issues] == ["duplicate_list"]


def test_cp1252_csv_with_title_and_ragged_row(tmp_path):
    text = (
        "List 3: Referral\r\n"
        + ",".join(h if "?" not in h else f'"{h}"' for h in REFERRAL_HEADERS)
        + "\r\n"
        + "1,F,WBRI,01/02/2012,8,16/09/2020,Police,no,2,Café Team,W\r\n"
        + "2,F\r\n"
        + ",,,,,,,,,,\r\n"
        + "3,M,OOTH,2012-02-01,8,44090,e) 2A: Schools,yes,1,£ Team,W\r\n"
    )
    path = tmp_path / "list_3_referrals.csv"
    path.write_bytes(text.encode("cp1252"))
    extract = read_extract([path])
    rows = extract.tables["referrals"].to_pylist()
    assert [r["team"] for r in rows] == ["Café Team", "£ Team"]
    assert [r["source_row"] for r in rows] == [3, 6]
    assert rows[1]["referral_date"] == dt.date(2020, 9, 16)  # serial 44090
    assert [(i.rule, i.row) for i in extract.issues] == [("bad_row", 4)]
    assert extract.files[0].kind == "csv"


def test_utf8_bom_workforce_csv(tmp_path):
    path = tmp_path / "workforce.csv"
    path.write_bytes(
        b"\xef\xbb\xbfTeam,Post ID,Role,Establishment FTE,Filled FTE,Agency FTE,Agency Reason,"
        b"Starter Date,Leaver Date\n"
        b"North,P1,Social Worker,1,0.5,0.5,Maternity leave,,2024-01-31\n"
    )
    row = read_extract([path]).tables["workforce"].to_pylist()[0]
    assert (row["team"], row["filled_fte"], row["agency_reason"], row["leaver_date"]) == (
        "North",
        0.5,
        "maternity",
        dt.date(2024, 1, 31),
    )


def test_find_month_files(tmp_path):
    for name in (
        "annex_a.xlsx",
        "~$annex_a.xlsx",
        ".hidden.xlsx",
        "commentary.md",
        "list_1_contacts.csv",
        "workforce.xlsx",
        "notes.txt",
    ):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in find_month_files(tmp_path)] == [
        "annex_a.xlsx",
        "list_1_contacts.csv",
        "workforce.xlsx",
    ]
    (tmp_path / "annex_a_v2.xls").write_bytes(b"x")
    with pytest.raises(DataError, match="annex_a.xlsx and annex_a_v2.xls"):
        find_month_files(tmp_path)
