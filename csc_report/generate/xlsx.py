"""A small, fast, reproducible xlsx writer for the demo extracts.

openpyxl's write-only mode serialises every cell through a pure-Python XML writer (no lxml here) at
~10-20 microseconds a cell: the 18-month demo (~2.3 million cells) took 25-45 s. The generator only needs
text, numbers and dates, so it writes the SpreadsheetML parts itself with string joins: shared strings, one
date style (``dd/mm/yyyy``, so dates are real Excel dates), no other formatting. Entries carry a fixed
timestamp so the same content always gives the same bytes (file hashes identify content in run.json).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import numpy as np
import pandas as pd

EXCEL_EPOCH = dt.date(1899, 12, 30)
FIXED_TIME = "2013-01-01T00:00:00Z"
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def columns(df: pd.DataFrame) -> list[list]:
    """A frame as plain Python column lists: ``datetime.date`` dates, None blanks, int/float numbers."""
    out = []
    for name in df.columns:
        s = df[name]
        if pd.api.types.is_datetime64_any_dtype(s):
            out.append(s.to_numpy().astype("datetime64[D]").tolist())
        else:
            values = s.to_numpy(dtype=object)
            out.append(
                [
                    None if v is None or v != v else v.item() if isinstance(v, np.generic) else v
                    for v in values
                ]
            )
    return out


def _column_letters(n: int) -> list[str]:
    letters = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        letters.append(name)
    return letters


def _sheet_xml(rows: list[list], strings: dict[str, int]) -> str:
    """Worksheet XML: strings shared, numbers inline, dates as serial numbers in the date style (s="1")."""
    width = max((len(r) for r in rows), default=0)
    letters = _column_letters(width)
    out = [_HEAD, f"<worksheet {_NS}><sheetData>"]
    for r, row in enumerate(rows, start=1):
        cells = []
        for letter, v in zip(letters, row, strict=False):
            if v is None:
                continue
            if isinstance(v, str):
                i = strings.setdefault(v, len(strings))
                cells.append(f'<c r="{letter}{r}" t="s"><v>{i}</v></c>')
            elif isinstance(v, dt.date):
                cells.append(f'<c r="{letter}{r}" s="1"><v>{(v - EXCEL_EPOCH).days}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}"><v>{v!r}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)


def _package_parts(names: list[str], creator: str) -> dict[str, str]:
    sheets = "".join(
        f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    k = len(names)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, k + 1)
    )
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return {
        "[Content_Types].xml": _HEAD
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/></Relationships>',
        "docProps/core.xml": _HEAD + "<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{escape(creator)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIME}</dcterms:modified></cp:coreProperties>',
        "xl/workbook.xml": _HEAD
        + f'<workbook {_NS} xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": _HEAD + f'<Relationships xmlns="{_PKG_REL}">{rels}'
        f'<Relationship Id="rId{k + 1}" Type="{_DOC}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{k + 2}" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/styles.xml": _HEAD + f"<styleSheet {_NS}>"
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    }


def save(sheets: list[tuple[str, list[list]]], path: Path, creator: str) -> None:
    """Write sheets given as (name, rows of str/int/float/date/None) to an xlsx file."""
    strings: dict[str, int] = {}
    parts = {
        f"xl/worksheets/sheet{i}.xml": _sheet_xml(rows, strings) for i, (_, rows) in enumerate(sheets, 1)
    }
    shared = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    parts["xl/sharedStrings.xml"] = (
        _HEAD + f'<sst {_NS} count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
    )
    parts = {**_package_parts([name for name, _ in sheets], creator), **parts}
    with ZipFile(path, "w", ZIP_DEFLATED, compresslevel=6) as z:
        for name, text in parts.items():
            entry = ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = ZIP_DEFLATED
            z.writestr(entry, text.encode("utf-8"))
