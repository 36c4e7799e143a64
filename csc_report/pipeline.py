"""The stages of one monthly run as plain functions: what each Prefect task calls.

Each stage takes and returns plain values so that a test can run the whole path without Prefect, and
`flows/` stays a thin composition. The order is fixed by the data's path: discover, read, validate,
load, indicators, publish. Nothing is written to the warehouse before validation has passed, and the
load is one transaction, so a failed run leaves the warehouse as it was.
"""

from __future__ import annotations

import calendar
import csv
import shutil
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from csc_report import (
    actions,
    breakdowns,
    export,
    indicator_catalogue,
    indicators,
    key_guard,
    phases,
    standards,
    warehouse,
    warehouse_reference,
    warehouse_results,
)
from csc_report import targets as targets_mod
from csc_report.arguments import no_inbox
from csc_report.authority_config import config_path, load_authority_config
from csc_report.dfe import lookup as benchmarks
from csc_report.errors import DataError, ExtractMissing
from csc_report.issues import Issue, write_data_quality
from csc_report.months import month_start
from csc_report.prepared_cache import Prepared, install, prepared_tables
from csc_report.publish import parse_commentary, publish_report, write_index
from csc_report.publish.index import published_on_disk
from csc_report.report_context import build_report_context
from csc_report.settings import RunPaths
from csc_report.transforms.extract import Extract
from csc_report.transforms.pseudonymise import pseudonymise, read_key
from csc_report.transforms.read import find_month_files, is_workforce, read_extract
from csc_report.validation import validate_extract


@dataclass(frozen=True)
class Period:
    """Calendar month M of contract section 2: p_start, p_end and asat (= p_end)."""

    month: str  # YYYY-MM

    @property
    def p_start(self) -> date:
        year, mon = map(int, self.month.split("-"))
        return date(year, mon, 1)

    @property
    def p_end(self) -> date:
        start = self.p_start
        return date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])

    @property
    def asat(self) -> date:
        return self.p_end


# --- stages ---------------------------------------------------------------------------------------


def discover(paths: RunPaths, la: str, month: str) -> list[Path]:
    """The input files of one month; a missing month folder means the data have not arrived yet.

    So does a folder without an Annex A extract (the workforce file often comes before it): the month
    waits for its extract rather than publishing a report whose every case figure is "not available",
    which would also mark the month done and have to be forced once the extract came. The authority's
    settings are checked here too, so that a bad config.yaml stops the run before any
    work is done rather than after reading and validating the extract.
    """
    if not paths.inbox.is_dir():
        raise no_inbox(str(paths.inbox))
    load_authority_config(config_path(paths.inbox, la))
    month_dir = paths.month_dir(la, month)
    if not month_dir.is_dir():
        raise ExtractMissing(f"{month_dir}: no extract for {la} {month} in the inbox yet (folder missing)")
    present = sorted(p.name for p in month_dir.iterdir() if p.is_file() and not p.name.startswith((".", "~")))
    files = find_month_files(month_dir) if present else []
    if all(is_workforce(p) for p in files):
        holds = f"the folder holds only {', '.join(present)}" if present else "the folder is empty"
        raise ExtractMissing(f"{month_dir}: no Annex A extract for {la} {month} yet ({holds})")
    return files


def prepare(
    files: list[Path],
    la_aliases: Path | None,
    la: str,
    month: str,
    key_file: Path,
    entry: Path,
    stopped_dir: Path | None = None,
    la_settings: Path | None = None,
) -> Prepared:
    """Read, validate and pseudonymise; write the tables as Parquet and the Data Docs into `entry`.

    One unit of work so that what is kept between runs is already pseudonymised. An `error` issue
    stops the run here, before anything is loaded; the month's outputs folder (`stopped_dir`) then gets
    data_quality.csv and the Data Docs, so the engineer sees every issue and not only the first.

    Runs of one month with the same inputs share `entry` (forced runs may prepare it at the same time),
    so everything is built in a folder of this run's own and only then moved in whole
    (`prepared_cache.install`): GX's Data Docs build deletes pages it did not make from its site, and a
    failed run must not delete what another run is about to load.
    """
    timings = {}
    extract = result = None
    building = entry / f".building-{uuid.uuid4().hex}"
    try:
        started = time.perf_counter()
        extract = read_extract(files, la_aliases=la_aliases)
        timings["read"] = time.perf_counter() - started
        started = time.perf_counter()
        result = validate_extract(
            extract,
            Period(month).asat,
            data_docs_dir=(building / "data_docs").resolve(),
            overrides=load_authority_config(la_settings).severity if la_settings else None,
        )
        result.raise_for_errors()
        timings["validate"] = time.perf_counter() - started
        started = time.perf_counter()
        safe = pseudonymise(result.extract, read_key(key_file), la)
        (building / "tables").mkdir(parents=True, exist_ok=True)
        for list_id, table in safe.tables.items():
            pq.write_table(table, building / "tables" / f"{list_id}.parquet")
        timings["pseudonymise"] = time.perf_counter() - started
        install(building, entry)
    except DataError as exc:
        found = result.extract.issues if result else extract.issues if extract else []
        where = write_stopped(stopped_dir, found, building / "data_docs") if stopped_dir and found else None
        if where is None:
            raise
        raise DataError(f"{exc}; {where}") from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
        with suppress(OSError):
            entry.rmdir()  # only when empty: a run that stopped leaves no entry behind
    return Prepared(
        columns_present=safe.columns_present,
        issues=safe.issues,
        rejected=result.rejected,
        files=safe.files,
        layout=safe.layout,
        row_counts=extract.row_counts(),
        timings=timings,
        prepared_rows={list_id: table.num_rows for list_id, table in safe.tables.items()},
    )


def write_stopped(out_dir: Path, issues: list[Issue], data_docs: Path | None) -> str:
    """A stopped month's outputs: data_quality.csv with every issue, and the Data Docs of what was
    checked; returns where they are, for the one-line message."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = write_data_quality(issues, out_dir / "data_quality.csv")
    where = f"every issue is in {csv_path}"
    docs = out_dir / "data_docs"
    if data_docs is not None and data_docs.is_dir():
        if data_docs.resolve() != docs.resolve():  # `validate --out` builds them in place
            shutil.rmtree(docs, ignore_errors=True)
            shutil.copytree(data_docs, docs)
        where += f" and the Data Docs in {docs}"
    return where


def load(
    paths: RunPaths, la: str, month: str, prepared: Prepared, entry: Path, load_id: str
) -> dict[str, int]:
    """Replace the month's snapshot with the prepared extract, in one transaction, with the snapshot
    window of the authority's config.yaml (contract 1.2); then the inbox's reference data (population,
    targets, authority names) and the month's commentary, which indicators and publishing read from the
    warehouse. Every file is read and checked before anything is written, and the run's key before the
    snapshot: it must be the one the file records (csc_report.key_guard), which the first load records."""
    tables = prepared_tables(prepared, entry)
    extract = Extract(tables, prepared.columns_present, prepared.issues, prepared.files, prepared.layout)
    reference = paths.inbox / "reference"
    population_csv = reference / "population.csv"
    authority = load_authority_config(config_path(paths.inbox, la))
    targets = targets_mod.load_targets(
        reference / "targets.yaml", known_ids=indicator_catalogue.catalogue()[0]["indicator_id"]
    )
    names = authority_names(reference / "authorities.csv")
    commentary_md = paths.month_dir(la, month) / "commentary.md"
    commentary = parse_commentary(commentary_md) if commentary_md.exists() else {}
    changes = phases.load_changes(
        paths.inbox / la / phases.FILE_NAME, phases.known_names(indicator_catalogue.catalogue()[0])
    )
    con = warehouse.connect(paths.warehouse_file(la))
    try:
        warehouse.apply_schema(con)
        if population_csv.exists():
            warehouse_reference.load_population(con, population_csv)
        benchmarks.load_reference(con)
        new_key = key_guard.bind(con, paths, la, tables)
        counts = warehouse.load_snapshot(
            con,
            la,
            month,
            extract,
            load_id,
            quarantine=prepared.rejected,
            window_months=authority.window_months,
        )
        standards.store(con, la, month_start(month), authority.standards)
        key_guard.record(con, new_key)
        warehouse_reference.load_targets(con, targets)
        warehouse_reference.load_authorities(con, names)
        warehouse_reference.load_commentary(con, la, month, commentary)
        warehouse_reference.load_changes(con, la, changes)
        return counts
    finally:
        con.close()


def authority_names(path: Path) -> dict[str, str]:
    """la_code -> display name from `reference/authorities.csv` ({} when absent); the first row of a
    code wins."""
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str)
    if not {"la_code", "la_name"} <= set(table.columns):
        raise DataError(f"{path}: header must include la_code,la_name, found {','.join(table.columns)}")
    table = table.dropna(subset=["la_code", "la_name"]).drop_duplicates("la_code")
    return dict(zip(table["la_code"], table["la_name"], strict=True))


def compute(paths: RunPaths, la: str, month: str) -> int:
    """Compute the month's indicators and tables from the warehouse (targets included) and store them
    there; returns how many indicators. Each list's history is computed once for the month
    (warehouse.pinned_month), not in each of the hundred-odd queries that read it, and so are the
    standards in force (indicators.pinned_standards). One DuckDB thread: the hundred-odd queries are
    small and mostly planning, and a second thread only added CPU (docs/performance.md)."""
    con = warehouse.connect(paths.warehouse_file(la))
    try:
        con.execute("SET threads = 1")
        with warehouse.pinned_month(con, la, month), indicators.pinned_standards(con, la, month):
            targets = warehouse_reference.stored_targets(con)
            rows = indicators.compute_indicators(con, la, month, targets=targets)
            tables = indicators.compute_tables(con, la, month)
            missing = {row["indicator_id"] for row in rows if pd.isna(row["value"])}
            tables |= breakdowns.compute(con, indicators.month_parameters(con, la, month), missing)
        warehouse_results.store_results(con, la, month, rows, tables)
        directions = {i: target.direction for i, target in targets.items()}
        export.refresh(con, la, month, directions)
        return len(rows)
    finally:
        con.close()


def publish(
    paths: RunPaths, la: str, month: str, issues: list[Issue], entry: Path, profile: str = "public"
) -> dict[str, Path]:
    """Render the month's report from the warehouse, with the Data Docs made when it was validated, and
    the outputs index from the warehouse's `runs` table and this month.

    Publish reads no data from the inbox, only the authority's config.yaml for the paper's layout. Under
    the internal profile it also writes the month's child-level action lists (`actions/`, owner-only,
    csc_report.actions); under the public profile a month keeps none.
    """
    out_dir = paths.output_dir(la, month)
    con = warehouse.connect(paths.warehouse_file(la), read_only=True)
    try:
        ctx = build_report_context(con, la, month, issues)
        ctx.layout = load_authority_config(config_path(paths.inbox, la)).report_layout
        published = warehouse_results.published_months(con)
        names = warehouse_reference.la_names(con)
        if profile == "internal":
            out_dir.mkdir(parents=True, exist_ok=True)
            actions.write_actions(con, la, month, out_dir)
        else:
            actions.clear_actions(out_dir)
    finally:
        con.close()
    if (entry / "data_docs").is_dir():
        shutil.rmtree(out_dir / "data_docs", ignore_errors=True)
        shutil.copytree(entry / "data_docs", out_dir / "data_docs")
    written = publish_report(ctx, out_dir, profile=profile)
    # this month's run is recorded once it is published, so it is not in `runs` yet
    write_index(
        paths.outputs, [*published_on_disk(paths.outputs, names), *published, (la, ctx.la_name, month)]
    )
    return written


def headline_rows(out_dir: Path) -> list[dict[str, str]]:
    """The published indicators as rows of text, for a table in the Prefect UI."""
    with (out_dir / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        return [
            {
                "section": row["section"],
                "indicator": row["label"],
                "value": _display(row["value"], row["unit"]),
                "target": _display(row["target"], row["unit"]),
                "rag": row["rag"],
            }
            for row in csv.DictReader(handle)
        ]


def _display(value: str, unit: str) -> str:
    if not value:
        return ""
    return f"{float(value):,.0f}" if unit == "count" else f"{float(value):,.1f}"
