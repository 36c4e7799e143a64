"""publish_report: one month's outputs for one authority (contract section 4), from a ReportContext.

Writes report.md and report.html (the same model through two templates), their appendix of breakdowns
(appendix.md, appendix.html), scorecard.html (every measure of the month), charts/<id>.svg, indicators.csv,
tables/<id>.csv, tables.xlsx and data_quality.csv. Re-publishing a month replaces its charts and tables.
"""

from __future__ import annotations

import csv
import logging
import re
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from csc_report.issues import ISSUE_COLUMNS
from csc_report.publish.build import build_report
from csc_report.publish.context import ReportContext
from csc_report.publish.model import Report
from csc_report.publish.tables import plain_number
from csc_report.publish.workbook import write_workbook

log = logging.getLogger(__name__)

INDICATOR_COLUMNS = [
    "indicator_id", "label", "section", "period", "unit", "value",
    "numerator", "denominator", "target", "rag", "note",
]  # fmt: skip
NUMBER_COLUMNS = {"value", "numerator", "denominator", "target", "row"}
TEMPLATES = Path(__file__).parent / "templates"
RESOLVED_PERIOD = re.compile(r"^\d{4}-\d{2}")


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_row"] = _markdown_row
    env.filters["md_alt"] = lambda text: str(text).replace("[", "(").replace("]", ")")
    return env


def _markdown_row(cells, bold: bool = False) -> str:
    """`| a | b |`: pipes escaped, line breaks flattened, optionally bold (a total row)."""
    texts = [str(cell).replace("|", "\\|").replace("\n", " ") for cell in cells]
    if bold:
        texts = [f"**{text}**" if text else text for text in texts]
    return "| " + " | ".join(texts) + " |"


HTML = _environment(autoescape=True)
MARKDOWN = _environment(autoescape=False)


def publish_report(ctx: ReportContext, out_dir: Path, profile: str = "public") -> dict[str, Path]:
    """Write the month's outputs into `out_dir`; returns them keyed by path relative to it."""
    out_dir = Path(out_dir)
    report = build_report(ctx, profile)
    log.info("%d charts rendered in %.2f s", len(report.charts), report.chart_seconds)
    written: dict[str, Path] = {}

    def keep(path: Path) -> Path:
        written[path.relative_to(out_dir).as_posix()] = path
        return path

    # an earlier run's charts and tables go, with the PNG charts that earlier versions drew; those this run
    # writes again are overwritten rather than removed first (a month re-published has all of them)
    kept = {out_dir / chart.path for chart in report.charts} | {
        out_dir / "tables" / f"{table.id}.csv" for table in report.tables
    }
    for sub, patterns in (("charts", ("*.svg", "*.png")), ("tables", ("*.csv",))):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
        for stale in (p for pattern in patterns for p in (out_dir / sub).glob(pattern) if p not in kept):
            stale.unlink()
    for chart in report.charts:
        keep(out_dir / chart.path).write_bytes(chart.svg)
    for table in report.tables:
        table.write_csv(keep(out_dir / "tables" / f"{table.id}.csv"))
    notes = [report.disclosure_note] if report.disclosure_note else []
    write_workbook(report.tables, keep(out_dir / "tables.xlsx"), notes, scorecard=report.scorecard)
    _write_rows(keep(out_dir / "indicators.csv"), INDICATOR_COLUMNS, _indicator_rows(ctx))
    _write_rows(keep(out_dir / "data_quality.csv"), ISSUE_COLUMNS, _issue_rows(ctx.data_quality))
    for page in ("report", "appendix"):
        for kind in ("md", "html"):
            keep(out_dir / f"{page}.{kind}").write_text(render(report, f"{page}.{kind}.j2"), encoding="utf-8")
    keep(out_dir / "scorecard.html").write_text(render(report, "scorecard.html.j2"), encoding="utf-8")
    return written


def render(report: Report, template: str) -> str:
    env = HTML if template.endswith(".html.j2") else MARKDOWN
    return env.get_template(template).render(report=report)


def _indicator_rows(ctx: ReportContext):
    """Rows with `period` resolved: a row's own period when it is a date or range (`2012-07 to 2013-06`,
    `2013-06-30`), the report month when it has none or only a period kind (`month`, `r12`, `asat`)."""
    for row in ctx.indicators:
        period = str(row.get("period") or "")
        yield {**row, "period": period if RESOLVED_PERIOD.match(period) else ctx.month}


def _issue_rows(issues: pd.DataFrame) -> list[dict]:
    """Only the contract's columns: anything else upstream attached to an issue is never written."""
    return issues.reindex(columns=ISSUE_COLUMNS).to_dict("records")


def _write_rows(path: Path, columns: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(_csv_text(row.get(column), column) for column in columns)


def _csv_text(value, column: str) -> str:
    if column in NUMBER_COLUMNS:
        return plain_number(value)
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value)


# how the run's last line names each severity, in this order (issues.SEVERITIES); `reject` only when any
SUMMARY_SEVERITIES = (("error", "error", True), ("warning", "warning", True), ("info", "info", True),
                      ("reject", "rejected row", False))  # fmt: skip


def published_summary(out_dir: Path) -> str:
    """What the committee will see, from the files just published: `46 indicators published (3 not
    available); 28 data-quality issues (0 errors, 12 warnings, 16 info)`. The run's last line, each of
    backfill's month lines, run.json and notifications say it, so nobody reads "46 indicators
    published" without the issues beside it."""
    values = pd.read_csv(out_dir / "indicators.csv", dtype=str, usecols=["value"])["value"]
    severities = pd.read_csv(out_dir / "data_quality.csv", dtype=str, usecols=["severity"])["severity"]
    counts = severities.value_counts().to_dict()
    missing = int(values.isna().sum())
    detail = ", ".join(
        f"{counts.get(severity, 0):,} {word}{'' if word == 'info' or counts.get(severity, 0) == 1 else 's'}"
        for severity, word, always in SUMMARY_SEVERITIES
        if always or counts.get(severity)
    )
    total = len(severities)
    return (
        f"{len(values)} indicator{'' if len(values) == 1 else 's'} published ({missing} not available); "
        f"{total:,} data-quality issue{'' if total == 1 else 's'} ({detail})"
    )
