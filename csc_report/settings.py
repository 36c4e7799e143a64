"""Where things live: one place for every default path and environment setting.

Paths default relative to the working directory (contract section 5: the warehouse folder `warehouse/`,
one `<la_code>.duckdb` per authority and `region.duckdb` for regional aggregates; outputs `outputs/`).
The pseudonymisation key lives outside the repository and the outputs; Prefect's state lives in a
directory of its own so that nothing writes into a user's real Prefect home.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from csc_report.errors import UsageError


def package_dir(package: str) -> Path:
    """The folder of one of csc-report's packages, through importlib.resources, so that an installed
    wheel finds its SQL, configuration and suites as an editable checkout does."""
    return Path(str(files(package)))


# The packages whose files make the figures: their hash is the code version (csc_report.fingerprints).
CODE_PACKAGES = (
    "csc_report",
    "csc_report.flows",
    "csc_report.transforms",
    "csc_report.sql",
    "csc_report.config",
    "csc_report.expectations",
)
CONFIG_DIR = package_dir("csc_report.config")
SQL_DIR = package_dir("csc_report.sql")
EXPECTATIONS_DIR = package_dir("csc_report.expectations")

DEFAULT_WAREHOUSE = Path("warehouse")
SINGLE_FILE = "csc.duckdb"  # the one-file warehouse of releases before issue 20, split on first use
REGION_FILE = "region.duckdb"
DEFAULT_OUTPUTS = Path("outputs")
DEFAULT_SCHEDULE = Path("schedule.yaml")  # `csc-report serve`'s; the operator's, never the package's
DEMO_DIR = Path("demo")
DEMO_LA = "874"


@dataclass(frozen=True)
class Demo:
    """One of `csc-report demo`'s authorities: where it lives and the months generated for it."""

    folder: Path
    end: str  # the last month, YYYY-MM
    months: int


# `csc-report demo --layout ...`: the seed's authority (18 months to June 2013, initial and core
# assessments), and an authority today (24 months to March 2025, single assessments, the 2024 template).
DEMOS = {"pre2014": Demo(DEMO_DIR, "2013-06", 18), "2024": Demo(Path("demo-2024"), "2025-03", 24)}
DEFAULT_LOCK_TIMEOUT = 600.0  # seconds a run waits for another to finish with the warehouse


def lock_timeout() -> float:
    """How long a run waits for the warehouse: `CSC_REPORT_LOCK_TIMEOUT` seconds, else ten minutes."""
    value = os.environ.get("CSC_REPORT_LOCK_TIMEOUT", str(DEFAULT_LOCK_TIMEOUT))
    try:
        return max(0.0, float(value))
    except ValueError:
        raise UsageError(f"CSC_REPORT_LOCK_TIMEOUT must be a number of seconds, got {value!r}") from None


def default_key_file() -> Path:
    """The keyed-hash secret: `CSC_REPORT_KEY_FILE`, else the user's config directory."""
    env = os.environ.get("CSC_REPORT_KEY_FILE")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return base / "csc-report" / "pseudonym.key"


def default_prefect_home() -> Path:
    """Where Prefect keeps its state for csc-report: one folder per user, not per working directory.

    Prefect's temporary server creates its database on first use, a dozen CPU seconds of migrations:
    kept per user, a run in a new folder (the demo in an empty one, say) pays that once per machine
    rather than every time. It is csc-report's own, so a user's Prefect profile (~/.prefect) is left
    alone.
    """
    base = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
    return base / "csc-report" / "prefect"


def configure_prefect_environment(home: Path | None = None) -> None:
    """Give Prefect a home of its own and enough time to start its ephemeral server on a small machine.

    Only sets what the user has not set: an existing `PREFECT_HOME`, or `PREFECT_API_URL` (a real
    server, so nothing is started), is respected.
    """
    if "PREFECT_HOME" not in os.environ:
        chosen = (home or default_prefect_home()).resolve()
        chosen.mkdir(mode=0o700, parents=True, exist_ok=True)  # Prefect makes only the last folder
        os.environ["PREFECT_HOME"] = str(chosen)
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    _no_proxy_to_this_machine()


PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
THIS_MACHINE = ("127.0.0.1", "localhost")


def _no_proxy_to_this_machine() -> None:
    """Where the environment names a proxy (common on council servers), add this machine to
    `no_proxy`: Prefect's client and the wait for its temporary server would otherwise ask the proxy
    for 127.0.0.1, which it cannot reach, and the run would fail with "Failed to reach API"."""
    if not any(os.environ.get(name) for name in PROXY_VARIABLES):
        return
    for name in ("no_proxy", "NO_PROXY"):
        hosts = [host.strip() for host in os.environ.get(name, "").split(",") if host.strip()]
        os.environ[name] = ",".join(hosts + [host for host in THIS_MACHINE if host not in hosts])


def warehouse_folder(path: Path | str) -> Path:
    """The warehouse folder a `--warehouse` names: a path to a `.duckdb` file (the single-file form of
    earlier releases, still in old schedules and scripts) means the folder it is in."""
    path = Path(path)
    return path.parent if path.suffix == ".duckdb" else path


def authority_file(warehouse: Path | str, la: str) -> Path:
    """An authority's own DuckDB file in the warehouse folder `warehouse`."""
    return warehouse_folder(warehouse) / f"{la}.duckdb"


@dataclass(frozen=True)
class RunPaths:
    """The locations one run reads and writes.

    `warehouse` is a folder holding one DuckDB file per authority (`warehouse_file`), so that each
    authority's rows live apart and each file has its own writer. A path to a `.duckdb` file (the
    single-file form of earlier releases, still in old schedules and scripts) means the folder it is in.
    """

    inbox: Path
    warehouse: Path = DEFAULT_WAREHOUSE
    outputs: Path = DEFAULT_OUTPUTS
    key_file: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "warehouse", warehouse_folder(self.warehouse))

    def absolute(self) -> RunPaths:
        """The same locations as absolute paths from this process's working folder, the key file's
        default resolved here: what region mode sends to workers, which run in folders of their own and
        on other machines, where a relative path or the default key file would mean something else."""

        def whole(path: Path) -> Path:
            return Path(os.path.abspath(Path(path).expanduser()))

        return RunPaths(
            whole(self.inbox), whole(self.warehouse), whole(self.outputs), whole(self.resolved_key_file())
        )

    def warehouse_file(self, la: str) -> Path:
        """The authority's own warehouse file: the only place its rows live, with its own writer lock."""
        return authority_file(self.warehouse, la)

    def region_file(self) -> Path:
        """The regional aggregates, rebuilt from the authorities' published figures (csc_report.region)."""
        return self.warehouse / REGION_FILE

    def month_dir(self, la: str, month: str) -> Path:
        return self.inbox / la / month

    def output_dir(self, la: str, month: str) -> Path:
        return self.outputs / la / month

    def resolved_key_file(self) -> Path:
        return self.key_file or default_key_file()

    def cache_dir(self) -> Path:
        """Pseudonymised, validated extracts of months not yet done, beside the warehouse they feed.

        Kept out of the outputs (which are shared) and out of Prefect's home (which may be a user's);
        safe to delete at any time: the next run reads the extract again.
        """
        return self.warehouse / "cache"
