"""The demo inbox generator: layout, exact headers, reproducibility, overlapping snapshots, calibration."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from pathlib import Path

import fastexcel
import pandas as pd
import pytest
from openpyxl import load_workbook

from csc_report.generate import generate_inbox
from csc_report.generate.layout import TITLES, headers

ROOT = Path(__file__).resolve().parents[1]
LA = "874"


def _sheet(path: Path, name: str, header: bool = True) -> pd.DataFrame:
    """A sheet as strings; with header=True the template's row 2 is the header row."""
    reader = fastexcel.read_excel(path)
    sheet = reader.load_sheet_by_name(name, header_row=1 if header else None, dtypes="string")
    return sheet.to_pandas()


def _dates(s: pd.Series) -> pd.Series:
    """Excel dates come back as ISO text; a few cells are deliberately typed as dd/mm/yyyy text."""

    def parse(v):
        if v is None or v != v:
            return pd.NaT
        if re.fullmatch(r"\d\d/\d\d/\d{4}", v):
            return pd.to_datetime(v, dayfirst=True)
        return pd.Timestamp(v[:10])

    return s.map(parse)


def _annex(root: Path, month: str) -> Path:
    return root / LA / month / f"annex_a_{month}.xlsx"


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("small")
    return out, generate_inbox(out, end="2013-06", months=2, scale=0.2, seed=7)


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_other_bytes(small, tmp_path):
    """`small` was written by this process; the same inbox again by two writer processes (the demo's way)."""
    out, _ = small
    again = generate_inbox(tmp_path / "again", end="2013-06", months=2, scale=0.2, seed=7, workers=2)
    assert len(again) == 2
    assert _hashes(tmp_path / "again") == _hashes(out)
    generate_inbox(tmp_path / "other", end="2013-06", months=2, scale=0.2, seed=8)
    assert (
        _hashes(tmp_path / "other")[f"{LA}/2013-06/annex_a_2013-06.xlsx"]
        != _hashes(out)[f"{LA}/2013-06/annex_a_2013-06.xlsx"]
    )


def test_a_streamed_workbook_holds_the_same_cells_as_one_built_in_memory(tmp_path, monkeypatch):
    """Large workbooks are streamed (text inline), small ones built in memory (shared strings): the cells
    read back are the same, messy ones included, and the same content still gives the same bytes."""
    from csc_report.generate import xlsx

    rows = [["Child ID", "Date", "Count"], ["C1", dt.date(2013, 6, 30), 3], ["=1+1", None, 2.5]]
    rows += [["#N/A", "31/06/2013", None], ["C1", " http://x ", 0]]
    sheets = [("List 1", rows), ("List 2", rows[:2])]
    written = {}
    for name, streamed_from in (("memory", 1_000), ("streamed", 1), ("streamed-again", 1)):
        monkeypatch.setattr(xlsx, "STREAMED_FROM", streamed_from)
        xlsx.save(sheets, tmp_path / f"{name}.xlsx", "test")
        reader = fastexcel.read_excel(tmp_path / f"{name}.xlsx")
        written[name] = [
            reader.load_sheet_by_name(sheet, header_row=None, dtypes="string").to_arrow().to_pylist()
            for sheet in reader.sheet_names
        ]
    assert written["memory"] == written["streamed"]
    assert written["memory"][0][2] == {"__UNNAMED__0": "=1+1", "__UNNAMED__1": None, "__UNNAMED__2": "2.5"}
    data = {name: (tmp_path / f"{name}.xlsx").read_bytes() for name in written}
    assert data["streamed"] == data["streamed-again"] != data["memory"]


def test_messy_cells_keep_their_types_and_dates_their_format(small):
    """The writer must not tidy up what the reader is there to find: numeric ids stay numbers, text dates
    and ``#N/A`` stay text, names keep their non-breaking spaces; real dates show as dd/mm/yyyy."""
    out, _ = small
    workbook = load_workbook(_annex(out, "2013-06"), read_only=True)
    found, date_formats = set(), set()
    for sheet in workbook.worksheets[1:]:
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                v = cell.value
                if isinstance(v, dt.datetime):
                    date_formats.add(cell.number_format)
                elif isinstance(v, int) and cell.column == 1:
                    found.add("numeric id")
                elif isinstance(v, str) and re.fullmatch(r"\d\d/\d\d/\d{4}", v):
                    found.add("text date")
                elif v == "#N/A":
                    found.add("#N/A team")
                elif isinstance(v, str) and "\xa0" in v:
                    found.add("non-breaking space")
    workbook.close()
    assert found == {"numeric id", "text date", "#N/A team", "non-breaking space"}
    assert date_formats == {"dd/mm/yyyy"}


def test_folder_layout_and_population(small):
    out, folders = small
    assert folders == [out / LA / "2013-05", out / LA / "2013-06"]
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == [f"annex_a_{folder.name}.xlsx", "workforce.xlsx"]
    assert (out / "reference" / "targets.yaml").read_text() == (
        ROOT / "config" / "demo_targets.yaml"
    ).read_text()
    assert (out / "reference" / "authorities.csv").read_text() == "la_code,la_name\n874,Fenborough\n"
    rows = list(csv.DictReader((out / "reference" / "population.csv").open()))
    assert [r["year"] for r in rows] == [str(y) for y in range(2010, 2026)]  # up to the 2024 demo's 2025
    assert {r["la_code"] for r in rows} == {LA}
    assert int(next(r for r in rows if r["year"] == "2013")["population_0_17"]) == round(45_774 * 0.2)


def test_every_list_has_title_row_header_row_and_data(small):
    out, _ = small
    path = _annex(out, "2013-06")
    assert fastexcel.read_excel(path).sheet_names == ["Front_Sheet"] + [f"List_{n}" for n in range(1, 12)]
    for n in range(1, 12):
        sheet = _sheet(path, f"List_{n}", header=False)
        assert sheet.iloc[0, 0] == TITLES[n]
        assert sheet.iloc[1].tolist() == headers(n, "pre2014"), f"List {n}"
        assert len(sheet) > 2, f"List {n} has no data rows"


def test_headers_are_the_ofsted_2019_template_strings(samples_dir):
    template = samples_dir / "fddc_example-B-2004_ofsted_template_aug2019.xlsx"
    for n in range(1, 12):
        theirs = _sheet(template, f"List_{n}", header=False)
        assert theirs.iloc[0, 0] == TITLES[n]
        assert [h for h in theirs.iloc[1].tolist() if h is not None] == headers(n, "2019"), f"List {n}"
    pre2014 = headers(4, "pre2014")
    assert pre2014[pre2014.index("Assessment Type") + 1] == "Continuous Assessment Start Date"


def test_pre2014_assessment_types_and_2024_list_9(tmp_path):
    generate_inbox(tmp_path / "pre", months=1, scale=0.2)
    assert set(_sheet(_annex(tmp_path / "pre", "2013-06"), "List_4")["Assessment Type"]) == {
        "Initial",
        "Core",
    }
    generate_inbox(tmp_path / "new", months=1, scale=0.2, layout="2024")
    path = _annex(tmp_path / "new", "2013-06")
    assert "Assessment Type" not in _sheet(path, "List_4").columns
    list9 = _sheet(path, "List_9")
    assert list(list9.columns) == headers(9, "2024")
    assert _dates(list9["Latest Pathway Plan Review Date"]).notna().all()
    with pytest.raises(ValueError, match="layout"):
        generate_inbox(tmp_path / "bad", layout="2015")


def test_snapshots_overlap_and_never_show_the_future(small):
    out, _ = small
    may, june = (_sheet(_annex(out, m), "List_4") for m in ("2013-05", "2013-06"))
    key = ["Child Unique ID", "Assessment Type", "Continuous Assessment Start Date"]
    for df in (may, june):
        df["start"] = _dates(df["Continuous Assessment Start Date"])
        df["auth"] = _dates(df["Continuous Assessment Date of Authorisation"])
    assert may["auth"].max() <= pd.Timestamp("2013-05-31") and may["start"].max() <= pd.Timestamp(
        "2013-05-31"
    )
    both = may.merge(june, on=key, suffixes=("_may", "_june"))
    assert len(both) > 0.5 * len(may)  # most of May's rows are still in scope in June
    finished_in_june = both["auth_may"].isna() & (both["auth_june"] >= pd.Timestamp("2013-06-01"))
    assert finished_in_june.any()  # open in May's extract, authorised in June's


def test_workforce_matches_seed_report_in_end_month(tmp_path):
    generate_inbox(tmp_path, months=1, scale=1.0)
    wf = fastexcel.read_excel(tmp_path / LA / "2013-06" / "workforce.xlsx").load_sheet(0).to_pandas()
    establishment = wf["Establishment FTE"].sum()
    assert establishment == pytest.approx(81.0)
    assert establishment - wf["Filled FTE"].sum() == pytest.approx(12.8)
    assert wf["Agency FTE"].sum() == pytest.approx(14.0)
    assert wf["Agency Reason"].value_counts().to_dict() == {"Vacancy": 11, "Maternity": 3}
    assert wf["Starter Date"].notna().sum() == 4 and wf["Leaver Date"].notna().sum() == 1


def test_calibration_june_2013_at_scale_1(tmp_path):
    """Counts computed from the workbook itself, the way an analyst would, land near the seed report's."""
    generate_inbox(tmp_path, months=2, scale=1.0, seed=42)
    path = _annex(tmp_path, "2013-06")
    asat, start = pd.Timestamp("2013-06-30"), pd.Timestamp("2013-06-01")

    referrals = _dates(_sheet(path, "List_3")["Date of referral"])
    assert abs(referrals.between(start, asat).sum() - 214) <= 40

    cp = _sheet(path, "List_7")
    cp_end = _dates(cp["Child Protection Plan End Date"])
    assert (
        abs(
            (
                (_dates(cp["Child Protection Plan Start Date"]) <= asat) & (cp_end.isna() | (cp_end > asat))
            ).sum()
            - 220
        )
        <= 40
    )

    cla = _sheet(path, "List_8")
    cla_end = _dates(cla["Date Ceased to be Looked After "])
    open_ = (_dates(cla["Date Started to be Looked After"]) <= asat) & (cla_end.isna() | (cla_end > asat))
    short_breaks = cla["Child's Legal Status"].str.contains("V3|V4", na=False)
    assert short_breaks[open_].sum() > 0
    assert abs((open_ & ~short_breaks).sum() - 358) <= 50


def test_population_covers_every_year_generated(tmp_path):
    """Issue 34: a demo of a later month must find its own (scaled) estimate, not fall to the shipped ONS
    figure of the real code: for a table that ends in 2014, 2015 and 2016 hold 2014's 46,150 x 0.5 =
    23,075."""
    from csc_report.generate import write_population

    write_population(tmp_path / "population.csv", LA, {2013: 45_774, 2014: 46_150}, 0.5, last_year=2016)
    rows = list(csv.DictReader((tmp_path / "population.csv").open()))
    assert [(r["year"], r["population_0_17"]) for r in rows][-3:] == [
        ("2014", "23075"),
        ("2015", "23075"),
        ("2016", "23075"),
    ]
