"""Settings that fail loudly: the schedule file of `csc-report serve` (a missing file, an unknown key, a
bad number, a secret), the demo's schedule, owner-only modes and the umask setting. Plain functions,
and the CLI's `main` in this process (each case stops before any Prefect engine starts)."""

from __future__ import annotations

import os
import stat

import pytest
import yaml

from csc_report import permissions
from csc_report.cli import main
from csc_report.errors import UsageError
from csc_report.schedule import demo_text, load


def write(path, authorities) -> None:
    path.write_text(yaml.safe_dump({"authorities": authorities}))


def test_serve_without_a_schedule_file_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["serve"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("csc-report: schedule.yaml: no schedule file; ")
    assert main(["serve", "--schedule", "elsewhere.yaml"]) == 2
    assert "elsewhere.yaml: no schedule file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"grace_workingdays": 3}, "authority 1 (874): unknown key 'grace_workingdays'; the keys are "),
        ({"check_interval": "6h"}, "check_interval must be a number, 0 or more, got '6h'"),
        ({"due_working_days": -1}, "due_working_days must be a number, 0 or more, got -1"),
        ({"inbox_options": {"password": "hunter2"}}, "option 'password' is a secret"),
        ({"notify": "secret/csc-teams"}, "notify: expected a list of Prefect blocks"),
    ],
)
def test_a_schedule_entry_nobody_would_read_stops_serve(tmp_path, capsys, entry, message):
    schedule = tmp_path / "schedule.yaml"
    write(schedule, [{"la": "874", "inbox": str(tmp_path / "inbox"), **entry}])
    with pytest.raises(UsageError) as caught:
        load(schedule)
    assert message in str(caught.value) and "hunter2" not in str(caught.value)
    assert main(["serve", "--schedule", str(schedule)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_schedule_with_a_key_beside_authorities_or_bad_yaml_stops_serve(tmp_path):
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text("authorities: []\nauthority: {}\n")
    with pytest.raises(UsageError, match="expected only an 'authorities' list; unknown key 'authority'"):
        load(schedule)
    schedule.write_text("authorities:\n  - la: 874\n   inbox: x\n")
    with pytest.raises(UsageError, match=r"not valid YAML \(line 3\)"):
        load(schedule)


def test_the_demo_writes_a_schedule_that_serve_reads(tmp_path):
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(demo_text(tmp_path / "demo"))
    [entry] = load(schedule)
    assert entry["la"] == "874" and entry["inbox"] == str((tmp_path / "demo" / "inbox").resolve())
    assert entry["cron"] == "0 6 3 * *"


def test_files_and_folders_are_created_owner_only_and_copies_do_not_keep_modes(tmp_path, monkeypatch):
    monkeypatch.delenv(permissions.ENV, raising=False)
    previous = os.umask(0o022)
    try:
        assert permissions.restrict() == 0o077
        source = tmp_path / "assets"
        (source / "css").mkdir(parents=True)
        (source / "css" / "a.css").write_text("a")
        (source / "README.md").write_text("skip")
        for path in (source, source / "css", source / "css" / "a.css"):
            path.chmod(0o755 if path.is_dir() else 0o644)  # as an installed package's files are
        permissions.copy_tree(source, tmp_path / "site", skip_suffixes=(".md",))
        modes = {p.relative_to(tmp_path / "site").as_posix(): stat.S_IMODE(p.stat().st_mode)
                 for p in (tmp_path / "site").rglob("*")}  # fmt: skip
        assert modes == {"css": 0o700, "css/a.css": 0o600}

        monkeypatch.setenv(permissions.ENV, "027")
        assert permissions.restrict() == 0o027
        for bad in ("002", "77x", "1000"):
            monkeypatch.setenv(permissions.ENV, bad)
            with pytest.raises(UsageError, match=permissions.ENV):
                permissions.restrict()
    finally:
        os.umask(previous)
