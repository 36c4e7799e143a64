"""Whether a month needs running at all: a fingerprint of everything its figures depend on.

A month is done when the warehouse's last completed run of (authority, month) and the `run.json` in its
outputs folder both carry the fingerprint the month would have now. The fingerprint covers the month
folder's files (extract, workforce, commentary), the authority's aliases and settings (config.yaml: the
snapshot window), the inbox's reference files,
the code version, the output profile and the loads of the earlier snapshots that the month's history is
built from: re-loading April makes May and June due again, because their figures include April's rows.

This module is light (no Prefect, no Great Expectations) so that `csc-report run` can say "already
done" before any engine starts.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import nullcontext
from functools import cache
from pathlib import Path
from typing import BinaryIO

import duckdb

from csc_report import __version__, warehouse, warehouse_results
from csc_report.authority_config import FILE_NAME as AUTHORITY_CONFIG
from csc_report.errors import UsageError, WarehouseBusy
from csc_report.lock import warehouse_lock
from csc_report.settings import CODE_PACKAGES, RunPaths, package_dir

REFERENCE_FILES = ("population.csv", "targets.yaml", "authorities.csv")


def stream_sha256(handle: BinaryIO) -> str:
    """The sha256 of what `handle` reads, a megabyte at a time (a local file or a remote one alike)."""
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    with Path(path).open("rb") as handle:
        return stream_sha256(handle)


@cache
def code_version() -> str:
    """The package version plus a hash of every file the installed packages hold: source, SQL,
    configuration, suites, templates and reference data, found as package resources.

    A changed indicator query or code list makes every month due again, without a version bump. An
    install that holds no SQL (a broken wheel) is an error here, not a version that hashes nothing.
    """
    digest = hashlib.sha256(__version__.encode())
    for package in CODE_PACKAGES:
        root = package_dir(package)
        hashed = 0
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(f"{package}/{path.relative_to(root).as_posix()}".encode() + b"\0")
                digest.update(path.read_bytes())
                hashed += 1
        if not hashed:
            raise UsageError(f"the installed package {package} holds no files ({root}): reinstall csc-report")
    return f"{__version__}+{digest.hexdigest()[:12]}"


def input_names(la: str, month: str, month_files: list[str]) -> list[str]:
    """The inbox paths a month's outputs may depend on, in the fingerprint's order: the month folder's
    files (`month_files`, by name), the authority's aliases and settings, the reference files. One list
    for a local inbox and a remote one, so that both hash to the same fingerprint."""
    return [
        *(f"{la}/{month}/{name}" for name in sorted(month_files)),
        f"{la}/aliases.yaml",
        f"{la}/{AUTHORITY_CONFIG}",
        *(f"reference/{name}" for name in REFERENCE_FILES),
    ]


def month_inputs(paths: RunPaths, la: str, month: str) -> list[dict[str, str]]:
    """Every inbox file the month's outputs depend on, as {"file": path in the inbox, "sha256": ...}."""
    month_files = [
        p.name
        for p in paths.month_dir(la, month).iterdir()
        if p.is_file() and not p.name.startswith((".", "~"))
    ]
    return [
        {"file": name, "sha256": file_sha256(paths.inbox / name)}
        for name in input_names(la, month, month_files)
        if (paths.inbox / name).is_file()
    ]


def fingerprint(inputs: list[dict[str, str]], profile: str, earlier: list[list[str]]) -> str:
    body = {"inputs": inputs, "code": code_version(), "profile": profile, "earlier": earlier}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def already_done(
    paths: RunPaths, la: str, month: str, profile: str, inputs: list[dict[str, str]], locked: bool = False
) -> str | None:
    """Why the month needs no work (one line for the user), or None when it does.

    Never waits: if another run holds the warehouse, the answer is None and the run goes on to wait
    for the lock like any other. `locked`: the caller holds the writer lock already (a run asking
    again once it has the warehouse), so no shared lock is taken.
    """
    run_json = paths.output_dir(la, month) / "run.json"
    if not run_json.is_file() or not paths.warehouse_file(la).is_file():
        return None
    try:
        published = json.loads(run_json.read_text(encoding="utf-8"))
        with nullcontext() if locked else warehouse_lock(paths.warehouse_file(la), timeout=0, shared=True):
            con = warehouse.connect(paths.warehouse_file(la), read_only=True)
            try:
                last = warehouse_results.last_completed_run(con, la, month)
                earlier = warehouse.earlier_loads(con, la, month)
            finally:
                con.close()
    except (ValueError, OSError, duckdb.Error, WarehouseBusy):
        return None
    if last is None or published.get("status") != "done":
        return None
    run_id, finished_at, recorded = last
    now = fingerprint(inputs, profile, earlier)
    if recorded != now or published.get("fingerprint") != now:
        return None
    return (
        f"already done by run {run_id[:8]} at {finished_at:%Y-%m-%d %H:%M}; inputs and code unchanged "
        "(--force recomputes)"
    )
