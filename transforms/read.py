"""Read one month's input files (Annex A workbook, per-list CSVs, workforce extract) into an `Extract`.

Workbooks are read with fastexcel (calamine, Rust) straight to Arrow, every cell as text with its Excel
row number, so that the normaliser sees exactly what the user sees and can point at it. Lists are found
by their headers (`transforms.headers`), then normalised (`transforms.normalise`). Problems with whole
files stop the run with a one-line `DataError` naming the file (and sheet); problems with headers or
cells become `Issue`s and the run goes on.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from csc_report.transforms.extract import Extract, SourceFile
from csc_report.transforms.headers import HEADER_SEARCH_ROWS, HeaderMatch, hinted_list, identify
from csc_report.transforms.normalise import SOURCE_COLUMNS, RawSheet, normalise_sheet
from csc_report.transforms.specs import ListsConfig, ListSpec, load_codes, load_lists
from csc_report.transforms.text import normalise_sheet_name
from csc_report.transforms.xlsx_formulas import formula_cells_without_value

from csc_report.errors import DataError
from csc_report.issues import Issue

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_LIST_CSV = re.compile(r"^list[ _-]?(\d{1,2})(?!\d).*\.csv$", re.IGNORECASE)
_WORKFORCE = re.compile(r"^workforce\.(xlsx|xlsm|xls|csv)$", re.IGNORECASE)
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
# calamine's error names -> what Excel shows in the cell
_CALAMINE_ERRORS = {
    "NA": "#N/A",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "Div0": "#DIV/0!",
    "Name": "#NAME?",
    "Num": "#NUM!",
    "Null": "#NULL!",
    "GettingData": "#GETTING_DATA",
}
_CELL_ERROR = re.compile(r"Error\((\w+)\)")


def is_workforce(path: Path) -> bool:
    """The optional workforce extract (contract 1.3), as opposed to the Annex A extract."""
    return bool(_WORKFORCE.match(Path(path).name))


def find_month_files(month_dir: Path) -> list[Path]:
    """The input files of a month folder: at most one Annex A workbook, list CSVs, a workforce extract.

    Hidden files, Excel lock files (`~$x.xlsx`), `commentary.md` and anything else are left alone.
    """
    month_dir = Path(month_dir)
    if not month_dir.is_dir():
        raise DataError(f"{month_dir}: not a folder")
    chosen = choose_month_files([p.name for p in month_dir.iterdir() if p.is_file()], str(month_dir))
    if not chosen:
        raise DataError(f"{month_dir}: no Annex A workbook (.xlsx/.xls), list_<n>.csv or workforce file")
    return [month_dir / name for name in chosen]


def choose_month_files(names: list[str], where: str) -> list[str]:
    """The names `find_month_files` reads, in reading order, from a month folder's file names.

    Apart from the folder so that a remote inbox (csc_report.sources) can tell whether a month's
    extract has arrived by listing it, before copying anything: an empty answer means not yet.
    """
    files = sorted(name for name in names if not name.startswith((".", "~")))
    workbooks = [n for n in files if Path(n).suffix.lower() in WORKBOOK_SUFFIXES and not _WORKFORCE.match(n)]
    if len(workbooks) > 1:
        raise DataError(
            f"{where}: two Annex A workbooks ({' and '.join(workbooks)}); keep one per month folder"
        )
    return workbooks + [n for n in files if _LIST_CSV.match(n)] + [n for n in files if _WORKFORCE.match(n)]


def read_extract(paths: list[Path], *, la_aliases: Path | None = None) -> Extract:
    """Read, recognise and normalise every file; one Extract with all lists, issues and file hashes."""
    config = load_lists(Path(la_aliases) if la_aliases else None)
    codes = load_codes()
    extract = Extract()
    parts: dict[str, list[pa.Table]] = {}
    present: dict[str, set[str]] = {}
    found_in: dict[str, tuple[str, str]] = {}  # list id -> (file, "file, sheet S") where first found
    for path in map(Path, paths):
        data = _read_bytes(path)
        kind = _kind(path, data)
        extract.files.append(SourceFile(str(path), path.name, hashlib.sha256(data).hexdigest(), kind))
        specs = _candidate_specs(path, config)
        if kind == "csv":
            sheets = [_read_csv(path, data, specs, extract.issues)]
        else:
            sheets = _read_workbook(path, kind, config, specs, extract.issues)
        if not sheets:
            raise DataError(f"{path.name}: no Annex A list recognised (no sheet has the headers of any list)")
        for raw, match in sheets:
            list_id = match.spec.id
            where = f"{raw.file}, sheet {raw.sheet}" if raw.sheet else raw.file
            first_file, first = found_in.setdefault(list_id, (raw.file, where))
            if first_file != raw.file:
                # Two files of one month folder hold the same list: two candidate extracts, and adding
                # their rows together would count every event twice. Sheets of one workbook may split a
                # long list, so those are added together (below) with a warning.
                raise DataError(
                    f"{where}: {match.spec.title} is also in {first}; keep one extract of each list "
                    "per month folder"
                )
            table, issues = normalise_sheet(raw, match, codes)
            extract.issues.extend(issues)
            if list_id in parts:
                extract.issues.append(
                    Issue(
                        raw.file,
                        raw.sheet,
                        None,
                        "",
                        "duplicate_list",
                        "warning",
                        f"{match.spec.title} found again; its rows are added to the earlier ones",
                    )
                )
            parts.setdefault(list_id, []).append(table)
            present.setdefault(list_id, set()).update(match.columns)
    for list_id, tables in parts.items():
        spec = config.lists[list_id]
        columns = [c for c in spec.columns if c in present[list_id]]
        table = pa.concat_tables(tables, promote_options="default") if len(tables) > 1 else tables[0]
        extract.tables[list_id] = table.select(columns + SOURCE_COLUMNS)
        extract.columns_present[list_id] = columns
    extract.layout = _layout(extract.columns_present)
    return extract


def _layout(columns_present: dict[str, list[str]]) -> str:
    """ "2024" when List 9 has the pathway columns; "pre2014" when List 4 types its assessments."""
    if "pathway_review_date" in columns_present.get("care_leavers", []):
        return "2024"
    if "assessment_type" in columns_present.get("assessments", []):
        return "pre2014"
    return "2019"


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path.name}: cannot read file ({exc.strerror})") from None
    if not data.strip():
        raise DataError(f"{path.name}: empty file")
    return data


def _kind(path: Path, data: bytes) -> str:
    """What the file really is, by its first bytes; the extension only chooses between CSV and workbook."""
    if path.suffix.lower() == ".csv":
        return "csv"
    if data.startswith(_OLE):
        if _OLE_ENCRYPTED in data:
            raise DataError(
                f"{path.name}: workbook is password-protected or encrypted; save it without a password"
            )
        return "xls"
    if data.startswith(_ZIP):
        return "xlsx"
    raise DataError(f"{path.name}: not a spreadsheet (expected an .xlsx or .xls workbook, or a .csv file)")


def _candidate_specs(path: Path, config: ListsConfig) -> list[ListSpec]:
    """Lists a file may hold: its named list for `list_<n>.csv` and `workforce.*`, any list otherwise."""
    if _WORKFORCE.match(path.name):
        return [config.lists["workforce"]]
    if m := _LIST_CSV.match(path.name):
        spec = config.by_number(int(m.group(1)))
        if spec is None:
            raise DataError(f"{path.name}: there is no Annex A list {int(m.group(1))}")
        return [spec]
    return list(config.lists.values())


def _one_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _read_workbook(
    path: Path, kind: str, config: ListsConfig, specs: list[ListSpec], issues: list[Issue]
) -> list[tuple[RawSheet, HeaderMatch]]:
    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except Exception as exc:  # calamine reports corrupt/truncated archives in several exception types
        detail = _one_line(exc)
        if "password" in detail.lower() or "encrypt" in detail.lower():
            raise DataError(f"{path.name}: workbook is password-protected or encrypted") from None
        raise DataError(f"{path.name}: truncated or corrupt workbook ({detail})") from None
    scan = None
    if kind == "xlsx":  # in a thread: zlib and calamine both release the GIL
        pool = ThreadPoolExecutor(max_workers=1)
        scan = pool.submit(formula_cells_without_value, str(path), names)
        pool.shutdown(wait=False)
    found = []
    for name in names:
        if normalise_sheet_name(name) in config.ignore_sheets:
            continue
        try:
            sheet = reader.load_sheet(
                name,
                header_row=None,
                skip_rows=0,
                dtypes="string",
                skip_whitespace_tail_rows=True,
                whitespace_as_null=True,
            )
            batch, errors = sheet.to_arrow_with_errors()
            table = pa.Table.from_batches([batch])
        except Exception as exc:
            raise DataError(f"{path.name}: sheet {name}: cannot be read ({_one_line(exc)})") from None
        if table.num_rows == 0 or table.num_columns == 0:
            continue
        head = table.slice(0, HEADER_SEARCH_ROWS).to_pydict()
        head_rows = [list(row) for row in zip(*head.values(), strict=True)]
        match = identify(head_rows, specs, name)
        if match is None:
            hinted = hinted_list(name, specs)
            if hinted is not None:
                raise DataError(
                    f"{path.name}: sheet {name}: no header row of {hinted.title} in its first "
                    f"{HEADER_SEARCH_ROWS} rows"
                )
            issues.append(
                Issue(
                    path.name, name, None, "", "unknown_sheet", "info", "sheet holds no Annex A list; ignored"
                )
            )
            continue
        first_column = sheet.available_columns()[0].absolute_index
        found.append((_raw_sheet(path, name, table, match.header_row, errors), match, first_column))
    if scan is not None:
        try:
            blanks = scan.result()
        except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
            raise DataError(f"{path.name}: truncated or corrupt workbook ({_one_line(exc)})") from None
        for raw, _, first_column in found:
            raw.formula_blanks = {(r, c - first_column) for r, c in blanks[raw.sheet] if r > raw.header_row}
    return [(raw, match) for raw, match, _ in found]


def _array(column: pa.ChunkedArray) -> pa.Array:
    """One contiguous array; a single (possibly sliced) chunk is used as is, without a copy."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _raw_sheet(path: Path, name: str, table: pa.Table, header_index: int, errors) -> RawSheet:
    """The rows under the header; with skip_rows=0 fastexcel's row i is Excel row i + 1."""
    data = table.slice(header_index + 1)
    header = [column[header_index].as_py() for column in table.columns]
    cell_errors = {}
    for error in errors.errors if errors is not None else []:
        row, column = error.position
        kind = _CELL_ERROR.search(error.detail)
        if row > header_index and kind:
            cell_errors[(row + 1, column)] = _CALAMINE_ERRORS.get(kind.group(1), f"#{kind.group(1).upper()}")
    return RawSheet(
        file=path.name,
        sheet=name,
        header_row=header_index + 1,
        columns=[_array(c) for c in data.columns],
        rows=pa.array(range(header_index + 2, header_index + 2 + data.num_rows), pa.int64()),
        cell_errors=cell_errors,
        header=header,
    )


def _decode(path: Path, data: bytes) -> tuple[bytes, str]:
    """(bytes without BOM, encoding): UTF-8 when it decodes as such, else Windows-1252 (Excel's 'CSV')."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "cp1252"):
        try:
            data.decode(encoding)
            return data, encoding
        except UnicodeDecodeError:
            continue
    raise DataError(f"{path.name}: not a text CSV (neither UTF-8 nor Windows-1252)")


def _read_csv(
    path: Path, data: bytes, specs: list[ListSpec], issues: list[Issue]
) -> tuple[RawSheet, HeaderMatch]:
    """A per-list CSV, all cells as strings; the header row may follow title lines as in the workbook."""
    data, encoding = _decode(path, data)
    head_lines = data.decode(encoding).splitlines()[:HEADER_SEARCH_ROWS]
    head_rows = [row for row in csv.reader(head_lines)]
    match = identify(head_rows, specs, path.stem)
    if match is None:
        raise DataError(
            f"{path.name}: no header row of {specs[0].title} in its first {HEADER_SEARCH_ROWS} lines"
        )
    width = len(head_rows[match.header_row])
    names = [f"c{i}" for i in range(width)]
    skipped: list[int] = []

    def skip_ragged(row) -> str:
        """Lines with the wrong number of fields: blank ones vanish, others are skipped with an issue."""
        skipped.append(row.number)
        if row.text.strip(" ,;\t\r\n"):
            issues.append(
                Issue(
                    path.name,
                    "",
                    row.number,
                    "",
                    "bad_row",
                    "warning",
                    f"row has {row.actual_columns} fields where the header has {width}; row skipped",
                )
            )
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=match.header_row + 1, encoding=encoding, use_threads=False
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=skip_ragged, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=True, null_values=[""]
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise DataError(f"{path.name}: cannot be read as CSV ({_one_line(exc)})") from None
    first = match.header_row + 2
    lines = pa.array(range(first, first + table.num_rows + len(skipped)), pa.int64())
    if skipped:
        lines = pc.filter(lines, pc.invert(pc.is_in(lines, value_set=pa.array(skipped, pa.int64()))))
    raw = RawSheet(
        file=path.name,
        sheet="",
        header_row=match.header_row + 1,
        columns=[_array(c) for c in table.columns],
        rows=lines,
        header=list(head_rows[match.header_row]),
    )
    return raw, match
