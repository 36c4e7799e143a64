"""Codes, dates, numbers, identifiers and postcodes: vectorised parsing of raw cell text."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from csc_report.transforms.specs import load_codes
from csc_report.transforms.text import code_token, normalise_code
from csc_report.transforms.values import (
    code_parser,
    parse_column,
    parse_date,
    parse_float,
    parse_id,
    parse_int,
    parse_postcode,
)


def parsed(values, parser):
    column = parse_column(pa.array(values, pa.string()), parser)
    return column.values.to_pylist(), column.bad.to_pylist(), column.error.to_pylist()


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("a) Male", "male"),
        ("zz) T4: Temp", "t4: temp"),
        ("p1) 5D: LA services", "5d: la services"),
        ("  N1 - Abuse\xa0or  Neglect ", "n1 - abuse or neglect"),
        ("Child\u2019s disability", "child's disability"),
    ],
)
def test_normalise_code(raw, expected):
    assert normalise_code(raw) == expected


def test_code_token():
    assert (code_token("6: police"), code_token("pr4 - private"), code_token("male")) == ("6", "pr4", None)


@pytest.mark.parametrize(
    "codelist, raw, expected",
    [
        ("gender", "a) Male", "male"),
        ("gender", "Male", "male"),
        ("gender", "1 - Male", "male"),
        ("gender", "M", "male"),
        ("gender", " mALE\xa0", "male"),
        ("gender", "c) Not stated/recorded", "not_stated"),
        ("adopter_gender", "c) Neither", "neither"),
        ("adopter_gender", "d) Not stated/recorded", "not_stated"),
        ("ethnicity", "s) NOBT", "NOBT"),
        ("ethnicity", "wbri", "WBRI"),
        ("source", "q) 6: Police", "6"),
        ("source", "POLICE", "6"),
        ("source", "School", "2A"),
        ("source", "u) 10: Unknown", "10"),
        ("source", "p1) 5D: LA services", "5D"),
        ("yn", "yes", "Y"),
        ("yn", "y", "Y"),
        ("yn", "TRUE", "Y"),
        ("yn", "b) No", "N"),
        ("ynu", "c) Unknown", "U"),
        ("need", "N1 - Abuse or Neglect", "N1"),
        ("need", "N0 - Not stated", "N0"),
        ("closure", "RC8 - Case closed after assessment, no further action", "RC8"),
        ("case_status", "a) Looked after child", "CLA"),
        ("abuse", "Physical abuse", "PHY"),
        ("legal_status", "C2: FCO", "C2"),
        ("reason_ceased", "u) X1:CodeError", "X1"),
        ("reason_ceased", "E43", "E46"),
        ("placement_type", "zz) T4: Temporary placement - seven days or less", "T4"),
        ("provider", "e) PR4 - Private provision", "PR4"),
        ("location", "b) Out", "OUT"),
        ("eligibility", "b) Former relevant child", "former_relevant"),
        ("in_touch", "f) Rhom", "RHOM"),
        ("accommodation", "Y: Other accommodation", "Y"),
        ("accommodation", "B2", "B"),
        ("suitability", "a) Suitable", "suitable"),
        ("activity", "G5: Not in education, employment or training - other", "G5"),
        ("no_longer_reason", "RD2", "RD2"),
        ("left_reason", "1 - Adopter withdrew from process", "1"),
        ("assessment_type", "Continuous", "single"),
        ("agency_reason", "Maternity leave", "maternity"),
    ],
)
def test_codes(codelist, raw, expected):
    assert parsed([raw], code_parser(load_codes()[codelist]))[0] == [expected]


def test_unknown_and_blank_codes():
    values, bad, error = parsed(
        ["Health", "PSRMEM - Support", None, " ", "#N/A"], code_parser(load_codes()["source"])
    )
    assert values == [None] * 5
    assert bad == [True, True, False, False, False]
    assert error == [False, False, False, False, True]


def test_dates():
    values, bad, _ = parsed(
        [
            "2010-01-01 00:00:00",
            "40179",
            "40179.0",
            "01/01/2010",
            "1/1/2010",
            "2010-01-01",
            "31/02/2010",
            "soon",
            None,
        ],
        parse_date,
    )
    assert values[:6] == [dt.date(2010, 1, 1)] * 6
    assert values[6:] == [None, None, None] and bad[6:] == [True, True, False]


@pytest.mark.parametrize("raw", ["#N/A", "#REF!", "#value!", "#DIV/0!"])
def test_excel_errors_as_text(raw):
    values, bad, error = parsed([raw], parse_date)
    assert (values, bad, error) == ([None], [False], [True])


def test_integers():
    values, bad, _ = parsed(["12", "12.0", " 12 ", "-1", "6.5", "twelve", None], lambda a: parse_int(a))
    assert values == [12, 12, 12, -1, None, None, None] and bad == [False] * 4 + [True, True, False]
    floored, bad, _ = parsed(["6.138", "0.99", "-1"], lambda a: parse_int(a, floor_fractions=True))
    assert floored == [6, 0, -1] and not any(bad)


def test_integers_too_big_for_64_bits_are_unreadable_not_a_crash():
    """Found by the mutated-cells property test: a 40-digit number in an int column raised ArrowInvalid."""
    huge = ["9" * 40, "123456789012345678", "-9" * 19, "1e30"]
    values, bad, _ = parsed(huge, lambda a: parse_int(a))
    assert values == [None, 123456789012345678, None, None] and bad == [True, False, True, True]
    floored, bad, _ = parsed(huge, lambda a: parse_int(a, floor_fractions=True))
    assert floored == [None, 123456789012345678, None, None] and bad == [True, False, True, True]


def test_floats_ids_postcodes():
    assert parsed(["0.5", "1", "x"], parse_float)[:2] == ([0.5, 1.0, None], [False, False, True])
    assert parsed(["9212044.0", "9212044", "AB-1\xa0"], parse_id)[0] == ["9212044", "9212044", "AB-1"]
    values, bad, _ = parsed(["t282wb", " SW1A  1aa ", "nope", None], parse_postcode)
    assert values == ["T28 2WB", "SW1A 1AA", None, None] and bad == [False, False, True, False]
