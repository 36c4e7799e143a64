"""`csc-report export` (issue 36, point 4): long tables over every month the demo's warehouse holds, equal
to what each month published, aggregates only, and the same rows in the warehouse's own views."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import DEMO_LA, DEMO_MONTHS, la_file

from csc_report.cli import main
from csc_report.export import MEASURE_COLUMNS, SUPPRESSED_NOTE
from csc_report.publish.disclosure import SUPPRESSED

pytestmark = pytest.mark.slow
KEY = ["la_code", "month", "measure_id", "breakdown", "category"]


@pytest.fixture(scope="module")
def exported(demo, tmp_path_factory):
    _, params, _ = demo
    out = tmp_path_factory.mktemp("export")
    for fmt in ("csv", "parquet"):
        assert (
            main(["export", "--warehouse", params["warehouse"], "--out", str(out / fmt), "--format", fmt])
            == 0
        )
    return params, out


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        out / "csv" / f"{name}.csv", dtype={"la_code": str, "category": str}, keep_default_na=False
    )


def test_every_headline_value_equals_the_months_indicators_csv(exported):
    params, out = exported
    measures = pd.read_parquet(out / "parquet" / "measures.parquet")
    assert list(measures.columns) == MEASURE_COLUMNS
    headline = measures[measures["breakdown"] == ""]
    assert sorted(headline["month"].unique()) == DEMO_MONTHS
    for month in DEMO_MONTHS:
        published = pd.read_csv(Path(params["outputs"]) / DEMO_LA / month / "indicators.csv")
        mine = headline[headline["month"] == month].set_index("measure_id")
        assert sorted(mine.index) == sorted(published["indicator_id"])
        for column in ("value", "numerator", "denominator"):
            expected = published.set_index("indicator_id")[column].astype(float)
            assert mine[column].reindex(expected.index).equals(expected), (month, column)
        notes = published.set_index("indicator_id")["note"].fillna("")
        assert mine["note"].fillna("").reindex(notes.index).equals(notes)
    # the CSV holds the same rows as the Parquet file
    assert len(read(out, "measures")) == len(measures)


def test_every_breakdown_cell_equals_the_published_table_suppression_included(exported):
    params, out = exported
    measures = pd.read_parquet(out / "parquet" / "measures.parquet")
    cells = measures[measures["breakdown"] != ""]
    assert len(cells) and cells["note"].eq(SUPPRESSED_NOTE).any()  # the demo has small counts
    checked = 0
    for (month, measure_id), rows in cells.groupby(["month", "measure_id"]):
        table_id, column = measure_id.split(".")
        table = pd.read_csv(Path(params["outputs"]) / DEMO_LA / month / "tables" / f"{table_id}.csv",
                            dtype=str, keep_default_na=False)  # fmt: skip
        key = rows["breakdown"].iloc[0]
        published = table[column].tolist()
        assert rows["category"].tolist() == table[key].tolist(), measure_id
        mine = [SUPPRESSED if note == SUPPRESSED_NOTE else ("" if pd.isna(v) else v)
                for v, note in zip(rows["value"], rows["note"], strict=True)]  # fmt: skip
        theirs = [v if v in (SUPPRESSED, "") else float(v) for v in published]
        assert mine == theirs, measure_id
        checked += 1
    assert checked > 10


def test_aggregates_only_owner_only_and_the_warehouse_views_agree(exported):
    params, out = exported
    measures = pd.read_parquet(out / "parquet" / "measures.parquet")
    # no child-level row: one row per (authority, month, measure, category), nothing else
    assert not measures.duplicated(KEY).any()
    definitions = read(out, "measure_definitions")
    assert set(measures["measure_id"]) <= set(definitions["id"])
    for path in (out / "csv").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    benchmarks = pd.read_parquet(out / "parquet" / "benchmarks.parquet")
    own = benchmarks[(benchmarks["area_code"] == DEMO_LA) & benchmarks["rank"].notna()]
    assert len(own) and own["quartile"].isin(list("ABCD")).all()
    assert DEMO_LA in set(read(out, "areas")["la_code"])
    con = duckdb.connect(str(la_file(params)), read_only=True)
    try:
        view = con.execute("SELECT * FROM export_measures").df()[MEASURE_COLUMNS]
    finally:
        con.close()
    both = measures.merge(view, on=KEY, suffixes=("", "_view"), validate="one_to_one")
    assert len(both) == len(measures) == len(view)
    assert both["value"].fillna(-1).equals(both["value_view"].fillna(-1))


def test_an_unknown_authority_is_a_usage_error(exported, tmp_path, capsys):
    params, _ = exported
    assert main(["export", "--warehouse", params["warehouse"], "--out", str(tmp_path), "--la", "999"]) == 2
    assert "no warehouse file for 999" in capsys.readouterr().err
