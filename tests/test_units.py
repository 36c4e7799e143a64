"""The units live in csc_report/units.py; what each part of the product reads from it is unchanged."""

from __future__ import annotations

from csc_report import indicator_catalogue
from csc_report.publish import formatting, highlights, workbook


def test_every_unit_reads_as_before():
    assert indicator_catalogue.INDICATOR_UNITS == ("count", "rate_per_10k", "pct", "fte", "ratio", "days")
    decimals = {"count": 0, "rate_per_10k": 1, "pct": 1, "fte": 1, "ratio": 1, "days": 0, "decimal": 1}
    assert formatting.DECIMALS == decimals
    assert {k: v for k, v in workbook.NUMBER_FORMATS.items() if k not in ("month", "date")} == {
        "count": "#,##0", "rate_per_10k": "#,##0.0", "pct": "0.0", "fte": "0.0", "ratio": "0.00",
        "days": "#,##0", "decimal": "0.0",
    }  # fmt: skip
    assert highlights.STEADY_TOLERANCE == {
        "count": (0.0, 0.02), "rate_per_10k": (0.0, 0.02), "pct": (1.0, 0.0), "fte": (0.5, 0.02),
        "ratio": (0.05, 0.02), "days": (1.0, 0.02),  # a mean of days: a day either way is steady
        "decimal": (0.0, 0.02),  # decimal had the default: the same tolerance
    }  # fmt: skip


def test_every_unit_an_indicator_declares_is_known():
    assert set(indicator_catalogue.catalogue()[0]["unit"]) <= set(indicator_catalogue.INDICATOR_UNITS)
