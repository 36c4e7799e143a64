"""`tables.xlsx`: the report's tables, one sheet each, formatted for people rather than machines.

The Scorecard sheet comes first (every measure of the month, publish/scorecard.py), then a Contents sheet
(what each sheet holds, what the suppression mark means), as statistical publications do; each table sheet has
a bold filled header frozen in row 1, number formats by column kind, and widths fitted to the text.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from csc_report.publish.scorecard import Scorecard
from csc_report.publish.tables import PublishedTable
from csc_report.units import UNITS

NUMBER_FORMATS = {
    **{name: unit.excel_format for name, unit in UNITS.items()},
    "month": "mmm yyyy",
    "date": "d mmm yyyy",
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")  # light grey: legible printed in black and white
MAX_SHEET_NAME = 31
MAX_WIDTH = 60


def sheet_names(table_ids: list[str]) -> list[str]:
    """Excel-safe sheet names: no []:*?/\\, at most 31 characters, unique (a `~2` suffix on a clash)."""
    names: list[str] = []
    taken = {"contents", "scorecard"}
    for table_id in table_ids:
        base = re.sub(r"[\[\]:*?/\\]", "_", table_id)[:MAX_SHEET_NAME]
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            suffix = f"~{n}"
            name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        taken.add(name.lower())
        names.append(name)
    return names


def write_workbook(
    tables: list[PublishedTable], path: Path, footnotes: list[str], scorecard: Scorecard | None = None
) -> Path:
    workbook = Workbook()
    contents = workbook.active
    contents.title = "Contents"
    if scorecard is not None:
        _scorecard_sheet(workbook.create_sheet("Scorecard", 0), scorecard)
    names = sheet_names([table.id for table in tables])
    contents_rows = [[name, table.id, table.title] for name, table in zip(names, tables, strict=True)]
    _fill(contents, ["Sheet", "Table", "Title"], contents_rows, ["text"] * 3)
    for offset, note in enumerate(footnotes, start=2):
        contents.cell(row=len(contents_rows) + offset, column=1, value=note)
    for name, table in zip(names, tables, strict=True):
        rows = [
            [_cell(value, column.kind) for column, value in zip(table.columns, row, strict=True)]
            for row in table.rows
        ]
        _fill(
            workbook.create_sheet(name),
            [c.header for c in table.columns],
            rows,
            [c.kind for c in table.columns],
        )
        if table.total_index is not None:
            for cell in workbook[name][table.total_index + 2]:  # below the header row, 1-based
                cell.font = HEADER_FONT
    workbook.save(path)
    return path


def _scorecard_sheet(sheet, scorecard: Scorecard) -> None:
    """Every measure, one row each: value and target as numbers in their unit's format."""
    headers, rows, units = scorecard.sheet()
    _fill(sheet, headers, rows, ["text"] * len(headers))
    for row_cells, unit in zip(sheet.iter_rows(min_row=2, min_col=3, max_col=4), units, strict=True):
        for cell in row_cells:
            cell.number_format = NUMBER_FORMATS.get(unit, "General")


def _cell(value, kind: str):
    """Numbers stay numbers (unrounded; the format rounds), months and dates become Excel dates."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if kind == "month" and isinstance(value, pd.Period):
        return value.to_timestamp().date()
    return value


def _fill(sheet, headers: list[str], rows: list[list], kinds: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, kind in enumerate(kinds, start=1):
        texts = [headers[index - 1]] + [_width_text(row[index - 1]) for row in rows]
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(map(len, texts)) + 2)
        if kind not in NUMBER_FORMATS:
            continue
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, str):
                cell.alignment = Alignment(
                    horizontal="right"
                )  # a suppression mark sits where the number would
            else:
                cell.number_format = NUMBER_FORMATS[kind]


def _width_text(value) -> str:
    """Roughly what Excel will show, to size the column."""
    if isinstance(value, date):
        return "00 Mmm 0000"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return "" if value is None else str(value)
