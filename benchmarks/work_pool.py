"""The region's other distributed option, measured: flow runs on a Prefect process work pool.

Issue 7 asks to measure both a Dask task runner (`csc-report region`, see README) and a work pool served
by several process workers, and to choose. This harness starts a real Prefect server on a free local
port with its own home, creates a process work pool, starts N workers that each run one flow run at a
time, deploys the monthly flow from this checkout, and runs every (authority, month) of an inbox as a
flow run: all authorities' first month, then all their second month, and so on (history needs an
authority's months in order; the writer lock serialises the loads). It prints the wall time and stops
everything it started.

    .venv/bin/python benchmarks/work_pool.py --inbox DIR --from YYYY-MM --to YYYY-MM [--workers 1 2]

Not part of the test suite; the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFECT = Path(sys.executable).with_name("prefect")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(api: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"Prefect server at {api} did not become healthy in {seconds:.0f} s")


async def wait_final(flow_run_ids) -> list[str]:
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        while True:
            states = [(await client.read_flow_run(i)).state for i in flow_run_ids]
            if all(s.is_final() for s in states):
                return [s.type.value for s in states]
            await asyncio.sleep(0.5)


def run_units(inbox: Path, las: list[str], months: list[str], work: Path, tag: str) -> float:
    """Deploy the monthly flow and run every unit month by month; seconds from first submit to last end."""
    from prefect import flow
    from prefect.deployments import run_deployment

    flow.from_source(source=str(ROOT), entrypoint="flows/monthly.py:monthly_report").deploy(
        name=f"bench-{tag}", work_pool_name="bench", build=False, push=False, print_next_steps=False
    )
    key = work / "pseudonym.key"
    started = time.perf_counter()
    for month in months:
        runs = [
            run_deployment(
                f"monthly-report/bench-{tag}",
                timeout=0,
                parameters=dict(
                    la=la,
                    inbox=str(inbox),
                    month=month,
                    warehouse=str(work / tag),
                    outputs=str(work / tag / "out"),
                    key_file=str(key),
                    force=True,
                ),
            )
            for la in las
        ]
        states = asyncio.run(wait_final([r.id for r in runs]))
        if set(states) != {"COMPLETED"}:
            raise SystemExit(f"{tag}: {month} ended {states}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    from csc_report.months import months_between

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox", type=Path, required=True)
    parser.add_argument("--from", dest="first", required=True)
    parser.add_argument("--to", dest="last", required=True)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    inbox = args.inbox.resolve()
    las = sorted(p.name for p in inbox.iterdir() if p.is_dir() and p.name != "reference")
    months = months_between(args.first, args.last)

    with tempfile.TemporaryDirectory(prefix="csc-work-pool-") as tmp:
        work = Path(tmp)
        api = f"http://127.0.0.1:{free_port()}/api"
        env = {
            **os.environ,
            "PREFECT_HOME": str(work / "prefect"),
            "PREFECT_API_URL": api,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        os.environ.update(env)
        port = api.split(":")[2].split("/")[0]
        started = [
            subprocess.Popen(
                [str(PREFECT), "server", "start", "--port", port],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        ]
        try:
            wait_healthy(api)
            subprocess.run(
                [str(PREFECT), "work-pool", "create", "bench", "--type", "process"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            workers = 0
            for target in sorted(args.workers):
                while workers < target:
                    workers += 1
                    started.append(
                        subprocess.Popen(
                            [
                                str(PREFECT),
                                "worker",
                                "start",
                                "--pool",
                                "bench",
                                "--limit",
                                "1",
                                "--name",
                                f"w{workers}",
                            ],
                            env=env,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                        )
                    )
                time.sleep(5)  # let the new worker poll once
                seconds = run_units(inbox, las, months, work, f"w{target}")
                print(
                    f"{target} worker(s): {len(las)} authorities x {len(months)} months in {seconds:.1f} s",
                    flush=True,
                )
        finally:
            for process in reversed(started):
                process.terminate()
            for process in started:
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
