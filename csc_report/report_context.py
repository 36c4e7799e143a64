"""The month's report read back from the warehouse: the one place that fills publish.ReportContext
(its figures, trends, comparisons, data quality, commentary and benchmarks) for csc_report.pipeline.publish.
"""

from __future__ import annotations

from datetime import datetime

from csc_report import indicator_catalogue, indicators, phases, stored_results, warehouse, warehouse_reference
from csc_report import targets as targets_mod
from csc_report.dfe import distributions
from csc_report.dfe import lookup as benchmarks
from csc_report.issues import Issue, issues_to_arrow
from csc_report.months import month_start, shift
from csc_report.publish import ReportContext

TREND_MONTHS = 24  # the XmR limits of each trend use up to the last 24 months (issue 12)


def build_report_context(con, la: str, month: str, issues: list[Issue]) -> ReportContext:
    """Everything the report is made of, read from the warehouse (and the run's own issues)."""
    rows = stored_results.stored_indicators(con, la, month)
    previous_month, last_year_month = shift(month, -1), shift(month, -12)
    previous = stored_results.stored_values(con, la, previous_month)
    last_year = stored_results.stored_values(con, la, last_year_month)
    ids = [row["indicator_id"] for row in rows]
    trends = stored_results.trends(con, la, ids, month, n=TREND_MONTHS)
    targets = warehouse_reference.stored_targets(con)
    return ReportContext(
        la_code=la,
        la_name=warehouse_reference.la_name(con, la),
        month=month,
        run_at=datetime.now(),
        indicators=rows,
        trends=trends,
        previous=previous,
        last_year=last_year,
        tables=stored_results.stored_tables(con, la, month),
        unavailable=dict(indicators.unavailable(con, la, month_start(month)).itertuples(index=False)),
        data_quality=issues_to_arrow(issues).to_pandas(),
        dq_previous_counts=warehouse.dq_counts(con, la, previous_month),
        commentary=warehouse_reference.commentary(con, la, month),
        benchmarks=benchmarks.report_benchmarks(con, la, month),
        distributions=distributions.for_report(benchmarks.reference_dir(), la, month),
        directions=directions(targets),
        changes=phases.stored(con, la),
    )


def directions(targets: dict[str, targets_mod.Target]) -> dict[str, str]:
    """indicator_id -> which way is better (for SPC's reading): a target's direction, else the polarity
    the indicator's YAML declares."""
    catalogue = indicator_catalogue.catalogue()[0].dropna(subset=["polarity"])
    declared = dict(zip(catalogue["indicator_id"], catalogue["polarity"], strict=True))
    return {**declared, **{indicator_id: target.direction for indicator_id, target in targets.items()}}
