"""Rules that span two lists, in plain pyarrow: GX 1.24 cannot express them on in-memory frames."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from csc_report.validation.gx_engine import Outcome
from csc_report.validation.suites import Check

OPEN_CP_ON_CIN = Check(
    rule="open_cp_plan_not_on_cin",
    type="",
    message="child on an open CP plan is not on the CIN list (List 6 includes every child on a plan)",
    columns=("child_id",),
    needs=frozenset({"child_id", "cp_end"}),
)


def open_cp_plans_on_cin(tables: dict[str, pa.Table]) -> Outcome | None:
    """Every child on an open CP plan (no cp_end) should be on the CIN list; None when not checkable."""
    cp, cin = tables.get("cp_plans"), tables.get("cin")
    if cp is None or cin is None or "child_id" not in cp.column_names or "child_id" not in cin.column_names:
        return None
    is_open = pc.is_null(cp.column("cp_end")) if "cp_end" in cp.column_names else pa.repeat(True, cp.num_rows)
    on_cin = pc.is_in(cp.column("child_id"), value_set=pc.drop_null(cin.column("child_id")).combine_chunks())
    failing = pc.and_(pc.and_(is_open, pc.invert(on_cin)), pc.is_valid(cp.column("child_id")))
    positions = pc.indices_nonzero(pc.fill_null(failing, False)).to_pylist()
    return Outcome(OPEN_CP_ON_CIN, not positions, positions, None)
