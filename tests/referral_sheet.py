"""The Ofsted List 3 header row, shared by the reading and bad-input tests (imported: pytest puts tests/
on sys.path; not a test module of its own)."""

REFERRAL_HEADERS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of referral",
    "Referral Source",
    "Referral NFA?",
    "Number of Referrals in Last 12 Months",
    "Allocated Team",
    "Allocated Worker",
]
