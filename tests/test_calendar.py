"""Working days (contract 2): England and Wales bank holidays and the start < d <= end duration rule."""

from __future__ import annotations

from datetime import date

import pytest
from csc_report.transforms.calendar import bank_holidays, working_day_calendar, working_days_between


@pytest.mark.parametrize(
    "holiday",
    [
        date(2012, 6, 4),  # spring bank holiday moved for the Diamond Jubilee
        date(2012, 6, 5),  # Diamond Jubilee
        date(2022, 9, 19),  # state funeral
        date(2023, 5, 8),  # coronation
        date(2013, 12, 25),
        date(2013, 12, 26),
        date(2014, 4, 18),  # Good Friday
    ],
)
def test_bank_holidays_are_not_working_days(holiday):
    assert holiday in bank_holidays(date(holiday.year, 1, 1), date(holiday.year, 12, 31))
    table = working_day_calendar(holiday, holiday).to_pylist()
    assert table == [{"d": holiday, "is_working_day": False, "wd_cum": 0}]


def test_2013_bank_holidays_match_domain_notes():
    weekdays = [d for d in bank_holidays(date(2013, 1, 1), date(2013, 12, 31)) if d.weekday() < 5]
    assert weekdays == [
        date(2013, 1, 1),
        date(2013, 3, 29),
        date(2013, 4, 1),
        date(2013, 5, 6),
        date(2013, 5, 27),
        date(2013, 8, 26),
        date(2013, 12, 25),
        date(2013, 12, 26),
    ]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 3, 6), date(2024, 3, 6), 0),  # same day
        (date(2024, 1, 5), date(2024, 1, 8), 1),  # Friday -> Monday
        (date(2024, 1, 6), date(2024, 1, 7), 0),  # Saturday -> Sunday
        (date(2012, 6, 1), date(2012, 6, 6), 1),  # Friday -> Wednesday across 4-5 June 2012
        (date(2013, 12, 24), date(2013, 12, 27), 1),  # Christmas and Boxing Day
        (date(2024, 1, 8), date(2024, 1, 22), 10),  # exactly ten working days: "within 10" holds
        (date(2024, 1, 8), date(2024, 1, 23), 11),
        (date(2024, 1, 8), date(2024, 1, 5), -1),  # end before start: negative, a DQ issue upstream
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_cumulative_count_gives_the_same_durations():
    table = working_day_calendar(date(2012, 1, 1), date(2014, 12, 31)).to_pydict()
    cum = dict(zip(table["d"], table["wd_cum"], strict=True))
    for start, end in [(date(2012, 6, 1), date(2012, 6, 6)), (date(2013, 3, 28), date(2013, 4, 2))]:
        assert cum[end] - cum[start] == working_days_between(start, end)
    assert cum[date(2012, 12, 31)] == 252  # 2012: 261 weekdays less 9 weekday bank holidays


def test_calendar_rejects_reversed_range():
    with pytest.raises(ValueError):
        working_day_calendar(date(2024, 2, 1), date(2024, 1, 1))
