"""Benchmark one authority's month at several scale factors against the time it takes to read the file.

For each scale the harness generates a one-month inbox (`csc-report generate`, the same month at every
scale so that only the volume changes), runs the real flow (`csc-report run`) in a subprocess so that the
Prefect engine's start stays outside the stage timings, and reads each stage's own seconds from the
run's `run.json`. The floor is the time fastexcel takes just to read every sheet of the same workbooks
into Arrow (best of N): no product can read, check, load and publish faster than it can read. Peak memory
is the largest process's maximum resident set, from `/usr/bin/time -v` where it exists.

The targets are issue 7's, judged at the target scale (10 by default): stages together (every timing in
run.json, so discover and pseudonymise count too) within 6x the floor, reading within 1.5x, validation
within 2x, peak memory under 1 GB, and cost growing linearly with rows, judged on the marginal cost per
row between consecutive scales (a fixed start-up cost makes the smallest scale dear per row without
being non-linear).

    .venv/bin/python benchmarks/run.py [--scales 1 10 50] [--out benchmarks/results] [--work DIR] [--runs N]

Not part of the test suite: it takes minutes, and its numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fastexcel
from measure import TIME_BIN, parse, publish, wrapped

LA = "874"
MONTH = "2013-06"
SEED = 42
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
# Issue 7's targets at the target scale: (name, what is compared, limit, unit).
TARGETS = (
    ("stages together", "stages / floor", 6.0, "x floor"),
    ("reading", "read / floor", 1.5, "x floor"),
    ("validation", "validate / floor", 2.0, "x floor"),
    ("peak memory", "peak_mb", 1024.0, "MB"),
)
LINEAR_TOLERANCE = 1.5  # a later segment's marginal cost per row may be this much above an earlier one's


def csc_report(*args: str) -> list[str]:
    """The product's own command line, from the interpreter running the harness (the project's venv)."""
    return [sys.executable, "-m", "csc_report.cli", *args]


def options(**values) -> list[str]:
    """`key_file=x` -> `["--key-file", "x"]`, for the command lines below."""
    return [part for key, value in values.items() for part in (f"--{key.replace('_', '-')}", str(value))]


def forced_run(base: Path, la: str, month: str) -> list[str]:
    """`csc-report run --force` of `base`/inbox's month into an emptied `base`/warehouse and outputs:
    never skipped or reused, so that every stage runs and is timed."""
    for stale in (base / "warehouse", base / "outputs"):
        shutil.rmtree(stale, ignore_errors=True)
    paths = {"warehouse": base / "warehouse", "outputs": base / "outputs", "key_file": base / "pseudonym.key"}
    return csc_report("run", *options(inbox=base / "inbox", la=la, month=month, **paths), "--force")


def run_logged(cmd: list[str], log: Path, env: dict[str, str]) -> float:
    """Run a command with its output in a log file; a failure stops the benchmark with the log's tail."""
    start = time.perf_counter()
    with log.open("w") as handle:
        done = subprocess.run(cmd, stdout=handle, stderr=subprocess.STDOUT, env=env, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        sys.exit(f"benchmark: {' '.join(cmd[:4])} ... failed ({done.returncode}); {log}:\n{tail}")
    return seconds


def floor_seconds(month_dir: Path, repeats: int) -> float:
    """Best time to read every sheet of the month's workbooks into Arrow, types inferred, nothing else."""
    books = sorted(p for p in month_dir.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for book in books:
            reader = fastexcel.read_excel(str(book))
            for name in reader.sheet_names:
                reader.load_sheet(name, header_row=None).to_arrow()
        best = min(best, time.perf_counter() - start)
    return best


def generate(scale: float, base: Path, env: dict[str, str]) -> float | None:
    """Write the scale's one-month inbox unless it is already there; seconds taken, None if reused."""
    if (base / "inbox" / LA / MONTH).is_dir():
        return None
    print(f"scale {scale:g}: generating {MONTH} ...", flush=True)
    return run_logged(
        csc_report(
            "generate",
            *options(out=base / "inbox", la=LA, end=MONTH, months=1, scale=f"{scale:g}", seed=SEED),
        ),
        base / "generate.log",
        env,
    )


def run_once(scale: float, base: Path, env: dict[str, str]) -> tuple[dict, float, float]:
    """One run of the flow on an empty warehouse: (its run.json, wall seconds, peak MB)."""
    run_cmd = forced_run(base, LA, MONTH)
    wall = run_logged(wrapped(run_cmd, base / "time.txt"), base / "run.log", env)
    record = json.loads((base / "outputs" / LA / MONTH / "run.json").read_text())
    if record["status"] != "done" or record.get("reused"):
        sys.exit(
            f"benchmark: scale {scale:g} did not run every stage ({record['status']}, {record['message']})"
        )
    return record, wall, parse(base / "time.txt")["peak_mb"]


def bench_scale(scale: float, work: Path, env: dict[str, str], runs: int, repeats: int) -> dict:
    """Generate, run and measure one scale. With several runs the fastest (stages together) is kept:
    on a shared machine the other load only ever adds time. Peak memory is the highest of them."""
    base = work / f"scale-{scale:g}"
    base.mkdir(parents=True, exist_ok=True)
    generate_s = generate(scale, base, env)
    measured_runs = []
    for n in range(runs):
        print(f"scale {scale:g}: running the flow ({n + 1} of {runs}) ...", flush=True)
        measured_runs.append(run_once(scale, base, env))
    record, wall, _ = min(measured_runs, key=lambda run: sum(run[0]["timings"].values()))
    timings = record["timings"]
    stages = sum(timings.values())
    rows = sum(record["row_counts"].values())
    month_dir = base / "inbox" / LA / MONTH
    floor = floor_seconds(month_dir, repeats)
    return {
        "scale": scale,
        "rows": rows,
        "workbook_mb": round(sum(p.stat().st_size for p in month_dir.iterdir()) / 2**20, 2),
        "generate_s": round(generate_s, 2) if generate_s is not None else None,
        "floor_s": round(floor, 3),
        "timings": timings,
        "stages_s": round(stages, 3),
        "runs": runs,
        "stages_s_all_runs": [round(sum(r["timings"].values()), 3) for r, _, _ in measured_runs],
        "run_wall_s": round(wall, 2),
        "engine_and_other_s": round(wall - stages, 2),
        "rows_per_s": round(rows / stages) if stages else None,
        "peak_mb": round(max(peak for _, _, peak in measured_runs), 1),
        "ratios": {
            "stages / floor": round(stages / floor, 2),
            "read / floor": round(timings.get("read", 0.0) / floor, 2),
            "validate / floor": round(timings.get("validate", 0.0) / floor, 2),
        },
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "versions": record.get("versions", {}),
    }


def marginal_costs(results: list[dict]) -> list[dict]:
    """Microseconds per extra row between consecutive scales, per stage and for the stages together."""
    out = []
    for a, b in zip(results, results[1:], strict=False):
        extra = b["rows"] - a["rows"]
        if extra <= 0:
            continue
        names = list(dict.fromkeys([*a["timings"], *b["timings"]]))
        per_row = {
            n: round((b["timings"].get(n, 0.0) - a["timings"].get(n, 0.0)) / extra * 1e6, 2) for n in names
        }
        per_row["stages"] = round((b["stages_s"] - a["stages_s"]) / extra * 1e6, 2)
        per_row["floor"] = round((b["floor_s"] - a["floor_s"]) / extra * 1e6, 2)
        out.append({"from": a["scale"], "to": b["scale"], "us_per_row": per_row})
    return out


def verdicts(results: list[dict], segments: list[dict], target_scale: float) -> list[dict]:
    """Each of issue 7's targets: measured value, limit and whether it is met."""
    row = next((r for r in results if r["scale"] == target_scale), None)
    out = []
    for name, key, limit, unit in TARGETS:
        if row is None:
            out.append({"target": name, "limit": f"< {limit:g} {unit}", "measured": None, "met": None})
            continue
        value = {**row["ratios"], "peak_mb": row["peak_mb"]}[key]
        out.append({"target": name, "limit": f"< {limit:g} {unit}", "measured": value, "met": value < limit})
    if len(segments) >= 2:
        first, last = segments[0]["us_per_row"]["stages"], segments[-1]["us_per_row"]["stages"]
        ratio = last / first if first > 0 else float("inf")
        out.append(
            {
                "target": "linear in rows",
                "limit": f"marginal cost per row of the last segment < {LINEAR_TOLERANCE:g}x the first's",
                "measured": round(ratio, 2),
                "met": ratio < LINEAR_TOLERANCE,
            }
        )
    return out


def markdown(report: dict) -> str:
    """The short table: one row per scale, then the targets and the marginal costs."""
    results = report["results"]
    stage_names = list(dict.fromkeys(n for r in results for n in r["timings"]))
    head = [
        "scale",
        "rows",
        "floor s",
        *stage_names,
        "stages s",
        "x floor",
        "rows/s",
        "peak MB",
        "run wall s",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [
            f"{r['scale']:g}",
            f"{r['rows']:,}",
            f"{r['floor_s']:.2f}",
            *(f"{r['timings'].get(n, 0.0):.2f}" for n in stage_names),
            f"{r['stages_s']:.2f}",
            f"{r['ratios']['stages / floor']:.1f}",
            f"{r['rows_per_s']:,}",
            f"{r['peak_mb']:.0f}",
            f"{r['run_wall_s']:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Targets at scale {report['target_scale']:g}:", ""]
    for v in report["targets"]:
        met = {True: "met", False: "MISSED", None: "not measured"}[v["met"]]
        measured = "-" if v["measured"] is None else v["measured"]
        lines.append(f"- {v['target']}: {measured} ({v['limit']}): {met}")
    if report["marginal"]:
        lines += ["", "Marginal cost, microseconds per extra row:", ""]
        names = list(report["marginal"][0]["us_per_row"])
        lines.append("| scales | " + " | ".join(names) + " |")
        lines.append("|" + "---|" * (len(names) + 1))
        for seg in report["marginal"]:
            values = " | ".join(f"{seg['us_per_row'][n]:.1f}" for n in names)
            lines.append(f"| {seg['from']:g} -> {seg['to']:g} | {values} |")
    machine = report["machine"]
    runs = results[0]["runs"] if results else 1
    lines += [
        "",
        f"{machine['cpus']} CPUs, Python {machine['python']}, load average {machine['load_before']} before "
        f"the runs; the fastest of {runs} run(s) per scale; peak MB is the largest process's maximum "
        f"resident set ({machine['peak_memory_from']}).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 50])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument(
        "--work", type=Path, default=None, help="keep inboxes here and reuse them (default: a temporary dir)"
    )
    parser.add_argument("--runs", type=int, default=1, help="runs of the flow per scale; the fastest is kept")
    parser.add_argument("--repeats", type=int, default=3, help="floor: best of this many reads")
    parser.add_argument("--target-scale", type=float, default=10)
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="csc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str((work / "prefect").resolve()))
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    try:
        results = [bench_scale(s, work, env, args.runs, args.repeats) for s in sorted(args.scales)]
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    segments = marginal_costs(results)
    publish(
        args.out,
        "stages",
        markdown,
        la=LA,
        month=MONTH,
        seed=SEED,
        load_before=load_before,
        peak_memory_from="/usr/bin/time -v" if TIME_BIN.exists() else "getrusage(RUSAGE_CHILDREN)",
        target_scale=args.target_scale,
        results=results,
        marginal=segments,
        targets=verdicts(results, segments, args.target_scale),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
