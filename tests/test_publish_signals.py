"""Highlights from signals (csc_report.publish.signals): what each rule saw, in words, and when a figure
is not a highlight at all."""

from __future__ import annotations

import pandas as pd

from csc_report.publish import signals


def view(values, unit="pct", direction=None, target=None, label=None, context=None) -> signals.Signals:
    return signals.Signals(
        label=label or ("Referrals" if unit == "count" else "Re-referrals (%)"),
        unit=unit,
        chart=signals.chart(values, unit, direction),
        target=target,
        direction=direction,
        context=context,
    )


# 24 months: 17 alternating 20/22, then 7 at 24/25: above the mean (527 / 24 = 21.96), inside the limits
SHIFT = [20.0, 22.0] * 8 + [20.0] + [24.0, 25.0, 24.0, 25.0, 24.0, 25.0, 24.0]


# --- snapshots of the wording: what the committee hears (docs/spc.md lists them) -------------------


def test_shift_wording_says_what_the_rule_saw():
    s = view(SHIFT, direction="lower", context="England 2012-13: 24.7%")
    assert s.latest().rule == "shift"
    assert signals.highlight(s) == (
        "Re-referrals (%): 7 months in a row above the average of the last 24 months (22.0%): a concern "
        "(England 2012-13: 24.7%)"
    )


def test_trend_and_outside_wording():
    six = view([20.0, 22.0] * 9 + [19.0, 20.0, 21.0, 22.0, 23.0, 24.0], unit="count")
    assert signals.highlight(six) is None  # 19 .. 24: six rising, inside the limits
    rising = view([20.0, 22.0] * 8 + [18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0], unit="count")
    assert signals.highlight(rising) == "Referrals: 7 months in a row rising, to 24"
    # 12 x 20/22, then 40: mean 292 / 13 = 22.46; moving ranges eleven of 2 and 18 (screened: above
    # 3.267 x 40/12); upper limit 22.46 + 2.66 x 2 = 27.78
    jump = view([20.0, 22.0] * 6 + [40.0], unit="count", direction="lower", label="Children looked after")
    assert signals.highlight(jump) == (
        "Children looked after: 40, above the upper limit (28) of the last 13 months: a concern"
    )


def test_two_of_three_wording():
    # 20 alternating 10/12 then 16, 16, 12 (neutral: no direction)
    s = view([10.0, 12.0] * 10 + [16.0, 12.0, 16.0], label="Initial assessments (%)")
    assert signals.highlight(s) == (
        "Initial assessments (%): 2 of the last 3 months near the upper limit (17.5%), more than "
        "two-thirds of the way from the average (11.5%)"
    )


def test_common_cause_month_on_month_move_is_no_highlight():
    s = view([20.0, 22.0] * 6 + [20.0])  # a fall from 22 to 20: inside the limits
    assert s.latest() is None and signals.highlight(s) is None
    sentence = signals.spc_sentence(s)
    assert sentence.startswith("Common-cause variation: within the limits of the last 13 months")


def test_fewer_than_12_months_no_limits_and_a_note():
    s = view([20.0, 22.0] * 5 + [20.0])
    note = "No process limits: 11 months with a figure: limits need at least 12."
    assert signals.spc_sentence(s) == note


def test_assurance_is_in_the_reading_never_a_highlight():
    # 10, 12, ... then 30: mean 162 / 13 = 12.46; the moving range of 18 is screened out (above 3.267 x
    # 40 / 12), so the upper limit is 12.46 + 2.66 x 2 = 17.78: the process reliably meets a target of 20
    # (lower is better), and that is said in the reading, not raised
    s = view([10.0, 12.0] * 6 + [30.0], direction="lower", target=20.0)
    assert signals.highlight(s) == (
        "Re-referrals (%): 30.0%, above the upper limit (17.8%) of the last 13 months: a concern"
    )
    assert signals.spc_sentence(s).endswith("The process will reliably meet the target of 20.0%.")


def test_one_highlight_per_family_strongest_first_at_most_six():
    outside = view([20.0, 22.0] * 6 + [40.0], unit="count", label="Children looked after")
    rate = view([20.0, 22.0] * 6 + [30.0], unit="count", label="Looked-after rate")
    shift = view(SHIFT, label="Re-referrals (%)")
    rising = view([20.0, 22.0] * 8 + [18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0], unit="count")
    quiet = view([20.0, 22.0] * 6 + [20.0], label="Quiet")
    lines = signals.highlights([[rising], [shift], [rate, outside], [quiet]])
    assert [line.split(":")[0] for line in lines] == [
        "Children looked after",
        "Re-referrals (%)",
        "Referrals",
    ]
    many = signals.highlights([[view(SHIFT, label=f"Figure {n}")] for n in range(8)])
    assert len(many) == signals.MAX_HIGHLIGHTS == 6
    assert signals.highlights([[quiet]]) == []


def test_rolling_and_partial_figures_are_recognised():
    assert signals.rolling({"indicator_id": "referrals_r12", "period": "2012-07 to 2013-06"})
    assert not signals.rolling({"indicator_id": "referrals", "period": "2013-06"})
    assert not signals.rolling({"indicator_id": "cla_open", "period": "2013-06-30"})
    assert signals.rolling({"indicator_id": "s47_rate_r12_per_10k"})  # no period: the contract's naming
    note = "history runs from 2011-08-01 only, so the 12-month count from 2011-07-01 is partial"
    assert signals.partial(note) and signals.partial(f"population from mid-2012; {note}")
    assert not signals.partial("percentage of zero: no referrals") and not signals.partial(None)


def test_icons_follow_the_latest_point_and_the_assurance():
    outside = view([20.0, 22.0] * 6 + [40.0], unit="count", direction="lower", target=30.0)
    assert signals.variation_icon(outside) == signals.Icon(
        "concern-high", "Special-cause concern: higher than expected"
    )
    quiet = view([20.0, 22.0] * 6 + [20.0], unit="count", direction="lower", target=30.0)
    assert signals.variation_icon(quiet).kind == "common"
    assert signals.assurance_icon(quiet).kind == "meet"  # limits 15.7 to 26.3, all under 30
    assert signals.assurance_icon(view([20.0, 22.0] * 6 + [20.0], unit="count")) is None  # no target
    rolling = signals.Signals("R12", "count", signals.no_limits([1.0] * 13), 30.0, "lower")
    assert signals.variation_icon(rolling) is None and signals.assurance_icon(rolling) is None


def test_window_grows_to_24_months_and_never_below_13():
    month = pd.Period("2013-06", "M")
    months = pd.period_range(end=month, periods=30, freq="M")
    full = pd.DataFrame({"month": [str(m) for m in months], "value": range(30)})
    assert len(signals.window(full, month)) == 24
    recent = full.iloc[-5:]
    assert len(signals.window(recent, month)) == 13
    eighteen = full.iloc[-18:]
    assert len(signals.window(eighteen, month)) == 18
