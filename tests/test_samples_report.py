"""Issue 34: the published sample workbooks, run to their reports, agree with counts made by hand.

Each Annex A sample of ../shared/reference/samples goes through the stages a run's tasks call (read,
validate, pseudonymise, load, compute, publish: plain functions, one process, no Prefect), and the
figures of its published indicators.csv are compared with counts worked out here from the workbook's
own rows, read with fastexcel and the contract's definitions, never with the product's code: contacts,
referrals and S47 enquiries dated in the month, early help assessments started in it and open at its end,
children on a plan and children looked after (short breaks left out) at its end, and care leavers.

A row repeated exactly is one record, and on Lists 3 and 5 a child's rows on one referral (S47 start)
date are one event (issue 34 point 2): the hand count drops them as a reader would, with pandas.
"""

from __future__ import annotations

import csv

import fastexcel
import pandas as pd
import pytest
from conftest import SAMPLES as SAMPLE_DIR
from csc_report.transforms.pseudonymise import pseudonymise
from csc_report.transforms.read import read_extract
from test_samples_load import SAMPLES

from csc_report import pipeline, warehouse
from csc_report.dfe import lookup
from csc_report.settings import RunPaths
from csc_report.validation import validate_extract

pytestmark = pytest.mark.slow
KEY = bytes(range(32))
# sample -> the month its report is run for: that of its events where it has events only (the fddc
# samples), else that of its latest dates (liia's events of September 2020 end after it; at January 2024
# its children on a plan, looked after and leaving care count)
MONTHS = {
    "fddc_example-B-2004_ofsted_template_aug2019.xlsx": "2010-01",
    "fddc_example-A-2005.xls": "2010-01",
    "fddc_2015-01-sample.xlsx": "2015-03",
    "liia-tools-pipeline_Annex_A_2024_Jan.xlsx": "2024-01",
}


def sheet(path, number: int) -> pd.DataFrame:
    """List `number` of a workbook as rows under its header row (the first whose first cell names an
    identifier), fully blank rows left out."""
    reader = fastexcel.read_excel(path)
    name = next(n for n in reader.sheet_names if n.replace("_", " ").strip() == f"List {number}")
    cells = reader.load_sheet(name, header_row=None).to_pandas()
    first = cells.iloc[:, 0].astype(str)
    header = next(i for i, text in enumerate(first) if "Unique ID" in text or "identifier" in text)
    frame = cells.iloc[header + 1 :].dropna(how="all")
    frame.columns = [str(text).strip() for text in cells.iloc[header]]
    return frame.drop_duplicates()  # a row repeated exactly is one record


def one_per_event(frame: pd.DataFrame, dates: pd.Series) -> pd.Series:
    """Lists 3 and 5: a child's rows on one event date are one event, so their dates once."""
    return dates[~pd.DataFrame({"child": frame["Child Unique ID"], "date": dates}).duplicated()]


def column(frame: pd.DataFrame, *words: str) -> pd.Series:
    """The one column whose header holds every word (any case), as dates."""
    found = [c for c in frame.columns if all(w.casefold() in c.casefold() for w in words)]
    assert len(found) == 1, (words, list(frame.columns))
    values = frame[found[0]]
    iso = pd.to_datetime(values.astype(str).str[:10], format="%Y-%m-%d", errors="coerce")  # dates, ISO text
    return iso.fillna(pd.to_datetime(values, errors="coerce", format="%d/%m/%Y"))  # UK text: 16/09/2020


def in_month(dates: pd.Series, month: str) -> int:
    return int((dates.dt.to_period("M") == pd.Period(month, "M")).sum())


def open_at(start: pd.Series, end: pd.Series, month: str) -> pd.Series:
    """Contract 2: open at asat (the month's last day) when start <= asat and (no end or end > asat)."""
    asat = pd.Period(month, "M").end_time.normalize()
    return (start <= asat) & (end.isna() | (end > asat))


def hand_counts(path, month: str) -> dict[str, int]:
    """The figures as a reader of the workbook would count them."""
    contacts, early_help, referrals = sheet(path, 1), sheet(path, 2), sheet(path, 3)
    s47, plans, care, leavers = sheet(path, 5), sheet(path, 7), sheet(path, 8), sheet(path, 9)
    eh_start, eh_end = column(early_help, "assessment start"), column(early_help, "assessment completion")
    on_plan = open_at(column(plans, "plan start"), column(plans, "plan end"), month)
    legal = care[
        next(c for c in care.columns if "legal status" in c.casefold() and "date" not in c.casefold())
    ]
    in_care = open_at(column(care, "started to be looked after"), column(care, "date ceased"), month)
    looked_after = in_care & ~legal.astype(str).str.strip().str.upper().isin(["V3", "V4"])
    return {
        "contacts": in_month(column(contacts, "date of contact"), month),
        "early_help_started": in_month(eh_start, month),
        "early_help_open": int(open_at(eh_start, eh_end, month).sum()),
        "referrals": in_month(one_per_event(referrals, column(referrals, "referral", "date")), month),
        "s47_started": in_month(one_per_event(s47, column(s47, "section 47", "start")), month),
        "cp_plans_open": plans.loc[on_plan, "Child Unique ID"].nunique(),
        "cla_open": care.loc[looked_after, "Child Unique ID"].nunique(),
        "care_leavers": len(leavers),
    }


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, dict[str, str]]:
    """sample -> indicator_id -> published value (indicators.csv), each sample run to its report."""
    if not SAMPLE_DIR.is_dir():
        pytest.skip(f"../shared is absent ({SAMPLE_DIR} not found): samples ship beside the project")
    root = tmp_path_factory.mktemp("sample-reports")
    paths = RunPaths(root / "inbox", root / "wh", root / "out", root / "secret.key")
    found = {}
    for name, (la, _) in SAMPLES.items():
        month = MONTHS[name]
        result = validate_extract(read_extract([SAMPLE_DIR / name]), pipeline.Period(month).asat)
        result.raise_for_errors()
        safe = pseudonymise(result.extract, KEY, la)
        con = warehouse.connect(paths.warehouse_file(la))
        try:
            warehouse.apply_schema(con)
            lookup.load_reference(con)
            warehouse.load_snapshot(con, la, month, safe, f"sample-{la}", quarantine=result.rejected)
        finally:
            con.close()
        pipeline.compute(paths, la, month)
        pipeline.publish(paths, la, month, safe.issues, root / "no-cache-entry")
        with (paths.output_dir(la, month) / "indicators.csv").open(encoding="utf-8", newline="") as handle:
            found[name] = {row["indicator_id"]: row["value"] for row in csv.DictReader(handle)}
    return found


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_a_samples_report_agrees_with_a_hand_count_of_its_rows(reports, samples_dir, sample):
    expected = hand_counts(samples_dir / sample, MONTHS[sample])
    published = {k: int(float(reports[sample][k])) for k in expected}
    assert published == expected
    assert sum(expected.values()) > 0  # every sample has some rows in its month that count
