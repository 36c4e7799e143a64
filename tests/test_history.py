"""Snapshots and history (contract 1.2): stock figures on snapshot M alone, flow figures on windowed
history in which a newer extract overrules an older one, figures of M from snapshots up to M only.

Every case is built by hand from two or three small snapshots and its answer worked out in the comments.
Windows are the default 6 months unless said: a June 2013 snapshot covers 2013-01-01 to 2013-06-30.
"""

from __future__ import annotations

import pytest
from test_indicators_support import LA, d, figures, load, warehouse_connection

from csc_report import indicators
from csc_report.authority_config import AuthorityConfig, load_authority_config
from csc_report.errors import UsageError

con = pytest.fixture(warehouse_connection, name="con")


def referral(child, date):
    return {"child_id": child, "referral_date": d(date)}


def history(con, list_id: str, month: str) -> list[tuple]:
    """(child_id, snapshot month) of the rows history keeps as of `month`, sorted."""
    rows = con.execute(
        f"select child_id, strftime(snapshot_month, '%Y-%m') from history_{list_id}(?, ?) order by all",
        [LA, f"{month}-01"],
    ).fetchall()
    return [tuple(row) for row in rows]


# --- flow figures: corrections, deletions and de-duplications at source take effect ---------------------


def test_a_re_dated_referral_is_counted_once_and_is_no_re_referral_of_itself(con):
    # June's extract shows a referral of child a on 10 June; July's extract has it on 2 July instead
    load(con, "2013-06", referrals=[referral("a", "2013-06-10")])
    load(con, "2013-07", referrals=[referral("a", "2013-07-02")])
    july = figures(con, "2013-07")
    # June's row is inside July's window (February to July): July's word replaces it
    assert july["referrals"]["value"] == 1
    assert july["referrals_r12"]["value"] == 1  # not 2
    assert july["re_referrals_pct"]["value"] == 0  # not 100%: there is no earlier referral of a
    assert history(con, "referrals", "2013-07") == [("a", "2013-07")]
    # June's own figures are what June's run produced: July's snapshot is later than M
    assert figures(con, "2013-06")["referrals"]["value"] == 1


def test_a_deleted_referral_stops_counting_from_the_next_extract(con):
    load(con, "2013-06", referrals=[referral("a", "2013-06-05"), referral("b", "2013-06-12")])
    # b was entered in error: July's extract no longer has it, though 12 June is inside July's window
    load(con, "2013-07", referrals=[referral("a", "2013-06-05"), referral("c", "2013-07-03")])
    july = figures(con, "2013-07")
    assert july["referrals_r12"]["value"] == 2  # a, c
    weekly = indicators.compute_tables(con, LA, "2013-07")["referrals_weekly"]
    assert weekly["referrals"].sum() == 2
    assert figures(con, "2013-06")["referrals"]["value"] == 2  # June as June's run saw it: a, b


def test_a_duplicate_removed_at_source(con):
    # May's extract carries child a's referral of 10 May twice; June's once
    load(con, "2013-05", referrals=[referral("a", "2013-05-10"), referral("a", "2013-05-10")])
    load(con, "2013-06", referrals=[referral("a", "2013-05-10")])
    may = figures(con, "2013-05")
    # two referrals of one child on one day in one snapshot stay two, the second a re-referral
    assert (may["referrals"]["value"], may["re_referrals_pct"]["value"]) == (2, 50)
    june = figures(con, "2013-06")
    assert june["referrals_r12"]["value"] == 1
    assert june["re_referrals_r12_pct"]["value"] == 0


def test_rows_older_than_every_newer_window_are_kept_and_merged_latest_first(con):
    # January's extract (window August 2012 to January 2013) holds a referral of 10 October 2012; July's
    # window (February to July 2013) does not reach it, so it survives; b is in both January's and
    # April's extracts, dated before April's window too: one row, April's version
    load(con, "2013-01", referrals=[referral("a", "2012-10-10"), referral("b", "2012-09-03")])
    load(con, "2013-04", referrals=[referral("b", "2012-09-03"), referral("c", "2013-03-01")])
    load(con, "2013-07", referrals=[referral("d", "2013-07-01")])
    assert history(con, "referrals", "2013-07") == [("a", "2013-01"), ("b", "2013-04"), ("d", "2013-07")]
    # c (1 March 2013) is inside July's window and July does not show it: deleted at source
    assert figures(con, "2013-07")["referrals_r12"]["value"] == 3  # a, b, d
    # docs/architecture.md's worked example: as of April, a, b (April's) and c, with a coverage note
    assert history(con, "referrals", "2013-04") == [("a", "2013-01"), ("b", "2013-04"), ("c", "2013-04")]
    april = figures(con, "2013-04")["referrals_r12"]
    assert april["value"] == 3
    assert (
        april["note"] == "history runs from 2012-08-01 only, so the 12-month count from 2012-05-01 is partial"
    )


def test_a_ceased_episode_that_later_extracts_no_longer_export_stays_in_history(con):
    care = {"legal_status": "C2"}
    # child a ceased care on 15 January 2013; January's and March's extracts show it closed
    load(
        con,
        "2013-01",
        cla=[{"child_id": "a", "cla_start": d("2012-01-01"), "cla_end": d("2013-01-15"), **care}],
    )
    load(
        con,
        "2013-03",
        cla=[{"child_id": "a", "cla_start": d("2012-01-01"), "cla_end": d("2013-01-15"), **care}],
    )
    # September's extract (window April to September) no longer exports it: it is older than its window
    load(con, "2013-09", cla=[{"child_id": "b", "cla_start": d("2013-09-02"), **care}])
    assert history(con, "cla", "2013-09") == [("a", "2013-03"), ("b", "2013-09")]
    assert figures(con, "2013-01")["cla_ceased"]["value"] == 1
    september = figures(con, "2013-09")
    assert september["cla_open"]["value"] == 1  # b only: the stock is September's own extract
    assert september["cla_started"]["value"] == 1


def test_an_episode_closed_and_reopened_between_extracts_latest_only(con):
    # May: child a's period of care from 1 February, open. June's extract carries each child's latest
    # period only: a new period from 10 June (the first ended in between, and June does not say when)
    care = {"legal_status": "C2"}
    load(con, "2013-05", cla=[{"child_id": "a", "cla_start": d("2013-02-01"), **care}])
    load(con, "2013-06", cla=[{"child_id": "a", "cla_start": d("2013-06-10"), **care}])
    # the May row was open at May's asat, which is inside June's window: June's word replaces it
    assert history(con, "cla", "2013-06") == [("a", "2013-06")]
    june = figures(con, "2013-06")
    assert june["cla_open"]["value"] == 1
    assert june["cla_started"]["value"] == 1
    assert june["cla_ceased"]["value"] == 0  # the end was never exported: nothing to count
    # the same on List 2, counted in rows: one open early help assessment, not two
    load(con, "2013-05", early_help=[{"child_id": "a", "eh_start": d("2013-02-01")}])
    load(con, "2013-06", early_help=[{"child_id": "a", "eh_start": d("2013-06-10")}])
    assert figures(con, "2013-06")["early_help_open"]["value"] == 1


# --- stock figures: snapshot M alone -------------------------------------------------------------------


def test_a_deleted_open_assessment_is_not_overdue(con):
    # May's extract: x started 1 March 2013, not authorised; by 30 June that is far past 45 working days
    load(con, "2013-05", assessments=[{"child_id": "x", "assessment_start": d("2013-03-01")}])
    assert figures(con, "2013-05")["assessments_open_overdue"]["value"] == 1  # 1 March to 31 May: 62 wd
    # June's extract no longer has it (entered in error) and holds one assessment started 25 June
    load(con, "2013-06", assessments=[{"child_id": "y", "assessment_start": d("2013-06-25")}])
    june = figures(con, "2013-06")
    assert june["assessments_open_overdue"]["value"] == 0
    assert history(con, "assessments", "2013-06") == [("y", "2013-06")]


def test_a_deleted_open_cp_plan_is_not_open(con):
    plan = {"latest_category": "NEG"}
    load(
        con,
        "2013-05",
        cp_plans=[
            {"child_id": "a", "cp_start": d("2013-01-10"), **plan},
            {"child_id": "b", "cp_start": d("2013-02-01"), **plan},
        ],
    )
    load(con, "2013-06", cp_plans=[{"child_id": "b", "cp_start": d("2013-02-01"), **plan}])
    june = figures(con, "2013-06")
    assert june["cp_plans_open"]["value"] == 1  # b: a's plan was deleted at source
    assert june["cp_plans_ended"]["value"] == 0  # a deleted plan did not end
    table = indicators.compute_tables(con, LA, "2013-06")["cp_by_category"]
    assert table["children"].sum() == 1
    assert figures(con, "2013-05")["cp_plans_open"]["value"] == 2


def test_nothing_open_is_carried_over_into_caseloads(con):
    worker = {"team": "North", "worker": "w1"}
    load(con, "2013-05", cla=[], cp_plans=[], cin=[{"child_id": "a", "cin_start": d("2013-01-05"), **worker}])
    # June's extract: a's case is gone (closed long enough ago to drop out, or deleted); b is open
    load(con, "2013-06", cla=[], cp_plans=[], cin=[{"child_id": "b", "cin_start": d("2013-06-03"), **worker}])
    assert figures(con, "2013-06")["cases_open"]["value"] == 1
    table = indicators.compute_tables(con, LA, "2013-06")["caseload_by_team"]
    assert table["cases"].tolist() == [1]


# --- windows, missing months, re-loads and coverage ---------------------------------------------------


def test_a_twelve_month_extract_with_window_months_12(con):
    # January's extract holds a referral of 10 September 2012; June's extract does not
    load(con, "2013-01", referrals=[referral("a", "2012-09-10")])
    load(con, "2013-06", referrals=[referral("b", "2013-06-03")])
    # with the default window (January to June) June says nothing about September: a survives
    assert figures(con, "2013-06")["referrals_r12"]["value"] == 2
    # an authority whose extracts cover 12 months: June's window is July 2012 to June 2013, so June's
    # extract is the whole truth about September and a was deleted at source
    load(con, "2013-06", window_months=12, referrals=[referral("b", "2013-06-03")])
    june = figures(con, "2013-06")
    assert june["referrals_r12"]["value"] == 1
    # June's own window reaches back to 1 July 2012, the start of r12: the history covers it, no note
    assert june["referrals_r12"]["note"] is None


def test_a_missing_month_counts_its_events_from_the_next_extract(con):
    load(con, "2013-04", referrals=[referral("a", "2013-04-10")], cp_plans=[])
    # no extract for May; June's window (January to June) carries May's events
    june = [referral("a", "2013-04-10"), referral("b", "2013-05-20"), referral("c", "2013-06-02")]
    load(con, "2013-06", referrals=june, cp_plans=[])
    june = figures(con, "2013-06")
    assert june["referrals"]["value"] == 1
    assert june["referrals_r12"]["value"] == 3
    # May has no snapshot: no stock figure, no flow figure computed for it, each with a reason
    may = figures(con, "2013-05")
    assert may["cp_plans_open"]["value"] is None
    assert may["cp_plans_open"]["note"] == "not available: no extract was loaded for 2013-05"
    assert may["referrals"]["value"] is None


def test_re_loading_an_earlier_month_replaces_it_and_the_newer_window_still_rules(con):
    load(con, "2013-05", referrals=[referral("a", "2013-05-10")])
    load(con, "2013-06", referrals=[referral("a", "2013-05-10"), referral("b", "2013-06-03")])
    assert figures(con, "2013-06")["referrals_r12"]["value"] == 2
    # May re-loaded with a referral June's extract never had: inside June's window, June overrules it
    load(con, "2013-05", referrals=[referral("a", "2013-05-10"), referral("x", "2013-05-15")])
    assert figures(con, "2013-05")["referrals"]["value"] == 2
    assert figures(con, "2013-06")["referrals_r12"]["value"] == 2
    assert history(con, "referrals", "2013-06") == [("a", "2013-06"), ("b", "2013-06")]


def test_the_first_months_r12_figures_carry_a_coverage_note(con):
    load(
        con,
        "2013-01",
        referrals=[referral("a", "2013-01-10")],
        s47=[{"child_id": "a", "s47_start": d("2013-01-11")}],
    )
    january = figures(con, "2013-01")
    # the window of January's extract starts 2012-08-01; r12 starts 2012-02-01; look-backs a year earlier
    assert january["referrals_r12"]["note"] == (
        "history runs from 2012-08-01 only, so the 12-month count from 2012-02-01 is partial"
    )
    assert january["s47_rate_r12_per_10k"]["note"].endswith(
        "history runs from 2012-08-01 only, so the 12-month count from 2012-02-01 is partial"
    )
    assert january["re_referrals_pct"]["note"] == (
        "history runs from 2012-08-01 only, so the 12-month look-back from 2012-01-01 is partial"
    )
    assert january["referrals_r12"]["value"] == 1  # the value is still given


def test_no_coverage_note_once_history_reaches_back_far_enough(con):
    # a snapshot for every month from July 2012: the oldest window starts 2012-02-01, before r12 (2012-07-01)
    for month in ("2012-07", "2012-12", "2013-06"):
        load(con, month, referrals=[referral("a", "2012-07-02")] if month < "2013-01" else [])
    june = figures(con, "2013-06")
    assert june["referrals_r12"]["note"] is None
    assert june["referrals_r12"]["value"] == 1
    # the look-back of June's referrals starts 2012-06-01, after 2012-02-01: no note either
    assert "history runs from" not in (june["re_referrals_pct"]["note"] or "")


def test_a_snapshot_without_the_list_does_not_cover_it(con):
    # June's extract has no List 3 at all (sent late): it says nothing about May's referrals
    load(con, "2013-05", referrals=[referral("a", "2013-05-10")])
    load(con, "2013-06", cp_plans=[])
    assert history(con, "referrals", "2013-06") == [("a", "2013-05")]


# --- the authority's config.yaml ----------------------------------------------------------------------


def test_authority_config_defaults_and_window(tmp_path):
    path = tmp_path / "config.yaml"
    assert load_authority_config(path) == AuthorityConfig(window_months=6)  # absent: the default
    path.write_text("window_months: 12\n", encoding="utf-8")
    assert load_authority_config(path).window_months == 12


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("window_months: six\n", "window_months must be a whole number of months from 1 to 36, got 'six'"),
        ("window_months: 0\n", "got 0"),
        ("window_months: 6.5\n", "got 6.5"),
        ("window_month: 12\n", "unknown setting(s) window_month"),
        ("- 12\n", "expected settings as 'name: value' lines"),
        ("window_months: [12\n", "cannot read the authority's settings"),
    ],
)
def test_a_bad_config_yaml_is_one_line_naming_the_file(tmp_path, text, expected):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_authority_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and expected in message
    assert "\n" not in message
