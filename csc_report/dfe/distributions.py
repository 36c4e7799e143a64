"""England's published distributions beside the breakdowns, and the authority's own where DfE gives it.

A breakdown (csc_report.breakdowns) is compared with DfE only where DfE publishes the same categories:
the same bands, the same cohort. `distributions.parquet` holds, for each such breakdown, each category's
published share, in % (table_id, category, area_code: E92000001 or the three-digit LA code, year: DfE's
time_period, value, status: DfE's symbol when there is no value, source). Categories are the breakdown's
own category keys; a category DfE does not give has no row, and the report says "not published".

What is compared, and from which file:

    icpcs_by_working_days        c4: ICPCs by working days from the S47 start, of all ICPCs (every year)
    cp_by_plan_length            d5: plans at 31 March by length, DfE's published % (every year)
    referrals_by_source_group    C5 (workbook): referrals by source group, of all referrals
    assessments_by_working_days  C2 (workbook): assessments completed by working days, of those banded
    cin_by_disability            B2 (workbook): % of children in need with a disability recorded
    cin_by_sex, cp_by_sex        A3, A5 (workbook, England only): male and female, of all the children
    cin_by_ethnic_group,         A4, A5 (workbook, England only): DfE's major groups, of all the children;
    cp_by_ethnic_group           "not known" is the children DfE does not count as of known ethnicity

The workbook is DfE's "Characteristics of children in need: main tables" (the 2018 release ships); its
tables give one year. Not compared: ages (DfE's last band is "16 and over", the breakdowns' 16-17 and 18
and over), contacts by source (DfE publishes referrals' sources only), core assessments (DfE's bands are
of single assessments), and the cohorts DfE publishes no distribution of here (children looked after,
care leavers, adoptions, S47s, referrals by age, sex or ethnic group).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from csc_report.dfe.measures import BY_ID, ENGLAND, published, reporting_year

COLUMNS = ["table_id", "category", "area_code", "year", "value", "status", "source"]
REPORT_COLUMNS = ["table_id", "category", "area_type", "area", "year", "value", "status"]
WORKBOOK = "*characteristics_of_children_in_need*main_tables*.xlsx"
FILE = "distributions.parquet"

ICPC_BANDS = {"Duration_0-10_days": "0-10", "Duration_11-15_days": "11-15",
              "Duration_16-20_days": "16-20", "Duration_21+_days": "21 or more"}  # fmt: skip
PLAN_LENGTHS = {
    "3_months_or_less_percent": "3 months or less",
    "more_than_3_months_6_months_percent": "3 to 6 months",
    "more_than_6_months_less_than_1_year_percent": "6 to 12 months",
    "1_year_less_than_2_years_percent": "1 to 2 years",
    "2_years_or_more_percent": "2 years and over",
}
# C5's source headings (footnote marks removed) -> the breakdown's source group (DfE's code's number)
SOURCES = {"Individual": "1", "Schools": "2", "Education services": "2", "Health services": "3",
           "Housing": "4", "LA services": "5", "Police": "6", "Other legal agency": "7", "Other": "8",
           "Anonymous": "9", "Unknown": "10"}  # fmt: skip
# C2's bands of working days -> the breakdown's (its 0-10 is C2's same-day and 1-10 together)
ASSESSMENT_DAYS = {"Started and finished the same day": "0-10", "1-10 days": "0-10",
                   "11-20 days": "11-20", "21-30 days": "21-30", "31-40 days": "31-45", "41-45 days": "31-45",
                   "46-50 days": "46 or more", "51-60 days": "46 or more",
                   "61+ days": "46 or more"}  # fmt: skip
OF_ALL = "children in the category / all the children x 100"
A3_SEX = {"Total Male": "male", "Total Female": "female"}
C5 = "DfE C5: referrals from the source group / all referrals x 100"
B2 = "DfE B2: % of children in need with a disability recorded"
C2 = "DfE C2: assessments in the band / all banded x 100 (C2's same day and 1-10 days are 0-10)"
ETHNIC_GROUPS = {"White": "white", "Mixed": "mixed", "Asian or Asian British": "asian",
                 "Black or black British": "black", "Other ethnic group": "other"}  # fmt: skip


def build(raw: dict[str, pd.DataFrame], workbook: Path | None) -> pd.DataFrame:
    """The shipped table from the statistics files (read by build._read_statistics) and the workbook."""
    c4 = raw["c4"]
    frames = [
        _shares(c4, "icpcs_by_working_days", ICPC_BANDS, c4["ICPC"], "DfE c4: {column} / ICPC x 100"),
        _shares(raw["d5"], "cp_by_plan_length", PLAN_LENGTHS, None, "DfE d5: {column}"),
    ]
    if workbook is not None:
        frames += _workbook(workbook)
    out = pd.concat(frames, ignore_index=True)
    out = out.groupby(["table_id", "category", "area_code", "year"], as_index=False, sort=True).agg(
        value=("value", "sum"), status=("status", "max"), source=("source", "first")
    )  # categories DfE splits (schools, education services) are summed; a suppressed part blanks them
    out.loc[out["status"] != "", "value"] = float("nan")
    out["value"] = out["value"].round(2)  # a share to 0.01 pt: the report prints 0.1
    return out[COLUMNS]


def _shares(frame, table_id, categories: dict[str, str], base, source: str) -> pd.DataFrame:
    """One row per area, year and category: the column's value, or value / base x 100 with a base (a
    Series on frame's index; a suppressed base suppresses the share). England and the authorities only:
    the report shows no region's distribution."""
    frame = frame[frame["area_type"].isin(["england", "la"])]
    if base is not None:
        base_value, base_status = published(base[frame.index])
    parts = []
    for column, category in categories.items():
        value, status = published(frame[column])
        if base is not None:
            value, status = (
                value / base_value.where(base_value > 0) * 100,
                status.where(status != "", base_status),
            )
        part = frame[["area_code", "year"]].assign(
            table_id=table_id,
            category=category,
            value=value,
            status=status,
            source=source.format(column=column),
        )
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# --- the workbook (DfE's main tables, one year) -------------------------------------------------------


def _label(value) -> str:
    """A heading or row label without its footnote marks (`Total Male9,10` -> `Total Male`)."""
    text = "" if pd.isna(value) else re.sub(r"\s+", " ", str(value)).strip()
    return re.sub(r"[\d,]+$", "", text).strip()


def _workbook(path: Path) -> list[pd.DataFrame]:
    sheets = pd.read_excel(
        path, sheet_name=["A3", "A4", "A5", "B2", "C2", "C5"], header=None, dtype=object, engine="openpyxl"
    )
    a5 = _england_rows(sheets["A5"], 3)
    return [
        _by_authority(sheets["C5"], "referrals_by_source_group", SOURCES, C5, base_column=3),
        _by_authority(sheets["C2"], "assessments_by_working_days", ASSESSMENT_DAYS, C2),
        _by_authority(sheets["B2"], "cin_by_disability", {}, B2, disabled_pct=5),
        _england(_england_rows(sheets["A3"], 2), "cin_by_sex", A3_SEX, f"DfE A3: {OF_ALL}"),
        _england(_a4_columns(sheets["A4"]), "cin_by_ethnic_group", ETHNIC_GROUPS, f"DfE A4: {OF_ALL}"),
        _england(a5, "cp_by_sex", {"Male": "male", "Female": "female"}, f"DfE A5: {OF_ALL}"),
        _england(a5, "cp_by_ethnic_group", ETHNIC_GROUPS, f"DfE A5: {OF_ALL}"),
    ]  # fmt: skip


def _year(sheet: pd.DataFrame) -> int:
    """The year a table gives (`... in the year ending 31 March 2018` or `... at 31 March 2018`)."""
    title = " ".join(str(v) for v in sheet.iloc[:3, 1] if pd.notna(v))
    return int(re.search(r"31 March (\d{4})", title).group(1))


def _headings(rows: pd.DataFrame) -> pd.Series:
    """Each column's heading: its lowest non-empty label in the heading rows."""
    return rows.map(_label).agg(lambda c: next((v for v in c[::-1] if v), ""))


def _by_authority(sheet, table_id, categories, source, base_column=None, disabled_pct=None) -> pd.DataFrame:
    """England's and each authority's row of a table by local authority (C5, C2, B2): the label in the
    third column, the LA code in the second; the headings in the two rows above England's. The base is
    `base_column` (DfE's total), else the sum of the categories' counts (unknown if one is suppressed)."""
    labels = sheet[2].map(_label)
    first = labels[labels == "England"].index[0]
    codes = pd.to_numeric(sheet[1], errors="coerce")
    rows = sheet.loc[first:][(labels.loc[first:] == "England") | codes.loc[first:].notna()]
    areas = [ENGLAND if pd.isna(c) else str(int(c)) for c in codes[rows.index]]
    frame = pd.DataFrame({"area_type": "la", "area_code": areas, "year": _year(sheet)})
    if disabled_pct is not None:  # B2's % with a disability recorded: the breakdown's "Y" (disabled)
        frame["disabled_pct"] = rows[disabled_pct].to_numpy()
        return _shares(frame, table_id, {"disabled_pct": "Y"}, None, source)
    headings = _headings(sheet.iloc[first - 2 : first])
    columns = {str(i): h for i, h in headings.items() if h in categories}
    frame[list(columns)] = rows[[int(i) for i in columns]].to_numpy()
    counts = frame[list(columns)].apply(lambda c: pd.to_numeric(c, errors="coerce"))
    if base_column is None:
        base = counts.sum(axis=1).where(counts.notna().all(axis=1))
    else:
        base = pd.Series(rows[base_column].to_numpy(), index=frame.index)
    named = {i: categories[h] for i, h in columns.items()}
    return _shares(frame, table_id, named, base, source)


def _england_rows(sheet, value_column: int) -> tuple[dict[str, object], int, float]:
    """A table of England only with its groups as rows (A3, A5): each row's label -> its number in
    `value_column`; the year; the total (the column's first number: all the children)."""
    numbers = pd.to_numeric(sheet[value_column], errors="coerce")
    found = dict(zip(sheet[1].map(_label), numbers, strict=True))
    return found, _year(sheet), numbers.dropna().iloc[0]


def _a4_columns(sheet) -> tuple[dict[str, object], int, float]:
    """A4, its ethnic groups as columns: the headings above the first row of numbers -> that row's
    numbers; the total is its third column (all the children in need)."""
    first = pd.to_numeric(sheet[2], errors="coerce").first_valid_index()
    found = dict(zip(_headings(sheet.iloc[:first]), sheet.loc[first], strict=True))
    return found, _year(sheet), float(sheet.loc[first, 2])


def _england(table, table_id, categories, source) -> pd.DataFrame:
    """England's shares of all the children a table counts. For ethnic groups, "not known" is the children
    less those DfE counts as of known ethnicity."""
    found, year, total = table
    counts = {category: float(found[label]) for label, category in categories.items()}
    if categories is ETHNIC_GROUPS:
        counts["not known"] = total - float(found["Total known ethnicity"])
    frame = pd.DataFrame({"area_type": "england", "area_code": [ENGLAND], "year": year,
                          **{c: [v] for c, v in counts.items()}})  # fmt: skip
    base = pd.Series([total])
    return _shares(
        frame, table_id, {c: c for c in counts}, base, f"{source}: {{column}} / all children x 100"
    )


# --- one report's distributions ----------------------------------------------------------------------


def for_report(folder: Path, la_code: str, month: str) -> pd.DataFrame:
    """England's and the authority's published shares the report month's breakdowns are shown beside:
    table_id, category, area_type (england, la), area (DfE's name of the authority's code, which a demo
    or renamed authority may not share), year, value, status.

    Each table's year is the latest one England has up to the report month's reporting year (DfE's year
    ending 31 March, as the benchmarks take it), else the earliest shipped (a report older than the data:
    its header says the year). Empty without the file (reference data rebuilt before it shipped)."""
    path = Path(folder) / FILE
    if not path.exists():
        return pd.DataFrame(columns=REPORT_COLUMNS)
    frame = pd.read_parquet(path, filters=[("area_code", "in", [ENGLAND, la_code])])
    frame["area_type"] = frame["area_code"].map({ENGLAND: "england"}).fillna("la")
    names = pd.read_csv(Path(folder) / "areas.csv", dtype=str).set_index("la_code")["la_name"]
    frame["area"] = frame["area_code"].map({ENGLAND: "England", **names.to_dict()}).fillna(la_code)
    wanted = reporting_year(month, BY_ID["cp_open_2yrs_plus"])  # any measure of a year ending 31 March
    years = frame[frame["area_type"] == "england"].groupby("table_id")["year"]
    chosen = years.agg(lambda y: y[y <= wanted].max() if (y <= wanted).any() else y.min())
    frame = frame[frame["year"] == frame["table_id"].map(chosen)]
    return frame[REPORT_COLUMNS].reset_index(drop=True)
