"""When the machine fails, the line says what happened, where, and what to do (issue 42): no space,
permission denied, a read-only filesystem, a vanished file, a damaged or non-DuckDB warehouse file;
each ends with exit 1 and the warehouse as it was; `csc-report rebuild` restores a damaged authority
from the inbox to the figures it had published, and refuses to swap when they would differ.

The months run through the plain stages (csc_report.month.run_month) and the commands through
cli.main in this process: neither starts Prefect.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
from pathlib import Path

import duckdb
import pytest
from conftest import fingerprint

from csc_report import cli, failures, lock, pipeline
from csc_report.errors import MachineFailure, StageFailed, WarehouseDamaged
from csc_report.generate import generate_inbox
from csc_report.month import run_month
from csc_report.settings import RunPaths

LA, MONTHS = "919", ["2025-04", "2025-05"]
CELL = "Olivia Smith"  # a value an extract could hold: never in a line


# --- the lines, from the exceptions the machine raises ---------------------------------------------

W = "/srv/wh"
CASES = [
    # (exception, the path the stage was writing, the line)
    (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), f"{W}/cache/919-2025-05-ab12",
     f"no space left on device writing {W}/cache/919-2025-05-ab12: free space and re-run"),
    # pyarrow's words, without an errno
    (OSError("Error writing bytes to file. Detail: [errno 28] No space left on device"), f"{W}/cache/e",
     f"no space left on device writing {W}/cache/e: free space and re-run"),
    # DuckDB's, naming its file in quotes (which wins over the stage's path)
    (duckdb.IOException(f'IO Error: Could not write file "{W}/919.duckdb.wal": No space left on device'),
     f"{W}/919.duckdb", f"no space left on device writing {W}/919.duckdb.wal: free space and re-run"),
    (PermissionError(errno.EACCES, "Permission denied", f"{W}/919.duckdb.lock"), f"{W}/919.duckdb",
     f"permission denied on {W}/919.duckdb.lock: give the account that runs csc-report read and write "
     "access to it and re-run"),
    (OSError(errno.EROFS, os.strerror(errno.EROFS), f"{W}/cache"), None,
     f"read-only filesystem at {W}/cache: mount it read-write, or name a writable folder (--warehouse, "
     "--outputs), and re-run"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", f"{W}/cache/e/tables/list_1.parquet"), None,
     f"{W}/cache/e/tables/list_1.parquet vanished while the run used it: check that nothing else deletes "
     "files there (a clean-up job, another copy of the folder) and re-run"),
    (duckdb.IOException(f'IO Error: The file "{W}/919.duckdb" exists, but it is not a valid DuckDB '
                        "database file!"), None,
     f"{W}/919.duckdb is damaged (not a readable DuckDB file): restore it from a backup, or rebuild it "
     f"from the inbox with `csc-report rebuild --la 919 --inbox INBOX --warehouse {W}` (see "
     "docs/operations.md)"),
    (duckdb.Error("Corrupt database file: computed checksum 1 does not match stored checksum 2"),
     f"{W}/919.duckdb", f"{W}/919.duckdb is damaged (not a readable DuckDB file)"),
]  # fmt: skip


@pytest.mark.parametrize(
    "exc, writing, line", CASES, ids=[type(c[0]).__name__ + str(n) for n, c in enumerate(CASES)]
)
def test_a_failure_of_the_machine_names_cause_path_and_remedy(exc, writing, line):
    failure = failures.unexpected("load", f"{W}/919.duckdb", LA, "2025-05", exc, writing=writing)
    assert isinstance(failure, MachineFailure) and failure.exit_code == 1
    assert str(failure).startswith(line) and "\n" not in str(failure)
    assert failure.__cause__ is None  # the original, message and all, stays out of logs and lines


def test_anything_else_stays_a_stage_failure_that_quotes_no_cell():
    for exc in (ValueError(f"could not convert {CELL!r}"), duckdb.ConversionException(f"'{CELL}' to INT32")):
        failure = failures.unexpected("load", f"{W}/919.duckdb", LA, "2025-05", exc)
        assert isinstance(failure, StageFailed) and CELL not in str(failure)
    busy = failures.unexpected(
        "load",
        W,
        LA,
        "2025-05",
        duckdb.IOException('Could not set lock on file "x": Conflicting lock is held'),
    )
    assert type(busy).__name__ == "WarehouseBusy"  # fmt: skip


# --- real runs against a real warehouse ------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> RunPaths:
    """Two small months run and published into a warehouse of their own (the plain stages)."""
    root = tmp_path_factory.mktemp("machine")
    generate_inbox(root / "inbox", la_code=LA, end=MONTHS[-1], months=2, scale=0.05, seed=3)
    paths = RunPaths(root / "inbox", root / "wh", root / "out", root / "key")
    for month in MONTHS:
        assert run_month(paths, LA, month).status == "done"
    return paths


@pytest.fixture
def paths(built, tmp_path) -> RunPaths:
    """A copy of the built warehouse and outputs, for a test to break."""
    for name in ("wh", "out"):
        shutil.copytree(getattr(built, "warehouse" if name == "wh" else "outputs"), tmp_path / name)
    return RunPaths(built.inbox, tmp_path / "wh", tmp_path / "out", built.key_file)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_fails(paths: RunPaths, expected: type) -> str:
    with pytest.raises(expected) as caught:
        run_month(paths, LA, MONTHS[-1], force=True)
    assert caught.value.exit_code == 1 and "\n" not in str(caught.value)
    return str(caught.value)


@pytest.mark.slow
def test_a_full_filesystem_names_the_cache_entry_and_leaves_the_warehouse(paths, monkeypatch):
    before = fingerprint(paths.warehouse_file(LA))

    def full(table, where, **_kwargs):
        Path(where).write_bytes(b"PAR1")  # what got written before the device filled
        raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr(pipeline.pq, "write_table", full)
    line = run_fails(paths, MachineFailure)
    assert line.startswith(f"no space left on device writing {paths.cache_dir()}/{LA}-{MONTHS[-1]}-")
    assert line.endswith(": free space and re-run")
    assert fingerprint(paths.warehouse_file(LA)) == before


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["truncated", "not DuckDB"])
def test_a_damaged_warehouse_file_is_named_with_how_to_rebuild_it(paths, damage, capsys):
    path = paths.warehouse_file(LA)
    if damage == "truncated":
        os.truncate(path, path.stat().st_size // 3)
    else:
        path.write_bytes(b"PK\x03\x04" + b"a workbook saved over the warehouse" * 500)
    before = sha(path)
    if damage == "truncated":  # a run meets it at the load (one case: a run costs its prepare)
        line = run_fails(paths, WarehouseDamaged)
        assert line.startswith(f"{path} is damaged (not a readable DuckDB file): restore it from a backup")
        assert f"`csc-report rebuild --la {LA} --inbox INBOX --warehouse {paths.warehouse}`" in line
        assert sha(path) == before
    argv = [
        "explain",
        "cp_plans_open",
        "--la",
        LA,
        "--month",
        MONTHS[-1],
        "--warehouse",
        str(paths.warehouse),
    ]
    assert cli.main([*argv, "--out", "-"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"csc-report: {path} is damaged")
    assert sha(path) == before


@pytest.mark.slow
def test_a_read_only_warehouse_folder_names_the_folder(paths, monkeypatch):
    """Without write permission on the folder the run stops at the first file it creates there. As
    root, modes do not stop a write, so a read-only mount is stood in for by the kernel's answer
    (EROFS) to opening the warehouse's lock file for writing, through a patched os.open."""
    before = fingerprint(paths.warehouse_file(LA))
    folder = paths.warehouse
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(stat.S_IRUSR | stat.S_IXUSR)
        expected = "permission denied on "
    else:
        real_open = os.open

        def read_only(path, flags, *args, **kwargs):
            if str(path).startswith(str(folder)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(lock.os, "open", read_only)
        expected = "read-only filesystem at "
    try:
        line = run_fails(paths, MachineFailure)
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(stat.S_IRWXU)
    assert line.startswith(expected + str(folder)), line
    assert line.endswith("and re-run")
    monkeypatch.undo()
    assert fingerprint(paths.warehouse_file(LA)) == before


@pytest.mark.slow
def test_rebuild_restores_the_published_figures_and_keeps_the_damaged_file(paths, built, capsys):
    path = paths.warehouse_file(LA)
    os.truncate(path, path.stat().st_size // 2)
    damaged = sha(path)
    record = paths.output_dir(LA, MONTHS[-1]) / "run.json"  # as a forced run that met the damage left it:
    record.write_text(record.read_text().replace('"status": "done"', '"status": "failed"'))  # figures stay
    published = paths.output_dir(LA, MONTHS[0]) / "indicators.csv"
    original = published.read_bytes()
    argv = ["rebuild", "--la", LA, "--inbox", str(paths.inbox), "--warehouse", str(paths.warehouse)]
    argv += ["--outputs", str(paths.outputs), "--key-file", str(paths.key_file)]

    published.write_bytes(original.replace(b",count,", b",count,1", 1))  # a figure that would differ
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"csc-report: rebuild of {LA} not used: 1 of 2 published months come out different")
    assert sha(path) == damaged and not path.with_name(f"{LA}.duckdb.damaged").exists()

    published.write_bytes(original)
    assert cli.main(argv) == 0
    kept = path.with_name(f"{LA}.duckdb.damaged")
    assert sha(kept) == damaged and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert fingerprint(path) == fingerprint(built.warehouse_file(LA))  # every table, row for row
    assert not list(paths.warehouse.glob(".rebuild-*"))
    assert paths.output_dir(LA, MONTHS[0]).joinpath("indicators.csv").read_bytes() == original


def test_rebuild_without_published_months_or_its_key_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "inbox" / LA / MONTHS[0]).mkdir(parents=True)
    argv = ["rebuild", "--la", LA, "--inbox", str(tmp_path / "inbox"), "--warehouse", str(tmp_path / "wh")]
    argv += ["--outputs", str(tmp_path / "out"), "--key-file", str(tmp_path / "no.key")]
    assert cli.main(argv) == 2
    assert "no published month of 919 to check a rebuild against" in capsys.readouterr().err
    month = tmp_path / "out" / LA / MONTHS[0]
    month.mkdir(parents=True)
    (month / "run.json").write_text('{"status": "done", "profile": "public"}')
    (month / "indicators.csv").write_text("indicator_id\n")
    assert cli.main(argv) == 2  # a new key would pseudonymise differently from the months published
    assert capsys.readouterr().err == (
        f"csc-report: {tmp_path / 'no.key'}: no pseudonymisation key; rebuild needs the key the months "
        "were run with\n"
    )
    assert not (tmp_path / "wh").exists()


def test_a_lock_left_open_by_an_ended_process_says_which_file_to_look_for(tmp_path):
    """flock frees a lock when its holder dies; the lock file naming a process that has ended while the
    lock is still held means a child of it holds the file open. Here this test holds it, on another
    open file (flock locks of two opens conflict even in one process), as such a child would."""
    import fcntl
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    warehouse = tmp_path / f"{LA}.duckdb"
    held = lock.lock_path(warehouse)
    held.write_text(f"pid {int(ended.stdout)} since 2026-12-07T03:00:00")
    with held.open("r+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(lock.WarehouseBusy) as caught, lock.warehouse_lock(warehouse, timeout=0):
            pass
        assert str(caught.value).endswith(
            f"process {int(ended.stdout)} has ended, but a process it started still holds {held} open: "
            f"find it with `fuser {held}`, stop it, and re-run"
        )
        held.write_text(f"pid {os.getpid()} since 2026-12-07T03:00:00")  # alive: wait for it
        with pytest.raises(lock.WarehouseBusy, match="re-run when that run has finished$"):
            with lock.warehouse_lock(warehouse, timeout=0):
                pass
