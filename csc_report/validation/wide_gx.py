"""The wide check registered with Great Expectations: a metric and `expect_csc_family_to_pass`.

Imported only once GX is (gx_engine.context), since defining the classes registers them with GX. The
expectation is a `MulticolumnMapExpectation`: GX counts the rows whose row test (wide.passes) fails,
validates the success and renders it in Data Docs as one row per family, like any of its own.
"""

from __future__ import annotations

from typing import ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import MulticolumnMapMetricProvider
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)
from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer

from csc_report.validation import wide


class CscFamilyRowsPass(MulticolumnMapMetricProvider):
    """Row by row: does the row pass every check of the family (wide.spec each, wide.register's key)?"""

    condition_metric_name = "csc_family.rows_pass"
    condition_value_keys = ("checks_key",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, checks_key, **kwargs):
        return wide.passes(column_list, wide.registered(checks_key))


class ExpectCscFamilyToPass(MulticolumnMapExpectation):
    """Every row passes every check of one rule family of a csc-report suite (wide.py)."""

    family: str
    rules: list[str]  # the rule ids of its checks, for Data Docs
    checks_key: str  # its checks, registered (wide.register)
    ignore_row_if: str = "never"  # a row with every column empty is still checked (not-null above all)

    map_metric = "csc_family.rows_pass"
    success_keys: ClassVar[tuple[str, ...]] = ("checks_key", "mostly")
    args_keys = ("column_list",)
    library_metadata: ClassVar[dict] = {"maturity": "production", "tags": ["csc-report"]}

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None):
        """One line: the family, how many checks it holds, their rule ids and the bounds of its range
        checks (a date bound is a yyyymmdd number, shown as a date by offline.make_offline); never a
        value from the data."""
        kwargs = configuration.kwargs if configuration is not None else {}
        rules = kwargs.get("rules") or []
        try:
            checks = wide.registered(kwargs.get("checks_key"))
        except KeyError:  # a result rendered in another process: the rule ids alone
            checks = []
        text = f"{kwargs.get('family', '')}: every row passes {len(rules)} checks ({', '.join(rules)})"
        bounds = sorted(
            {
                f"{_shown(c['kwargs'].get('min_value'))} to {_shown(c['kwargs'].get('max_value'))}"
                for c in checks
                if c["type"] == "expect_column_values_to_be_between"
            }
        )
        if bounds:
            text += f"; ranges: {', '.join(bounds)}"
        return [
            RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={"template": "$text", "params": {"text": text}, "styling": {}},
            )
        ]


def _shown(bound) -> str:
    return "any" if bound is None else str(bound)
