"""csc_report.collector: start-up runs without garbage collection, and what it built is frozen out of
later collections; the objects made afterwards are collected as before; young garbage less often."""

from __future__ import annotations

import gc
import weakref

import pytest

from csc_report import collector


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def tracked(obj) -> bool:
    """Whether the collector still walks `obj` (a frozen object is in none of its generations)."""
    return any(o is obj for o in gc.get_objects())


@pytest.fixture
def collection_on():
    """Collection on for the test, and as it was afterwards."""
    enabled = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if enabled else gc.disable)()


def test_start_up_collects_nothing_then_freezes_what_it_built(collection_on):
    with collector.start_up():
        assert not gc.isenabled()
        kept = Node()
    assert gc.isenabled()
    assert not tracked(kept)
    later = Node()
    assert tracked(later)
    freed = weakref.ref(later)
    del later
    gc.collect()
    assert freed() is None  # an object of the run itself is collected as before


def test_a_start_up_inside_another_leaves_collection_off_until_the_outer_ends(collection_on):
    with collector.start_up():
        with collector.start_up():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_caller_that_had_collection_off_keeps_it_off(collection_on):
    gc.disable()
    with collector.start_up():
        pass
    assert not gc.isenabled()


def test_the_gx_context_is_built_in_start_up(collection_on):
    """However early GX's context was built in this process, it was built under start_up: frozen."""
    from csc_report.validation import gx_engine

    ctx = gx_engine.context()
    assert gc.isenabled()
    assert not tracked(ctx) and not tracked(gx_engine._state["source"])


def test_young_garbage_is_collected_less_often():
    before = gc.get_threshold()
    try:
        collector.collect_less_often()
        assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, before[1], before[2])
    finally:
        gc.set_threshold(*before)
