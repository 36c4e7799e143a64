"""Run one command and measure it: wall seconds, CPU seconds (user + system, children included) and the
peak resident memory of its largest process, from GNU time (`/usr/bin/time -v`) where it exists.

CPU seconds matter on this shared machine: wall time grows with other people's load, the CPU time a
command needs much less so. Shared by the benchmarks in this folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

TIME_BIN = Path("/usr/bin/time")
_FIELDS = {
    "user_s": r"User time \(seconds\): ([\d.]+)",
    "system_s": r"System time \(seconds\): ([\d.]+)",
    "peak_kb": r"Maximum resident set size \(kbytes\): (\d+)",
}


def wrapped(cmd: list[str], report: Path) -> list[str]:
    """`cmd` wrapped so that its CPU time and peak memory end up in `report`, in GNU time's words.

    Without GNU time, a small Python parent whose only child is the command reads the same figures
    from getrusage(RUSAGE_CHILDREN).
    """
    if TIME_BIN.exists():
        return [str(TIME_BIN), "-v", "-o", str(report), *cmd]
    probe = (
        "import resource, subprocess, sys\n"
        "rc = subprocess.call(sys.argv[2:])\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "open(sys.argv[1], 'w').write(f'User time (seconds): {u.ru_utime}\\nSystem time (seconds): "
        "{u.ru_stime}\\nMaximum resident set size (kbytes): {u.ru_maxrss}\\n')\n"
        "sys.exit(rc)\n"
    )
    return [sys.executable, "-c", probe, str(report), *cmd]


def parse(report: Path) -> dict[str, float]:
    """CPU seconds (user, system, together) and peak MB from a `wrapped` command's report."""
    text = report.read_text() if report.is_file() else ""
    found = {
        key: float(m.group(1)) if (m := re.search(rx, text)) else float("nan") for key, rx in _FIELDS.items()
    }
    return {
        "cpu_s": round(found["user_s"] + found["system_s"], 2),
        "user_s": found["user_s"],
        "system_s": found["system_s"],
        "peak_mb": round(found["peak_kb"] / 1024, 1),
    }


def measure(
    cmd: list[str],
    log: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    allow_failure: bool = False,
) -> dict:
    """Run `cmd` with its output in `log`; {"wall_s", "cpu_s", "user_s", "system_s", "peak_mb", "rc"}.
    A failure stops the benchmark with the log's tail (a figure of a failed run means nothing), unless
    `allow_failure` (a test suite with a failing test still has a duration)."""
    report = log.with_suffix(".time")
    start = time.perf_counter()
    with log.open("w") as handle:
        done = subprocess.run(
            wrapped(cmd, report), stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=cwd, check=False
        )
    wall = time.perf_counter() - start
    if done.returncode != 0 and not allow_failure:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        sys.exit(f"benchmark: {' '.join(map(str, cmd[:4]))} ... failed ({done.returncode}); {log}:\n{tail}")
    return {"wall_s": round(wall, 2), **parse(report), "rc": done.returncode}


def commit() -> str:
    """The commit measured, with "+changes" when the checkout differs from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine() -> dict:
    """What the figures were measured on, for docs/performance.md."""
    import platform

    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def publish(out: Path, name: str, markdown: Callable[[dict], str], **figures) -> dict:
    """Date and place the figures (issue 19's, with the machine they were measured on), write them to
    `out`/name.json and their Markdown table to `out`/name.md, print the table; the report."""
    report = {
        "finished_at": datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        **figures,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    (out / f"{name}.md").write_text(table)
    print(table)
    return report
