"""Everything that touches Great Expectations: one ephemeral context per process, runs, Data Docs.

GX costs about 4 s to import, so it is imported lazily and the context is built once and reused. The
context is ephemeral (in-memory stores): nothing is written into the repository or the user's home, and
Data Docs go only where a run asks for them.

Personal data never reach GX results: identifier columns are replaced by per-run ordinals before GX sees
the frame (nullness and equality survive, the values do not), columns no check reads are not passed at
all, and every value list GX returns is scrubbed down to Excel row numbers before a result is kept.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from csc_report import collector
from csc_report.catalogue import identifier_columns
from csc_report.validation import wide
from csc_report.validation.gx_memo import _memo, _memoised, _NotPlain, _plain, install_memos  # noqa: F401
from csc_report.validation.lazy_imports import defer, hidden
from csc_report.validation.offline import make_offline
from csc_report.validation.suites import Check, Suite

# The identifier columns of config/lists.yaml: GX only ever needs their nullness and equality.
ID_COLUMNS = identifier_columns()
ROW = "source_row"  # the Excel row number, the only row reference that leaves validation
WITHHELD = "(value not shown)"
_KEPT_COUNTS = (
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "missing_count",
    "missing_percent",
    "unexpected_percent_total",
    "unexpected_percent_nonmissing",
)
_DOCS_ROWS = 200  # row numbers kept per check for Data Docs (GX shows the first 10 and "...")

_state: dict = {}


@dataclass
class Outcome:
    """One check's result, reduced to what the policy needs: which rows failed, or why it could not run."""

    check: Check
    success: bool
    positions: list[int]  # rows (positions in the table) that failed
    errored: str | None  # set when the check raised instead of evaluating


def warm_up() -> None:
    """Build the context now, for a process with time to spare before it validates (waiting for
    Prefect's temporary server to answer). Any error is left for validation to meet again and report,
    inside the run. It runs on the calling thread: importing GX on a second thread while the first
    imports Prefect can deadlock in importlib's module locks."""
    with suppress(Exception):
        context()


def context():
    """The process-wide GX context, built on first use."""
    if "context" not in _state:
        with collector.start_up():  # GX's classes and registries live as long as the process
            _build_context()
    return _state["context"]


def _build_context() -> None:
    """Import GX and build the context this process validates with (see `context`)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # else GX tries to send usage events
    defer()  # altair and scipy.stats: imported by GX, never run here
    with hidden():  # its SQL and S3 back-ends, never used here
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    _keep_config_in_memory(ctx)
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site, config in list((ctx.config.data_docs_sites or {}).items()):
        ctx.delete_data_docs_site(site)  # the default site points into a temp dir made for nothing
        shutil.rmtree(config["store_backend"]["base_directory"], ignore_errors=True)
    install_memos(gx)
    import csc_report.validation.wide_gx  # noqa: F401 - registers the wide check with GX

    _state["gx"] = gx
    _state["context"] = ctx
    _state["source"] = ctx.data_sources.add_pandas("csc")
    _state["batches"] = {}


def _keep_config_in_memory(ctx) -> None:
    """Make the ephemeral context's project configuration live only in memory, as GX documents it.

    GX 1.24 still writes it to the context's in-memory store, serialised to YAML (ruamel), every time a
    data asset or batch definition is added: twice per list, 0.43 s of a process's first validation,
    for a text nothing reads back. The configuration object itself (`ctx.config`) is updated as before.
    """
    ctx._save_project_config = lambda: None


def yyyymmdd(value: date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


def to_frame(table: pa.Table, columns: set[str]) -> pd.DataFrame:
    """The columns the checks read, identifiers replaced by ordinals; the index is the row's position.

    Dates go to GX as yyyymmdd integers: GX 1.24 compares datetime columns value by value in Python
    (about 60 ms per check on 50k rows), integers in one vectorised step, and 20240630 still reads as a
    date in Data Docs. A literal date bound written into a suite must therefore be a yyyymmdd number.
    """
    arrays, names = [], []
    for name in table.column_names:
        if name not in columns:
            continue
        col = table.column(name)
        if name in ID_COLUMNS:
            col = pc.dictionary_encode(col.combine_chunks()).indices
        elif pa.types.is_date(col.type):
            col = pc.add(
                pc.add(pc.multiply(pc.year(col), 10000), pc.multiply(pc.month(col), 100)), pc.day(col)
            )
        arrays.append(col)
        names.append(name)
    return pa.table(arrays, names=names).to_pandas()


def run_suite(suite: Suite, table: pa.Table, columns: set[str], skip: set[str], asat: date):
    """Validate one list; return the scrubbed GX result (for Data Docs) and one Outcome per check run.

    Wide checks first (wide.py): each rule family as one expectation. A family that passes is one row of
    the result; a family with a failing row is replaced by its one-column expectations, which name each
    failing check and its rows.

    GX reports failing rows by the frame's own index (the row's position): asking it for
    `unexpected_index_column_names` instead costs a Python lookup per failing row (seconds on a broken
    file), so positions are mapped to Excel row numbers here, from the Arrow table.
    """
    ctx = context()
    expectations = [e for e in suite.spec["expectations"] if e["meta"]["rule"] not in skip]
    frame = to_frame(table, columns | {ROW})
    parameters = {"asat": yyyymmdd(asat)}
    with _memoised():
        batch = _batch_definition(ctx, suite.list_id).get_batch(batch_parameters={"dataframe": frame})
        wide_first = [] if _state.get("one_column_only") else expectations
        result, passed = _validate_wide(batch, suite, wide_first, parameters)
        narrow = [e for e in expectations if wide.family(e) not in passed]
        if narrow:
            result.results = [
                *(r for r in result.results if r.expectation_config.kwargs["family"] in passed),
                *_validate_narrow(batch, suite.list_id, narrow, parameters),
            ]
            _restate_statistics(result)
    source_rows = table.column(ROW).to_numpy()
    outcomes = [
        Outcome(suite.check(e["meta"]["rule"]), True, [], None)
        for e in expectations
        if wide.family(e) in passed
    ]
    for r in result.results:
        if r.expectation_config.type == wide.WIDE_TYPE:
            r.result = {}  # a passing family: nothing to show but its success
        else:
            outcomes.append(_outcome(r, suite, source_rows))
    return result, outcomes


@contextmanager
def one_column_only() -> Iterator[None]:
    """Within: every check runs as its own one-column expectation, as before wide checks. The reference
    wide-first validation must agree with (tests/test_wide_checks.py, benchmarks/wide_checks.py)."""
    _state["one_column_only"] = True
    try:
        yield
    finally:
        del _state["one_column_only"]


def _validate_wide(batch, suite: Suite, expectations: list[dict], parameters: dict):
    """Each family as one wide expectation, BOOLEAN_ONLY (success is all a passing family needs to
    report); the result and the families whose every row passed."""
    gx = _state["gx"]
    grouped: dict[str, list[dict]] = {}
    for e in expectations:
        grouped.setdefault(wide.family(e), []).append(e)
    wide_expectations = []
    for name, members in grouped.items():
        checks = [wide.spec(e, parameters) for e in members]
        columns = sorted(set().union(*(suite.check(c["rule"]).needs for c in checks)))
        if len(columns) < 2:  # GX wants two columns at least; the row number is always there
            columns.append(ROW)
        rules = [c["rule"] for c in checks]
        kwargs = {"column_list": columns, "family": name, "rules": rules, "checks_key": wide.register(checks)}
        wide_expectations.append({"type": wide.WIDE_TYPE, "kwargs": kwargs, "meta": {"family": name}})
    result = batch.validate(
        gx.ExpectationSuite(
            name=suite.list_id,
            expectations=wide_expectations,
            meta=suite.spec.get("meta"),
            notes=suite.spec.get("notes"),
        ),
        result_format={"result_format": "BOOLEAN_ONLY"},
    )
    passed = {
        r.expectation_config.kwargs["family"]
        for r in result.results
        if r.success and not _exception_class(r.exception_info)
    }
    return result, passed


def _validate_narrow(batch, list_id: str, expectations: list[dict], parameters: dict) -> list:
    """The one-column expectations of the failing families, in two passes. GX's cost is per
    expectation, and COMPLETE makes every expectation, passing ones included, plan and resolve the
    metrics for failing row indices too: BASIC settles success and the counts Data Docs show, and only
    the expectations that failed run again for their rows."""
    gx = _state["gx"]
    result = batch.validate(
        gx.ExpectationSuite(name=list_id, expectations=expectations),
        result_format={"result_format": "BASIC"},
        expectation_parameters=parameters,
    )
    failed = {
        r.expectation_config.meta["rule"]
        for r in result.results
        if not r.success and not _exception_class(r.exception_info)
    }
    if not failed:
        return result.results
    detail = batch.validate(
        gx.ExpectationSuite(
            name=list_id, expectations=[e for e in expectations if e["meta"]["rule"] in failed]
        ),
        result_format={"result_format": "COMPLETE", "return_unexpected_index_query": False},
        expectation_parameters=parameters,
    )
    complete = {r.expectation_config.meta["rule"]: r for r in detail.results}
    return [complete.get(r.expectation_config.meta["rule"], r) for r in result.results]


def _restate_statistics(result) -> None:
    """The suite result's success and counts, of the rows it now holds (wide and one-column)."""
    done = result.results
    good = sum(bool(r.success) for r in done)
    result.success = good == len(done)
    result.statistics.update(
        evaluated_expectations=len(done),
        successful_expectations=good,
        unsuccessful_expectations=len(done) - good,
        success_percent=100 * good / len(done) if done else None,
    )


def _batch_definition(ctx, list_id: str):
    batches = _state["batches"]
    if list_id not in batches:
        asset = _state["source"].add_dataframe_asset(list_id)
        batches[list_id] = asset.add_batch_definition_whole_dataframe("whole")
    return batches[list_id]


def _outcome(r, suite: Suite, source_rows) -> Outcome:
    """Read one GX result and scrub it in place so that only row numbers remain in it."""
    check = suite.check(r.expectation_config.meta["rule"])
    errored = _exception_class(r.exception_info)
    if errored:
        withheld = f"{errored} (details withheld: they may quote values from the data)"
        r.exception_info = {
            "raised_exception": True,
            "exception_message": withheld,
            "exception_traceback": withheld,
        }
    found = r.result or {}
    index = found.get("unexpected_index_list") or []
    positions = [int(i) for i in index]
    kept = {k: found[k] for k in _KEPT_COUNTS if k in found}
    if positions:
        shown = [{ROW: int(source_rows[p]), "value": WITHHELD} for p in positions[:_DOCS_ROWS]]
        kept.update(
            unexpected_index_column_names=[ROW],
            unexpected_index_list=shown,
            partial_unexpected_index_list=shown[:20],
            partial_unexpected_list=[WITHHELD],
            partial_unexpected_counts=[{"value": WITHHELD, "count": len(positions)}],
        )
    r.result = kept
    return Outcome(check, bool(r.success), positions, errored)


def _exception_class(info) -> str | None:
    """The class name of the exception a crashed check raised, or None when it evaluated.

    GX 1.24 reports a crash as success=False with exception_info, either flat or keyed by metric. Only the
    class name is kept: exception messages can quote cell values ("could not convert 'X' to float").
    """
    if not info:
        return None
    entries = [info] if "raised_exception" in info else list(info.values())
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            last = (entry.get("exception_traceback") or "").strip().splitlines()[-1:] or ["Exception"]
            return last[0].split(":", 1)[0].rsplit(".", 1)[-1]
    return None


def build_data_docs(results: dict, directory: Path) -> Path:
    """Render this run's (already scrubbed) results as a file-based Data Docs site in `directory`."""
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    ctx = context()
    directory.mkdir(parents=True, exist_ok=True)
    site = f"run-{uuid.uuid4().hex[:8]}"
    ctx.add_data_docs_site(
        site,
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    run_id = RunIdentifier(run_name="csc-report", run_time=datetime.now(UTC))
    store, suite_store = ctx.validation_results_store, ctx.expectations_store
    keys, suite_keys = [], []
    with _results_kept_as_given(store):
        try:
            for list_id, result in results.items():
                key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=list_id), run_id, list_id)
                store.set(key, result)
                keys.append(key)
                # the index and each result page link the suite's own page: build it from the checks run.
                # Straight into the store: `ctx.suites` reads each suite back after adding it and again
                # before deleting it, two parses of every suite (a seventh of a build) for nothing.
                expectations = [r.expectation_config for r in result.results]
                suite = _state["gx"].ExpectationSuite(name=list_id, expectations=expectations)
                suite_key = suite_store.get_key(name=list_id, id=None)
                suite_store.add(key=suite_key, value=suite)
                suite_keys.append(suite_key)
            ctx.build_data_docs(site_names=[site])
            make_offline(directory)
        finally:
            # results and suites of earlier runs would otherwise pile up and slow every later build
            for key in keys:
                store.remove_key(key)
            for key in suite_keys:
                suite_store.remove_key(key)
            ctx.delete_data_docs_site(site)
    return directory / "index.html"


@contextmanager
def _results_kept_as_given(store) -> Iterator[None]:
    """Within it, GX's in-memory validation results store keeps the result objects it is given.

    Otherwise it serialises each result to JSON when it is stored and parses it again at each of the
    site builder's reads (72 for a month's 12 lists), to hand the renderers copies of objects that this
    module made and that nothing changes while the site is built: about a sixth of a Data Docs build.
    The pages come out the same (tests/test_validation.py).
    """
    store.serialize = store.deserialize = _as_given
    try:
        yield
    finally:
        del store.serialize, store.deserialize


def _as_given(value):
    return value
