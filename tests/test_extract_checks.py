"""Issue 34's checks on hand-built extracts: an empty template stops, repeated rows count once, dates that
cannot be are warned of. Counts are worked out by hand in the comments."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pytest
from csc_report.transforms.extract import Extract, SourceFile
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validation import ASAT, D, child, table

from csc_report.errors import DataError
from csc_report.validation import gx_engine, validate_extract
from csc_report.validation.duplicates import _drop, merge_duplicates
from csc_report.validation.impossible_dates import impossible_dates


@pytest.fixture(scope="module", autouse=True)
def gx_context():
    return gx_engine.context()


def referral(child_id: str, day: str, source: str = "1A", **extra) -> dict:
    return child(child_id, referral_date=D(day), referral_source=source, **extra)


def by_rule(issues, rule: str) -> list[tuple[int | None, str]]:
    return [(i.row, i.message) for i in issues if i.rule == rule]


# --- an empty extract -----------------------------------------------------------------------------------


def test_a_template_without_data_rows_stops_naming_the_file():
    # every list of the template is there with its headers and no row: 0 rows in all, one error
    empty = {
        lid: table([referral("C1", "2024-05-01")]).slice(0, 0) for lid in ("contacts", "referrals", "cla")
    }
    files = [SourceFile("/inbox/335/2024-06/annex_a.xlsx", "annex_a.xlsx", "", "xlsx")]
    result = validate_extract(Extract(tables=empty, files=files), ASAT)
    assert [(i.file, i.rule, i.severity, i.message) for i in result.errors] == [
        ("annex_a.xlsx", "no_data_rows", "error", "no data rows in any list")
    ]
    with pytest.raises(DataError, match=r"^annex_a\.xlsx.*no data rows in any list"):
        result.raise_for_errors()


def test_workforce_rows_do_not_make_an_empty_template_an_extract():
    # the workforce file has a row, the Annex A lists none: still empty; the workforce file alone is not
    tables = {
        "referrals": table([referral("C1", "2024-05-01")]).slice(0, 0),
        "workforce": table([{"team": "A"}]),
    }
    assert validate_extract(Extract(tables=tables), ASAT).errors[0].rule == "no_data_rows"
    del tables["referrals"]
    assert "no_data_rows" not in {i.rule for i in validate_extract(Extract(tables=tables), ASAT).issues}


def test_one_row_in_one_list_is_not_empty():
    result = validate_extract(Extract(tables={"referrals": table([referral("C1", "2024-05-01")])}), ASAT)
    assert not [i for i in result.issues if i.rule == "no_data_rows"]


# --- repeated rows --------------------------------------------------------------------------------------


def test_exact_repeats_count_once_on_every_list():
    # rows 3 and 4 are row 2's twins in every column: 5 rows, 3 records (rows 2, 5 and 6); each repeat
    # names the row kept. Row 6 differs from row 2 in its source only: on List 1 another contact.
    rows = [
        child("C1", contact_date=D("2024-05-02"), contact_source="1A"),  # row 2
        child("C1", contact_date=D("2024-05-02"), contact_source="1A"),  # row 3 = row 2
        child("C1", contact_date=D("2024-05-02"), contact_source="1A"),  # row 4 = row 2
        child("C2", contact_date=D("2024-05-02"), contact_source="1A"),  # row 5
        child("C1", contact_date=D("2024-05-02"), contact_source="2A"),  # row 6
    ]
    tables, issues = merge_duplicates({"contacts": table(rows)})
    assert tables["contacts"]["source_row"].to_pylist() == [2, 5, 6]
    assert by_rule(issues, "exact_duplicate_row") == [
        (3, "repeats row 2 exactly; counted once"),
        (4, "repeats row 2 exactly; counted once"),
    ]
    assert {i.severity for i in issues} == {"warning"}


def test_a_referral_entered_twice_is_one_referral_the_first_row_kept():
    # List 3: C1 on 1 May three times (rows 2, 3, 4: row 3 a different source, row 4 an exact repeat of row 2)
    # and C2 on 1 May once: 2 referrals. Row 4 is an exact repeat (of row 2); row 3 the same event as row 2.
    rows = [
        referral("C1", "2024-05-01", "1A"),
        referral("C1", "2024-05-01", "2A"),
        referral("C1", "2024-05-01", "1A"),
        referral("C2", "2024-05-01", "1A"),
    ]
    result = validate_extract(Extract(tables={"referrals": table(rows, sheet="List_3")}), ASAT)
    assert result.extract.tables["referrals"]["source_row"].to_pylist() == [2, 5]
    assert by_rule(result.issues, "exact_duplicate_row") == [(4, "repeats row 2 exactly; counted once")]
    assert by_rule(result.issues, "same_event_merged") == [
        (3, "same child and date as row 2: one event, counted once (row 2 kept)")
    ]
    # the same-key check of the suite has nothing left to find
    assert not by_rule(result.issues, "duplicate_natural_key")


def test_s47s_merge_on_child_and_strategy_date_but_an_empty_key_is_left_to_validation():
    # List 5: C1 twice on 3 May (rows 2, 3: one S47), C1 on 4 May (row 4: another), two rows without a child
    # (rows 5, 6, differing in their date: neither merged, both rejected by child_id_present)
    rows = [
        child("C1", s47_start=D("2024-05-03"), icpc_to_cp="Y"),
        child("C1", s47_start=D("2024-05-03"), icpc_to_cp="N"),
        child("C1", s47_start=D("2024-05-04")),
        child(None, s47_start=D("2024-05-03")),
        child(None, s47_start=D("2024-05-04")),
    ]
    tables, issues = merge_duplicates({"s47": table(rows)})
    assert tables["s47"]["source_row"].to_pylist() == [2, 4, 5, 6]
    assert [i.row for i in issues] == [3]


def test_children_in_need_rows_sharing_a_key_are_not_merged():
    # List 6 keeps its own one-row-per-child check: two different rows of one child both stay
    rows = [child("C1", cin_start=D("2024-01-01"), primary_need="N1"), child("C1", cin_start=D("2024-01-01"))]
    tables, issues = merge_duplicates({"cin": table(rows)})
    assert tables["cin"].num_rows == 2 and issues == []


def _pandas_drop(table: pa.Table, keys: list[str], column: str) -> tuple[list[int], list[tuple[int, int]]]:
    """The reference: pandas' `duplicated` and `groupby(...).ngroup()` (the implementation before Arrow),
    as the rows kept and, for each row left out, (its row, the row kept)."""
    frame = table.select(keys).to_pandas()
    complete = frame.notna().all(axis=1).to_numpy() if column else np.ones(len(frame), dtype=bool)
    repeat = frame.duplicated(keep="first").to_numpy() & complete
    group = frame.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    rows = table.column("source_row").to_pylist()
    first = {}
    for position, g in enumerate(group):
        first.setdefault(g, rows[position])
    return (
        [r for r, dropped in zip(rows, repeat, strict=True) if not dropped],
        [(r, first[g]) for r, g, dropped in zip(rows, group, repeat, strict=True) if dropped],
    )


CELLS = {  # few distinct values per column, so that rows repeat
    "s": (pa.string(), st.sampled_from([None, "", "a", "A", "a "])),
    "i": (pa.int64(), st.sampled_from([None, 0, 1, -1])),
    "f": (pa.float64(), st.sampled_from([None, float("nan"), 0.0, -0.0, 1.5])),
    "d": (pa.date32(), st.sampled_from([None, date(2024, 5, 1), date(2024, 5, 2)])),
    "b": (pa.bool_(), st.sampled_from([None, True, False])),
    "n": (pa.null(), st.none()),
}


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data())
def test_rows_counted_once_are_those_pandas_duplicated_finds(data):
    """Arrow's grouping (duplicates._groups) against pandas' on random lists: empty cells, NaN and -0.0
    included, both for exact repeats (every column) and for a key whose empty parts name no event."""
    names = data.draw(st.lists(st.sampled_from(sorted(CELLS)), min_size=1, max_size=4, unique=True))
    n = data.draw(st.integers(2, 12))
    columns = {
        name: pa.array([data.draw(CELLS[name][1]) for _ in range(n)], CELLS[name][0]) for name in names
    }
    source = {
        "source_file": ["f.xlsx"] * n,
        "source_sheet": ["List_1"] * n,
        "source_row": list(range(2, n + 2)),
    }
    frame = pa.table({**columns, **source})
    for column in ("", ", ".join(names)):
        kept, issues = _drop(frame, names, "rule", column, "{kept}")
        want_kept, want_dropped = _pandas_drop(frame, names, column)
        assert kept["source_row"].to_pylist() == want_kept
        assert [(i.row, int(i.message)) for i in issues] == want_dropped


# --- dates that cannot be -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "dob", "flagged"),
    [
        # 40 weeks (280 days) before a birth on 1 January 2024 is 27 March 2023: 10 months before, allowed
        ("2023-03-27", "2024-01-01", False),
        # 1 March 2023 is still 10 calendar months before January 2024: allowed (306 days, a lenient edge)
        ("2023-03-01", "2024-01-31", False),
        # 28 February 2023 is 11 months before January 2024, at least 300 days before any day of it
        ("2023-02-28", "2024-01-01", True),
        # ten years before birth
        ("2014-05-01", "2024-01-01", True),
        # after birth
        ("2024-05-01", "2024-01-01", False),
    ],
)
def test_an_event_more_than_40_weeks_before_birth_is_warned(event, dob, flagged):
    tables = {"referrals": table([referral("C1", event, dob=D(dob))], sheet="List_3")}
    rules = [(i.rule, i.row, i.column) for i in impossible_dates(tables, ASAT)]
    assert rules == ([("date_before_birth", 2, "referral_date")] if flagged else [])


def test_a_date_more_than_a_year_after_the_extract_month_is_warned():
    # June 2024 extract: 30 June 2025 is 12 months on (allowed), 1 July 2025 is 13 (warned); every date
    # column is checked, here List 7's plan end
    rows = [
        child("C1", cp_start=D("2024-01-01"), cp_end=D("2025-06-30")),
        child("C2", cp_start=D("2024-01-01"), cp_end=D("2025-07-01")),
    ]
    issues = impossible_dates({"cp_plans": table(rows, sheet="List_7")}, date(2024, 6, 30))
    assert [(i.rule, i.row, i.column, i.severity) for i in issues] == [
        ("date_long_after_extract", 3, "cp_end", "warning")
    ]
    assert (
        issues[0].message
        == "Child Protection Plan End Date is dated more than a year after the extract's month"
    )
