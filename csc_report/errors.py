"""The two kinds of failure the CLI distinguishes, each mapped to an exit status (contract section 5)."""


class CscError(Exception):
    """Base class: a failure that is shown to the user as one line, never as a traceback."""

    exit_code = 1


class DataError(CscError):
    """The input data stop the run (exit 1). The message names file, sheet, row and rule."""

    exit_code = 1


class UsageError(CscError):
    """Bad arguments or configuration (exit 2)."""

    exit_code = 2


class ExtractMissing(DataError):
    """The month's extract is not in the inbox yet: the run waits for data rather than failing on it."""


class WarehouseBusy(CscError):
    """Another run kept the warehouse for longer than this run was prepared to wait (exit 1)."""

    exit_code = 1


class ExtractIncomplete(ExtractMissing):
    """The month's files are there but still being written (they changed between two checks), so the
    run waits as it does for a missing extract rather than read half a file."""


class SourceUnavailable(CscError):
    """The inbox's server could not be reached (exit 1); a waiting run checks again at its next interval."""


class StageFailed(CscError):
    """Something unexpected broke a stage (a bug or an input nobody foresaw): exit 1 with one line that
    names the stage, the file and the month. The traceback goes to the Prefect log, without the
    exception's message, which may quote a cell (see flows/tasks.py)."""

    exit_code = 1


class SourceRefused(UsageError):
    """The inbox's server refused the credentials (exit 2): configuration to fix, not data to wait for."""


class PreparedIncomplete(CscError):
    """The prepared (cached) tables of a month are not all there: loading them would replace the month's
    snapshot with less than was read, so the load stops before its transaction (exit 1)."""

    exit_code = 1


class HostKeyRejected(UsageError):
    """An SFTP server's host key is not the one known_hosts holds for it, or is not there at all
    (csc_report.host_keys): configuration to check (exit 2), never retried; nothing was sent to it."""


class FigureDisagrees(CscError):
    """`csc-report explain`: the rows do not add up to the published figure (exit 1), which means the
    month was published by other code; the rows are still written."""

    exit_code = 1


class PrefectUnavailable(CscError):
    """Prefect's temporary API server, started for this run, exited or did not answer (exit 1): nothing
    ran, so the warehouse is as it was. The message says which, and what to change."""

    exit_code = 1


class MachineFailure(CscError):
    """The machine, not the data, stopped the run (exit 1): no space, permission denied, a read-only
    filesystem, a file that vanished. The message names the cause, the path and what to do
    (csc_report.failures); nothing uncommitted was kept, so the month re-runs once it is fixed."""

    exit_code = 1


class WarehouseDamaged(MachineFailure):
    """A warehouse file DuckDB cannot read (truncated, overwritten, not DuckDB at all): restore it from a
    backup or rebuild it from the inbox (`csc-report rebuild`)."""


class KeyRefused(UsageError):
    """The pseudonymisation key is not the one the authority's warehouse file was written with, or it is
    missing where the file holds children already (csc_report.key_guard): exit 2, nothing read or changed.
    A different key would give every child already there another pseudonym, so history would not match."""
