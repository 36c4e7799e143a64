"""Garbage collection in a process that imports Prefect and Great Expectations.

Importing them and building GX's context makes some 280,000 objects that live as long as the process:
modules, classes, pydantic models, GX's registries. Python's collector walks every one of them at each
full collection, and a `csc-report run` of one month made six, 0.5-0.6 CPU s, with 0.2 s more in the
younger generations (gc.callbacks, four runs). So start-up runs without collections, and what it built
is then frozen out of the collector's walks (`gc.freeze`, Python's own mechanism for long-lived objects):
the objects of the month's stages are collected as before. What start-up left as garbage stays (about
5 MB a process).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
