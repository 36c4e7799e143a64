"""Wide checks first against one-column checks only: CPU seconds of validating months, and the same issues.

    .venv/bin/python benchmarks/wide_checks.py MONTH_DIR [MONTH_DIR ...] [--repeats 5]

Each MONTH_DIR (one month's folder of an inbox, e.g. from `csc-report generate`) is read once, then
validated `--repeats` times each way, interleaved so that other load falls on both alike:
"wide first" as the product runs (validation/wide.py), and "one-column" with every family sent
straight to its one-column expectations, as before wide checks. It prints the median CPU seconds of each
and whether both found the same issues and rejected rows, and writes them to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from csc_report.transforms.read import find_month_files, read_extract
from measure import publish

from csc_report.pipeline import Period
from csc_report.validation import gx_engine, validate_extract

RESULTS = Path(__file__).parent / "results"


def findings(result) -> tuple:
    """What a validation found, in a comparable form: its issues and its rejected rows."""
    return sorted(map(repr, result.issues)), sorted(map(repr, result.rejected.to_pylist()))


def compare(month_dir: Path, repeats: int) -> dict:
    extract = read_extract(find_month_files(month_dir))
    asat = Period(month_dir.name).asat
    validate_extract(extract, asat)  # GX's import and context, paid once
    seconds: dict[str, list[float]] = {"wide first": [], "one-column": []}
    found = {}
    for _ in range(repeats):
        for name in seconds:
            started = time.process_time()
            if name == "wide first":
                result = validate_extract(extract, asat)
            else:
                with gx_engine.one_column_only():
                    result = validate_extract(extract, asat)
            seconds[name].append(time.process_time() - started)
            found[name] = findings(result)
    return {
        "month": str(month_dir),
        "rows": sum(extract.row_counts().values()),
        "issues": len(found["wide first"][0]),
        "same": found["wide first"] == found["one-column"],
        **{name: round(statistics.median(values), 3) for name, values in seconds.items()},
    }


def markdown(report: dict) -> str:
    lines = [
        f"Validation of a month, median CPU s of {report['repeats']} ({report['finished_at']}, "
        f"commit {report['commit']}, {report['machine']})",
        "",
        "| month | rows | issues | one-column | wide first | same issues |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for m in report["months"]:
        lines.append(
            f"| {m['month']} | {m['rows']} | {m['issues']} | {m['one-column']} | {m['wide first']} "
            f"| {'yes' if m['same'] else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("month_dirs", type=Path, nargs="+")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    months = [compare(m, args.repeats) for m in args.month_dirs]
    publish(RESULTS, "wide_checks", markdown, repeats=args.repeats, months=months)
    return 0 if all(m["same"] for m in months) else 1


if __name__ == "__main__":
    raise SystemExit(main())
