"""validate_extract on hand-made canonical tables (docs/architecture.md), one GX context for the session."""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime

import pandas as pd
import pyarrow as pa
import pytest
from csc_report.transforms.extract import Extract

from csc_report.errors import DataError
from csc_report.issues import Issue
from csc_report.validation import QUARANTINE_SCHEMA, gx_engine, validate_extract

ASAT = date(2024, 6, 30)
D = date.fromisoformat


@pytest.fixture(scope="session", autouse=True)
def gx_context():
    """Build the process-wide GX context once: importing GX alone costs about 4 s."""
    return gx_engine.context()


def table(
    rows: list[dict],
    *,
    rows_at: list[int] | None = None,
    file: str = "extract.xlsx",
    sheet: str = "List",
    types: dict[str, pa.DataType] | None = None,
) -> pa.Table:
    """A canonical table; source_row defaults to Excel rows 2, 3, ... (header in row 1)."""
    names = list(dict.fromkeys(k for r in rows for k in r))
    types = types or {}
    cols = {}
    for name in names:
        values = [r.get(name) for r in rows]
        cols[name] = pa.array(values, types.get(name))
        if cols[name].type == pa.null():
            cols[name] = cols[name].cast(pa.date32() if "date" in name or "end" in name else pa.string())
    cols["source_file"] = pa.array([file] * len(rows), pa.string())
    cols["source_sheet"] = pa.array([sheet] * len(rows), pa.string())
    cols["source_row"] = pa.array(rows_at or range(2, len(rows) + 2), pa.int64())
    return pa.table(cols)


def child(child_id: str | None = "C1", **extra) -> dict:
    return {
        "child_id": child_id,
        "gender": "female",
        "ethnicity": "WBRI",
        "dob": D("2015-05-01"),
        "age": 9,
        **extra,
    }


def validate(tables: dict[str, pa.Table], **kwargs):
    return validate_extract(Extract(tables=tables), ASAT, **kwargs)


def rows_failing(result, rule: str) -> list[int | None]:
    return sorted((i.row for i in result.issues if i.rule == rule), key=lambda r: (r is None, r))


# --- each rule: a failing and a passing row ----------------------------------------------------------

RULE_CASES = [
    # (list id, rule, good row, bad row)
    (
        "contacts",
        "child_id_present",
        child(contact_date=D("2024-06-01")),
        child(None, contact_date=D("2024-06-01")),
    ),
    (
        "contacts",
        "contact_date_not_in_future",
        child(contact_date=D("2024-06-30")),
        child("C2", contact_date=D("2024-07-01")),
    ),
    (
        "contacts",
        "contact_source_code",
        child(contact_date=D("2024-06-01"), contact_source="3A"),
        child("C2", contact_date=D("2024-06-01"), contact_source="Police"),
    ),
    (
        "contacts",
        "gender_code",
        child(contact_date=D("2024-06-01")),
        child("C2", contact_date=D("2024-06-01"), gender="M"),
    ),
    (
        "contacts",
        "age_in_range",
        child(contact_date=D("2024-06-01"), age=-1),
        child("C2", contact_date=D("2024-06-01"), age=26),
    ),
    (
        "contacts",
        "dob_not_in_future",
        child(contact_date=D("2024-06-01"), dob=D("2024-09-01"), age=-1),
        child("C2", contact_date=D("2024-06-01"), dob=D("2024-09-01"), age=0),
    ),
    (
        "early_help",
        "eh_end_not_before_eh_start",
        child(eh_start=D("2024-01-10"), eh_end=D("2024-01-10")),
        child("C2", eh_start=D("2024-01-10"), eh_end=D("2024-01-09")),
    ),
    (
        "referrals",
        "referrals_last_12m_non_negative",
        child(referral_date=D("2024-05-01"), referrals_last_12m=0),
        child("C2", referral_date=D("2024-05-01"), referrals_last_12m=-1),
    ),
    (
        "assessments",
        "assessment_auth_not_before_assessment_start",
        child(assessment_start=D("2024-05-01"), assessment_auth=D("2024-05-20")),
        child("C2", assessment_start=D("2024-05-01"), assessment_auth=D("2024-04-20")),
    ),
    (
        "assessments",
        "assessment_type_code",
        child(assessment_start=D("2024-05-01"), assessment_type="core"),
        child("C2", assessment_start=D("2024-05-01"), assessment_type="Core"),
    ),
    (
        "s47",
        "icpc_date_not_before_s47_start",
        child(s47_start=D("2024-05-01"), icpc_date=D("2024-05-15")),
        child("C2", s47_start=D("2024-05-01"), icpc_date=D("2024-04-15")),
    ),
    (
        "cin",
        "cin_end_not_before_cin_start",
        child(cin_start=D("2024-01-01"), cin_end=None),
        child("C2", cin_start=D("2024-01-01"), cin_end=D("2023-12-31")),
    ),
    (
        "cin",
        "primary_need_code",
        child(cin_start=D("2024-01-01"), primary_need="N0"),
        child("C2", cin_start=D("2024-01-01"), primary_need="N10"),
    ),
    (
        "cp_plans",
        "cp_end_not_before_cp_start",
        child(cp_start=D("2024-01-01"), cp_end=D("2024-03-01")),
        child("C2", cp_start=D("2024-01-01"), cp_end=D("2023-03-01")),
    ),
    (
        "cp_plans",
        "cp_start_not_before_birth",
        child(cp_start=D("2024-01-01"), dob=D("2024-03-01"), age=-1),  # unborn: plan before birth is normal
        child("C2", cp_start=D("2024-01-01"), dob=D("2024-03-01"), age=0),
    ),
    (
        "cp_plans",
        "previous_cp_plans_non_negative",
        child(cp_start=D("2024-01-01"), previous_cp_plans=2),
        child("C2", cp_start=D("2024-01-01"), previous_cp_plans=-2),
    ),
    (
        "cla",
        "cla_end_not_before_cla_start",
        child(cla_start=D("2024-01-01"), cla_end=D("2024-01-01")),
        child("C2", cla_start=D("2024-01-01"), cla_end=D("2023-01-01")),
    ),
    (
        "cla",
        "legal_status_code",
        child(cla_start=D("2024-01-01"), legal_status="V3"),
        child("C2", cla_start=D("2024-01-01"), legal_status="S20"),
    ),
    (
        "cla",
        "missing_episodes_non_negative",
        child(cla_start=D("2024-01-01"), missing_episodes=0),
        child("C2", cla_start=D("2024-01-01"), missing_episodes=-1),
    ),
    ("care_leavers", "activity_code", child(activity="F4"), child("C2", activity="NEET")),
    (
        "care_leavers",
        "pathway_review_date_not_in_future",
        child(pathway_review_date=D("2024-06-01")),
        child("C2", pathway_review_date=D("2025-06-01")),
    ),
    (
        "adoption",
        "no_longer_reason_code",
        child(adm_decision=D("2024-01-01"), no_longer_reason="RD4"),
        child("C2", adm_decision=D("2024-01-01"), no_longer_reason="RD5"),
    ),
    (
        "adopters",
        "adopter_id_present",
        {"adopter_id": "A1", "enquiry_date": D("2024-01-01")},
        {"adopter_id": None, "enquiry_date": D("2024-01-01")},
    ),
    (
        "adopters",
        "gender_code",
        {"adopter_id": "A1", "enquiry_date": D("2024-01-01"), "gender": "neither"},
        {"adopter_id": "A2", "enquiry_date": D("2024-01-01"), "gender": "other"},
    ),
    (
        "workforce",
        "agency_fte_non_negative",
        {"post_id": "P1", "establishment_fte": 1.0, "filled_fte": 1.0, "agency_fte": 0.0},
        {"post_id": "P2", "establishment_fte": 1.0, "filled_fte": 1.0, "agency_fte": -0.5},
    ),
    (
        "workforce",
        "filled_not_above_establishment",
        {"post_id": "P1", "establishment_fte": 1.0, "filled_fte": 1.0},
        {"post_id": "P2", "establishment_fte": 1.0, "filled_fte": 1.5},
    ),
    (
        "workforce",
        "agency_reason_code",
        {"post_id": "P1", "establishment_fte": 1.0, "filled_fte": 0.0, "agency_reason": "maternity"},
        {"post_id": "P2", "establishment_fte": 1.0, "filled_fte": 0.0, "agency_reason": "Maternity leave"},
    ),
]


@pytest.mark.parametrize(
    ("list_id", "rule", "good", "bad"), RULE_CASES, ids=[f"{c[0]}-{c[1]}" for c in RULE_CASES]
)
def test_rule_flags_the_bad_row_only(list_id, rule, good, bad):
    # 24 good rows and one bad one keep every failing share under the thresholds that stop the run.
    goods = [
        dict(good, **{k: f"{v}-{n}" for k, v in good.items() if k.endswith("_id") and v}) for n in range(24)
    ]
    result = validate({list_id: table([*goods, bad])})
    assert rows_failing(result, rule) == [26]
    assert result.errors == []


def test_same_day_referrals_of_one_child_are_one_referral():
    referrals = table(
        [
            child(referral_date=D("2024-05-01"), referral_source="6"),
            child(referral_date=D("2024-05-01"), referral_source="2A"),  # same child and day: the same event
            child(referral_date=D("2024-05-01"), referral_source="6"),  # row 2 again, exactly
            child("C2", referral_date=D("2024-05-01"), referral_source="6"),
        ]
    )
    result = validate({"referrals": referrals})
    # issue 34 overrides contract 1.2's "two referrals of one child on one day stay two" for Lists 3 and 5
    assert rows_failing(result, "exact_duplicate_row") == [4]
    assert rows_failing(result, "same_event_merged") == [3]
    assert rows_failing(result, "duplicate_natural_key") == []
    assert result.extract.tables["referrals"]["source_row"].to_pylist() == [2, 5]


def test_lists_6_to_9_hold_one_row_per_child():
    cin = table([child(f"C{n}", cin_start=D("2024-01-01")) for n in range(10)] + [child("C9")])
    result = validate({"cin": cin})
    assert rows_failing(result, "one_row_per_child") == [11, 12]
    assert result.errors == []


def test_open_cp_plan_child_missing_from_cin_is_a_warning():
    cp = table(
        [
            child(cp_start=D("2024-01-01")),
            child("C2", cp_start=D("2024-01-01")),
            child("C3", cp_start=D("2023-01-01"), cp_end=D("2023-06-01")),
        ]
    )
    cin = table([child(cin_start=D("2023-12-01"))])
    result = validate({"cp_plans": cp, "cin": cin})
    assert rows_failing(result, "open_cp_plan_not_on_cin") == [3]  # C2 open, not on CIN; C3 closed
    assert result.errors == []


def test_rows_are_excel_row_numbers_not_positions():
    contacts = table(
        [
            child(contact_date=D("2024-06-01")),
            child("C2", contact_date=D("2025-01-01")),
            child("C3", contact_date=D("2024-06-01")),
            child("C4", contact_date=D("2025-01-01")),
        ],
        rows_at=[7, 9, 12, 40],
        file="annex_a.xlsx",
        sheet="List 1",
    )
    result = validate({"contacts": contacts})
    issues = [i for i in result.issues if i.rule == "contact_date_not_in_future"]
    assert [(i.file, i.sheet, i.row) for i in issues] == [
        ("annex_a.xlsx", "List 1", 9),
        ("annex_a.xlsx", "List 1", 40),
    ]


# --- severity policy ---------------------------------------------------------------------------------


def test_reject_moves_the_row_to_quarantine():
    contacts = table(
        [child(f"C{n}", contact_date=D("2024-06-01")) for n in range(20)]
        + [child(None, contact_date=D("2024-06-01"))],
        sheet="List 1",
    )
    result = validate({"contacts": contacts})
    assert result.errors == []  # 1 of 21 rows is under the 5% that stops the run
    assert result.extract.tables["contacts"].num_rows == 20
    assert result.extract.tables["contacts"].column("child_id").null_count == 0
    assert result.rejected.schema == QUARANTINE_SCHEMA
    assert result.rejected.to_pylist() == [
        {
            "list_id": "contacts",
            "source_file": "extract.xlsx",
            "source_sheet": "List 1",
            "source_row": 22,
            "rule": "child_id_present",
            "message": "child identifier is empty",
        }
    ]
    assert [i.severity for i in result.issues if i.rule == "child_id_present"] == ["reject"]
    assert any(i.rule == "child_id_present" for i in result.extract.issues)


def test_warning_keeps_the_row():
    contacts = table(
        [
            child(contact_date=D("2024-06-01"), contact_source="99"),
            child("C2", contact_date=D("2024-06-01"), contact_source="6"),
        ]
    )
    result = validate({"contacts": contacts})
    assert [i.severity for i in result.issues if i.rule == "contact_source_code"] == ["warning"]
    assert result.errors == []  # 1 of 2 rows is not more than the default 50%
    assert result.extract.tables["contacts"].num_rows == 2
    assert result.rejected.num_rows == 0


def test_error_when_failing_share_is_above_threshold():
    contacts = table([child(None, contact_date=D("2024-06-01")), child("C2", contact_date=D("2024-06-01"))])
    result = validate({"contacts": contacts})
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.rule, error.row, error.column) == ("child_id_present", None, "child_id")
    assert "1 of 2 rows (50%)" in error.message
    with pytest.raises(DataError, match="child_id_present"):
        result.raise_for_errors()


def test_error_when_required_column_is_absent():
    result = validate({"contacts": table([{"contact_date": D("2024-06-01"), "age": 3}])})
    assert [(i.rule, i.severity) for i in result.errors] == [("child_id_column_present", "error")]
    assert "required column child_id is absent" in result.errors[0].one_line()


def test_absent_optional_column_skips_its_checks(monkeypatch):
    skipped = []
    run_suite = gx_engine.run_suite

    def spy(suite, table, columns, skip, asat):
        skipped.extend(skip)
        return run_suite(suite, table, columns, skip, asat)

    monkeypatch.setattr(gx_engine, "run_suite", spy)
    # present: child_id, gender, ethnicity, dob, age, assessment_start (a bad gender code among them);
    # absent, all optional: assessment_auth, disability, child_seen, assessment_outcome, assessment_type
    result = validate({"assessments": table([child(assessment_start=D("2024-05-01"), gender="zz")])})
    assert sorted(skipped) == [  # the checks that read an absent column (assessments.json), no other
        "assessment_auth_not_before_assessment_start",
        "assessment_auth_not_in_future",
        "assessment_outcome_code",
        "assessment_type_code",
        "child_seen_code",
        "disability_code",
    ]
    assert {i.rule for i in result.issues} == {"gender_code"}  # the checks on present columns ran


def test_severity_is_overridable_per_list(tmp_path):
    policy = tmp_path / "severity.yaml"
    policy.write_text(
        "default: {severity: warning, max_failing_share: null}\n"
        "lists:\n  contacts:\n    contact_source_code: {severity: reject}\n"
    )
    tables = {
        "contacts": table([child(contact_date=D("2024-06-01"), contact_source="99")]),
        "referrals": table([child(referral_date=D("2024-06-01"), referral_source="99")]),
    }
    result = validate(tables, severity_path=policy)
    assert result.rejected.column("list_id").to_pylist() == ["contacts"]
    assert [i.severity for i in result.issues if i.rule == "referral_source_code"] == ["warning"]


def test_expectation_that_errors_is_an_error_not_a_data_failure(tmp_path):
    # A reader bug (age typed as text) makes the range check crash inside GX rather than fail rows;
    # GX's exception message would quote the value, so only the exception class is reported.
    contacts = table([child(contact_date=D("2024-06-01"), age="PLANTED-ID-9921")])
    docs = tmp_path / "docs"
    result = validate({"contacts": contacts}, data_docs_dir=docs)
    errored = [i for i in result.issues if i.rule == "expectation_errored"]
    assert errored and all(i.severity == "error" for i in errored)
    assert "age_in_range" in errored[0].message
    assert not [i for i in result.issues if i.rule == "age_in_range"]
    assert result.errors
    rendered = "".join(p.read_text(errors="replace") for p in docs.rglob("*.html"))
    assert "details withheld" in rendered
    assert "PLANTED-ID-9921" not in rendered + "".join(i.message for i in result.issues)


def test_lists_without_a_suite_pass_through():
    other = table([{"x": "1"}])
    result = validate({"something_else": other})
    assert result.extract.tables["something_else"] is other
    assert result.issues == []


# --- no personal data out ----------------------------------------------------------------------------

PLANTED = ["PLANTED-ID-9921", "Zebedee Quarkfinder", "2009-03-17", "20090317", "17/03/2009", "ZZ9 9ZZ", "ZZ9"]


def planted_extract() -> Extract:
    """Every check fails on a row that holds the planted personal values."""
    person = {
        "child_id": "PLANTED-ID-9921",
        "dob": D("2009-03-17"),
        "age": 40,
        "gender": "X",
        "worker": "Zebedee Quarkfinder",
        "team": "Team A",
    }
    return Extract(
        tables={
            "cp_plans": table(
                [
                    dict(person, cp_start=D("2003-01-01"), cp_end=D("2002-01-01")),
                    dict(person, cp_start=D("2030-01-01")),
                ]
            ),
            "cla": table(
                [
                    dict(
                        person,
                        cla_start=D("2024-01-01"),
                        placement_postcode="ZZ9 9ZZ",
                        placement_type="ZZ9 9ZZ",
                    ),
                    dict(person, cla_start=D("2024-01-01"), placement_postcode="ZZ9 9ZZ"),
                ]
            ),
            "cin": table([dict(person, child_id=None, cin_start=D("2009-03-17"))]),
        }
    )


def test_issues_and_data_docs_hold_no_personal_values(tmp_path):
    docs = tmp_path / "data_docs"
    result = validate_extract(planted_extract(), ASAT, data_docs_dir=docs)
    failed = {i.rule for i in result.issues} | set(result.rejected.column("rule").to_pylist())
    assert len(failed) > 5  # many checks fail, so there is much to leak
    text = "\n".join(Issue.one_line(i) for i in result.issues)
    text += "\n".join(str(v) for v in result.rejected.to_pylist())
    files = [p for p in docs.rglob("*") if p.is_file()]
    assert (docs / "index.html").is_file() and any("validations" in p.parts for p in files)
    for path in files:
        text += path.read_bytes().decode("utf-8", errors="replace")
    for value in PLANTED:
        assert value not in text
    page = next(p for p in files if p.name == "cp_plans.html" and "validations" in p.parts).read_text()
    assert "source_row" in page  # failing rows are shown by Excel row number


def test_memoised_configurations_and_ids_change_no_outcome_and_end_with_the_validation(monkeypatch):
    """gx_engine reuses each expectation's configuration (GX rebuilds it ~60 times) and each metric id
    while a suite validates: every rule case gives the same issues and rejects with and without."""
    tables = {}
    for list_id, _, good, bad in RULE_CASES:
        tables.setdefault(list_id, []).extend([good, bad])
    extract = {list_id: table(rows) for list_id, rows in tables.items()}

    def found(result):
        return sorted(map(repr, result.issues)), result.rejected.to_pylist()

    memoised = found(validate(extract))
    assert len(memoised[0]) >= len(RULE_CASES)  # every bad row is found
    # after the validation, built afresh on every read
    memos = ("configurations", "expectations", "ids", "fingerprints")
    assert all(getattr(gx_engine._memo, name) is None for name in memos)
    monkeypatch.setattr(gx_engine, "_memoised", contextlib.nullcontext)
    assert found(validate(extract)) == memoised


def test_an_expectation_planned_from_a_configuration_is_built_once_and_only_while_planning(monkeypatch):
    """GX rebuilds the expectation from its configuration for each metric it plans: inside a validation
    the first is reused; outside, and for any other caller, each is built afresh."""
    gx_engine.context()
    from great_expectations.expectations import expectation as planner
    from great_expectations.expectations.core import ExpectColumnValuesToNotBeNull
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    planned = []
    read = ExpectColumnValuesToNotBeNull._get_runtime_kwargs

    def reading(self, runtime_configuration=None):
        planned.append(self)
        return read(self, runtime_configuration=runtime_configuration)

    monkeypatch.setattr(ExpectColumnValuesToNotBeNull, "_get_runtime_kwargs", reading)
    config = ExpectationConfiguration(type="expect_column_values_to_not_be_null", kwargs={"column": "a"})
    metric = "column_values.nonnull.unexpected_count"
    with gx_engine._memoised():
        inside = [planner.get_metric_kwargs(metric, config) for _ in range(2)]
        assert config.to_domain_obj() is not config.to_domain_obj()  # not planning a metric: fresh
    outside = [planner.get_metric_kwargs(metric, config) for _ in range(2)]
    assert inside == outside
    assert planned[0] is planned[1]
    assert planned[1] is not planned[2] and planned[2] is not planned[3]


def test_a_frames_fingerprint_is_hashed_once_inside_a_validation_and_equals_gxs(monkeypatch):
    """GX hashes the whole frame at every fetch of its batch: inside a validation once per frame (the
    value GX itself computes), outside on every call, and a frame changed since is hashed afresh."""
    gx_engine.context()
    from great_expectations.execution_engine import pandas_execution_engine as engine

    hashed = []
    real = pd.util.hash_pandas_object

    def counting(obj, *args, **kwargs):
        hashed.append(id(obj))
        return real(obj, *args, **kwargs)

    monkeypatch.setattr(pd.util, "hash_pandas_object", counting)
    frame, other = pd.DataFrame({"a": [1, 2, None]}), pd.DataFrame({"a": [1, 2, 3]})
    with gx_engine._memoised():
        inside = [engine.hash_pandas_dataframe(f) for f in (frame, frame, other, frame)]
    assert hashed == [id(frame), id(other)]
    outside = [engine.hash_pandas_dataframe(f) for f in (frame, other)]
    assert len(hashed) == 4
    assert inside == [outside[0], outside[0], outside[1], outside[0]]
    assert outside[0] != outside[1]
    with gx_engine._memoised():
        assert engine.hash_pandas_dataframe(frame) == outside[0]
    frame.loc[2, "a"] = 3  # a new validation sees the frame as it is now
    changed = engine.hash_pandas_dataframe(frame)
    assert changed != outside[0]
    with gx_engine._memoised():
        assert engine.hash_pandas_dataframe(frame) == changed


def test_the_ephemeral_contexts_configuration_stays_in_memory(monkeypatch):
    """Adding a list's asset and batch definition updates the context's configuration object and
    writes no serialised copy of it (GX 1.24 wrote the whole configuration as YAML for each)."""
    ctx = gx_engine.context()
    saved = []
    monkeypatch.setattr(type(ctx.variables), "save", lambda variables: saved.append(variables))
    source = gx_engine._state["source"]
    asset = source.add_dataframe_asset("config-in-memory")
    try:
        asset.add_batch_definition_whole_dataframe("whole")
        assert saved == []
        held = ctx.config.fluent_datasources["csc"].get_asset("config-in-memory")
        assert [b.name for b in held.batch_definitions] == ["whole"]
    finally:
        source.delete_asset("config-in-memory")


def test_plain_stand_ins_are_equal_only_for_values_that_serialise_alike():
    plain = gx_engine._plain
    assert plain({"column": "a", "batch_id": "b"}) == plain({"batch_id": "b", "column": "a"})  # key order
    assert plain({"n": [1, "x", None]}) == plain({"n": [1, "x", None]})
    apart = [(True, 1), (0.0, -0.0), (1, 1.0), ([1], (1,)), ("1", 1), ({"a": None}, {"a": "None"})]
    for one, other in apart:
        assert plain(one) != plain(other), (one, other)
    for not_plain in (date(2024, 1, 1), {1, 2}, {1: "a"}, {"a": [object()]}):
        with pytest.raises(gx_engine._NotPlain):
            plain(not_plain)


def docs_pages(directory) -> dict[str, str]:
    """Each Data Docs page, without what differs between any two builds (the site's name, GX's random
    element ids)."""
    varying = re.compile(r"run-[0-9a-f]{8}|collapse-body-[0-9a-f-]{36}")
    return {
        p.relative_to(directory).as_posix(): varying.sub("~", p.read_text())
        for p in sorted(directory.rglob("*.html"))
    }


class FrozenClock(datetime):
    """The time a Data Docs site is built, the same for both builds compared."""

    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 12, 3, 12, 0, tzinfo=tz)


def test_data_docs_from_results_kept_as_given_are_the_pages_gx_makes_from_its_own_copies(
    tmp_path, monkeypatch
):
    """While the site is built the results store hands the renderers the results themselves instead
    of JSON round trips; the pages are the same, and the store is as GX made it afterwards."""
    extract, results = planted_extract(), {}
    monkeypatch.setattr(gx_engine, "build_data_docs", lambda found, _: results.update(found))
    validate_extract(extract, ASAT, data_docs_dir=tmp_path / "unused")
    monkeypatch.undo()
    assert len(results) == 3
    monkeypatch.setattr(gx_engine, "datetime", FrozenClock)
    gx_engine.build_data_docs(results, tmp_path / "kept")
    store = gx_engine.context().validation_results_store
    assert "serialize" not in vars(store) and "deserialize" not in vars(store)
    assert store.list_keys() == []
    assert gx_engine.context().expectations_store.list_keys() == []  # the suites went with the results
    monkeypatch.setattr(gx_engine, "_results_kept_as_given", lambda _store: contextlib.nullcontext())
    gx_engine.build_data_docs(results, tmp_path / "copied")
    kept, copied = docs_pages(tmp_path / "kept"), docs_pages(tmp_path / "copied")
    assert len(kept) == 7 and kept == copied  # index, three suites, three results
