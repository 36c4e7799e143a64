"""A month's prepared extract as it waits in the cache between runs (the folder `cache/` beside the
warehouse): the entry's name, what a run keeps about it, a build installed whole, its tables checked before
the load, and the entry dropped once the month is done.

The prepare stage (csc_report.pipeline.prepare) fills an entry; runs of one month with the same inputs share
it, so each piece goes in whole and the load refuses an entry with a table missing or short.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from csc_report import fingerprints
from csc_report.errors import PreparedIncomplete
from csc_report.issues import Issue
from csc_report.settings import RunPaths
from csc_report.transforms.extract import SourceFile
from csc_report.transforms.pseudonymise import read_key


@dataclass
class Prepared:
    """A month's extract read, validated and pseudonymised; its tables wait as Parquet in the cache entry.

    This is what Prefect persists for a cached run, so it holds no personal data: the identifiers are
    already hashed in the Parquet files, and issues point at rows by their Excel row number.
    """

    columns_present: dict[str, list[str]]
    issues: list[Issue]
    rejected: pa.Table
    files: list[SourceFile]
    layout: str
    row_counts: dict[str, int]  # rows read per list (run.json)
    timings: dict[str, float]
    prepared_rows: dict[str, int]  # rows per Parquet file written, which the load checks


def prepared_entry(
    paths: RunPaths, la: str, month: str, files: list[Path], inputs: list[dict[str, str]]
) -> Path:
    """The cache entry for a month's prepared extract: a folder named by the hash of all it depends on.

    The extract files' hashes and the authority's aliases and settings (from `inputs`, hashed once per
    run; the settings hold its severity thresholds), the code version, the authority and month
    (validation dates, pseudonym salt) and the key's own hash: a new key must never reuse pseudonyms
    made with the old one.
    """
    hashes = {item["file"]: item["sha256"] for item in inputs}
    used = [p.relative_to(paths.inbox).as_posix() for p in files] + [
        f"{la}/aliases.yaml",
        f"{la}/config.yaml",
    ]
    body = {
        "files": {name: hashes.get(name) for name in used},
        "code": fingerprints.code_version(),
        "la": la,
        "month": month,
        "key": hashlib.sha256(b"csc-report cache key\0" + read_key(paths.resolved_key_file())).hexdigest(),
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    return paths.cache_dir() / f"{la}-{month}-{digest[:24]}"


def install(building: Path, entry: Path) -> None:
    """Move a finished build into the cache entry, each piece whole: a run loading or publishing from
    the entry meanwhile sees the old file or the new one, never a half-written one or none.

    The Data Docs already there are kept: they were built from the same inputs by the same code (the
    entry's name is their hash), and replacing a folder cannot be done in one step.
    """
    (entry / "tables").mkdir(parents=True, exist_ok=True)
    for table in (building / "tables").iterdir():
        table.replace(entry / "tables" / table.name)
    if (building / "data_docs").is_dir():
        try:
            (building / "data_docs").rename(entry / "data_docs")
        except OSError:
            if not (entry / "data_docs").is_dir():
                raise
            # another run installed its Data Docs first


def forget_prepared(entry: Path) -> None:
    """Drop a month's cache entry once the month is done: a later run with the same inputs is a no-op
    anyway, so the pseudonymised copy would only take space (the warehouse holds the data now)."""
    shutil.rmtree(entry, ignore_errors=True)


def prepared_tables(prepared: Prepared, entry: Path) -> dict[str, pa.Table]:
    """The prepared Parquet tables, each checked against the rows the prepare step wrote.

    A snapshot is replaced, not merged: loading a table that went missing from the cache entry (deleted
    by hand or by another run) would delete the month's rows of that list from the warehouse. So any
    gap stops the run here, before the transaction, and drops the entry so that the next run reads the
    extract again.
    """
    folder = entry / "tables"
    tables, gaps = {}, []
    for list_id, rows in sorted(prepared.prepared_rows.items()):
        path = folder / f"{list_id}.parquet"
        table = pq.read_table(path) if path.is_file() else None
        if table is None or table.num_rows != rows:
            found = "missing" if table is None else f"{table.num_rows} rows"
            gaps.append(f"{path.name} {found}, {rows} prepared")
        else:
            tables[list_id] = table
    if gaps:
        forget_prepared(entry)
        raise PreparedIncomplete(
            f"{folder}: the prepared extract is incomplete ({'; '.join(gaps)}); nothing was loaded - "
            "run again to read the extract afresh"
        )
    return tables
