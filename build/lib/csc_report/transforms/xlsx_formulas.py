"""Find formula cells saved without a value in an .xlsx sheet.

A workbook written by a tool that does not calculate (openpyxl, some report generators) stores
`<c r="I2"><f>H2+5</f></c>` with no cached `<v>`; every reader, calamine included, then sees a blank cell
and the date silently disappears. Calamine does not expose formulas, so this module scans the sheet's
XML for such cells, so that each becomes a `formula_no_value` issue rather than an unexplained blank.
The scan is a byte-level regex over the decompressed part; a sheet without any `<f` element costs one
decompression and a substring search, and the reader runs it in a thread beside calamine's own parse
(both release the GIL), so it adds little to the wall-clock time.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


def _column_index(letters: bytes) -> int:
    index = 0
    for byte in letters:
        index = index * 26 + (byte - 64)
    return index - 1


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the archive."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        parts[sheet.get("name")] = (
            target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        )
    return parts


def formula_cells_without_value(path: str, sheet_names: list[str]) -> dict[str, set[tuple[int, int]]]:
    """For each named sheet: {(Excel row number, 0-based absolute column)} of formulas with no value."""
    found: dict[str, set[tuple[int, int]]] = {}
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        for name in sheet_names:
            part = parts.get(name)
            data = archive.read(part) if part in archive.NameToInfo else b""
            found[name] = (
                {(int(m.group(2)), _column_index(m.group(1))) for m in _CELL.finditer(data)}
                if b"<f" in data
                else set()
            )
    return found
