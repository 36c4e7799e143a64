"""Find the header row of a sheet, decide which list it is, and map its headers to canonical columns.

A list is recognised by its headers (contract 1.1), never by the sheet name alone, because LAs name
sheets freely. Matching is order-independent: every header is compared with every column's exact aliases
(a set lookup), regex patterns are tried only for headers no exact alias claimed, and a header that fits
two columns or a column that two headers fit is reported as `duplicate_header` instead of being settled
by whichever rule happened to come first (the defect of ordered first-match regex chains).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from csc_report.transforms.specs import ListSpec
from csc_report.transforms.text import normalise_header, normalise_sheet_name

HEADER_SEARCH_ROWS = 10
MIN_REQUIRED_SHARE = 0.5


@dataclass
class HeaderMatch:
    """How one header row maps onto one list."""

    spec: ListSpec
    header_row: int = 0  # 0-based index of the header row among the rows given
    columns: dict[str, int] = field(default_factory=dict)  # canonical column -> source column index
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (column index, header as written)
    ambiguous: list[tuple[int, str, list[str]]] = field(
        default_factory=list
    )  # header fitting several columns
    repeated: list[tuple[str, list[str]]] = field(default_factory=list)  # column fitted by several headers

    @property
    def missing_required(self) -> list[str]:
        return [c for c in self.spec.required if c not in self.columns]

    @property
    def required_share(self) -> float:
        required = self.spec.required
        return (len(required) - len(self.missing_required)) / len(required) if required else 0.0

    @property
    def is_candidate(self) -> bool:
        """Enough of the list's required columns, and at least one column no other child list shares."""
        specific = any(c not in self.spec.common for c in self.columns)
        return specific and self.required_share >= MIN_REQUIRED_SHARE


def match_headers(headers: Sequence[str | None], spec: ListSpec, header_row: int = 0) -> HeaderMatch:
    """Map a row of headers onto `spec`'s canonical columns, recording unknown and duplicate headers."""
    match = HeaderMatch(spec=spec, header_row=header_row)
    normalised = {i: normalise_header(h) for i, h in enumerate(headers)}
    exact = {i: set(spec.alias_index.get(h, ())) for i, h in normalised.items() if h}
    claimed = set().union(*exact.values()) if exact else set()
    by_pattern = [c for c in spec.pattern_columns if c.name not in claimed]
    fits: dict[str, list[int]] = {}
    for i, h in normalised.items():
        if not h:
            continue
        names = exact[i] or {c.name for c in by_pattern if any(p.search(h) for p in c.patterns)}
        if not names:
            match.unknown.append((i, str(headers[i]).strip()))
        elif len(names) > 1:
            match.ambiguous.append((i, str(headers[i]).strip(), sorted(names)))
        else:
            fits.setdefault(names.pop(), []).append(i)
    for name in spec.columns:  # canonical order, so results do not depend on header order
        if name in fits:
            indices = fits[name]
            match.columns[name] = indices[0]
            if len(indices) > 1:
                match.repeated.append((name, [str(headers[i]).strip() for i in indices]))
    return match


def identify(
    rows: Sequence[Sequence[str | None]], specs: Iterable[ListSpec], sheet_name: str = ""
) -> HeaderMatch | None:
    """The best (list, header row) among the first rows of a sheet, or None if no list fits.

    Best = largest share of required columns found, then most columns found, then the sheet name being
    one of the list's sheet-name hints, then the earliest row.
    """
    sheet = normalise_sheet_name(sheet_name)
    best, best_key = None, None
    for row_index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for v in row if v is not None and str(v).strip()) < 2:
            continue
        for spec in specs:
            match = match_headers(row, spec, row_index)
            if not match.is_candidate:
                continue
            key = (match.required_share, len(match.columns), sheet in spec.sheets, -row_index)
            if best_key is None or key > best_key:
                best, best_key = match, key
    return best


def hinted_list(sheet_name: str, specs: Iterable[ListSpec]) -> ListSpec | None:
    """The list whose sheet-name hints include this sheet's name (used to explain a missing header row)."""
    sheet = normalise_sheet_name(sheet_name)
    return next((s for s in specs if sheet in s.sheets), None)
