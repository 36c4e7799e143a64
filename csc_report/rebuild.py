"""`csc-report rebuild`: re-create an authority's warehouse file from the inbox, proven before it is used.

The inbox keeps every monthly snapshot, so a warehouse file that is damaged (a disk fault, a copy cut
short, a file overwritten) or lost can be made again. Made again is not enough to trust it: the
rebuild runs every month of the inbox up to the last published one, in order, into a new warehouse
folder beside the old (same filesystem, so the swap is a rename), publishing into a scratch outputs
folder, and compares each published month's `indicators.csv` with the one that was published. Only if
every one is identical are the files swapped: the old file is kept as `<la>.duckdb.damaged`
(owner-only), for a post-mortem or to be deleted. Otherwise nothing is swapped and the line names the
months that differ. The published outputs are never touched.

It runs the plain stages (csc_report.month), with the same pseudonymisation key as the runs that
published (the same resolution: --key-file, else the user's default), and holds the authority's
writer lock throughout, so no scheduled run writes the old file meanwhile.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

from csc_report import settings
from csc_report.errors import CscError, DataError, UsageError
from csc_report.lock import warehouse_lock
from csc_report.month import run_month
from csc_report.months import MONTH_FORMAT
from csc_report.settings import RunPaths

DAMAGED_SUFFIX = ".damaged"


def published_months(paths: RunPaths, la: str) -> dict[str, str]:
    """Month -> profile of every month with published figures (`indicators.csv`). Its run.json may
    say "failed" since: a later forced run that met the damage records its failure there, but leaves
    the figures published before, which are the ones to restore."""
    found = {}
    for figures in sorted((paths.outputs / la).glob("*/indicators.csv")):
        try:
            record = json.loads((figures.parent / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}
        found[figures.parent.name] = record.get("profile", "public")
    return found


def inbox_months(paths: RunPaths, la: str, last: str) -> list[str]:
    folder = paths.inbox / la
    names = [p.name for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
    return sorted(m for m in names if MONTH_FORMAT.fullmatch(m) and m <= last)


def rebuild(paths: RunPaths, la: str, say=print) -> Path:
    """Rebuild `la`'s warehouse file (see the module doc); returns where the old file was kept (or the
    new file's path when there was none). Raises DataError when the figures differ."""
    published = published_months(paths, la)
    if not published:
        raise UsageError(f"{paths.outputs / la}: no published month of {la} to check a rebuild against")
    months = inbox_months(paths, la, max(published))
    missing = sorted(set(published) - set(months))
    if missing:
        raise UsageError(f"the inbox {paths.inbox} has no folder for {la} {missing[0]}, which was published")
    key = paths.resolved_key_file()
    if not key.is_file():
        raise UsageError(f"{key}: no pseudonymisation key; rebuild needs the key the months were run with")
    old = paths.warehouse_file(la)
    scratch = paths.warehouse / f".rebuild-{la}"
    shutil.rmtree(scratch, ignore_errors=True)
    new_paths = replace(paths, warehouse=scratch / "warehouse", outputs=scratch / "outputs", key_file=key)
    try:
        with warehouse_lock(old, timeout=settings.lock_timeout()):
            for month in months:
                profile = published.get(month, "public")
                try:
                    outcome = run_month(new_paths, la, month, profile, force=True)
                    say(f"  {la} {month} {outcome.status}: {outcome.message}")
                except CscError as exc:  # as in a backfill: a month that failed then fails again
                    say(f"  {la} {month} failed: {exc}")
            differ = [
                month
                for month in sorted(published)
                if not _same(new_paths.output_dir(la, month), paths.output_dir(la, month))
            ]
            if differ:
                raise DataError(
                    f"rebuild of {la} not used: {len(differ)} of {len(published)} published months come "
                    f"out different ({', '.join(differ)}); {old} is left as it was"
                )
            kept = old.with_name(old.name + DAMAGED_SUFFIX)
            for path in (old, old.with_name(old.name + ".wal")):  # its log must not replay into the new
                if path.exists():
                    aside = path.with_name(path.name + DAMAGED_SUFFIX)
                    os.replace(path, aside)
                    aside.chmod(0o600)
            os.replace(new_paths.warehouse_file(la), old)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    say(f"{old}: rebuilt; the {len(published)} published months give identical figures")
    return kept if kept.exists() else old


def _same(rebuilt: Path, published: Path) -> bool:
    new = rebuilt / "indicators.csv"
    return new.is_file() and new.read_bytes() == (published / "indicators.csv").read_bytes()
