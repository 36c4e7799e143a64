"""Alt text of the report's charts, written from the same numbers the charts draw: what each panel shows,
from when to when, its latest, lowest and highest points, its limits and marked points; every bar of a
bar chart with its value. A screen reader, or a print without the picture, loses nothing a reader needs.
"""

from __future__ import annotations

from csc_report import spc
from csc_report.publish.charts import Panel, value_range
from csc_report.publish.disclosure import SUPPRESSED
from csc_report.publish.formatting import format_value


def describe_panels(period_labels: list[str], panels: list[Panel]) -> str:
    """Alt text: what each panel shows, from when to when, its latest, lowest and highest points, its
    limits and marked points."""
    parts = [
        f"{'Line chart' if len(panels) == 1 else f'{len(panels)} line charts'} by month, "
        f"{period_labels[0]} to {period_labels[-1]}."
    ]
    for panel in panels:
        unit = panel.unit
        points = [(p, v) for p, v in zip(period_labels, panel.values, strict=True) if v is not None]
        if not points:
            parts.append(f"{panel.title}: no figures.")
            continue
        low = min(points, key=lambda point: point[1])
        high = max(points, key=lambda point: point[1])
        gaps = len(panel.values) - len(points)
        latest = points[-1]
        parts.append(
            f"{panel.title}: latest {format_value(latest[1], unit)} ({latest[0]}), "
            f"lowest {format_value(low[1], unit)} ({low[0]}), "
            f"highest {format_value(high[1], unit)} ({high[0]})"
            + (f"; no figure for {gaps} month{'s' if gaps > 1 else ''}." if gaps else ".")
        )
        if panel.partial:
            parts.append(
                f"Hollow points, partial history, not in the limits: "
                f"{', '.join(period_labels[i] for i in sorted(panel.partial))}."
            )
        if panel.target is not None:
            parts.append(f"Dashed line: target {format_value(panel.target, unit)}.")
        if panel.reference is not None:
            parts.append(f"Dash-dot line: {panel.reference[0]}.")
        chart = panel.chart
        if chart is not None and chart.phases:
            parts.append(_describe_phases(period_labels, chart, unit))
        elif chart is not None and chart.has_limits:
            flagged = [i for i in range(len(chart.values)) if chart.marker(i) is not None]
            parts.append(
                f"Solid grey line: average {format_value(chart.mean, unit)}; dotted lines: process limits "
                f"{format_value(chart.lower, unit)} and {format_value(chart.upper, unit)}"
                + (
                    f"; special-cause points marked: {', '.join(period_labels[i] for i in flagged)}."
                    if flagged
                    else "; no special-cause points."
                )
            )
        elif chart is not None and chart.note:
            parts.append(f"No process limits: {chart.note}.")
        if value_range(panel)[0] > 0:
            parts.append("The value axis does not start at 0.")
    return " ".join(parts)


def _describe_phases(period_labels: list[str], chart: spc.XmR, unit: str) -> str:
    """Alt text of a phased chart: each phase's months, limits (or why none) and marked points."""
    fmt = lambda v: format_value(v, unit)  # noqa: E731
    parts = []
    for phase in chart.phases:
        head = f"From {period_labels[phase.start]}" + (
            f" ({phase.since}: {phase.text})" if phase.since else ""
        )
        if phase.mean is None:
            parts.append(f"{head}: no process limits, {phase.note}.")
            continue
        flagged = [period_labels[i] for i in range(phase.start, phase.stop) if chart.marker(i) is not None]
        parts.append(
            f"{head}: average {fmt(phase.mean)}, process limits {fmt(phase.lower)} and {fmt(phase.upper)}"
            + (
                f"; special-cause points marked: {', '.join(flagged)}."
                if flagged
                else "; no special-cause points."
            )
        )
    return "Dashed vertical lines mark known changes, each starting a new phase. " + " ".join(parts)


def describe_bars(what: str, categories: list[str], labels: list[str]) -> str:
    """Alt text: every bar's category and value (a suppressed one says so)."""
    spoken = {SUPPRESSED: "suppressed", "": "no figure"}
    items = ", ".join(
        f"{category} {spoken.get(label, label)}" for category, label in zip(categories, labels, strict=True)
    )
    return f"Bar chart of {what}: {items}."
