"""What Great Expectations 1.24 recomputes many times over in one validation, computed once.

Each patch is installed once per process (install_memos, from gx_engine.context) and acts only inside
`_memoised()`, on the thread validating a suite; everywhere else GX behaves as shipped. The pages and
results are unchanged (tests/test_validation.py); benchmarks/gx_memo.py measures what they save.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

# while a suite validates, on this thread: .configurations, id -> (expectation, its configuration);
# .expectations, id -> (configuration, the expectation built from it to plan a metric); .planning, True
# while GX plans a metric's keywords (_memoise_planned_expectations); .ids, plain content -> the id GX
# computes from it (_memoise_ids)
_memo = threading.local()


def install_memos(gx) -> None:
    """Install every memo below into the GX just imported."""
    _memoise_configuration(gx.expectations.Expectation)
    _memoise_planned_expectations()
    _memoise_ids()
    _memoise_fingerprints()
    _share_compiled_templates()


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


def _memoise_fingerprints() -> None:
    """Make a frame's batch fingerprint computed once while a suite is validated.

    GX 1.24 fetches the batch again for every `batch.validate` (a list's wide families, then its
    one-column checks) and each fetch hashes the whole frame, row by row, for the `pandas_data_fingerprint`
    batch marker: two to four hashes of one frame a list, a seventh of a clean month's validation. Inside
    `_memoised()` the frame's fingerprint is computed once; the frame is kept beside it, so its id cannot
    be reused, and nothing changes it while it is validated.
    """
    from great_expectations.execution_engine import pandas_execution_engine as engine

    fingerprint = engine.hash_pandas_dataframe

    def hash_pandas_dataframe(df):
        memo = getattr(_memo, "fingerprints", None)
        if memo is None:
            return fingerprint(df)
        if id(df) not in memo:
            memo[id(df)] = (df, fingerprint(df))
        return memo[id(df)][1]

    engine.hash_pandas_dataframe = hash_pandas_dataframe


@contextmanager
def _memoised():
    """Within: expectation configurations, the expectations planned from them, metric ids and frame
    fingerprints computed once (_memoise_configuration, _memoise_planned_expectations, _memoise_ids,
    _memoise_fingerprints). GX changes none of them during `batch.validate`."""
    _memo.configurations, _memo.expectations, _memo.ids, _memo.fingerprints = {}, {}, {}, {}
    try:
        yield
    finally:
        _memo.configurations = _memo.expectations = _memo.ids = _memo.fingerprints = None
