"""Validation of a normalised extract with Great Expectations suites and a severity policy.

See run.py for the entry point; suites live in expectations/*.json and the policy in config/severity.yaml.
"""

from csc_report.validation.run import QUARANTINE_SCHEMA, ValidationResult, validate_extract

__all__ = ["QUARANTINE_SCHEMA", "ValidationResult", "validate_extract"]
