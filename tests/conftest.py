"""Shared fixtures. Tests that need ../shared (the reference samples) skip, saying why, where it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "reference" / "samples"


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


def pytest_configure(config):
    """Prefect state for the test session goes to a temporary home, never the user's."""
    import os
    import tempfile

    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="csc-report-prefect-"))
