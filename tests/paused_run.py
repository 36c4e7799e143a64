"""`csc-report ARGS...` with a pause inside the load transaction: a run caught mid-load, for tests.

Usage: python paused_run.py MARKER RELEASE ARGS...

Once the month's rows are inserted but not yet committed, MARKER is created; the run then waits, still
holding the warehouse, until RELEASE exists (or five minutes pass), so a test can start a second run
against it or kill this one with SIGKILL. Nothing else is changed: real Prefect, real DuckDB. A backfill
pauses in its first month's load; its preparing processes are spawned and import this script again,
hence the `__main__` guard (they only prepare, so they need no pause).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from csc_report import warehouse
from csc_report.cli import main

insert_snapshot_columns = warehouse._insert_snapshot_columns


def paused(*a, **kw):
    insert_snapshot_columns(*a, **kw)
    Path(marker).touch()
    deadline = time.monotonic() + 300
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.1)


if __name__ == "__main__":
    marker, release, *args = sys.argv[1:]
    warehouse._insert_snapshot_columns = paused
    sys.exit(main(args))
