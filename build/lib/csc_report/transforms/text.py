"""Text normalisation shared by header matching, code matching and the configuration loader.

Configuration is written in readable form (`Was the child assessed ... support?`, `a) Male`) and normalised
with the same functions as the workbook's headers and cells, so an alias matches whatever spelling variant
of it an LA's system writes: case, spacing, non-breaking spaces, curly quotes, a trailing `?`.
"""

from __future__ import annotations

import re
from functools import lru_cache

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u201c": "'", "\u201d": "'", '"': "'"})
_SPACES = re.compile(r"\s+")
# Annex A option prefixes: `a) `, `zz) `, and SSD's `p1) ` (a letter pair or letter+digit before `)`).
_OPTION_PREFIX = re.compile(r"^[a-z]{1,2}\d?\)\s*")
# `CODE: label` or `CODE - label`: the code is whatever comes before the first separator.
_CODE_TOKEN = re.compile(r"^([^:]+?)\s*(?::| - )")


def collapse(text: str) -> str:
    """Strip, turn NBSP and any whitespace run into one space."""
    return _SPACES.sub(" ", text.replace("\xa0", " ")).strip()


@lru_cache(maxsize=8192)
def normalise_header(text: str | None) -> str:
    """The form headers and header aliases are compared in ('' for a blank header).

    Cached: list identification compares each candidate header row with every list.
    """
    if text is None:
        return ""
    text = collapse(text).casefold().translate(_QUOTES)
    text = text.rstrip("?").rstrip()
    while "))" in text:
        text = text.replace("))", ")")
    return text


def normalise_sheet_name(name: str) -> str:
    """`List_1`, `list 1` and ` List  1 ` all compare equal."""
    return collapse(name.replace("_", " ")).casefold()


def normalise_code(text: str) -> str:
    """The form coded cells and code spellings are compared in: casefolded, without `x) ` prefix."""
    text = collapse(text).casefold().translate(_QUOTES)
    return collapse(_OPTION_PREFIX.sub("", text))


def code_token(normalised: str) -> str | None:
    """The leading code of `6: police` or `n1 - abuse or neglect`, tried when the whole value is unknown."""
    match = _CODE_TOKEN.match(normalised)
    return match.group(1) if match else None
