"""Validation of a normalised extract with Great Expectations suites and a severity policy.

See run.py for the entry point; suites live in expectations/*.json and the policy in config/severity.yaml.
The entry point is imported when first asked for (PEP 562): the CLI reads an authority's severity
settings through `validation.severity` to answer a month already done, which needs neither pandas nor
the checks themselves.
"""

__all__ = ["QUARANTINE_SCHEMA", "ValidationResult", "validate_extract"]


def __getattr__(name: str):
    if name in __all__:
        from csc_report.validation import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
