"""Statistical disclosure control for breakdown tables (contract section 4: the public profile).

`public` replaces counts of 1 to 5 with SUPPRESSED (primary suppression). When a table carries a total,
and a headline figure equal to that total is published anyway (children on a plan = sum of the categories),
a single suppressed cell in a column could be worked out by subtraction; so the next smallest non-zero
cell of that column is suppressed too (secondary suppression). Cells derived from a suppressed cell (an
average caseload from the team's cases) are suppressed with it. Zeros are never suppressed: a zero
discloses nothing about a child. `internal` shows everything.

Headline indicators are whole-authority aggregates and are not suppressed.
"""

from __future__ import annotations

import pandas as pd

from csc_report.errors import UsageError

PROFILES = ("public", "internal")
SUPPRESSED = "[c]"
LOWEST, HIGHEST = 1, 5
FOOTNOTE = (
    f"{SUPPRESSED} confidential: a count of {LOWEST} to {HIGHEST} children in a breakdown table, or a "
    "further cell suppressed so that it cannot be worked out from the total. Headline figures are for the "
    "whole authority and are not suppressed."
)


def check_profile(profile: str) -> str:
    if profile not in PROFILES:
        raise UsageError(f"unknown disclosure profile {profile!r}: expected one of {', '.join(PROFILES)}")
    return profile


def suppress(
    frame: pd.DataFrame,
    count_columns: tuple[str, ...],
    *,
    has_total: bool,
    follows: dict[str, str] | None = None,
    profile: str = "public",
) -> pd.DataFrame:
    """A copy of `frame` with disclosive cells replaced by SUPPRESSED under the public profile.

    `has_total`: the last row is the column total. `follows`: derived column -> the count column whose
    suppression it shares.
    """
    if check_profile(profile) == "internal":
        return frame.copy()
    out = frame.reset_index(drop=True).astype(object)
    body = len(out) - 1 if has_total else len(out)
    for column in count_columns:
        mask = _disclosive(pd.to_numeric(out[column], errors="coerce").tolist(), body, has_total)
        if not any(mask):  # most columns suppress nothing: pandas' cost of writing no cells is skipped
            continue
        out.loc[mask, column] = SUPPRESSED
        for derived, source in (follows or {}).items():
            if source == column:
                out.loc[mask, derived] = SUPPRESSED
    return out


def _disclosive(values: list, body: int, has_total: bool) -> list[bool]:
    """Which cells of one count column to suppress: 1 to 5 and, when exactly one body cell is and the
    total is not, the smallest other positive body cell (the first of equals). Plain Python over the
    column's few numbers (NaN compares false): pandas' between/idxmin on them cost most of a
    publication's suppression time, some forty tables a month, twice (export and publish)."""
    mask = [LOWEST <= v <= HIGHEST for v in values]
    if has_total and sum(mask[:body]) == 1 and not mask[body]:
        others = [(v, i) for i, v in enumerate(values[:body]) if not mask[i] and v > 0]
        if others:
            mask[min(others)[1]] = True
    return mask
