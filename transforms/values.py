"""Vectorised cell parsing: dates, numbers, ids, postcodes and codes from the raw strings of a sheet.

Every parser works on the *distinct* values of a column (`parse_column`): an Annex A column of 20,000 rows
holds a few hundred distinct dates or a dozen distinct codes, so each distinct string is parsed once with
pyarrow.compute kernels (or one dictionary lookup for codes) and the result is spread back over the rows
with `take`. There is no per-row Python loop anywhere on the data path.

Each parser returns `(values, bad)`: the typed values (null where the cell is blank or unreadable) and a
boolean mask of non-blank cells that could not be read, which the caller turns into issues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from csc_report.transforms.text import code_token, normalise_code

# Excel error values as they appear when a workbook is exported to text or read as text.
EXCEL_ERRORS = [
    "#N/A",
    "#REF!",
    "#VALUE!",
    "#DIV/0!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
]

_ISO = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_DMY = r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$"
_SERIAL = r"^\d{1,7}(?:\.\d+)?$"
# Excel serial day numbers: 61 is 1900-03-01 (below it Excel's fictitious 29/02/1900 shifts days);
# 25569 is 1970-01-01, the date32 epoch; 2958465 is 9999-12-31.
_SERIAL_MIN, _SERIAL_EPOCH, _SERIAL_MAX = 61, 25569, 2958465
# At most 18 digits: anything longer does not fit a 64-bit integer and is an unreadable value, not a crash.
_WHOLE = r"^[+-]?\d{1,18}(?:\.0*)?$"
_INT_LIMIT = 1e18
_DECIMAL = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_POSTCODE = r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$"

Parser = Callable[[pa.Array], tuple[pa.Array, pa.Array]]


def clean(values: pa.Array) -> pa.Array:
    """NBSP -> space, trim, collapse inner whitespace, '' -> null. Applied before any parsing."""
    values = pc.utf8_trim_whitespace(pc.replace_substring(values, "\xa0", " "))
    values = pc.replace_substring_regex(values, r"\s{2,}", " ")
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


@dataclass
class ParsedColumn:
    """One column's cells, row-aligned: cleaned text (for messages), typed values and problem masks."""

    cleaned: pa.Array
    values: pa.Array
    bad: pa.Array  # non-blank, not an Excel error, but unreadable as the column's type
    error: pa.Array  # an Excel error value written as text (`#N/A`)


def parse_column(column: pa.Array, parser: Parser) -> ParsedColumn:
    """Clean and parse the distinct values of `column` once, then spread the results over its rows."""
    encoded = pc.dictionary_encode(column)
    distinct = clean(encoded.dictionary)
    error = excel_error(distinct)
    values, bad = parser(_where(pc.invert(error), distinct, pa.string()))

    def per_row(array: pa.Array) -> pa.Array:
        return pc.take(array, encoded.indices)

    return ParsedColumn(
        cleaned=per_row(distinct),
        values=per_row(values),
        bad=pc.fill_null(per_row(bad), False),
        error=pc.fill_null(per_row(error), False),
    )


def _where(mask: pa.Array, values: pa.Array, type_: pa.DataType) -> pa.Array:
    return pc.if_else(pc.fill_null(mask, False), values, pa.scalar(None, type_))


def _unreadable(cleaned: pa.Array, values: pa.Array) -> pa.Array:
    return pc.and_(pc.is_valid(cleaned), pc.is_null(values))


def excel_error(cleaned: pa.Array) -> pa.Array:
    """Cells holding an Excel error value as text (`#N/A`), case-insensitively."""
    return pc.fill_null(pc.is_in(pc.utf8_upper(cleaned), pa.array(EXCEL_ERRORS)), False)


def _calendar_date(cleaned: pa.Array, pattern: str) -> pa.Array:
    """Dates written as day, month, year parts; impossible ones (31/02) are null, not rolled over."""
    parts = pc.extract_regex(cleaned, pattern)
    day, month, year = (pc.cast(pc.struct_field(parts, k), pa.int64()) for k in ("d", "m", "y"))
    text = pc.binary_join_element_wise(
        pc.cast(year, pa.string()), pc.cast(month, pa.string()), pc.cast(day, pa.string()), "-"
    )
    stamp = pc.strptime(text, "%Y-%m-%d", "s", error_is_null=True)
    exact = pc.and_(pc.equal(pc.day(stamp), day), pc.equal(pc.month(stamp), month))
    return _where(exact, pc.cast(stamp, pa.date32()), pa.date32())


def parse_date(cleaned: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Excel datetime text (`2010-01-01 00:00:00`), ISO, `d/m/yyyy`, or an Excel serial number."""
    is_serial = pc.match_substring_regex(cleaned, _SERIAL)
    serial = pc.floor(pc.cast(_where(is_serial, cleaned, pa.string()), pa.float64()))
    in_range = pc.and_(pc.greater_equal(serial, _SERIAL_MIN), pc.less_equal(serial, _SERIAL_MAX))
    days = pc.cast(pc.subtract(_where(in_range, serial, pa.float64()), _SERIAL_EPOCH), pa.int32())
    values = pc.coalesce(
        _calendar_date(cleaned, _ISO), _calendar_date(cleaned, _DMY), pc.cast(days, pa.date32())
    )
    return values, _unreadable(cleaned, values)


def parse_int(cleaned: pa.Array, floor_fractions: bool = False) -> tuple[pa.Array, pa.Array]:
    """`12`, `12.0`, `-1`; a decimal (`6.138`) only where the column floors fractions (ages)."""
    whole = pc.replace_substring_regex(
        _where(pc.match_substring_regex(cleaned, _WHOLE), cleaned, pa.string()), r"\.0*$", ""
    )
    values = pc.cast(whole, pa.int64())
    if floor_fractions:
        decimal = pc.cast(
            _where(pc.match_substring_regex(cleaned, _DECIMAL), cleaned, pa.string()), pa.float64()
        )
        fits = pc.less(pc.abs(decimal), _INT_LIMIT)
        values = pc.coalesce(values, pc.cast(pc.floor(_where(fits, decimal, pa.float64())), pa.int64()))
    return values, _unreadable(cleaned, values)


def parse_float(cleaned: pa.Array) -> tuple[pa.Array, pa.Array]:
    values = pc.cast(_where(pc.match_substring_regex(cleaned, _DECIMAL), cleaned, pa.string()), pa.float64())
    return values, _unreadable(cleaned, values)


def parse_id(cleaned: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Identifiers stay text; a number Excel stored as float (`9212044.0`) loses its `.0`."""
    values = pc.replace_substring_regex(cleaned, r"^([+-]?\d+)\.0+$", r"\1")
    return values, pa.array([False] * len(cleaned), pa.bool_())


def parse_text(cleaned: pa.Array) -> tuple[pa.Array, pa.Array]:
    return cleaned, pa.array([False] * len(cleaned), pa.bool_())


def parse_postcode(cleaned: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Upper case with exactly one space before the inward code (`t282wb` -> `T28 2WB`)."""
    compact = pc.replace_substring_regex(pc.utf8_upper(cleaned), r"\s+", "")
    valid = pc.match_substring_regex(compact, _POSTCODE)
    values = _where(valid, pc.replace_substring_regex(compact, r"^(.+)(\d[A-Z]{2})$", r"\1 \2"), pa.string())
    return values, _unreadable(cleaned, values)


def code_parser(lookup: dict[str, str]) -> Parser:
    """Map spellings to canonical codes: exact lookup of the normalised value, then of its leading code."""

    def parse(cleaned: pa.Array) -> tuple[pa.Array, pa.Array]:
        out = []
        for raw in cleaned.to_pylist():
            if raw is None:
                out.append(None)
                continue
            key = normalise_code(raw)
            code = lookup.get(key)
            if code is None and (token := code_token(key)) is not None:
                code = lookup.get(token)
            out.append(code)
        values = pa.array(out, pa.string())
        return values, _unreadable(cleaned, values)

    return parse
