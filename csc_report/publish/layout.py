"""The report's layout: its sections in the seed report's order, what each shows, and what it is called.

Which figures each section's table shows and charts, and the sections' order, are config/report.yaml
(csc_report/report_layout.py, joined to SECTIONS by publish/paper.py); SECTIONS keeps what readers do not
change: breakdowns, team and weekly charts, variants. A section with none of these (children in need) is
in config/report.yaml only; adoption is on no paper by default (a few orders a year, one chart would cost
the page the 8-page limit lacks): it is in the scorecard, and an authority's config.yaml adds it (docs/
report.md). A section takes the author's commentary under any of its aliases (compared by
commentary.normalise_key), and without configured figures every indicator whose `section` matches one.

The report is a paper of committee length: each section prints its figures table, one chart, the readings
and the author's commentary. Breakdowns (a table by code or team, the weekly referrals) go to the
appendix (`appendix.html`, `appendix.md`), under the section's title, and are linked from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from csc_report.breakdowns import for_section


@dataclass(frozen=True)
class TrendChart:
    """One chart of small panels over the trend's months, one series each (docs/spc.md).

    `indicator_ids`: monthly figures, each an SPC panel with its own limits; the first is the headline the
    reading is about. `rolling`: rolling 12-month figures, each a plain line panel (no limits, no rules).
    """

    indicator_ids: tuple[str, ...]
    rolling: tuple[str, ...] = ()


@dataclass(frozen=True)
class WeeklyChart:
    """Bars per week from a breakdown table with `week_start` and a count column."""

    table_id: str
    column: str
    label: str  # "Referrals": the reading says "Referrals in the week starting ..."


@dataclass(frozen=True)
class TeamChart:
    """Horizontal bars of one value per category from a breakdown table (total row left out)."""

    table_id: str
    category: str
    column: str
    what: str  # "average caseload": the reading says "Average caseload ranged from ..."


@dataclass(frozen=True)
class Variant:
    """One of several forms a section takes depending on which indicators have values."""

    title: str
    indicator_ids: tuple[str, ...]
    chart: TrendChart


@dataclass(frozen=True)
class SectionSpec:
    id: str
    title: str
    aliases: tuple[str, ...]
    charts: tuple[TrendChart | TeamChart, ...] = ()  # on the paper: one per section
    variants: tuple[Variant, ...] = ()  # shown: those with values, else the last (the current layout)
    appendix: tuple[str | WeeklyChart, ...] = ()  # breakdown tables (and weekly bars) in the appendix


SECTIONS = (
    SectionSpec(
        "referrals",
        "Referrals",
        ("referrals",),
        charts=(TrendChart(("referrals",), rolling=("referral_rate_r12_per_10k",)),),
        appendix=(WeeklyChart("referrals_weekly", "referrals", "Referrals"), *for_section("referrals")),
    ),
    SectionSpec(
        "re-referrals",
        "Re-referrals",
        ("re referrals", "rereferrals"),
        charts=(TrendChart(("re_referrals_pct",), rolling=("re_referrals_r12_pct",)),),
    ),
    SectionSpec(
        "initial-assessments",
        "Initial assessments",
        ("initial assessments",),
        charts=(TrendChart(("initial_assessments_in_10wd_pct",)),),
        appendix=for_section("initial-assessments"),
    ),
    SectionSpec(
        "assessments",
        "Assessments",
        ("assessments", "core assessments", "single assessments"),
        variants=(
            Variant(
                "Core assessments",
                ("core_assessments_completed", "core_assessments_in_35wd", "core_assessments_in_35wd_pct"),
                TrendChart(("core_assessments_in_35wd_pct",)),
            ),
            Variant(
                "Single assessments",
                ("assessments_completed", "assessments_in_45wd_pct"),
                TrendChart(("assessments_in_45wd_pct",)),
            ),
        ),
        appendix=for_section("assessments"),
    ),
    SectionSpec(
        "workforce", "Workforce", ("workforce",), charts=(TrendChart(("sw_vacancies_fte", "sw_agency_fte")),)
    ),
    SectionSpec(
        "child-protection",
        "Child protection plans",
        ("child protection", "child protection plans", "cp", "s47", "section 47"),
        charts=(TrendChart(("cp_plans_open", "s47_started")),),
        appendix=("cp_by_category", *for_section("child-protection")),
    ),
    SectionSpec(
        "looked-after",
        "Children looked after",
        ("looked after", "children looked after", "cla"),
        charts=(TrendChart(("cla_open", "cla_started")),),
        appendix=("cla_by_legal_status", "cla_by_placement_type", *for_section("looked-after")),
    ),
    SectionSpec(
        "leaving-care",
        "Leaving care",
        ("leaving care", "care leavers"),
        charts=(
            TrendChart(
                (
                    "care_leavers_in_touch_pct",
                    "care_leavers_suitable_accommodation_pct",
                    "care_leavers_neet_pct",
                )
            ),
        ),
        appendix=for_section("leaving-care"),
    ),
    SectionSpec(
        "caseloads",
        "Caseloads",
        ("caseloads", "caseload"),
        charts=(TeamChart("caseload_by_team", "team", "average_caseload", "average caseload"),),
        appendix=("caseload_by_team",),
    ),
    SectionSpec(
        "early-help",
        "Early help",
        ("early help", "early intervention"),
        charts=(TrendChart(("early_help_open",)),),
    ),
)

DATA_QUALITY = SectionSpec("data-quality", "Data quality", ("data quality",))  # its table: appendix
HIGHLIGHTS = "highlights"  # commentary key shown under the generated highlights

# Figures that measure the same thing (a count and its rate, a monthly figure and its rolling 12 months):
# they make one highlight between them, and a rolling figure's SPC is its family's first (monthly) figure's.
# A figure in no family is a family of its own.
FAMILIES = (
    ("referrals", "referrals_r12", "referral_rate_r12_per_10k"),
    ("re_referrals_pct", "re_referrals_r12_pct"),
    ("s47_started", "s47_rate_r12_per_10k"),
    ("core_assessments_in_35wd_pct", "core_assessments_in_35wd"),
    ("cp_plans_open", "cp_rate_per_10k"),
    ("cla_open", "cla_rate_per_10k"),
    ("sw_vacancy_rate_pct", "sw_vacancies_fte"),
    ("sw_agency_rate_pct", "sw_agency_fte"),
)
FAMILY = {indicator_id: family[0] for family in FAMILIES for indicator_id in family}
