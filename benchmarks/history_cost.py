"""What reading the warehouse costs a month's figures: every indicator and table of one month, timed.

Issue 10 replaced the history rule (the union of snapshots) with windowed history and snapshot-only stock
figures, and asked that reading 18 months of history at `--scale 10` cost no more than twice what it
did. This harness builds a warehouse from a generated inbox without Great Expectations or Prefect (read,
pseudonymise, load: the same functions the flow calls, so the stored rows are the same), then times
`compute_indicators` and `compute_tables` for the last month, the best and median of `--repeat` runs.

    .venv/bin/csc-report generate --out /tmp/s10/inbox --scale 10 --months 18
    .venv/bin/python benchmarks/history_cost.py --inbox /tmp/s10/inbox --la 874 --from 2012-01 \
        --to 2013-06 --warehouse /tmp/s10/csc.duckdb

An existing warehouse file is reused as it is (so the same file can be timed by two versions of the
code). Not part of the test suite; the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from csc_report.transforms.pseudonymise import pseudonymise
from csc_report.transforms.read import find_month_files, read_extract

from csc_report import indicators, warehouse, warehouse_reference
from csc_report.months import months_between

KEY = b"benchmark key: not a secret"


def build(inbox: Path, la: str, months: list[str], path: Path) -> None:
    """Load every month's extract into a new warehouse, in order, as the flow would (without GX)."""
    con = warehouse.connect(path)
    try:
        warehouse.apply_schema(con)
        warehouse_reference.load_population(con, inbox / "reference" / "population.csv")
        for month in months:
            started = time.perf_counter()
            extract = pseudonymise(read_extract(find_month_files(inbox / la / month)), KEY, la)
            rows = warehouse.load_snapshot(con, la, month, extract, load_id=f"bench-{la}-{month}")
            print(f"loaded {month}: {sum(rows.values()):,} rows in {time.perf_counter() - started:.1f} s")
    finally:
        con.close()


def time_month(path: Path, la: str, month: str, repeat: int) -> list[float]:
    """Seconds for all indicators and tables of (la, month), once per repeat, on one connection."""
    con = warehouse.connect(path)
    try:
        warehouse.apply_schema(con)
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            indicators.compute_indicators(con, la, month)
            indicators.compute_tables(con, la, month)
            seconds.append(time.perf_counter() - started)
        return seconds
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox", type=Path, required=True)
    parser.add_argument("--la", required=True)
    parser.add_argument("--from", dest="first", required=True)
    parser.add_argument("--to", dest="last", required=True)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    months = months_between(args.first, args.last)
    if not args.warehouse.exists():
        build(args.inbox, args.la, months, args.warehouse)
    seconds = time_month(args.warehouse, args.la, months[-1], args.repeat)
    print(
        f"{args.la} {months[-1]}, {len(months)} snapshots: all indicators and tables "
        f"best {min(seconds):.3f} s, median {statistics.median(seconds):.3f} s over {len(seconds)} runs"
    )


if __name__ == "__main__":
    main()
