"""Where Prefect keeps its state for csc-report: once per user, so a new folder does not pay for a new
database, and never over what the user has set."""

from __future__ import annotations

import os

from csc_report import settings


def test_prefect_home_is_per_user_not_per_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)  # not ./.prefect
    settings.configure_prefect_environment()
    home = tmp_path / "state" / "csc-report" / "prefect"
    assert os.environ["PREFECT_HOME"] == str(home)
    assert home.is_dir(), "made with its parents: Prefect makes only the last folder of its home"


def test_a_prefect_home_the_user_set_is_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "mine"))
    settings.configure_prefect_environment()
    assert os.environ["PREFECT_HOME"] == str(tmp_path / "mine")
