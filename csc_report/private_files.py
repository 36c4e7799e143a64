"""Writing child-level files (explain's rows, the action lists) readable by their owner only.

These files name children by pseudonym and point at their rows in the authority's own extract, so with
the extract in hand they identify children. They are written 0600 inside folders made 0700, whatever the
umask, and never through a moment when they are readable by others: the file is created owner-only
under a temporary name and moved into place whole.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

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
