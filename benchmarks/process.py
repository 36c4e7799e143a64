"""The whole `csc-report run` process for one month, as a user waits for it (issue 19, target 2).

    .venv/bin/python benchmarks/process.py [--scales 1 10] [--work DIR] [--out benchmarks/results]

For each scale (the inbox is benchmarks/run.py's: June 2013 of authority 874, generated once and kept in
--work), in a new empty folder with a new PREFECT_HOME (so Prefect's database is created afresh), it
measures four processes, each with wall seconds, CPU seconds (user + system, Prefect's temporary server
included) and peak memory (benchmarks/measure.py):

- fresh: `csc-report run --force` in the fresh folder;
- again: the same once more, Prefect's database now there ("less where the folder has run before");
- no-op, local: `csc-report run` on the month it has just done, which must answer before any engine
  starts (list, hash, compare);
- no-op, URL: the same through a `file://` URL, which lists and hashes the files where they are;
- server: `csc-report run --force` once more with `PREFECT_API_URL` set to a long-lived `prefect server
  start` (started before, not measured), as a scheduled setup runs it: nothing starts per run.

It also gives the stages' own seconds (run.json) and the fastexcel floor (benchmarks/run.py), so that the
whole process can be read as a multiple of the floor. Not part of the test suite: its figures depend on
the machine and its load; on a shared machine read the CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from measure import measure, publish
from run import LA, MONTH, csc_report, floor_seconds, generate, options


def run_args(inbox: str, folder: Path, force: bool) -> list[str]:
    return csc_report(
        "run",
        *options(
            inbox=inbox,
            la=LA,
            month=MONTH,
            warehouse=folder / "warehouse" / "csc.duckdb",
            outputs=folder / "outputs",
            key_file=folder / "pseudonym.key",
        ),
        *(["--force"] if force else []),
    )


@contextmanager
def prefect_server(home: Path, env: dict[str, str]):
    """A `prefect server start` of its own on a free port, healthy before it is used; its API URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    prefect = Path(sys.executable).with_name("prefect")
    command = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"]
    with (home.parent / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env={**env, "PREFECT_HOME": str(home)}, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/health", timeout=2):
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        sys.exit(f"benchmark: the Prefect server did not start; see {log.name}")
                    time.sleep(0.25)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=60)


def bench_scale(scale: float, work: Path, repeats: int) -> dict:
    base = work / f"scale-{scale:g}"
    base.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "300"
    generate(scale, base, {**env, "PREFECT_HOME": str(base / "generate-prefect")})
    inbox = base / "inbox"
    folder = Path(tempfile.mkdtemp(prefix="fresh-", dir=base))
    env["PREFECT_HOME"] = str(folder / ".prefect")
    print(f"scale {scale:g}: fresh folder {folder}", flush=True)
    figures = {}
    for name, inbox_arg, force in (
        ("fresh", str(inbox), True),
        ("again", str(inbox), True),
        ("no-op, local", str(inbox), False),
        ("no-op, URL", f"file://{inbox}", False),
    ):
        print(f"scale {scale:g}: {name} ...", flush=True)
        log = folder / f"{name.replace(', ', '-').replace(' ', '-')}.log"
        figures[name] = measure(run_args(inbox_arg, folder, force), log, env=env, cwd=folder)
        if not force and "already done" not in log.read_text():
            sys.exit(f"benchmark: {name} did not find the month done; see {log}")
        if force:
            record = json.loads((folder / "outputs" / LA / MONTH / "run.json").read_text())
            figures[name]["stages_s"] = round(sum(record["timings"].values()), 2)
            figures[name]["timings"] = record["timings"]
    with prefect_server(folder / ".prefect-server", env) as url:
        print(f"scale {scale:g}: server ...", flush=True)
        figures["server"] = measure(
            run_args(str(inbox), folder, True),
            folder / "server.log",
            env={**env, "PREFECT_API_URL": url},
            cwd=folder,
        )
    record = json.loads((folder / "outputs" / LA / MONTH / "run.json").read_text())
    figures["server"]["stages_s"] = round(sum(record["timings"].values()), 2)
    floor = floor_seconds(inbox / LA / MONTH, repeats)
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "scale": scale,
        "floor_s": round(floor, 3),
        "processes": figures,
        "whole / floor": round(figures["fresh"]["wall_s"] / floor, 1),
        "whole cpu / floor": round(figures["fresh"]["cpu_s"] / floor, 1),
    }


def markdown(report: dict) -> str:
    head = ["scale", "process", "wall s", "CPU s", "peak MB", "stages s", "wall / floor"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in report["results"]:
        for name, f in r["processes"].items():
            stages = f"{f['stages_s']:.2f}" if "stages_s" in f else "-"
            cells = [
                f"{r['scale']:g}",
                name,
                f"{f['wall_s']:.1f}",
                f"{f['cpu_s']:.1f}",
                f"{f['peak_mb']:.0f}",
                stages,
                f"{f['wall_s'] / r['floor_s']:.1f}",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    m = report["machine"]
    lines += [
        "",
        "Floor (fastexcel, every sheet into Arrow, best of 3): "
        + ", ".join(f"scale {r['scale']:g} {r['floor_s']:.2f} s" for r in report["results"])
        + f". {m['cpus']} CPUs, Python {m['python']}, load average {m['load_average']} at the end, "
        f"{report['finished_at']}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "csc-bench")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--repeats", type=int, default=3, help="floor: best of this many reads")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = [bench_scale(s, args.work.resolve(), args.repeats) for s in sorted(args.scales)]
    publish(args.out, "process", markdown, results=results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
