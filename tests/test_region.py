"""Region mode end to end: two authorities prepared on a local Dask cluster of two worker processes,
through the real Prefect engine, must give the same figures as the single-process backfill."""

from __future__ import annotations

import csv

import pytest

from csc_report import warehouse
from csc_report.generate import generate_inbox

LAS = ["874", "875"]
FIRST, LAST = "2013-05", "2013-06"


def indicator_rows(folder) -> list[tuple]:
    rows = []
    for la in LAS:
        con = warehouse.connect(folder / f"{la}.duckdb", read_only=True)
        try:
            rows += con.execute(
                "SELECT * FROM indicator_values ORDER BY la_code, month, indicator_id"
            ).fetchall()
        finally:
            con.close()
    return rows


@pytest.mark.slow
def test_region_on_two_dask_workers_matches_backfill(tmp_path):
    from csc_report.flows.console import run_flow
    from csc_report.flows.monthly import backfill
    from csc_report.flows.region import run_region

    inbox = tmp_path / "inbox"
    for seed, la in enumerate(LAS, 1):
        generate_inbox(inbox, la_code=la, end=LAST, months=2, scale=0.1, seed=seed)
    with (inbox / "reference" / "population.csv").open() as handle:
        assert {row["la_code"] for row in csv.DictReader(handle)} == set(LAS)

    key_file = str(tmp_path / "secret.key")
    region = tmp_path / "region"
    outcomes = run_region(
        workers=2,
        inbox=str(inbox),
        las=None,
        first=FIRST,
        last=LAST,
        warehouse=str(region),
        outputs=str(tmp_path / "region-out"),
        key_file=key_file,
    )
    assert [(o.la_code, o.month, o.status) for o in outcomes] == [
        (la, month, "done") for la in LAS for month in (FIRST, LAST)
    ]

    single = tmp_path / "single"
    for la in LAS:
        run_flow(
            backfill,
            la=la,
            first=FIRST,
            last=LAST,
            inbox=str(inbox),
            warehouse=str(single),
            outputs=str(tmp_path / "single-out"),
            key_file=key_file,
        )
    expected = indicator_rows(single)
    assert {row[0] for row in expected} == set(LAS)
    assert indicator_rows(region) == expected
