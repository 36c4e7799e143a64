"""Pseudonymisation and minimisation before anything reaches the warehouse (contract section 4).

Each column is treated by the personal-data kind config/lists.yaml declares for it (`personal:`):
- identifier columns (child_id, family_id, adopter_id, post_id; worker, personal_advisor) become keyed
  hashes: HMAC-SHA256(key, la_code | kind | normalised value), 16 hex characters. The key
  is secret and stable, so the same child gets the same pseudonym every month (history de-duplicates on
  it) while nobody without the key can recompute or reverse one. `kind` keeps a child id and a worker
  name that happen to be equal from sharing a pseudonym; la_code keeps LAs' id spaces apart.
- dob columns become the first day of their month; postcode columns (placement_postcode) their outward
  code (district, "PE1 2AB" -> "PE1"); a value that is not a postcode becomes NULL with a
  'bad_postcode' issue that quotes no value.
- name columns, and anything not a column of lists.yaml, are dropped here: only the stored columns
  (the warehouse schema) and the source_file/source_sheet/source_row references are carried.

The key lives outside the repository and the outputs (`read_key`); which key a warehouse takes is
csc_report.key_guard's to decide.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from csc_report.transforms.extract import Extract
from csc_report.transforms.specs import load_lists

from csc_report.errors import UsageError
from csc_report.issues import Issue

# Column -> the namespace of its keyed hash, for every identifier column of lists.yaml: child_id ->
# child, ..., worker and personal_advisor -> worker (the same person may be a worker on one list and a
# PA on another).
KIND_BY_COLUMN = {
    column.name: column.pseudonym_kind
    for spec in load_lists().lists.values()
    for column in spec.columns.values()
    if column.pseudonym_kind
}
SOURCE_COLUMNS = ("source_file", "source_sheet", "source_row")
PSEUDONYM_LENGTH = 16
KEY_BYTES = 32
# Outward code (area + district) optionally followed by the inward code (sector digit + unit letters).
POSTCODE = r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?)(?: ?[0-9][A-Z]{2})?$"


def load_or_create_key(path: Path) -> bytes:
    """Read the pseudonymisation key, creating a random 32-byte one (mode 0600) if the file is absent.

    Losing or changing the key changes every pseudonym, which breaks history across months: keep it
    backed up, outside the repository and outputs. Only csc_report.key_guard calls this, and only for
    a warehouse file that holds no rows yet; everything else reads the key with `read_key`.
    """
    path = Path(path).expanduser()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # written whole under another name, then linked into place: a run that creates it at the same
        # moment keeps the one linked first, and no run ever reads a half-written key
        new = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}")
        fd = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(KEY_BYTES))
            os.link(new, path)
        except FileExistsError:
            pass
        finally:
            new.unlink()
    return read_key(path)


def read_key(path: Path) -> bytes:
    """The pseudonymisation key in `path`; never creates one (a missing key is a usage error)."""
    path = Path(path).expanduser()
    try:
        key = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the pseudonymisation key {path}: {exc.strerror}") from None
    if len(key) < KEY_BYTES:
        raise UsageError(f"pseudonymisation key {path} is shorter than {KEY_BYTES} bytes")
    return key


def pseudonymise(extract: Extract, key: bytes, la_code: str) -> Extract:
    """A copy of the extract with identifiers hashed, DOB and postcode coarsened, other columns dropped."""
    specs = load_lists().lists
    issues = list(extract.issues)
    tables = {}
    for list_id, table in extract.tables.items():
        columns = specs[list_id].columns
        stored = specs[list_id].stored_columns
        keep = [c for c in table.column_names if c in stored or c in SOURCE_COLUMNS]
        table = table.select(keep)
        for column in keep:
            values = table.column(column)
            personal = columns[column].personal if column in columns else None
            if personal == "identifier":
                values = _hash_values(values, key, la_code, columns[column].pseudonym_kind)
            elif personal == "dob":
                values = pc.floor_temporal(values.cast(pa.date32()), unit="month")
            elif personal == "postcode":
                values = _postcode_district(values)
                issues += _bad_postcode_issues(table, table.column(column), values, column)
            else:
                continue
            table = table.set_column(table.column_names.index(column), column, values)
        tables[list_id] = table
    return replace(extract, tables=tables, issues=issues)


def _normalise(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trim, collapse inner whitespace and case-fold, so 'Jane  Smith' and 'jane smith' are one worker."""
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    return pc.utf8_lower(pc.replace_substring_regex(text, r"\s+", " "))


def _hash_values(values: pa.ChunkedArray, key: bytes, la_code: str, kind: str) -> pa.ChunkedArray:
    """Keyed hash of each value; HMAC runs once per distinct value, then is mapped back by index."""
    normalised = _normalise(values)
    normalised = pc.if_else(pc.equal(normalised, ""), pa.scalar(None, pa.string()), normalised)
    distinct = pc.unique(normalised).drop_null()
    prefix = f"{la_code}|{kind}|".encode()
    hashed = pa.array(
        [
            hmac.new(key, prefix + v.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]
            for v in distinct.to_pylist()
        ],
        pa.string(),
    )
    return pc.take(hashed, pc.index_in(normalised, value_set=distinct))


def _postcode_district(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """'pe1 2ab', 'PE12AB' or 'PE1' -> 'PE1'; anything else -> NULL."""
    text = pc.utf8_upper(pc.utf8_trim_whitespace(values.cast(pa.string())))
    text = pc.replace_substring_regex(text, r"\s+", " ")
    return pc.struct_field(pc.extract_regex(text, POSTCODE), "outward")


def _bad_postcode_issues(
    table: pa.Table, raw: pa.ChunkedArray, district: pa.ChunkedArray, column: str
) -> list[Issue]:
    """One warning per non-blank postcode that is not a postcode, naming its row but not its value."""
    blank = pc.equal(pc.utf8_trim_whitespace(raw.cast(pa.string())), "")
    bad = pc.and_(pc.is_null(district), pc.invert(pc.fill_null(blank, True)))
    rows = table.filter(bad)
    refs = {
        c: rows.column(c).to_pylist() if c in rows.column_names else [None] * rows.num_rows
        for c in SOURCE_COLUMNS
    }
    return [
        Issue(
            file=file or "",
            sheet=sheet or "",
            row=row,
            column=column,
            rule="bad_postcode",
            severity="warning",
            message="not a valid UK postcode; the district is left blank",
        )
        for file, sheet, row in zip(
            refs["source_file"], refs["source_sheet"], refs["source_row"], strict=True
        )
    ]
