"""The SVG charts: what each draws, read back from the SVG (issue 19: charts written directly).

Hand-worked cases: an XmR panel whose one special-cause point, partial points and gap are known; the
value-axis ticks at the boundaries of their step rule; labels that need escaping.
"""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from csc_report import spc
from csc_report.publish.charts import (
    ENGLAND_STYLE,
    LIMIT_STYLE,
    SIGNAL_STYLES,
    TARGET_STYLE,
    ChartRenderer,
    Panel,
)
from csc_report.publish.svg import nice_ticks

NS = "{http://www.w3.org/2000/svg}"
MONTHS = [f"M{i}" for i in range(16)]
# 14 steady months, a gap, then one far above: the last point is outside the upper limit
VALUES = [30.0, 32.0, 29.0, 31.0, 30.0, 31.0, 29.0, 30.0, 32.0, 31.0, 30.0, 29.0, 31.0, 30.0, None, 60.0]


def parse(svg: bytes) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def texts(root) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


def strokes(root, style: dict) -> list[ElementTree.Element]:
    return [
        p
        for p in root.iter(f"{NS}polyline")
        if p.get("stroke") == style["color"] and p.get("stroke-dasharray") is not None
    ]


def panel(**kwargs) -> Panel:
    chart = spc.xmr(VALUES, direction="lower", excluded=kwargs.pop("partial", frozenset()))
    return Panel("Referrals per 10,000 children", "rate", VALUES, chart, partial=chart.excluded, **kwargs)


def test_an_spc_panel_draws_its_limits_its_special_cause_point_and_its_gap():
    p = panel(target=28.0, reference=("England (DfE)", 29.5), partial=frozenset({0, 1}))
    assert p.chart.has_limits and p.chart.marker(15).kind == "concern"  # higher is worse: a concern
    svg, cut = ChartRenderer().panels(MONTHS, [p])
    root = parse(svg)
    concern = [g for g in root.iter(f"{NS}polygon") if g.get("fill") == SIGNAL_STYLES["concern"]["color"]]
    assert len(concern) == 2  # the point and its legend key
    circles = list(root.iter(f"{NS}circle"))
    hollow = [c for c in circles if c.get("fill") == "#ffffff"]
    assert len(hollow) == 3  # two partial months and the legend key
    assert len(circles) - len(hollow) == 15 - 2  # every other month with a figure, the gap none
    series = [
        p
        for p in root.iter(f"{NS}polyline")
        if p.get("stroke") == "#111111" and len(p.get("points").split()) > 2
    ]
    assert [len(s.get("points").split()) for s in series] == [14]  # the gap breaks the line
    assert len(strokes(root, LIMIT_STYLE)) == 2 + 1  # upper, lower and the legend key
    assert len(strokes(root, TARGET_STYLE)) == 2 and len(strokes(root, ENGLAND_STYLE)) == 2
    words = texts(root)
    assert {"Target 28.0", "England 29.5", "Special cause: concern", "Process limits"} <= set(words)
    assert "Partial history (not in the limits)" in words
    assert cut  # 28 to 60 with a margin does not reach 0


def test_end_labels_that_nearly_coincide_are_moved_apart():
    def label_y(root, text):
        return next(float(t.get("y")) for t in root.iter(f"{NS}text") if t.text == text)

    near = parse(ChartRenderer().panels(MONTHS, [panel(target=30.0, reference=("England", 30.5))])[0])
    far = parse(ChartRenderer().panels(MONTHS, [panel(target=30.0, reference=("England", 50.0))])[0])
    gap_near = label_y(near, "Target 30.0") - label_y(near, "England 30.5")
    line_gap = 0.5 / (60 - 29) * 200  # half a unit on an axis of about 30 units, some 200 px tall
    assert gap_near > line_gap + 10  # the lower label went down and the upper up, 4 pt (6.7 px) each
    assert label_y(far, "Target 30.0") - label_y(far, "England 50.0") > 50


def test_the_axis_break_is_drawn_only_where_the_axis_does_not_start_at_zero():
    def slashes(root):
        return [
            p
            for p in root.iter(f"{NS}polyline")
            if p.get("stroke") == "#111111" and len(p.get("points").split()) == 2
        ]

    cut_svg, cut = ChartRenderer().panels(MONTHS, [panel()])
    low = Panel("Unallocated", "count", [1.0, 5.0, 9.0] + [None] * 13)
    zero_svg, zero = ChartRenderer().panels(MONTHS, [low])
    assert cut and len(slashes(parse(cut_svg))) == 2
    assert not zero and not slashes(parse(zero_svg))


@pytest.mark.parametrize(
    ("low", "high", "ticks", "decimals"),
    [
        (0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], 1),  # span / 6 = 0.17: steps of 0.2
        (0.0, 6.0, [0, 1, 2, 3, 4, 5, 6], 0),  # exactly six steps of 1
        (0.0, 6.01, [0, 2, 4, 6], 0),  # just over: steps of 2
        (0.0, 13.0, [0, 5, 10], 0),  # never 2.5 children
        (17.6, 47.6, [20, 25, 30, 35, 40, 45], 0),  # span 30: six steps of 5
        (0.0, 0.37, [0.0, 0.1, 0.2, 0.3], 1),
        (1200.0, 1530.0, [1200, 1300, 1400, 1500], 0),
        (5.0, 5.0, [5.0], 0),  # nothing to span: one tick
    ],
)
def test_value_axis_ticks_take_a_round_step_and_need_no_more_decimals_than_it(low, high, ticks, decimals):
    found, places = nice_ticks(low, high)
    assert found == pytest.approx(ticks) and places == decimals


def test_bars_write_each_value_and_escape_every_label():
    svg = ChartRenderer().bars(
        ["Team A & B", "<North>", "South"], [14.5, None, 3.0], ["14.5", "[c]", "3.0"], True
    )
    assert b"Team A &amp; B" in svg and b"&lt;North&gt;" in svg
    root = parse(svg)
    assert {"Team A & B", "<North>", "South", "14.5", "[c]", "3.0"} <= set(texts(root))
    widths = [float(r.get("width")) for r in list(root.iter(f"{NS}rect"))[1:]]  # the first: background
    assert widths[1] == 0 and widths[0] == pytest.approx(widths[2] * 14.5 / 3.0, rel=0.01)


def test_the_same_figures_draw_the_same_bytes():
    first = ChartRenderer().panels(MONTHS, [panel(), panel(target=25.0)])[0]
    assert first == ChartRenderer().panels(MONTHS, [panel(), panel(target=25.0)])[0]


def test_special_cause_points_differ_in_shape_as_well_as_colour():
    """Colour is never the only carrier of meaning (WCAG 1.4.1, issue 43): an improvement (a star, 10
    corners), a concern (an X, 12) and a neutral signal (a diamond, 4) are told apart in grey too, and
    each legend key is drawn in its point's shape."""
    higher_is_better = spc.xmr(VALUES, direction="higher")
    assert higher_is_better.marker(15).kind == "improvement"  # the far-above last point, the other way
    panels = [panel(), Panel("Visits in time (%)", "pct", VALUES, higher_is_better)]
    root = parse(ChartRenderer().panels(MONTHS, panels)[0])
    corners = {}
    for kind in ("improvement", "concern"):
        drawn = [g for g in root.iter(f"{NS}polygon") if g.get("fill") == SIGNAL_STYLES[kind]["color"]]
        assert len(drawn) >= 2, kind  # its points and its legend key
        corners[kind] = {len(g.get("points").split()) for g in drawn}
    assert corners == {"improvement": {10}, "concern": {12}}
    assert len({style["marker"] for style in SIGNAL_STYLES.values()}) == len(SIGNAL_STYLES)
