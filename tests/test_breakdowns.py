"""Each cohort's breakdowns (issue 36, point 1): the category rules worked by hand at their boundaries, then
the demo's months, where every breakdown adds up to its cohort's figure and is published suppressed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import DEMO_LA, DEMO_MONTHS, la_file

from csc_report import breakdowns, indicators, stored_results
from csc_report.explain_breakdown import explain_cell
from csc_report.publish.disclosure import SUPPRESSED

ASAT = "DATE '2013-06-30'"


def categorise(dimension: breakdowns.Dimension, rows: list[dict], at: str = ASAT) -> list[str]:
    """The dimension's category of each hand-made row (r: the cohort's row, l: its list row)."""
    frame = pd.DataFrame(rows)
    con = duckdb.connect()
    con.register("_rows", frame)
    sql = dimension.expr.format(at=at)
    try:
        query = f"SELECT {sql} FROM _rows AS r, _rows AS l WHERE r.n = l.n ORDER BY r.n"
        return [v for (v,) in con.execute(query).fetchall()]
    finally:
        con.close()


def test_age_bands_at_their_boundaries():
    # the warehouse keeps the month of birth (the 1st); age at 30 June 2013 in whole years of months:
    # born July 2013: unborn; June 2013 (0 months): under 1; July 2012 (11 months): under 1;
    # June 2012 (12 months): 1-4; July 2008 (4 years 11 months): 1-4; June 2008: 5-9;
    # July 1995 (17 years 11 months): 16-17; June 1995: 18 and over; no month of birth: not recorded
    births = ["2013-07-01", "2013-06-01", "2012-07-01", "2012-06-01", "2008-07-01", "2008-06-01",
              "1995-07-01", "1995-06-01", None]  # fmt: skip
    rows = [{"n": n, "dob": pd.Timestamp(b) if b else pd.NaT} for n, b in enumerate(births)]
    assert categorise(breakdowns.AGE, rows) == [
        "unborn", "under 1", "under 1", "1-4", "1-4", "5-9", "16-17", "18 and over", "not recorded"
    ]  # fmt: skip


def test_icpc_bands_at_their_boundaries():
    # working days from the S47 start: 10 is in 0-10, 11 and 15 in 11-15, 16 and 20 in 16-20, 21 beyond
    rows = [{"n": n, "working_days": d} for n, d in enumerate([0, 10, 11, 15, 16, 20, 21])]
    assert categorise(breakdowns.ICPC_BANDS, rows) == [
        "0-10", "0-10", "11-15", "11-15", "16-20", "16-20", "21 or more"
    ]  # fmt: skip


def test_assessment_bands_at_their_boundaries():
    # working days from the start to authorisation: 10 | 11..20 | 21..30 | 31..45 | 46 and more
    rows = [{"n": n, "working_days": d} for n, d in enumerate([10, 11, 20, 21, 30, 31, 45, 46])]
    assert categorise(breakdowns.ASSESSMENT_BANDS, rows) == [
        "0-10", "11-20", "11-20", "21-30", "21-30", "31-45", "31-45", "46 or more"
    ]  # fmt: skip


# (dimension, its start column, start dates, their bands at 30 June 2013)
LENGTHS = [
    # DfE's bands (D5): a plan started exactly two years before 30 June 2013 (30 June 2011) counts as 2
    # years and over, as cp_open_2yrs_plus counts it; a day later it is 1 to 2 years; exactly 1 year (30
    # June 2012): 1 to 2 years; a day later (1 July 2012): 6 to 12 months; exactly 6 months (30 December
    # 2012) is not "more than 6 months": 3 to 6 months; 29 December 2012 (more than 6): 6 to 12 months;
    # exactly 3 months (30 March 2013) is "3 months or less"; 29 March 2013 (more than 3): 3 to 6 months
    (breakdowns.PLAN_LENGTH, "cp_start",
     ["2011-06-30", "2011-07-01", "2012-06-30", "2012-07-01", "2012-12-29", "2012-12-30", "2013-03-29",
      "2013-03-30", "2013-03-31"],
     ["2 years and over", "1 to 2 years", "1 to 2 years", "6 to 12 months", "6 to 12 months",
      "3 to 6 months", "3 to 6 months", "3 months or less", "3 months or less"]),
    # periods of care, from the start of the current period: 30 June 2008 (exactly 5 years): 5 years and
    # over, a day later 2 to 5 years; 30 June 2011 (2 years): 2 to 5; 30 June 2012 (1 year): 1 to 2;
    # 1 July 2012 and 30 December 2012 (the month end less 6 months): 6 to 12; 1 January 2013: under 6
    (breakdowns.CARE_LENGTH, "cla_start",
     ["2008-06-30", "2008-07-01", "2011-06-30", "2012-06-30", "2012-07-01", "2012-12-30", "2013-01-01"],
     ["5 years and over", "2 to 5 years", "2 to 5 years", "1 to 2 years", "6 to 12 months",
      "6 to 12 months", "under 6 months"]),
]  # fmt: skip


@pytest.mark.parametrize(("dimension", "column", "starts", "bands"), LENGTHS, ids=["plans", "care"])
def test_length_bands_at_their_boundaries(dimension, column, starts, bands):
    assert categorise(dimension, [{"n": n, column: pd.Timestamp(s)} for n, s in enumerate(starts)]) == bands


def test_care_leavers_by_year_of_age():
    ages = [16, 17, 18, 19, 20, 21, 23, None]
    rows = [{"n": n, "age_at_asat": a} for n, a in enumerate(ages)]
    assert categorise(breakdowns.LEAVER_AGE, rows) == [
        "under 17", "17", "18", "19", "20", "21 and over", "21 and over", "not recorded"
    ]  # fmt: skip


def test_contact_sources_group_by_their_number():
    rows = [{"n": n, "contact_source": s} for n, s in enumerate(["6A", "10", None])]
    assert categorise(breakdowns.CONTACT_SOURCE, rows) == ["6", "10", "not recorded"]


def test_sources_group_by_their_number():
    rows = [{"n": n, "referral_source": s} for n, s in enumerate(["1A", "3F", "4", "10", None])]
    assert categorise(breakdowns.SOURCE, rows) == ["1", "3", "4", "10", "not recorded"]


def test_repeats_count_children_by_their_rows():
    # child a has 2 rows, b 1, c 6, d 5: once 1 (b), twice 1 (a), 5 or more 2 (c, d); 3 and 4 times 0
    con = duckdb.connect()
    con.execute(
        "CREATE TEMPORARY MACRO rows_x(la, m) AS TABLE SELECT * FROM (VALUES ('a'), ('a'), ('b'), "
        "('c'), ('c'), ('c'), ('c'), ('c'), ('c'), ('d'), ('d'), ('d'), ('d'), ('d')) AS t(child_id)"
    )
    cohort = breakdowns.Cohort("x", "", "", "Children", breakdowns.CHILDREN, "referrals", "children")
    sql = breakdowns.Breakdown("x_repeats", cohort, breakdowns.REPEATS).sql()
    frame = con.execute(sql, {"la": "874", "m": "2013-06-01"}).df()
    con.close()
    assert dict(zip(frame["times"], frame["children"], strict=True)) == {
        "1": 1, "2": 1, "3": 0, "4": 0, "5 or more": 2
    }  # fmt: skip


def test_the_months_flow_and_its_shares():
    # contacts 4, referrals 2 (50% of 4), assessments: initial 1 (single not available) -> 1 (50% of 2),
    # S47s not available -> no number, ICPCs 1 -> no share (nothing before it), plans 1 -> 100% of 1
    con = duckdb.connect()
    for indicator_id, rows in (("contacts", 4), ("referrals", 2), ("initial_assessments_completed", 1),
                               ("icpcs", 1), ("cp_plans_started", 1)):  # fmt: skip
        con.execute(f"CREATE TEMPORARY MACRO rows_{indicator_id}(la, m) AS TABLE SELECT * FROM range({rows})")
    sql = breakdowns.flow_sql({"assessments_completed", "s47_started"})
    frame = con.execute(sql, {"la": "874", "m": "2013-06-01"}).df()
    con.close()
    numbers = [None if pd.isna(v) else int(v) for v in frame["number"]]
    shares = [None if pd.isna(v) else round(v, 6) for v in frame["share_of_previous_pct"]]
    assert numbers == [4, 2, 1, None, 1, 1]
    assert shares == [None, 50.0, 50.0, None, None, 100.0]


def test_every_cohort_has_age_sex_and_ethnic_group_and_a_section():
    ids = {b.table_id for b in breakdowns.BREAKDOWNS}
    for cohort in ("referrals", "cp", "cla", "cin", "s47", "assessments", "initial_assessments"):
        assert {f"{cohort}_by_age_band", f"{cohort}_by_sex", f"{cohort}_by_ethnic_group"} <= ids
    assert {"referrals_by_source_group", "icpcs_by_working_days", "cp_by_plan_length", "cla_by_length",
            "contacts_by_source_group", "contacts_repeats_12_months", "care_leavers_by_age",
            "care_leavers_by_sex", "adoptions_by_age_band", "adoptions_by_sex"} <= ids  # fmt: skip
    assert all(breakdowns.for_section(b.cohort.section) for b in breakdowns.BREAKDOWNS)


@pytest.mark.slow
def test_every_breakdown_adds_up_to_its_cohort_in_every_demo_month(demo):
    _, params, _ = demo
    con = duckdb.connect(str(la_file(params)), read_only=True)
    indicators.apply_macros(con)  # the row macros, to count the children of the repeats
    checked = set()
    try:
        for month in DEMO_MONTHS:
            stored = stored_results.stored_tables(con, DEMO_LA, month)
            figures = con.execute(
                "SELECT indicator_id, value, denominator FROM indicator_values "
                "WHERE la_code = ? AND month = ?",
                [DEMO_LA, f"{month}-01"],
            ).df().set_index("indicator_id")  # fmt: skip
            for b in breakdowns.BREAKDOWNS:
                cohort = figures.loc[b.cohort.indicator_id]
                # the ICPCs by working days are the timeliness figure's denominator; the others the figure
                expected = cohort["denominator"] if b.cohort.total == "denominator" else cohort["value"]
                if b.cohort.total == "children":  # children with 1, 2, ... of the figure's rows
                    expected = con.execute(
                        f"SELECT count(DISTINCT child_id) FROM {b.cohort.row_macro}(?, ?::DATE)",
                        [DEMO_LA, f"{month}-01"],
                    ).fetchall()[0][0]
                if pd.isna(cohort["value"]):  # not available (single assessments before April 2014)
                    assert b.table_id not in stored, (month, b.table_id)  # no table, not zeros
                    continue
                total = stored[b.table_id][b.cohort.count[0]].sum()
                assert total == expected and total > 0, (month, b.table_id)
                checked.add(b.table_id)
            flow = stored[breakdowns.FLOW_ID].set_index("step")["number"]
            for step, ids in breakdowns.FLOW:  # each step's number is its figures' (those available)
                values = figures.loc[list(ids), "value"].dropna()
                assert flow[step] == values.sum() and len(values), (month, step)
        # explain lists the rows behind a cell, as many as it counts: the largest cell of each table
        for table_id in checked:
            frame = stored[table_id]
            b = breakdowns.BY_ID[table_id]
            category = str(frame.loc[frame[b.cohort.count[0]].idxmax(), b.dimension.key])
            assert explain_cell(con, DEMO_LA, DEMO_MONTHS[-1], table_id, category)[2], (table_id, category)
    finally:
        con.close()
    # all but those of single assessments, which a 2013 extract does not record
    single = {"assessments_completed", "assessments_in_45wd_pct"}
    assert {b.table_id for b in breakdowns.BREAKDOWNS if b.cohort.indicator_id not in single} <= checked
    # published under the public profile: small counts suppressed, the total kept, in the appendix
    out = Path(params["outputs"]) / DEMO_LA / DEMO_MONTHS[-1]
    suppressed = 0
    for b in breakdowns.BREAKDOWNS:
        if b.table_id not in checked:
            assert not (out / "tables" / f"{b.table_id}.csv").exists()
            continue
        table = pd.read_csv(out / "tables" / f"{b.table_id}.csv", dtype=str, keep_default_na=False)
        column = table[b.cohort.count[0]]
        shown = pd.to_numeric(column[:-1], errors="coerce")
        assert not shown.between(1, 5).any(), b.table_id
        suppressed += int((column == SUPPRESSED).sum())
        total = int(stored[b.table_id][b.cohort.count[0]].sum())  # the last month's, unsuppressed
        # the total is kept unless it is itself a small count (2 adoptions in 12 months)
        assert table.iloc[-1, 0] == "Total" and column.iloc[-1] == (SUPPRESSED if total <= 5 else str(total))
    assert suppressed > 0
    appendix = (out / "appendix.md").read_text(encoding="utf-8")
    assert all(b.title in appendix for b in breakdowns.BREAKDOWNS if b.table_id in checked)


def test_the_paper_names_a_cohorts_breakdowns_in_a_row_as_one():
    named = breakdowns.named_together(
        [("cla_by_legal_status", "Children looked after by legal status")]
        + [(i, breakdowns.BY_ID[i].title) for i in ("cla_by_age_band", "cla_by_sex", "cla_by_disability")]
        + [("adoptions_by_sex", breakdowns.BY_ID["adoptions_by_sex"].title)]
    )
    assert named == [
        "Children looked after by legal status",
        "Children looked after at the month end by age, sex and disability",
        "Children adopted in the last 12 months by sex",
    ]
