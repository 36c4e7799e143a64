"""Prefect orchestration only: flows compose tasks, tasks call plain functions in csc_report.pipeline.

Importing this package first gives Prefect a home of its own (see csc_report.settings), before Prefect
itself is imported anywhere below it, and makes everything the process writes owner-only (see
csc_report.permissions): a process that runs these flows without the CLI (a flow-run process under
`serve`, a work pool's worker) protects its files as the CLI does.
"""

from csc_report.permissions import restrict
from csc_report.settings import configure_prefect_environment

restrict()
configure_prefect_environment()
