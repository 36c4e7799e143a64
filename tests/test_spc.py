"""XmR limits, rules and assurance (csc_report.spc), every expected value worked by hand.

The series are built so the arithmetic is short: an alternating 10, 12, 10, 12 ... has mean 11 and every
moving range 2, so its limits are 11 +/- 2.66 x 2 = 5.68 and 16.32.
"""

from __future__ import annotations

import pytest

from csc_report import spc

ALTERNATING = [10.0, 12.0] * 6  # 12 points: mean 11, mean moving range 2


def rule(chart: spc.XmR, name: str) -> list[spc.Signal]:
    return [s for s in chart.signals if s.rule == name]


def test_limits_are_mean_plus_or_minus_2_66_mean_moving_ranges():
    chart = spc.xmr(ALTERNATING)
    assert chart.mean == pytest.approx(11)
    assert chart.mr_bar == pytest.approx(2)
    assert (chart.lower, chart.upper) == (pytest.approx(5.68), pytest.approx(16.32))
    assert chart.signals == ()  # alternating about the mean: common cause only


def test_fewer_than_12_points_no_limits_and_a_note():
    chart = spc.xmr(ALTERNATING[:11])
    assert not chart.has_limits and chart.signals == ()
    assert chart.note == "11 months with a figure: limits need at least 12"
    assert spc.xmr(ALTERNATING).has_limits  # 12 is enough


def test_twelve_slots_with_a_gap_are_eleven_points():
    chart = spc.xmr([*ALTERNATING[:5], None, *ALTERNATING[6:]])
    assert not chart.has_limits and chart.note.startswith("11 months")


def test_a_point_exactly_on_the_upper_limit_is_not_outside_it():
    # 11 points 10, 12, ..., 10 (sum 120, ten moving ranges of 2), then x above 10:
    #   mean = (120 + x) / 12, mean moving range = (20 + x - 10) / 11,
    #   x = upper  <=>  x (1 - 1/12 - 2.66/11) = 10 + 2.66 x 10 / 11
    base = ALTERNATING[:11]
    on_limit = (10 + 2.66 * 10 / 11) / (1 - 1 / 12 - 2.66 / 11)  # 18.40...
    chart = spc.xmr([*base, on_limit])
    assert chart.upper == pytest.approx(on_limit)
    assert rule(chart, "outside_limits") == []
    beyond = spc.xmr([*base, on_limit + 0.01])
    assert [(s.side, s.points) for s in rule(beyond, "outside_limits")] == [("high", (11,))]


def test_six_points_on_one_side_is_no_shift_seven_is():
    six = [1, 2, 1, 2, 1, 2, 5, 6, 5, 6, 5, 6]  # mean 3.5: six below, then six above
    assert rule(spc.xmr(six), "shift") == []
    seven = [1, 2, 1, 2, 1, 5, 6, 5, 6, 5, 6, 5]  # mean 44/12 = 3.67: five below, then seven above
    assert [(s.side, s.points) for s in rule(spc.xmr(seven), "shift")] == [("high", tuple(range(5, 12)))]


def test_a_point_on_the_mean_breaks_a_run():
    # 12 points summing to 132, mean exactly 11: seven above it, but the 11 splits them 3 + 4
    values = [13, 14, 13, 11, 14, 13, 14, 13, 7, 6, 7, 7]
    chart = spc.xmr(values)
    assert chart.mean == pytest.approx(11)
    assert rule(chart, "shift") == []


def test_six_rising_points_is_no_trend_seven_is():
    six = [5, 3, 5, 3, 5, 3, 2, 3, 4, 5, 6, 7]  # 2 .. 7: six points, five rises
    assert rule(spc.xmr(six), "trend") == []
    seven = [5, 3, 5, 3, 5, 1, 2, 3, 4, 5, 6, 7]  # 1 .. 7: seven points, six rises
    assert [(s.side, s.points) for s in rule(spc.xmr(seven), "trend")] == [("high", tuple(range(5, 12)))]
    falling = [-v for v in seven]
    assert [s.side for s in rule(spc.xmr(falling), "trend")] == ["low"]


def test_an_equal_pair_breaks_a_trend():
    values = [5, 3, 5, 3, 5, 1, 2, 3, 3, 4, 5, 6]  # 1, 2, 3 then 3, 4, 5, 6: no seven rising
    assert rule(spc.xmr(values), "trend") == []


def test_two_of_three_beyond_two_thirds_of_the_way_to_a_limit():
    # 20 alternating points then 16, 12, 16: 23 points, sum 264, mean 11.478;
    # moving ranges 19 x 2 + 3 x 4 = 50 over 22: 2.2727; upper 17.523; two-thirds line 15.508.
    values = [10.0, 12.0] * 10 + [16.0, 12.0, 16.0]
    chart = spc.xmr(values)
    assert chart.mean == pytest.approx(264 / 23) and chart.mr_bar == pytest.approx(50 / 22)
    assert [(s.side, s.points) for s in rule(chart, "two_of_three")] == [("high", (20, 22))]
    assert rule(chart, "outside_limits") == []  # 16 is inside the upper limit
    # 16, 12, 12, 16: never two of three consecutive points beyond the line
    apart = spc.xmr([10.0, 12.0] * 10 + [16.0, 12.0, 12.0, 16.0])
    assert rule(apart, "two_of_three") == []


def test_flat_series_has_a_moving_range_of_zero_and_no_signals():
    chart = spc.xmr([4.0] * 12)
    assert (chart.mean, chart.mr_bar, chart.lower, chart.upper) == (4, 0, 4, 4)
    assert chart.signals == ()  # every point is on the mean and on both limits
    # one move off a flat line: its moving range of 1 is above 3.267 x 1/11 and is screened out, so the
    # limits have no width about the mean 49/12 = 4.083: every point is outside them
    jump = spc.xmr([4.0] * 11 + [5.0])
    assert jump.mr_bar == 0 and jump.upper == pytest.approx(49 / 12)
    assert [(s.side, s.points) for s in rule(jump, "outside_limits")][-1] == ("high", (11,))
    assert len(rule(jump, "outside_limits")) == 12


def test_gaps_break_runs_and_leave_no_moving_range_across_them():
    # 1,2,1,2,1,2,5,6,5 | gap | 6,5,6,5: 13 points, mean 47/13 = 3.6; seven points above it but a gap
    # after the third. Moving ranges: 1,1,1,1,1,3,1,1 and 1,1,1: 13 over 11 (not 14 over 12 across the gap)
    values = [1, 2, 1, 2, 1, 2, 5, 6, 5, None, 6, 5, 6, 5]
    chart = spc.xmr(values)
    assert chart.points == 13
    assert chart.mr_bar == pytest.approx(13 / 11)
    assert rule(chart, "shift") == []
    bridged = spc.xmr([v for v in values if v is not None])
    assert [s.points for s in rule(bridged, "shift")] == [tuple(range(6, 13))]


def test_signals_are_improvement_or_concern_by_direction():
    seven = [1, 2, 1, 2, 1, 5, 6, 5, 6, 5, 6, 5]
    assert {s.kind for s in spc.xmr(seven, direction="higher").signals if s.side == "high"} == {"improvement"}
    assert {s.kind for s in spc.xmr(seven, direction="lower").signals if s.side == "high"} == {"concern"}
    assert {s.kind for s in spc.xmr(seven).signals} == {"neutral"}
    chart = spc.xmr(seven, direction="lower")
    assert chart.special_cause(11) == "shift: concern"
    assert chart.special_cause(1) == ""  # 2: below the mean but only 2 in a row, not near the limit


def test_limits_are_clipped_to_the_units_bounds_for_display():
    chart = spc.xmr([98.0, 100.0] * 6, bounds=(0, 100))  # mean 99, raw upper 104.32
    assert chart.upper == 100 and chart.lower == pytest.approx(93.68)
    low = spc.xmr([0.0, 2.0] * 6, bounds=(0, None))  # raw lower 1 - 5.32
    assert low.lower == 0


@pytest.mark.parametrize(
    ("target", "direction", "expected"),
    [
        (5, "higher", spc.MEET),  # lower limit 5.68 >= 5: every likely month meets it
        (5.68, "higher", spc.MEET),  # exactly on the lower limit: a figure equal to the target meets it
        (11, "higher", spc.EITHER),
        (17, "higher", spc.MISS),  # upper limit 16.32 < 17
        (17, "lower", spc.MEET),
        (16.32, "lower", spc.MEET),
        (11, "lower", spc.EITHER),
        (5, "lower", spc.MISS),
    ],
)
def test_assurance_from_where_the_target_sits_against_the_limits(target, direction, expected):
    assert spc.assurance(spc.xmr(ALTERNATING), target, direction) == expected


def test_no_assurance_without_limits_target_or_direction():
    assert spc.assurance(spc.xmr(ALTERNATING[:11]), 11, "higher") is None
    assert spc.assurance(spc.xmr(ALTERNATING), None, "higher") is None
    assert spc.assurance(spc.xmr(ALTERNATING), 11, None) is None


def test_worked_example_of_docs_spc_md():
    """docs/spc.md, "Worked example": a partial first month, a screened jump, one point outside."""
    values = [3.0, 10, 12, 10, 12, 10, 12, 10, 26, 12, 10, 12, 10, 12, 10, 12]
    chart = spc.xmr(values, direction="lower", excluded={0})
    assert chart.points == 15 and chart.mean == pytest.approx(12)
    assert chart.mr_bar == pytest.approx(2)  # 16 and 14 screened out of 54 / 14 = 3.857
    assert (chart.lower, chart.upper) == (pytest.approx(6.68), pytest.approx(17.32))
    assert [(s.rule, s.side, s.points, s.kind) for s in chart.signals] == [
        ("outside_limits", "high", (8,), "concern")
    ]
    # unscreened, the limits would be 12 +/- 2.66 x 54/14
    assert spc.screened_mean([2.0] * 12 + [16.0, 14.0]) == pytest.approx(2)
    # the partial month counted: mean 183 / 16 = 11.44 and a false alarm on it
    counted = spc.xmr(values, direction="lower")
    assert counted.mean == pytest.approx(183 / 16)
    assert ("outside_limits", (0,)) in [(s.rule, s.points) for s in counted.signals]


def test_screening_boundary_a_moving_range_of_exactly_3_267_means_is_kept():
    # eleven moving ranges: ten of 1 and one of m; m = 3.267 x (10 + m) / 11  <=>  m = 32.67 / 7.733
    m = 32.67 / (11 - 3.267)
    assert spc.screened_mean([1.0] * 10 + [m]) == pytest.approx((10 + m) / 11)  # on the line: kept
    assert spc.screened_mean([1.0] * 10 + [m + 0.001]) == pytest.approx(1)  # above it: screened


def test_a_partial_point_takes_no_part_in_limits_or_rules():
    values = [40.0, *ALTERNATING]
    chart = spc.xmr(values, excluded={0})
    assert (chart.mean, chart.mr_bar, chart.points) == (pytest.approx(11), pytest.approx(2), 12)
    assert chart.signals == () and chart.values[0] == 40  # drawn, but not outside any limit
    assert chart.excluded == {0} and chart.special_cause(0) == ""
    # too few full points: no limits, and the note says the partial ones were left out
    short = spc.xmr([40.0, *ALTERNATING[:11]], excluded={0})
    assert short.note == "11 months with a figure (1 with a partial figure left out): limits need at least 12"


def test_a_partial_point_breaks_a_run():
    seven = [1, 2, 1, 2, 1, 5, 6, 5, 6, 5, 6, 5, 6]  # seven above the mean from index 5
    assert rule(spc.xmr(seven), "shift")
    assert rule(spc.xmr(seven, excluded={8}), "shift") == []


def test_two_of_three_boundary_exactly_on_the_two_thirds_line_is_not_beyond():
    # 20 alternating 10/12 and then a, 11, a: choose a on the two-thirds line of the result by solving
    # numerically; one hundredth above it, 2 of 3 fires
    def chart(a):
        return spc.xmr([10.0, 12.0] * 10 + [a, 11.0, a])

    low, high = 12.0, 16.0
    for _ in range(80):
        mid = (low + high) / 2
        c = chart(mid)
        line = c.mean + 2 / 3 * (c.upper - c.mean)
        low, high = (mid, high) if mid < line else (low, mid)
    assert rule(chart(low), "two_of_three") == []
    assert [s.points for s in rule(chart(low + 0.01), "two_of_three")] == [(20, 22)]


def test_one_marker_per_point_by_precedence():
    # 20 alternating points then 16, 16, 19: mean 271 / 23 = 11.78, upper limit 17.22: the 19 is outside
    # the limits and, with the two 16s, 3 of 3 beyond the two-thirds line
    chart = spc.xmr([10.0, 12.0] * 10 + [16.0, 16.0, 19.0], direction="higher")
    assert {s.rule for s in chart.signals_at(22)} == {"outside_limits", "two_of_three"}
    assert chart.marker(22).rule == "outside_limits"
    assert chart.special_cause(22) == "outside_limits: improvement"
    assert chart.special_cause(21) == "two_of_three: improvement"
    assert spc.PRECEDENCE == ("outside_limits", "two_of_three", "shift", "trend")
