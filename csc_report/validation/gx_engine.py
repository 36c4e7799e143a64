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
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from csc_report.catalogue import identifier_columns
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
# while a suite validates, on this thread: .configurations, id -> (expectation, its configuration);
# .expectations, id -> (configuration, the expectation built from it to plan a metric); .planning, True
# while GX plans a metric's keywords (_memoise_planned_expectations); .ids, plain content -> the id GX
# computes from it (_memoise_ids)
_memo = threading.local()


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
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # else GX tries to send usage events
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        ctx = gx.get_context(mode="ephemeral")
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
        for site, config in list((ctx.config.data_docs_sites or {}).items()):
            ctx.delete_data_docs_site(site)  # the default site points into a temp dir made for nothing
            shutil.rmtree(config["store_backend"]["base_directory"], ignore_errors=True)
        _memoise_configuration(gx.expectations.Expectation)
        _memoise_planned_expectations()
        _memoise_ids()
        _share_compiled_templates()
        _state["gx"] = gx
        _state["context"] = ctx
        _state["source"] = ctx.data_sources.add_pandas("csc")
        _state["batches"] = {}
    return _state["context"]


def _memoise_configuration(expectation_class) -> None:
    """Make `Expectation.configuration` computed once per expectation while a suite is validated.

    GX 1.24 rebuilds an expectation's configuration (a pydantic `dict()` of the whole model) on every
    read, and reads it once per keyword while planning metrics: about 60 rebuilds per expectation, 40%
    of a suite's validation time. Nothing changes an expectation during `batch.validate`, so inside
    `_memoised()` (on this thread only) the first configuration built is reused; anywhere
    else the property behaves exactly as GX wrote it.
    """
    build = expectation_class.configuration.fget

    def configuration(self):
        memo = getattr(_memo, "configurations", None)
        if memo is None:
            return build(self)
        if id(self) not in memo:  # the expectation is kept beside it, so its id cannot be reused
            memo[id(self)] = (self, build(self))
        return memo[id(self)][1]

    expectation_class.configuration = property(configuration, doc=expectation_class.configuration.__doc__)


def _memoise_planned_expectations() -> None:
    """Make the expectation GX rebuilds from a configuration to plan a metric built once per configuration
    while a suite is validated.

    GX 1.24's `get_metric_kwargs` turns the configuration back into an expectation (a pydantic model,
    validated field by field) for every metric it plans, only to read its runtime keywords: a demo
    month built 3,262 expectations, 1,172 of them again from a configuration planned before. Inside
    `_memoised()`, and only while GX plans a metric (`.planning`), the first one built is reused; every
    other caller, suites building their expectations above all, gets a fresh one as GX wrote it.
    """
    from great_expectations.expectations import expectation as planner
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    build, plan = ExpectationConfiguration.to_domain_obj, planner.get_metric_kwargs

    def to_domain_obj(self):
        memo = getattr(_memo, "expectations", None)
        if memo is None or not getattr(_memo, "planning", False):
            return build(self)
        if id(self) not in memo:  # the configuration is kept beside it, so its id cannot be reused
            memo[id(self)] = (self, build(self))
        return memo[id(self)][1]

    def get_metric_kwargs(*args, **kwargs):
        _memo.planning = True
        try:
            return plan(*args, **kwargs)
        finally:
            _memo.planning = False

    ExpectationConfiguration.to_domain_obj = to_domain_obj
    planner.get_metric_kwargs = get_metric_kwargs


def _share_compiled_templates() -> None:
    """Compile each Data Docs template once per process, not once per page.

    GX 1.24 gives every view (a page, a section, each content block) its own Jinja environment, so each
    Data Docs build parsed and compiled its templates again: about 50 compilations, a fifth of the
    build. Jinja's bytecode cache is the hook it offers for sharing compiled templates between
    environments; this one keeps them in memory, keyed by template and checked against the source's
    checksum as Jinja's own caches are. The pages rendered are unchanged.
    """
    from great_expectations.render.view.view import DefaultJinjaView
    from jinja2 import BytecodeCache

    class CompiledTemplates(BytecodeCache):
        def __init__(self) -> None:
            self.codes: dict = {}

        def load_bytecode(self, bucket) -> None:
            checksum, code = self.codes.get(bucket.key, (None, None))
            if checksum == bucket.checksum:
                bucket.code = code

        def dump_bytecode(self, bucket) -> None:
            self.codes[bucket.key] = (bucket.checksum, bucket.code)

    compiled = CompiledTemplates()
    build = DefaultJinjaView.__init__

    def __init__(self, *args, **kwargs) -> None:
        build(self, *args, **kwargs)
        self.env.bytecode_cache = compiled

    DefaultJinjaView.__init__ = __init__


class _NotPlain(Exception):
    """A value that _plain cannot stand for exactly."""


def _plain(value):
    """A hashable stand-in for a JSON-like value, equal only for values that serialise alike: each
    scalar tagged with its type (True and 1 stay apart), floats by repr (0.0 and -0.0 too). Anything
    else raises _NotPlain."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return kind, value
    if kind is float:
        return kind, repr(value)
    if kind is list or kind is tuple:
        return kind, tuple(map(_plain, value))
    if isinstance(value, dict) and all(type(key) is str for key in value):
        return dict, tuple(sorted((key, _plain(item)) for key, item in value.items()))
    raise _NotPlain


def _memoise_ids() -> None:
    """Make `IDDict.to_id` computed once per distinct content while a suite is validated.

    GX 1.24 names every metric it plans by the md5 of its keyword arguments made JSON-serialisable
    (`convert_to_json_serializable`, a chain of isinstance tests per value): about 13,000 ids a month,
    a fifth of a suite's validation time, most of them the same few domains (a batch and a column) again.
    Inside `_memoised()` an id is looked up by `_plain` content, exactly: keyword values that are not
    plain JSON types are left to GX, as is every id asked for outside a validation.
    """
    from great_expectations.core.id_dict import IDDict

    compute = IDDict.to_id

    def to_id(self, id_keys=None, id_ignore_keys=None):
        memo = getattr(_memo, "ids", None)
        if memo is None or id_keys is not None or id_ignore_keys is not None:
            return compute(self, id_keys, id_ignore_keys)
        try:
            key = type(self), _plain(self)
        except _NotPlain:
            return compute(self)
        if key not in memo:
            memo[key] = compute(self)
        return memo[key]

    IDDict.to_id = to_id


@contextmanager
def _memoised():
    """Within: expectation configurations, the expectations planned from them and metric ids computed
    once (_memoise_configuration, _memoise_planned_expectations, _memoise_ids). GX changes none of them
    during `batch.validate`."""
    _memo.configurations, _memo.expectations, _memo.ids = {}, {}, {}
    try:
        yield
    finally:
        _memo.configurations = _memo.expectations = _memo.ids = None


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

    GX reports failing rows by the frame's own index (the row's position): asking it for
    `unexpected_index_column_names` instead costs a Python lookup per failing row (seconds on a broken
    file), so positions are mapped to Excel row numbers here, from the Arrow table.
    """
    ctx = context()
    gx = _state["gx"]
    expectations = [e for e in suite.spec["expectations"] if e["meta"]["rule"] not in skip]
    gx_suite = gx.ExpectationSuite(
        name=suite.list_id,
        expectations=expectations,
        meta=suite.spec.get("meta"),
        notes=suite.spec.get("notes"),
    )
    frame = to_frame(table, columns)
    batch = _batch_definition(ctx, suite.list_id).get_batch(batch_parameters={"dataframe": frame})
    parameters = {"asat": yyyymmdd(asat)}
    # Two passes. GX's cost is per expectation, not per row (~8 ms each, whatever the table's size), and
    # COMPLETE makes every expectation, passing ones included, plan and resolve the metrics for failing
    # row indices too. BASIC settles success and the counts Data Docs show (a third cheaper for a month
    # at --scale 10); only the few expectations that failed are run again for their rows.
    with _memoised():
        result = batch.validate(
            gx_suite, result_format={"result_format": "BASIC"}, expectation_parameters=parameters
        )
        failed = {
            r.expectation_config.meta["rule"]
            for r in result.results
            if not r.success and not _exception_class(r.exception_info)
        }
        if failed:
            detail = batch.validate(
                gx.ExpectationSuite(
                    name=suite.list_id,
                    expectations=[e for e in expectations if e["meta"]["rule"] in failed],
                ),
                result_format={"result_format": "COMPLETE", "return_unexpected_index_query": False},
                expectation_parameters=parameters,
            )
            complete = {r.expectation_config.meta["rule"]: r for r in detail.results}
            result.results = [complete.get(r.expectation_config.meta["rule"], r) for r in result.results]
    source_rows = table.column(ROW).to_numpy()
    outcomes = [_outcome(r, suite, source_rows) for r in result.results]
    return result, outcomes


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
