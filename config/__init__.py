"""Package data: list and code configuration, severities and demo targets (csc_report.config). No code."""
