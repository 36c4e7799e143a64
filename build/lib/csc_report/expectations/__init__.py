"""Package data: the Great Expectations suites, one JSON file per list (csc_report.expectations). No code."""
