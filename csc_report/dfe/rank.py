"""Rank and quartile band of each authority among English authorities, as LAIT and council scorecards
frame a published figure.

For one measure and year, the authorities ranked are those with a published figure (area_type `la`, a
value): an authority whose figure DfE suppressed (`c`), did not give (`x`, `z`) or that is absent from the
year's file takes no rank and is not counted in "of N", so the count is the number of authorities ranked.
Rank 1 is the best figure by the measure's polarity (measures.Measure.better: the lowest where lower is
better, the highest where higher is better); a figure with no better direction (a rate of referrals or of
children looked after) is ranked lowest first. Ties share the best rank of the tie and the next rank skips
(competition ranking: 1, 2, 2, 4), as LAIT ranks.

Quartile bands split the ranked authorities by position: rank r of n is in band A when r <= n/4, B when
r <= n/2, C when r <= 3n/4, else D (A the best quarter). The top-quartile threshold is the figure of the
last authority in band A: a figure as good as it is in band A.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csc_report.dfe.measures import BY_ID

BANDS = np.array(list("ABCD"))
RANK_COLUMNS = ["rank", "ranked", "quartile", "top_quartile"]


def _ascending(indicator_ids: pd.Series) -> pd.Series:
    """True where a lower figure ranks first: lower is better, or no direction is better."""
    better = indicator_ids.map(lambda i: BY_ID[i].better if i in BY_ID else None)
    return better.ne("higher")


def rank_authorities(figures: pd.DataFrame) -> pd.DataFrame:
    """`figures` (indicator_id, year, area_type, value, ...) with rank, ranked (authorities with a figure),
    quartile (A-D) and top_quartile (the band A threshold) on each ranked authority's row; NaN/None on
    every other row (regions, England, suppressed or missing authorities)."""
    out = figures.copy()
    value = pd.to_numeric(out["value"], errors="coerce")
    ranked = out["area_type"].eq("la") & value.notna() & out["indicator_id"].isin(list(BY_ID))
    # ranking lowest first on a signed key makes one ascending rank serve both polarities
    sign = np.where(_ascending(out["indicator_id"]), 1.0, -1.0)
    key = (value * sign).where(ranked)
    groups = key.groupby([out["indicator_id"], out["year"]])
    rank = groups.rank(method="min", ascending=True)
    count = groups.transform("count").where(ranked)
    band = np.ceil(rank * 4 / count).clip(1, 4)  # r <= n/4 -> 1 (A), ... r > 3n/4 -> 4 (D)
    in_a = band.eq(1)
    best_of_a = key.where(in_a).groupby([out["indicator_id"], out["year"]]).transform("max")
    out["rank"] = rank.astype("Int64")
    out["ranked"] = count.astype("Int64")
    out["quartile"] = pd.Series(
        np.where(ranked, BANDS[(band.fillna(1).astype(int) - 1).to_numpy()], None), index=out.index
    )
    out["top_quartile"] = (best_of_a * sign).where(ranked)
    return out
