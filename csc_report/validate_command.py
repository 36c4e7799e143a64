"""`csc-report validate PATH`: check one extract without loading it and print a short summary."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

from transforms.read import find_month_files, read_extract

from csc_report.errors import DataError, UsageError
from csc_report.pipeline import Period, parse_month
from csc_report.validation import validate_extract

MONTH_IN_PATH = re.compile(r"(20\d\d-[01]\d)")


def extract_month(path: Path, month: str | None) -> str | None:
    """The month the extract is for: given, else the last YYYY-MM in its path (inbox layout)."""
    if month:
        return parse_month(month)
    found = MONTH_IN_PATH.findall(str(path.resolve()))
    return found[-1] if found else None


def validate_path(path: Path, month: str | None = None) -> int:
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    files = find_month_files(path) if path.is_dir() else [path]
    month = extract_month(path, month)
    asat = Period(month).asat if month else date.today()
    extract = read_extract(files)
    result = validate_extract(extract, asat)
    issues = result.extract.issues + result.errors
    print(
        f"{', '.join(f.name for f in files)}: {sum(extract.row_counts().values())} rows in "
        f"{len(extract.tables)} lists, checked as at {asat.isoformat()}"
    )
    counts = Counter((i.sheet or "-", i.rule, i.severity) for i in issues)
    if counts:
        width = max(len(sheet) for sheet, _, _ in counts) + 2
        print(f"{'sheet':<{width}}{'rule':<32}{'severity':<10}rows")
        for (sheet, rule, severity), n in sorted(counts.items()):
            print(f"{sheet:<{width}}{rule:<32}{severity:<10}{n}")
    else:
        print("no issues found")
    if result.errors:
        raise DataError(f"{result.errors[0].one_line()} ({len(result.errors)} errors stop a run)")
    return 0
