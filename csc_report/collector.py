"""Python's cyclic garbage collector, set for a process that loads large libraries before it works.

A `csc-report run` imports Prefect, Great Expectations and pandas and builds GX's context: some 280,000
objects that live as long as the process (modules, classes, pydantic models, GX's registries), created
faster than anything becomes garbage. With CPython's defaults the collector cost a run of one scale-1
month about 1.5 CPU s, measured with `gc.callbacks` and py-spy:

- young collections every 700 allocations: about 800 of them while the libraries load, 0.78 CPU s;
- six full collections walking the whole heap, 0.5-0.6 CPU s;
- one more full collection as the interpreter exits, 0.75-1.1 s of wall time after `main` returned.

So start-up runs without collections and what it built is then frozen out of the collector's walks
(`start_up`; `gc.freeze` is Python's own mechanism for long-lived objects), young garbage is collected
every 10,000 allocations, and the heap is frozen at exit (`collect_less_often`). The objects of the
month's stages are collected as before; what start-up left as garbage stays (about 5 MB a process), and
objects are still freed by reference counting as the interpreter tears down. Prefect's own exit
handlers, registered later, run before the freeze (they are called in reverse), so its logs and events
are sent as before. Nothing but the timing of collections changes.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 10_000  # allocations less deallocations between first-generation collections


def collect_less_often() -> None:
    """Raise the first-generation threshold, keeping the older generations' (process-wide), and skip
    the collection of the whole heap at exit (once per process, however often it is called)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


@contextmanager
def start_up() -> Iterator[None]:
    """Within: no collection. After: everything alive is frozen, and collection is back as it was (an
    outer `start_up`, or a caller that had disabled it, keeps it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
