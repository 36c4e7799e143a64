"""`outputs/index.html`: every published report, newest month first, linked relatively so the folder can
be copied or served anywhere.

Which months are published, and the authorities' names, are given (pipeline.publish reads them from the
warehouse's `runs` and `authorities` tables); a month whose report is not in the outputs folder (moved or
deleted) is left out rather than linked to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from csc_report.publish.formatting import month_label, to_month
from csc_report.publish.report import HTML


@dataclass(frozen=True)
class Entry:
    la_code: str
    la_name: str
    month: str
    month_label: str
    href: str


def write_index(outputs_root: Path, published: Iterable[tuple[str, str, str]]) -> Path:
    """Write the index of `published` months: (la_code, la_name, 'YYYY-MM'), each listed once."""
    outputs_root = Path(outputs_root)
    entries = sorted(_entries(outputs_root, published), key=lambda e: e.la_code)
    entries.sort(key=lambda e: e.month, reverse=True)
    path = outputs_root / "index.html"
    path.write_text(HTML.get_template("index.html.j2").render(entries=entries), encoding="utf-8")
    return path


def _entries(outputs_root: Path, published: Iterable[tuple[str, str, str]]):
    names = {(la_code, month): la_name for la_code, la_name, month in published}  # the last name given wins
    for (la_code, month), la_name in names.items():
        report = outputs_root / la_code / month / "report.html"
        if report.is_file():
            yield Entry(
                la_code=la_code,
                la_name=la_name,
                month=month,
                month_label=month_label(to_month(month)),
                href=report.relative_to(outputs_root).as_posix(),
            )
