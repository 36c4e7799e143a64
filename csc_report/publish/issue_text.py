"""Data-quality issues in a reader's words: "38 rows of List 2 (early help) had no Child Unique ID".

`data_quality.csv` keeps each issue as the validation recorded it (sheet, column id, rule id, message), for
the analyst who fixes the extract. The report and its appendix are read by a committee, so there an issue
is told by its list's name, its Annex A column headers and what is wrong, never by an internal name
(`List_2`, `child_id`, `missing_value`). Common rules have a phrase of their own (RULE_PHRASES); any other
rule is told by its message, with the column ids in it replaced by their headers.
"""

from __future__ import annotations

import re

import pandas as pd

from csc_report.catalogue import column_headers, list_names, list_numbers

# rule id -> what the rows had, given the columns' headers ("Child Unique ID and Referral Date")
RULE_PHRASES = {
    "missing_value": "had no {columns}",
    "error_value": "had an Excel error in {columns}, read as blank",
    "formula_no_value": "had a formula without a saved value in {columns}, read as blank",
    "unknown_code": "had {article} {columns} value that is not a known code, read as blank",
    "duplicate_natural_key": "repeated another row's {columns}",
    "missing_column": "lacked the column {columns}",
}
# rules whose message is already a sentence that a committee must read (a list that shrank, a threshold
# the authority set itself): told in full after the most frequent, whatever their count
STATED_RULES = ("list_shrank", "authority_setting")
# how the report names a severity (validation's `reject` quarantines a row; `info` is a note)
SEVERITY_WORDS = {"error": "error", "reject": "rejected row", "warning": "warning", "info": "note"}
# a header read as a question or a clause is quoted, so the sentence around it still parses
QUESTION_WORDS = {"was", "is", "does", "did", "what", "has", "have"}
LONG_HEADER_WORDS = 6
# words spelt with a vowel but said with a consonant ("a UPN", "a Unique Pupil Number")
CONSONANT_SOUNDS = ("uni", "use", "usu", "eu", "one")
SHEET_NUMBER = re.compile(r"list\W*_*\s*(\d+)", re.IGNORECASE)
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def list_id_of(sheet: str) -> str | None:
    """The list a sheet holds, from the Annex A number in its name (`List_6`, `List 6`), if any."""
    match = SHEET_NUMBER.search(sheet or "")
    return list_numbers().get(int(match.group(1))) if match else None


def list_label(sheet: str) -> str:
    """`List 6 (children in need)`; a sheet named otherwise is quoted as it is."""
    list_id = list_id_of(sheet)
    if list_id:
        return list_names()[list_id]
    return f'the sheet "{sheet}"' if sheet else "the extract"


def _headers(list_id: str | None) -> dict[str, str]:
    if list_id:
        return column_headers().get(list_id, {})
    return {name: header for headers in column_headers().values() for name, header in headers.items()}


def header_in_text(header: str) -> str:
    """A header as it reads inside a sentence: quoted where it is a question or a long clause
    (`"Was the child assessed as requiring LA children's social care support"`), else as it is."""
    words = header.split()
    quoted = len(words) > LONG_HEADER_WORDS or (words and words[0].casefold() in QUESTION_WORDS)
    return f'"{header}"' if quoted else header


def article(phrase: str) -> str:
    """`a` or `an` as the phrase is said: `an Ethnicity`, `a UPN`, `a Unique ...`, `a "Was ..."`."""
    word = phrase.lstrip('"').split(" ", 1)[0]
    if not word:
        return "a"
    if len(word) > 1 and word.isupper():  # an acronym is said letter by letter
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    vowel = word[0].casefold() in "aeiou" and not word.casefold().startswith(CONSONANT_SOUNDS)
    return "an" if vowel else "a"


def _readable(text: str, headers: dict[str, str]) -> str:
    """Column ids in a message replaced by their headers; any other id spelt as words."""
    return IDENTIFIER.sub(lambda m: headers.get(m.group(0), m.group(0).replace("_", " ")), text)


def describe(sheet: str, columns: str | list[str], rule: str, message: str) -> str:
    """What is wrong: `had no Child Unique ID` for a rule of RULE_PHRASES, else the check's message in
    words (`early help assessment ends before it starts`). `columns`: an issue's column (`child_id,
    eh_start`: one key of several columns) or several issues' (`worker` or `team`)."""
    list_id = list_id_of(sheet)
    headers = _headers(list_id)
    shown = " or ".join(
        " and ".join(
            header_in_text(headers.get(name.strip(), name.strip().replace("_", " ")))
            for name in column.split(",")
        )
        for column in dict.fromkeys([columns] if isinstance(columns, str) else columns)
        if column and column.strip()
    )
    if rule in RULE_PHRASES and shown:
        return RULE_PHRASES[rule].format(columns=shown, article=article(shown))
    text = str(message or rule).removeprefix(f"{list_id}: ") if list_id else str(message or rule)
    return _readable(text, headers)


def sentence(sheet: str, column: str, rule: str, message: str, rows: int) -> str:
    """`38 rows of List 2 (early help) had no Child Unique ID`, `2 rows of List 4 (assessments): the
    assessment is authorised before it starts`, `List 8 (children looked after): ...` (no row)."""
    what = describe(sheet, column, rule, message)
    where = f"{rows:,} row{'' if rows == 1 else 's'} of {list_label(sheet)}" if rows else list_label(sheet)
    where = where[:1].upper() + where[1:]
    return f"{where} {what}" if rule in RULE_PHRASES and column else f"{where}: {what}"


def most_frequent(issues: pd.DataFrame, n: int = 3) -> list[str]:
    """The n most frequent kinds of issue (list, columns, rule) as sentences, most rows first."""
    if issues.empty:
        return []
    frame = issues.fillna({"sheet": "", "column": "", "message": ""})
    groups = frame.groupby(["sheet", "column", "rule"], sort=False)
    counts = groups.agg(rows=("row", "count"), issues=("rule", "size"), message=("message", "first"))
    counts = counts.sort_values("issues", ascending=False, kind="stable").head(n)
    return [
        sentence(sheet, column, rule, row.message, int(row.rows))
        for (sheet, column, rule), row in counts.iterrows()
    ]


def reading(issues: pd.DataFrame, previous_total: int | None) -> str:
    """`42 data-quality issues were recorded (57 last month): 2 errors, 40 warnings. Most frequent: 16 rows
    of List 6 (children in need) had no Allocated Worker; ...`"""
    by_severity = issues["severity"].value_counts(sort=False).to_dict() if len(issues) else {}
    total = sum(by_severity.values())
    text = f"{total:,} data-quality issue{'s were' if total != 1 else ' was'} recorded"
    if previous_total is not None:
        text += f" ({previous_total:,} last month)"
    detail = ", ".join(
        f"{n:,} {SEVERITY_WORDS.get(severity, severity)}{'' if n == 1 else 's'}"
        for severity, n in by_severity.items()
        if n
    )
    text += f": {detail}." if detail else "."
    stated = issues["rule"].isin(STATED_RULES) if len(issues) else pd.Series([], dtype=bool)
    frequent = most_frequent(issues[~stated])
    if frequent:
        text += f" Most frequent: {'; '.join(frequent)}."
    for message in dict.fromkeys(issues.loc[stated, "message"]) if len(issues) else ():
        text += f" {message}."
    return text
