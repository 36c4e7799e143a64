"""Who a generated authority is: its fictional name, its children's population and how busy it is.

A region generated from one template would read as twelve copies of one council. So an authority other
than the demo's own (874, "Fenborough", whose figures tests and docs quote) gets a fictional name of its
own, made from its code and seed (never one another authority of the same inbox has, nor a real one), the
0-17 population ONS published for its code (the shipped reference data, so a county is a county), and a
demand factor between 0.75 and 1.3 that multiplies its volumes but not its population: its rates per
10,000 then sit around believable values rather than all on the demo's. The real code is kept, so the
authority is compared with DfE's figures for that code; the regional report's footnote says whose.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from csc_report.settings import package_dir

from .codes import LA_NAME

PACKAGE_DATA = package_dir("csc_report") / "reference_data"
DEMO_CODE = "874"
DEMO_POPULATION = {
    2010: 44_870, 2011: 45_140, 2012: 45_460, 2013: 45_774, 2014: 46_150, 2015: 46_520, 2016: 46_880,
    2017: 47_210, 2018: 47_490, 2019: 47_730, 2020: 47_900, 2021: 48_010, 2022: 48_120, 2023: 48_260,
    2024: 48_390, 2025: 48_470,
}  # fmt: skip
FIRST_YEAR = min(DEMO_POPULATION)
DEMAND = (0.75, 1.3)
STEMS = (
    "Ash", "Bram", "Cal", "Dun", "Elm", "Fox", "Gold", "Hart", "Ivy", "Kings", "Lark", "Marl", "Nor",
    "Oak", "Pen", "Quen", "Rush", "Salt", "Thorn", "Ux", "Wold", "Yar", "Bar", "Cray",
)  # fmt: skip
ENDINGS = ("ford", "ham", "field", "wick", "ton", "bury", "ley", "mere", "stead", "by", "worth", "combe")


@dataclass(frozen=True)
class Profile:
    name: str
    population: dict[int, int]  # year -> children aged 0-17, before the generator's `scale`
    volume: float  # multiplies the demo's volumes: population relative to the demo's, times demand


def profile(la_code: str, seed: int, end_year: int, taken: set[str]) -> Profile:
    """The authority's profile; `taken`: names other authorities of the inbox already have. A code ONS
    publishes no population for (a made-up one, such as a test's 777) is the demo authority's size."""
    if la_code == DEMO_CODE:
        return Profile(LA_NAME, dict(DEMO_POPULATION), 1.0)
    population = ons_population(la_code) or DEMO_POPULATION
    years = range(FIRST_YEAR, max(max(population), end_year) + 1)
    known = sorted(population)
    filled = {y: population[min(known, key=lambda k, y=y: abs(k - y))] for y in years}
    ratio = filled[min(end_year, max(years))] / DEMO_POPULATION[min(end_year, max(DEMO_POPULATION))]
    return Profile(fictional_name(la_code, seed, taken), filled, ratio * demand(la_code, seed))


def ons_population(la_code: str) -> dict[int, int]:
    """year -> population 0-17 of the code, from the package's reference data ({} if not shipped)."""
    with (PACKAGE_DATA / "population_0_17.csv").open(newline="", encoding="utf-8") as f:
        return {
            int(r["year"]): int(float(r["population_0_17"]))
            for r in csv.DictReader(f)
            if r["area_code"] == la_code and r["area_type"] == "la"
        }


def _draw(la_code: str, seed: int, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{la_code}/{seed}/{salt}".encode()).digest()[:8], "big")


def demand(la_code: str, seed: int) -> float:
    low, high = DEMAND
    return low + (high - low) * (_draw(la_code, seed, "demand") % 10_001) / 10_000


def fictional_name(la_code: str, seed: int, taken: set[str]) -> str:
    """A made-up town name, the same for the same code and seed, never one in `taken` nor the name of
    an authority in DfE's list."""
    taken = taken | dfe_names()
    start = _draw(la_code, seed, "name")
    count = len(STEMS) * len(ENDINGS)
    for step in range(count):
        k = (start + step) % count
        name = STEMS[k % len(STEMS)] + ENDINGS[k // len(STEMS)]
        if name not in taken and name != LA_NAME:
            return name
    raise ValueError("every fictional name is taken")


def dfe_names() -> set[str]:
    with (PACKAGE_DATA / "areas.csv").open(newline="", encoding="utf-8") as f:
        return {r["la_name"] for r in csv.DictReader(f)}


def names_in(authorities_csv: Path, but: str) -> set[str]:
    """The names other authorities of the inbox have in reference/authorities.csv."""
    if not authorities_csv.exists():
        return set()
    with authorities_csv.open(newline="", encoding="utf-8") as f:
        return {r["la_name"] for r in csv.DictReader(f) if r.get("la_code") != but}
