"""Highlights from signals (csc_report.publish.signals): what each rule saw, in words, and when a figure
is not a highlight at all."""

from __future__ import annotations

import pandas as pd

from csc_report.publish import signals


def view(values, unit="pct", direction=None, target=None) -> signals.Signals:
    return signals.Signals(
        label="Referrals" if unit == "count" else "Re-referrals (%)",
        unit=unit,
        chart=signals.chart(values, unit, direction),
        previous_chart=signals.chart(values[:-1], unit, direction),
        target=target,
        direction=direction,
    )


# 24 months: 17 alternating 20/22, then 7 at 24/25: above the mean (527 / 24 = 21.96), inside the limits
SHIFT = [20.0, 22.0] * 8 + [20.0] + [24.0, 25.0, 24.0, 25.0, 24.0, 25.0, 24.0]


def test_shift_wording_says_what_the_rule_saw():
    s = view(SHIFT, direction="lower")
    assert [x.rule for x in s.latest()] == ["shift"]
    assert signals.highlight(s, [], 25.0) == (
        "Re-referrals (%): 7 months in a row above the average of the last 24 months (22.0%): a concern"
    )


def test_trend_and_outside_wording():
    six = view([20.0, 22.0] * 9 + [19.0, 20.0, 21.0, 22.0, 23.0, 24.0], unit="count")
    assert signals.highlight(six, [], 23.0) is None  # 19 .. 24: six rising, inside the limits
    rising = view([20.0, 22.0] * 8 + [18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0], unit="count")
    assert signals.highlight(rising, [], 23.0) == "Referrals: 7 months in a row rising, to 24"
    jump = view([20.0, 22.0] * 6 + [40.0], unit="count")
    assert signals.highlight(jump, [], 22.0).startswith("Referrals: 40, above the upper limit (")


def test_common_cause_month_on_month_move_is_no_highlight():
    s = view([20.0, 22.0] * 6 + [20.0])  # a fall from 22 to 20: inside the limits
    assert s.latest() == [] and signals.highlight(s, [], 22.0) is None
    sentence = signals.spc_sentence(s)
    assert sentence.startswith("Common-cause variation: within the limits of the last 13 months")


def test_fewer_than_12_months_no_limits_and_a_note():
    s = view([20.0, 22.0] * 5 + [20.0])
    note = "No process limits yet: 11 months with a figure: limits need at least 12."
    assert signals.spc_sentence(s) == note


def test_assurance_change_is_a_highlight():
    # last month: 10, 12, ... (mean 11, limits 5.68 to 16.32) reliably met a target of 20 (lower is
    # better); this month's 30 widens the limits past 20: now capable of either
    s = view([10.0, 12.0] * 6 + [30.0], direction="lower", target=20.0)
    assert s.assurance_change() == ("will reliably meet", "capable of either")
    line = signals.highlight(s, [], 12.0)
    # now: mean 162 / 13 = 12.46, moving ranges (11 x 2 + 18) / 12 = 3.33, upper 12.46 + 8.87 = 21.3
    assert line == (
        "Re-referrals (%): 30.0%, above the upper limit (21.3%) of the last 13 months: a concern; "
        "assurance changed: the process is capable of either meeting or missing the target of 20.0% "
        "(last month it would reliably meet it)"
    )


def test_benchmark_crossing_only_in_the_same_unit():
    benchmarks = pd.DataFrame(
        [
            ["re_referrals_pct", "england", "England", "2012-13", 24.7, "", "c1"],
            ["re_referrals_pct", "region", "East of England", "2012-13", 23.4, "", "c1"],
            ["cp_open_2yrs_plus", "england", "England", "2012-13", 3.2, "", "d5"],
        ],
        columns=["indicator_id", "area_type", "area", "year", "value", "status", "source"],
    )
    assert signals.benchmark_crossings("re_referrals_pct", "pct", 24.0, 25.0, benchmarks) == [
        "below the England figure for 2012-13 (24.7%)"
    ]
    assert signals.benchmark_crossings("re_referrals_pct", "pct", 23.0, 25.0, benchmarks) == [
        "below the England figure for 2012-13 (24.7%)",
        "below the East of England figure for 2012-13 (23.4%)",
    ]
    assert signals.benchmark_crossings("re_referrals_pct", "pct", 26.0, 25.0, benchmarks) == []
    # a count of plans against a published share: never "crossed"
    assert signals.benchmark_crossings("cp_open_2yrs_plus", "count", 2.0, 5.0, benchmarks) == []


def test_window_grows_to_24_months_and_never_below_13():
    month = pd.Period("2013-06", "M")
    months = pd.period_range(end=month, periods=30, freq="M")
    full = pd.DataFrame({"month": [str(m) for m in months], "value": range(30)})
    assert len(signals.window(full, month)) == 24
    recent = full.iloc[-5:]
    assert len(signals.window(recent, month)) == 13
    eighteen = full.iloc[-18:]
    assert len(signals.window(eighteen, month)) == 18
