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
import json
import re
import sys
from datetime import datetime
from pathlib import Path

from measure import machine, measure

ROOT = Path(__file__).resolve().parents[1]


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
    report = {
        "issue": 19,
        "finished_at": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "pytest_args": args.pytest_args,
        "summary": summary[-1] if summary else None,
        **figures,
        "slowest": [{"s": float(s), "phase": phase, "test": test} for s, phase, test in slowest],
    }
    (args.out / "suite.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        f"{report['summary']}",
        f"wall {figures['wall_s']:.0f} s, CPU {figures['cpu_s']:.0f} s, peak {figures['peak_mb']:.0f} MB, "
        f"load average {report['machine']['load_average']} at the end",
        "",
        "| s | phase | test |",
        "|---|---|---|",
        *(f"| {s} | {phase} | `{test}` |" for s, phase, test in slowest),
    ]
    (args.out / "suite.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
