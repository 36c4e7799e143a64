"""One package, one import root, layers that say who may import what (issue 14).

`lint-imports` (in .ci/run) enforces the contracts of `pyproject.toml`; these tests keep the contracts
honest as modules are added: the "only flows imports Prefect" contract names every module of the package
but the flows and the CLI, so a new module cannot slip past it unlisted.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import csc_report
from csc_report import settings

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_TO_IMPORT_PREFECT = {"csc_report.flows", "csc_report.cli", "csc_report.cli_commands"}
DATA_PACKAGES = {"csc_report.sql", "csc_report.config", "csc_report.expectations"}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_module_is_under_the_prefect_contract():
    contracts = pyproject()["tool"]["importlinter"]["contracts"]
    only_flows = next(c for c in contracts if c["name"].startswith("only flows imports Prefect"))
    # the modules in csc_report/, and the packages mapped in from other folders (flows/, transforms/, ...)
    modules = {f"csc_report.{m.name}" for m in pkgutil.iter_modules(csc_report.__path__)}
    modules |= {p for p in pyproject()["tool"]["setuptools"]["packages"] if p.count(".") == 1}
    expected = modules - ALLOWED_TO_IMPORT_PREFECT - DATA_PACKAGES - {"csc_report.__main__"}
    assert set(only_flows["source_modules"]) == expected


def test_every_package_folder_is_installed():
    """A folder with an __init__.py that pyproject's package list forgets would be missing from a wheel."""
    config = pyproject()["tool"]["setuptools"]
    mapping = config["package-dir"]
    folders = {}
    for package in config["packages"]:
        parent = next(p for p in sorted(mapping, key=len, reverse=True) if package.startswith(p))
        folders[package] = ROOT / mapping[parent] / package.removeprefix(parent).lstrip(".").replace(".", "/")
    found = set()
    for folder in {ROOT / path for path in mapping.values()}:
        for init in folder.rglob("__init__.py"):
            found.add(init.parent.resolve())
    assert found == {path.resolve() for path in folders.values()}


def test_packaged_resources_are_found_through_the_package():
    assert (settings.SQL_DIR / "schema.sql").is_file()
    assert (settings.CONFIG_DIR / "lists.yaml").is_file()
    assert len(list(settings.EXPECTATIONS_DIR.glob("*.json"))) == 12
    for package in settings.CODE_PACKAGES:
        assert any(settings.package_dir(package).iterdir()), package


def test_the_flows_leave_prefects_server_module_unimported():
    """`csc-report run` starts Prefect's temporary server itself (flows/api.py), so that the 4 s of
    importing Prefect's server module are not paid before the server can start (issue 19). A new
    top-level import of it anywhere under the flows would bring that back; a fresh interpreter shows it."""
    probe = (
        "import sys, csc_report.cli, csc_report.flows.monthly, csc_report.flows.api; "
        "print('prefect.server.api.server' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", done.stderr


def test_the_cli_imports_neither_pandas_nor_prefect_nor_gx_before_a_command_needs_them():
    """A month already done is answered from the CLI's own modules (issue 38: well under a second); a
    top-level import of pandas (0.5 s), Prefect or GX in a module the CLI imports would cost every
    command that time."""
    probe = (
        "import sys, csc_report.cli, csc_report.validation.severity; "
        "print(sorted(m for m in ('pandas', 'prefect', 'great_expectations') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_a_configured_server_means_no_temporary_one():
    from csc_report.flows.api import start_temporary_api
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert start_temporary_api() is None


def test_a_temporary_server_that_cannot_start_stops_the_run_with_one_line(monkeypatch):
    """Exited or silent, the server's failure is a PrefectUnavailable (one line, exit 1) that says what
    to change, not a RuntimeError the CLI can only call unexpected."""
    from csc_report.flows.api import TemporaryApi
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings

    from csc_report.errors import PrefectUnavailable

    def server(code: str):
        def spawn(self) -> None:
            self.port = 9  # nothing answers there
            self.process = subprocess.Popen([sys.executable, "-c", code])

        return spawn

    monkeypatch.setattr(TemporaryApi, "_spawn", server("raise SystemExit(1)"))
    with pytest.raises(
        PrefectUnavailable, match=r"exited with status 1 as it started.*PREFECT_API_URL"
    ) as exited:
        TemporaryApi().wait()
    monkeypatch.setattr(TemporaryApi, "_spawn", server("import time; time.sleep(60)"))
    silent = TemporaryApi()
    with temporary_settings({PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 1}):
        with pytest.raises(PrefectUnavailable, match=r"did not answer within 1 s.*STARTUP_TIMEOUT") as late:
            silent.wait()
    silent.stop()
    assert "\n" not in str(exited.value) + str(late.value) and PrefectUnavailable.exit_code == 1
