"""How one authority's month costs as the warehouse around it grows to a region's worth of authorities.

Issue 7 asks what size of region a single DuckDB file serves well. Generating and loading 150 real
authorities takes hours, so this harness takes a warehouse that a real backfill built (one authority,
several months) and copies that authority's snapshot rows under new authority codes, in steps, into a
copy of the file. At each step it times what a monthly run does against the warehouse: replacing one
snapshot (load_snapshot's delete + insert, measured as the same SQL on the copy) and computing every
indicator and table for the original authority's last month. The copies have identical data, which
flatters compression a little but not the per-authority work, which is what is measured.

    .venv/bin/python benchmarks/warehouse_size.py --warehouse WAREHOUSE --la 874 --month 2013-06 \
        [--steps 1 10 50 150] [--out benchmarks/results]

Not part of the test suite; the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from csc_report import indicators, warehouse
from csc_report.catalogue import LISTS
from csc_report.months import month_start


def copy_authority(con, la: str, copies: range) -> None:
    """Add the authority's rows under codes la-<n> for every n in `copies`, in every list table."""
    for table in LISTS:
        con.execute(
            f"INSERT INTO {table} SELECT {table}.* REPLACE (la_code || '-' || n AS la_code) "
            f"FROM {table}, range({copies.start}, {copies.stop}) AS r(n) WHERE la_code = $la",
            {"la": la},
        )
    for table in ("snapshots", "snapshot_columns", "population"):
        con.execute(
            f"INSERT INTO {table} SELECT {table}.* REPLACE (la_code || '-' || n AS la_code) "
            f"FROM {table}, range({copies.start}, {copies.stop}) AS r(n) WHERE la_code = $la",
            {"la": la},
        )


def time_month(con, la: str, month: str) -> dict[str, float]:
    """Seconds for one snapshot's replace (in a rolled-back transaction) and for all its indicators."""
    snapshot = month_start(month)
    started = time.perf_counter()
    con.execute("BEGIN")
    for table in LISTS:
        con.execute(
            f"CREATE TEMP TABLE _keep AS SELECT * FROM {table} WHERE la_code = $la AND snapshot_month = $m",
            {"la": la, "m": snapshot},
        )
        con.execute(
            f"DELETE FROM {table} WHERE la_code = $la AND snapshot_month = $m", {"la": la, "m": snapshot}
        )
        con.execute(f"INSERT INTO {table} SELECT * FROM _keep")
        con.execute("DROP TABLE _keep")
    con.execute("ROLLBACK")
    replaced = time.perf_counter()
    indicators.compute_indicators(con, la, month)
    indicators.compute_tables(con, la, month)
    computed = time.perf_counter()
    return {"replace_snapshot_s": round(replaced - started, 3), "indicators_s": round(computed - replaced, 3)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="a warehouse a real backfill built")
    parser.add_argument("--la", required=True)
    parser.add_argument("--month", required=True, help="YYYY-MM, the authority's last loaded month")
    parser.add_argument("--steps", type=int, nargs="+", default=[1, 10, 50, 150])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)

    results = []
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "region.duckdb"
        shutil.copyfile(args.warehouse, copy)
        con = warehouse.connect(copy)
        warehouse.apply_schema(con)
        have = 1
        for step in sorted(args.steps):
            if step > have:
                copy_authority(con, args.la, range(have, step))
                con.execute("CHECKPOINT")
                have = step
            rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in LISTS)
            timing = time_month(con, args.la, args.month)
            results.append(
                {
                    "authorities": step,
                    "list_rows": rows,
                    "file_mb": round(copy.stat().st_size / 1e6),
                    **timing,
                }
            )
            print(
                f"{step:>4} authorities  {rows:>12,} rows  {results[-1]['file_mb']:>6} MB  "
                f"replace {timing['replace_snapshot_s']:.2f} s  indicators {timing['indicators_s']:.2f} s",
                flush=True,
            )
        con.close()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "warehouse_size.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
