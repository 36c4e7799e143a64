"""The stages of one monthly run as plain functions: what each Prefect task calls.

Each stage takes and returns plain values so that a test can run the whole path without Prefect, and
`flows/` stays a thin composition. The order is fixed by the data's path: discover, read, validate,
load, indicators, publish. Nothing is written to the warehouse before validation has passed, and the
load is one transaction, so a failed run leaves the warehouse as it was.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import platform
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from csc_report import __version__, indicators, warehouse
from csc_report.errors import DataError
from csc_report.months import shift
from csc_report.publish import ReportContext, parse_commentary, publish_report, write_index
from csc_report.quality import Issue, issues_to_arrow
from csc_report.settings import RunPaths
from csc_report.validation import ValidationResult, validate_extract
from transforms.extract import Extract
from transforms.pseudonymise import load_or_create_key, pseudonymise
from transforms.read import find_month_files, read_extract


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
    """The input files of one month; a missing month folder is a clear data error, not a crash."""
    month_dir = paths.month_dir(la, month)
    if not month_dir.is_dir():
        raise DataError(f"{month_dir}: no extract for {la} {month} in the inbox yet (folder missing)")
    return find_month_files(month_dir)


def read(files: list[Path], la_aliases: Path | None = None) -> Extract:
    return read_extract(files, la_aliases=la_aliases)


def validate(extract: Extract, month: str, data_docs_dir: Path | None) -> ValidationResult:
    """Run the suites; an `error` issue stops the run here, before anything is loaded."""
    docs = data_docs_dir.resolve() if data_docs_dir else None
    result = validate_extract(extract, Period(month).asat, data_docs_dir=docs)
    result.raise_for_errors()
    return result


def load(paths: RunPaths, la: str, month: str, result: ValidationResult, load_id: str) -> dict[str, int]:
    """Pseudonymise, then replace the month's snapshot in one transaction."""
    key = load_or_create_key(paths.resolved_key_file())
    extract = pseudonymise(result.extract, key, la)
    population_csv = paths.inbox / "reference" / "population.csv"
    con = warehouse.connect(paths.warehouse)
    try:
        warehouse.apply_schema(con)
        if population_csv.exists():
            warehouse.load_population(con, population_csv)
        return warehouse.load_snapshot(con, la, month, extract, load_id, quarantine=result.rejected)
    finally:
        con.close()


def compute(paths: RunPaths, la: str, month: str) -> int:
    """Compute and store the month's indicators and tables; returns how many indicators."""
    targets_path = paths.inbox / "reference" / "targets.yaml"
    con = warehouse.connect(paths.warehouse)
    try:
        rows = indicators.compute_indicators(con, la, month, targets_path=targets_path)
        tables = indicators.compute_tables(con, la, month)
        indicators.store_results(con, la, month, rows, tables)
        return len(rows)
    finally:
        con.close()


def publish(
    paths: RunPaths, la: str, month: str, issues: list[Issue], profile: str = "public"
) -> dict[str, Path]:
    """Render the month's report from the warehouse; publish never reads the inbox's extracts."""
    con = warehouse.connect(paths.warehouse, read_only=True)
    try:
        ctx = build_report_context(con, paths, la, month, issues)
    finally:
        con.close()
    written = publish_report(ctx, paths.output_dir(la, month), profile=profile)
    write_index(paths.outputs)
    return written


def build_report_context(con, paths: RunPaths, la: str, month: str, issues: list[Issue]) -> ReportContext:
    rows = indicators.stored_indicators(con, la, month)
    previous_month, last_year_month = shift(month, -1), shift(month, -12)
    previous = indicators.stored_values(con, la, previous_month)
    last_year = indicators.stored_values(con, la, last_year_month)
    trends = {row["indicator_id"]: indicators.trend(con, la, row["indicator_id"], month) for row in rows}
    commentary_path = paths.month_dir(la, month) / "commentary.md"
    return ReportContext(
        la_code=la,
        la_name=la_name(paths, la),
        month=month,
        run_at=datetime.now(),
        indicators=rows,
        trends=trends,
        previous=previous,
        last_year=last_year,
        tables=indicators.stored_tables(con, la, month),
        data_quality=issues_to_arrow(issues).to_pandas(),
        dq_previous_counts=warehouse.dq_rule_counts(con, la, previous_month),
        commentary=parse_commentary(commentary_path) if commentary_path.exists() else {},
    )


def la_name(paths: RunPaths, la: str) -> str:
    """The authority's display name from `reference/authorities.csv` if given, else its code."""
    names = paths.inbox / "reference" / "authorities.csv"
    if names.exists():
        table = pd.read_csv(names, dtype=str)
        match = table.loc[table["la_code"] == la, "la_name"]
        if not match.empty:
            return str(match.iloc[0])
    return la


# --- run record -----------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    import duckdb
    import great_expectations
    import prefect

    return {
        "csc_report": __version__,
        "python": platform.python_version(),
        "prefect": prefect.__version__,
        "great_expectations": great_expectations.__version__,
        "duckdb": duckdb.__version__,
        "pyarrow": pa.__version__,
    }


@dataclass
class RunRecord:
    """What `run.json` says about one run (contract section 4)."""

    la_code: str
    month: str
    flow_run_id: str | None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: str = "running"
    message: str = ""
    inputs: list[dict] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    started_at: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    finished_at: str | None = None

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "la_code": self.la_code,
            "month": self.month,
            "status": self.status,
            "message": self.message,
            "flow_run_id": self.flow_run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "inputs": self.inputs,
            "row_counts": self.row_counts,
            "versions": versions(),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def finish(self, status: str, message: str, out_dir: Path, warehouse_path: Path | None = None) -> Path:
        """Write run.json; a completed run is also recorded in the warehouse's `runs` table.

        A failed run writes nothing to the warehouse: it must leave it exactly as it was.
        """
        self.status, self.message = status, message
        self.finished_at = datetime.now().isoformat(timespec="seconds")
        body = self.as_dict()
        if warehouse_path is not None:
            con = warehouse.connect(warehouse_path)
            try:
                warehouse.record_run(con, body)
            finally:
                con.close()
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / "run.json"
        path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        return path
