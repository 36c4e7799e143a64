"""Issue 34: every sentence the report reads out is English with nothing missing from it.

Every reading, highlight and data-quality sentence is rendered from real months (the demo's last month,
a month of each layout the generator writes, and a month whose extract holds no list at all) and
checked for the marks of a hole: a double space, a "was" with no value after it, an empty value
printed as `nan` or `None`, a header that is a question left unquoted, and "a" before a vowel sound.
The months go through the plain stage functions (read, validate, pseudonymise, load, compute) in this
process, as tests/test_partial_months.py drives them, and the report model is built as `publish`
builds it. The generated months are planted with what the issue found in councils' files (`plant`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import DEMO_LA, DEMO_MONTHS, la_file
from csc_report.transforms.extract import Extract
from csc_report.transforms.pseudonymise import pseudonymise
from csc_report.transforms.read import read_extract
from openpyxl import load_workbook

from csc_report import pipeline, report_context, warehouse, warehouse_reference
from csc_report.dfe import lookup
from csc_report.generate import generate_inbox
from csc_report.generate.layout import LAYOUTS
from csc_report.months import shift
from csc_report.publish.build import build_report
from csc_report.settings import RunPaths
from csc_report.validation import validate_extract

pytestmark = pytest.mark.slow
LA = "874"
MONTHS = {"pre2014": "2013-06", "2019": "2019-06", "2024": "2024-06"}
KEY = bytes(range(32))

DOUBLE_SPACE = re.compile(r"\S  +\S")
DANGLING_WAS = re.compile(r"\bwas\s*(?:[.,;:()]|$)")
EMPTY_VALUE = re.compile(r"\b(?:nan|None|NaN)\b")
UNQUOTED_QUESTION = re.compile(r"[a-z,;] (?:Was|Is|Does|Did|What) ")  # a header read as a question
A_BEFORE_VOWEL = re.compile(r'\ba "?([AEIOUaeiou]\w*)')
CONSONANT_SOUND = ("uni", "use", "usu", "eu", "one")  # "a unique ...", "a usual ...", "a one-off ..."


def faults(sentence: str) -> list[str]:
    """What is wrong with a sentence, in words (empty: nothing)."""
    found = [
        name
        for name, pattern in (
            ("double space", DOUBLE_SPACE),
            ('dangling "was"', DANGLING_WAS),
            ("empty value", EMPTY_VALUE),
            ("unquoted question", UNQUOTED_QUESTION),
        )
        if pattern.search(sentence)
    ]
    for match in A_BEFORE_VOWEL.finditer(sentence):
        word = match.group(1)
        said_as_you = word.casefold().startswith(CONSONANT_SOUND) or (word.isupper() and word[0] == "U")
        if not said_as_you:
            found.append(f'"a {word}"')
    return found


def sentences(report) -> list[str]:
    """Every sentence the report and its appendix read out: highlights, each section's readings of
    figures without a chart, each chart's reading and alt text, and the data-quality table's words."""
    said = list(report.highlights)
    for section in report.sections + report.appendix:
        said += section.summary
        for chart in section.charts:
            said += [chart.reading, chart.alt]
        for table in section.tables:
            if table.id == "data_quality_summary":
                said += [str(text) for text in table.frame["what"]]
    return [text for text in said if text]


def report_of(con, la: str, month: str, issues) -> object:
    return build_report(report_context.build_report_context(con, la, month, issues))


def plant(month_dir: Path, month: str) -> None:
    """The report month as the issue found it in councils' files: no referral in the month (so the
    re-referral percentage has no value while its look-back is partial), two referrals whose Ethnicity
    is no known code, and two assessments whose outcome is none (where the layout has the column)."""
    path = next(month_dir.glob("annex_a*.xlsx"))
    book = load_workbook(path)
    start = pd.Timestamp(f"{month}-01")
    referrals = book["List_3"]
    header = [cell.value for cell in referrals[2]]
    dates = header.index("Date of referral") + 1
    for row in range(referrals.max_row, 2, -1):  # bottom up, so deleting keeps the rows above in place
        value = referrals.cell(row, dates).value
        if value is not None and pd.Timestamp(value) >= start:
            referrals.delete_rows(row)
    _set(referrals, "Ethnicity", "QQQQ")
    _set(book["List_4"], "Was the child assessed as requiring", "Maybe")
    book.save(path)


def _set(sheet, header: str, value: str, rows: int = 2) -> None:
    """The first `rows` cells under the header that starts with `header`, if the sheet has it."""
    headers = [str(cell.value) for cell in sheet[2]]
    column = next((i for i, text in enumerate(headers, start=1) if text.startswith(header)), None)
    for row in range(3, min(3 + rows, sheet.max_row + 1)) if column else ():
        sheet.cell(row, column).value = value


def load_month(con, la: str, month: str, files: list[Path], validate: bool = True) -> list:
    """Read, validate, pseudonymise and load one month; returns its issues. Without `validate` (a month
    that only gives last month's figures) Great Expectations' seconds are saved."""
    extract, rejected = read_extract(files), None
    if validate:
        result = validate_extract(extract, pipeline.Period(month).asat)
        result.raise_for_errors()
        extract, rejected = result.extract, result.rejected
    safe = pseudonymise(extract, KEY, la)
    warehouse.load_snapshot(con, la, month, safe, f"words-{month}", quarantine=rejected)
    return safe.issues


@pytest.fixture(scope="module")
def layout_reports(tmp_path_factory) -> dict[str, object]:
    """One report per generator layout and one of a month whose extract has no list at all."""
    reports = {
        layout: layout_report(tmp_path_factory.mktemp(f"words-{layout}"), layout) for layout in LAYOUTS
    }
    reports["no lists"] = empty_month_report(tmp_path_factory.mktemp("words-empty"))
    return reports


def layout_report(root: Path, layout: str):
    """The report of a generated month of `layout`, `plant`ed, over two loaded months (so last month's
    figures exist)."""
    month = MONTHS[layout]
    generate_inbox(root / "inbox", la_code=LA, end=month, months=2, scale=0.05, seed=5, layout=layout)
    plant(root / "inbox" / LA / month, month)
    paths = RunPaths(root / "inbox", root / "wh", root / "out", root / "secret.key")
    con = warehouse.connect(paths.warehouse_file(LA))
    try:
        warehouse.apply_schema(con)
        lookup.load_reference(con)
        warehouse_reference.load_population(con, paths.inbox / "reference" / "population.csv")
        for m in (shift(month, -1), month):
            issues = load_month(con, LA, m, pipeline.discover(paths, LA, m), validate=m == month)
    finally:
        con.close()
    for m in (shift(month, -1), month):
        pipeline.compute(paths, LA, m)
    con = warehouse.connect(paths.warehouse_file(LA), read_only=True)
    try:
        return report_of(con, LA, month, issues)
    finally:
        con.close()


def empty_month_report(root: Path):
    """A month whose extract held no list: every figure and table not available."""
    paths = RunPaths(root / "inbox", root / "wh", root / "out", root / "secret.key")
    con = warehouse.connect(paths.warehouse_file(LA))
    try:
        warehouse.apply_schema(con)
        lookup.load_reference(con)
        warehouse.load_snapshot(con, LA, "2013-06", Extract({}, {}, [], []), "words-empty")
    finally:
        con.close()
    pipeline.compute(paths, LA, "2013-06")
    con = warehouse.connect(paths.warehouse_file(LA), read_only=True)
    try:
        return report_of(con, LA, "2013-06", [])
    finally:
        con.close()


def test_the_fault_finder_finds_each_fault():
    """The checks themselves, on sentences from the issue (they must fail where the report did)."""
    assert faults("Re-referrals within 12 months (%) was  (partial history).") == [
        "double space",
        'dangling "was"',
    ]
    assert faults("5 rows had a Ethnicity that is not a known code") == ['"a Ethnicity"']
    assert faults("Rate was nan.") == ["empty value"]
    assert faults("had a Was the child assessed as requiring support that is") == ["unquoted question"]
    assert faults("5 rows had a UPN, a unique ID and an Ethnicity value.") == []


@pytest.mark.parametrize("case", [*LAYOUTS, "no lists"])
def test_every_sentence_of_a_generated_month_reads_as_english(layout_reports, case):
    said = sentences(layout_reports[case])
    assert len(said) > 5, said  # a report that says nothing passes nothing
    assert {text: faults(text) for text in said if faults(text)} == {}


def test_every_sentence_of_the_demo_reads_as_english(demo):
    root, params, _ = demo
    month = DEMO_MONTHS[-1]
    # the issues the run published for the month, as the report read them
    issues = pd.read_csv(Path(params["outputs"]) / DEMO_LA / month / "data_quality.csv", dtype=str)
    con = warehouse.connect(la_file(params), read_only=True)
    try:
        ctx = report_context.build_report_context(con, DEMO_LA, month, [])
        ctx.data_quality = issues.assign(row=pd.to_numeric(issues["row"]))
        said = sentences(build_report(ctx))
    finally:
        con.close()
    assert len(said) > 20
    assert {text: faults(text) for text in said if faults(text)} == {}
