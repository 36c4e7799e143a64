"""What keeps a run from losing data or waiting on the wrong thing (issue 11), as plain functions: a
month folder without an Annex A extract waits for it, a cache entry stays while any run of the month
holds a claim on it, and the load refuses prepared tables that went missing or changed size.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import fingerprint

from csc_report import key_guard, pipeline, prepared_cache, warehouse
from csc_report.errors import DataError, ExtractMissing, PreparedIncomplete
from csc_report.generate import generate_inbox
from csc_report.lock import CacheEntryUse
from csc_report.settings import RunPaths

LA, MONTH = "777", "2024-06"


@pytest.fixture
def paths(tmp_path) -> RunPaths:
    return RunPaths(tmp_path / "inbox", tmp_path / "wh", tmp_path / "out", tmp_path / "key")


def test_folder_with_only_the_workforce_file_awaits_its_extract(paths):
    month_dir = paths.month_dir(LA, MONTH)
    month_dir.mkdir(parents=True)
    empty = rf"no Annex A extract for {LA} {MONTH} yet \(the folder is empty\)"
    with pytest.raises(ExtractMissing, match=empty):
        pipeline.discover(paths, LA, MONTH)
    (month_dir / "workforce.csv").write_text("Team,Post ID\n")
    (month_dir / "commentary.md").write_text("## referrals\n")
    with pytest.raises(ExtractMissing) as caught:
        pipeline.discover(paths, LA, MONTH)
    assert str(caught.value) == (
        f"{month_dir}: no Annex A extract for {LA} {MONTH} yet "
        "(the folder holds only commentary.md, workforce.csv)"
    )
    (month_dir / "list_3.csv").write_text("Child Unique ID\n")
    assert [p.name for p in pipeline.discover(paths, LA, MONTH)] == ["list_3.csv", "workforce.csv"]


def test_cache_entry_goes_only_with_its_last_claim(tmp_path):
    entry = tmp_path / "cache" / f"{LA}-{MONTH}-abc"
    (entry / "tables").mkdir(parents=True)
    first, second = CacheEntryUse(entry), CacheEntryUse(entry)
    assert first.release(delete=lambda: prepared_cache.forget_prepared(entry)) is False
    assert entry.is_dir()  # the second run still needs it
    third = CacheEntryUse(entry)  # a run that starts now claims the same entry
    assert second.release(delete=lambda: prepared_cache.forget_prepared(entry)) is False
    assert third.release(delete=lambda: prepared_cache.forget_prepared(entry)) is True
    assert not entry.exists() and list((tmp_path / "cache").iterdir()) == []
    failed = CacheEntryUse(entry)
    (entry / "tables").mkdir(parents=True)
    assert failed.release() is False and entry.is_dir()  # a failed run keeps it for the retry
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [entry.name]  # and no claims file


def prepared(entry, tables: dict[str, pa.Table]) -> prepared_cache.Prepared:
    (entry / "tables").mkdir(parents=True)
    for list_id, table in tables.items():
        pq.write_table(table, entry / "tables" / f"{list_id}.parquet")
    return prepared_cache.Prepared(
        columns_present={k: t.column_names for k, t in tables.items()},
        issues=[],
        rejected=pa.table({}),
        files=[],
        layout="2019",
        row_counts={k: t.num_rows for k, t in tables.items()},
        timings={},
        prepared_rows={k: t.num_rows for k, t in tables.items()},
    )


@pytest.mark.parametrize("damage", ["deleted", "truncated"])
def test_load_stops_before_its_transaction_when_a_prepared_table_is_not_all_there(paths, tmp_path, damage):
    con = warehouse.connect(paths.warehouse_file(LA))
    warehouse.apply_schema(con)
    con.close()
    before = fingerprint(paths.warehouse_file(LA), exclude=set())
    entry = tmp_path / "cache" / "entry"
    contacts = pa.table({"child_id": ["a", "b"], "contact_date": pa.array([None, None], pa.date32())})
    ready = prepared(entry, {"contacts": contacts, "referrals": contacts.rename_columns(["child_id", "x"])})
    target = entry / "tables" / "referrals.parquet"
    if damage == "deleted":
        target.unlink()
    else:
        pq.write_table(contacts.slice(0, 1), target)
    with pytest.raises(PreparedIncomplete) as caught:
        pipeline.load(paths, LA, MONTH, ready, entry, "load-1")
    found = "missing" if damage == "deleted" else "1 rows"
    assert f"referrals.parquet {found}, 2 prepared" in str(caught.value)
    assert "nothing was loaded" in str(caught.value)
    assert fingerprint(paths.warehouse_file(LA), exclude=set()) == before
    assert not entry.exists()  # the next run reads the extract afresh


@pytest.fixture(scope="module")
def one_month(tmp_path_factory) -> tuple[RunPaths, list]:
    """One small generated month in an inbox, with the files a run of it would prepare."""
    root = tmp_path_factory.mktemp("one-month")
    generate_inbox(root / "inbox", la_code=LA, end=MONTH, months=1, scale=0.1, seed=5)
    paths = RunPaths(root / "inbox", root / "wh", root / "out", root / "key")
    key_guard.ensure_key(paths, LA)  # as the month's start does
    return paths, pipeline.discover(paths, LA, MONTH)


def entry_files(entry) -> dict[str, bytes]:
    return {p.relative_to(entry).as_posix(): p.read_bytes() for p in sorted(entry.rglob("*")) if p.is_file()}


def test_a_prepare_leaves_what_another_run_of_the_month_put_in_the_entry(one_month, tmp_path):
    """Forced runs of one month prepare one cache entry at the same time. GX's Data Docs build deletes
    the pages of a site that it did not make, and a failed prepare used to delete the whole entry: either
    way one run's files vanished under another (FileNotFoundError). Each build is now its own, moved in
    whole; a later run keeps the Data Docs already there and never deletes the entry."""
    paths, files = one_month
    entry = tmp_path / "cache" / f"{LA}-{MONTH}-abc"
    first = pipeline.prepare(files, None, LA, MONTH, paths.key_file, entry)
    before = entry_files(entry)
    pages = [name for name in before if name.startswith("data_docs/validations/")]
    assert pages and "data_docs/index.html" in before
    assert sorted(p.name for p in (entry / "tables").iterdir()) == sorted(
        f"{list_id}.parquet" for list_id in first.prepared_rows
    )
    again = pipeline.prepare(files, None, LA, MONTH, paths.key_file, entry)  # a forced run of the month
    assert again.prepared_rows == first.prepared_rows
    assert entry_files(entry) == before  # same tables, first run's Data Docs pages all still there
    assert sorted(p.name for p in entry.iterdir()) == ["data_docs", "tables"]  # no build folder left

    broken = tmp_path / "annex_a.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(DataError):
        pipeline.prepare([broken], None, LA, MONTH, paths.key_file, entry)
    assert entry_files(entry) == before
    empty = tmp_path / "cache" / "empty-entry"
    with pytest.raises(DataError):
        pipeline.prepare([broken], None, LA, MONTH, paths.key_file, empty)
    assert not empty.exists()  # a run that stopped leaves no entry behind
