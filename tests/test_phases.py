"""Known changes start a new SPC phase (issue 36, point 3): the worked example of docs/spc.md, the
words, the changes file, and a published report whose chart and trend CSV are in two phases."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from csc_report import phases, spc, warehouse, warehouse_reference
from csc_report.errors import UsageError
from csc_report.indicator_catalogue import catalogue
from csc_report.publish import publish_report, signals

DOCS = Path(__file__).resolve().parents[1] / "docs" / "spc.md"
APRIL = "the change in April 2013"


def test_worked_example_of_docs_spc_md():
    """The numbers docs/spc.md states for its phases example are the ones spc computes."""
    block = re.search(r"```phases\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)
    lines = dict(line.split(": ", 1) for line in block.strip().splitlines())
    values = [float(v) for v in lines["series"].split()]
    start = int(lines["change at"]) - 1
    one, two = spc.xmr(values), spc.phased(values, [(start, APRIL, "A new front door.")])
    found = {"one phase": (one.mean, one.mr_bar, one.lower, one.upper, _marked(one, 0, len(values)))}
    for n, phase in enumerate(two.phases, start=1):
        part = spc.xmr(values[phase.start : phase.stop])  # the phase's own moving ranges
        found[f"phase {n}"] = (phase.mean, part.mr_bar, phase.lower, phase.upper,
                               _marked(two, phase.start, phase.stop))  # fmt: skip
    assert set(found) == set(lines) - {"series", "change at"}
    for name, (mean, mr_bar, lower, upper, marked) in found.items():
        stated = re.fullmatch(
            r"mean (\S+), mean moving range (\S+), limits (\S+) to (\S+), special cause (\d+)", lines[name]
        ).groups()
        assert [float(x) for x in stated] == pytest.approx([mean, mr_bar, lower, upper, marked]), name
    # the reading the doc quotes
    reading = signals.spc_sentence(signals.Signals("Referrals", "count", signals.chart(values, "count", None,
                                                   changes=[(start, APRIL, "x")]), None, None))  # fmt: skip
    assert reading in " ".join(DOCS.read_text(encoding="utf-8").split())


def _marked(chart: spc.XmR, start: int, stop: int) -> int:
    return sum(chart.marker(i) is not None for i in range(start, stop))


def view(values, changes, direction="lower") -> signals.Signals:
    return signals.Signals("Referrals", "count", signals.chart(values, "count", direction, changes=changes),
                           None, direction)  # fmt: skip


STEP = [10, 12] * 6 + [20, 22] * 6


def test_the_latest_month_is_judged_against_its_own_phase():
    # phase 2 (20, 22, ... , 40): mean 21 + 19/13, limits wider; 40 is above its upper limit (28):
    # phase 2 is 13 points, mean (6*20 + 6*22 + 40)/13 = 22.46, moving ranges twelve of 2 and 18 (22 to 40)
    # -> 18 screened out (> 3.267 * 2.92), mean 2, upper 22.46 + 5.32 = 27.78 -> "28" as a count
    found = view([*STEP, 40], [(12, APRIL, "A new front door.")])
    assert signals.highlight(found) == f"Referrals: 40, above the upper limit (28) since {APRIL}: a concern"
    assert found.months == 13 and found.chart.phase_of(24) == 2 and found.chart.phase_of(11) == 1


def test_a_new_phase_under_12_points_has_no_limits_and_says_so():
    found = view(STEP[:15], [(12, APRIL, "A new front door.")])
    assert not found.chart.has_limits and found.latest() is None
    assert signals.spc_sentence(found) == (
        f"No process limits since {APRIL}: 3 months with a figure: limits need at least 12."
    )
    assert found.chart.phases[0].mean == 11  # the points before keep their limits
    assert signals.variation_icon(found) is None


def test_without_changes_nothing_differs():
    plain, none = spc.xmr(STEP), spc.phased(STEP, [])
    assert plain == none and not none.phases
    assert "of the last 24 months" in signals.spc_sentence(view(STEP, []))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "changes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


KNOWN = phases.known_names(catalogue()[0])


def test_the_changes_file_expands_sections_and_sorts_by_month(tmp_path):
    path = write(tmp_path, """
- month: "2013-04"
  change: "The front door   became a MASH."
  touches: [looked after, contacts]
- month: 2012-11
  change: A team split.
  touches: cla_open
""")  # fmt: skip
    first, second = phases.load_changes(path, KNOWN)
    assert (first.month, first.text, first.touches) == ("2012-11", "A team split.", ("cla_open",))
    assert second.text == "The front door became a MASH." and second.since == APRIL
    assert {"cla_open", "cla_rate_per_10k", "contacts"} <= set(second.touches)
    assert phases.load_changes(tmp_path / "absent.yaml", KNOWN) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('- {month: "April 2013", change: x, touches: [referrals]}', "change 1: month must be YYYY-MM"),
        ('- {month: "2013-04", change: x, touches: [refferals]}', "indicator id(s) refferals"),
        ('- {month: "2013-04", change: x}', "expected the keys month, change, touches, found change"),
        ('- {month: "2013-04", change: "", touches: [referrals]}', "change must be a sentence"),
        ("month: 2013-04", "expected a list of changes"),
    ],
)  # fmt: skip
def test_a_bad_changes_file_is_a_usage_error_naming_file_and_entry(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(UsageError, match=re.escape(message)) as raised:
        phases.load_changes(path, KNOWN)
    assert str(raised.value).startswith(str(path))


def test_changes_at_or_before_the_window_and_in_one_month():
    months = list(pd.period_range("2012-01", periods=6, freq="M"))
    early = phases.Change("2011-06", "Before the chart.", ("cla_open",))
    mine = phases.Change("2012-03", "A.", ("cla_open",))
    other = phases.Change("2012-03", "B.", ("contacts",))
    assert phases.starts([early, mine, other], "cla_open", months) == [(2, mine)]
    assert phases.starts([early], "cla_open", months) == []


def test_changes_are_stored_whole_per_authority(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    warehouse.apply_schema(con)
    change = phases.Change("2013-04", "A new front door.", ("cla_open", "cla_rate_per_10k"))
    warehouse_reference.load_changes(con, "874", [change])
    warehouse_reference.load_changes(con, "875", [change])
    assert phases.stored(con, "874") == [change]
    # the file emptied: the authority's changes go, the other's stay
    warehouse_reference.load_changes(con, "874", [])
    assert phases.stored(con, "874") == [] and phases.stored(con, "875") == [change]
    con.close()


def test_a_published_chart_and_trend_csv_in_two_phases(tmp_path):
    from tests.test_publish_report import MONTH, make_context

    months = pd.period_range(end=pd.Period(MONTH, "M"), periods=24, freq="M")
    trend = pd.DataFrame({"month": [str(m) for m in months], "value": [300.0 + 2 * i for i in range(24)]})
    ctx = make_context(changes=[phases.Change(str(months[12]), "A new front door.", ("cla_open",))])
    ctx.trends["cla_open"] = trend
    next(r for r in ctx.indicators if r["indicator_id"] == "cla_open")["value"] = trend["value"].iloc[-1]
    publish_report(ctx, tmp_path)
    csv = pd.read_csv(tmp_path / "tables" / "trend_cla_open.csv")
    assert list(csv["phase"]) == [1] * 12 + [2] * 12
    # each month carries its phase's mean: 300 + 2 * 5.5 before, 300 + 2 * 17.5 after
    assert set(csv["mean"][:12]) == {311.0} and set(csv["mean"][12:]) == {335.0}
    svg = (tmp_path / "charts" / "trend_cla_open.svg").read_text(encoding="utf-8")
    change = f"The change in {months[12]:%B %Y}: A new front door."
    assert change in svg
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f"since the change in {months[12]:%B %Y}" in html
