"""A month's figures as the paper shows them, each worked out once however many tables, panels and
readings show it: its series over the trend months, which of its months are partial, its SPC chart, the
reading rules' view of it and its row in a figures table.

The report's sections (publish/build.py), their charts (publish/layout_charts.py) and the scorecard all
ask here, so a figure reads the same wherever it appears. The figures drawn as SPC panels with limits are
remembered (`charted`): the highlights and each section's common-cause line are read from them.
"""

from __future__ import annotations

import pandas as pd

from csc_report import phases
from csc_report.publish import benchmark_view, signals
from csc_report.publish import highlights as rules
from csc_report.publish.context import ReportContext
from csc_report.publish.formatting import (
    as_number,
    format_change,
    format_rag,
    format_value,
    month_label,
    to_month,
)
from csc_report.publish.layout import FAMILY
from csc_report.publish.model import Row
from csc_report.publish.tables import month_series


class Figures:
    """The month's indicator rows and what is derived from them (one instance per report)."""

    def __init__(self, ctx: ReportContext) -> None:
        self.ctx = ctx
        self.month = to_month(ctx.month)
        self.rows = {row["indicator_id"]: row for row in ctx.indicators}
        self.benchmark_rows = benchmark_view.by_indicator(ctx.benchmarks)  # split once for every row, chart
        self.spc_cache: dict[tuple[str, int | None], signals.Signals] = {}
        # a figure's series, partial months and reading rules' view, asked for by every table row, panel
        # and reading that shows it: each made once (their trend frames do not change while building)
        self.series_cache: dict[tuple[str, int | None], list[tuple[pd.Period, float | None]]] = {}
        self.partial_cache: dict[str, set[pd.Period]] = {}
        self.figure_cache: dict[str, rules.Figure] = {}
        self.charted: dict[str, signals.Signals] = {}  # figures drawn as SPC panels with limits

    def series(self, indicator_id: str, n: int | None = None) -> list[tuple[pd.Period, float | None]]:
        """The last n months, by default the last 24 where history allows, 13 at least (signals.window),
        ending at the report month; this month's figure is the indicator's own value. Not to be changed:
        the list is shared by every caller."""
        if (indicator_id, n) not in self.series_cache:
            frame = self.ctx.trends.get(indicator_id)
            points = signals.window(frame, self.month) if n is None else month_series(frame, self.month, n)
            value = as_number(self.rows[indicator_id].get("value"))
            self.series_cache[(indicator_id, n)] = points[:-1] + [(self.month, value)]
        return self.series_cache[(indicator_id, n)]

    def partial_points(self, indicator_id: str, months: list[pd.Period]) -> frozenset[int]:
        """Indices of `months` whose figure the history covers only partly (signals.partial)."""
        if indicator_id not in self.partial_cache:
            found = signals.partial_months(self.ctx.trends.get(indicator_id))
            if signals.partial(self.rows[indicator_id].get("note")):
                found.add(self.month)
            self.partial_cache[indicator_id] = found
        found = self.partial_cache[indicator_id]
        return frozenset(i for i, m in enumerate(months) if m in found)

    def is_partial(self, indicator_id: str, month: pd.Period) -> bool:
        return bool(self.partial_points(indicator_id, [month]))

    def spc_for(self, indicator_id: str, n: int | None = None) -> signals.Signals:
        """The indicator's XmR chart over its trend series (or its last n months): no limits for a rolling
        figure; partial points left out."""
        if (indicator_id, n) in self.spc_cache:
            return self.spc_cache[(indicator_id, n)]
        row = self.rows[indicator_id]
        unit = row.get("unit") or "count"
        direction = self.ctx.directions.get(indicator_id)
        series = self.series(indicator_id, n)
        values = [v for _, v in series]
        partial = self.partial_points(indicator_id, [m for m, _ in series])
        changes = phases.starts(self.ctx.changes, indicator_id, [m for m, _ in series])
        changes = [(i, change.since, change.text) for i, change in changes]
        england = benchmark_view.england_line(self.benchmark_rows, indicator_id, unit)
        self.spc_cache[(indicator_id, n)] = signals.Signals(
            label=row.get("label") or indicator_id,
            unit=unit,
            chart=(
                signals.no_limits(values, partial)
                if signals.rolling(row)
                else signals.chart(values, unit, direction, partial, changes)
            ),
            target=as_number(row.get("target")),
            direction=direction,
            context=england[0] if england else None,
        )
        return self.spc_cache[(indicator_id, n)]

    def highlights(self) -> list[str]:
        """Special-cause signals at this month on the figures with an SPC chart, one per family, strongest
        first (signals.highlights); the sentence NO_HIGHLIGHTS when there are none."""
        families: dict[str, list[signals.Signals]] = {}
        for indicator_id, view in self.charted.items():
            families.setdefault(FAMILY.get(indicator_id, indicator_id), []).append(view)
        return signals.highlights(list(families.values()))

    def figure(self, indicator_id: str) -> rules.Figure:
        """The figure as the reading rules see it; partial months are not figures to compare with."""
        if indicator_id not in self.figure_cache:
            self.figure_cache[indicator_id] = self._figure(indicator_id)
        return self.figure_cache[indicator_id]

    def _figure(self, indicator_id: str) -> rules.Figure:
        row = self.rows[indicator_id]
        series = self.series(indicator_id)
        partial = self.partial_points(indicator_id, [m for m, _ in series])
        history = tuple((month_label(m), None if i in partial else v) for i, (m, v) in enumerate(series[:-1]))
        previous = as_number(self.ctx.previous.get(indicator_id))
        return rules.Figure(
            label=row.get("label") or indicator_id,
            unit=row.get("unit") or "count",
            value=as_number(row.get("value")),
            previous=None if self.is_partial(indicator_id, self.month - 1) else previous,
            history=history,
            target=as_number(row.get("target")),
        )

    def headline_row(self, row: dict) -> Row:
        """A figure as its table row. A partial figure (or one compared with a partial one) reads
        "partial history" for its RAG and changes; the icons are its SPC's, as charted where it is."""
        indicator_id, unit = row["indicator_id"], row.get("unit") or "count"
        value = as_number(row.get("value"))
        note = row.get("note")
        partial = self.is_partial(indicator_id, self.month)

        def change(before, month: pd.Period) -> str:
            if (
                value is not None
                and as_number(before) is not None
                and (partial or self.is_partial(indicator_id, month))
            ):
                return signals.PARTIAL
            return format_change(value, before, unit)

        view = self.charted.get(indicator_id) or self.spc_for(indicator_id)
        return Row(
            label=row.get("label") or indicator_id,
            value="Not available" if value is None else format_value(value, unit),
            target=format_value(row.get("target"), unit),
            rag=signals.PARTIAL if partial and value is not None else format_rag(row.get("rag")),
            vs_last_month=change(self.ctx.previous.get(indicator_id), self.month - 1),
            vs_last_year=change(self.ctx.last_year.get(indicator_id), self.month - 12),
            note="; ".join(
                text
                for text in (
                    "" if note is None or pd.isna(note) else str(note),
                    benchmark_view.share_note(indicator_id, unit, self.benchmark_rows),
                )
                if text
            ),
            benchmarks=benchmark_view.cells(self.benchmark_rows, indicator_id),
            variation=signals.variation_icon(view) if value is not None else None,
            assurance=signals.assurance_icon(view) if value is not None else None,
        )

    def has_value(self, indicator_id: str) -> bool:
        return indicator_id in self.rows and as_number(self.rows[indicator_id].get("value")) is not None
