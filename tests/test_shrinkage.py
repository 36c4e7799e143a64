"""A list with under half of the previous snapshot's rows is a warning in words (issue 34)."""

from __future__ import annotations

import pytest
from test_indicators_support import LA, d, load, warehouse_connection

from csc_report.shrinkage import shrunken_lists

con = pytest.fixture(warehouse_connection)


def cla_rows(n: int) -> list[dict]:
    return [{"child_id": f"C{i}", "cla_start": d("2013-01-01")} for i in range(n)]


def test_a_list_that_lost_more_than_half_its_rows_is_warned(con):
    # May 2013 held 362 children looked after and 10 referrals; April 2013 is older and not compared
    load(con, "2013-04", cla=cla_rows(5))
    load(
        con,
        "2013-05",
        cla=cla_rows(362),
        referrals=[{"child_id": "R", "referral_date": d("2013-05-02")}] * 10,
    )
    # June: 181 looked after is half of 362 rounded up (2 x 181 = 362, not fewer than half): no warning;
    # 180 is (360 < 362). Referrals: 5 of 10 is half (no warning), 4 warns. Contacts: none before, none now.
    assert shrunken_lists(con, LA, "2013-06", {"cla": 181, "referrals": 5}) == []
    found = shrunken_lists(con, LA, "2013-06", {"cla": 180, "referrals": 4})
    assert [(i.rule, i.severity, i.message) for i in found] == [
        ("list_shrank", "warning", "List 3 (referrals) has 4 rows; it had 10 in May 2013"),
        ("list_shrank", "warning", "List 8 (children looked after) has 180 rows; it had 362 in May 2013"),
    ]
    # a list absent from June's extract has no rows
    absent = shrunken_lists(con, LA, "2013-06", {"referrals": 10})
    assert [i.message for i in absent] == [
        "List 8 (children looked after) has 0 rows; it had 362 in May 2013"
    ]


def test_the_first_snapshot_has_nothing_to_shrink_from(con):
    load(con, "2013-06", cla=cla_rows(3))
    assert shrunken_lists(con, LA, "2013-06", {}) == []  # June itself is not "previous"
