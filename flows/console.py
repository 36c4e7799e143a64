"""Run a flow from the command line so that a data error reads as one line, not a traceback.

Prefect logs every failed task and flow, with its traceback, to the terminal and to its API. The
terminal gets only the CLI's own one-line message: Prefect's console handler is limited to warnings and
loses the records of expected failures and every record that carries a traceback (an unexpected failure
is turned into one line naming stage, file and month by flows/tasks.py). The Prefect UI still receives
every record. CSC_REPORT_VERBOSE=1 restores Prefect's full console output.
"""

from __future__ import annotations

import logging
import os

from prefect.exceptions import TerminationSignal

from csc_report import collector, errors
from csc_report.stopping import Stopped

EXPECTED = tuple(
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.CscError)
)


class _ExpectedFailureFilter(logging.Filter):
    """Drop console records about a CscError, and tracebacks: the CLI prints its message once, as one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            return False
        message = record.getMessage()
        if "Traceback (most recent call last)" in message:
            return False
        return not (
            "exception" in message
            and any(f"{name}(" in message or f"{name}:" in message for name in EXPECTED)
        )


def quiet_console() -> None:
    """Limit Prefect's console handlers to warnings without expected failures (idempotent)."""
    from prefect.logging.handlers import PrefectConsoleHandler

    if os.environ.get("CSC_REPORT_VERBOSE"):
        return
    loggers = [logging.getLogger()] + [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name.startswith("prefect")
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if isinstance(handler, PrefectConsoleHandler):
                handler.setLevel(logging.WARNING)
                if not any(isinstance(f, _ExpectedFailureFilter) for f in handler.filters):
                    handler.addFilter(_ExpectedFailureFilter())


def quiet_worker() -> None:
    """The same for a task runner's worker process (backfill's preparing processes): Prefect sets its
    logging up there only for the first task, so it is set up first, to be quietened. The worker loads
    Prefect and GX as the CLI's process does, so its garbage collector is set as the CLI's
    (csc_report.collector)."""
    from prefect.logging.configuration import ensure_logging_setup

    collector.collect_less_often()

    ensure_logging_setup()
    quiet_console()


def run_flow(flow, **parameters):
    """Call `flow` through the real Prefect engine and return its result, re-raising a CscError; a
    SIGTERM during the run (Prefect's TerminationSignal) is csc_report.stopping's Stopped."""
    quiet_console()
    try:
        state = flow(**parameters, return_state=True)
    except TerminationSignal:
        raise Stopped from None
    return state.result()
