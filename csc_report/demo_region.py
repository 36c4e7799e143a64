"""The demo of a region: the East of England's eleven authorities generated into one inbox, each under
its real LA code (so DfE's figures for that code are its benchmarks) with a fictional name, its ONS
0-17 population and rates of its own (csc_report.generate.authority), 13 months each so that every
authority's trend has SPC limits in its last month. `csc-report demo --region` makes it and runs region
mode on it (docs/operations.md)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from csc_report.generate import generate_inbox
from csc_report.generate.authority import PACKAGE_DATA

REGION = "East of England"
END = "2013-06"
MONTHS = 13  # limits need 12 points; the 13th is the month read against them


def region_codes(region: str = REGION) -> list[str]:
    """The LA codes of a region in DfE's list (the shipped areas.csv), in code order."""
    with (PACKAGE_DATA / "areas.csv").open(newline="", encoding="utf-8") as f:
        return sorted(r["la_code"] for r in csv.DictReader(f) if r["region_name"] == region)


def make_region_inbox(inbox: Path, scale: float, workers: int = 2) -> list[str]:
    """Generate every authority of the region not already in `inbox`, saying which as it goes; returns
    the codes."""
    codes = region_codes()
    for seed, la in enumerate(codes, 1):
        if (inbox / la).is_dir():
            continue
        start = time.perf_counter()
        generate_inbox(inbox, la_code=la, end=END, months=MONTHS, scale=scale, seed=seed, workers=workers)
        print(f"  generated {la} ({MONTHS} months) in {time.perf_counter() - start:.0f} s", flush=True)
    return codes
