"""The Ofsted List 3 header row and a small workbook writer, shared by the reading and bad-input tests
(imported: pytest puts tests/ on sys.path; not a test module of its own)."""

from pathlib import Path

import openpyxl

REFERRAL_HEADERS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of referral",
    "Referral Source",
    "Referral NFA?",
    "Number of Referrals in Last 12 Months",
    "Allocated Team",
    "Allocated Worker",
]


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path
