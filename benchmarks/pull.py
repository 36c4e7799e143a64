"""The cost of pulling one month over SFTP, against reading the same files locally (issue 13).

    .venv/bin/python benchmarks/pull.py [--scale 10] [--rounds 3] [--work DIR] [--full]

Generates a one-month inbox (June 2013) with `csc-report generate --scale X --months 1` (kept in
--work and reused), serves it with asyncssh's SFTP server on 127.0.0.1 (the test suite's server,
tests/servers.py) and times, best of --rounds:

- local: what a run on a folder does with its files before reading them: list and hash them
  (csc_report.fingerprints.month_inputs);
- sftp: what `pull-extract` does (csc_report.sources): list the month twice, copy every file into a
  staging folder through a temporary name, hash each copy;
- file: the same pull from a file:// URL, which is the copying without the network.

With --full it also runs `csc-report run` on the folder and on the sftp:// URL, each in a fresh
warehouse, and prints each run's wall time and stage times from run.json.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the SFTP server the tests start

from servers import SftpServer  # noqa: E402

from csc_report import fingerprints, sources  # noqa: E402
from csc_report.settings import RunPaths  # noqa: E402

LA, MONTH = "874", "2013-06"
BIN = Path(sys.executable).parent


def best(rounds: int, fn) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def pull(url: str, secrets: dict, staging: Path) -> None:
    source = sources.Source.parse(url, secrets=secrets)
    shutil.rmtree(staging, ignore_errors=True)
    source.stage(source.arrived(LA, MONTH, 0), staging)


def full_run(inbox: str, work: Path, name: str, env: dict) -> dict:
    out = work / f"run-{name}"
    shutil.rmtree(out, ignore_errors=True)
    args = [str(BIN / "csc-report"), "run", "--inbox", inbox, "--la", LA, "--month", MONTH]
    args += ["--warehouse", str(out / "wh"), "--outputs", str(out / "out")]
    args += ["--key-file", str(work / "bench.key")]
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    record = json.loads((out / "out" / LA / MONTH / "run.json").read_text())
    return {"wall": wall, "timings": record["timings"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="keep the inbox here and reuse it")
    parser.add_argument("--full", action="store_true", help="also time csc-report run both ways")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="csc-pull-"))
    root = work / f"scale-{args.scale:g}"
    inbox = root / "inbox"
    if not (inbox / LA / MONTH).is_dir():
        subprocess.run(
            [
                str(BIN / "csc-report"),
                "generate",
                "--out",
                str(inbox),
                "--months",
                "1",
                "--scale",
                str(args.scale),
            ],
            check=True,
        )
    files = [p for p in inbox.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    server = SftpServer(root)
    try:
        local = best(args.rounds, lambda: fingerprints.month_inputs(RunPaths(inbox), LA, MONTH))
        over_sftp = best(args.rounds, lambda: pull(server.url, server.secret, work / "staging-sftp"))
        over_file = best(args.rounds, lambda: pull(f"file://{inbox}", {}, work / "staging-file"))
        print(f"scale {args.scale:g}: {len(files)} files, {size / 1e6:.1f} MB")
        print(f"  local list + sha256:            {local:6.2f} s")
        print(f"  file:// pull (list, copy, hash): {over_file:6.2f} s")
        print(f"  sftp:// pull (list, copy, hash): {over_sftp:6.2f} s  ({size / 1e6 / over_sftp:.1f} MB/s)")
        if args.full:
            env = {**os.environ, "FSSPEC_SFTP_PASSWORD": server.password}
            for name, where in (("local", str(inbox)), ("sftp", server.url)):
                result = full_run(where, work, name, env)
                stages = ", ".join(f"{k} {v:.1f}" for k, v in result["timings"].items())
                print(f"  csc-report run ({name}): {result['wall']:.1f} s wall; stages: {stages}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
