"""Package data: the warehouse schema, and the indicator and table queries (csc_report.sql). No code."""
