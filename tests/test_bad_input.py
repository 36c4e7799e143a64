"""Bad input, tried on purpose (issue 3): every broken or odd extract either loads with its problems
reported (file, sheet, Excel row, column, rule in the warehouse's dq_issues) or stops the run with one
line naming file, sheet and row where known, and a failed run leaves the warehouse exactly as it was.

The chain is the month's real one, run without Prefect (csc_report.month.run_month with the plain stage
functions the flow's tasks wrap; the end-to-end tests cover the flows), against a copy of a warehouse
that already holds the same LA and month: a failure that deleted or half-replaced that snapshot would
show.
"""

from __future__ import annotations

import codecs
import datetime as dt
import random
import shutil
import struct
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from csc_report.transforms.read import read_extract
from referral_sheet import REFERRAL_HEADERS, write_xlsx

from csc_report import month, pipeline, prepared_cache, warehouse
from csc_report.cli import main as cli_main
from csc_report.errors import DataError
from csc_report.generate import generate_inbox
from csc_report.settings import RunPaths
from csc_report.validation import validate_extract

LA, MONTH = "874", "2013-06"
COL = {name: i for i, name in enumerate(REFERRAL_HEADERS)}
PAD_ROWS = 80  # good rows after the odd ones: a few bad rows stay under the 5% share that stops a run


def referral(n: int, **cells) -> list:
    """One List 3 row as the Ofsted template writes it; `cells` replaces values by header."""
    row = [
        f"C{n:05d}",
        "a) Male" if n % 2 else "b) Female",
        "a) WBRI",
        dt.datetime(2005, 5, 1) + dt.timedelta(days=n),
        8,
        dt.datetime(2013, 6, 3) + dt.timedelta(days=n % 20),
        "q) 6: Police",
        "b) No",
        0,
        "Duty",
        "A Worker",
    ]
    for header, value in cells.items():
        row[COL[header]] = value
    return row


def padding() -> list[list]:
    return [referral(1000 + n) for n in range(PAD_ROWS)]


def referrals_xlsx(path: Path, rows: list[list], headers: list[str] = REFERRAL_HEADERS) -> Path:
    """The Ofsted template's shape: title in row 1, headers in row 2, data from row 3."""
    return write_xlsx(path, {"List 3": [["List 3: Referral"], headers, *rows]})


# --- a warehouse that already holds the month -----------------------------------------------------


@dataclass(frozen=True)
class Base:
    workbook: Path  # the generated Annex A workbook of the month
    warehouse: Path
    key_file: Path


def run_chain(paths: RunPaths) -> tuple[prepared_cache.Prepared, dict[str, int]]:
    """The month's real chain without Prefect (csc_report.month.run_month: discover, prepare = read,
    validate (an error stops here) and pseudonymise, then load, indicators and publish under the writer
    lock, and the run record); returns what the load was given and the rows it loaded per list."""
    seen = {}
    plain = month.Stages()

    def load(paths, la, month_, prepared, entry, load_id):
        seen["prepared"] = prepared
        seen["counts"], seconds = plain.load(paths, la, month_, prepared, entry, load_id)
        return seen["counts"], seconds

    outcome = month.run_month(paths, LA, MONTH, stages=replace(plain, load=load))
    assert outcome.status == "done", outcome
    return seen["prepared"], seen["counts"]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Base:
    root = tmp_path_factory.mktemp("bad-input-base")
    generate_inbox(root / "inbox", la_code=LA, end=MONTH, months=1, scale=0.1, seed=11)
    paths = RunPaths(
        inbox=root / "inbox",
        warehouse=root / "wh",
        outputs=root / "out",
        key_file=root / "secret.key",
    )
    _, counts = run_chain(paths)
    assert counts["referrals"] > 50
    return Base(
        next((root / "inbox" / LA / MONTH).glob("annex_a*.xlsx")), paths.warehouse_file(LA), paths.key_file
    )


class Chain:
    """A month folder to fill with bad input, and a copy of the base warehouse to run it against."""

    def __init__(self, root: Path, base: Base):
        self.month_dir = root / "inbox" / LA / MONTH
        self.month_dir.mkdir(parents=True)
        self.paths = RunPaths(
            inbox=root / "inbox", warehouse=root / "wh", outputs=root / "out", key_file=base.key_file
        )
        self.paths.warehouse.mkdir()
        shutil.copy(base.warehouse, self.paths.warehouse_file(LA))

    def fingerprint(self) -> dict[str, str]:
        con = warehouse.connect(self.paths.warehouse_file(LA), read_only=True)
        try:
            return warehouse.table_fingerprint(con)
        finally:
            con.close()

    def fails(self, *fragments: str) -> str:
        """The run stops with one line holding every fragment; the warehouse is exactly as it was; the
        `validate` command says the same in one line on stderr with exit status 1."""
        before = self.fingerprint()
        with pytest.raises(DataError) as caught:
            run_chain(self.paths)
        message = str(caught.value)
        assert "\n" not in message and "Traceback" not in message
        for fragment in fragments:
            assert fragment in message, message
        assert self.fingerprint() == before
        return message

    def loads(self):
        """The run loads; returns the validation result and the month's dq_issues as stored."""
        result, counts = run_chain(self.paths)
        con = warehouse.connect(self.paths.warehouse_file(LA), read_only=True)
        try:
            stored = con.execute(
                'SELECT file, sheet, "row", "column", rule, severity FROM dq_issues '
                "WHERE la_code = ? AND snapshot_month = ?",
                [LA, warehouse.month_start(MONTH)],
            ).fetchall()
            referrals = con.execute(
                "SELECT source_row, referral_date, age, referrals_last_12m, team FROM referrals "
                "WHERE la_code = ? AND snapshot_month = ? ORDER BY source_row",
                [LA, warehouse.month_start(MONTH)],
            ).fetchall()
        finally:
            con.close()
        return result, counts, set(stored), {r[0]: r[1:] for r in referrals}


@pytest.fixture
def chain(tmp_path, base) -> Chain:
    return Chain(tmp_path, base)


def cli_validate(chain: Chain, capsys) -> tuple[int, str]:
    capsys.readouterr()
    status = cli_main(["validate", str(chain.month_dir), "--month", MONTH])
    return status, capsys.readouterr().err


# --- files that are not a readable workbook: one line, warehouse unchanged --------------------------


def test_empty_file(chain, capsys):
    (chain.month_dir / "annex_a.xlsx").write_bytes(b"")
    assert chain.fails() == "annex_a.xlsx: empty file"
    status, err = cli_validate(chain, capsys)
    assert status == 1 and err == "csc-report: annex_a.xlsx: empty file\n"


@pytest.mark.parametrize(
    "name, content",
    [
        ("annex_a.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
        ("annex_a.xls", b"<html><body><table><tr><td>Child Unique ID</td></tr></table></body></html>"),
        ("annex_a.xlsx", ",".join(REFERRAL_HEADERS).encode() + b"\nC1,Male,WBRI\n"),
    ],
    ids=["pdf", "html-saved-as-xls", "csv-renamed-xlsx"],
)
def test_not_a_spreadsheet(chain, capsys, name, content):
    (chain.month_dir / name).write_bytes(content)
    chain.fails(f"{name}: not a spreadsheet")
    status, err = cli_validate(chain, capsys)
    assert status == 1 and err.count("\n") == 1 and "not a spreadsheet" in err


@pytest.mark.parametrize("keep", [0.02, 0.5, 0.99])
def test_truncated_workbook(chain, base, keep):
    data = base.workbook.read_bytes()
    (chain.month_dir / "annex_a.xlsx").write_bytes(data[: int(len(data) * keep)])
    chain.fails("annex_a.xlsx: truncated or corrupt workbook")


# A password-protected .xlsx is not a zip: Excel (and msoffcrypto) save it as an OLE2 compound file
# (CFB, MS-CFB) holding an `EncryptionInfo` stream and the encrypted zip as `EncryptedPackage`.
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096
_END, _FATSECT, _FREE = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _directory_entry(name: str, kind: int, start: int, size: int, *, child=_FREE, right=_FREE, black=True):
    raw = name.encode("utf-16-le") + b"\0\0" if name else b""
    return (
        raw.ljust(64, b"\0")
        + struct.pack("<HBB3I", len(raw), kind, int(black), _FREE, right, child)
        + b"\0" * 36  # CLSID, state bits, creation and modification times
        + struct.pack("<IQ", start, size)
    )


def compound_file(small: tuple[str, bytes], large: tuple[str, bytes]) -> bytes:
    """A version 3 compound file with two streams under the root: `small` (< 4096 bytes) in the mini
    stream, `large` in regular sectors. Sectors: 0 FAT, 1 directory, 2 mini FAT, then the mini stream,
    then the large stream. The names must be in CFB order (shorter first), as EncryptionInfo <
    EncryptedPackage are."""
    (small_name, small_data), (large_name, large_data) = small, large
    assert len(small_data) < _CUTOFF <= len(large_data) and len(small_name) < len(large_name)
    mini_count = -(-len(small_data) // _MINI)
    mini_fat = [*range(1, mini_count), _END]
    sectors = [b"", b"", struct.pack(f"<{mini_count}I", *mini_fat).ljust(_SECTOR, b"\xff")]
    fat = [_FATSECT, _END, _END]

    def place(data: bytes) -> int:
        first, count = len(sectors), -(-len(data) // _SECTOR)
        for i in range(count):
            sectors.append(data[i * _SECTOR : (i + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else _END)
        return first

    mini_stream = small_data.ljust(mini_count * _MINI, b"\0")
    mini_start = place(mini_stream)
    large_start = place(large_data)
    assert len(fat) <= _SECTOR // 4
    sectors[0] = struct.pack(f"<{len(fat)}I", *fat).ljust(_SECTOR, b"\xff")
    sectors[1] = (
        _directory_entry("Root Entry", 5, mini_start, len(mini_stream), child=1)
        + _directory_entry(small_name, 2, 0, len(small_data), right=2)
        + _directory_entry(large_name, 2, large_start, len(large_data), black=False)
        + _directory_entry("", 0, 0, 0)
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        # directory sectors (0 in v3), FAT sectors, first directory sector, transaction signature,
        # mini stream cutoff, first mini FAT sector, mini FAT sectors, first DIFAT sector, DIFAT sectors
        + struct.pack("<9I", 0, 1, 1, 0, _CUTOFF, 2, 1, _END, 0)
        + struct.pack("<109I", 0, *[_FREE] * 108)
    )
    return header + b"".join(sectors)


def encrypted_xlsx() -> bytes:
    """What Excel writes for File > Protect Workbook > Encrypt with Password (agile encryption)."""
    descriptor = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" '
        'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        '<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="q83vEjRWeJCrze8SNFZ4kA=="/>'
        '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        '<p:encryptedKey spinCount="100000" saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
        'saltValue="ASNFZ4mrze8BI0VniavN7w=="/></keyEncryptor></keyEncryptors></encryption>'
    )
    info = struct.pack("<HHI", 4, 4, 0x40) + descriptor.encode()
    payload = random.Random(3).randbytes(8192)
    package = struct.pack("<Q", len(payload) - 11) + payload
    return compound_file(("EncryptionInfo", info), ("EncryptedPackage", package))


def test_encrypted_workbook_is_a_real_compound_file(tmp_path):
    """The hand-built container is valid for an independent reader: calamine opens it and finds the
    encryption itself (the same bytes named .xls: it reads the directory and finds no Workbook stream)."""
    import python_calamine

    path = tmp_path / "annex_a.xlsx"
    path.write_bytes(encrypted_xlsx())
    with pytest.raises(python_calamine.PasswordError):
        python_calamine.CalamineWorkbook.from_path(str(path))
    path.rename(tmp_path / "annex_a.xls")
    with pytest.raises(python_calamine.CalamineError, match="Workbook"):
        python_calamine.CalamineWorkbook.from_path(str(tmp_path / "annex_a.xls"))


def test_password_protected_workbook(chain):
    (chain.month_dir / "annex_a.xlsx").write_bytes(encrypted_xlsx())
    chain.fails("annex_a.xlsx: workbook is password-protected or encrypted")


def test_protected_sheets_without_an_open_password_load(chain):
    """Sheet protection (no password to open) only stops editing: the workbook reads as usual."""
    path = referrals_xlsx(chain.month_dir / "annex_a.xlsx", padding())
    workbook = openpyxl.load_workbook(path)
    workbook["List 3"].protection.set_password("secret")
    workbook["List 3"].protection.sheet = True
    workbook.save(path)
    _, counts, stored, _ = chain.loads()
    assert counts == {"referrals": PAD_ROWS} and stored == set()


# --- workbooks without the expected lists or headers -----------------------------------------------


def test_workbook_with_no_recognisable_list(chain):
    write_xlsx(
        chain.month_dir / "annex_a.xlsx", {"Sheet1": [["Name", "Amount"], ["x", 1]], "Notes": [["hi"]]}
    )
    chain.fails("annex_a.xlsx: no Annex A list recognised")


def test_list_sheet_with_its_header_row_missing(chain):
    write_xlsx(chain.month_dir / "annex_a.xlsx", {"List 3": [["List 3: Referral"], *padding()]})
    chain.fails("annex_a.xlsx: sheet List 3: no header row of list 3 (referrals) in its first 10 rows")


def test_required_column_removed_stops_the_run_at_validation(chain, capsys):
    keep = [i for i, h in enumerate(REFERRAL_HEADERS) if h != "Child Unique ID"]
    rows = [[row[i] for i in keep] for row in padding()]
    referrals_xlsx(chain.month_dir / "annex_a.xlsx", rows, [REFERRAL_HEADERS[i] for i in keep])
    chain.fails(
        "annex_a.xlsx, sheet List 3", 'List 3 (referrals) column "Child Unique ID"', "child_id_column_present"
    )
    status, err = cli_validate(chain, capsys)
    assert status == 1 and err.count("\n") == 1 and "child_id_column_present" in err


def test_optional_loss_of_a_mandatory_column_loads_with_a_warning(chain):
    """An Annex A mandatory column the load can do without (gender): the run goes on, indicators that
    need it say "not available", and the issue says which column (contract section 3)."""
    keep = [i for i, h in enumerate(REFERRAL_HEADERS) if h != "Gender"]
    rows = [[row[i] for i in keep] for row in padding()]
    referrals_xlsx(chain.month_dir / "annex_a.xlsx", rows, [REFERRAL_HEADERS[i] for i in keep])
    _, counts, stored, _ = chain.loads()
    assert counts == {"referrals": PAD_ROWS}
    assert stored == {("annex_a.xlsx", "List 3", 2, "gender", "missing_column", "warning")}


def test_header_row_repeated_as_a_data_row(chain):
    """Two exports glued together: the header turns up again mid-list. It is reported and skipped,
    not loaded as a child called `Child Unique ID` nor quarantined as a row without a date."""
    rows = [referral(1), referral(2), list(REFERRAL_HEADERS), referral(3), *padding()]
    referrals_xlsx(chain.month_dir / "annex_a.xlsx", rows)
    result, counts, stored, loaded = chain.loads()
    assert counts == {"referrals": 3 + PAD_ROWS} and result.rejected.num_rows == 0
    assert stored == {("annex_a.xlsx", "List 3", 5, "", "repeated_header", "warning")}
    assert 5 not in loaded and {3, 4, 6} <= set(loaded)


def test_two_header_rows(chain):
    upper = [h.upper() + " " for h in REFERRAL_HEADERS]  # the second copy differs in case and spacing
    referrals_xlsx(chain.month_dir / "annex_a.xlsx", [upper, *padding()])
    _, counts, stored, loaded = chain.loads()
    assert counts == {"referrals": PAD_ROWS}
    assert stored == {("annex_a.xlsx", "List 3", 3, "", "repeated_header", "warning")}
    assert min(loaded) == 4


def test_columns_in_another_order(chain, tmp_path):
    rows = padding()
    order = [10, 3, 0, 8, 5, 1, 9, 2, 7, 4, 6]
    shuffled = referrals_xlsx(
        chain.month_dir / "annex_a.xlsx",
        [[r[i] for i in order] for r in rows],
        [REFERRAL_HEADERS[i] for i in order],
    )
    in_order = referrals_xlsx(tmp_path / "in_order.xlsx", rows)
    a, b = read_extract([shuffled]).tables["referrals"], read_extract([in_order]).tables["referrals"]
    assert a.drop_columns(["source_file"]).equals(b.drop_columns(["source_file"]))
    _, counts, stored, _ = chain.loads()
    assert counts == {"referrals": PAD_ROWS} and stored == set()


# --- values ---------------------------------------------------------------------------------------

D = dt.date


def test_every_date_format_the_contract_names(chain):
    written = [
        (dt.datetime(2013, 6, 3), D(2013, 6, 3)),  # an Excel date
        (dt.datetime(2013, 6, 3, 14, 30), D(2013, 6, 3)),  # an Excel date and time
        (41430, D(2013, 6, 5)),  # a serial number in a General cell
        (41430.75, D(2013, 6, 5)),  # a serial with a time fraction
        ("41431", D(2013, 6, 6)),  # a serial number as text
        ("07/06/2013", D(2013, 6, 7)),  # dd/mm/yyyy text
        ("8/6/2013", D(2013, 6, 8)),  # d/m/yyyy text
        ("2013-06-09", D(2013, 6, 9)),  # ISO text
        ("2013-06-10 00:00:00", D(2013, 6, 10)),  # how a date-time reads when exported to text
        ("2013-06-11T09:15:00", D(2013, 6, 11)),  # ISO date-time text
        (" 12/06/2013\u00a0", D(2013, 6, 12)),  # spaces and a non-breaking space around it
    ]
    unreadable = ["31/02/2013", "06/13/2013", "2013-13-01", "last Tuesday"]  # no 31 Feb; mm/dd; no month 13
    rows = [referral(n, **{"Date of referral": v}) for n, (v, _) in enumerate(written)]
    rows += [referral(50 + n, **{"Date of referral": v}) for n, v in enumerate(unreadable)]
    referrals_xlsx(chain.month_dir / "annex_a.xlsx", rows + padding())
    result, _, stored, loaded = chain.loads()
    assert [loaded[3 + n][0] for n in range(len(written))] == [d for _, d in written]
    bad_rows = range(3 + len(written), 3 + len(written) + len(unreadable))
    for row in bad_rows:
        assert ("annex_a.xlsx", "List 3", row, "referral_date", "bad_date", "warning") in stored
        # no event date, no history key: the row is quarantined, not loaded
        assert ("annex_a.xlsx", "List 3", row, "referral_date", "referral_date_present", "reject") in stored
        assert row not in loaded
    assert sorted(result.rejected.column("source_row").to_pylist()) == list(bad_rows)
    bad = {i.row: i.message for i in result.issues if i.rule == "bad_date"}
    assert bad[3 + len(written) + 1] == "'06/13/2013' is not a date; treated as blank"


def test_numbers_as_text_and_text_in_number_columns(chain):
    age, count = "Age of Child (Years)", "Number of Referrals in Last 12 Months"
    rows = [
        referral(0, **{age: "8", count: "2"}),  # numbers stored as text
        referral(1, **{age: " 9 ", count: "3.0"}),
        referral(2, **{age: 8.0, count: 1.0}),  # whole numbers stored as floats
        referral(3, **{age: "6.5", count: 0}),  # an age with a fraction: whole years
        referral(4, **{age: "eight", count: "two"}),  # text in number columns
        referral(5, **{count: "1,000"}),
        referral(6, **{"Child Unique ID": 9212044}),  # a numeric identifier
        referral(7, **{"Child Unique ID": "9212045.0"}),
    ]
    referrals_xlsx(chain.month_dir / "annex_a.xlsx", rows + padding())
    result, counts, stored, loaded = chain.loads()
    assert counts == {"referrals": len(rows) + PAD_ROWS}
    assert [loaded[r][1:3] for r in range(3, 10)] == [
        (8, 2),
        (9, 3),
        (8, 1),
        (6, 0),
        (None, None),
        (8, None),
        (8, 0),
    ]
    assert ("annex_a.xlsx", "List 3", 7, "age", "bad_integer", "warning") in stored
    assert ("annex_a.xlsx", "List 3", 7, "referrals_last_12m", "bad_integer", "warning") in stored
    assert ("annex_a.xlsx", "List 3", 8, "referrals_last_12m", "bad_integer", "warning") in stored
    assert {(r, c) for _, _, r, c, rule, _ in stored if rule == "bad_integer"} == {
        (7, "age"),
        (7, "referrals_last_12m"),
        (8, "referrals_last_12m"),
    }
    raw = read_extract(pipeline.discover(chain.paths, LA, MONTH))  # before pseudonymisation
    ids = raw.tables["referrals"].column("child_id").to_pylist()
    assert ids[6:8] == ["9212044", "9212045"]


def test_excel_errors_and_formulas_without_a_value(chain):
    """`#N/A` as an Excel error cell and as text, and formulas saved without a calculated value (as a
    tool that does not calculate writes them): each becomes blank with an issue at its cell."""
    rows = [
        referral(0, **{"Allocated Team": "#N/A"}),  # openpyxl writes this as an error cell (t="e")
        referral(1, **{"Allocated Worker": "#N/A"}),  # made a text cell below
        referral(2, **{"Date of referral": "=DATE(2013,6,3)"}),
        referral(3, **{"Age of Child (Years)": "=NA()"}),
        referral(4, **{"Referral Source": "#REF!"}),
    ]
    path = referrals_xlsx(chain.month_dir / "annex_a.xlsx", rows + padding())
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["List 3"]
    assert sheet["J3"].data_type == "e" and sheet["F5"].data_type == "f"
    sheet["K4"].data_type = "s"
    workbook.save(path)
    result, counts, stored, loaded = chain.loads()
    found = {(r, c, rule) for _, sheet_name, r, c, rule, _ in stored if sheet_name == "List 3"}
    assert {
        (3, "team", "error_value"),
        (4, "worker", "error_value"),
        (5, "referral_date", "formula_no_value"),
        (6, "age", "formula_no_value"),
        (7, "referral_source", "error_value"),
    } <= found
    assert loaded[3][3] is None and loaded[6][1] is None  # team, age blank; the rows are loaded
    assert 5 not in loaded and result.rejected.column("source_row").to_pylist() == [5]  # no event date
    messages = {i.row: i.message for i in result.issues if i.rule == "error_value"}
    assert messages[3] == messages[4] == "Excel error #N/A; treated as blank"


def test_100000_blank_trailing_rows(chain):
    path = chain.month_dir / "annex_a.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("List 3")
    sheet.append(REFERRAL_HEADERS)
    for n in range(5):
        sheet.append(referral(n))
    for _ in range(100_000):
        sheet.append([None, " ", "\u00a0"])  # cells that look blank: spaces, a non-breaking space
    workbook.save(path)
    _, counts, stored, _ = chain.loads()
    assert counts == {"referrals": 5} and stored == set()


# --- a 50 MB workbook ------------------------------------------------------------------------------

_BIG_ROWS = 135_000  # ~380 bytes of sheet XML a row: 51 MB stored
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARTS = {
    "_rels/.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    '<sheet name="List 3" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/styles.xml": f'<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="dd/mm/yyyy"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font>'
    '</fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1">'
    '<border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>",
}


def write_big_referrals(path: Path, rows: int) -> None:
    """A List 3 of `rows` rows as Excel lays it out (shared strings, cell references, a date style),
    written straight as SpreadsheetML; the parts are stored, not deflated, so writing costs about 1 s
    (deflating 50 MB of output would take ~10x longer and hold ~5x the rows for the same file size)."""
    strings = [*REFERRAL_HEADERS, "a) Male", "b) Female", "a) WBRI", "c) WIRI", "q) 6: Police"]
    strings += ["a) 1A: Individual", "a) Yes", "b) No"] + [f"Team {i}" for i in range(20)]
    strings += [f"Worker {i}" for i in range(300)]
    at = {s: i for i, s in enumerate(strings)}
    gender, ethnicity = (at["a) Male"], at["b) Female"]), (at["a) WBRI"], at["c) WIRI"])
    source, nfa, team, worker = (
        (at["q) 6: Police"], at["a) 1A: Individual"]),
        (at["a) Yes"], at["b) No"]),
        19,
        39,
    )
    rnd = random.Random(50)
    letters = "ABCDEFGHIJK"
    parts = [_XML, f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">']
    parts += [f'<c r="{letters[j]}1" t="s"><v>{j}</v></c>' for j in range(11)]
    parts.append("</row>")
    for r in range(2, rows + 2):
        x = rnd.getrandbits(32)
        parts.append(
            f'<row r="{r}"><c r="A{r}"><v>{1_000_000 + x % 9_000_000}</v></c>'
            f'<c r="B{r}" t="s"><v>{gender[x & 1]}</v></c>'
            f'<c r="C{r}" t="s"><v>{ethnicity[x >> 1 & 1]}</v></c>'
            f'<c r="D{r}" s="1"><v>{36_000 + x % 5_000}</v></c><c r="E{r}"><v>{x % 18}</v></c>'
            f'<c r="F{r}" s="1"><v>{41_000 + x % 430}</v></c>'
            f'<c r="G{r}" t="s"><v>{source[x >> 2 & 1]}</v></c>'
            f'<c r="H{r}" t="s"><v>{nfa[x >> 3 & 1]}</v></c><c r="I{r}"><v>{x % 4}</v></c>'
            f'<c r="J{r}" t="s"><v>{team + x % 20}</v></c>'
            f'<c r="K{r}" t="s"><v>{worker + x % 300}</v></c></row>'
        )
    parts.append("</sheetData></worksheet>")
    shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        for name, body in _PARTS.items():
            archive.writestr(name, _XML + body)
        archive.writestr("xl/sharedStrings.xml", f'{_XML}<sst xmlns="{_MAIN}">{shared}</sst>')
        archive.writestr("xl/worksheets/sheet1.xml", "".join(parts))


@pytest.fixture(scope="session")
def big_workbook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "annex_a.xlsx"
    write_big_referrals(path, _BIG_ROWS)
    return path


@pytest.mark.slow
def test_50mb_workbook(chain, big_workbook):
    """About 5 s: writing it ~1 s, reading ~1 s, validating ~0.2 s, pseudonymising and loading the rest."""
    assert big_workbook.stat().st_size >= 50_000_000
    shutil.copy(big_workbook, chain.month_dir / "annex_a.xlsx")
    files = pipeline.discover(chain.paths, LA, MONTH)
    started = time.perf_counter()
    extract = read_extract(files)
    read_done = time.perf_counter()
    result = validate_extract(extract, pipeline.Period(MONTH).asat)
    validated = time.perf_counter()
    read_s, validate_s = read_done - started, validated - read_done
    print(f"50 MB workbook, {_BIG_ROWS} rows: read {read_s:.2f} s, validate {validate_s:.2f} s")
    assert result.errors == []
    assert extract.row_counts() == {"referrals": _BIG_ROWS}
    # random ids collide now and then on one day: one referral (issue 34), reported
    merged = [i for i in result.extract.issues if i.rule in ("same_event_merged", "exact_duplicate_row")]
    assert {i.rule for i in result.extract.issues} <= {"same_event_merged", "exact_duplicate_row"}
    _, counts, _, _ = chain.loads()  # the whole chain, load included
    assert counts == {"referrals": _BIG_ROWS - len(merged)}


# --- the month folder ------------------------------------------------------------------------------


def test_two_candidate_workbooks(chain, base):
    shutil.copy(base.workbook, chain.month_dir / "annex_a_2013-06.xlsx")
    shutil.copy(base.workbook, chain.month_dir / "annex_a_2013-06 (1).xlsx")
    message = chain.fails("two Annex A workbooks")
    assert "annex_a_2013-06 (1).xlsx" in message and "annex_a_2013-06.xlsx" in message


def test_workbook_and_list_csv_holding_the_same_list(chain):
    referrals_xlsx(chain.month_dir / "annex_a.xlsx", padding())
    lines = [",".join(REFERRAL_HEADERS), "C1,Male,WBRI,01/05/2005,8,03/06/2013,Police,No,0,Duty,W"]
    (chain.month_dir / "list_3_referrals.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    chain.fails("list_3_referrals.csv: list 3 (referrals) is also in annex_a.xlsx, sheet List 3")


@pytest.mark.parametrize(
    "encoding, bom",
    [("cp1252", b""), ("utf-8", codecs.BOM_UTF8)],
    ids=["windows-1252", "utf-8-with-bom"],
)
def test_csv_in_another_encoding(chain, encoding, bom):
    header = ",".join(f'"{h}"' if "?" in h else h for h in REFERRAL_HEADERS)
    body = "".join(
        f"C{n},Female,WBRI,01/05/2005,8,0{n + 3}/06/2013,Police,No,0,Équipe £ Duty,Zoë Brontë\r\n"
        for n in range(5)
    )
    (chain.month_dir / "list_3_referrals.csv").write_bytes(bom + f"{header}\r\n{body}".encode(encoding))
    result, counts, stored, loaded = chain.loads()
    assert counts == {"referrals": 5} and stored == set()
    assert [v[3] for v in loaded.values()] == ["Équipe £ Duty"] * 5
    raw = read_extract(pipeline.discover(chain.paths, LA, MONTH)).tables["referrals"]  # not pseudonymised
    assert raw.column("worker").to_pylist()[0] == "Zoë Brontë"
    assert raw.column("child_id").to_pylist()[0] == "C0"  # BOM gone
