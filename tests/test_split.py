"""The one-file warehouse of earlier releases is split into one file per authority on first use, and every
snapshot, run record and figure survives: each authority's new file is table for table what a warehouse
of that authority alone holds, and a month done before the split is still done after it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import fingerprint

from csc_report import month, split, warehouse
from csc_report.errors import UsageError
from csc_report.generate import generate_inbox
from csc_report.settings import SINGLE_FILE, RunPaths

LAS = ["871", "874"]
MONTHS = ["2013-05", "2013-06"]


@pytest.fixture(scope="module")
def per_authority(tmp_path_factory) -> RunPaths:
    """Two authorities of two months each, run through the plain lifecycle into their own files."""
    root = tmp_path_factory.mktemp("split")
    for seed, la in enumerate(LAS, 1):
        generate_inbox(root / "inbox", la_code=la, end=MONTHS[-1], months=len(MONTHS), scale=0.1, seed=seed)
    paths = RunPaths(root / "inbox", root / "wh", root / "out", root / "secret.key")
    for la in LAS:
        for m in MONTHS:
            assert month.run_month(paths, la, m).status == "done"
    return paths


def single_file_of(paths: RunPaths, folder) -> RunPaths:
    """The same warehouse in the one-file form of earlier releases: every authority's rows in
    `<folder>/csc.duckdb`, the reference tables once, the outputs beside it."""
    folder.mkdir()
    con = warehouse.connect(folder / SINGLE_FILE)
    try:
        warehouse.apply_schema(con)
        for n, la in enumerate(LAS):
            con.execute(f"ATTACH '{paths.warehouse_file(la)}' AS a (READ_ONLY)")
            # the schema's tables and those a run makes beside them (export_*: csc_report.export)
            tables = [t for (t,) in con.execute("SELECT DISTINCT table_name FROM duckdb_tables()").fetchall()]
            for table in tables:
                con.execute(f'CREATE TABLE IF NOT EXISTS main."{table}" AS FROM a."{table}" LIMIT 0')
                keyed = (
                    table not in split.SHARED_TABLES
                    and con.execute(
                        "SELECT count(*) FROM duckdb_columns() "
                        "WHERE table_name = ? AND column_name = 'la_code'",
                        [table],
                    ).fetchall()[0][0]
                )
                if keyed or n == 0:
                    con.execute(
                        f'DELETE FROM main."{table}" WHERE {"la_code = $la" if keyed else "true"}',
                        {"la": la} if keyed else None,
                    )
                    con.execute(f'INSERT INTO main."{table}" BY NAME SELECT * FROM a."{table}"')
            con.execute("DETACH a")
    finally:
        con.close()
    outputs = folder.parent / "out"
    shutil.copytree(paths.outputs, outputs)
    return RunPaths(paths.inbox, folder, outputs, paths.key_file)


@pytest.mark.slow  # a backfill of several months in its fixture
def test_split_keeps_every_snapshot_run_record_and_figure(per_authority, tmp_path):
    old = single_file_of(per_authority, tmp_path / "wh")
    written = split.split_single_file(old.warehouse)
    assert sorted(p.name for p in written) == [f"{la}.duckdb" for la in LAS]
    for la in LAS:
        assert fingerprint(old.warehouse_file(la), exclude=set()) == fingerprint(
            per_authority.warehouse_file(la), exclude=set()
        )
    assert not (old.warehouse / SINGLE_FILE).exists()
    assert (old.warehouse / f"{SINGLE_FILE}.split").is_file()  # kept until the user deletes it
    assert split.split_single_file(old.warehouse) == []  # once only


@pytest.mark.slow  # a backfill of several months in its fixture
def test_first_run_on_a_single_file_warehouse_splits_it_and_finds_its_months_done(per_authority, tmp_path):
    old = single_file_of(per_authority, tmp_path / "wh")
    for la in LAS:
        outcome = month.run_month(old, la, MONTHS[-1])
        assert outcome.status == "skipped" and "already done" in outcome.message
    assert sorted(p.name for p in old.warehouse.glob("*.duckdb")) == [f"{la}.duckdb" for la in LAS]


@pytest.mark.slow  # a backfill of several months in its fixture
def test_split_refuses_when_an_authority_file_is_already_there(per_authority, tmp_path):
    old = single_file_of(per_authority, tmp_path / "wh")
    shutil.copy(per_authority.warehouse_file(LAS[1]), old.warehouse_file(LAS[1]))
    with pytest.raises(UsageError, match=f"{LAS[1]}.duckdb exists beside it"):
        split.split_single_file(old.warehouse)
    assert (old.warehouse / SINGLE_FILE).is_file()  # nothing renamed: the run can be repeated once moved


def test_a_path_to_a_duckdb_file_means_its_folder():
    paths = RunPaths(Path("inbox"), Path("data/warehouse/csc.duckdb"))
    assert paths.warehouse_file("874").as_posix() == "data/warehouse/874.duckdb"
    assert paths.cache_dir().as_posix() == "data/warehouse/cache"
