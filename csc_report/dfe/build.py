"""`csc-report benchmarks import DIR`: the shipped reference data, rebuilt from DfE's published files.

DfE publishes its children's social care statistics each autumn as CSV files ("standard statistics"
format: `time_period`, `geographic_level`, `region_code`, `old_la_code`, ...) and LAIT as one long table.
An authority drops the new files into a folder and runs the command; nothing else changes. The folder is
searched recursively for the files by name, so the layout of `../shared/reference/dfe/` (or a plain
download folder) both work:

    c1_*referrals_and_rereferrals*.csv   referrals, re-referrals %
    c4_*section_47s_and_icpcs*.csv       S47s, ICPCs and their durations
    d3_*subsequent_plan*.csv             second or subsequent CP plans %
    d5_*at31march_by_duration*.csv       CP plans at 31 March, by how long they had lasted
    cla_number_and_rate*.csv             looked-after rate at 31 March
    *population*0_17*.csv (ONS)          children aged 0-17 by area, mid-year
    statistical_neighbours*.csv          DfE's statistical neighbour lists (both layouts)
    bds_long*.parquet (LAIT)             assessments in 45 days, care leavers NEET, workforce; and the
                                         looked-after rate for years the CLA file does not cover
    *characteristics_of_children_in_need*main_tables*.xlsx (optional)
                                         DfE's main tables of one year: the distributions beside the
                                         breakdowns (distributions.py), with c4's and d5's

Only the figures the report uses are kept, so the shipped data stay small. Rates DfE publishes only as
counts here (referrals, S47s, CP plans) are derived as count / ONS mid-year 0-17 population x 10,000 of
the year the reporting year starts in, which is how LAIT computes them (Peterborough's S47 rate for
2017-18: 998 / 51,262 x 10,000 = 194.7, LAIT's figure).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from csc_report.dfe import distributions
from csc_report.dfe.measures import ENGLAND, SUBREGIONS, published
from csc_report.errors import UsageError

FILES = {
    "c1": "c1_*referrals_and_rereferrals*.csv",
    "c4": "c4_*section_47s_and_icpcs*.csv",
    "d3": "d3_*subsequent_plan*.csv",
    "d5": "d5_*at31march_by_duration*.csv",
    "cla": "cla_number_and_rate*.csv",
    "population": "ons_*population*0_17*.csv",
}
OPTIONAL = ("cla",)
LAIT = "bds_long*.parquet"
NEIGHBOURS = "statistical_neighbours*.csv"

# LAIT's short names of the measures the report takes from it.
LAIT_MEASURES = {
    "assessments_in_45wd_pct": "Continue_Assess_Comp",
    "care_leavers_19_21_neet_pct": "CareLeaversNEET",
    "care_leavers_19_21_suitable_accommodation_pct": "CareLeaverAcc",
    "cin_rate_per_10k": "CIN",
    "cp_reviews_in_time_pct": "RevCP",
    "cp_ended_2yrs_plus_r12_pct": "CPPlans2yrs",
    "cla_health_in_date_pct": "LACHealth%",
    "cla_dental_in_date_pct": "LACDental%",
    "cla_missing_pct": "Children_missing",
    "cla_long_term_stability_pct": "LAC_LongStable%",
    "sw_vacancy_rate_pct": "Work_Force_Vac_Rate",
    "sw_agency_rate_pct": "Work_Force_Agecy_Rate",
    "caseload_average": "Work_Force_AvgNumCase_SW",
    "cla_rate_per_10k": "LAC",
}
LAIT_ENGLAND = 970  # LAIT numbers England 970 and the regions 980-990 among the LA numbers
BENCHMARK_COLUMNS = ["indicator_id", "area_type", "area_code", "area", "year", "value", "status", "source"]
OUTPUTS = (
    "benchmarks.parquet",
    "population_0_17.csv",
    "areas.csv",
    "statistical_neighbours.csv",
    distributions.FILE,
)


def find(folder: Path, pattern: str, required: bool = True) -> Path | None:
    """The newest-named file matching `pattern` anywhere under `folder` (later years sort last)."""
    found = sorted(folder.rglob(pattern))
    if not found and required:
        raise UsageError(f"{folder}: no file matching {pattern} (see `csc-report benchmarks import --help`)")
    return found[-1] if found else None


def build(folder: Path) -> dict[str, pd.DataFrame]:
    """The reference tables from a folder of DfE files (see the module docstring)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    paths = {key: find(folder, pattern, key not in OPTIONAL) for key, pattern in FILES.items()}
    raw = {key: _read_statistics(path) for key, path in paths.items() if path is not None}
    population = _population(raw["population"])
    frames = [
        _percentages(raw["c1"], "re_referrals_pct", "rereferral_percent", "c1"),
        _percentages(raw["c1"], "re_referrals_r12_pct", "rereferral_percent", "c1"),
        _rate(raw["c1"], population, "referral_rate_r12_per_10k", "referral_count", "c1"),
        _rate(raw["c4"], population, "s47_rate_r12_per_10k", "Section47", "c4"),
        _share(raw["c4"], "icpc_in_15wd_pct", ["Duration_0-10_days", "Duration_11-15_days"], "ICPC", "c4"),
        _rate(raw["d5"], population, "cp_rate_per_10k", "CPP_At31", "d5"),
        _percentages(raw["d3"], "cp_second_subsequent_pct", "CPP_subsequent_percent", "d3"),
        _percentages(raw["d5"], "cp_open_2yrs_plus", "2_years_or_more_percent", "d5"),
    ]
    if "cla" in raw:
        cla = raw["cla"][raw["cla"]["population_type"].str.startswith("Children looked after on 31 March")]
        frames.append(_percentages(cla, "cla_rate_per_10k", "rate_per_10000", "cla"))
    areas = _areas(raw)
    lait = find(folder, LAIT, required=False)
    if lait is not None:
        frames.append(_lait(lait, areas))
    benchmarks = pd.concat(frames, ignore_index=True)
    # The statistics files come first; LAIT fills only the years they lack (the CLA rate before 2021).
    benchmarks = benchmarks.drop_duplicates(["indicator_id", "area_code", "year"], keep="first")
    benchmarks = benchmarks.sort_values(["indicator_id", "area_type", "area_code", "year"], kind="stable")
    return {
        "benchmarks.parquet": benchmarks[BENCHMARK_COLUMNS].reset_index(drop=True),
        "population_0_17.csv": population.sort_values(["area_code", "year"]).reset_index(drop=True),
        "areas.csv": areas,
        "statistical_neighbours.csv": _neighbours(folder),
        distributions.FILE: distributions.build(raw, find(folder, distributions.WORKBOOK, required=False)),
    }


def write(tables: dict[str, pd.DataFrame], out_dir: Path) -> dict[str, int]:
    """Write the tables into `out_dir` (replacing them); returns each file's size in bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, frame in tables.items():
        path = out_dir / name
        if name.endswith(".parquet"):
            frame.to_parquet(path, index=False, compression="zstd")
        else:
            frame.to_csv(path, index=False)
        sizes[name] = path.stat().st_size
    return sizes


def digest(folder: Path) -> str:
    """One hash of the reference files, to reload the warehouse's copy only when they change."""
    h = hashlib.sha256()
    for name in OUTPUTS:
        if (folder / name).exists():  # a folder rebuilt before distributions shipped lacks that one
            h.update(name.encode() + b"\0" + (folder / name).read_bytes())
    return h.hexdigest()


# --- reading DfE's files -----------------------------------------------------------------------------


def _read_statistics(path: Path) -> pd.DataFrame:
    """A DfE statistics CSV as text, with `area_type`, `area_code` and `area` for each row.

    Rows other than England, region and local authority (e.g. LAIT's statistical-neighbour averages in
    some releases) are left out. LA codes are DfE's three-digit `old_la_code`, which is what Annex A
    authorities are called by in this product (`874`).
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    level = frame["geographic_level"].str.strip().str.lower()
    frame["area_type"] = level.map({"national": "england", "regional": "region", "local authority": "la"})
    # Inner and Outer London are sub-regions: London is the region an authority is compared with
    frame = frame[
        frame["area_type"].notna() & ~frame["region_code"].isin(list(SUBREGIONS))
        | (frame["area_type"] == "la")
    ].copy()
    frame["area_code"] = np.select(
        [frame["area_type"] == "england", frame["area_type"] == "region"],
        [ENGLAND, frame["region_code"]],
        default=frame["old_la_code"].str.strip(),
    )
    frame["area"] = np.select(
        [frame["area_type"] == "england", frame["area_type"] == "region"],
        ["England", frame["region_name"]],
        default=frame["la_name"],
    )
    frame["year"] = frame["time_period"].str[:4].astype(int)
    return frame


def _result(frame: pd.DataFrame, indicator_id: str, value, status, source: str) -> pd.DataFrame:
    out = frame[["area_type", "area_code", "area", "year"]].copy()
    out["indicator_id"] = indicator_id
    out["value"] = pd.Series(value, index=frame.index).round(4)  # derived rates: 4 dp is plenty
    out["status"] = status
    out["source"] = source
    return out


def _percentages(frame: pd.DataFrame, indicator_id: str, column: str, table: str) -> pd.DataFrame:
    value, status = published(frame[column])
    return _result(frame, indicator_id, value, status, f"DfE {table}: {column}")


def _share(frame: pd.DataFrame, indicator_id: str, parts: list[str], total: str, table: str) -> pd.DataFrame:
    """sum(parts) / total x 100; suppressed when any part or the total is."""
    values = [published(frame[c]) for c in [*parts, total]]
    numerator = sum(v for v, _ in values[:-1])
    denominator = values[-1][0]
    status = pd.Series("", index=frame.index)
    for _, s in values:
        status = status.where(status != "", s)
    share = (numerator / denominator.where(denominator > 0) * 100).where(status == "")
    status = status.where((status != "") | share.notna(), "z")  # no ICPCs: not applicable
    return _result(frame, indicator_id, share, status, f"DfE {table}: ({' + '.join(parts)}) / {total} x 100")


def _population(frame: pd.DataFrame) -> pd.DataFrame:
    """ONS mid-year 0-17 estimates: area_code, area_type, year (the mid-year), population_0_17."""
    out = frame[["area_code", "area_type", "year"]].copy()
    out["population_0_17"] = pd.to_numeric(frame["population_estimate"], errors="coerce")
    return out.dropna().astype({"population_0_17": "int64"}).drop_duplicates(["area_code", "year"])


def _rate(frame: pd.DataFrame, population: pd.DataFrame, indicator_id: str, column: str, table: str):
    """count / ONS 0-17 population of the mid-year the reporting year starts in x 10,000."""
    count, status = published(frame[column])
    pop = population.set_index(["area_code", "year"])["population_0_17"]
    keys = pd.MultiIndex.from_arrays([frame["area_code"], frame["year"] - 1])
    denominator = pd.Series(pop.reindex(keys).to_numpy(), index=frame.index)
    rate = count / denominator * 10_000
    status = status.where((status != "") | rate.notna(), "x")  # no population for that area and year
    return _result(
        frame, indicator_id, rate, status, f"DfE {table}: {column} / ONS mid-year 0-17 population x 10,000"
    )


def _areas(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """la_code, la_name, region_code, region_name: each authority's region as of its latest row."""
    rows = pd.concat([f[f["area_type"] == "la"] for f in raw.values()], ignore_index=True)
    rows = rows.sort_values("year").drop_duplicates("area_code", keep="last")
    region = rows["region_code"].replace(SUBREGIONS)
    names = {
        code: name
        for f in raw.values()
        for code, name in f.loc[f["area_type"] == "region", ["area_code", "area"]].itertuples(index=False)
    }
    out = pd.DataFrame(
        {
            "la_code": rows["area_code"],
            "la_name": rows["area"],
            "region_code": region,
            "region_name": region.map(names),
        }
    )
    return out.sort_values("la_code").reset_index(drop=True)


def _lait(path: Path, areas: pd.DataFrame) -> pd.DataFrame:
    """The LAIT measures of LAIT_MEASURES, for single years (`2016`, or `2015-16` read as 2016)."""
    lait = pd.read_parquet(path, columns=["Short Desc", "Years", "LA and Regions", "Values", "LA Number"])
    lait = lait[lait["Short Desc"].isin(set(LAIT_MEASURES.values()))].copy()
    years = lait["Years"].astype(str).str.strip()
    single = years.str.fullmatch(r"\d{4}")
    span = years.str.fullmatch(r"\d{4}-\d{2}")
    lait["year"] = np.where(single, years.str[:4], np.where(span, "20" + years.str[-2:], ""))
    lait = lait[lait["year"] != ""].copy()
    lait["year"] = lait["year"].astype(int)
    number = pd.to_numeric(lait["LA Number"], errors="coerce").astype("Int64")
    region_codes = _lait_region_codes(areas)
    name = lait["LA and Regions"].astype(str)
    is_region = number > LAIT_ENGLAND
    lait["area_type"] = np.where(number == LAIT_ENGLAND, "england", np.where(is_region, "region", "la"))
    lait["area_code"] = np.where(
        number == LAIT_ENGLAND,
        ENGLAND,
        np.where(is_region, name.map(lambda n: region_codes.get(_key(n), "")), number.astype(str)),
    )
    lait["area"] = name
    lait = lait[lait["area_code"] != ""]  # LAIT's Inner and Outer London: London is the region
    value, status = published(lait["Values"].replace("-", "x"))
    by_measure = {v: k for k, v in LAIT_MEASURES.items()}
    out = _result(lait, "", value, status, "")
    out["indicator_id"] = lait["Short Desc"].map(by_measure)
    out["source"] = "DfE LAIT: " + lait["Short Desc"]
    return out


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _lait_region_codes(areas: pd.DataFrame) -> dict[str, str]:
    return {
        _key(n): c for c, n in areas[["region_code", "region_name"]].drop_duplicates().itertuples(index=False)
    }


def _neighbours(folder: Path) -> pd.DataFrame:
    """la_code, model (the year DfE issued the list), rank 1-10, neighbour_code; from every list found.

    Two layouts are read: the 2021 list (`LA num`, `SN1`..`SN10`) and the 2025 wide file (`old_la_code`,
    `SN_1`..`SN_10`). The model year is the first four-digit year in the file name.
    """
    rows = []
    for path in sorted(folder.rglob(NEIGHBOURS)):
        model = int(re.search(r"(20\d\d)", path.name).group(1))
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        code = "old_la_code" if "old_la_code" in frame.columns else "LA num"
        for rank in range(1, 11):
            column = f"SN_{rank}" if f"SN_{rank}" in frame.columns else f"SN{rank}"
            part = frame[[code, column]].set_axis(["la_code", "neighbour_code"], axis=1)
            rows.append(part.assign(model=model, rank=rank))
    if not rows:
        raise UsageError(f"{folder}: no file matching {NEIGHBOURS}")
    out = pd.concat(rows, ignore_index=True)
    out = out[(out["la_code"].str.strip() != "") & (out["neighbour_code"].str.strip() != "")]
    return out[["la_code", "model", "rank", "neighbour_code"]].sort_values(["model", "la_code", "rank"])
