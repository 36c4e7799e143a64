"""One writer at a time: an advisory lock file beside the warehouse.

DuckDB refuses a second process while one writes ("Conflicting lock is held"), but it refuses at once,
in the middle of a run, and refuses readers too. Runs therefore take this lock first: exclusively around
load, indicators, publish and the run record; shared for the read-only "already done?" check. The
lock is `flock`, which the kernel releases when its holder dies, even by SIGKILL, so a killed run never
leaves a stale lock behind (an O_EXCL lock file would). POSIX only, like `fcntl`.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from csc_report.errors import WarehouseBusy

POLL_SECONDS = 0.2


def lock_path(warehouse: Path) -> Path:
    return Path(warehouse).with_name(Path(warehouse).name + ".lock")


@contextmanager
def warehouse_lock(
    warehouse: Path,
    *,
    timeout: float,
    shared: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the warehouse's lock for the `with` block, waiting up to `timeout` seconds for it.

    `on_wait` is told once, with who holds the lock, when the lock is not free at once. Raises
    WarehouseBusy when the wait runs out.
    """
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd, path, warehouse, timeout, shared, on_wait)
        if not shared:
            os.ftruncate(fd, 0)
            since = datetime.now().isoformat(timespec="seconds")
            os.pwrite(fd, f"pid {os.getpid()} since {since}".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _acquire(fd, path, warehouse, timeout, shared, on_wait) -> None:
    mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, mode)
            return
        except BlockingIOError:
            holder = path.read_text(encoding="utf-8", errors="replace").strip() or "another run"
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{warehouse}: the warehouse is busy ({holder}); gave up after {timeout:.0f} s - "
                    + _what_to_do(holder, path)
                ) from None
            if on_wait and not told:
                on_wait(f"{warehouse}: waiting for the warehouse, held by {holder}")
                told = True
            time.sleep(POLL_SECONDS)


def _what_to_do(holder: str, path: Path) -> str:
    """The kernel frees the lock when its holder dies, so a holder that has ended left the lock open
    in a process it started (a worker still running): that process is the one to stop."""
    found = re.match(r"pid (\d+)", holder)
    if found and not _alive(int(found.group(1))):
        return (
            f"process {found.group(1)} has ended, but a process it started still holds {path} open: "
            f"find it with `fuser {path}`, stop it, and re-run"
        )
    return "re-run when that run has finished"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


class CacheEntryUse:
    """This run's claim on a cache entry of prepared months, so that no other run deletes it meanwhile.

    Two runs of one month share an entry (it is named by the hash of their inputs). Each holds a shared
    `flock` on `<entry>.users` from the moment it knows the entry until it has finished the month; the
    run that finishes last, and only that one, can turn its claim exclusive and delete the entry. A run
    that dies loses its claim with its descriptor, as with the writer lock.
    """

    def __init__(self, entry: Path):
        self.path = Path(entry).with_name(Path(entry).name + ".users")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a last user deletes the entry
            try:
                if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)  # the file was unlinked by a last user meanwhile: claim the new one
        self.fd: int | None = fd

    def release(self, delete: Callable[[], None] | None = None) -> bool:
        """Give up the claim. When no other run holds one, `delete` the entry (if given: the month is
        done) and remove the claims file, so that only live runs leave one; returns whether it deleted."""
        if self.fd is None:
            return False
        fd, self.fd = self.fd, None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # another run still needs the entry: it cleans up when it is done
            if delete is not None:
                delete()
            self.path.unlink(missing_ok=True)
            return delete is not None
        finally:
            os.close(fd)
