"""Publishing: one month's report and tables for one authority, from plain Python inputs (ReportContext)."""

from csc_report.publish.commentary import parse_commentary
from csc_report.publish.context import ReportContext
from csc_report.publish.index import write_index
from csc_report.publish.report import publish_report

__all__ = ["ReportContext", "parse_commentary", "publish_report", "write_index"]
