"""Hand-built Annex A workbooks: each list's sheet with every Annex A header of config/lists.yaml and the
rows a test gives by canonical column name (imported: pytest puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

from csc_report.transforms.specs import load_lists
from referral_sheet import write_xlsx

from csc_report.catalogue import column_headers


def write_annex(
    path: Path, lists: dict[str, list[dict]], headers: dict[str, dict[str, str]] | None = None
) -> Path:
    """`lists`: list id -> rows ({canonical column: cell}); `headers` overrides a list's header of a column
    (an authority whose export spells it otherwise)."""
    specs = load_lists().lists
    sheets = {}
    for list_id, rows in lists.items():
        names = {**column_headers()[list_id], **(headers or {}).get(list_id, {})}
        sheets[f"List {specs[list_id].number}"] = [list(names.values())] + [
            [row.get(column) for column in names] for row in rows
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx(path, sheets)


def empty_template(path: Path) -> Path:
    """All eleven lists with their headers and not one row: a blank Ofsted template."""
    return write_annex(
        path, {list_id: [] for list_id in column_headers() if load_lists().lists[list_id].number}
    )
