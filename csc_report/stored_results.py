"""A month's stored results read back (csc_report/warehouse_results.py stores them): its indicator rows
with what each figure's period covers, its values by id, its breakdown tables, and the trend of each
figure over the months before it.

The report (csc_report/report_context.py), explain and the tests read a month from here rather than
computing it again, so what is published is what was stored.
"""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd

from csc_report.indicator_catalogue import catalogue
from csc_report.indicators import as_records
from csc_report.months import month_end, month_start, r12_start


def stored_indicators(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> list[dict]:
    """The stored indicator rows of (la_code, month), in catalogue order, with period and definition.

    period says what the figure covers: 'YYYY-MM' (dated in the month), 'YYYY-MM to YYYY-MM' (the
    rolling 12 months) or 'YYYY-MM-DD' (at the month end).
    """
    m = month_start(month)
    periods = {
        "month": m.strftime("%Y-%m"),
        "r12": f"{r12_start(m):%Y-%m} to {m:%Y-%m}",
        "asat": month_end(m).isoformat(),
    }
    con.register("_catalogue", catalogue()[0])
    try:
        frame = con.execute(
            """
            select v.indicator_id, v.label, v.section, v.unit, c.period, c.definition, v.value,
                v.numerator, v.denominator, v.target, v.rag, v.note
            from indicator_values as v
            left join _catalogue as c using (indicator_id)
            where v.la_code = $la and v.month = $m
            order by c.sort_order nulls last, v.indicator_id
            """,
            {"la": la_code, "m": month_start(month)},
        ).df()
    finally:
        con.unregister("_catalogue")
    return [{**row, "period": periods.get(row["period"], "")} for row in as_records(frame)]


def stored_values(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> dict[str, float | None]:
    """indicator_id -> stored value for (la_code, month); {} when the month was never computed."""
    rows = con.execute(
        "select indicator_id, value from indicator_values where la_code = $la and month = $m",
        {"la": la_code, "m": month_start(month)},
    ).fetchall()
    return dict(rows)


def stored_tables(con: duckdb.DuckDBPyConnection, la_code: str, month: str) -> dict[str, pd.DataFrame]:
    """table_id -> DataFrame of the stored tables of (la_code, month), in catalogue order."""
    rows = dict(
        con.execute(
            "select table_id, data::VARCHAR from report_tables where la_code = $la and month = $m",
            {"la": la_code, "m": month_start(month)},
        ).fetchall()
    )
    known = catalogue()[1]["table_id"].tolist()
    order = [t for t in known if t in rows] + sorted(set(rows) - set(known))
    return {t: pd.DataFrame(json.loads(rows[t])) for t in order}


def trends(
    con: duckdb.DuckDBPyConnection, la_code: str, indicator_ids: list[str], month: str, n: int = 13
) -> dict[str, pd.DataFrame]:
    """indicator_id -> the last n months (ending at month) of that stored indicator: columns month
    ('YYYY-MM'), value, note. One query for all of them: one per indicator cost five times the CPU.

    Every month appears; a month never computed or not available has an empty value, so a chart shows
    the gap rather than joining across it. The note says, among other things, when the history covers a
    month's figure only partly: such a point takes no part in SPC (publish/signals.py).
    """
    frame = con.execute(
        """
        with months as (
            select unnest(generate_series($m - to_months($n - 1), $m, interval 1 month))::date as month
        ),
        wanted as (select unnest($ids::varchar[]) as indicator_id)
        select wanted.indicator_id, strftime(months.month, '%Y-%m') as month, v.value, v.note
        from wanted cross join months
        left join indicator_values as v
            on v.month = months.month and v.la_code = $la and v.indicator_id = wanted.indicator_id
        order by wanted.indicator_id, months.month
        """,
        {"la": la_code, "ids": list(indicator_ids), "m": month_start(month), "n": n},
    ).df()
    # each indicator's rows are consecutive (ordered by it): sliced from the columns into a frame each,
    # as grouping the frame and dropping a column from each group cost 1-2 ms an indicator
    keys, starts, counts = np.unique(
        frame["indicator_id"].to_numpy(dtype=str), return_index=True, return_counts=True
    )
    bounds = {
        key: (start, start + count)
        for key, start, count in zip(keys.tolist(), starts.tolist(), counts.tolist(), strict=True)
    }
    columns = {name: frame[name].to_numpy() for name in ("month", "value", "note")}
    return {
        i: pd.DataFrame({name: values[slice(*bounds[i])] for name, values in columns.items()})
        for i in indicator_ids
    }
