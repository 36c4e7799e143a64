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

import pyarrow as pa
import pyarrow.compute as pc

from csc_report.authority_config import AuthorityConfig, config_path, load_authority_config
from csc_report.catalogue import LIST_KEYS
from csc_report.errors import DataError, UsageError
from csc_report.months import parse_month
from csc_report.pipeline import Period, write_stopped
from csc_report.settings import DEFAULT_WAREHOUSE, authority_file
from csc_report.shrinkage import shrunken_lists_in
from csc_report.transforms.extract import Extract
from csc_report.transforms.read import find_month_files, read_extract
from csc_report.validation import validate_extract

MONTH_IN_PATH = re.compile(r"(20\d\d-[01]\d)")
MONTH_FOLDER = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


def extract_month(path: Path, month: str | None) -> str | None:
    """The month the extract is for: given, else the last YYYY-MM in its path (inbox layout)."""
    if month:
        return parse_month(month, "--month")
    found = MONTH_IN_PATH.findall(str(path.resolve()))
    return found[-1] if found else None


def authority_dir(path: Path) -> Path | None:
    """`<inbox>/<la>` when `path` is a month folder of the inbox or a file in one, else None: where a run
    of these files would find the authority's aliases.yaml and config.yaml."""
    folder = path.resolve() if path.is_dir() else path.resolve().parent
    return folder.parent if MONTH_FOLDER.match(folder.name) else None


def assumed_month(extract: Extract, today: date) -> tuple[str, str]:
    """The month to check an extract as at when neither `--month` nor the path says: the month of its
    latest event date (Lists 1-11's history dates) up to today, else the current month; and why."""
    latest = None
    for list_id, table in extract.tables.items():
        event = LIST_KEYS.get(list_id, (None, None))[1]
        if event in table.column_names and table.num_rows:
            dates = pc.filter(table.column(event), pc.less_equal(table.column(event), pa.scalar(today)))
            found = pc.max(dates).as_py() if len(dates) else None
            latest = max(filter(None, (latest, found)), default=None)
    if latest is None:
        return f"{today:%Y-%m}", "the current month (the extract has no event date up to today)"
    return f"{latest:%Y-%m}", "the month of the latest event date in the extract"


def validate_path(
    path: Path, month: str | None = None, out: Path | None = None, warehouse: Path = DEFAULT_WAREHOUSE
) -> int:
    """Print the extract's rows and its issues counted by sheet, rule and severity; 0, or DataError.

    It reads and checks as a run of the same files would: the authority's aliases.yaml and config.yaml
    (severity thresholds) when the path is in an inbox's `<la>/<YYYY-MM>/` folder, and the month from
    `--month` or the path; without either it says which month it assumed and why.
    With `out`, every issue (file, sheet, Excel row, column, rule) is written there as data_quality.csv.
    A list with under half the rows of the authority's previous snapshot in `warehouse` is the warning a
    run gives (csc_report/shrinkage.py), printed in words; no earlier snapshot there, no such warning.
    """
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    month = extract_month(path, month)
    files = find_month_files(path) if path.is_dir() else [path]
    la_dir = authority_dir(path)
    aliases = la_dir / "aliases.yaml" if la_dir and (la_dir / "aliases.yaml").is_file() else None
    settings = load_authority_config(config_path(la_dir.parent, la_dir.name)) if la_dir else AuthorityConfig()
    extract = read_extract(files, la_aliases=aliases)
    if month is None:
        month, why = assumed_month(extract, date.today())
        print(f"no month in the path and no --month: {month} assumed, {why} (give --month YYYY-MM to choose)")
    asat = Period(month).asat
    used = [
        f"aliases from {aliases}" if aliases else "",
        "thresholds from its config.yaml" if settings.severity else "",
    ]
    if any(used):
        print(f"the authority's settings as a run uses them: {'; '.join(u for u in used if u)}")
    docs = (Path(out) / "data_docs").resolve() if out else None
    result = validate_extract(extract, asat, data_docs_dir=docs, overrides=settings.severity)
    # result.extract.issues = the reader's issues + every validation issue (errors included): counting
    # result.errors on top would show each error twice.
    shrunk = []
    if la_dir:
        rows_now = {list_id: table.num_rows for list_id, table in result.extract.tables.items()}
        shrunk = shrunken_lists_in(authority_file(warehouse, la_dir.name), la_dir.name, month, rows_now)
    issues = [*result.extract.issues, *shrunk]
    print(
        f"{', '.join(f.name for f in files)}: {sum(extract.row_counts().values())} rows in "
        f"{len(extract.tables)} lists, checked as at {asat.isoformat()}"
    )
    for issue in shrunk:
        print(f"warning: {issue.message}")
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
