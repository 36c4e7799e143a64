"""`csc-report validate PATH`: check one extract without loading it and print a short summary.

It reads and validates exactly as a run does (same reader, suites and severity policy), so exit status 1
here means a run of the same files would stop. Nothing is written unless `--out DIR` is given: then
DIR gets the same data_quality.csv and Data Docs that a run stopped by these files would leave in the
month's outputs; never a warehouse.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

from csc_report.errors import DataError, UsageError
from csc_report.months import parse_month
from csc_report.pipeline import Period, write_stopped
from csc_report.transforms.read import find_month_files, read_extract
from csc_report.validation import validate_extract

MONTH_IN_PATH = re.compile(r"(20\d\d-[01]\d)")


def extract_month(path: Path, month: str | None) -> str | None:
    """The month the extract is for: given, else the last YYYY-MM in its path (inbox layout)."""
    if month:
        return parse_month(month)
    found = MONTH_IN_PATH.findall(str(path.resolve()))
    return found[-1] if found else None


def validate_path(path: Path, month: str | None = None, out: Path | None = None) -> int:
    """Print the extract's rows and its issues counted by sheet, rule and severity; 0, or DataError.

    With `out`, every issue (file, sheet, Excel row, column, rule) is written there as data_quality.csv.
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    month = extract_month(path, month)
    files = find_month_files(path) if path.is_dir() else [path]
    asat = Period(month).asat if month else date.today()
    extract = read_extract(files)
    docs = (Path(out) / "data_docs").resolve() if out else None
    result = validate_extract(extract, asat, data_docs_dir=docs)
    # result.extract.issues = the reader's issues + every validation issue (errors included): counting
    # result.errors on top would show each error twice.
    issues = result.extract.issues
    print(
        f"{', '.join(f.name for f in files)}: {sum(extract.row_counts().values())} rows in "
        f"{len(extract.tables)} lists, checked as at {asat.isoformat()}"
    )
    counts = Counter((i.sheet or "-", i.rule, i.severity) for i in issues)
    if counts:
        width = max(len("sheet"), *(len(sheet) for sheet, _, _ in counts)) + 2
        print(f"{'sheet':<{width}}{'rule':<36}{'severity':<10}issues")
        for (sheet, rule, severity), n in sorted(counts.items()):
            print(f"{sheet:<{width}}{rule:<36}{severity:<10}{n}")
    else:
        print("no issues found")
    if result.rejected.num_rows:
        print(f"{result.rejected.num_rows} row(s) would be quarantined (severity reject)")
    where = ""
    if out:
        where = "; " + write_stopped(Path(out), issues, docs)
        print(where[2:])
    if result.errors:
        raise DataError(f"{result.stop_message()}; a run would stop before loading{where}")
    return 0
