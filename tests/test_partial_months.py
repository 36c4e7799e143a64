"""Partial months, tried systematically (issue 11): every list removed in turn from a good month, then
every required column of every list, then random cell mutations of a small workbook (Hypothesis).

Each case must end like `csc-report run` would: exit 0 with "not available" notes for what is missing,
or exit 1 with one line naming file, sheet and column (a CscError raised by a stage). Anything else
escaping a stage is a crash, and fails the test. The warehouse already holds an earlier month: its
snapshot and figures must be unchanged whatever the case did.

The stages are the plain functions the flow's tasks call (csc_report.pipeline, read, validate,
pseudonymise), without Prefect, so that a hundred cases take seconds each rather than an engine start
each; tests/test_no_traceback.py runs the real CLI and flow on the situations of the issue. Reading and
validating are per list (the one cross-list rule skips an absent list), so the list-removal cases read
the reduced folder for real and take the validated tables of the good month without that list. The
indicators and publish stages see the warehouse only through the SQL files, so a removed column that
no SQL file names is taken as far as the load (the stages after it would see what they always see).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import filecmp
import html
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import pyarrow as pa
import pytest
from conftest import fingerprint_before
from csc_report.transforms.extract import Extract
from csc_report.transforms.pseudonymise import load_or_create_key, pseudonymise
from csc_report.transforms.read import read_extract
from csc_report.transforms.specs import load_lists
from csc_report.transforms.text import normalise_header
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from referral_sheet import write_xlsx

from csc_report import indicator_catalogue, pipeline, warehouse, warehouse_reference
from csc_report.errors import CscError
from csc_report.generate import generate_inbox
from csc_report.settings import SQL_DIR, RunPaths
from csc_report.validation import validate_extract

LA, EARLIER, MONTH = "874", "2013-05", "2013-06"
SQL_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SQL_DIR.rglob("*.sql")))
LISTS = {spec.number: spec for spec in load_lists().lists.values() if spec.number}
pytestmark = pytest.mark.slow


@dataclass
class Good:
    root: Path
    base: Path  # warehouse holding EARLIER only
    earlier: dict[str, str]  # its fingerprint
    sheets: dict[int, list[list]]  # list number -> title row, header row, rows, as the workbook had them
    month_dir: Path  # the good month: extract.xlsx (every list) and the workforce file
    safe: Extract  # the good month read, validated and pseudonymised
    rejected: object


def read_validate(files: list[Path], paths: RunPaths):
    extract = read_extract(files)
    result = validate_extract(extract, pipeline.Period(MONTH).asat)
    result.raise_for_errors()
    return pseudonymise(result.extract, load_or_create_key(paths.resolved_key_file()), LA), result.rejected


def finish(paths: RunPaths, safe: Extract, rejected, downstream: bool = True) -> None:
    """load -> indicators -> publish, as finish_month does under the writer lock (load only unless
    `downstream`)."""
    con = warehouse.connect(paths.warehouse_file(LA))
    try:
        warehouse.apply_schema(con)
        warehouse_reference.load_population(con, paths.inbox / "reference" / "population.csv")
        warehouse.load_snapshot(con, LA, MONTH, safe, f"load-{time.perf_counter_ns()}", quarantine=rejected)
    finally:
        con.close()
    if downstream:
        pipeline.compute(paths, LA, MONTH)
        pipeline.publish(paths, LA, MONTH, safe.issues, paths.cache_dir() / "none")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Good:
    root = tmp_path_factory.mktemp("partial")
    generate_inbox(root / "gen", la_code=LA, end=MONTH, months=2, scale=0.1, seed=3)
    paths = RunPaths(root / "gen", root / "base", root / "out-base", root / "secret.key")
    files = pipeline.discover(paths, LA, EARLIER)
    safe, rejected = read_validate(files, paths)
    con = warehouse.connect(paths.warehouse_file(LA))
    try:
        warehouse.apply_schema(con)
        warehouse_reference.load_population(con, paths.inbox / "reference" / "population.csv")
        warehouse.load_snapshot(con, LA, EARLIER, safe, "earlier", quarantine=rejected)
    finally:
        con.close()
    pipeline.compute(paths, LA, EARLIER)

    source = root / "gen" / LA / MONTH
    reader = fastexcel.read_excel(next(source.glob("annex_a*.xlsx")))
    sheets = {}
    for name in reader.sheet_names:
        if name.startswith("List_"):
            frame = reader.load_sheet(name, header_row=1).to_pandas()
            rows = [[None if v != v else v for v in row] for row in frame.itertuples(index=False)]
            sheets[int(name[5:])] = [[f"List {name[5:]}"], list(frame.columns), *rows]
    month_dir = root / "csv" / LA / MONTH
    month_dir.mkdir(parents=True)
    shutil.copytree(root / "gen" / "reference", root / "csv" / "reference")
    write_xlsx(month_dir / "extract.xlsx", {f"List_{n}": rows for n, rows in sheets.items()})
    shutil.copy(next(source.glob("workforce.*")), month_dir)
    safe, rejected = read_validate(sorted(month_dir.iterdir()), paths)
    fingerprint = fingerprint_before(paths.warehouse_file(LA), MONTH)
    return Good(root, paths.warehouse_file(LA), fingerprint, sheets, month_dir, safe, rejected)


class Case:
    """A copy of the base warehouse and a month folder for one case."""

    def __init__(self, good: Good, name: str):
        self.root = good.root / name
        self.month_dir = self.root / "inbox" / LA / MONTH
        self.month_dir.mkdir(parents=True)
        shutil.copytree(good.root / "gen" / "reference", self.root / "inbox" / "reference")
        self.paths = RunPaths(
            self.root / "inbox", self.root / "wh", self.root / "out", good.root / "secret.key"
        )
        self.paths.warehouse.mkdir()
        shutil.copy(good.base, self.paths.warehouse_file(LA))
        self.good = good

    def check_earlier_unchanged(self) -> None:
        if filecmp.cmp(self.paths.warehouse_file(LA), self.good.base, shallow=False):
            return  # never opened: a stop before the load
        assert fingerprint_before(self.paths.warehouse_file(LA), MONTH) == self.good.earlier

    def report(self) -> str:
        return (self.paths.output_dir(LA, MONTH) / "report.md").read_text(encoding="utf-8")

    def scorecard(self) -> str:
        """Every figure of the month, on the paper or not (adoption's are the scorecard's only)."""
        return (self.paths.output_dir(LA, MONTH) / "scorecard.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("number", sorted(LISTS))
def test_each_list_removed_in_turn(good, tmp_path, number):
    spec = LISTS[number]
    case = Case(good, f"without-list-{number}")
    shutil.copy(next(good.month_dir.glob("workforce.*")), case.month_dir)
    write_xlsx(
        case.month_dir / "extract.xlsx", {f"List_{n}": rows for n, rows in good.sheets.items() if n != number}
    )
    files = pipeline.discover(case.paths, LA, MONTH)
    assert spec.id not in read_extract(files).tables  # read for real, without the list
    safe = dataclasses.replace(
        good.safe,
        tables={k: v for k, v in good.safe.tables.items() if k != spec.id},
        columns_present={k: v for k, v in good.safe.columns_present.items() if k != spec.id},
        issues=[i for i in good.safe.issues if i.sheet != f"List_{number}"],
    )
    kept = pa.array([r != spec.id for r in good.rejected["list_id"].to_pylist()], pa.bool_())
    finish(case.paths, safe, good.rejected.filter(kept))
    report = case.report()
    needed = set(indicator_catalogue.catalogue()[2].query("list_id == @spec.id")["item_id"])
    if needed:
        said = f"not available: {indicator_catalogue.LIST_NAMES[spec.id]} was not in this month's extract"
        assert said in report or said in html.unescape(case.scorecard())
    case.check_earlier_unchanged()


REQUIRED = [(n, column) for n, spec in sorted(LISTS.items()) for column in spec.required]


@pytest.mark.parametrize(("number", "column"), REQUIRED, ids=[f"list{n}-{c}" for n, c in REQUIRED])
def test_each_required_column_removed_in_turn(good, number, column):
    """The list alone, without one of its required columns, in the workbook shape (title row, headers)."""
    spec = LISTS[number]
    title, headers, *rows = good.sheets[number]
    drop = [i for i, h in enumerate(headers) if column in spec.alias_index.get(normalise_header(h), ())]
    assert drop, f"no header of list {number} maps to {column}"
    keep = [i for i in range(len(headers)) if i not in drop]
    case = Case(good, f"list{number}-without-{column}")
    workbook = write_xlsx(
        case.month_dir / "extract.xlsx",
        {f"List_{number}": [title, *([row[i] for i in keep] for row in [headers, *rows])]},
    )
    used = re.search(rf"\b{column}\b", SQL_TEXT) is not None
    outcome = run_case(case, downstream=used)
    if outcome is None and used:  # published: whatever needs the column says it is not available
        requirements = indicator_catalogue.catalogue()[2]
        needed = requirements[(requirements["list_id"] == spec.id) & (requirements["column_name"] == column)]
        if len(needed):
            report = case.report() + html.unescape(case.scorecard())  # the paper's or the scorecard's only
            header = needed["header"].iloc[0]  # the reader is told the Annex A header, not the column id
            assert f"{indicator_catalogue.LIST_NAMES[spec.id]} has no column" in report and header in report
    else:
        assert workbook.name in outcome and f"List_{number}" in outcome, outcome
        assert column in outcome or headers[drop[0]] in outcome, outcome
    case.check_earlier_unchanged()


def run_case(case: Case, downstream: bool = True) -> str | None:
    """Run the month's stages; None when it published, else the one line the CLI would print."""
    try:
        safe, rejected = read_validate(pipeline.discover(case.paths, LA, MONTH), case.paths)
        finish(case.paths, safe, rejected, downstream)
    except CscError as exc:
        assert "\n" not in str(exc)
        return str(exc)
    return None


# --- cells mutated at random ----------------------------------------------------------------------

ODD_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "\u00a0", "#N/A", "n/a", "0", "-1", "1e308", "9" * 40, "TRUE"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["=1/0", "=SUM(A1:A3)", '=HYPERLINK("x")', "=NOW()", "=#REF!"]),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
    ),  # unicode; control characters are not allowed in a worksheet cell at all
)
SMALL = {3: 12, 7: 8, 8: 8}  # list -> rows kept: a small good workbook of three lists


@seed(11)
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_mutated_cells_end_in_a_report_or_one_line(good, data):
    sheets = {n: good.sheets[n][: 2 + rows] for n, rows in SMALL.items()}
    for _ in range(data.draw(st.integers(1, 4), label="cells")):
        number = data.draw(st.sampled_from(sorted(sheets)), label="list")
        table = sheets[number]
        row = data.draw(st.integers(2, len(table) - 1), label="row")
        col = data.draw(st.integers(0, len(table[1]) - 1), label="column")
        table[row] = [*table[row][:col], data.draw(ODD_VALUES, label="value"), *table[row][col + 1 :]]
    case = Case(good, f"mutated-{time.perf_counter_ns()}")
    write_xlsx(case.month_dir / "extract.xlsx", {f"List_{n}": rows for n, rows in sheets.items()})
    outcome = run_case(case)
    if outcome is not None:
        assert "extract.xlsx" in outcome, outcome
    case.check_earlier_unchanged()
    shutil.rmtree(case.root)
