"""Wide checks: a list's one-column checks grouped by rule family, each family one GX expectation.

GX's cost is per expectation (about 8 ms of planning each, whatever the table's size), so a month's ~200
one-column checks cost seconds while their arithmetic costs milliseconds. Each family of a suite
(required, codes, dates, ranges, cross_column) therefore runs first as one expectation over many columns
(wide_gx.py registers it with GX), whose row test is the conjunction of its checks' own row tests,
written here with the semantics of GX's pandas metrics. Only a family with a failing (or crashing) row
runs again as its one-column expectations, which name each failing check and its rows; a passing family
means every one of its checks passes. A check this module cannot mirror exactly never passes wide.
"""

from __future__ import annotations

import hashlib
import json
import operator

import numpy as np
import pandas as pd

FAMILIES = ("required", "codes", "dates", "ranges", "cross_column")
WIDE_TYPE = "expect_csc_family_to_pass"  # the registered expectation (wide_gx.py)
_OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


# checks by content key: GX copies and hashes every keyword of each of the ~30 metrics it plans for an
# expectation, so the checks (value sets of up to a hundred codes) travel to the metric by key
_REGISTERED: dict[str, list[dict]] = {}


def register(checks: list[dict]) -> str:
    """The key of `checks` (a digest of their content), under which `registered` finds them."""
    key = hashlib.sha1(json.dumps(checks, sort_keys=True, default=str).encode()).hexdigest()
    _REGISTERED.setdefault(key, checks)
    return key


def registered(key: str) -> list[dict]:
    return _REGISTERED[key]


class NotMirrored(Exception):
    """A check (or a row condition) this module has no exact row test for: its family runs one-column."""


def family(expectation: dict) -> str:
    """The rule family of one suite expectation (its `type` and `kwargs`)."""
    kind, kwargs = expectation["type"], expectation.get("kwargs") or {}
    if kind in ("expect_column_to_exist", "expect_column_values_to_not_be_null"):
        return "required"
    if kind == "expect_column_values_to_be_in_set":
        return "codes"
    if kind == "expect_column_values_to_be_between":
        bounds = (kwargs.get("min_value"), kwargs.get("max_value"))
        return "dates" if any(isinstance(b, dict) for b in bounds) else "ranges"
    return "cross_column"


def resolve(value, parameters: dict):
    """A kwarg with its `{"$PARAMETER": name}` replaced by the run's value, as GX resolves it."""
    if isinstance(value, dict) and set(value) == {"$PARAMETER"}:
        return parameters[value["$PARAMETER"]]
    return value


def spec(expectation: dict, parameters: dict) -> dict:
    """What the wide row test needs of one expectation: its type, rule and resolved kwargs."""
    kwargs = {k: resolve(v, parameters) for k, v in (expectation.get("kwargs") or {}).items()}
    return {"type": expectation["type"], "rule": expectation["meta"]["rule"], "kwargs": kwargs}


def passes(frame: pd.DataFrame, checks: list[dict]) -> pd.Series:
    """True for each row of `frame` that every check passes (GX's pandas semantics, nulls as GX treats
    them); raises where a check cannot be evaluated, as its GX expectation would, or is not mirrored."""
    ok = np.ones(len(frame), dtype=bool)
    for check in checks:
        ok &= np.asarray(_row_test(frame, check), dtype=bool)
    return pd.Series(ok, index=frame.index)


def _row_test(frame: pd.DataFrame, check: dict):
    kind, kw = check["type"], check["kwargs"]
    where = _condition(frame, kw.get("row_condition"))  # rows the check looks at (GX filters first)
    if kind == "expect_column_to_exist":  # the column is in the frame, else GX raised before this
        return np.ones(len(frame), dtype=bool)
    if kind == "expect_column_values_to_not_be_null":
        result = frame[kw["column"]].notna()
    elif kind == "expect_column_values_to_be_in_set":
        column = frame[kw["column"]]
        result = column.isna() | column.isin(kw["value_set"])
    elif kind == "expect_column_values_to_be_between":
        result = _between(frame[kw["column"]], kw)
    elif kind == "expect_column_values_to_be_unique":
        column = frame[kw["column"]]
        result = column.isna() | ~column.duplicated(keep=False)
    elif kind == "expect_compound_columns_to_be_unique":
        result = _compound_unique(frame, kw)
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        result = _pair(frame, kw)
    else:
        raise NotMirrored(kind)
    return ~where | result.to_numpy(dtype=bool)


def _between(column: pd.Series, kw: dict) -> pd.Series:
    """GX's `column_values.between`, inclusive bounds, on the non-null values."""
    if kw.get("strict_min") or kw.get("strict_max") or kw.get("mostly", 1) != 1:
        raise NotMirrored("between with strict bounds or mostly")
    low, high = kw.get("min_value"), kw.get("max_value")
    if low is None and high is None:
        raise ValueError("min_value and max_value cannot both be None")
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iuf":  # numbers, yyyymmdd dates
        values = column.to_numpy()  # one numpy pass: a null (NaN) passes, as it is not checked
        inside = np.ones(len(values), dtype=bool)
        if low is not None:
            inside &= values >= low
        if high is not None:
            inside &= values <= high
        if values.dtype.kind == "f":
            inside |= np.isnan(values)
        return pd.Series(inside, index=column.index)
    values = column.dropna()
    if values.dtype == object and values.map(type).eq(str).any():
        raise TypeError("Column values, min_value, and max_value must either be None or of the same type.")
    inside = pd.Series(True, index=values.index)
    if low is not None:
        inside &= values >= low
    if high is not None:
        inside &= values <= high
    return inside.reindex(column.index, fill_value=True)


def _compound_unique(frame: pd.DataFrame, kw: dict) -> pd.Series:
    """GX's `compound_columns.unique` with its default ignore_row_if (all_values_are_missing)."""
    if kw.get("ignore_row_if", "all_values_are_missing") != "all_values_are_missing":
        raise NotMirrored("compound unique with another ignore_row_if")
    part = frame[list(kw["column_list"])]
    kept = part[part.notna().any(axis=1)]
    return (~kept.duplicated(keep=False)).reindex(frame.index, fill_value=True)


def _pair(frame: pd.DataFrame, kw: dict) -> pd.Series:
    """GX's `column_pair_values.a_greater_than_b`, rows with either value missing ignored."""
    if kw.get("ignore_row_if") != "either_value_is_missing":
        raise NotMirrored("pair check with another ignore_row_if")
    a, b = frame[kw["column_A"]], frame[kw["column_B"]]
    missing = a.isna() | b.isna()
    compare = operator.ge if kw.get("or_equal") else operator.gt
    return missing | compare(a.where(~missing, 0), b.where(~missing, 0))


def _condition(frame: pd.DataFrame, condition) -> np.ndarray:
    """The rows a GX 1.x dict-form row_condition keeps, as GX's pandas engine's `DataFrame.query` keeps
    them (a comparison with a null is False, `!=` with a null True)."""
    if condition is None:
        return np.ones(len(frame), dtype=bool)
    if not isinstance(condition, dict):
        raise NotMirrored("row_condition in string form")
    kind = condition.get("type")
    if kind == "comparison" and condition.get("operator") in _OPERATORS:
        column = frame[condition["column"]["name"]]
        return np.asarray(_OPERATORS[condition["operator"]](column, condition["parameter"]), dtype=bool)
    if kind == "nullity":
        column = frame[condition["column"]["name"]]
        return column.isna().to_numpy() == bool(condition.get("is_null"))
    if kind in ("and", "or"):
        parts = [_condition(frame, part) for part in condition["conditions"]]
        return np.logical_and.reduce(parts) if kind == "and" else np.logical_or.reduce(parts)
    raise NotMirrored(f"row_condition {kind}")
