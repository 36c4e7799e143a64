"""Highlights on a generated month with a planted step (issue 17): a real step in a monthly figure raises
exactly one highlight; the same numbers as a rolling 12-month figure raise none; partial months are
left out. The report is built from a ReportContext as publishing sees it, through build_report."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from csc_report import spc
from csc_report.publish import ReportContext, publish_report
from csc_report.publish.build import build_report

MONTH = pd.Period("2013-06", "M")
SIGMA = 5.0
# 35 months of referrals: noise about 100 from a fixed seed, the last 7 months 2 sigma higher. (The seed
# is one whose step is seen as a shift rather than, by chance, a point beyond the limits.)
NOISE = 100 + np.random.default_rng(3).normal(0, SIGMA, 35)
STEPPED = [v + (2 * SIGMA if i >= 28 else 0) for i, v in enumerate(NOISE)]
PARTIAL_NOTE = "history runs from 2011-08-01 only, so the 12-month count from 2011-07-01 is partial"


def _frame(values, notes=None) -> pd.DataFrame:
    months = pd.period_range(end=MONTH, periods=len(values), freq="M")
    frame = pd.DataFrame({"month": [str(m) for m in months], "value": list(values)})
    return frame.assign(note=notes if notes is not None else [None] * len(values))


def _row(indicator_id, label, unit, value, period, note=None) -> dict:
    return {
        "indicator_id": indicator_id, "label": label, "section": "referrals", "unit": unit, "value": value,
        "period": period, "numerator": None, "denominator": None, "target": None, "rag": None, "note": note,
    }  # fmt: skip


def context(monthly, r12_count, r12_rate, rate_notes=None) -> ReportContext:
    """Referrals (the monthly figure, last 24 months), referrals_r12 and the rate (rolling)."""
    rolling = f"{MONTH - 11} to {MONTH}"
    series = {
        "referrals": _frame(monthly[-24:]),
        "referrals_r12": _frame(r12_count[-24:]),
        "referral_rate_r12_per_10k": _frame(r12_rate[-24:], rate_notes),
    }
    rows = [
        _row("referrals", "Referrals", "count", monthly[-1], str(MONTH)),
        _row("referrals_r12", "Referrals, rolling 12 months", "count", r12_count[-1], rolling),
        _row(
            "referral_rate_r12_per_10k", "Referral rate, rolling 12 months", "rate_per_10k", r12_rate[-1],
            rolling, note=(rate_notes or [None])[-1],
        ),
    ]  # fmt: skip
    return ReportContext(
        la_code="874",
        la_name="Demo",
        month=str(MONTH),
        run_at=datetime(2013, 7, 3, 9, 0),
        indicators=rows,
        trends=series,
        previous={i: frame["value"].iloc[-2] for i, frame in series.items()},
    )


def r12(values) -> list[float]:
    return list(pd.Series(values).rolling(12).sum().dropna())


def test_a_planted_step_raises_exactly_one_shift_highlight():
    sums = r12(STEPPED)
    report = build_report(context(STEPPED, sums, [s / 4.3 for s in sums]))
    assert len(report.highlights) == 1
    assert report.highlights[0].startswith(
        "Referrals: 7 months in a row above the average of the last 24 months"
    )
    # the rolling sums, had they been given limits, would have rung too: what issue 17 stops
    assert spc.xmr(sums[-24:]).marker(23) is not None


def test_the_same_step_as_a_rolling_figure_raises_none(tmp_path):
    flat = list(NOISE)
    assert spc.xmr(flat[-24:]).marker(23) is None  # the monthly figure alone: common cause
    ctx = context(flat, r12(flat), STEPPED)  # the stepped numbers as the rolling rate
    written = publish_report(ctx, tmp_path)
    assert build_report(ctx).highlights == []
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<p>No figure shows special-cause variation this month.</p>" in html
    table = pd.read_csv(
        written["tables/trend_referral_rate_r12_per_10k.csv"], dtype=str, keep_default_na=False
    )
    assert (table["value"] != "").all()
    assert (table[["mean", "lower_limit", "upper_limit", "special_cause"]] == "").all().all()
    assert "tables/trend_referrals.csv" in written  # the monthly counterpart's SPC panel beside it


def test_partial_months_are_hollow_left_out_and_read_partial_history(tmp_path):
    # the monthly figure's first 5 months partial (its look-back), then the rest full
    notes = [PARTIAL_NOTE] * 5 + [None] * 19
    ctx = context(list(NOISE), r12(NOISE), list(NOISE), rate_notes=notes)
    ctx.trends["referrals"] = ctx.trends["referrals"].assign(note=notes)
    # an implausible low first month: counted, it would be a point below the lower limit
    ctx.trends["referrals"].loc[0, "value"] = 40.0
    report = build_report(ctx)
    assert report.highlights == []
    written = publish_report(ctx, tmp_path)
    table = pd.read_csv(written["tables/trend_referrals.csv"], dtype=str, keep_default_na=False)
    assert (table.loc[:4, ["mean", "lower_limit", "upper_limit", "special_cause"]] == "").all().all()
    assert table.loc[0, "value"] == "40" and (table.loc[5:, "mean"] != "").all()
    full = [v for v in table["value"].iloc[5:].astype(float)]
    assert float(table["mean"].iloc[5]) == pytest.approx(sum(full) / 19)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "5 months with partial history left out." in html
    assert "Hollow points, partial history, not in the limits: July 2011, August 2011" in html
    assert "Partial history" not in html.split('id="highlights"')[0]


def test_a_partial_figure_this_month_reads_partial_history_not_a_colour_or_change(tmp_path):
    notes = [None] * 23 + [PARTIAL_NOTE]
    ctx = context(list(NOISE), r12(NOISE), list(NOISE), rate_notes=notes)
    ctx.indicators[2]["rag"] = "green"
    ctx.last_year = {"referral_rate_r12_per_10k": 90.0}
    report = build_report(ctx)
    row = next(r for s in report.sections for r in s.rows if r.label == "Referral rate, rolling 12 months")
    assert (row.rag, row.vs_last_month, row.vs_last_year) == ("partial history",) * 3
    assert row.variation is None and row.assurance is None
