"""`outputs/index.html`: every published report, newest month first, linked relatively so the folder can
be copied or served anywhere.

Which months are published, and the authorities' names, are given (pipeline.publish reads them from the
authority's warehouse file, `runs` and `authorities`, and the other authorities' months from their
`run.json` in the shared outputs folder, `published_on_disk`); a month whose report is not in the
outputs folder (moved or deleted) is left out rather than linked to nothing.
"""

from __future__ import annotations

import json
import os
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
    partial = path.with_name(f".index.html.{os.getpid()}")  # authorities in parallel each rewrite it
    partial.write_text(HTML.get_template("index.html.j2").render(entries=entries), encoding="utf-8")
    partial.replace(path)
    return path


def published_on_disk(outputs_root: Path, names: dict[str, str]) -> list[tuple[str, str, str]]:
    """(la_code, la_name, 'YYYY-MM') of every month in the outputs folder whose run.json says done.

    Each authority's warehouse file knows only its own months, while authorities publish into one
    outputs folder; a name not in `names` is the code.
    """
    found = []
    for run_json in sorted(Path(outputs_root).glob("*/*/run.json")):
        try:
            done = json.loads(run_json.read_text(encoding="utf-8")).get("status") == "done"
        except (OSError, ValueError):
            continue
        if done:
            la = run_json.parent.parent.name
            found.append((la, names.get(la, la), run_json.parent.name))
    return found


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
