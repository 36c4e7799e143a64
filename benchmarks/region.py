"""Region mode, measured: `csc-report region` on 1 and on 2 local Dask workers, and the serial share of
its wall time.

Generates (once, reused from `--work`) an inbox of `--authorities` authorities x `--months` months at
`--scale`, then for each worker count runs `csc-report region` in a subprocess on an empty warehouse and
outputs, timing the wall clock. The serial part is the work done while nothing else can run:
- where the flow's own process finishes every month (load, indicators, publish under one writer: the
  code before issue 20), the sum of those stages' seconds over every month's run.json;
- where each authority's months run on a worker (issue 20), the regional step after the authorities
  (rebuilding region.duckdb and writing the regional report), whose seconds the command prints.
The serial share is that over the wall time. `--csc-report` picks the command, so the code before the
change can be measured from another checkout's environment. `--check` then runs each authority's own
`csc-report backfill` into a warehouse apart and stops unless every authority's figures equal the
region run's (the 12 x 6 case of the region test, which the suite runs at 4 x 3):

    .venv/bin/python benchmarks/region.py --work /tmp/rbench [--authorities 12 --months 6 --scale 0.1]
        [--workers 1 2] [--check] [--csc-report /work/main/.venv/bin/csc-report]

Not part of the test suite; the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from csc_report.months import shift

ROOT = Path(__file__).resolve().parents[1]
FINISH_STAGES = ("load", "indicators", "publish")
REGION_LINE = re.compile(r"regional step: ([0-9.]+) s")
END = "2013-06"


def make_inbox(inbox: Path, authorities: int, months: int, scale: float, command: Path) -> list[str]:
    codes = [str(871 + n) for n in range(authorities)]
    for seed, la in enumerate(codes, 1):
        if not (inbox / la).is_dir():
            subprocess.run(
                [command, "generate", "--out", inbox, "--la", la, "--end", END, "--months", str(months)]
                + ["--scale", str(scale), "--seed", str(seed)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
    return codes


def run(command: Path, inbox: Path, first: str, workers: int, base: Path) -> dict:
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    args = [command, "region", "--inbox", inbox, "--from", first, "--to", END, "--workers", str(workers)]
    args += ["--warehouse", base / "warehouse", "--outputs", base / "outputs", "--key-file", base / "key"]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=base)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"csc-report region failed ({done.returncode}):\n{done.stderr[-2000:]}")
    runs = [json.loads(p.read_text()) for p in (base / "outputs").glob("*/*/run.json")]
    regional = REGION_LINE.search(done.stdout)
    if regional:
        serial, where = float(regional.group(1)), "regional step"
    else:
        serial = sum(r["timings"].get(stage, 0.0) for r in runs for stage in FINISH_STAGES)
        where = "months finished in the flow process"
    done_months = sum(r.get("status") == "done" for r in runs)
    return dict(
        workers=workers, wall=wall, serial=serial, share=serial / wall, where=where, months=done_months
    )


def figures(warehouse: Path, la: str) -> list[tuple]:
    """Every figure an authority's warehouse file holds, in a stable order."""
    con = duckdb.connect(str(warehouse / f"{la}.duckdb"), read_only=True)
    try:
        return con.execute("SELECT * FROM indicator_values ORDER BY month, indicator_id").fetchall()
    finally:
        con.close()


def check(command: Path, inbox: Path, first: str, codes: list[str], region_run: Path) -> None:
    """Stop unless each authority's own backfill gives exactly the figures the region run gave it."""
    base = region_run.with_name("single")
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    for la in codes:
        args = [command, "backfill", "--inbox", inbox, "--la", la, "--from", first, "--to", END]
        args += ["--warehouse", base / "warehouse", "--outputs", base / "outputs"]
        subprocess.run(args + ["--key-file", region_run / "key"], capture_output=True, cwd=base)
        if figures(base / "warehouse", la) != figures(region_run / "warehouse", la):
            sys.exit(f"check: {la}'s figures from its own backfill differ from the region run's")
    print(f"check: every figure of {len(codes)} authorities equals its own backfill's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--authorities", type=int, default=12)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--check", action="store_true", help="compare with each authority's own backfill")
    parser.add_argument("--csc-report", type=Path, default=Path(sys.executable).with_name("csc-report"))
    args = parser.parse_args()
    inbox = args.work / f"inbox-{args.authorities}x{args.months}-{args.scale}"
    codes = make_inbox(inbox, args.authorities, args.months, args.scale, args.csc_report)
    first = shift(END, -(args.months - 1))
    print(f"{args.csc_report}: {args.authorities} authorities x {args.months} months at scale {args.scale}")
    print("| workers | months done | wall s | serial s | serial share | serial part |")
    print("|---|---|---|---|---|---|")
    for workers in args.workers:
        r = run(args.csc_report, inbox, first, workers, args.work / f"run-{workers}")
        print(
            f"| {r['workers']} | {r['months']} | {r['wall']:.1f} | {r['serial']:.1f} | {r['share']:.0%} "
            f"| {r['where']} |",
            flush=True,
        )
    if args.check:
        check(args.csc_report, inbox, first, codes, args.work / f"run-{args.workers[-1]}")


if __name__ == "__main__":
    main()
