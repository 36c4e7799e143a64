"""`csc-report ARGS...` with one function made to fail unexpectedly, for tests of what the user sees.

Usage: python faulty_run.py MODULE:NAME ARGS...

MODULE.NAME is replaced by a function that raises ValueError quoting a made-up personal value
(`PLANTED_VALUE`), as a bug or an unforeseen cell would, so that a test can check that the console shows
one line, never a traceback, and that the value reaches neither the console nor the Prefect log.
Nothing else is changed: real Prefect, real DuckDB.
"""

from __future__ import annotations

import importlib
import sys

from csc_report.cli import main

PLANTED_VALUE = "Jane Planted-Name 1987-03-14"


def fail(*args, **kwargs):
    raise ValueError(f"cannot handle {PLANTED_VALUE!r}")


if __name__ == "__main__":
    target, *args = sys.argv[1:]
    module, name = target.split(":")
    found = importlib.import_module(module)
    if not hasattr(found, name):  # a function moved elsewhere: patching nothing would prove nothing
        sys.exit(f"faulty_run: {module} has no {name} to make fail")
    setattr(found, name, fail)
    sys.exit(main(args))
