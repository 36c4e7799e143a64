"""Run a flow from the command line so that a data error reads as one line, not a traceback.

Prefect logs every failed task and flow with its traceback. For the errors the product expects (bad
or missing input, bad configuration) the traceback says nothing the one-line message does not, so it is
stripped from the log record; anything unexpected keeps its traceback.
"""

from __future__ import annotations

import logging

from csc_report.errors import CscError


class _ExpectedFailureFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], CscError):
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_expected_failures() -> None:
    """Attach the filter to every handler Prefect has configured (idempotent)."""
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in logging.root.manager.loggerDict if name.startswith("prefect")
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, _ExpectedFailureFilter) for f in handler.filters):
                handler.addFilter(_ExpectedFailureFilter())


def run_flow(flow, **parameters):
    """Call `flow` through the real Prefect engine and return its result, re-raising a CscError."""
    quiet_expected_failures()
    state = flow(**parameters, return_state=True)
    return state.result()
