"""Which published DfE figure each indicator is compared with, and when its reporting year ends.

Data, not logic: the mapping of issue 12. `build.py` reads these to extract the figures from DfE's files;
`lookup.py` reads them to choose the reporting year for a report month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ENGLAND = "E92000001"
# DfE's statistics files give London boroughs the sub-regions Inner and Outer London; the region an
# authority is compared with is London, as in LAIT.
SUBREGIONS = {"E13000001": "E12000007", "E13000002": "E12000007"}

# DfE's symbols for a figure that is not given (GSS conventions, as in the CSV files):
SYMBOLS = {
    "c": "suppressed",  # confidential: a small number
    "u": "low reliability",
    "x": "not available",
    "z": "not applicable",
}


def published(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(number or NaN, DfE symbol or '') from a column of published text; `x` for any other text."""
    text = column.astype(str).str.strip()
    number = pd.to_numeric(text, errors="coerce")
    status = np.where(number.isna(), text.str.lower().where(text.str.lower().isin(list("cuxz")), "x"), "")
    return number, pd.Series(status, index=column.index)


NOT_PUBLISHED = "not published"  # DfE published no such figure for that year
NOT_SHIPPED = "not in the shipped DfE data"  # DfE published it, but the reference data lack it


# First years DfE published (as reporting_year numbers them). The children in need census (referrals,
# assessments, S47s, ICPCs, CP plans) was first published for 2009-10; the looked-after statistics
# (SSDA903: CLA rate, care leavers' activity) long before, so every year a report covers; single
# assessments in 45 working days began in 2013-14; the social work workforce census on 30 September 2013.
CIN_CENSUS = 2010
SSDA903 = 2000
SINGLE_ASSESSMENTS = 2014
WORKFORCE = 2013


@dataclass(frozen=True)
class Measure:
    """A published counterpart of one indicator.

    `year_end_month`: 3 for DfE's reporting year ending 31 March (time_period 2013 = April 2012 to March
    2013); 9 for the workforce census taken at 30 September. `unit` is the published figure's unit, which
    may differ from the indicator's (the CP plans of two years or more are a count each month, a share of
    the plans at 31 March in DfE's tables).

    `first_year`: the first year DfE published the figure (as `reporting_year` numbers it). A year before
    it was never published; a later year missing from the shipped data was published but is not in them
    (LAIT, where the older years come from, starts in 2016), which the report says differently.

    `better`: "higher" or "lower" where one direction of the published figure is better (its polarity, by
    which authorities are ranked, rank.py); None for a figure of demand (a rate of referrals, of plans, of
    children looked after), which is high or low, neither better.
    """

    indicator_id: str
    unit: str
    what: str
    year_end_month: int = 3
    first_year: int = CIN_CENSUS
    better: str | None = None

    def missing(self, year: int) -> str:
        """What a cell says for a year with no figure in the shipped data."""
        return NOT_PUBLISHED if year < self.first_year else NOT_SHIPPED


MEASURES = (
    Measure("referral_rate_r12_per_10k", "rate_per_10k", "referrals per 10,000 children"),
    Measure("re_referrals_pct", "pct", "re-referrals within 12 months, % of referrals", better="lower"),
    Measure("re_referrals_r12_pct", "pct", "re-referrals within 12 months, % of referrals", better="lower"),
    Measure(
        "assessments_in_45wd_pct",
        "pct",
        "assessments completed within 45 working days, %",
        first_year=SINGLE_ASSESSMENTS,
        better="higher",
    ),
    Measure("s47_rate_r12_per_10k", "rate_per_10k", "section 47 enquiries per 10,000 children"),
    Measure("icpc_in_15wd_pct", "pct", "ICPCs within 15 working days of the S47 start, %", better="higher"),
    Measure("cp_rate_per_10k", "rate_per_10k", "children on a CP plan at 31 March per 10,000"),
    Measure(
        "cp_second_subsequent_pct",
        "pct",
        "plans starting that were a second or subsequent plan, %",
        better="lower",
    ),
    Measure(
        "cp_open_2yrs_plus",
        "pct",
        "plans open at 31 March that had lasted 2 years or more, %",
        better="lower",
    ),
    Measure(
        "cla_rate_per_10k", "rate_per_10k", "children looked after at 31 March per 10,000", first_year=SSDA903
    ),
    # Care leavers: DfE publishes those aged 19-21, so the report compares its 19-21 figures (contract 3.2).
    Measure(
        "care_leavers_19_21_neet_pct",
        "pct",
        "care leavers aged 19-21 not in education, employment or training, %",
        first_year=SSDA903,
        better="lower",
    ),
    Measure(
        "sw_vacancy_rate_pct", "pct", "social worker vacancy rate at 30 September, %", 9, WORKFORCE, "lower"
    ),
    Measure(
        "sw_agency_rate_pct", "pct", "agency social worker rate at 30 September, %", 9, WORKFORCE, "lower"
    ),
    Measure(
        "caseload_average",
        "decimal",
        "average caseload per social worker, 30 September",
        9,
        WORKFORCE,
        "lower",
    ),
    Measure(
        "care_leavers_19_21_suitable_accommodation_pct",
        "pct",
        "care leavers aged 19-21 in suitable accommodation, %",
        first_year=SSDA903,
        better="higher",
    ),
    # Contract 3.2's measures where LAIT publishes the same one (its first years as LAIT has them).
    Measure("cin_rate_per_10k", "rate_per_10k", "children in need at 31 March per 10,000"),  # demand
    Measure(
        "cp_reviews_in_time_pct",
        "pct",
        "CP cases due a review that were reviewed in time, %",
        better="higher",
    ),
    Measure(
        "cp_ended_2yrs_plus_r12_pct",
        "pct",
        "plans ceasing in the year that lasted 2 years or more, %",
        better="lower",
    ),
    Measure(
        "cla_health_in_date_pct",
        "pct",
        "children looked after 12 months with health checks, %",
        first_year=2018,
        better="higher",
    ),
    Measure(
        "cla_dental_in_date_pct",
        "pct",
        "children looked after 12 months with dental checks, %",
        first_year=2018,
        better="higher",
    ),
    Measure(
        "cla_missing_pct",
        "pct",
        "children looked after with a missing incident in the year, %",
        first_year=2016,
        better="lower",
    ),
    Measure(
        "cla_long_term_stability_pct",
        "pct",
        "children under 16 in care 2.5 years or more, in the same placement 2 years, %",
        first_year=2018,
        better="higher",
    ),
)
BY_ID = {m.indicator_id: m for m in MEASURES}


def reporting_year(month: str, measure: Measure) -> int:
    """The latest published year ending on or before the end of the report month, as DfE's time_period.

    June 2013 -> 2013 (the year ending 31 March 2013); February 2013 -> 2012. For the workforce census
    (30 September): June 2013 -> 2012.
    """
    year, mon = map(int, month.split("-")[:2])
    return year if mon >= measure.year_end_month else year - 1


def year_label(year: int, measure: Measure) -> str:
    """`2012-13` for a year ending 31 March 2013; `Sep 2012` for a census at 30 September 2012."""
    if measure.year_end_month == 3:
        return f"{year - 1}-{year % 100:02d}"
    return f"Sep {year}"


NEIGHBOURS_ON = "statistical neighbours on DfE's"  # how a neighbours' mean names its list


def neighbour_list(model: int, year: int) -> str:
    """The area of a neighbours' mean, naming its list: `statistical neighbours on DfE's 2021 list`,
    saying so when the list is later than the year it is used for (DfE's older lists are not shipped)."""
    name = f"{NEIGHBOURS_ON} {model} list"
    return name + (f" (DfE's lists before {model} are not in the shipped data)" if model > year else "")
