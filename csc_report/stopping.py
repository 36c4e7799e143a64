"""A stop request (SIGTERM, as systemd, a container runtime or `kill` send it) ends csc-report cleanly.

Python's default for SIGTERM is to die on the spot: no `finally`, no atexit, so the temporary Prefect
API server that a run without PREFECT_API_URL starts as a child process is left running, and nobody is
told. So the CLI turns SIGTERM into the `Stopped` exception: the process unwinds, atexit stops the
temporary server, and the exit status is the conventional 128 + 15. While a flow runs, Prefect's own
SIGTERM bridge takes over (it marks the run Crashed, which runs the flow's crash hook, so the month's
destinations are told) and raises its TerminationSignal, which flows/console.py turns into `Stopped`.
"""

from __future__ import annotations

import signal
import threading

EXIT_STATUS = 128 + signal.SIGTERM


class Stopped(BaseException):
    """SIGTERM arrived: unwind everything (a BaseException, so no `except Exception` swallows it)."""

    message = "stopped by SIGTERM before it finished; the run is marked Crashed and kept nothing uncommitted"


def _stop(signum, frame) -> None:
    raise Stopped


def stop_on_sigterm() -> None:
    """Raise Stopped on SIGTERM from now on (only the main thread may set a handler)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
