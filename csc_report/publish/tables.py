"""The tables of the report: which columns each may show, totals, suppression, and their CSV files.

Every table is published from a whitelist of columns (TABLE_SPECS): an upstream frame that carries anything
else (a `child_id` picked up by a join, say) loses it here, so nothing personal can reach an output by
accident. The same PublishedTable feeds the HTML, the Markdown, `tables/<id>.csv` and `tables.xlsx`, so the
disclosure profile applies identically to all four.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from csc_report import spc
from csc_report.breakdowns import BREAKDOWNS, FLOW_ID, FLOW_TITLE
from csc_report.publish.disclosure import suppress
from csc_report.publish.formatting import as_number, day_label, format_value, month_label, to_month

log = logging.getLogger(__name__)

TEXT_KINDS = ("text", "month", "date")
# spc.RULES as the printed trend tables name them (the CSV keeps the ids)
SPC_RULE_WORDS = {
    "outside_limits": "outside the limits",
    "two_of_three": "2 of 3 near a limit",
    "shift": "7 on one side of the average",
    "trend": "7 rising or falling",
}


@dataclass(frozen=True)
class Column:
    name: str  # as published
    header: str
    kind: str  # a unit of formatting.DECIMALS, or one of TEXT_KINDS
    aliases: tuple[str, ...] = ()  # other names upstream may give it
    optional: bool = False  # published when upstream has it
    children: bool = False  # a count of children: subject to disclosure control
    follows: str | None = None  # derived from this count column: suppressed with it
    ratio_of: tuple[str, str] | None = None  # total row: sum(numerator) / sum(denominator), not a sum
    printed: bool = True  # False: in the CSV and workbook only (an id for analysts, not for readers)
    words: dict[str, str] | None = None  # print shows these ids of a text column in words


@dataclass(frozen=True)
class TableSpec:
    title: str
    columns: tuple[Column, ...]
    has_total: bool = False
    codes: bool = False  # a breakdown by a code list: rows of codes nobody has are left out of print
    apart: frozenset[str] = frozenset()  # codes listed below the total, not in it (short breaks)


def _by(key: str, header: str, *counts: Column) -> tuple[Column, ...]:
    """A breakdown by a code: the code, its description if upstream gives one, then the counts."""
    return (Column(key, header, "text"), Column("description", "Description", "text", optional=True), *counts)


CHILDREN = Column("children", "Children", "count", aliases=("plans", "looked_after"), children=True)

TABLE_SPECS = {
    "referrals_weekly": TableSpec(
        "Referrals started in the week",
        (
            Column("week_start", "Week starting", "date"),
            Column("referrals", "Referrals", "count", children=True),
        ),
    ),
    "cp_by_category": TableSpec(
        "Children on a child protection plan by latest category of abuse",
        _by("category", "Category of abuse", CHILDREN),
        has_total=True,
        codes=True,
    ),
    "cla_by_legal_status": TableSpec(
        "Children looked after by legal status",
        _by("legal_status", "Legal status", CHILDREN),
        has_total=True,
        codes=True,
        apart=frozenset({"V3", "V4"}),  # short breaks: not looked after, so not in cla_open's total
    ),
    "cla_by_placement_type": TableSpec(
        "Children looked after by placement type",
        _by(
            "placement_type",
            "Placement type",
            CHILDREN,
            Column("short_breaks", "Short breaks", "count", optional=True, children=True),
        ),
        has_total=True,
        codes=True,
    ),
    "caseload_by_team": TableSpec(
        "Open cases and average caseload by team",
        (
            Column("team", "Team", "text"),
            Column("cases", "Allocated cases", "count", children=True),
            Column("workers", "Allocated workers", "count"),
            Column(
                "average_caseload",
                "Average caseload",
                "decimal",
                follows="cases",
                ratio_of=("cases", "workers"),
            ),
            Column("unallocated", "Unallocated cases", "count", optional=True, children=True),
        ),
        has_total=True,
    ),
}

# each cohort's breakdowns (csc_report.breakdowns): a total row equal to the cohort's figure
TABLE_SPECS |= {
    b.table_id: TableSpec(
        b.title,
        _by(b.dimension.key, b.dimension.header, Column(*b.cohort.count, "count", children=True)),
        has_total=True,
        codes=True,
    )
    for b in BREAKDOWNS
}
TABLE_SPECS[FLOW_ID] = TableSpec(  # whole-authority counts, the month's headline figures: not suppressed
    FLOW_TITLE,
    (
        Column("step", "Step", "text"),
        Column("number", "Number", "count"),
        Column("share_of_previous_pct", "% of the step before", "pct"),
    ),
)


@dataclass
class PublishedTable:
    """A table as published: whitelisted columns, a total row where the spec asks, disclosure applied.

    `frame` holds numbers unrounded, SUPPRESSED marks, None for missing, Periods for months and dates.
    The CSV and the workbook give every row and column; print (the report, the appendix) leaves out the
    columns that are not `printed` and, in a breakdown by codes (`codes`), the codes whose counts are all 0.
    The total row is the last one or, where `apart` rows follow it (codes outside the total), above them.
    """

    id: str
    title: str
    columns: tuple[Column, ...]
    frame: pd.DataFrame
    has_total: bool = False
    codes: bool = False
    apart: int = 0  # rows after the total, not summed in it

    @property
    def total_index(self) -> int | None:
        """The total row's position in `frame`, None without one."""
        return len(self.frame) - 1 - self.apart if self.has_total else None

    @cached_property
    def cells(self) -> dict[str, list]:
        """Each column of `frame` as a list of its Python values, read once (not to be changed): the CSV,
        the workbook and both printed pages read them, pandas' per-column cost on these few rows was a
        third of publishing, and a table is not changed once built (published_shares.py makes a new one)."""
        return {name: self.frame[name].tolist() for name in self.frame.columns}

    @cached_property
    def rows(self) -> list[tuple]:
        """The frame's rows as the tuples itertuples gives (the same Python values), for the CSV and the
        workbook."""
        return list(zip(*self.cells.values(), strict=True))

    @cached_property
    def printed_positions(self) -> list[int]:
        """The positions in `frame` of the rows print shows: every row, but in a breakdown by codes not a
        code whose printed counts are all 0 (the total row always)."""
        if not self.codes:
            return list(range(len(self.frame)))
        counts = [self.cells[c.name] for c in self.printed_columns if c.children]  # not DfE's shares
        return [
            i
            for i in range(len(self.frame))
            if i == self.total_index or not all(_is_zero(c[i]) for c in counts)
        ]

    @property
    def printed_total(self) -> int | None:
        """The total row's position among the printed rows, None without one."""
        if self.total_index is None:
            return None
        return self.printed_positions.index(self.total_index)

    @property
    def printed_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.printed)

    @property
    def zero_rows(self) -> int:
        """How many code rows print leaves out (all their counts 0)."""
        return len(self.frame) - len(self.printed_positions)

    @cached_property
    def display_rows(self) -> list[list[str]]:
        """Printed cells as people read them (`1,234`, `26.5%`, `June 2013`, `[c]`), once for both pages."""
        columns = self.printed_columns
        cells = [self.cells[column.name] for column in columns]
        return [
            [
                _display(values[i], column.kind, column.words)
                for column, values in zip(columns, cells, strict=True)
            ]
            for i in self.printed_positions
        ]

    def write_csv(self, path: Path) -> Path:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([column.name for column in self.columns])
            for row in self.rows:
                writer.writerow(
                    _csv_cell(value, column.kind) for column, value in zip(self.columns, row, strict=True)
                )
        return path


def _is_zero(value) -> bool:
    """A count of 0 as pd.to_numeric reads a cell (`0`, `0.0`, `"0"`; not `[c]`, text or missing), one cell
    at a time: plain Python on these few rows costs a fraction of a pandas frame's apply."""
    return (pd.to_numeric(value, errors="coerce") if isinstance(value, str) else as_number(value)) == 0


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def in_words(text: str, words: dict[str, str]) -> str:
    """`text` with each id of `words` in it (`outside_limits: concern`) written in words."""
    return re.sub(r"[a-z_]+", lambda m: words.get(m.group(0), m.group(0)), text)


def _display(value, kind: str, words: dict[str, str] | None = None) -> str:
    if _missing(value):
        return ""
    if isinstance(value, str):
        return in_words(value, words) if words else value
    if kind == "month":
        return month_label(value)
    if kind == "date":
        return day_label(value)
    return str(value) if kind == "text" else format_value(value, kind)


def plain_number(value) -> str:
    """A number as CSV text, unrounded: `214` for whole numbers, full precision otherwise, empty if none."""
    number = as_number(value)
    if number is None:
        return ""
    return str(int(number)) if number.is_integer() else repr(number)


def _csv_cell(value, kind: str) -> str:
    if _missing(value):
        return ""
    if isinstance(value, str) or kind in TEXT_KINDS:
        return str(value)
    return plain_number(value)


def breakdown_table(table_id: str, frame: pd.DataFrame, profile: str) -> PublishedTable | None:
    """The published form of an upstream breakdown; None (logged) for a table with no spec.

    A table with no rows may come back from the warehouse without its columns (stored as `[]`): it is
    the spec's columns, empty, as when a list holds no open cases. The rows are split and totalled as
    plain lists and made a frame once: some forty tables a month are built twice (export.refresh, publish),
    and pandas' per-operation cost on a few rows was most of the time (the cells are the same objects).
    """
    spec = TABLE_SPECS.get(table_id)
    if spec is None:
        log.warning("table %s has no publishing spec (allowed columns unknown): not published", table_id)
        return None
    if frame.empty:
        frame = frame.reindex(columns=[c.name for c in spec.columns if not c.optional])
    columns, sources = [], []
    for column in spec.columns:
        source = next((n for n in (column.name, *column.aliases) if n in frame.columns), None)
        if source is None and not column.optional:
            raise ValueError(f"table {table_id} lacks column {column.name!r}")
        if source is not None:
            columns.append(column)
            sources.append(source)
    cells = {c.name: frame[source].tolist() for c, source in zip(columns, sources, strict=True)}
    for column in columns:
        if column.kind == "date":
            cells[column.name] = [
                pd.Timestamp(v).date() if not pd.isna(v) else None for v in cells[column.name]
            ]
    keys = cells[columns[0].name]
    is_apart = [key in spec.apart for key in keys] if spec.apart else [False] * len(keys)
    body = {
        name: [v for v, a in zip(values, is_apart, strict=True) if not a] for name, values in cells.items()
    }
    apart = {name: [v for v, a in zip(values, is_apart, strict=True) if a] for name, values in cells.items()}
    if spec.has_total:
        for name, total in _total_row(body, columns).items():
            body[name].append(total)
    counts = tuple(c.name for c in columns if c.children)
    follows = {c.name: c.follows for c in columns if c.follows}
    published = suppress(
        pd.DataFrame(body, dtype=object), counts, has_total=spec.has_total, follows=follows, profile=profile
    )
    if any(is_apart):
        below = suppress(
            pd.DataFrame(apart, dtype=object), counts, has_total=False, follows=follows, profile=profile
        )
        published = pd.concat([published, below], ignore_index=True)
    return PublishedTable(
        table_id, spec.title, tuple(columns), published, spec.has_total, spec.codes, apart=sum(is_apart)
    )


def _total_row(body: dict[str, list], columns: list[Column]) -> dict:
    """The total row's cells: each number column summed as pandas sums it (text skipped, missing as 0),
    a ratio as the ratio of its columns' sums."""
    sums = {
        c.name: pd.to_numeric(pd.Series(body[c.name], dtype=object), errors="coerce").sum()
        for c in columns
        if c.kind not in TEXT_KINDS
    }
    row = {}
    for column in columns:
        if column.kind in TEXT_KINDS:
            row[column.name] = "Total" if column is columns[0] else None
        elif column.ratio_of:
            numerator, denominator = (sums[name] for name in column.ratio_of)
            row[column.name] = numerator / denominator if denominator else None
        else:
            row[column.name] = sums[column.name]
    return row


def trend_table(
    indicator_id: str,
    label: str,
    unit: str,
    series: list[tuple[pd.Period, float | None]],
    chart: spc.XmR | None = None,
):
    """`trend_<indicator_id>`: the monthly series behind a chart (whole-authority figures: no suppression).

    With its XmR chart (issue 12) the table also gives the mean and limits (empty without limits: a
    rolling figure, too few months) and, for each month, the marker of its special cause as
    `rule: improvement|concern|neutral` (empty: common cause). A month left out of the limits (partial
    history) keeps its value with the four columns empty. A chart in phases (a known change, spc.phased)
    gives each month its phase's mean and limits and a `phase` column (1, 2, ...).
    """
    columns = (Column("month", "Month", "month"), Column("value", label, unit))
    cells = {"month": [month for month, _ in series], "value": [value for _, value in series]}
    if chart is not None:
        columns += (
            Column("mean", "Mean", unit),
            Column("lower_limit", "Lower limit", unit),
            Column("upper_limit", "Upper limit", unit),
            Column("special_cause", "Special cause", "text", words=SPC_RULE_WORDS),
        )
        levels = [chart.levels(i) if i not in chart.excluded else (None,) * 3 for i in range(len(series))]
        for n, name in enumerate(("mean", "lower_limit", "upper_limit")):
            cells[name] = [level[n] for level in levels]
        # as a column assigned from the list reads it (pandas makes the empty markers NaN beside text)
        causes = pd.Series([chart.special_cause(i) or None for i in range(len(series))])
        cells["special_cause"] = causes.astype(object).tolist()
        if chart.phases:
            columns += (Column("phase", "Phase", "count"),)
            cells["phase"] = [chart.phase_of(i) for i in range(len(series))]
    # one frame of Python objects made once: column by column, pandas' per-assignment cost was most of
    # the 17 trend tables' time a month
    frame = pd.DataFrame(cells, dtype=object)
    title = f"{label}: last {len(series)} months"
    return PublishedTable(f"trend_{indicator_id}", title, columns, frame)


def month_series(
    frame: pd.DataFrame | None, month: pd.Period, n: int = 13
) -> list[tuple[pd.Period, float | None]]:
    """The n months ending at `month` (a monthly Period), each with its value or None (trends may have
    gaps); counted back from `month`, at half pd.period_range's cost (asked for 95 times a month)."""
    values: dict[pd.Period, float | None] = {}
    if frame is not None and len(frame):
        values = {to_month(m): as_number(v) for m, v in zip(frame["month"], frame["value"], strict=True)}
    months = [month - back for back in range(n - 1, -1, -1)]
    return [(m, values.get(m)) for m in months]
