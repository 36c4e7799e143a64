"""One pseudonymisation key per warehouse file.

Pseudonyms are keyed hashes (csc_report.transforms.pseudonymise): a child loaded with one key and again
with another is two strangers, and every figure that follows a child over time (re-referrals, repeat
plans, history) changes without a word. So each authority's warehouse file records the fingerprint of
the key that wrote it, in its table `pseudonym_key`: HMAC-SHA256(key, a fixed text), which tells
whether two keys are the same and reveals neither.

- `ensure_key`, before a month is read: a key whose fingerprint is not the recorded one stops the run
  (KeyRefused, exit 2), naming the warehouse file and the key file. A missing key file is created only
  while the authority's file holds no rows (the run says so, to back it up); otherwise it is refused in
  the same way. This is the only place a key is created, so a region worker never makes one of its own.
- `bind` and `record`, under the writer lock as the month is loaded: the same comparison again
  (another run may have recorded a key meanwhile), then the first load records its key.
- A warehouse made before fingerprints (rows, none recorded) adopts the key only on evidence: some
  child of the month being loaded already has its pseudonym in the file. Under another key that would
  need two 64-bit keyed hashes to collide; consecutive extracts share most children (open cases carry
  over), so the right key is adopted on its first month. Without such a child the load stops rather
  than guess: a key adopted wrongly would be trusted from then on.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from csc_report import settings, warehouse
from csc_report.catalogue import LISTS, canonical_columns
from csc_report.errors import KeyRefused, WarehouseBusy
from csc_report.lock import warehouse_lock
from csc_report.settings import RunPaths
from csc_report.transforms.pseudonymise import load_or_create_key, read_key

LOG = logging.getLogger("csc_report")
FINGERPRINT_TEXT = b"csc-report pseudonymisation key fingerprint 1"
ROTATE = "use the key that wrote it, or rebuild into a fresh warehouse (docs/operations.md, keys)"


def key_fingerprint(key: bytes) -> str:
    """A keyed hash of a fixed text: equal for equal keys, and no help to anyone without the key."""
    return hmac.new(key, FINGERPRINT_TEXT, hashlib.sha256).hexdigest()[:32]


def recorded_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint the file records, or None (none yet, or a file made before fingerprints)."""
    try:
        rows = con.execute("SELECT fingerprint FROM pseudonym_key").fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None


def holds_rows(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any snapshot has been loaded into the file: pseudonyms of some key are in it."""
    try:
        return con.execute("SELECT count(*) FROM snapshots").fetchall()[0][0] > 0
    except duckdb.CatalogException:
        return False


def mismatch(file: Path, key_file: Path) -> KeyRefused:
    return KeyRefused(
        f"{file} was written with another pseudonymisation key than {key_file}: pseudonyms would not "
        f"match the children already there; nothing was read or changed - {ROTATE}"
    )


def check_key(paths: RunPaths, la: str) -> bytes | None:
    """The run's key for the authority's file, or None when there is none yet and the file holds no
    rows (`ensure_key` creates it). Raises KeyRefused when the key's fingerprint is not the one the file
    records, or when the key file is missing but the file holds children already. Never waits for a run
    that is loading the file while there is a key to check: `bind` checks it then, before the load."""
    file = paths.warehouse_file(la)
    key_file = Path(paths.resolved_key_file()).expanduser()
    try:
        recorded, rows = _recorded(file, timeout=0)
    except WarehouseBusy:
        if key_file.exists():  # another run is loading: `bind` compares under the lock, before the load
            return read_key(key_file)
        recorded, rows = _recorded(file, timeout=settings.lock_timeout())
    if not key_file.exists():
        if recorded or rows:
            raise KeyRefused(
                f"{key_file}: no pseudonymisation key there, but {file} holds children pseudonymised "
                "with one: a new key would give them other pseudonyms, so pseudonyms would not match; "
                "point --key-file (or CSC_REPORT_KEY_FILE) at the key that wrote it"
            )
        return None
    key = read_key(key_file)
    if recorded is not None and recorded != key_fingerprint(key):
        raise mismatch(file, key_file)
    return key


def _recorded(file: Path, timeout: float) -> tuple[str | None, bool]:
    """(recorded fingerprint, whether the file holds rows), under a shared hold on its writer lock."""
    if not file.is_file():
        return None, False
    with warehouse_lock(file, timeout=timeout, shared=True):
        con = warehouse.connect(file, read_only=True)
        try:
            return recorded_fingerprint(con), holds_rows(con)
        finally:
            con.close()


def ensure_key(paths: RunPaths, la: str, log: logging.Logger = LOG) -> bytes:
    """`check_key`, creating the key if there is none yet (the file holds no rows), and saying so."""
    key = check_key(paths, la)
    if key is None:
        key_file = Path(paths.resolved_key_file()).expanduser()
        key = load_or_create_key(key_file)
        log.warning("created a new pseudonymisation key at %s; back it up", key_file)
    return key


def bind(con: duckdb.DuckDBPyConnection, paths: RunPaths, la: str, tables: dict[str, pa.Table]) -> str | None:
    """Check, under the writer lock and before the load, that this run's key is the file's; returns the
    fingerprint to `record` once the month is loaded (None when the file records it already)."""
    key_file = paths.resolved_key_file()
    fingerprint = key_fingerprint(read_key(key_file))
    recorded = recorded_fingerprint(con)
    if recorded == fingerprint:
        return None
    if recorded is not None:
        raise mismatch(paths.warehouse_file(la), key_file)
    if holds_rows(con) and not _children_seen_before(con, la, tables):
        raise KeyRefused(
            f"{paths.warehouse_file(la)} records no pseudonymisation key and no child of this month's "
            f"extract has the pseudonym {key_file} gives it there: pseudonyms would not match, so the "
            f"key cannot be adopted; nothing was loaded - {ROTATE}"
        )
    return fingerprint


def record(con: duckdb.DuckDBPyConnection, fingerprint: str | None) -> None:
    """Record the key of the file's first load (or of the first load that proved it: `bind`)."""
    if fingerprint is not None:
        con.execute("INSERT INTO pseudonym_key VALUES (?)", [fingerprint])


def _children_seen_before(con: duckdb.DuckDBPyConnection, la: str, tables: dict[str, pa.Table]) -> bool:
    """Whether any child id of the month's prepared tables is already in the authority's rows."""
    ids = [t.column("child_id") for t in tables.values() if "child_id" in t.column_names]
    if not ids:
        return False
    distinct = pc.unique(pa.chunked_array([c for chunked in ids for c in chunked.chunks], pa.string()))
    stored = " UNION ALL ".join(
        f"SELECT child_id FROM {list_id} WHERE la_code = $la"
        for list_id in LISTS
        if "child_id" in canonical_columns()[list_id]
    )
    con.register("_month_children", pa.table({"child_id": distinct.drop_null()}))
    try:
        found = con.execute(
            f"SELECT count(*) FROM ({stored}) WHERE child_id IN (SELECT child_id FROM _month_children)",
            {"la": la},
        ).fetchall()[0][0]
    finally:
        con.unregister("_month_children")
    return found > 0
