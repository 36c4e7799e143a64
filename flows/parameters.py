"""Flows whose parameters reach the API without importing FastAPI into the client.

Prefect records a flow run's parameters as JSON, made with FastAPI's `jsonable_encoder`: a client that
talks to a running server (PREFECT_API_URL) imports FastAPI for that alone, about 0.2-0.3 CPU s of a
fresh `csc-report run`. The CLI's flows take only strings, numbers, booleans, None and plain lists and
dicts of them, which that encoder returns as they are (as new lists and dicts); `PlainParametersFlow`
writes those itself and hands any other value to Prefect's own encoding, so the run records the same
parameters either way.
"""

from __future__ import annotations

from typing import Any

from prefect import Flow

_SCALARS = (str, int, float, bool, type(None))


class _NotJSON(Exception):
    """A value `jsonable_encoder` might change: Prefect encodes the parameters instead."""


def _as_json(value: Any) -> Any:
    """`value` as `jsonable_encoder` returns it, for plain JSON values (exact types, so an Enum or a
    subclass goes to Prefect); dict keys starting "_sa" are dropped by that encoder, so they go too."""
    if type(value) in _SCALARS:
        return value
    if type(value) is list:
        return [_as_json(item) for item in value]
    if type(value) is dict and all(type(key) is str and not key.startswith("_sa") for key in value):
        return {key: _as_json(item) for key, item in value.items()}
    raise _NotJSON


class PlainParametersFlow(Flow):
    """A Prefect flow that serialises plain parameters without FastAPI (the module's docstring)."""

    def serialize_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        if not (self.ismethod or self.isclassmethod):
            try:
                return {key: _as_json(value) for key, value in parameters.items()}
            except _NotJSON:
                pass
        return super().serialize_parameters(parameters)


def flow(**options):
    """`prefect.flow(**options)`, making a PlainParametersFlow. (`with_options` would make a plain Flow
    again, which only costs the import back.)"""
    return lambda fn: PlainParametersFlow(fn=fn, **options)
