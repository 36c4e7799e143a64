"""`outputs/index.html`: every published report, newest month first, linked relatively so the folder can
be copied or served anywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from csc_report.publish.formatting import month_label, to_month
from csc_report.publish.report import HTML

MONTH = re.compile(r"^\d{4}-\d{2}$")
LA_NAME = re.compile(r'<meta name="csc-report:la-name" content="([^"]*)"')


@dataclass(frozen=True)
class Entry:
    la_code: str
    la_name: str
    month: str
    month_label: str
    href: str


def write_index(outputs_root: Path) -> Path:
    outputs_root = Path(outputs_root)
    entries = sorted(_entries(outputs_root), key=lambda e: e.la_code)
    entries.sort(key=lambda e: e.month, reverse=True)
    path = outputs_root / "index.html"
    path.write_text(HTML.get_template("index.html.j2").render(entries=entries), encoding="utf-8")
    return path


def _entries(outputs_root: Path):
    for report in outputs_root.glob("*/*/report.html"):
        month_dir = report.parent
        if not MONTH.match(month_dir.name):
            continue
        head = report.read_text(encoding="utf-8")[:4000]
        match = LA_NAME.search(head)
        la_code = month_dir.parent.name
        yield Entry(
            la_code=la_code,
            la_name=unescape(match.group(1)) if match else la_code,
            month=month_dir.name,
            month_label=month_label(to_month(month_dir.name)),
            href=report.relative_to(outputs_root).as_posix(),
        )
