"""Known changes in the service, which start a new SPC phase on the charts of the figures they touch.

A growing stock never fits one set of limits, and a reconfigured front door changes the process itself:
limits computed across the change flag every month as special cause (a false alarm that teaches a
committee to ignore the chart). NHSRplotthedots lets an analyst start a new phase at a known change; so
does `<inbox>/<la>/changes.yaml`:

    - month: 2013-04
      change: The front door was reconfigured as a MASH.
      touches: [referrals, cla_open]   # sections (`looked after` or `looked_after`) or indicator ids

The file is checked when it is loaded (a typo would silently leave a chart in one phase), stored in the
warehouse (`service_changes`, replaced as a whole on each load, like the targets: warehouse.load_changes)
and read back for the report (`stored`): publishing never reads the inbox. spc.phased does the
arithmetic; docs/spc.md works an example.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from csc_report.errors import UsageError
from csc_report.yaml_files import YAMLError, read_yaml

FILE_NAME = "changes.yaml"
KEYS = {"month", "change", "touches"}


@dataclass(frozen=True)
class Change:
    month: str  # YYYY-MM: the first month of the new phase
    text: str  # the sentence, as the chart's legend and the readings quote it
    touches: tuple[str, ...]  # the indicator ids it touches (sections expanded when loaded)

    @property
    def since(self) -> str:
        """`the change in April 2013`, as the readings say what the limits cover."""
        return f"the change in {datetime.strptime(self.month, '%Y-%m'):%B %Y}"


def known_names(catalogue: pd.DataFrame) -> dict[str, list[str]]:
    """What a change may touch, from the indicator catalogue (indicator_catalogue.catalogue()[0]): each
    indicator id, section (`looked after`) and family (`looked_after`) -> its indicator ids."""
    found: dict[str, list[str]] = {}
    for row in catalogue.itertuples(index=False):
        for name in dict.fromkeys((row.indicator_id, row.section, row.family)):
            found.setdefault(name, []).append(row.indicator_id)
    return found


def load_changes(path: Path, known: dict[str, Iterable[str]]) -> list[Change]:
    """The changes of `path` in month order, each section it touches expanded to its indicator ids; []
    when the file is absent (changes are optional).

    `known`: every name a change may touch (an indicator id, a section, a family) -> its indicator ids.
    Raises UsageError, one line naming the file and the entry, for anything malformed and for a
    `touches` entry not in `known`.
    """
    if not path.exists():
        return []
    try:
        data = read_yaml(path)
    except (OSError, UnicodeDecodeError, YAMLError) as e:
        raise UsageError(f"{path}: cannot read changes: {' '.join(str(e).split())}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise UsageError(f"{path}: expected a list of changes, each {{month, change, touches}}")
    changes = [_change(entry, f"{path}: change {n}", known) for n, entry in enumerate(data, start=1)]
    return sorted(changes, key=lambda c: c.month)


def _change(entry, where: str, known: dict[str, Iterable[str]]) -> Change:
    if not isinstance(entry, dict) or set(entry) != KEYS:
        found = ", ".join(sorted(map(str, entry))) if isinstance(entry, dict) else type(entry).__name__
        raise UsageError(f"{where}: expected the keys month, change, touches, found {found}")
    month = str(entry["month"])
    try:
        datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise UsageError(f"{where}: month must be YYYY-MM (quoted), got {entry['month']!r}") from None
    text = entry["change"]
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"{where}: change must be a sentence saying what changed")
    touches = entry["touches"]
    if isinstance(touches, str):
        touches = [touches]
    if not isinstance(touches, list) or not touches:
        raise UsageError(f"{where}: touches must list the sections or indicator ids the change affects")
    unknown = [str(t) for t in touches if str(t) not in known]
    if unknown:
        raise UsageError(f"{where}: touches unknown section or indicator id(s) {', '.join(unknown)}")
    ids = dict.fromkeys(i for t in touches for i in known[str(t)])
    return Change(month, " ".join(text.split()), tuple(ids))


def stored(con, la_code: str) -> list[Change]:
    """The authority's changes as last loaded, in month order."""
    rows = con.execute(
        "SELECT month, change, touches FROM service_changes WHERE la_code = ? ORDER BY month, change",
        [la_code],
    ).fetchall()
    return [Change(month, text, tuple(touches)) for month, text, touches in rows]


def starts(changes: list[Change], indicator_id: str, months: list[pd.Period]) -> list[tuple[int, Change]]:
    """(index, change) of each change touching the figure that falls inside `months` after its first:
    the index is the first month of the new phase. A change at or before the first month leaves the
    window one phase; two changes in one month start one phase (the later sentence)."""
    found: dict[int, Change] = {}
    for change in changes:
        if indicator_id in change.touches:
            first = pd.Period(change.month, "M")
            index = next((i for i, m in enumerate(months) if m >= first), None)
            if index:
                found[index] = change
    return sorted(found.items())
