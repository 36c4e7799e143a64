"""Everything one monthly report is made from, as plain Python and pandas values.

Publishing depends on this shape only, not on the warehouse or the indicator code, so it can be built and
tested from fabricated figures, and `report_context.build_report_context` is the one place that fills it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from csc_report.dfe import distributions
from csc_report.issues import ISSUE_COLUMNS
from csc_report.report_layout import PaperSection

BENCHMARK_COLUMNS = ["indicator_id", "area_type", "area", "year", "value", "status", "source"]
BENCHMARK_COLUMNS += ["rank", "ranked", "quartile", "top_quartile"]  # the authority's row (dfe/rank.py)


def _no_issues() -> pd.DataFrame:
    return pd.DataFrame(columns=ISSUE_COLUMNS)


def _no_benchmarks() -> pd.DataFrame:
    return pd.DataFrame(columns=BENCHMARK_COLUMNS)


def _no_distributions() -> pd.DataFrame:
    return pd.DataFrame(columns=distributions.REPORT_COLUMNS)


@dataclass
class ReportContext:
    """One authority's month.

    - month: "YYYY-MM".
    - indicators: dicts with indicator_id, label, section, unit, value, numerator, denominator, target, rag,
      note (value None when not available).
    - trends: indicator_id -> DataFrame[month, value, note] for up to 24 months ending at `month` (gaps
      allowed; note optional); charts and XmR limits use the last 24 where history allows, 13 at least;
      a month whose note says its history is partial takes no part in the limits (publish/signals.py).
    - previous / last_year: indicator_id -> value last month / in the same month last year.
    - tables: table_id -> breakdown DataFrame; the columns published are those of tables.TABLE_SPECS.
    - unavailable: table_id -> why the table is not available this month ("not available: List 6 ...
      was not in this month's extract"), shown where the table and its chart would be.
    - data_quality: issues (file, sheet, row, column, rule, severity, message);
      dq_previous_counts: (sheet, rule, severity) -> issues last month.
    - commentary: section id -> Markdown, from parse_commentary.
    - benchmarks: published DfE figures (benchmarks.lookup.report_benchmarks): indicator_id, area_type
      (la, statistical_neighbours, region, england), area, year, value, status, source; rank, ranked,
      quartile and top_quartile on the authority's row (csc_report.dfe.rank).
    - distributions: DfE's published shares beside the breakdowns (dfe.distributions.for_report):
      table_id, category, area_type (england, la), area, year, value, status.
    - directions: indicator_id -> "higher" or "lower" (which way is better, from targets.yaml): SPC
      signals are improvements or concerns by it, neutral without.
    - layout: the paper's sections (report_layout.load_layout with the authority's override); None:
      config/report.yaml as packaged.
    - changes: known changes in the service (csc_report.phases.Change), each starting a new SPC phase on
      the figures it touches.
    """

    la_code: str
    la_name: str
    month: str
    run_at: datetime
    indicators: list[dict]
    trends: dict[str, pd.DataFrame] = field(default_factory=dict)
    previous: dict[str, float | None] = field(default_factory=dict)
    last_year: dict[str, float | None] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    data_quality: pd.DataFrame = field(default_factory=_no_issues)
    dq_previous_counts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    commentary: dict[str, str] = field(default_factory=dict)
    benchmarks: pd.DataFrame = field(default_factory=_no_benchmarks)
    directions: dict[str, str] = field(default_factory=dict)
    distributions: pd.DataFrame = field(default_factory=_no_distributions)
    layout: tuple[PaperSection, ...] | None = None
    changes: list = field(default_factory=list)
