"""Demo inbox generator: a fictional LA's monthly Annex A extracts, workforce files and population.

``generate_inbox`` simulates one event history for the LA and cuts a snapshot from it for every month, so the
extracts overlap as real ones do, and by default puts into them the corrections real extracts carry from
one month to the next (``corrections``). The defaults reproduce the situation of the seed report (June 2013:
214 referrals, 220 children on a CP plan, 358 looked after). Same arguments, same bytes.
"""

from __future__ import annotations

import csv
import multiprocessing
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from functools import partial
from pathlib import Path

import numpy as np

from csc_report.settings import CONFIG_DIR

from .annex_a import write_annex_a
from .authority import names_in, profile
from .corrections import Reopenings, mistakes
from .layout import LAYOUTS
from .simulate import simulate
from .snapshot import Snapshot
from .workforce import month_figures, posts, workforce_month, write_workforce

DEMO_TARGETS = CONFIG_DIR / "demo_targets.yaml"

__all__ = ["generate_inbox"]

_SNAPSHOT, _MESS, _WORKFORCE, _CORRECTIONS = 1, 2, 3, 4  # independent random streams per month


def generate_inbox(
    out: Path,
    la_code: str = "874",
    end: str = "2013-06",
    months: int = 18,
    scale: float = 1.0,
    seed: int = 42,
    layout: str = "pre2014",
    corrections: bool = True,
    missing_months: Iterable[str] = (),
    workers: int = 1,
) -> list[Path]:
    """Write ``out/reference/population.csv`` and ``out/<la_code>/<YYYY-MM>/`` for each month up to ``end``.

    Returns the month folders written, oldest first. ``scale`` multiplies every volume (children, events,
    workers, population) so rates stay comparable; ``layout`` picks the Annex A variant: ``pre2014``
    (initial and core assessments), ``2019`` (Ofsted template) or ``2024`` (List 9 with pathway plans).
    ``corrections`` puts later extracts' corrections of earlier ones in (see ``corrections``); without it
    consecutive extracts agree wherever they overlap. ``missing_months`` are left without a folder, as when
    an authority sends no extract; the other months are exactly as they would be otherwise.

    Writing the workbooks is most of the time (XlsxWriter, cell by cell: see ``xlsx``), and each month's
    files depend only on that month's lists, so with ``workers`` > 1 they are written by that many
    processes while this one cuts the next months. The bytes are the same either way.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    if months < 1 or scale <= 0:
        raise ValueError("months must be at least 1 and scale positive")
    missing = {np.datetime64(m, "M") for m in missing_months}
    last = np.datetime64(end, "M")
    if any(not last - months < m <= last for m in missing):
        raise ValueError(f"missing months must lie between the first month generated and {end}")
    out = Path(out)
    rng = np.random.default_rng(seed)
    who = profile(la_code, seed, int(end[:4]), names_in(out / "reference" / "authorities.csv", la_code))
    volume = scale * who.volume
    history = simulate(rng, end, months, volume, layout)
    establishment = posts(rng, history.staff, volume)
    write_population(
        out / "reference" / "population.csv", la_code, who.population, scale, last.astype(object).year
    )
    write_reference_extras(out / "reference", la_code, who.name)
    reopenings = Reopenings(history)
    folders = []
    with ExitStack() as stack:
        write = _writer(stack, workers)
        for k in range(months):
            month = history.first_month + k
            stream = int(month.astype(np.int64))
            corrections_rng = np.random.default_rng([seed, stream, _CORRECTIONS])
            if corrections:
                reopenings.draw(month, corrections_rng)  # in a missing month too: later extracts show them
            if month in missing:
                continue
            folder = out / la_code / str(month)
            folder.mkdir(parents=True, exist_ok=True)
            snap = Snapshot(history, month, np.random.default_rng([seed, stream, _SNAPSHOT]), reopenings)
            asat = snap.asat.item()
            lists = snap.lists()
            if corrections:
                mistakes(lists, month, corrections_rng)
            workbook = folder / f"annex_a_{month}.xlsx"
            write(partial(write_annex_a, workbook, lists, la_code, asat, layout, [seed, stream, _MESS]))
            wf_rng = np.random.default_rng([seed, stream, _WORKFORCE])
            figures = month_figures(wf_rng, months - 1 - k, volume)
            staff = workforce_month(wf_rng, establishment, snap.asat, figures)
            write(partial(write_workforce, folder / "workforce.xlsx", staff))
            folders.append(folder)
    return folders


def _writer(stack: ExitStack, workers: int) -> Callable[[Callable[[], None]], None]:
    """What runs each file's write: at once, or in a pool of `workers` processes that `stack` closes,
    raising the first write that failed. Spawned, not forked: the demo runs Prefect's server on a
    thread of this process meanwhile, and a forked child would inherit that thread's locks."""
    if workers <= 1:
        return lambda job: job()
    pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")))
    futures = []
    stack.callback(lambda: [future.result() for future in futures])  # before the pool shuts down
    return lambda job: futures.append(pool.submit(job))


def write_reference_extras(reference: Path, la_code: str, name: str) -> None:
    """The authority's display name and the demo's targets, so the demo report shows both."""
    write_authority_rows(reference / "authorities.csv", ["la_code", "la_name"], la_code, [[la_code, name]])
    shutil.copyfile(DEMO_TARGETS, reference / "targets.yaml")


def write_population(
    path: Path, la_code: str, population: dict[int, int], scale: float, last_year: int
) -> None:
    """Mid-year estimates of children aged 0-17, scaled with the volumes so rates per 10,000 hold. Years
    after the table's last up to `last_year` keep its figure: the file must cover every month generated,
    or the run would rightly prefer the shipped ONS estimate of the real code, at full scale."""
    path.parent.mkdir(parents=True, exist_ok=True)
    final = max(population)
    estimates = population | dict.fromkeys(range(final + 1, last_year + 1), population[final])
    rows = [[la_code, year, round(pop * scale)] for year, pop in estimates.items()]
    write_authority_rows(path, ["la_code", "year", "population_0_17"], la_code, rows)


def write_authority_rows(path: Path, header: list[str], la_code: str, rows: list[list]) -> None:
    """Write one authority's rows of a reference CSV, keeping the other authorities' rows already there,
    so that generating several authorities into one inbox makes a region's inbox."""
    kept = []
    if path.exists():
        with path.open(newline="") as f:
            kept = [row for row in list(csv.reader(f))[1:] if row and row[0] != la_code]
    with path.open("w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *kept, *rows])
