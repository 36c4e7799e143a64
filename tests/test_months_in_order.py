"""A backfill prepares the next months while one finishes (csc_report.month.run_in_order).

The plain lifecycle is driven with stages that record what they are asked to do, in what order: every
month is handed to `prepare_in_order` (backfill's pool), the first included, and the months after the
one being finished (`Stages.ahead` of them) are started early and handed over before that one loads; a
month done now is not started early (a re-run would otherwise prepare every month for nothing), and is
started again in its turn, when the month before it may have made it due; a month whose folder is
missing is awaiting data, told once, in its turn. `Stages.prepare`, a single month's, is never asked.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from csc_report import month
from csc_report.generate import generate_inbox
from csc_report.settings import RunPaths

LA = "874"
MONTHS = ["2013-04", "2013-05", "2013-06"]
pytestmark = pytest.mark.slow  # each test runs these months through the lifecycle
MISSING = "2013-07"


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> RunPaths:
    root = tmp_path_factory.mktemp("in-order")
    generate_inbox(root / "inbox", la_code=LA, end=MONTHS[-1], months=len(MONTHS), scale=0.1, seed=3)
    return RunPaths(root / "inbox", root / "wh", root / "out", root / "secret.key")


def recording(events: list[tuple[str, str]]) -> month.Stages:
    """The plain stages, each telling `events` which month it was asked for. Publishing is left out: it
    only reads the figures, and whether a month is done rests on its run record and the warehouse."""
    plain = month.Stages()

    def prepare(name, stage):
        def wrapper(paths, pending, force):
            events.append((name, pending.month))
            return stage(paths, pending, force)

        return wrapper

    def load(paths, la, month_, *args):
        events.append(("load", month_))
        return plain.load(paths, la, month_, *args)

    return month.Stages(
        prepare=prepare("single month", plain.prepare),
        prepare_in_order=prepare("prepare", plain.prepare_in_order),
        load=load,
        publish=lambda *args: ({}, 0.0),
    )


def every_month_done(paths: RunPaths) -> None:
    """Run whatever is due, so that a test does not rest on the order the tests ran in (after the first
    test nothing is)."""
    assert {o.status for o in month.run_in_order(paths, LA, MONTHS, stages=recording([]))} <= {
        "done",
        "skipped",
    }


def test_each_month_is_prepared_ahead_while_the_one_before_finishes(paths):
    events = []
    outcomes = list(month.run_in_order(paths, LA, MONTHS + [MISSING], stages=recording(events)))
    assert [o.status for o in outcomes] == ["done", "done", "done", "awaiting data"], [
        o.message for o in outcomes
    ]
    assert MISSING in outcomes[-1].message
    assert events == [
        ("prepare", "2013-04"),
        ("prepare", "2013-05"),
        ("load", "2013-04"),
        ("prepare", "2013-06"),
        ("load", "2013-05"),
        ("load", "2013-06"),  # 2013-07 is missing: started early in vain, nothing prepared
    ]


def test_as_many_months_are_prepared_ahead_as_the_stages_can_prepare_at_once(paths):
    """Backfill's two preparers (flows/tasks.py): the first month is handed to them like the rest, and
    the two months after it are started early before it loads (so the pool's processes start with the
    run); the missing month is tried while it is ahead and told once, in its turn."""
    events = []
    stages = replace(recording(events), ahead=2)
    outcomes = list(month.run_in_order(paths, LA, MONTHS + [MISSING], force=True, stages=stages))
    assert [o.status for o in outcomes] == ["done", "done", "done", "awaiting data"], [
        o.message for o in outcomes
    ]
    assert events == [
        ("prepare", "2013-04"),
        ("prepare", "2013-05"),
        ("prepare", "2013-06"),
        ("load", "2013-04"),
        ("load", "2013-05"),
        ("load", "2013-06"),
    ]


def test_a_month_done_now_is_started_again_in_its_turn(paths):
    """After the test above every month is done. Without the first's run record, it is due again;
    the second is done until the first is re-loaded (its history includes it), so it is not prepared
    early but in its turn; the third is due by then, and is prepared ahead."""
    every_month_done(paths)
    (paths.output_dir(LA, MONTHS[0]) / "run.json").unlink()
    events = []
    outcomes = list(month.run_in_order(paths, LA, MONTHS, stages=recording(events)))
    assert [o.status for o in outcomes] == ["done", "done", "done"], [o.message for o in outcomes]
    assert events == [
        ("prepare", "2013-04"),
        ("load", "2013-04"),
        ("prepare", "2013-05"),  # in its turn
        ("prepare", "2013-06"),  # ahead of it
        ("load", "2013-05"),
        ("load", "2013-06"),
    ]


def test_nothing_is_prepared_when_every_month_is_done(paths):
    every_month_done(paths)
    events = []
    outcomes = list(month.run_in_order(paths, LA, MONTHS, stages=recording(events)))
    assert [o.status for o in outcomes] == ["skipped"] * len(MONTHS)
    assert events == []
