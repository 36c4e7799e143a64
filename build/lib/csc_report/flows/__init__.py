"""Prefect orchestration only: flows compose tasks, tasks call plain functions in csc_report.pipeline.

Importing this package first gives Prefect a home of its own (see csc_report.settings), before Prefect
itself is imported anywhere below it.
"""

from csc_report.settings import configure_prefect_environment

configure_prefect_environment()
