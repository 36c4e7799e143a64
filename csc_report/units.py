"""The units figures are measured in: one home for what each means to the indicators and to publishing.

A leaf module (it imports nothing of csc-report), so the indicator catalogue, the report's formatting,
its readings and the workbook share one table. `decimal` is not an indicator unit: it is how a
benchmark or a breakdown's derived figure (an average caseload) is shown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    name: str
    decimals: int  # places shown in the report (contract section 2: counts whole, rates 1 dp)
    excel_format: str  # number format of the workbook's cells
    steady: tuple[float, float]  # (absolute, relative) change a reading still calls "steady"
    indicator: bool = True  # whether an indicator's YAML may declare it


UNITS: dict[str, Unit] = {
    u.name: u
    for u in (
        Unit("count", 0, "#,##0", (0.0, 0.02)),
        Unit("rate_per_10k", 1, "#,##0.0", (0.0, 0.02)),
        Unit("pct", 1, "0.0", (1.0, 0.0)),
        Unit("fte", 1, "0.0", (0.5, 0.02)),
        Unit("ratio", 1, "0.00", (0.05, 0.02)),
        Unit("days", 0, "#,##0", (1.0, 0.02)),  # a mean of days (adoption timeliness)
        Unit("decimal", 1, "0.0", (0.0, 0.02), indicator=False),
    )
}
INDICATOR_UNITS = tuple(name for name, unit in UNITS.items() if unit.indicator)
DEFAULT_DECIMALS = 1
DEFAULT_STEADY = (0.0, 0.02)
