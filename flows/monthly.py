"""The monthly report flow and the backfill flow that runs a range of months in order.

Both compose the same tasks through `run_month`; backfill does so inside one flow run rather than one
sub-flow per month, because each flow run carries about a second of engine overhead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from csc_report import pipeline
from csc_report.errors import CscError
from csc_report.months import months_between, parse_month, previous_month
from csc_report.settings import RunPaths
from flows import tasks


@dataclass
class MonthOutcome:
    """What one month's run ended with; the CLI prints it and backfill reports a list of them."""

    la_code: str
    month: str
    status: str  # "done" | "failed"
    message: str
    output_dir: str
    indicators: int = 0


def run_month(paths: RunPaths, la: str, month: str, profile: str = "public") -> MonthOutcome:
    """Discover, read, validate, load, compute and publish one month, recording run.json either way.

    A data error is recorded as the month's outcome and re-raised, so the flow run ends Failed with
    the one-line message that names file, sheet, row and rule.
    """
    logger = get_run_logger()
    out_dir = paths.output_dir(la, month)
    record = pipeline.RunRecord(la_code=la, month=month, flow_run_id=str(flow_run.get_id() or ""))
    try:
        files, record.timings["discover"] = tasks.discover(paths, la, month)
        record.inputs = [{"file": f.name, "sha256": pipeline.file_sha256(f)} for f in files]
        la_aliases = paths.inbox / la / "aliases.yaml"
        extract, record.timings["read"] = tasks.read(files, la_aliases if la_aliases.exists() else None)
        record.row_counts = extract.row_counts()
        result, record.timings["validate"] = tasks.validate(extract, month, out_dir / "data_docs")
        logger.info(
            "%s %s: %d rows read, %d issues",
            la,
            month,
            sum(record.row_counts.values()),
            len(result.extract.issues),
        )
        _, record.timings["load"] = tasks.load(paths, la, month, result, record.run_id)
        count, record.timings["indicators"] = tasks.compute(paths, la, month)
        _, record.timings["publish"] = tasks.publish(paths, la, month, result.extract.issues, profile)
    except CscError as exc:
        record.finish("failed", str(exc), out_dir)
        raise
    message = f"{count} indicators published"
    record.finish("done", message, out_dir, paths.warehouse)
    return MonthOutcome(la, month, "done", message, str(out_dir), count)


@flow(name="monthly-report")
def monthly_report(
    la: str,
    inbox: str,
    month: str | None = None,
    warehouse: str = "warehouse/csc.duckdb",
    outputs: str = "outputs",
    key_file: str | None = None,
    profile: str = "public",
) -> MonthOutcome:
    """One authority's report for one month, from its inbox folder to published outputs.

    Without a month (the scheduled run) it reports the previous calendar month.
    """
    paths = RunPaths(Path(inbox), Path(warehouse), Path(outputs), Path(key_file) if key_file else None)
    month = parse_month(month) if month else previous_month()
    return run_month(paths, la, month, profile)


@flow(name="backfill")
def backfill(
    la: str,
    first: str,
    last: str,
    inbox: str,
    warehouse: str = "warehouse/csc.duckdb",
    outputs: str = "outputs",
    key_file: str | None = None,
    profile: str = "public",
) -> list[MonthOutcome]:
    """Every month from `first` to `last` in order; a failed month is reported and the rest go on."""
    paths = RunPaths(Path(inbox), Path(warehouse), Path(outputs), Path(key_file) if key_file else None)
    outcomes = []
    for month in months_between(parse_month(first), parse_month(last)):
        try:
            outcomes.append(run_month(paths, la, month, profile))
        except CscError as exc:
            outcomes.append(MonthOutcome(la, month, "failed", str(exc), str(paths.output_dir(la, month))))
        line = f"{la} {month}: {outcomes[-1].status} - {outcomes[-1].message}"
        get_run_logger().info(line)
        print(line, flush=True)  # the terminal's progress display; the Prefect UI gets the log line
    return outcomes
