"""What an unexpected exception in a month's run is told as: one line, never a cell value.

Two kinds are told apart. A failure of the machine (no space, permission denied, a read-only
filesystem, a file that vanished, a damaged warehouse file) names its cause, the path and what to do,
since that is all an engineer needs and none of it is data: an operating system's message and a path
are safe to print. Anything else (a bug, an input nobody foresaw) is StageFailed: the stage, the file
and the month, with the exception's class only, because its message may quote a cell (a name, a date of
birth); its traceback goes to the log without messages (`safe_traceback`), and CSC_REPORT_DEBUG=1 keeps
the original chained so the CLI can show it in full.

DuckDB's own errors are classified by their text (its IOException carries no errno) and retold in
words of our own with the path it names in quotes; its message is never printed as it is.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import traceback
from pathlib import Path

from csc_report.errors import CscError, MachineFailure, StageFailed, WarehouseBusy, WarehouseDamaged

LOG = logging.getLogger("csc_report")

# errno -> (the cause in words, what to do about it)
CAUSES = {
    errno.ENOSPC: ("no space left on device writing {path}", "free space and re-run"),
    errno.EDQUOT: ("disk quota exceeded writing {path}", "free space or raise the quota and re-run"),
    errno.EACCES: (
        "permission denied on {path}",
        "give the account that runs csc-report read and write access to it and re-run",
    ),
    errno.EPERM: (
        "operation not permitted on {path}",
        "give the account that runs csc-report read and write access to it and re-run",
    ),
    errno.EROFS: (
        "read-only filesystem at {path}",
        "mount it read-write, or name a writable folder (--warehouse, --outputs), and re-run",
    ),
    errno.ENOENT: (
        "{path} vanished while the run used it",
        "check that nothing else deletes files there (a clean-up job, another copy of the folder) and re-run",
    ),
}
# the operating system's words for them, as DuckDB and pyarrow quote them in messages without an errno
OS_TEXT = {os.strerror(code): code for code in CAUSES} | {"Read-only file system": errno.EROFS}
# DuckDB's words for a file that is not (or no longer) a whole DuckDB database
DAMAGED = ("not a valid DuckDB database file", "Could not read enough bytes", "Corrupt database file")
QUOTED_FILE = re.compile(r'file "([^"]+)"')


def safe_traceback(exc: BaseException) -> str:
    """The traceback's frames and exception types, chained causes included, without any message."""
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
        name = f"{type(exc).__module__}.{type(exc).__qualname__}"
        parts.append(f"Traceback (most recent call last):\n{frames}{name}")
        exc = exc.__cause__ or exc.__context__
    return "\n\nwhile handling:\n".join(reversed(parts))


def _is_duckdb(exc: BaseException) -> bool:
    return type(exc).__module__.lstrip("_").startswith("duckdb")


def machine_failure(exc: BaseException, writing=None, la: str | None = None) -> MachineFailure | None:
    """The one-line MachineFailure that `exc` is, or None when it is not the machine's.

    The path is the one the exception names (an OSError's filename, a file DuckDB quotes), else
    `writing`, the place the stage was writing to. `la` completes the rebuild command of a damaged
    warehouse file.
    """
    text = str(exc)
    quoted = QUOTED_FILE.search(text) if _is_duckdb(exc) else None
    path = getattr(exc, "filename", None) or (quoted.group(1) if quoted else None) or writing
    if _is_duckdb(exc) and any(words in text for words in DAMAGED):
        return damaged(Path(path), la)
    code = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    if code not in CAUSES and (isinstance(exc, OSError) or _is_duckdb(exc)):
        code = next((c for words, c in OS_TEXT.items() if words in text), None)
    if code not in CAUSES or path is None:
        return None
    cause, remedy = CAUSES[code]
    return MachineFailure(f"{cause.format(path=path)}: {remedy}")


def damaged(path: Path, la: str | None) -> WarehouseDamaged:
    """A warehouse file DuckDB cannot read: the inbox keeps every snapshot, so it can be rebuilt."""
    code = la or path.stem
    return WarehouseDamaged(
        f"{path} is damaged (not a readable DuckDB file): restore it from a backup, or rebuild it from the "
        f"inbox with `csc-report rebuild --la {code} --inbox INBOX --warehouse {path.parent}` "
        "(see docs/operations.md)"
    )


def unexpected(
    stage: str, where, la: str, month: str, exc: Exception, log: logging.Logger = LOG, writing=None
) -> CscError:
    """The one-line error for an unexpected exception in `stage`; its safe traceback goes to `log`.

    A DuckDB lock conflict is not unexpected: another program holds the warehouse (WarehouseBusy,
    retried). A failure of the machine names its cause and path (`writing`: where the stage writes,
    when the exception does not say; else `where`). Raise the result outside the `except` block: raised
    inside, it would carry the original exception, message and all, as its context, and loggers
    (Prefect's too) log the context.
    """
    text = str(exc)
    if _is_duckdb(exc) and type(exc).__name__ == "IOException" and "lock" in text.lower():
        if not any(words in text for words in DAMAGED):
            return WarehouseBusy(text.splitlines()[0])
    log.error("%s failed for %s %s at %s:\n%s", stage, la, month, where, safe_traceback(exc))
    failure = machine_failure(exc, writing or where, la) or StageFailed(
        f"{where}: {stage} failed for {la} {month} ({type(exc).__name__}); "
        "run with CSC_REPORT_DEBUG=1 for details"
    )
    failure.__cause__ = exc if os.environ.get("CSC_REPORT_DEBUG") else None
    failure.__suppress_context__ = True
    return failure
