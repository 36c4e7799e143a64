"""Who the children are and how long things take: each cohort's breakdowns (issue 36, point 1).

Inspectors ask about disproportionality and councils have an equality duty, so each cohort is broken
down by age band, sex, ethnic group and disability; DfE publishes referrals by source, ICPC timeliness
in bands and plan lengths in bands, so those are given the same way. Each breakdown counts the very rows
its cohort's figure counts (the row macro `rows_<cohort>`, which `csc-report explain` lists), joined to
their list row for the child's attributes, so its rows add up to the figure (tests/test_breakdowns.py).
The tables are stored with the month's other tables and published, suppressed under the public profile,
in the appendix, tables/<id>.csv and tables.xlsx (publish/tables.py TABLE_SPECS).

Age is in whole years at the date counted (the month end for a stock, the event date for an event), from
the month of birth the warehouse keeps: a child born in a later month than that date is unborn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NOT_RECORDED = ("not recorded", "Not recorded")


@dataclass(frozen=True)
class Dimension:
    key: str  # the table's key column
    header: str
    expr: str  # SQL giving the category, over r (the cohort's row) and l (its list row); {at} the date
    categories: tuple[tuple[str, str], ...]  # (category, description) in print order; every one shown
    per_child: bool = False  # counts children by how many of the cohort's rows each has (expr over k)


_AGE = "date_diff('month', l.dob, {at}) / 12"
AGE = Dimension(
    "age_band",
    "Age",
    f"""CASE WHEN l.dob IS NULL THEN 'not recorded' WHEN l.dob > {{at}} THEN 'unborn'
        WHEN {_AGE} < 1 THEN 'under 1' WHEN {_AGE} < 5 THEN '1-4' WHEN {_AGE} < 10 THEN '5-9'
        WHEN {_AGE} < 16 THEN '10-15' WHEN {_AGE} < 18 THEN '16-17' ELSE '18 and over' END""",
    (("unborn", "Unborn"), ("under 1", "Under 1"), ("1-4", "1 to 4"), ("5-9", "5 to 9"),
     ("10-15", "10 to 15"), ("16-17", "16 to 17"), ("18 and over", "18 and over")),
)  # fmt: skip
SEX = Dimension(
    "sex",
    "Sex",
    "coalesce(replace(l.gender, '_', ' '), 'not recorded')",  # codes.yaml's not_stated, in words
    (("male", "Male"), ("female", "Female"), ("neither", "Neither"), ("not stated", "Not stated or unborn")),
)
ETHNIC_GROUP = Dimension(
    "ethnic_group",
    "Ethnic group",
    """CASE WHEN l.ethnicity LIKE 'W%' THEN 'white' WHEN l.ethnicity LIKE 'M%' THEN 'mixed'
        WHEN l.ethnicity LIKE 'A%' THEN 'asian' WHEN l.ethnicity LIKE 'B%' THEN 'black'
        WHEN l.ethnicity IN ('CHNE', 'OOTH') THEN 'other' ELSE 'not known' END""",
    (("white", "White"), ("mixed", "Mixed or multiple ethnic groups"), ("asian", "Asian or Asian British"),
     ("black", "Black or Black British"), ("other", "Other ethnic groups (Chinese included)"),
     ("not known", "Refused, not yet obtained or not recorded")),
)  # fmt: skip
DISABILITY = Dimension(
    "disability",
    "Disability",
    "coalesce(l.disability, 'not recorded')",
    (("Y", "Disabled"), ("N", "Not disabled"), ("U", "Not known")),
)


def source(column: str) -> Dimension:
    """DfE's source groups (1 individual .. 10 unknown): the number a contact or referral source starts
    with (`1A` is group 1), from the list's own source column."""
    return Dimension(
        "source_group",
        "Source",
        f"coalesce(regexp_extract(l.{column}, '^([0-9]+)', 1), 'not recorded')",
        (("1", "Individual"), ("2", "Schools and education services"), ("3", "Health services"),
         ("4", "Housing"), ("5", "Local authority services"), ("6", "Police"), ("7", "Other legal agency"),
         ("8", "Other"), ("9", "Anonymous"), ("10", "Unknown")),
    )  # fmt: skip


SOURCE = source("referral_source")
CONTACT_SOURCE = source("contact_source")

ICPC_BANDS = Dimension(
    "working_days",
    "Working days from the S47 start",
    """CASE WHEN r.working_days <= 10 THEN '0-10' WHEN r.working_days <= 15 THEN '11-15'
        WHEN r.working_days <= 20 THEN '16-20' ELSE '21 or more' END""",
    (("0-10", "0 to 10"), ("11-15", "11 to 15"), ("16-20", "16 to 20"), ("21 or more", "21 or more")),
)
ASSESSMENT_BANDS = Dimension(
    "working_days",
    "Working days from the start to authorisation",
    """CASE WHEN r.working_days <= 10 THEN '0-10' WHEN r.working_days <= 20 THEN '11-20'
        WHEN r.working_days <= 30 THEN '21-30' WHEN r.working_days <= 45 THEN '31-45'
        ELSE '46 or more' END""",
    (("0-10", "0 to 10"), ("11-20", "11 to 20"), ("21-30", "21 to 30"), ("31-45", "31 to 45"),
     ("46 or more", "46 or more")),
)  # fmt: skip
REPEATS = Dimension(
    "times",
    "Times in the last 12 months",
    "CASE WHEN k >= 5 THEN '5 or more' ELSE CAST(k AS VARCHAR) END",
    (("1", "Once"), ("2", "Twice"), ("3", "3 times"), ("4", "4 times"), ("5 or more", "5 times or more")),
    per_child=True,
)


def length_bands(
    key: str, header: str, start: str, bands: tuple[tuple[str, str], ...], over: tuple[str, ...] = ()
) -> Dimension:
    """How long something open at the month end has been open, from `start` (a column of r): each band
    (its lower bound as a DuckDB interval, its name) holds what started on or before the month end less
    that interval, so a plan started exactly 2 years before the month end is in "2 years and over" (as
    cp_open_2yrs_plus counts it); a band named in `over` holds only what started before it (more than
    its lower bound, as DfE's "more than 3 months"). The bands go from the longest down, the shortest
    taking the rest."""
    whens = " ".join(f"WHEN r.{start} {'<' if name in over else '<='} CAST({{at}} - INTERVAL {lower} "
                     f"AS DATE) THEN '{name}'" for lower, name in bands[:-1])  # fmt: skip
    return Dimension(
        key,
        header,
        f"CASE {whens} ELSE '{bands[-1][1]}' END",
        tuple((name, name[0].upper() + name[1:]) for _, name in reversed(bands)),
    )


# DfE's bands of plans at 31 March (D5; its d5 file): 3 months or less, more than 3 months to 6 months,
# more than 6 months to less than 1 year, 1 year to less than 2 years, 2 years and over
PLAN_LENGTH = length_bands(
    "length",
    "Length of the plan at the month end",
    "cp_start",
    (("2 YEAR", "2 years and over"), ("1 YEAR", "1 to 2 years"), ("6 MONTH", "6 to 12 months"),
     ("3 MONTH", "3 to 6 months"), ("", "3 months or less")),
    over=("6 to 12 months", "3 to 6 months"),
)  # fmt: skip
# the current period of care: the start of the child's latest open period (rows_cla_open's cla_start)
CARE_LENGTH = length_bands(
    "length",
    "Length of the current period of care at the month end",
    "cla_start",
    (("5 YEAR", "5 years and over"), ("2 YEAR", "2 to 5 years"), ("1 YEAR", "1 to 2 years"),
     ("6 MONTH", "6 to 12 months"), ("", "under 6 months")),
)  # fmt: skip
# care leavers by year of age at the month end (rows_care_leavers' age_at_asat, as the 17-18 and 19-21
# figures take it): 17, 18, 19, 20, then 21 and over; a younger one (a relevant child of 16) is shown
LEAVER_AGE = Dimension(
    "age",
    "Age",
    """CASE WHEN r.age_at_asat IS NULL THEN 'not recorded' WHEN r.age_at_asat < 17 THEN 'under 17'
        WHEN r.age_at_asat >= 21 THEN '21 and over'
        ELSE CAST(CAST(r.age_at_asat AS INTEGER) AS VARCHAR) END""",
    (("under 17", "Under 17"), ("17", "17"), ("18", "18"), ("19", "19"), ("20", "20"),
     ("21 and over", "21 and over")),
)  # fmt: skip


@dataclass(frozen=True)
class Cohort:
    indicator_id: str  # its row macro is counted; the breakdown's total is this figure (or its denominator)
    list_id: str  # the list table the rows come from
    at: str  # SQL date the age is taken at: `$asat`, or a column of r
    what: str  # as a title says it
    count: tuple[str, str]  # the count column and its header
    section: str  # publish.layout section id whose appendix shows it
    total: str = "value"  # what the total equals: the figure's value or denominator, or its children
    rows: str = ""  # the table macro (la, m) of its rows when not the figure's own, `rows_<indicator_id>`

    @property
    def row_macro(self) -> str:
        return self.rows or f"rows_{self.indicator_id}"


CLA = Cohort("cla_open", "cla", "$asat", "Children looked after at the month end", ("children", "Children"),
             "looked-after")  # fmt: skip
CP = Cohort("cp_plans_open", "cp_plans", "$asat", "Children on a child protection plan at the month end",
            ("children", "Children"), "child-protection")  # fmt: skip
CIN = Cohort("cin_open", "cin", "$asat", "Children in need at the month end", ("children", "Children"),
             "children-in-need")  # fmt: skip
LEAVERS = Cohort("care_leavers", "care_leavers", "$asat", "Care leavers at the month end",
                 ("care_leavers", "Care leavers"), "leaving-care")  # fmt: skip
# age at the adoption order; in the appendix of children looked after (the paper has no adoption section)
ADOPTIONS = Cohort("adoptions_r12", "adoption", "r.adoption_order", "Children adopted in the last 12 months",
                   ("children", "Children"), "looked-after")  # fmt: skip
CONTACTS = Cohort("contacts", "contacts", "r.contact_date", "Contacts in the month", ("contacts", "Contacts"),
                  "referrals")  # fmt: skip
S47S = Cohort("s47_started", "s47", "r.s47_start", "Section 47 enquiries started in the month",
              ("enquiries", "Enquiries"), "child-protection")  # fmt: skip
REFERRALS = Cohort("referrals", "referrals", "r.referral_date", "Referrals in the month",
                   ("referrals", "Referrals"), "referrals")  # fmt: skip
# the ICPCs the timeliness figure judges (its denominator: those not dated before their S47 start)
ICPCS = Cohort("icpc_in_15wd_pct", "s47", "r.icpc_date", "ICPCs in the month", ("icpcs", "ICPCs"),
               "child-protection", total="denominator")  # fmt: skip
# the assessments the timeliness figures judge (their denominators: not authorised before the start)
CHILDREN = ("children", "Children")
# children with 1, 2, ... referrals (S47 enquiries) in the 12 months: the total is the children, not the
# figure, which counts each referral (sum of times x children)
# children with 1, 2, ... contacts in the 12 months (contacts_r12 in referrals.rows.sql): no figure counts
# them, so they are the cohort's only count; they exist when the month's contacts figure does
CONTACTED = Cohort("contacts", "contacts", "", "Children with a contact", CHILDREN, "referrals", "children",
                   rows="contacts_r12")  # fmt: skip
REFERRED = Cohort("referrals_r12", "referrals", "", "Children referred", CHILDREN, "referrals", "children")
S47_CHILDREN = Cohort("s47_rate_r12_per_10k", "s47", "", "Children with a section 47 enquiry", CHILDREN,
                      "child-protection", total="children")  # fmt: skip
ASSESSMENTS = ("assessments", "Assessments")
SINGLE = Cohort("assessments_in_45wd_pct", "assessments", "r.assessment_auth", "Single assessments completed",
                ASSESSMENTS, "assessments", total="denominator")  # fmt: skip
# assessments completed (authorised) in the month: single ones, and initial ones before 2014
COMPLETED = Cohort("assessments_completed", "assessments", "r.assessment_auth",
                   "Single assessments completed in the month", ASSESSMENTS, "assessments")  # fmt: skip
INITIAL = Cohort("initial_assessments_completed", "assessments", "r.assessment_auth",
                 "Initial assessments completed in the month", ASSESSMENTS,
                 "initial-assessments")  # fmt: skip
CORE = Cohort("core_assessments_in_35wd_pct", "assessments", "r.assessment_auth",
              "Core assessments completed", ASSESSMENTS, "assessments", total="denominator")  # fmt: skip


@dataclass(frozen=True)
class Breakdown:
    table_id: str
    cohort: Cohort
    dimension: Dimension

    @property
    def title(self) -> str:
        header = self.dimension.header
        return f"{self.cohort.what} by {header[0].lower()}{header[1:]}"

    def sql(self) -> str:
        """One query: the cohort's rows, their list row, counted by category; every category shown."""
        c, d = self.cohort, self.dimension
        return counts_sql((self,), f"category AS {d.key}, description, n AS {c.count[0]}")

    def cell_sql(self) -> str:
        """The cohort's rows behind one cell (the category `$category`), for `csc-report explain`: the
        rows the cell counts or, for a count of children by their number of rows, every row of the
        children the cell counts (with that number, `times`)."""
        c, d = self.cohort, self.dimension
        if d.per_child:
            macro = f"{c.row_macro}($la, $m)"
            return f"""SELECT r.*, k AS times FROM {macro} AS r JOIN {self._rows()} USING (child_id)
                WHERE {d.expr} = $category"""
        return f"SELECT r.* FROM {self._rows()} WHERE {d.expr.format(at=c.at)} = $category"

    def _rows(self) -> str:
        """The rows counted: each cohort row with its list row, or each child with its rows' count k."""
        macro = f"{self.cohort.row_macro}($la, $m)"
        if self.dimension.per_child:
            return f"(SELECT child_id, count(*) AS k FROM {macro} GROUP BY child_id)"
        return f"""{macro} AS r LEFT JOIN {self.cohort.list_id} AS l ON l.la_code = $la
            AND l.snapshot_month = r.snapshot_month AND l.source_row = r.source_row
            AND l.source_file IS NOT DISTINCT FROM r.source_file
            AND l.source_sheet IS NOT DISTINCT FROM r.source_sheet"""


def _all() -> tuple[Breakdown, ...]:
    people = (AGE, SEX, ETHNIC_GROUP)
    found = [Breakdown("contacts_by_source_group", CONTACTS, CONTACT_SOURCE),
             Breakdown("contacts_repeats_12_months", CONTACTED, REPEATS)]  # fmt: skip
    found += [Breakdown(f"referrals_by_{d.key}", REFERRALS, d) for d in (SOURCE, *people)]
    found.append(Breakdown("referrals_repeats_12_months", REFERRED, REPEATS))
    found += [Breakdown(f"initial_assessments_by_{d.key}", INITIAL, d) for d in (*people, DISABILITY)]
    found += [Breakdown(f"assessments_by_{d.key}", COMPLETED, d) for d in (*people, DISABILITY)]
    found.append(Breakdown("assessments_by_working_days", SINGLE, ASSESSMENT_BANDS))
    found.append(Breakdown("core_assessments_by_working_days", CORE, ASSESSMENT_BANDS))
    found += [Breakdown(f"cin_by_{d.key}", CIN, d) for d in (*people, DISABILITY)]
    found += [Breakdown(f"s47_by_{d.key}", S47S, d) for d in (*people, DISABILITY)]
    found.append(Breakdown("s47_repeats_12_months", S47_CHILDREN, REPEATS))
    found.append(Breakdown("icpcs_by_working_days", ICPCS, ICPC_BANDS))
    found.append(Breakdown("cp_by_plan_length", CP, PLAN_LENGTH))
    found += [Breakdown(f"cp_by_{d.key}", CP, d) for d in (*people, DISABILITY)]
    found.append(Breakdown("cla_by_length", CLA, CARE_LENGTH))
    found += [Breakdown(f"cla_by_{d.key}", CLA, d) for d in (*people, DISABILITY)]
    found += [
        Breakdown("care_leavers_by_age", LEAVERS, LEAVER_AGE),
        Breakdown("care_leavers_by_sex", LEAVERS, SEX),
    ]
    found += [Breakdown(f"adoptions_by_{d.key}", ADOPTIONS, d) for d in (AGE, SEX)]
    return tuple(found)


BREAKDOWNS = _all()
BY_ID = {b.table_id: b for b in BREAKDOWNS}


def named_together(tables: list[tuple[str, str]]) -> list[str]:
    """The titles of (table_id, title) as the paper names them, a cohort's breakdowns in a row as one
    ("Children in need at the month end by age, sex, ethnic group and disability"): the paper says what
    the appendix holds in a line or two, not a line per table."""
    groups: list[tuple[Cohort | None, str, list[str]]] = []
    for table_id, title in tables:
        b = BY_ID.get(table_id)
        if b is not None and groups and groups[-1][0] == b.cohort:
            groups[-1][2].append(b.dimension.header.lower())
        elif b is not None:
            groups.append((b.cohort, b.cohort.what, [b.dimension.header.lower()]))
        else:
            groups.append((None, title, []))
    return [f"{what} by {', '.join(by[:-1])} and {by[-1]}" if len(by) > 1 else f"{what} by {by[0]}" if by
            else what for _, what, by in groups]  # fmt: skip


def for_section(section: str) -> tuple[str, ...]:
    """The table ids a report section's appendix shows, in order (the month's flow with referrals)."""
    flow = (FLOW_ID,) if section == "referrals" else ()
    return flow + tuple(b.table_id for b in BREAKDOWNS if b.cohort.section == section)


FLOW_ID = "flow_in_month"
FLOW_TITLE = "The month's flow: each step and its number as a share of the step before"
# (step, its figures: rows counted; a step whose figures are all unavailable this month has no number)
FLOW = (
    ("Contacts", ("contacts",)),
    ("Referrals", ("referrals",)),
    ("Assessments completed", ("initial_assessments_completed", "assessments_completed")),
    ("Section 47 enquiries started", ("s47_started",)),
    ("Initial child protection conferences", ("icpcs",)),
    ("Child protection plans started", ("cp_plans_started",)),
)


def flow_sql(unavailable: set[str]) -> str:
    """Each step's number (the rows its figures count: initial or single assessments, whichever the
    layout has) and its share of the step before, in %; NULL where no figure of the step is available."""
    steps = []
    for n, (step, ids) in enumerate(FLOW):
        counts = [f"(SELECT count(*) FROM rows_{i}($la, $m))" for i in ids if i not in unavailable]
        steps.append(f"({n}, '{step}', {' + '.join(counts) if counts else 'NULL'})")
    return f"""
        WITH steps(position, step, number) AS (VALUES {", ".join(steps)})
        SELECT step, number,
            100.0 * number / nullif(lag(number) OVER (ORDER BY position), 0) AS share_of_previous_pct
        FROM steps ORDER BY position
    """


def counts_sql(group: tuple[Breakdown, ...], columns: str = "t, category, description, n") -> str:
    """One query for breakdowns that count the same rows (one cohort, all per row or all per child):
    the rows are read once and each breakdown's categories (`t`, its place in the group) counted, every
    category shown; `columns` names what is selected of t, category, description and n.

    A month computes its forty-odd breakdowns a cohort at a time: DuckDB's binding and planning of the
    cohort's row macro, not counting, was most of each query's cost."""
    at, rows = group[0].cohort.at, group[0]._rows()
    values = ", ".join(
        f"({t}, '{k}', '{v}', {n})"
        for t, b in enumerate(group)
        for n, (k, v) in enumerate((*b.dimension.categories, NOT_RECORDED))
    )
    categorised = ", ".join(f"{b.dimension.expr.format(at=at)} AS c{t}" for t, b in enumerate(group))
    counted = " UNION ALL ".join(
        f"SELECT {t} AS t, c{t} AS category, count(*) AS n FROM base GROUP BY ALL" for t in range(len(group))
    )
    return f"""
        WITH base AS MATERIALIZED (SELECT {categorised} FROM {rows}),
        categories(t, category, description, sort_order) AS (VALUES {values}),
        counted AS ({counted}),
        shown AS (
            SELECT t, category, coalesce(c.description, category) AS description, coalesce(n, 0) AS n,
                sort_order
            FROM categories AS c FULL JOIN counted USING (t, category)
            WHERE n > 0 OR category <> 'not recorded'
        )
        SELECT {columns} FROM shown ORDER BY t, coalesce(sort_order, 99), category
    """


def compute(con, params: dict, unavailable: set[str]) -> dict:
    """table_id -> the month's breakdown (DataFrame). A cohort whose figure is not available this month
    (its list or column absent, or a layout without it) has no breakdowns: no table, rather than a month
    of zeros (the figure's own row says why it is not available).

    `params`: indicators.month_parameters; `unavailable`: the ids of the figures without a value."""

    def run(sql: str):  # only the parameters the statement names: DuckDB refuses the others
        return con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})

    groups: dict[tuple[Cohort, bool], list[Breakdown]] = {}
    for b in BREAKDOWNS:
        if b.cohort.indicator_id not in unavailable:
            groups.setdefault((b.cohort, b.dimension.per_child), []).append(b)
    found = {}
    for group in groups.values():
        cells = run(counts_sql(tuple(group))).fetchnumpy()
        # each table's rows are a run of t (the query orders by it): cut the columns, not a DataFrame
        ends = np.searchsorted(cells["t"], range(len(group)), side="right")
        for t, b in enumerate(group):
            rows = slice(ends[t - 1] if t else 0, ends[t])
            columns = {b.dimension.key: "category", "description": "description", b.cohort.count[0]: "n"}
            found[b.table_id] = pd.DataFrame({name: cells[c][rows] for name, c in columns.items()})
    out = {b.table_id: found[b.table_id] for b in BREAKDOWNS if b.table_id in found}
    out[FLOW_ID] = run(flow_sql(unavailable)).df()  # every step unavailable: a table of NULLs, no parameters
    return out
