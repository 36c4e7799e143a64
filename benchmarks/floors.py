"""What issue 19's targets cannot beat while Great Expectations and Prefect stay, measured on this machine.

    .venv/bin/python benchmarks/floors.py [--work DIR] [--out benchmarks/results]

The issue keeps Great Expectations as the check engine, every check and every month's Data Docs, and
Prefect as the orchestrator. This measures the costs those choices fix, and our own, each in a process
of its own (benchmarks/measure.py):

- importing Prefect and Great Expectations together in a new process (best of 5);
- Prefect's temporary API server, from its start to answering its health check, on a Prefect home it
  has used before (best of 3, after one start that creates the database);
- making the demo's inbox as the demo makes it (18 months, two writer processes);
- a month's stages in a warm process without Prefect (csc_report.month.run_in_order with the plain
  stages): the demo's first six months at scale 1, and six months at scale 0.1, the region test's
  size; the CPU and stage seconds of each month after the first (whose figures carry building GX's
  context), averaged;
- the same six demo months through `csc-report backfill` (the Prefect flow with its pool of preparers
  and a temporary server), for what Prefect itself adds to a month.

From them, two lower bounds for each target. "Engines alone" counts only the imports, the server's
start and the validate stage (GX's checks and its Data Docs), as if reading, loading, the indicators,
publishing, the demo's inbox and every Prefect task run cost nothing; "with our stages" adds the
months' other stages and the inbox as they are now. Both leave out Prefect's cost per task run, its
logs and every process start beyond the imports, so the real commands are slower than either:

- target 2, one month at scale 1 in at most 5 s: the imports, then the month's stages, one after the
  other in the one process;
- target 3, the demo in at most 45 s: 18 months, the server's start and three processes' imports (the
  flow's and its two preparers'), and with our stages the inbox, in CPU seconds over the two cores;
- target 4, the suite in at most 6 minutes: only the region test's 72 months (issue 20 asks for 12
  authorities x 6 months), over the two cores; the other 746 tests share what is left.

Not part of the test suite: it takes about three minutes, and its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from measure import measure, publish

LA = "874"
DEMO_MONTHS = 18
MONTHS = ["2012-01", "2012-02", "2012-03", "2012-04", "2012-05", "2012-06"]  # the demo's first six
REGION_MONTHS = 12 * 6  # issue 20's test: 12 authorities x 6 months
CORES = os.cpu_count() or 1
TARGETS = {"one month at scale 1": 5.0, "the demo": 45.0, "the test suite": 360.0}

# Run in a child process: the plain lifecycle over the months, each month's CPU seconds and stages.
PLAIN_MONTHS = """
import json, sys, time
from pathlib import Path
from csc_report import month
from csc_report.settings import RunPaths
inbox, work, months = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].split(",")
paths = RunPaths(inbox, work / "warehouse", work / "outputs", work / "pseudonym.key")
figures, last = [], time.process_time()
for outcome in month.run_in_order(paths, "874", months):
    now = time.process_time()
    assert outcome.status == "done", outcome.message
    record = json.loads((paths.output_dir("874", outcome.month) / "run.json").read_text())
    figures.append({"month": outcome.month, "cpu_s": round(now - last, 3), "timings": record["timings"]})
    last = now
(work / "months.json").write_text(json.dumps(figures))
"""

# Run in a child process: start Prefect's temporary server as csc-report does and wait for it.
SERVER = """
import time
from csc_report.settings import configure_prefect_environment
configure_prefect_environment()
from csc_report.flows.api import TemporaryApi
start = time.perf_counter()
api = TemporaryApi()
api.wait()
print(f"answered {time.perf_counter() - start:.2f}")
api.stop()
"""

GENERATE = (
    "import sys; from pathlib import Path; from csc_report.generate import generate_inbox; "
    "generate_inbox(Path(sys.argv[1]), la_code=sys.argv[2], months=int(sys.argv[3]), "
    "scale=float(sys.argv[4]), workers=int(sys.argv[5]))"
)


def best(runs: list[dict]) -> dict:
    """The run with the fewest CPU seconds: other load on a shared machine only ever adds."""
    return min(runs, key=lambda r: r["cpu_s"])


def warm_month(work: Path, inbox: Path, env: dict, months: list[str]) -> dict:
    """The plain lifecycle over `months` in one process: the mean CPU and stage seconds of the months
    after the first (whose figures carry building GX's context), and the whole process."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    whole = measure(
        [sys.executable, "-c", PLAIN_MONTHS, str(inbox), str(work), ",".join(months)],
        work.with_suffix(".log"),
        env=env,
    )
    later = json.loads((work / "months.json").read_text())[1:]
    return {
        "process": whole,
        "cpu_s": round(sum(m["cpu_s"] for m in later) / len(later), 2),
        "stages_s": round(sum(sum(m["timings"].values()) for m in later) / len(later), 2),
        "stages": {
            k: round(sum(m["timings"][k] for m in later) / len(later), 2) for k in later[0]["timings"]
        },
    }


def measure_all(work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(work / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    python = sys.executable
    figures: dict = {}

    print("imports ...", flush=True)
    figures["imports"] = best(
        [
            measure([python, "-c", "import prefect, great_expectations"], work / f"imports{n}.log", env=env)
            for n in range(5)
        ]
    )

    print("Prefect's temporary server ...", flush=True)
    measure([python, "-c", SERVER], work / "server-first.log", env=env)  # creates its database
    starts = []
    for n in range(3):
        log = work / f"server{n}.log"
        starts.append({**measure([python, "-c", SERVER], log, env=env), "answered_s": answered(log)})
    figures["server"] = best(starts)

    print("the demo's inbox ...", flush=True)
    demo = work / "demo-inbox"
    shutil.rmtree(demo, ignore_errors=True)
    figures["demo_inbox"] = measure(
        [python, "-c", GENERATE, str(demo), LA, str(DEMO_MONTHS), "1", "2"], work / "generate.log", env=env
    )
    small = work / "small-inbox"
    shutil.rmtree(small, ignore_errors=True)
    measure([python, "-c", GENERATE, str(small), LA, "6", "0.1", "2"], work / "generate-small.log", env=env)
    small_months = sorted(p.name for p in (small / LA).iterdir())

    print("six warm months, no Prefect: scale 1, then 0.1 ...", flush=True)
    figures["month_scale_1"] = warm_month(work / "plain-1", demo, env, MONTHS)
    figures["month_scale_0.1"] = warm_month(work / "plain-0.1", small, env, small_months)

    print("the same six months through csc-report backfill ...", flush=True)
    flow = work / "flow"
    shutil.rmtree(flow, ignore_errors=True)
    exe = str(Path(python).with_name("csc-report"))
    figures["backfill"] = measure(
        [
            exe, "backfill", "--inbox", str(demo), "--la", LA, "--from", MONTHS[0], "--to", MONTHS[-1],
            "--warehouse", str(flow / "warehouse"), "--outputs", str(flow / "outputs"),
            "--key-file", str(flow / "pseudonym.key"),
        ],
        work / "backfill.log",
        env=env,
    )  # fmt: skip
    return figures


def answered(log: Path) -> float:
    return float(log.read_text().split("answered ")[-1].split()[0])


def bounds(f: dict) -> dict:
    """Each target's lower bounds in wall seconds: from the engines alone (the imports, the server's
    start, the validate stage: GX's checks and Data Docs), and with our own stages as they are too."""
    imports, server, m1, m01 = f["imports"], f["server"], f["month_scale_1"], f["month_scale_0.1"]
    fixed_demo_cpu = server["cpu_s"] + 3 * imports["cpu_s"]
    return {
        "one month at scale 1": (
            round(imports["wall_s"] + m1["stages"]["validate"], 1),
            round(imports["wall_s"] + m1["stages_s"], 1),
        ),
        "the demo": (
            round((fixed_demo_cpu + DEMO_MONTHS * m1["stages"]["validate"]) / CORES, 1),
            round((fixed_demo_cpu + DEMO_MONTHS * m1["cpu_s"] + f["demo_inbox"]["cpu_s"]) / CORES, 1),
        ),
        "the test suite": (
            round(REGION_MONTHS * m01["stages"]["validate"] / CORES, 1),
            round(REGION_MONTHS * m01["cpu_s"] / CORES, 1),
        ),
    }


def markdown(report: dict) -> str:
    f, b = report["figures"], report["bounds"]
    m1, m01 = f["month_scale_1"], f["month_scale_0.1"]
    plain6 = m1["process"]["cpu_s"]
    lines = [
        "| cost | wall s | CPU s |",
        "|---|---|---|",
        f"| importing Prefect and Great Expectations | {f['imports']['wall_s']:.1f} | "
        f"{f['imports']['cpu_s']:.1f} |",
        f"| Prefect's temporary server to its first answer | {f['server']['answered_s']:.1f} | "
        f"{f['server']['cpu_s']:.1f} |",
        f"| the demo's inbox, 18 months, two writers | {f['demo_inbox']['wall_s']:.1f} | "
        f"{f['demo_inbox']['cpu_s']:.1f} |",
        f"| a warm month at scale 1, no Prefect | {m1['stages_s']:.2f} | {m1['cpu_s']:.2f} |",
        f"| a warm month at scale 0.1, no Prefect | {m01['stages_s']:.2f} | {m01['cpu_s']:.2f} |",
        f"| six demo months, no Prefect, one process | {m1['process']['wall_s']:.1f} | {plain6:.1f} |",
        f"| the same six through `csc-report backfill` | {f['backfill']['wall_s']:.1f} | "
        f"{f['backfill']['cpu_s']:.1f} |",
        "",
        "A warm month's stages at scale 1: "
        + ", ".join(f"{k} {v:.2f}" for k, v in m1["stages"].items() if v)
        + " s.",
        "",
        "| target | limit s | bound, engines alone s | bound, with our stages and the inbox s |",
        "|---|---|---|---|",
    ]
    for name, limit in TARGETS.items():
        engines, ours = b[name]
        what = f"{name} (its region test's 72 months only)" if name == "the test suite" else name
        lines.append(f"| {what} | {limit:.0f} | {engines:.1f} | {ours:.1f} |")
    mach = report["machine"]
    lines += [
        "",
        f"{mach['cpus']} CPUs, Python {mach['python']}, load average {mach['load_average']} at the end, "
        f"{report['finished_at']}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "csc-floors")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    figures = measure_all(args.work.resolve())
    publish(args.out, "floors", markdown, figures=figures, bounds=bounds(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
