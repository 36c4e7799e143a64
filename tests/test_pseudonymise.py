"""Pseudonymisation: no identifier, worker name, full DOB or full postcode reaches the warehouse."""

from __future__ import annotations

import stat
from datetime import date

import pyarrow as pa
import pytest
from csc_report.transforms.extract import Extract
from csc_report.transforms.pseudonymise import load_or_create_key, pseudonymise

from csc_report import warehouse
from csc_report.errors import UsageError

LA = "874"
KEY = b"k" * 32
PLANTED = {
    "child_id": "CHILD-7731",
    "family_id": "FAM-2210",
    "adopter_id": "ADOPTER-55",
    "post_id": "POST-SW-019",
    "worker": "Janet Planted-Worker",
    "personal_advisor": "Omar Planted-Advisor",
    "dob": date(2011, 3, 17),
    "placement_postcode": "PE1 2AB",
    "child_name": "Ellie Planted-Name",
}


def extract() -> Extract:
    common = {"child_id": PLANTED["child_id"], "dob": PLANTED["dob"], "child_name": PLANTED["child_name"]}
    cla = [
        {**common, "cla_start": date(2024, 1, 2), "worker": PLANTED["worker"], "placement_postcode": pc}
        for pc in (PLANTED["placement_postcode"], "pe12ab", "NOT A POSTCODE", "", None)
    ]
    tables = {
        "cla": cla,
        "care_leavers": [{**common, "personal_advisor": PLANTED["personal_advisor"]}],
        "adoption": [{**common, "family_id": PLANTED["family_id"], "adm_decision": date(2024, 2, 1)}],
        "adopters": [{"adopter_id": PLANTED["adopter_id"], "family_id": PLANTED["family_id"]}],
        "workforce": [{"post_id": PLANTED["post_id"], "team": "North"}],
    }
    arrow = {}
    for name, rows in tables.items():
        table = pa.Table.from_pylist(rows)
        n = table.num_rows
        arrow[name] = table.append_column("source_row", pa.array(range(2, n + 2), pa.int64()))
        arrow[name] = arrow[name].append_column("source_file", pa.array(["a.xlsx"] * n))
        arrow[name] = arrow[name].append_column("source_sheet", pa.array([name] * n))
    return Extract(tables=arrow, columns_present={k: v.column_names for k, v in arrow.items()})


def test_identifiers_become_stable_16_hex_pseudonyms():
    out = pseudonymise(extract(), KEY, LA)
    child = out.tables["cla"].column("child_id").to_pylist()
    assert len(set(child)) == 1 and len(child[0]) == 16 and int(child[0], 16) >= 0
    # same key, another month's extract, messier spelling -> the same pseudonym
    again = extract()
    again.tables["cla"] = again.tables["cla"].set_column(
        0, "child_id", pa.array(["  child-7731 "] * again.tables["cla"].num_rows)
    )
    assert pseudonymise(again, KEY, LA).tables["cla"].column("child_id").to_pylist() == child
    # another key or another LA -> different pseudonyms
    assert pseudonymise(extract(), b"x" * 32, LA).tables["cla"].column("child_id")[0].as_py() != child[0]
    assert pseudonymise(extract(), KEY, "999").tables["cla"].column("child_id")[0].as_py() != child[0]
    # family_id on Lists 10 and 11 is one kind: the same family links
    assert (
        out.tables["adoption"].column("family_id").to_pylist()
        == out.tables["adopters"].column("family_id").to_pylist()
    )


def test_minimisation_of_dob_postcode_and_dropped_columns():
    out = pseudonymise(extract(), KEY, LA)
    cla = out.tables["cla"]
    assert "child_name" not in cla.column_names
    assert set(cla.column("dob").to_pylist()) == {date(2011, 3, 1)}
    assert cla.column("placement_postcode").to_pylist() == ["PE1", "PE1", None, None, None]
    bad = [i for i in out.issues if i.rule == "bad_postcode"]
    assert [(i.file, i.sheet, i.row, i.column) for i in bad] == [("a.xlsx", "cla", 4, "placement_postcode")]
    assert "NOT A POSTCODE" not in bad[0].message
    assert out.tables["workforce"].column("team").to_pylist() == ["North"]
    assert cla.column("source_row").to_pylist() == [2, 3, 4, 5, 6]


def test_nulls_and_blanks_stay_null():
    table = pa.table({"child_id": ["a", None, "  "], "source_row": [2, 3, 4]})
    out = pseudonymise(Extract(tables={"contacts": table}), KEY, LA)
    values = out.tables["contacts"].column("child_id").to_pylist()
    assert values[0] is not None and values[1:] == [None, None]


def test_no_planted_value_survives_in_the_warehouse(tmp_path):
    con = warehouse.connect(tmp_path / "csc.duckdb")
    warehouse.apply_schema(con)
    warehouse.load_snapshot(con, LA, "2024-06", pseudonymise(extract(), KEY, LA), "load-1")
    warehouse.load_snapshot(con, LA, "2024-07", pseudonymise(extract(), KEY, LA), "load-2")

    texts = {v.casefold() for k, v in PLANTED.items() if isinstance(v, str)}
    texts |= {"child-7731", "pe12ab", "pe1 2", "2ab"}
    columns = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND data_type IN ('VARCHAR', 'DATE', 'JSON') "
        "AND table_name != 'calendar'"  # every day 2005-2035, the planted DOB's day included
    ).fetchall()
    assert columns
    for table, column, data_type in columns:
        values = [v for (v,) in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall()]
        if data_type == "DATE":
            assert PLANTED["dob"] not in values, (table, column)
        else:
            found = [t for t in texts for v in values if v is not None and t in str(v).casefold()]
            assert not found, (table, column, found)
    # the same child carries the same pseudonym in both months' snapshots
    assert con.execute(
        "SELECT count(DISTINCT child_id), count(DISTINCT snapshot_month) FROM cla"
    ).fetchall() == [(1, 2)]


def test_key_is_created_once_with_owner_only_permissions(tmp_path):
    path = tmp_path / "config" / "pseudonym.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key


def test_short_key_file_is_refused(tmp_path):
    path = tmp_path / "pseudonym.key"
    path.write_bytes(b"short")
    with pytest.raises(UsageError, match="shorter"):
        load_or_create_key(path)
