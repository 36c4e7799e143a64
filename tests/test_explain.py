"""`csc-report explain` and the action lists (issue 21) on a hand-built month whose answer rows are
worked out below, including a later extract that deletes a row.

Every figure is counted from its row macro (`sql/indicators/<family>.rows.sql`), so these tests check
three things: the rows are exactly the hand-worked ones, they add up to every figure of the month, and
what the command writes is owner-only.

The month, with the default 6-month window (May's window is December to May, June's January to June):

    May 2013 extract, List 3 (file may.xlsx, sheet List 3)
      row 2  child A  referral 2013-05-10
      row 3  child B  referral 2013-05-20   <- not in June's extract although inside its window: deleted
      row 4  child C  referral 2012-11-15   <- before June's window: history keeps May's row
    June 2013 extract, file june.xlsx
      List 3 (sheet List 3)
        row 2  child A  2013-05-10           (May's row again; June's version wins)
        row 3  child D  2013-06-03           first referral: denominator only
        row 4  child A  2013-06-12           re-referral: previous 2013-05-10
        row 5  child C  2013-06-20           re-referral: previous 2012-11-15 (May's row 4)
      List 4 (sheet List 4), single assessments (2019 layout)
        row 2  child K  start 2013-04-01, open: 62 working days to 30 June (April 21 after Easter
               Monday, May 21 less two bank holidays, June 20) > 45: overdue, 90 days open
        row 3  child L  start 2013-06-03, open: 19 working days, not overdue
        row 4  child M  start 2013-04-01, authorised 2013-06-10: 48 working days > 45, so authorised
               late: denominator only of assessments_in_45wd_pct
      List 6 (sheet List 6)
        row 2  child H  CIN from 2013-01-07, team North, no worker            -> unallocated (North)
        row 3  child E  CIN from 2012-01-02, team North, worker w3             (E's CP plan outranks it)
      List 7 (sheet List 7)
        row 2  child E  plan from 2011-03-01, team North, worker w1: open, 2 years or more
        row 3  child E  plan from 2013-02-01, team North, worker w1: E's latest open plan
        row 4  child F  plan 2013-01-10 to 2013-06-30: ends on the month end, so not open
        row 5  child G  plan from 2011-06-30, team South, no worker: exactly 2 years -> 2 years or more,
               and unallocated (South)
      List 8 (sheet List 8)
        row 2  child J  looked after from 2013-03-01, C2, 3 placements in 12 months, team North, worker w2

So for June: referrals = D, A(row 4), C(row 5); referrals_r12 adds C 2012-11-15 (May, row 4) and
A 2013-05-10 (June, row 2), never B; re_referrals_pct = 2 of 3; cp_plans_open = E (row 3), G;
cp_open_2yrs_plus = E (row 2), G; open cases = E (CP, w1), G (CP, none), H (CIN, none), J (CLA, w2);
cases_unallocated = G, H; cla_3plus_placements_pct = J of J; assessments_open_overdue = K.
"""

from __future__ import annotations

import stat

import pandas as pd
import pytest
from conftest import found_in, planted_values
from test_indicators_support import d, load, warehouse_connection

from csc_report import (
    actions,
    cli,
    explain,
    indicator_catalogue,
    indicators,
    pipeline,
    warehouse,
    warehouse_results,
)
from csc_report import month as month_mod
from csc_report.generate import generate_inbox
from csc_report.settings import RunPaths

con = pytest.fixture(warehouse_connection, name="con")

LA = "874"


def referral(child, date, row_sheet="List 3", file="june.xlsx"):
    return {"child_id": child, "referral_date": d(date), "source_file": file, "source_sheet": row_sheet}


def june_lists() -> dict[str, list[dict]]:
    def ref(**row):
        return {"source_file": "june.xlsx", **row}

    return {
        "referrals": [referral("A", "2013-05-10"), referral("D", "2013-06-03"), referral("A", "2013-06-12"),
                      referral("C", "2013-06-20")],
        "assessments": [
            ref(source_sheet="List 4", child_id="K", assessment_start=d("2013-04-01"), team="North",
                worker="w1"),
            ref(source_sheet="List 4", child_id="L", assessment_start=d("2013-06-03"), team="North",
                worker="w1"),
            ref(source_sheet="List 4", child_id="M", assessment_start=d("2013-04-01"),
                assessment_auth=d("2013-06-10"), team="South", worker="w4"),
        ],
        "cin": [
            ref(source_sheet="List 6", child_id="H", cin_start=d("2013-01-07"), team="North"),
            ref(source_sheet="List 6", child_id="E", cin_start=d("2012-01-02"), team="North", worker="w3"),
        ],
        "cp_plans": [
            ref(source_sheet="List 7", child_id="E", cp_start=d("2011-03-01"), team="North", worker="w1"),
            ref(source_sheet="List 7", child_id="E", cp_start=d("2013-02-01"), team="North", worker="w1"),
            ref(source_sheet="List 7", child_id="F", cp_start=d("2013-01-10"), cp_end=d("2013-06-30"),
                team="North", worker="w1"),
            ref(source_sheet="List 7", child_id="G", cp_start=d("2011-06-30"), team="South"),
        ],
        "cla": [
            ref(source_sheet="List 8", child_id="J", cla_start=d("2013-03-01"), legal_status="C2",
                placements_last_12m=3, team="North", worker="w2"),
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def month():
    """May and June loaded, both months' figures computed and stored (published) as a run would; built
    once for the module (the tests only read it)."""
    connections = warehouse_connection()
    con = next(connections)
    may = [referral("A", "2013-05-10", file="may.xlsx"), referral("B", "2013-05-20", file="may.xlsx"),
           referral("C", "2012-11-15", file="may.xlsx")]  # fmt: skip
    load(con, "2013-05", referrals=may, **{k: v for k, v in june_lists().items() if k != "referrals"})
    load(con, "2013-06", **june_lists())
    for m in ("2013-05", "2013-06"):
        rows = indicators.compute_indicators(con, LA, m, targets={})
        warehouse_results.store_results(con, LA, m, rows, indicators.compute_tables(con, LA, m))
    yield con
    connections.close()


def test_every_indicator_has_its_row_macro_and_every_row_macro_an_indicator(con):
    indicators.apply_macros(con)
    names = con.execute("SELECT DISTINCT function_name FROM duckdb_functions()").fetchall()
    macros = {name for (name,) in names if name.startswith("rows_")}
    assert macros == {indicators.row_macro(i) for i in indicator_catalogue.catalogue()[0]["indicator_id"]}


def listed(con, indicator_id, month="2013-06", *columns):
    rows = explain.figure_rows(con, LA, month, indicator_id)
    rows = rows.astype(object).where(rows.notna(), None)
    return [tuple(r) for r in rows[["counted_in", "child", "snapshot_month", "source_row", *columns]].values]


def test_referrals_are_the_worked_rows_and_the_deleted_one_is_not_listed(month):
    assert listed(month, "referrals") == [
        ("count", "D", "2013-06", 3), ("count", "A", "2013-06", 4), ("count", "C", "2013-06", 5)
    ]  # fmt: skip
    r12 = listed(month, "referrals_r12", "2013-06", "source_file", "referral_date")
    assert sorted(r12, key=lambda r: r[-1]) == [
        ("count", "C", "2013-05", 4, "may.xlsx", "2012-11-15"),
        ("count", "A", "2013-06", 2, "june.xlsx", "2013-05-10"),
        ("count", "D", "2013-06", 3, "june.xlsx", "2013-06-03"),
        ("count", "A", "2013-06", 4, "june.xlsx", "2013-06-12"),
        ("count", "C", "2013-06", 5, "june.xlsx", "2013-06-20"),
    ]
    assert "B" not in {row[1] for row in r12}
    # as of May, before June's extract deleted it, B was a referral of May
    assert [r[1] for r in listed(month, "referrals", "2013-05")] == ["A", "B"]


def test_re_referrals_name_the_previous_referral_that_decided_them(month):
    rows = listed(month, "re_referrals_pct", "2013-06", "previous_referral_date")
    assert sorted(rows, key=lambda r: r[1]) == [
        ("numerator", "A", "2013-06", 4, "2013-05-10"),
        ("numerator", "C", "2013-06", 5, "2012-11-15"),
        ("denominator_only", "D", "2013-06", 3, None),
    ]


def test_stock_figures_list_one_row_per_child_with_their_source_row(month):
    assert listed(month, "cp_plans_open", "2013-06", "sheet", "cp_start") == [
        ("count", "E", "2013-06", 3, "List 7", "2013-02-01"),
        ("count", "G", "2013-06", 5, "List 7", "2011-06-30"),
    ]
    assert listed(month, "cp_open_2yrs_plus", "2013-06", "days_open") == [
        ("count", "E", "2013-06", 2, 852), ("count", "G", "2013-06", 5, 731)
    ]  # fmt: skip
    assert listed(month, "cases_unallocated", "2013-06", "list", "team") == [
        ("count", "H", "2013-06", 2, "cin", "North"), ("count", "G", "2013-06", 5, "cp_plans", "South")
    ]  # fmt: skip
    assert listed(month, "caseload_average", "2013-06", "worker") == [
        ("numerator", "E", "2013-06", 3, "w1"), ("numerator", "J", "2013-06", 2, "w2")
    ]  # fmt: skip


def test_assessments_show_the_working_days_that_decided_them(month):
    assert listed(month, "assessments_open_overdue", "2013-06", "working_days_open", "days_open") == [
        ("count", "K", "2013-06", 2, 62, 90)
    ]
    assert listed(month, "assessments_in_45wd_pct", "2013-06", "working_days") == [
        ("denominator_only", "M", "2013-06", 4, 48)
    ]


# The figures worked out by hand in the module docstring: (month, indicator) -> (value, its rows as
# (counted_in, child, Excel row)). A figure is counted from the same row macro `explain` lists, so
# rows and figure agree by construction; these are what both must be.
HAND_WORKED = {
    ("2013-05", "referrals"): (2, [("count", "A", 2), ("count", "B", 3)]),
    ("2013-06", "referrals"): (3, [("count", "A", 4), ("count", "C", 5), ("count", "D", 3)]),
    ("2013-06", "referrals_r12"): (  # adds A 2013-05-10 (June row 2) and C 2012-11-15 (May row 4), not B
        5, [("count", "A", 2), ("count", "A", 4), ("count", "C", 4), ("count", "C", 5), ("count", "D", 3)]
    ),
    ("2013-06", "re_referrals_pct"): (
        200 / 3, [("denominator_only", "D", 3), ("numerator", "A", 4), ("numerator", "C", 5)]
    ),
    ("2013-06", "cp_plans_open"): (2, [("count", "E", 3), ("count", "G", 5)]),  # not F: ends 30 June
    ("2013-06", "cp_open_2yrs_plus"): (2, [("count", "E", 2), ("count", "G", 5)]),
    ("2013-06", "cases_unallocated"): (2, [("count", "G", 5), ("count", "H", 2)]),
    ("2013-06", "cla_open"): (1, [("count", "J", 2)]),
    ("2013-06", "cla_3plus_placements_pct"): (100, [("numerator", "J", 2)]),
    ("2013-06", "assessments_open_overdue"): (1, [("count", "K", 2)]),  # 62 working days open
    ("2013-06", "assessments_in_45wd_pct"): (0, [("denominator_only", "M", 4)]),  # 48 working days
}  # fmt: skip


@pytest.mark.parametrize("m", ["2013-05", "2013-06"])
def test_every_available_figure_of_the_hand_built_months_equals_its_rows(month, m):
    for (hand_month, indicator_id), (value, rows) in HAND_WORKED.items():
        if hand_month == m:
            explanation = explain.explain(month, LA, m, indicator_id)
            listed = explanation.rows[["counted_in", "child", "source_row"]].itertuples(index=False)
            assert sorted(tuple(r) for r in listed) == rows, indicator_id
            assert explanation.figure["value"] == pytest.approx(value), indicator_id
    checked = 0
    unavailable = set(indicators.unavailable(month, LA, pd.Timestamp(m).date())["item_id"])
    for indicator_id in indicator_catalogue.catalogue()[0]["indicator_id"]:
        if indicator_id in unavailable:
            with pytest.raises(explain.DataError, match="not available"):
                explain.explain(month, LA, m, indicator_id)
            continue
        explanation = explain.explain(month, LA, m, indicator_id)
        assert explanation.agrees(), explanation.summary()
        checked += 1
    assert checked >= 20  # referrals, re-referrals, assessments, CP, CLA and caseload families


def test_action_lists_are_the_figures_rows_split_by_team_and_owner_only(month, tmp_path):
    folder = actions.write_actions(month, LA, "2013-06", tmp_path)
    summary = pd.read_csv(folder / "summary.csv", dtype=str)
    totals = summary[summary["team"] == "(all teams)"].set_index("list")
    assert totals.loc["assessments_overdue", ["figure", "rows"]].tolist() == ["1", "1"]
    assert totals.loc["unallocated_cases", ["indicator_id", "figure", "rows"]].tolist() == [
        "cases_unallocated", "2", "2"
    ]  # fmt: skip
    assert totals.loc["cp_plans_2yrs_plus", "rows"] == "2"
    assert totals.loc["cla_3plus_placements", ["figure", "rows"]].tolist() == ["1", "1"]
    north = pd.read_csv(folder / "unallocated_cases" / "north.csv", dtype=str)
    assert north[["child", "source_file", "sheet", "source_row", "days_open"]].values.tolist() == [
        ["H", "june.xlsx", "List 6", "2", "174"]
    ]
    south = pd.read_csv(folder / "cp_plans_2yrs_plus" / "south.csv", dtype=str)
    assert south[["child", "source_row", "worker"]].fillna("").values.tolist() == [["G", "5", ""]]
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
    actions.clear_actions(tmp_path)
    assert not folder.exists()


def test_since_lists_who_joined_and_left_a_month_end_figure(con):
    may_plans = [
        {"child_id": "P", "cp_start": d("2013-01-01")},
        {"child_id": "Q", "cp_start": d("2013-02-01")},
    ]
    june_plans = [
        {"child_id": "Q", "cp_start": d("2013-02-01")},
        {"child_id": "R", "cp_start": d("2013-06-05")},
    ]
    load(con, "2013-05", cp_plans=may_plans)
    load(con, "2013-06", cp_plans=june_plans)
    changes = explain.changes_since(con, LA, "2013-06", "2013-05", "cp_plans_open")
    assert changes[["change", "child", "snapshot_month"]].values.tolist() == [
        ["joined", "R", "2013-06"], ["left", "P", "2013-05"]
    ]  # fmt: skip
    with pytest.raises(explain.UsageError, match="month-end"):
        explain.changes_since(con, LA, "2013-06", "2013-05", "cp_plans_started")


def test_the_command_writes_owner_only_and_says_what_the_rows_add_up_to(month, tmp_path, capsys):
    path = tmp_path / "wh" / f"{LA}.duckdb"
    path.parent.mkdir()
    month.execute(f"ATTACH '{path}' AS copy")
    month.execute("COPY FROM DATABASE memory TO copy")
    month.execute("DETACH copy")
    command = ["explain", "--la", LA, "--month", "2013-06", "--warehouse", str(path.parent)]
    assert cli.main([*command, "cp_plans_open"]) == 0
    written = tmp_path / "wh" / "explain" / "874-2013-06-cp_plans_open.csv"
    assert "value 2 (published 2)" in capsys.readouterr().out
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
    assert pd.read_csv(written)["child"].tolist() == ["E", "G"]

    assert cli.main([*command, "referrals", "--out", "-"]) == 0
    out = capsys.readouterr()
    header = "counted_in,child,list,snapshot_month,source_file,sheet,source_row"
    assert out.out.splitlines()[0].startswith(header)
    assert len(out.out.splitlines()) == 4 and "value 3 (published 3)" in out.err

    assert cli.main([*command, "no_such_figure"]) == 2
    assert "cp_plans_open" in capsys.readouterr().err  # the valid ids are listed

    assert cli.main([*command, "care_leavers"]) == 1
    assert "not available: List 9 (care leavers) was not in this month's extract" in capsys.readouterr().err


# --- a generated month: the demo's June 2013 layout, small, run by the real stages ---------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """May and June 2013 of the demo's layout (pre-2014), scale 0.2, run under the internal profile."""
    root = tmp_path_factory.mktemp("explain")
    generate_inbox(root / "inbox", la_code=LA, end="2013-06", months=2, scale=0.2, seed=21)
    paths = RunPaths(root / "inbox", root / "wh", root / "out", root / "secret.key")
    for m in ("2013-05", "2013-06"):
        assert month_mod.run_month(paths, LA, m, profile="internal").status == "done"
    con = warehouse.connect(paths.warehouse_file(LA), read_only=True)
    yield paths, con
    con.close()


# Children behind five figures of a generated month, in SQL written from the contract's definitions
# (not the row macros): stock figures on snapshot M alone, open at asat = start <= asat and (end is null
# or end > asat); referrals dated in M, all in snapshot M (its window holds M). $m is the month's first day.
OPEN_AT = (
    "la_code = $la AND snapshot_month = $m AND {s} <= last_day($m) AND ({e} IS NULL OR {e} > last_day($m))"
)
CP_OPEN = OPEN_AT.format(s="cp_start", e="cp_end")
CLA_OPEN = OPEN_AT.format(s="cla_start", e="cla_end") + " AND coalesce(legal_status, '') NOT IN ('V3', 'V4')"
INDEPENDENT = {
    "referrals": "SELECT child_id FROM referrals WHERE la_code = $la AND snapshot_month = $m"
    " AND referral_date BETWEEN $m AND last_day($m)",
    "cp_plans_open": f"SELECT DISTINCT child_id FROM cp_plans WHERE {CP_OPEN}",
    "cp_open_2yrs_plus": f"SELECT DISTINCT child_id FROM cp_plans WHERE {CP_OPEN}"
    " AND cp_start <= last_day($m) - INTERVAL 2 YEAR",
    "cla_open": f"SELECT DISTINCT child_id FROM cla WHERE {CLA_OPEN}",
    "cla_3plus_placements_pct": f"SELECT DISTINCT child_id FROM cla WHERE {CLA_OPEN}"
    " AND placements_last_12m >= 3",
}


def independent_children(con, m: str, indicator_id: str) -> list[str]:
    """The children INDEPENDENT's SQL finds for one figure of month m, sorted (one per row counted)."""
    found = con.execute(INDEPENDENT[indicator_id], {"la": LA, "m": pd.Timestamp(m).date()}).fetchall()
    return sorted(child for (child,) in found)


@pytest.mark.slow
@pytest.mark.parametrize("m", ["2013-05", "2013-06"])
def test_every_figure_of_a_generated_month_equals_its_rows(generated, m):
    _paths, con = generated
    for indicator_id in INDEPENDENT:
        explanation = explain.explain(con, LA, m, indicator_id)
        counted = explanation.rows[explanation.rows["counted_in"].isin(["count", "numerator"])]
        children = independent_children(con, m, indicator_id)
        assert len(children) > 0 and sorted(counted["child"]) == children, indicator_id
        part = "numerator" if indicator_id == "cla_3plus_placements_pct" else "value"
        assert explanation.figure[part] == len(children), indicator_id
    unavailable = set(indicators.unavailable(con, LA, pd.Timestamp(m).date())["item_id"])
    # the pre-2014 layout has no pathway plans and no latest date of contact with care leavers
    assert unavailable == {"pathway_plans_in_date_pct", "care_leavers_contact_in_standard_pct"}
    for indicator_id in sorted(set(indicator_catalogue.catalogue()[0]["indicator_id"]) - unavailable):
        explanation = explain.explain(con, LA, m, indicator_id)
        assert explanation.agrees(), explanation.summary()
        assert explanation.rows["source_file"].notna().all() and explanation.rows["sheet"].notna().all()


@pytest.mark.slow
def test_the_generated_months_action_lists_are_their_figures_rows(generated, tmp_path):
    paths, con = generated
    folder = paths.output_dir(LA, "2013-06") / "actions"
    summary = pd.read_csv(folder / "summary.csv", dtype={"file": str})
    for action in actions.ACTION_LISTS:
        rows = explain.figure_rows(con, LA, "2013-06", action.indicator_id)
        expected = rows[rows["counted_in"] == action.counted_in]
        if action.indicator_id in INDEPENDENT:  # the children worked out here in SQL, not by the macros
            assert sorted(expected["child"]) == independent_children(con, "2013-06", action.indicator_id)
        mine = summary[summary["list"] == action.list_id]
        files = mine["file"].dropna()
        written = pd.concat([pd.read_csv(folder / f, dtype=str) for f in files]) if len(files) else None
        assert int(mine.loc[mine["team"] == "(all teams)", "rows"].iloc[0]) == len(expected)
        assert float(mine["figure"].iloc[0]) == len(expected)  # the figure it belongs to, as published
        listed_children = sorted(written["child"]) if written is not None else []
        assert listed_children == sorted(expected["child"])
    assert all(stat.S_IMODE(p.stat().st_mode) in (0o600, 0o700) for p in [folder, *folder.rglob("*")])
    # no identifier, worker name or postcode of the extract; no date of birth column (a plan can start
    # on a date that is some child's birthday, so dates are checked by column, not by value)
    planted, _births = planted_values(paths.inbox)
    files = list(folder.rglob("*.csv"))
    assert len(planted) > 20 and not found_in(planted, "".join(p.read_text(encoding="utf-8") for p in files))
    assert not {c for p in files for c in pd.read_csv(p, nrows=0).columns} & {"dob", "age", "postcode"}

    # the same month published again under the public profile keeps no child-level list
    pipeline.publish(paths, LA, "2013-06", [], tmp_path / "no-cache-entry", profile="public")
    assert not folder.exists()


@pytest.mark.slow
def test_since_on_a_generated_month_accounts_for_the_change_in_the_figure(generated):
    _paths, con = generated
    changes = explain.changes_since(con, LA, "2013-06", "2013-05", "cp_plans_open")
    may, june = (
        explain.published_figure(con, LA, m, "cp_plans_open")["value"] for m in ("2013-05", "2013-06")
    )
    joined, left = ((changes["change"] == c).sum() for c in ("joined", "left"))
    assert june - may == joined - left
    assert set(changes.loc[changes["change"] == "left", "snapshot_month"]) <= {"2013-05"}


def test_rows_that_do_not_add_up_to_the_published_figure_are_written_and_said(month, tmp_path, capsys):
    path = tmp_path / f"{LA}.duckdb"  # --warehouse naming a file: the folder it is in
    month.execute(f"ATTACH '{path}' AS copy")
    month.execute("COPY FROM DATABASE memory TO copy")
    month.execute("UPDATE copy.indicator_values SET value = 3 WHERE indicator_id = 'cp_plans_open'")
    month.execute("DETACH copy")
    out = tmp_path / "rows.csv"
    command = ["explain", "cp_plans_open", "--la", LA, "--month", "2013-06", "--warehouse", str(path)]
    assert cli.main([*command, "--out", str(out)]) == 1
    said = capsys.readouterr()
    assert "value 2 (published 3)" in said.out and "do not add up to the published figure" in said.err
    assert len(pd.read_csv(out)) == 2 and stat.S_IMODE(out.stat().st_mode) == 0o600
