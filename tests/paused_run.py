"""`csc-report ARGS...` with a pause inside the load transaction: a run caught mid-load, for tests.

Usage: python paused_run.py MARKER RELEASE ARGS...

Once the month's rows are inserted but not yet committed, MARKER is created; the run then waits, still
holding the warehouse, until RELEASE exists (or five minutes pass), so a test can start a second run
against it or kill this one with SIGKILL. Nothing else is changed: real Prefect, real DuckDB.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from csc_report import warehouse
from csc_report.cli import main

marker, release, *args = sys.argv[1:]
insert_snapshot_columns = warehouse._insert_snapshot_columns


def paused(*a, **kw):
    insert_snapshot_columns(*a, **kw)
    Path(marker).touch()
    deadline = time.monotonic() + 300
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.1)


warehouse._insert_snapshot_columns = paused
sys.exit(main(args))
