"""One package, one import root, layers that say who may import what (issue 14).

`lint-imports` (in .ci/run) enforces the contracts of `pyproject.toml`; these tests keep the contracts
honest as modules are added: the "only flows imports Prefect" contract names every module of the package
but the flows and the CLI, so a new module cannot slip past it unlisted.
"""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import csc_report
from csc_report import settings

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_TO_IMPORT_PREFECT = {"csc_report.flows", "csc_report.cli"}
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
