"""Shared fixtures. Tests that need ../shared (the reference samples) skip, saying why, where it is absent.

The end-to-end modules share one small demo inbox, backfilled once per session through the real
Prefect engine (`demo`), and the tests that run `csc-report` in other processes share one real Prefect
server (`prefect_server`), started as soon as collection shows a test needs it so that it boots while
earlier tests run.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import fastexcel
import pandas as pd
import pytest
from servers import free_port, stop_process

from csc_report import collector

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "reference" / "samples"
BIN = Path(sys.executable).parent

DEMO_LA = "874"
DEMO_MONTHS = ["2013-04", "2013-05", "2013-06"]
AUDIT_TABLES = {"loads", "runs", "run_inputs", "snapshots"}  # ids and times differ by construction


@pytest.fixture
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"../shared is absent ({SAMPLES} not found): samples ship beside the project, not in it")
    return SAMPLES


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED} not found)")
    return SHARED


def migrated_prefect_home() -> Path:
    """A Prefect home whose database is already migrated, made once per Prefect version on this machine
    (about 13 CPU s of migrations) and kept in the temporary folder, so that every later session's homes
    start from a copy of it rather than creating and migrating a database each."""
    version = importlib.metadata.version("prefect")
    template = Path(tempfile.gettempdir()) / f"csc-report-prefect-home-{version}"
    if not (template / "prefect.db").is_file():
        building = Path(tempfile.mkdtemp(prefix="csc-report-prefect-home-"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        subprocess.run(
            [str(BIN / "prefect"), "server", "database", "upgrade", "-y"],
            env={**env, "PREFECT_HOME": str(building)}, check=True, capture_output=True,
        )  # fmt: skip
        with contextlib.suppress(OSError):  # another session made it meanwhile: theirs is as good
            building.rename(template)
    return template


def fresh_prefect_home(prefix: str) -> Path:
    """A new Prefect home of its own, a copy of the migrated one."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    shutil.copytree(migrated_prefect_home(), home, dirs_exist_ok=True)
    return home


def pytest_configure(config):
    """Prefect state for the test session goes to a temporary home, never the user's; under pytest-xdist
    (`-n 2`) each worker gets its own, so two temporary servers never migrate one database at once. Each
    starts as a copy of an already-migrated home (the controller makes it before the workers start)."""
    if "PREFECT_HOME" not in os.environ or os.environ.get("PYTEST_XDIST_WORKER"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        os.environ["PREFECT_HOME"] = str(fresh_prefect_home(f"csc-report-prefect-{worker}-"))
    # before anything imports Prefect: its temporary server boots slowly on a busy 2-core machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    collector.collect_less_often()  # the workers run months in-process, as a run's process does


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """A small inbox (three overlapping monthly snapshots), backfilled once through the real flow."""
    from csc_report.flows.console import run_flow
    from csc_report.flows.monthly import backfill

    from csc_report.generate import generate_inbox

    root = tmp_path_factory.mktemp("e2e")
    inbox = root / "inbox"
    generate_inbox(inbox, la_code=DEMO_LA, end=DEMO_MONTHS[-1], months=len(DEMO_MONTHS), scale=0.3, seed=7)
    params = dict(
        la=DEMO_LA,
        inbox=str(inbox),
        warehouse=str(root / "wh"),
        outputs=str(root / "out"),
        key_file=str(root / "secret.key"),
    )
    outcomes = run_flow(backfill, first=DEMO_MONTHS[0], last=DEMO_MONTHS[-1], **params)
    return root, params, outcomes


def la_file(params: dict) -> Path:
    """The authority's own file in the warehouse folder of a flow's parameters."""
    return Path(params["warehouse"]) / f"{params['la']}.duckdb"


def fingerprint(path: str | Path, exclude: set[str] = AUDIT_TABLES) -> dict[str, str]:
    """Table -> content hash of a warehouse file (csc_report.warehouse.table_fingerprint)."""
    from csc_report import warehouse

    con = warehouse.connect(Path(path), read_only=True)
    try:
        return {k: v for k, v in warehouse.table_fingerprint(con).items() if k not in exclude}
    finally:
        con.close()


def fingerprint_before(path: str | Path, month: str) -> dict[str, str]:
    """The fingerprint of what came before `month`: a copy of the warehouse with the rows and results of
    that month and later deleted. A failed or partial run of `month` must leave it unchanged."""
    from csc_report import warehouse

    copy = Path(path).with_name(f"before-{time.perf_counter_ns()}.duckdb")
    shutil.copy(path, copy)
    try:
        con = warehouse.connect(copy)
        try:
            for table, column in con.execute(
                "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' "
                "AND column_name IN ('snapshot_month', 'month') AND data_type = 'DATE'"
            ).fetchall():
                con.execute(f'DELETE FROM "{table}" WHERE "{column}" >= DATE \'{month}-01\'')
        finally:
            con.close()
        return fingerprint(copy)
    finally:
        copy.unlink()


def planted_values(inbox: Path) -> tuple[set[str], set[str]]:
    """Raw identifiers, worker names and postcodes; and full dates of birth, as they stand in the extracts.

    Dates of birth on the first of a month are left out (the warehouse keeps exactly that date), and so
    are those of babies born within the report's window, whose dates stand in the report as week starts.
    """
    values: set[str] = set()
    births: set[str] = set()
    for workbook in (inbox / DEMO_LA).rglob("annex_a*.xlsx"):
        reader = fastexcel.read_excel(workbook)
        for sheet in ("List_3", "List_8"):
            table = reader.load_sheet(sheet, header_row=1).to_pandas()
            for column in table.columns:
                name = str(column).lower()
                if "child unique id" in name or "worker" in name or "postcode" in name:
                    values |= {str(v).strip() for v in table[column].dropna() if len(str(v).strip()) > 4}
                if "date of birth" in name:
                    dates = pd.to_datetime(table[column], errors="coerce").dropna()
                    births |= {d.strftime("%Y-%m-%d") for d in dates if d.day > 1 and d.year < 2012}
    values = {v.removesuffix(".0") for v in values}
    return {v for v in values if not v.startswith("#")}, births


def found_in(values: set[str], text: str) -> set[str]:
    """The values that stand in `text` as whole tokens. A substring test is not enough: a short
    numeric identifier turns up inside some 16-hex pseudonym by chance (one key in a few)."""
    if not values:
        return set()
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return set(re.findall(rf"(?<![0-9A-Za-z])(?:{alternatives})(?![0-9A-Za-z])", text))


# --- a real Prefect server for tests that run csc-report in other processes ---------------------------


class PrefectServer:
    """`prefect server start` on a free localhost port with a home of its own."""

    def __init__(self):
        self.home = fresh_prefect_home("csc-report-prefect-server-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(PREFECT_HOME=str(self.home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
        self.log = (self.home / "server.log").open("wb")
        self.process = subprocess.Popen(
            [
                str(BIN / "prefect"),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-ui",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        return self.url
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"Prefect server not healthy; see {self.home / 'server.log'}")

    def client_env(self, home: Path) -> dict[str, str]:
        """Environment for a process that runs flows against this server."""
        return {**os.environ, "PREFECT_API_URL": self.url, "PREFECT_HOME": str(home)}

    def stop(self) -> None:
        stop_process(self.process, self.log)


_server: PrefectServer | None = None


# Session fixtures that cost a backfill or a server: under pytest-xdist with `--dist loadgroup`, every test
# that uses one runs on the same worker, so each is built once per session, not once per worker; every
# other test stays with its file, so a module's fixtures are built once too.
SHARED_FIXTURES = ("prefect_server", "demo")


# The longest test file, first: under pytest-xdist (`--no-loadscope-reorder` in pyproject.toml keeps
# this order) it starts at once on one worker while the other takes the rest, rather than last, alone.
LONGEST_FIRST = "test_region.py"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook, which reads the groups marked here
def pytest_collection_modifyitems(config, items):
    """Start the server at once if any selected test needs it: it boots while other tests run. Under
    pytest-xdist only the worker that runs those tests (their group) starts it, when it first needs it."""
    global _server
    items.sort(key=lambda item: item.path.name != LONGEST_FIRST)  # stable: every other file keeps its order
    for item in items:
        names = getattr(item, "fixturenames", ())
        shared = any(name in names for name in SHARED_FIXTURES)
        item.add_marker(pytest.mark.xdist_group("shared-fixtures" if shared else item.nodeid.split("::")[0]))
        if shared:  # a session backfill or a real server: never in the quick tier (-m "not slow")
            item.add_marker(pytest.mark.slow)
    needed = any("prefect_server" in getattr(item, "fixturenames", ()) for item in items)
    if needed and not os.environ.get("PYTEST_XDIST_WORKER"):
        _server = PrefectServer()


def pytest_xdist_node_collection_finished(node, ids):
    """Stop if pytest-xdist did not take the groups above: every test would then be scheduled on its own,
    and each worker would build the same module and session fixtures again. pytest 9.2 made that happen
    silently (xdist 3.8 names a group by rewriting `item._nodeid`, which pytest 9.2 no longer reads), and
    the suite ran that way from the first lock of versions; `constraints.txt` pins pytest 9.1.1 for it."""
    if node.config.getvalue("dist") == "loadgroup" and any("@" not in nodeid for nodeid in ids):
        raise pytest.UsageError(
            f"pytest-xdist did not group the tests (--dist loadgroup) under pytest {pytest.__version__}: "
            "each worker would build the shared fixtures again; install the versions in constraints.txt"
        )


def pytest_sessionfinish(session, exitstatus):
    if _server is not None:
        _server.stop()


@pytest.fixture(scope="session")
def prefect_server() -> PrefectServer:
    global _server
    if _server is None:  # a pytest-xdist worker: started here, on the one worker that needs it
        _server = PrefectServer()
    _server.wait_healthy()
    return _server
