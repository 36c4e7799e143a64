"""The chart for each chart entry of the report's layout (publish/layout.py: TrendChart, WeeklyChart,
TeamChart) and the reading that goes with it, or the reading alone where there is nothing to draw.

A trend chart is one panel per figure over the headline's months, its numbers and SPC from the month's
Figures (publish/figures.py), so a panel, its reading and the figure's table row agree; the weekly and
team charts draw a breakdown table. The SVG itself is publish/charts.py's.
"""

from __future__ import annotations

import pandas as pd

from csc_report.publish import benchmark_view, signals
from csc_report.publish import highlights as rules
from csc_report.publish.alt_text import describe_bars, describe_panels
from csc_report.publish.charts import Chart, ChartRenderer, Panel
from csc_report.publish.disclosure import SUPPRESSED
from csc_report.publish.figures import Figures
from csc_report.publish.formatting import as_number, day_label, format_value, month_label
from csc_report.publish.layout import TeamChart, TrendChart, WeeklyChart
from csc_report.publish.tables import PublishedTable, trend_table


class LayoutCharts:
    """Draws the layout's charts of one report, with one renderer."""

    def __init__(self, figures: Figures, tables: dict[str, PublishedTable]) -> None:
        self.figures = figures
        self.tables = tables  # the breakdown tables shown this month, by id
        self.renderer = ChartRenderer()

    def chart(self, spec) -> tuple[Chart | None, str | None]:
        """The chart for a layout entry and its reading; (None, reading) when there is nothing to draw."""
        if isinstance(spec, TrendChart):
            return self.trend_chart(spec)
        if isinstance(spec, WeeklyChart):
            return self.weekly_chart(spec)
        if isinstance(spec, TeamChart):
            return self.team_chart(spec)
        raise TypeError(f"unknown chart spec {spec!r}")

    def trend_chart(self, spec: TrendChart) -> tuple[Chart | None, str | None]:
        """One chart of panels: an SPC panel per monthly figure, a plain line per rolling one, over the
        headline's months; the reading says each panel's figure and signal."""
        ids = [i for i in (*spec.indicator_ids, *spec.rolling) if i in self.figures.rows]
        if not ids:
            return None, None
        note = str(self.figures.rows[ids[0]].get("note") or "")
        if note.startswith("not available") and as_number(self.figures.rows[ids[0]].get("value")) is None:
            return None, f"{self.figures.figure(ids[0]).label}: {note}"  # no trend ends in a month without it
        n = len(self.figures.series(ids[0]))  # every panel over the headline's months
        series = {i: self.figures.series(i, n) for i in ids}
        drawn = [i for i in ids if sum(v is not None for _, v in series[i]) >= 2]
        reading = " ".join(self.panel_reading(i, n) for i in ids if self.figures.has_value(i) or i == ids[0])
        if not drawn:
            return None, reading
        months = [m for m, _ in series[drawn[0]]]
        panels = [self.panel(i, n, series[i]) for i in drawn]
        for i in drawn:
            if self.figures.spc_for(i, n).chart.has_limits:
                self.figures.charted[i] = self.figures.spc_for(i, n)
        svg, cut = self.renderer.panels([m.strftime("%b %y") for m in months], panels)
        chart = Chart(
            id=f"trend_{ids[0]}",
            title=f"{'; '.join(self.figures.figure(i).label for i in drawn)}: last {len(months)} months",
            alt=describe_panels([month_label(m) for m in months], panels),
            reading=reading,
            svg=svg,
            data=[
                trend_table(
                    i,
                    self.figures.figure(i).label,
                    self.figures.figure(i).unit,
                    series[i],
                    self.figures.spc_for(i, n).chart,
                )
                for i in drawn
            ],
            cut_axis=cut,
        )
        return chart, reading

    def panel(self, indicator_id: str, n: int, series: list[tuple[pd.Period, float | None]]) -> Panel:
        figure, view = self.figures.figure(indicator_id), self.figures.spc_for(indicator_id, n)
        return Panel(
            title=figure.label
            + (" (rolling: no limits)" if signals.rolling(self.figures.rows[indicator_id]) else ""),
            unit=figure.unit,
            values=[v for _, v in series],
            chart=view.chart,
            target=figure.target,
            reference=benchmark_view.england_line(self.figures.benchmark_rows, indicator_id, figure.unit),
            partial=view.chart.excluded,
        )

    def panel_reading(self, indicator_id: str, n: int) -> str:
        """The figure in words and its SPC clause. A special cause this month is not "steady" beside it
        (rules.reading without a direction); a partial figure is only its value."""
        figure, view = self.figures.figure(indicator_id), self.figures.spc_for(indicator_id, n)
        if figure.value is None:
            return signals.missing_reading(figure.label, self.figures.rows[indicator_id].get("note"))
        if self.figures.is_partial(indicator_id, self.figures.month):
            return signals.partial_reading(figure.label, format_value(figure.value, figure.unit))
        text = rules.reading(figure, moved=view.latest() is None)
        if signals.rolling(self.figures.rows[indicator_id]):
            return text
        return f"{text} {signals.spc_sentence(view)}"

    def weekly_chart(self, spec: WeeklyChart) -> tuple[Chart | None, str | None]:
        table = self.tables.get(spec.table_id)
        if table is None or table.frame.empty:
            return None, None
        weeks = list(table.frame["week_start"])
        values = [as_number(v) for v in table.frame[spec.column]]
        labels = [
            SUPPRESSED if v == SUPPRESSED else format_value(v, "count") for v in table.frame[spec.column]
        ]
        figure = rules.Figure(
            label=f"{spec.label} in the week starting {day_label(weeks[-1])}",
            unit="count",
            value=values[-1],
            previous=values[-2] if len(values) > 1 else None,
            history=tuple(
                (f"the week starting {day_label(w)}", v) for w, v in zip(weeks[:-1], values[:-1], strict=True)
            ),
        )
        reading = rules.reading(figure, period="week", previous_phrase="the week before")
        svg = self.renderer.bars([f"{w.day} {w:%b}" for w in weeks], values, labels, horizontal=False)
        alt = describe_bars(
            f"{spec.label.lower()} started in each week", [day_label(w) for w in weeks], labels
        )
        return Chart(spec.table_id, table.title, alt, reading, svg, data=[table]), reading

    def team_chart(self, spec: TeamChart) -> tuple[Chart | None, str | None]:
        table = self.tables.get(spec.table_id)
        if table is None or len(table.frame) <= 1:
            return None, None
        body, total = table.frame.iloc[:-1], table.frame.iloc[-1]
        names = [str(name) for name in body[spec.category]]
        values = [as_number(v) for v in body[spec.column]]
        labels = [SUPPRESSED if v == SUPPRESSED else format_value(v, "decimal") for v in body[spec.column]]
        items = list(zip(names, values, strict=True))
        reading = rules.spread_reading(spec.what, items, as_number(total[spec.column]), "decimal")
        if all(value is None for value in values):
            return None, reading  # every bar suppressed or blank: the reading says so, no empty chart
        svg = self.renderer.bars(names, values, labels, horizontal=True)
        alt = describe_bars(f"{spec.what} by team", names, labels)
        return Chart(
            f"{spec.table_id}_chart", f"{spec.what.capitalize()} by team", alt, reading, svg
        ), reading
