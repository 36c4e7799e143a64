"""Wide checks first (validation/wide.py) find exactly what the one-column checks find (issue 38).

Each extract is validated twice in one process, wide first (as the product runs) and with every check
as its own one-column expectation (gx_engine.one_column_only, the engine before wide checks), and the
two must report the same issues and reject the same rows: on a generated month of each layout and on
bad inputs that make every family fail. The row tests themselves are checked on hand-worked frames.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest
from csc_report.transforms.read import find_month_files, read_extract
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bad_input import padding, referral, referrals_xlsx

from csc_report.generate import generate_inbox
from csc_report.generate.layout import LAYOUTS
from csc_report.pipeline import Period
from csc_report.validation import gx_engine, validate_extract, wide

MONTH = "2013-06"


def findings(extract, asat) -> tuple[list[str], list[str]]:
    result = validate_extract(extract, asat)
    return sorted(map(repr, result.issues)), sorted(map(repr, result.rejected.to_pylist()))


def assert_same_both_ways(extract, asat) -> list[str]:
    wide_first = findings(extract, asat)
    with gx_engine.one_column_only():
        one_column = findings(extract, asat)
    assert wide_first == one_column
    return wide_first[0]


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_generated_month_of_each_layout(tmp_path, layout):
    month_dir = generate_inbox(tmp_path, months=1, end=MONTH, scale=0.3, layout=layout)[-1]
    extract = read_extract(find_month_files(month_dir))
    issues = assert_same_both_ways(extract, Period(MONTH).asat)
    assert issues  # the generator plants duplicates and out-of-order dates: some family failed


def broken(extract, list_id: str, column: str, values: list) -> object:
    """`extract` with the first len(values) cells of one column replaced (nulls, bad codes, dates)."""
    table = extract.tables[list_id]
    cells = table.column(column).to_pylist()
    cells[: len(values)] = values
    index = table.column_names.index(column)
    new = table.set_column(index, column, pa.array(cells, type=table.column(column).type))
    return dataclasses.replace(extract, tables={**extract.tables, list_id: new})


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    month_dir = generate_inbox(tmp_path_factory.mktemp("wide"), months=1, end=MONTH, scale=0.3)[-1]
    return read_extract(find_month_files(month_dir)), Period(MONTH).asat


@pytest.mark.slow
@pytest.mark.parametrize(
    ("list_id", "column", "values", "rule"),
    [
        ("cla", "child_id", [None, None], "child_id_present"),  # required: a missing identifier
        ("cla", "legal_status", ["ZZ"], "legal_status_code"),  # codes: a code outside the set
        ("cla", "age", [26, -2], "age_in_range"),  # ranges: either side of -1..25
        ("cla", "cla_start", [dt.date(2099, 1, 1)], "cla_start_not_in_future"),  # dates
    ],
)
def test_each_family_failing_is_reported_one_check_a_row(month, list_id, column, values, rule):
    extract, asat = month
    issues = assert_same_both_ways(broken(extract, list_id, column, values), asat)
    assert sum(f"rule='{rule}'" in i for i in issues) == len(values)


@pytest.mark.slow
def test_required_column_absent(month):
    extract, asat = month
    cla = extract.tables["cla"]
    gone = dataclasses.replace(extract, tables={**extract.tables, "cla": cla.drop_columns(["cla_start"])})
    issues = assert_same_both_ways(gone, asat)
    assert any("cla_start_column_present" in i and "'error'" in i for i in issues)


@pytest.mark.slow
def test_bad_referrals_workbook(tmp_path):
    """The bad-input rows of tests/test_bad_input.py in one List 3 sheet: text in a number column,
    an empty identifier, a date in the future, an unknown code."""
    rows = [
        referral(1, **{"Age of Child (Years)": "eight"}),
        referral(2, **{"Child Unique ID": None}),
        referral(3, **{"Date of referral": dt.datetime(2099, 1, 1)}),
        referral(4, **{"Gender": "z) Other"}),
        *padding(),
    ]
    path = referrals_xlsx(tmp_path / "874_2013-06.xlsx", rows)
    extract = read_extract([path])
    issues = assert_same_both_ways(extract, Period(MONTH).asat)
    assert issues


# Hand-worked row tests, against GX's one-column semantics: a null is not checked (except by not-null),
# bounds are inclusive, a pair with a missing side is ignored, and `age != -1` keeps a null age.
FRAME = pd.DataFrame(
    {
        "a": [1.0, 25.0, 26.0, None, -1.0],
        "b": [1.0, 30.0, 20.0, 5.0, None],
        "code": ["x", "y", "q", None, "x"],
        "age": [-1.0, 3.0, None, 4.0, 5.0],
    }
)


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        ({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}, [1, 1, 1, 0, 1]),
        (
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "code", "value_set": ["x", "y"]},
            },
            [1, 1, 0, 1, 1],  # "q" fails, the null is not checked
        ),
        (  # -1 and 25 are the bounds and pass; 26 fails; the null is not checked
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "a", "min_value": -1, "max_value": 25},
            },
            [1, 1, 0, 1, 1],
        ),
        (  # a >= b: 1 >= 1 passes, 25 >= 30 fails, 26 >= 20 passes, rows with a null side are ignored
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "kwargs": {
                    "column_A": "a",
                    "column_B": "b",
                    "or_equal": True,
                    "ignore_row_if": "either_value_is_missing",
                },
            },
            [1, 0, 1, 1, 1],
        ),
        (  # strictly greater: 1 > 1 fails too
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "kwargs": {
                    "column_A": "a",
                    "column_B": "b",
                    "or_equal": False,
                    "ignore_row_if": "either_value_is_missing",
                },
            },
            [0, 0, 1, 1, 1],
        ),
        (  # "x" twice: both rows fail; the null is not checked
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "code"}},
            [0, 1, 1, 1, 0],
        ),
        (  # a <= 4 where age != -1: row 0 (age -1) is left out, 25 and 26 fail, the null age row is kept
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {
                    "column": "a",
                    "max_value": 4,
                    "row_condition": {
                        "type": "comparison",
                        "column": {"name": "age"},
                        "operator": "!=",
                        "parameter": -1,
                    },
                },
            },
            [1, 0, 0, 1, 1],
        ),
    ],
)
def test_row_tests_hand_worked(check, expected):
    check = {**check, "rule": "r"}
    assert wide.passes(FRAME, [check]).astype(int).tolist() == expected


@settings(max_examples=200, deadline=None, database=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(-5, 30)), min_size=1, max_size=12),
    low=st.one_of(st.none(), st.integers(-3, 25)),
    high=st.one_of(st.none(), st.integers(-3, 25)),
    floats=st.booleans(),
)
def test_between_on_numbers_is_the_same_as_on_the_values_one_by_one(values, low, high, floats):
    """The numeric columns' numpy path of `between` against the general one (the same values as Python
    objects): nulls pass, bounds are inclusive, either bound may be absent."""
    if low is None and high is None:
        return
    if not floats and None in values:
        values = [0 if v is None else v for v in values]  # an integer column has no null
    column = pd.Series(values, dtype="float64" if floats else "int64")
    kw = {"min_value": low, "max_value": high}
    fast = wide._between(column, kw)
    assert fast.tolist() == wide._between(column.astype(object), kw).tolist()
    assert fast.index.equals(column.index)


def test_compound_unique_ignores_rows_with_every_column_missing():
    frame = pd.DataFrame({"k": [1, 1, None, None, 2], "d": [7, 7, None, None, None]})
    check = {
        "type": "expect_compound_columns_to_be_unique",
        "rule": "r",
        "kwargs": {"column_list": ["k", "d"]},
    }
    # rows 0 and 1 are the same pair; rows 2 and 3 are all-missing and ignored; row 4 is (2, null), once
    assert wide.passes(frame, [check]).tolist() == [False, False, True, True, True]


def test_a_check_not_mirrored_never_passes_wide():
    check = {"type": "expect_column_values_to_match_regex", "rule": "r", "kwargs": {"column": "code"}}
    with pytest.raises(wide.NotMirrored):
        wide.passes(FRAME, [check])


def test_families():
    asat = {"$PARAMETER": "asat"}
    kinds = {
        "expect_column_to_exist": "required",
        "expect_column_values_to_not_be_null": "required",
        "expect_column_values_to_be_in_set": "codes",
        "expect_column_pair_values_a_to_be_greater_than_b": "cross_column",
        "expect_compound_columns_to_be_unique": "cross_column",
    }
    for kind, name in kinds.items():
        assert wide.family({"type": kind, "kwargs": {}}) == name
    between = "expect_column_values_to_be_between"
    assert wide.family({"type": between, "kwargs": {"max_value": asat}}) == "dates"
    assert wide.family({"type": between, "kwargs": {"min_value": 0}}) == "ranges"


def test_a_deferred_module_loads_on_first_use_only():
    """lazy_imports keeps altair and scipy.stats out of GX's import: an `import` statement of a
    deferred module leaves it unloaded, its first attribute read loads it."""
    import sys

    from csc_report.validation import lazy_imports

    sys.modules.pop("colorsys", None)
    lazy_imports.defer(("colorsys",))
    import colorsys  # the statement GX's modules run: nothing loads yet

    assert "rgb_to_hsv" not in vars(colorsys)
    assert colorsys.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert sys.modules["colorsys"].rgb_to_hsv is colorsys.rgb_to_hsv


def test_a_hidden_module_is_not_installed_within_the_block_and_imports_after_it():
    """lazy_imports hides GX's SQL and S3 back-ends while GX imports: GX then takes them as not
    installed; one imported before stays, and every import works again after the block."""
    import sys

    from csc_report.validation import lazy_imports

    sys.modules.pop("colorsys", None)
    sys.modules.pop("wave", None)
    import wave  # imported before the block: left as it is

    with lazy_imports.hidden(("colorsys", "wave")):
        with pytest.raises(ModuleNotFoundError):
            import colorsys  # noqa: F401
        assert "colorsys" not in sys.modules
        import wave as again

        assert again is wave
    import colorsys

    assert colorsys.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)


def test_gx_runs_without_its_sql_and_s3_back_ends_in_a_fresh_process():
    """In a process that validates, GX imports none of its optional back-ends (its compatibility stand-ins
    take their place), and the product's other users of them still import the real ones. (Every run of
    `csc-report` in the suite validates and builds its Data Docs so.)"""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from csc_report.validation import gx_engine\n"
        "gx_engine.context()\n"
        "print(sorted(m for m in ('sqlalchemy', 'boto3', 'botocore') if m in sys.modules))\n"
        "from great_expectations.compatibility import aws, sqlalchemy\n"
        "print(type(sqlalchemy.sqlalchemy).__name__, type(aws.boto3).__name__)\n"
        "import sqlalchemy\n"
        "print(sqlalchemy.__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:3] == ["[]", "NotImported NotImported", "sqlalchemy"]
