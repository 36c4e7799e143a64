"""Prefect artifacts: each month's headline figures and where its report is, shown in the Prefect UI.

Keys take lowercase letters, digits and dashes only, and table cells must be plain text (a datetime
cell fails), so everything is formatted by csc_report.pipeline.headline_rows first. One key per
(authority, month): a re-run adds a new version of the same artifact rather than another artifact.
"""

from __future__ import annotations

import re
from pathlib import Path

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from csc_report import pipeline


def artifact_key(la: str, month: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", f"csc-report-{la}-{month}".lower()).strip("-")


def publish_artifacts(la: str, month: str, out_dir: Path) -> None:
    key = artifact_key(la, month)
    create_table_artifact(
        table=pipeline.headline_rows(out_dir),
        key=key,
        description=f"{la} {month}: the published indicators with targets and RAG status",
    )
    report = (out_dir / "report.html").resolve()
    create_markdown_artifact(
        markdown=(
            f"# {la} {month}\n\n"
            f"- Report: [{report}]({report.as_uri()})\n"
            f"- Tables: `{report.with_name('tables.xlsx')}`\n"
            f"- Data quality: `{report.with_name('data_quality.csv')}`\n"
            f"- Run record: `{report.with_name('run.json')}`\n"
        ),
        key=f"{key}-report",
        description=f"{la} {month}: where the report was published",
    )
