"""What the memo of expectation configurations and metric ids saves in validating one month (issue 19).

    .venv/bin/python benchmarks/gx_memo.py MONTH_DIR [--repeats 5]

MONTH_DIR is one month's folder of an inbox (e.g. demo/inbox/874/2013-06 after `csc-report demo`). The
month is read once, then validated `--repeats` times with csc_report.validation.gx_engine's memo and as
many times with Great Expectations as shipped, interleaved so that other load falls on both alike. It
prints the median CPU seconds of each and checks that both found the same issues and rejected rows.
When a GX upgrade stops rebuilding an expectation's configuration on every read and hashing every
metric's arguments afresh, the two medians meet and the memo can go.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from pathlib import Path

from csc_report.transforms.read import find_month_files, read_extract

from csc_report.pipeline import Period
from csc_report.validation import gx_engine, validate_extract


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("month_dir", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    extract = read_extract(find_month_files(args.month_dir))
    asat = Period(args.month_dir.name).asat
    validate_extract(extract, asat)  # GX's import and context, paid once
    memoised = gx_engine._memoised
    ways = {"memoised": memoised, "GX as shipped": contextlib.nullcontext}
    seconds = {name: [] for name in ways}
    found = {}
    for _ in range(args.repeats):
        for name, memo in ways.items():
            gx_engine._memoised = memo
            started = time.process_time()
            result = validate_extract(extract, asat)
            seconds[name].append(time.process_time() - started)
            found[name] = (sorted(map(repr, result.issues)), result.rejected.to_pylist())
    gx_engine._memoised = memoised
    rows = sum(extract.row_counts().values())
    print(f"{args.month_dir}: {rows} rows, validated {args.repeats} times each way (CPU s, median)")
    for name, values in seconds.items():
        print(f"  {name}: {statistics.median(values):.2f}")
    same = found["memoised"] == found["GX as shipped"]
    print(f"  same issues and rejected rows: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
