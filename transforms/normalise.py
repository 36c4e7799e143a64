"""Turn one recognised sheet (raw string cells) into a canonical, typed list table plus its issues.

The reader hands over every cell as text with its Excel row number; this module applies the header
mapping found by `transforms.headers`, drops fully blank rows, parses each canonical column by its
configured type (`transforms.values`), and records every header or value problem as an `Issue`
pointing at file, sheet, Excel row and column. Nothing is dropped silently: an unreadable value becomes
NULL *and* an issue. Messages quote the offending value only for codes, dates, and numbers, never for
identifiers, worker names, dates of birth or postcodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from csc_report.transforms.headers import HeaderMatch
from csc_report.transforms.specs import ColumnSpec
from csc_report.transforms.values import (
    ParsedColumn,
    Parser,
    code_parser,
    parse_column,
    parse_date,
    parse_float,
    parse_id,
    parse_int,
    parse_postcode,
    parse_text,
)

from csc_report.issues import Issue

ARROW_TYPES = {"date": pa.date32(), "dob": pa.date32(), "int": pa.int64(), "float": pa.float64()}
SOURCE_COLUMNS = ["source_file", "source_sheet", "source_row"]
QUOTE_LIMIT = 40


@dataclass
class RawSheet:
    """The data rows under a header row, every cell as text, as the reader found them."""

    file: str  # basename, as shown in issues
    sheet: str  # "" for CSV
    header_row: int  # Excel row number of the header row
    columns: list[pa.Array]  # string columns in source order
    rows: pa.Array  # int64 Excel row number of each data row
    cell_errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column index) -> `#N/A`
    formula_blanks: set[tuple[int, int]] = field(default_factory=set)  # (row, column index)
    header: list[str | None] = field(default_factory=list)  # the header row's cells, in source order


def arrow_type(column: ColumnSpec) -> pa.DataType:
    return ARROW_TYPES.get(column.type, pa.string())


def _parser(column: ColumnSpec, codes: dict[str, dict[str, str]]) -> Parser:
    if column.codelist:
        return code_parser(codes[column.codelist])
    if column.type == "int":
        return lambda cleaned: parse_int(cleaned, column.floor_fractions)
    return {
        "date": parse_date,
        "dob": parse_date,
        "float": parse_float,
        "id": parse_id,
        "worker": parse_text,
        "text": parse_text,
        "postcode": parse_postcode,
    }[column.type]


def _quote(value: str) -> str:
    return repr(value if len(value) <= QUOTE_LIMIT else value[:QUOTE_LIMIT] + "…")


def _bad_message(column: ColumnSpec, raw: str) -> tuple[str, str]:
    """(rule, message) for an unreadable value; personal columns (lists.yaml) never show the value."""
    shown = "value" if column.personal else _quote(raw)
    if column.codelist:
        return "unknown_code", f"{shown} is not a known {column.codelist} code; treated as blank"
    if column.type == "postcode":
        return "bad_postcode", "not a valid UK postcode; treated as blank"
    if column.type in ("date", "dob"):
        return "bad_date", f"{shown} is not a date; treated as blank"
    if column.type == "int":
        return "bad_integer", f"{shown} is not a whole number; treated as blank"
    return "bad_number", f"{shown} is not a number; treated as blank"


class _Issues:
    """Collects issues for one sheet with its file and sheet filled in."""

    def __init__(self, raw: RawSheet):
        self.raw = raw
        self.items: list[Issue] = []

    def add(self, row: int | None, column: str, rule: str, message: str, severity: str = "warning") -> None:
        self.items.append(Issue(self.raw.file, self.raw.sheet, row, column, rule, severity, message))

    def extend(self, rows: list[int], column: str, rule: str, message: str) -> None:
        file, sheet = self.raw.file, self.raw.sheet
        self.items.extend(Issue(file, sheet, row, column, rule, "warning", message) for row in rows)


def _header_issues(match: HeaderMatch, raw: RawSheet, issues: _Issues) -> None:
    header_row = raw.header_row
    title = match.spec.title
    # A warning, not an error: the run goes on and the indicators that need the column say "not
    # available" (contract section 3). The columns a load cannot do without (identifier, event date)
    # are checked by the suites, whose `*_column_present` failures stop the run (config/severity.yaml).
    for name in match.missing_required:
        issues.add(header_row, name, "missing_column", f"required column {name} not found in {title}")
    for _, header in match.unknown:
        issues.add(header_row, header, "unknown_header", f"header is not a column of {title}; ignored")
    for _, header, names in match.ambiguous:
        issues.add(
            header_row,
            header,
            "duplicate_header",
            f"header matches several columns ({', '.join(names)}); ignored",
        )
    for name, headers in match.repeated:
        listed = ", ".join(repr(h) for h in headers)
        issues.add(
            header_row, name, "duplicate_header", f"headers {listed} all map to {name}; the first is used"
        )
    mapped = set(match.columns.values()) | {i for i, _ in match.unknown} | {i for i, *_ in match.ambiguous}
    # a column under a header is reported above (a second header of one column is `duplicate_header`)
    mapped |= {i for i, text in enumerate(raw.header) if text is not None and str(text).strip()}
    for index, column in enumerate(raw.columns):
        if index not in mapped and column.null_count < len(column):
            issues.add(
                header_row,
                f"column {index + 1}",
                "unknown_header",
                "column has values but no header; ignored",
            )


def _repeated_header(raw: RawSheet) -> pa.Array | None:
    """Mask of data rows that repeat the header row (exports glued together, a header copied down).

    A row counts when every cell under a non-blank header holds that header's text (case and outer
    spaces aside). None when there is no such row; the first column is tried alone first, so a sheet
    without repeats costs one comparison of one column.
    """
    named = [
        (index, text.strip().lower())
        for index, text in enumerate(raw.header[: len(raw.columns)])
        if isinstance(text, str) and text.strip()
    ]
    if len(named) < 2:
        return None
    same = None
    for index, text in named:
        cells = pc.utf8_lower(pc.utf8_trim_whitespace(raw.columns[index]))
        equal = pc.fill_null(pc.equal(cells, text), False)
        same = equal if same is None else pc.and_(same, equal)
        if not pc.any(same).as_py():
            return None
    return same


def _keep_rows(raw: RawSheet, issues: _Issues) -> pa.Array | None:
    """Mask of rows to keep (None when all are): blank rows vanish silently, repeated header rows with
    a `repeated_header` issue each."""
    if not raw.columns:
        return None
    keep = pc.is_valid(raw.columns[0])
    for column in raw.columns[1:]:
        keep = pc.or_(keep, pc.is_valid(column))
    if raw.cell_errors or raw.formula_blanks:
        special = pa.array(
            sorted({r for r, _ in raw.cell_errors} | {r for r, _ in raw.formula_blanks}), pa.int64()
        )
        keep = pc.or_(keep, pc.is_in(raw.rows, value_set=special))
    repeated = _repeated_header(raw)
    if repeated is not None:
        for row in pc.filter(raw.rows, repeated).to_pylist():
            issues.add(row, "", "repeated_header", "the header row is repeated here; row ignored")
        keep = pc.and_(keep, pc.invert(repeated))
    return None if pc.all(keep).as_py() else keep


def _value_issues(
    column: ColumnSpec, parsed: ParsedColumn, rows: pa.Array, special: set[int], issues: _Issues
):
    """Unreadable values, Excel errors as text, and blanks in mandatory columns (one issue per cell)."""
    bad_rows = pc.filter(rows, parsed.bad).to_pylist()
    if bad_rows:
        messages = {
            raw: _bad_message(column, raw)
            for raw in pc.unique(pc.filter(parsed.cleaned, parsed.bad)).to_pylist()
        }
        for row, raw in zip(bad_rows, pc.filter(parsed.cleaned, parsed.bad).to_pylist(), strict=True):
            issues.add(row, column.name, *messages[raw])
    for row, raw in zip(
        pc.filter(rows, parsed.error).to_pylist(),
        pc.filter(parsed.cleaned, parsed.error).to_pylist(),
        strict=True,
    ):
        issues.add(row, column.name, "error_value", f"Excel error {raw.upper()}; treated as blank")
    if column.required:
        blank = pc.and_(pc.is_null(parsed.cleaned), pc.invert(parsed.error))
        blank_rows = [r for r in pc.filter(rows, blank).to_pylist() if r not in special]
        issues.extend(blank_rows, column.name, "missing_value", "mandatory value is blank")


def normalise_sheet(
    raw: RawSheet, match: HeaderMatch, codes: dict[str, dict[str, str]]
) -> tuple[pa.Table, list[Issue]]:
    """The canonical table of one sheet (present columns + source columns) and the issues found in it."""
    issues = _Issues(raw)
    _header_issues(match, raw, issues)
    keep = _keep_rows(raw, issues)
    columns, rows = raw.columns, raw.rows
    if keep is not None:
        columns, rows = [pc.filter(c, keep) for c in columns], pc.filter(rows, keep)

    arrays, fields = [], []
    for name, column in match.spec.columns.items():
        if name not in match.columns:
            continue
        index = match.columns[name]
        parsed = parse_column(columns[index], _parser(column, codes))
        errors = {r: v for (r, c), v in raw.cell_errors.items() if c == index}
        formulas = {r for r, c in raw.formula_blanks if c == index}
        for row, error in sorted(errors.items()):
            issues.add(row, name, "error_value", f"Excel error {error}; treated as blank")
        for row in sorted(formulas):
            issues.add(
                row, name, "formula_no_value", "formula saved without a calculated value; treated as blank"
            )
        _value_issues(column, parsed, rows, set(errors) | formulas, issues)
        arrays.append(parsed.values.cast(arrow_type(column)))
        fields.append(pa.field(name, arrow_type(column)))

    n = len(rows)
    arrays += [pa.repeat(pa.scalar(raw.file), n), pa.repeat(pa.scalar(raw.sheet), n), rows.cast(pa.int64())]
    fields += [
        pa.field("source_file", pa.string()),
        pa.field("source_sheet", pa.string()),
        pa.field("source_row", pa.int64()),
    ]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields)), issues.items
