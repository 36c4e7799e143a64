"""One pseudonymisation key per warehouse (issue 39), through the plain lifecycle (csc_report.month) on
a small generated inbox: the first load records the key's fingerprint; a run with another key, or with
none where the file holds children, stops before reading anything and leaves the warehouse as it was; a
key is created only for a file without rows, and the run says so; a warehouse made before fingerprints
adopts the key only when the month's children prove it; a key is rotated by rebuilding into a fresh
warehouse, which gives the same figures."""

from __future__ import annotations

import logging
import shutil

import pytest
from conftest import fingerprint
from csc_report.transforms.pseudonymise import load_or_create_key, read_key

from csc_report import cli, key_guard, month, warehouse
from csc_report.errors import KeyRefused
from csc_report.generate import generate_inbox
from csc_report.settings import RunPaths

LA = "881"
MONTHS = ["2013-05", "2013-06"]
# Figures only: publishing reads them and is covered elsewhere; here it is a second of each month.
FIGURES_ONLY = month.Stages(publish=lambda *args: ({}, 0.0))


def run(paths: RunPaths, months=MONTHS, force: bool = False, log=month.LOG) -> list[month.MonthOutcome]:
    return list(month.run_in_order(paths, LA, months, force=force, stages=FIGURES_ONLY, log=log))


def figures(paths: RunPaths) -> list[tuple]:
    con = warehouse.connect(paths.warehouse_file(LA), read_only=True)
    try:
        return con.execute(
            "SELECT month, indicator_id, value, numerator, denominator FROM indicator_values ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()


def recorded(paths: RunPaths) -> str | None:
    con = warehouse.connect(paths.warehouse_file(LA), read_only=True)
    try:
        return key_guard.recorded_fingerprint(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> RunPaths:
    """Two months loaded into a fresh warehouse whose key did not exist before the run."""
    root = tmp_path_factory.mktemp("keys")
    generate_inbox(root / "inbox", la_code=LA, end=MONTHS[-1], months=len(MONTHS), scale=0.1, seed=3)
    paths = RunPaths(root / "inbox", root / "wh", root / "out", root / "keys" / "first.key")
    outcomes = run(paths)
    assert [o.status for o in outcomes] == ["done", "done"], outcomes
    return paths


@pytest.fixture
def copy(loaded, tmp_path) -> RunPaths:
    """A copy of the loaded warehouse and outputs, for a test that runs on it."""
    shutil.copytree(loaded.warehouse, tmp_path / "wh")
    shutil.copytree(loaded.outputs, tmp_path / "out")
    return RunPaths(loaded.inbox, tmp_path / "wh", tmp_path / "out", loaded.key_file)


@pytest.mark.slow
def test_the_first_load_records_the_fingerprint_of_the_key_it_created(loaded, tmp_path, caplog):
    key = read_key(loaded.key_file)
    assert recorded(loaded) == key_guard.key_fingerprint(key)
    assert key.hex() not in recorded(loaded)  # a keyed hash of a fixed text, never the key
    # a new key is said, to be backed up; none is created for a file that has rows (next test)
    fresh = RunPaths(loaded.inbox, tmp_path / "wh", tmp_path / "out", tmp_path / "new.key")
    with caplog.at_level(logging.WARNING, logger="csc_report"):
        key_guard.ensure_key(fresh, LA)
    assert f"created a new pseudonymisation key at {tmp_path / 'new.key'}; back it up" in caplog.text


@pytest.mark.slow
@pytest.mark.parametrize("key", ["another", "missing"])
def test_a_run_with_another_key_or_none_stops_before_reading_and_changes_nothing(copy, tmp_path, key):
    other = tmp_path / f"{key}.key"
    if key == "another":
        load_or_create_key(other)
    before = fingerprint(copy.warehouse_file(LA), exclude=set())
    run_json = (copy.output_dir(LA, MONTHS[-1]) / "run.json").read_text()
    read = []
    stages = month.Stages(discover=lambda *args: read.append(args))  # reading starts with discovering
    wrong = RunPaths(copy.inbox, copy.warehouse, copy.outputs, other)
    with pytest.raises(KeyRefused) as caught:
        list(month.run_in_order(wrong, LA, MONTHS, force=True, stages=stages))
    message = str(caught.value)
    assert str(copy.warehouse_file(LA)) in message and str(other) in message
    assert "pseudonyms would not match" in message and "\n" not in message
    assert caught.value.exit_code == 2
    assert read == []
    assert fingerprint(copy.warehouse_file(LA), exclude=set()) == before
    assert (copy.output_dir(LA, MONTHS[-1]) / "run.json").read_text() == run_json
    assert other.exists() == (key == "another")  # no key is made for a file that holds children


@pytest.mark.slow
def test_a_warehouse_without_a_fingerprint_adopts_the_key_its_children_prove(copy, tmp_path):
    con = warehouse.connect(copy.warehouse_file(LA))
    # as made before fingerprints (the next run's schema adds the table, empty, as it adds columns)
    con.execute("DELETE FROM pseudonym_key")
    con.close()
    before = fingerprint(copy.warehouse_file(LA), exclude=set())
    # another key: no child of the month has its pseudonym there, so it is refused at the load
    other = RunPaths(copy.inbox, copy.warehouse, copy.outputs, tmp_path / "other.key")
    load_or_create_key(other.key_file)
    with pytest.raises(KeyRefused, match="cannot be adopted"):
        run(other, MONTHS[-1:], force=True)
    assert fingerprint(copy.warehouse_file(LA), exclude=set()) == before
    # the key that wrote it: the month's children are there under it, so it is adopted and recorded
    assert [o.status for o in run(copy, MONTHS[-1:], force=True)] == ["done"]
    assert recorded(copy) == key_guard.key_fingerprint(read_key(copy.key_file))
    with pytest.raises(KeyRefused, match="written with another pseudonymisation key"):
        run(other, MONTHS[-1:], force=True)


@pytest.mark.slow
def test_a_key_is_rotated_by_rebuilding_into_a_fresh_warehouse_with_the_same_figures(loaded, tmp_path):
    rotated = RunPaths(loaded.inbox, tmp_path / "wh", tmp_path / "out", tmp_path / "rotated.key")
    assert [o.status for o in run(rotated)] == ["done", "done"]
    assert recorded(rotated) == key_guard.key_fingerprint(read_key(rotated.key_file)) != recorded(loaded)
    assert figures(rotated) == figures(loaded)
    con = warehouse.connect(rotated.warehouse_file(LA), read_only=True)
    try:
        con.execute(f"ATTACH '{loaded.warehouse_file(LA)}' AS old (READ_ONLY)")
        shared = con.execute("SELECT count(*) FROM cla JOIN old.cla USING (child_id)").fetchall()[0][0]
    finally:
        con.close()
    assert shared == 0  # every pseudonym is new: the old warehouse cannot be mixed with the new key


@pytest.mark.slow
def test_the_command_with_another_key_exits_2_with_one_line_before_any_engine_starts(copy, tmp_path, capsys):
    other = tmp_path / "other.key"
    load_or_create_key(other)
    before = fingerprint(copy.warehouse_file(LA), exclude=set())
    args = ["run", "--inbox", str(copy.inbox), "--la", LA, "--month", MONTHS[-1], "--warehouse",
            str(copy.warehouse), "--outputs", str(copy.outputs), "--key-file", str(other)]  # fmt: skip
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"csc-report: {copy.warehouse_file(LA)} was written with another pseudonymisation")
    assert err.count("\n") == 1 and "pseudonyms would not match" in err
    assert fingerprint(copy.warehouse_file(LA), exclude=set()) == before
