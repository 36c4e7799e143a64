"""Targets and RAG status: which figures meet the council's ambitions, which nearly do, which do not.

Targets are analyst-edited data (`reference/targets.yaml` in the inbox), one entry per indicator id:

    referral_rate_r12_per_10k: {target: 603, direction: lower, tolerance: 30}

`direction` says which way is better; `tolerance` (default 0, in the indicator's own unit: percentage
points for a %, per 10,000 for a rate) is how far a figure may miss the target and still be amber.
The file is checked when it is loaded, because a typo (an unknown id, "hihger") would otherwise silently
leave a figure without a status.

RAG: green when the value meets the target (>= for higher, <= for lower), amber when it misses by no
more than the tolerance, red beyond; none when there is no target or no value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from csc_report.errors import UsageError
from csc_report.yaml_files import YAMLError, read_yaml

DIRECTIONS = ("higher", "lower")
RAG_NONE = "none"
EPSILON = 1e-9


@dataclass(frozen=True)
class Target:
    target: float
    direction: str
    tolerance: float = 0.0


def load_targets(path: Path | None, known_ids: Iterable[str] | None = None) -> dict[str, Target]:
    """Targets from a YAML file; {} when the file is absent (targets are optional, contract 1).

    Raises UsageError (one line, naming the file and the entry) for anything malformed, and for ids not
    in `known_ids` when given.
    """
    if path is None or not Path(path).exists():
        return {}
    try:
        data = read_yaml(Path(path))
    except (OSError, UnicodeDecodeError, YAMLError) as e:
        raise UsageError(f"{path}: cannot read targets: {' '.join(str(e).split())}") from None
    return parse_targets(data or {}, source=str(path), known_ids=known_ids)


def parse_targets(data, source: str = "targets", known_ids: Iterable[str] | None = None) -> dict[str, Target]:
    """Check and convert the mapping `indicator_id -> {target, direction, tolerance}`."""
    if not isinstance(data, dict):
        raise UsageError(f"{source}: expected a mapping of indicator_id -> {{target, direction, tolerance}}")
    known = set(known_ids) if known_ids is not None else None
    targets = {}
    for indicator_id, entry in data.items():
        where = f"{source}: {indicator_id}"
        if known is not None and indicator_id not in known:
            raise UsageError(f"{where}: unknown indicator id")
        if not isinstance(entry, dict):
            raise UsageError(f"{where}: expected {{target, direction, tolerance}}")
        extra = set(entry) - {"target", "direction", "tolerance"}
        if extra:
            raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(map(str, extra)))}")
        target = _number(entry.get("target"), f"{where}: target")
        direction = entry.get("direction")
        if direction not in DIRECTIONS:
            raise UsageError(f"{where}: direction must be higher or lower, got {direction!r}")
        tolerance = _number(entry.get("tolerance", 0), f"{where}: tolerance")
        if tolerance < 0:
            raise UsageError(f"{where}: tolerance must not be negative")
        targets[str(indicator_id)] = Target(target, direction, tolerance)
    return targets


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UsageError(f"{where} must be a number, got {value!r}")
    return float(value)


def rag(values, targets, directions, tolerances) -> np.ndarray:
    """RAG status for aligned sequences (one element per indicator), vectorised.

    Missing values or targets (None/NaN) give "none". A value exactly at the target is green; exactly at
    target -/+ tolerance is amber.
    """
    value = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(dtype=float)
    target = pd.to_numeric(pd.Series(targets, dtype="object"), errors="coerce").to_numpy(dtype=float)
    tolerance = np.nan_to_num(
        pd.to_numeric(pd.Series(tolerances, dtype="object"), errors="coerce").to_numpy(dtype=float)
    )
    # shortfall > 0 means the target is missed by that much, whichever way is better; EPSILON keeps a
    # value that is on a boundary up to floating-point noise (82.7 vs 85 - 2.3) on the kinder side
    higher = np.asarray(directions, dtype=object) == "higher"
    shortfall = np.where(higher, target - value, value - target)
    status = np.select(
        [np.isnan(value) | np.isnan(target), shortfall <= EPSILON, shortfall <= tolerance + EPSILON],
        [RAG_NONE, "green", "amber"],
        default="red",
    )
    return status.astype(object)
