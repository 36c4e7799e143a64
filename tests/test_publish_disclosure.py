"""Disclosure control of breakdown tables: primary suppression of 1-5, secondary where a total is shown."""

from __future__ import annotations

import pandas as pd
import pytest

from csc_report.errors import UsageError
from csc_report.publish.disclosure import SUPPRESSED as C
from csc_report.publish.disclosure import suppress


def _column(values, has_total=True, profile="public"):
    frame = pd.DataFrame({"key": [f"k{i}" for i in range(len(values))], "n": values})
    return suppress(frame, ("n",), has_total=has_total, profile=profile)["n"].tolist()


def test_counts_of_one_to_five_are_masked_but_not_zero_or_six():
    assert _column([0, 1, 5, 6, 12, 24], has_total=False) == [0, C, C, 6, 12, 24]


def test_a_lone_suppressed_cell_takes_the_next_smallest_non_zero_cell_with_it():
    assert _column([120, 30, 3, 0, 60, 7, 220]) == [120, 30, C, 0, 60, C, 220]


def test_the_secondary_cell_is_the_first_of_equal_smallest_and_never_text():
    # body 40, 3, 9, "n/a", 9; total 61. Only 3 is 1-5 and the total is not, so one more cell goes:
    # the smallest positive number left is 9, twice (rows 2 and 4): the first, row 2. "n/a" is no number.
    assert _column([40, 3, 9, "n/a", 9, 61]) == [40, C, C, "n/a", 9, 61]


def test_two_suppressed_cells_protect_each_other():
    assert _column([120, 2, 3, 60, 185]) == [120, C, C, 60, 185]


def test_no_secondary_suppression_without_a_total():
    assert _column([120, 3, 60], has_total=False) == [120, C, 60]


def test_a_small_total_is_itself_suppressed():
    assert _column([0, 4, 0, 4]) == [0, C, 0, C]


def test_derived_cells_follow_their_count():
    frame = pd.DataFrame(
        {"team": ["A", "B", "C", "Total"], "cases": [180, 4, 165, 349], "workers": [10, 1, 9, 20],
         "average": [18.0, 4.0, 18.3, 17.45]}
    )  # fmt: skip
    out = suppress(frame, ("cases",), has_total=True, follows={"average": "cases"})
    assert out["cases"].tolist() == [180, C, C, 349]
    assert out["average"].tolist() == [18.0, C, C, 17.45]
    assert out["workers"].tolist() == [10, 1, 9, 20]  # staff counts are not about children


def test_internal_profile_shows_everything():
    assert _column([120, 30, 3, 0, 60, 7, 220], profile="internal") == [120, 30, 3, 0, 60, 7, 220]


def test_unknown_profile_is_refused():
    with pytest.raises(UsageError):
        _column([1, 2, 3], profile="open")
