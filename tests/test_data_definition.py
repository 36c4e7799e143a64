"""config/lists.yaml is the one definition of the data (issue 14, item 3).

Whatever is not derived from it in code is proved to agree with it here: the warehouse's list tables
(sql/schema.sql) have exactly its stored columns, in order, with the SQL type of their type; every
personal column is pseudonymised or dropped before the warehouse; the history keys and scope dates
name date columns of their list. Drift fails here instead of silently dropping a column.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from csc_report.transforms import pseudonymise as pseudo
from csc_report.transforms.extract import Extract
from csc_report.transforms.specs import _build_lists, _expand_lists, load_lists

from csc_report import catalogue, indicator_catalogue, warehouse
from csc_report.issues import ISSUE_COLUMNS, ISSUE_SCHEMA
from csc_report.validation import gx_engine

SQL_TYPES = {"date": "DATE", "dob": "DATE", "int": "BIGINT", "float": "DOUBLE"}  # else VARCHAR
SPECS = load_lists().lists
KEY = b"k" * 32


def sql_type(column_type: str) -> str:
    return SQL_TYPES.get(column_type, "VARCHAR")


def schema_columns() -> dict[str, list[tuple[str, str]]]:
    con = duckdb.connect()
    con.execute(warehouse.SCHEMA_SQL.read_text(encoding="utf-8"))
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() ORDER BY table_name, column_index"
    ).fetchall()
    con.close()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


@pytest.mark.parametrize("list_id", list(SPECS))
def test_schema_list_table_has_exactly_the_lists_yaml_columns_in_order(list_id):
    table = schema_columns().get(list_id)
    assert table is not None, f"sql/schema.sql has no table {list_id}"
    keys = [
        ("la_code", "VARCHAR"),
        ("snapshot_month", "DATE"),
        ("source_file", "VARCHAR"),
        ("source_sheet", "VARCHAR"),
        ("source_row", "BIGINT"),
        ("seq", "INTEGER"),
    ]
    assert table[: len(keys)] == keys
    expected = [(c.name, sql_type(c.type)) for c in SPECS[list_id].columns.values() if c.stored]
    assert table[len(keys) :] == expected


def test_the_schema_has_no_list_table_lists_yaml_does_not_define():
    looks_like_a_list = {t for t, cols in schema_columns().items() if cols[:2] == [("la_code", "VARCHAR"),
                         ("snapshot_month", "DATE")] and ("seq", "INTEGER") in cols}  # fmt: skip
    assert looks_like_a_list == set(SPECS)


def test_dq_issues_has_the_fields_of_an_issue():
    table = schema_columns()["dq_issues"]
    assert table[:2] == [("la_code", "VARCHAR"), ("snapshot_month", "DATE")]
    assert [c for c, _ in table[2:]] == ISSUE_COLUMNS
    arrow = {"string": "VARCHAR", "int64": "BIGINT"}
    assert [t for _, t in table[2:]] == [arrow[str(f.type)] for f in ISSUE_SCHEMA]


def test_the_catalogue_is_derived_from_lists_yaml():
    assert catalogue.LISTS == tuple(SPECS)
    assert catalogue.LIST_KEYS == {i: s.history_key for i, s in SPECS.items()}
    assert catalogue.canonical_columns() == {i: s.stored_columns for i, s in SPECS.items()}
    assert set(indicator_catalogue.LIST_NAMES) == set(SPECS)  # adoption and adopters included
    assert indicator_catalogue.LIST_NAMES["s47"] == "List 5 (section 47 enquiries)"
    assert indicator_catalogue.LIST_NAMES["adopters"] == "List 11 (adopters)"
    assert indicator_catalogue.LIST_NAMES["workforce"] == "the workforce extract"


def test_identifier_columns_and_pseudonym_namespaces_are_unchanged():
    """A changed namespace would change every pseudonym, and break history across months."""
    assert pseudo.KIND_BY_COLUMN == {
        "child_id": "child",
        "family_id": "family",
        "adopter_id": "adopter",
        "post_id": "post",
        "worker": "worker",
        "personal_advisor": "worker",
    }
    assert gx_engine.ID_COLUMNS == set(pseudo.KIND_BY_COLUMN)


def test_history_keys_and_scope_dates_are_columns_of_their_list():
    for list_id, (key, event) in catalogue.LIST_KEYS.items():
        columns = SPECS[list_id].columns
        assert columns[key].personal == "identifier"
        assert event is None or columns[event].type == "date"
    for list_id, column in catalogue.EVENT_SCOPE.items():
        assert column == catalogue.LIST_KEYS[list_id][1]
    for list_id, (start, end) in catalogue.EPISODE_SCOPE.items():
        assert start == catalogue.LIST_KEYS[list_id][1]
        assert SPECS[list_id].columns[end].type == "date"


def _raw_value(column) -> object:
    return {
        "identifier": "Jane Smith" if column.type == "worker" else "ID-123",
        "dob": date(2010, 5, 17),
        "postcode": "PE1 2AB",
        "name": "Jane Smith",
    }.get(column.personal) or {"date": date(2013, 6, 3), "int": 3, "float": 1.5}.get(column.type, "X")


def _arrow_type(column) -> pa.DataType:
    return {"date": pa.date32(), "dob": pa.date32(), "int": pa.int64(), "float": pa.float64()}.get(
        column.type, pa.string()
    )


def _full_extract(specs) -> Extract:
    """One row per list, every column of lists.yaml filled, plus a column nobody declared."""
    tables = {}
    for list_id, spec in specs.items():
        data = {name: pa.array([_raw_value(c)], _arrow_type(c)) for name, c in spec.columns.items()}
        data |= {"surname": pa.array(["Smith"]), "source_file": pa.array(["f.xlsx"])}
        data |= {"source_sheet": pa.array(["s"]), "source_row": pa.array([2], pa.int64())}
        tables[list_id] = pa.table(data)
    return Extract(tables=tables)


def _assert_minimised(specs, out: Extract) -> None:
    for list_id, spec in specs.items():
        row = out.tables[list_id].to_pylist()[0]
        assert "surname" not in row
        for name, column in spec.columns.items():
            if column.personal == "name":
                assert name not in row, f"{list_id}.{name} is a name: it must be dropped"
            elif column.personal == "identifier":
                assert re.fullmatch(r"[0-9a-f]{16}", row[name]), f"{list_id}.{name} not hashed"
            elif column.personal == "dob":
                assert row[name] == date(2010, 5, 1), f"{list_id}.{name} not coarsened to its month"
            elif column.personal == "postcode":
                assert row[name] == "PE1", f"{list_id}.{name} not cut to its district"
            else:
                assert row[name] == _raw_value(column), f"{list_id}.{name} changed but is not personal"


def test_every_personal_column_is_pseudonymised_or_dropped():
    out = pseudo.pseudonymise(_full_extract(SPECS), KEY, "999")
    _assert_minimised(SPECS, out)
    for list_id, spec in SPECS.items():
        assert set(out.tables[list_id].column_names) == {*spec.stored_columns, *pseudo.SOURCE_COLUMNS}


def _with_extra_column(column: dict) -> dict:
    """lists.yaml's definition with one more column in the adopters list (a name, say)."""
    from csc_report.transforms.specs import LISTS_FILE, _read_yaml

    data = _read_yaml(LISTS_FILE)
    data["lists"]["adopters"]["columns"]["adopter_name"] = column
    return data


def test_a_name_column_is_recognised_but_never_stored(monkeypatch):
    data = _with_extra_column({"type": "text", "personal": "name", "aliases": ["Adopter name"]})
    config = _build_lists(_expand_lists(data, Path("lists.yaml")))
    assert "adopter_name" in config.lists["adopters"].columns
    assert "adopter_name" not in config.lists["adopters"].stored_columns
    monkeypatch.setattr(pseudo, "load_lists", lambda: config)
    _assert_minimised(config.lists, pseudo.pseudonymise(_full_extract(config.lists), KEY, "999"))


@pytest.mark.parametrize(
    ("column", "problem"),
    [
        ({"type": "id"}, "declare personal: identifier"),
        ({"type": "worker", "personal": "name"}, "declare personal: identifier"),
        ({"type": "dob", "personal": "identifier"}, "declare personal: dob"),
        ({"type": "postcode"}, "declare personal: postcode"),
        ({"type": "date", "personal": "dob"}, "not date"),
        ({"type": "code:yn", "personal": "name"}, "type text"),
        ({"type": "text", "personal": "secret"}, "expected one of"),
    ],
)
def test_a_personal_column_must_declare_its_kind(column, problem):
    from csc_report.errors import UsageError

    with pytest.raises(UsageError, match=problem):
        _expand_lists(_with_extra_column(column), Path("lists.yaml"))
