"""`csc-report demo` from an empty folder, as a new user first meets the product (issue 19, target 3).

    .venv/bin/python benchmarks/demo.py [--runs 3] [--out benchmarks/results]

Each run is a new empty folder, with Prefect left to choose its home as for a user (PREFECT_* unset;
XDG_STATE_HOME is the benchmark's own, kept over the runs, so the first run is a user's first on the
machine and the later ones a demo in a new folder afterwards). The figure is the best of --runs (other
load on a shared machine only ever adds time), with CPU seconds and peak memory beside it
(benchmarks/measure.py).
A run counts only if every month of the demo has its full output: report.html, report.md, tables.xlsx,
indicators.csv and data_docs/. Each run also says how long its months took, first start to last end,
against the seconds its stages spent preparing months (the backfill's preparing processes) and
finishing them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from measure import measure, publish

EVERY_MONTH = ("report.html", "report.md", "tables.xlsx", "indicators.csv", "data_docs/index.html")


PREPARE, FINISH = ("read", "validate", "pseudonymise"), ("load", "indicators", "publish")


def month_stages(months: list[Path]) -> dict:
    """From the months' run.json: wall seconds from the first month's start to the last one's end,
    and the stage seconds of preparing (the preparing processes) and finishing (the flow's) summed over
    them."""
    records = [json.loads((m / "run.json").read_text(encoding="utf-8")) for m in months]
    span = datetime.fromisoformat(records[-1]["finished_at"]) - datetime.fromisoformat(
        records[0]["started_at"]
    )
    return {
        "months_wall_s": span.total_seconds(),
        "prepare_s": round(sum(r["timings"].get(k, 0.0) for r in records for k in PREPARE), 1),
        "finish_s": round(sum(r["timings"].get(k, 0.0) for r in records for k in FINISH), 1),
    }


def one_run(n: int, state: Path) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="csc-demo-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(XDG_STATE_HOME=str(state), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    exe = Path(sys.executable).with_name("csc-report")
    print(f"demo run {n} in {folder} ...", flush=True)
    try:
        figures = measure([str(exe), "demo"], folder.parent / f"{folder.name}.log", env=env, cwd=folder)
        months = sorted(p for p in (folder / "demo" / "outputs" / "874").iterdir() if p.is_dir())
        missing = [f"{m.name}/{name}" for m in months for name in EVERY_MONTH if not (m / name).exists()]
        if len(months) != 18 or missing:
            sys.exit(f"benchmark: the demo left {len(months)} months, missing {missing[:5]}")
        return {**figures, "months": len(months), **month_stages(months)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def markdown(report: dict) -> str:
    """The best run, then each run's months against their stage time."""
    runs = report["runs"]
    walls = ", ".join(f"{r['wall_s']:.1f}" for r in runs)
    cpus = ", ".join(f"{r['cpu_s']:.1f}" for r in runs)
    lines = [
        f"csc-report demo: best {report['best_wall_s']:.1f} s wall of {len(runs)} ({walls}); CPU s {cpus}; "
        f"peak {max(r['peak_mb'] for r in runs):.0f} MB; load average {report['machine']['load_average']}",
        "",
        "| run | wall s | CPU s | months wall s | preparing s | finishing s |",
        "|---|---|---|---|---|---|",
        *(
            f"| {n} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['months_wall_s']:.0f} | {r['prepare_s']:.0f} "
            f"| {r['finish_s']:.0f} |"
            for n, r in enumerate(runs, 1)
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    state = Path(tempfile.mkdtemp(prefix="csc-demo-state-"))
    try:
        runs = [one_run(n, state) for n in range(1, args.runs + 1)]
    finally:
        shutil.rmtree(state, ignore_errors=True)
    publish(args.out, "demo", markdown, runs=runs, best_wall_s=min(r["wall_s"] for r in runs),
            least_cpu_s=min(r["cpu_s"] for r in runs))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
