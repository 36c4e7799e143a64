"""csc-report: the monthly children's social care performance report, end to end."""

__version__ = "0.1.0"
