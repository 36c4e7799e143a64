"""Month arithmetic lives in csc_report/months.py (issue 14, item 8)."""

from __future__ import annotations

from datetime import date

import pytest

from csc_report import months, warehouse


def test_month_start_end_and_r12_start():
    assert months.month_start("2013-06") == months.month_start(date(2013, 6, 17)) == date(2013, 6, 1)
    assert months.month_end("2012-02") == date(2012, 2, 29)
    assert months.month_end(date(2013, 12, 5)) == date(2013, 12, 31)
    assert months.r12_start(date(2013, 6, 1)) == date(2012, 7, 1)
    assert months.r12_start("2013-12") == date(2013, 1, 1)
    assert warehouse.month_start is months.month_start  # the warehouse's name for it, one definition
    with pytest.raises(ValueError, match="YYYY-MM"):
        months.month_start("June 2013")


@pytest.mark.parametrize("year", [1999, 2013, 2024])
def test_r12_start_is_the_formula_it_replaced(year):
    for month in range(1, 13):
        index = year * 12 + month - 1 - 11
        assert months.r12_start(date(year, month, 1)) == date(index // 12, index % 12 + 1, 1)
