"""The whole test suite's time (issue 19, target 4): wall and CPU seconds, and the slowest tests.

    .venv/bin/python benchmarks/suite.py [--out benchmarks/results] [-- EXTRA PYTEST ARGS]

Runs `pytest -q --durations=40` under benchmarks/measure.py (CPU seconds include every process the tests
start: Prefect servers, `csc-report` runs, SFTP and S3 servers) and writes the summary line, the figures
and the 40 slowest test phases to suite.json / suite.md. The suite runs on two pytest-xdist workers by
default (pyproject.toml); extra arguments go to pytest (`-- -n 0` runs it serially). On a shared
machine compare CPU seconds; wall seconds carry other people's load.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from measure import measure, publish

ROOT = Path(__file__).resolve().parents[1]


def markdown(report: dict) -> str:
    """The summary line, the figures and the slowest test phases."""
    lines = [
        f"{report['summary']}",
        f"wall {report['wall_s']:.0f} s, CPU {report['cpu_s']:.0f} s, peak {report['peak_mb']:.0f} MB, "
        f"load average {report['machine']['load_average']} at the end",
        "",
        "| s | phase | test |",
        "|---|---|---|",
        *(f"| {r['s']} | {r['phase']} | `{r['test']}` |" for r in report["slowest"]),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    log = (args.out / "suite.log").resolve()
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "--durations=40",
        "-p",
        "no:cacheprovider",
        *args.pytest_args,
    ]
    figures = measure(cmd, log, cwd=ROOT, allow_failure=True)
    text = log.read_text(errors="replace")
    slowest = re.findall(r"^(\d+\.\d+)s (call|setup|teardown)\s+(\S+)$", text, re.MULTILINE)
    summary = [
        line.strip("= ") for line in text.splitlines() if re.search(r"\d+ (passed|failed).* in [\d.]+s", line)
    ]
    publish(
        args.out,
        "suite",
        markdown,
        pytest_args=args.pytest_args,
        summary=summary[-1] if summary else None,
        **figures,
        slowest=[{"s": float(s), "phase": phase, "test": test} for s, phase, test in slowest],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
