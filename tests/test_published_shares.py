"""England's published distribution beside the breakdowns (issue 36, point 1): the shipped shares worked
by hand from DfE's files, the columns a breakdown gains, and the breakdowns that gain none."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from test_publish_report import make_context

from csc_report import breakdowns
from csc_report.dfe import distributions, lookup
from csc_report.dfe.measures import ENGLAND
from csc_report.publish import publish_report
from csc_report.publish.published_shares import with_published_shares
from csc_report.publish.tables import breakdown_table


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return pd.read_parquet(lookup.PACKAGE_DATA / distributions.FILE)


def share(shipped: pd.DataFrame, table_id: str, category: str, area: str, year: int) -> float:
    row = shipped[
        (shipped["table_id"] == table_id)
        & (shipped["category"] == category)
        & (shipped["area_code"] == area)
        & (shipped["year"] == year)
    ]
    assert len(row) == 1, (table_id, category, area, year)
    return row["value"].iloc[0]


def test_shipped_shares_worked_by_hand_from_dfes_tables(shipped):
    # C5 (main tables 2018), England: 186,920 referrals from the police of 655,630 = 28.510%
    assert share(shipped, "referrals_by_source_group", "6", ENGLAND, 2018) == 28.51
    # C5, Peterborough (874): schools 429 + education services 85 = 514 of 2,618 (DfE's group 2 is both)
    # = 19.633%
    assert share(shipped, "referrals_by_source_group", "2", "874", 2018) == 19.63
    # c4, England 2017-18: 12,130 ICPCs within 0-10 working days of 79,470 ICPCs = 15.264%
    assert share(shipped, "icpcs_by_working_days", "0-10", ENGLAND, 2018) == 15.26
    # d5, England at 31 March 2018: DfE's own 30.2% of plans 3 months or less
    assert share(shipped, "cp_by_plan_length", "3 months or less", ENGLAND, 2018) == 30.2
    # A4, England: children in need of unknown ethnicity = 404,710 less 386,560 known = 18,150 = 4.485%
    assert share(shipped, "cin_by_ethnic_group", "not known", ENGLAND, 2018) == 4.48


def test_every_shipped_category_is_one_of_its_breakdowns_own(shipped):
    """A share whose category the breakdown does not have would never be shown: a silent mismatch."""
    for table_id, categories in shipped.groupby("table_id")["category"]:
        own = {key for key, _ in breakdowns.BY_ID[table_id].dimension.categories}
        assert set(categories) <= own, table_id


def test_ages_and_contacts_have_no_dfe_distribution(shipped):
    # DfE's last age band is "16 and over" against the breakdowns' 16-17 and 18 and over; DfE publishes
    # the sources of referrals, not of contacts: neither is compared
    assert not shipped["table_id"].str.contains("age_band|contacts").any()


def referrals_by_source() -> pd.DataFrame:
    b = breakdowns.BY_ID["referrals_by_source_group"]
    keys = [key for key, _ in b.dimension.categories] + ["not recorded"]
    return pd.DataFrame(
        {"source_group": keys, "description": keys, "referrals": [10, 40, 12, 0, 30, 50, 4, 6, 2, 1, 3]}
    )


def test_a_breakdown_gains_englands_and_the_authoritys_published_share():
    shares = distributions.for_report(lookup.PACKAGE_DATA, "874", "2018-06")
    sources = breakdown_table("referrals_by_source_group", referrals_by_source(), "public")
    table = with_published_shares(sources, shares)
    headers = {c.name: c.header for c in table.columns}
    assert headers["england_pct"] == "England %, 2017-18"
    assert headers["la_published_pct"] == "Peterborough published %, 2017-18"
    rows = table.frame.set_index("source_group")
    assert rows.loc["6", "england_pct"] == 28.51 and rows.loc["6", "la_published_pct"] == 31.51  # 825/2,618
    assert rows.loc["not recorded", "england_pct"] == "not published"
    assert rows.loc["Total", "england_pct"] is None  # DfE's shares are not summed
    assert set(rows["dfe_period"].dropna()) == {"2017-18"}


def test_a_breakdown_without_dfes_bands_is_left_as_it_is():
    shares = distributions.for_report(lookup.PACKAGE_DATA, "874", "2018-06")
    ages = pd.DataFrame({"age_band": ["under 1", "16-17"], "description": ["Under 1", "16 to 17"],
                         "referrals": [5, 7]})  # fmt: skip
    table = breakdown_table("referrals_by_age_band", ages, "public")
    assert with_published_shares(table, shares) is table
    assert "england_pct" not in [c.name for c in table.columns]


def test_the_year_is_the_latest_published_by_the_report_month():
    # June 2021 reads the year ending 31 March 2021; the C5 workbook holds 2018 only; a 2012 month, before
    # the shipped years, reads the earliest
    years = distributions.for_report(lookup.PACKAGE_DATA, "874", "2021-06").groupby("table_id")["year"].max()
    assert years["cp_by_plan_length"] == 2021 and years["referrals_by_source_group"] == 2018
    early = distributions.for_report(lookup.PACKAGE_DATA, "874", "2012-06").groupby("table_id")["year"].max()
    assert early["icpcs_by_working_days"] == 2013


@pytest.mark.slow
def test_the_appendix_csv_and_workbook_carry_the_england_column(tmp_path):
    tables = make_context().tables | {"referrals_by_source_group": referrals_by_source()}
    shares = distributions.for_report(lookup.PACKAGE_DATA, "874", "2013-06")
    # a demo authority with Peterborough's code: the authority's column is DfE's Peterborough, so named
    publish_report(make_context(la_name="Demo Borough", tables=tables, distributions=shares), tmp_path)
    html = (tmp_path / "appendix.html").read_text(encoding="utf-8")
    markdown = (tmp_path / "appendix.md").read_text(encoding="utf-8")
    for page in (html, markdown):
        assert "England %, 2017-18" in page and "Peterborough published %, 2017-18" in page
        assert "28.5%" in page
    csv = pd.read_csv(tmp_path / "tables" / "referrals_by_source_group.csv", dtype=str)
    assert csv.set_index("source_group").loc["6", ["england_pct", "la_published_pct"]].tolist() == [
        "28.51",
        "31.51",
    ]
    sheet = next(
        ws for ws in load_workbook(tmp_path / "tables.xlsx").worksheets if ws["A1"].value == "Source"
    )
    assert "England %, 2017-18" in [c.value for c in sheet[1]]
    cla = pd.read_csv(tmp_path / "tables" / "cla_by_legal_status.csv")
    assert "england_pct" not in cla.columns
