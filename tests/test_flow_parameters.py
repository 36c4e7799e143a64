"""The CLI's flows record their parameters as Prefect would, without importing FastAPI to do it."""

from __future__ import annotations

import enum
from pathlib import Path

import pytest
from csc_report.flows.monthly import backfill, monthly_report
from csc_report.flows.parameters import PlainParametersFlow
from prefect import Flow


class Layout(enum.StrEnum):
    PRE2014 = "pre2014"


# what `csc-report run` passes (flows/monthly.py's defaults included): plain JSON values
RUN = dict(
    la="874",
    inbox="/data/inbox",
    month="2013-06",
    warehouse="warehouse",
    outputs="outputs",
    key_file=None,
    profile="public",
    force=True,
    inbox_options={"host": "sftp.example", "port": 22, "paths": ["a", "b"], "nested": {"x": 1.5}},
    inbox_secret=None,
    wait=None,
    check_interval=21600.0,
    notify=["email/analysts"],
    notify_success=False,
)


def test_the_cli_flows_serialise_their_own_parameters():
    assert isinstance(monthly_report, PlainParametersFlow)
    assert isinstance(backfill, PlainParametersFlow)


def test_plain_parameters_are_recorded_as_prefects_encoder_records_them():
    ours = monthly_report.serialize_parameters(RUN)
    assert ours == Flow.serialize_parameters(monthly_report, RUN)
    assert ours["inbox_options"] is not RUN["inbox_options"]  # a copy, as jsonable_encoder makes


@pytest.mark.parametrize(
    "value, recorded",
    [
        (Layout.PRE2014, "pre2014"),  # an Enum (a str subclass) is recorded by its value
        ((1, 2), [1, 2]),  # a tuple becomes a list
        (Path("/data/inbox"), "/data/inbox"),
        ({"_sa_state": 1, "kept": 2}, {"kept": 2}),  # jsonable_encoder drops SQLAlchemy's "_sa" keys
        ({1: "a"}, {1: "a"}),
    ],
)
def test_anything_else_is_left_to_prefect(value, recorded):
    parameters = {**RUN, "inbox_options": value}
    ours = monthly_report.serialize_parameters(parameters)
    assert ours == Flow.serialize_parameters(monthly_report, parameters)
    assert ours["inbox_options"] == recorded
    assert type(ours["inbox_options"]) is type(recorded)  # a StrEnum equals its value, but is not JSON
