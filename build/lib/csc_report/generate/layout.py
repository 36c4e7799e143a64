"""Sheet titles and header rows, copied exactly from Ofsted's August 2019 Annex A template (and, for List 9
in the 2024 layout, from the 2024 variant). Trailing spaces and curly quotes are the template's own."""

from __future__ import annotations

LAYOUTS = ("pre2014", "2019", "2024")

_CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
_DISABILITY = ["Does the Child have a Disability"]
_ALLOCATED = ["Allocated Team", "Allocated Worker"]

#: Headers too long to repeat where the lists are built.
EPO = "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"
SUBSEQUENT = (
    "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"
)
MISSING = "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months"
ABSENT = "Number of Episodes the Child has been ‘Absent’ from their Placement in the last 12 months"

TITLES = {
    1: "List 1: Contacts",
    2: "List 2: Early Help",
    3: "List 3: Referral",
    4: "List 4: Assessments",
    5: "List 5: Section 47 enquiries and Initial Child Protection Conferences",
    6: "List 6: Children in Need",
    7: "List 7: Child protection",
    8: "List 8: Children in care",
    9: "List 9: Care leavers",
    10: "List 10: Adoption",
    11: "List 11: Adopters",
}

HEADERS_2019 = {
    1: _CHILD + ["Date of Contact", "Contact Source"],
    2: _CHILD + ["Assessment start date", "Assessment completion date", "Organisation completing assessment"],
    3: _CHILD
    + ["Date of referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months"]
    + _ALLOCATED,
    4: _CHILD
    + _DISABILITY
    + [
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children’s social care support",
    ]
    + _ALLOCATED,
    5: _CHILD
    + _DISABILITY
    + [
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
    ]
    + _ALLOCATED,
    6: _CHILD
    + _DISABILITY
    + [
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case status",
    ]
    + _ALLOCATED,
    7: _CHILD
    + _DISABILITY
    + [
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        EPO,
        "Number of Previous Child Protection Plans",
    ]
    + _ALLOCATED,
    8: _CHILD
    + ["Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"]
    + _DISABILITY
    + [
        "Date Started to be Looked After",
        "Child's Category of Need",
        SUBSEQUENT,
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After ",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "Placement Location",
        "LA of Placement",
        MISSING,
        ABSENT,
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    ]
    + _ALLOCATED,
    9: _CHILD
    + _DISABILITY
    + _ALLOCATED
    + [
        "Eligibility Category",
        "LA In Touch ",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ],
    10: [
        "Child Unique ID",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order ",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement",
    ],
    11: [
        "Individual adopter identifier",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Disability",
        "Is the (prospective) adopter fostering for adoption?",
        "Date enquiry received",
        "Date Stage 1 started",
        "Date Stage 1 ended",
        "Date Stage 2 started",
        "Date Stage 2 ended",
        "Date application submitted",
        "Date application approved",
        "Date adopter matched with child(ren)",
        "Date child/children placed with adopter(s)",
        "No. of children placed",
        "Date of Adoption Order",
        "Date of leaving adoption process",
        "Reason for leaving adoption process",
    ],
}

#: List 9 as in the 2024 variant: personal advisor, pathway plan review and latest contact added.
LIST_9_2024 = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
    "Does the Child have a Disability",
    "Allocated Team",
    "Allocated Worker",
    "Allocated Personal Advisor",
    "Eligibility Category",
    "Latest Pathway Plan Review Date",
    "LA in Touch",
    "Latest Date of Contact",
    "Type of Accommodation",
    "Suitability of Accommodation",
    "Activity Status",
]

#: Pre-2014 extracts distinguish initial and core assessments in List 4 (contract 1.1).
ASSESSMENT_TYPE = "Assessment Type"


def headers(list_no: int, layout: str) -> list[str]:
    """The header row of a list in the given layout."""
    if list_no == 9 and layout == "2024":
        return list(LIST_9_2024)
    cols = list(HEADERS_2019[list_no])
    if list_no == 4 and layout == "pre2014":
        cols.insert(cols.index("Continuous Assessment Start Date"), ASSESSMENT_TYPE)
    return cols
