"""Everything csc-report writes is readable by its service account only: files 0600, folders 0700.

The warehouse, its WAL and lock, the cache and the staging folder hold pseudonymised child-level rows
(staging even the raw extract for a while); the outputs hold child-level tables; Prefect's home holds
every run's parameters and logs. So the process's umask is set to 077 when csc-report starts (the CLI
and any process that imports its flows: `serve`'s flow-run processes, a work pool's worker) rather
than each file being chmod-ed after the fact: every library that creates a file with the usual
0666/0777 (DuckDB, SQLite under Prefect, pyarrow, matplotlib, Great Expectations) then creates it
owner-only too. Copies that would carry a source's mode along (shutil.copytree copies the installed
package's 0644/0755) go through `copy_tree`, which creates each file and folder afresh under the umask.

A site that wants its analysts' group to read the outputs sets `CSC_REPORT_UMASK=027` (see
docs/operations.md); the value must be octal and may only be stricter than 022.

Child-level files (explain's rows, the action lists) name children by pseudonym and point at their rows in
the authority's own extract, so with the extract in hand they identify children. They are owner-only
whatever CSC_REPORT_UMASK says: written 0600 inside folders made 0700, and never through a moment when
they are readable by others (created owner-only under a temporary name and moved into place whole).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from csc_report.errors import UsageError

if TYPE_CHECKING:  # the CLI imports this module first, and a month already done needs no pandas
    import pandas as pd

ENV = "CSC_REPORT_UMASK"
DEFAULT_UMASK = 0o077


def umask_setting() -> int:
    """The umask to run under: `CSC_REPORT_UMASK` (octal), else 077. Nothing world-writable is allowed."""
    text = os.environ.get(ENV)
    if not text:
        return DEFAULT_UMASK
    try:
        value = int(text, 8)
    except ValueError:
        raise UsageError(f"{ENV} must be an octal umask such as 077 or 027, got {text!r}") from None
    if not 0 <= value <= 0o777 or value & 0o022 != 0o022:
        raise UsageError(f"{ENV}={text}: a umask must keep group and others from writing (022 at least)")
    return value


def restrict() -> int:
    """Set the process's umask from the setting; returns it."""
    value = umask_setting()
    os.umask(value)
    return value


def copy_tree(source: Path, dest: Path, skip_suffixes: tuple[str, ...] = ()) -> None:
    """Copy a folder's files into `dest` (merging), creating each under the umask, never with the
    source's mode."""
    for path in sorted(Path(source).rglob("*")):
        target = Path(dest) / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif not path.name.endswith(skip_suffixes):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> Path:
    """Make `path` (and any missing parents) owner-only folders; an existing `path` is made 0700 too.

    Parents that already exist are left as they are: they are the user's (or the outputs folder).
    """
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for folder in missing:
        folder.chmod(FOLDER_MODE)
    path.chmod(FOLDER_MODE)
    return path


def write_private_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write `frame` as CSV at `path`, mode 0600, atomically; its folder is created owner-only if absent."""
    path = Path(path)
    if not path.parent.exists():
        private_folder(path.parent)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)  # O_CREAT's mode is cut by the umask; this is not
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            frame.to_csv(handle, index=False)
        part.replace(path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return path


def remove_folder(path: Path) -> None:
    """Delete a child-level folder (a month re-run under the public profile must not keep one)."""
    shutil.rmtree(path, ignore_errors=True)
