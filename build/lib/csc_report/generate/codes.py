"""Code lists (exact Ofsted Annex A 2019 ``Codes_used`` strings) and the fictional vocabulary of the demo.

Each code list is a tuple of (value, weight): the weights give the demo LA a plausible mix (a shire/unitary
profile: neglect the commonest category, police the commonest referral source). Personal-looking values
(worker names, postcodes) are generated from fixed fictional lists so the output looks real enough for the
product's pseudonymisation to matter, yet names nobody.
"""

from __future__ import annotations

import numpy as np

LA_NAME = "Fenborough"

GENDER = (("a) Male", 50.5), ("b) Female", 48.4), ("c) Not stated/recorded", 1.0), ("d) Neither", 0.1))
ETHNICITY = (
    ("a) WBRI", 71.0),
    ("b) WIRI", 0.4),
    ("c) WIRT", 0.3),
    ("d) WOTH", 8.5),
    ("e) WROM", 1.2),
    ("f) MWBC", 2.4),
    ("g) MWBA", 0.9),
    ("h) MWAS", 1.1),
    ("i) MOTH", 2.0),
    ("j) AIND", 0.8),
    ("k) APKN", 4.6),
    ("l) ABAN", 0.3),
    ("m) AOTH", 1.2),
    ("n) BCRB", 0.4),
    ("o) BAFR", 1.8),
    ("p) BOTH", 0.4),
    ("q) CHNE", 0.2),
    ("r) OOTH", 0.9),
    ("s) REFU", 0.2),
    ("s) NOBT", 1.4),
)
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"
DISABILITY = ((YES, 6.0), (NO, 90.0), (UNKNOWN, 4.0))
SOURCE = (
    ("a) 1A: Individual", 5.0),
    ("b) 1B: Individual", 1.5),
    ("c) 1C: Individual", 1.0),
    ("d) 1D: Individual", 1.5),
    ("e) 2A: Schools", 15.0),
    ("f) 2B: Education services", 2.0),
    ("g) 3A: Health services", 3.0),
    ("h) 3B: Health services", 4.0),
    ("i) 3C: Health services", 1.0),
    ("j) 3D: Health services", 2.0),
    ("k) 3E: Health services", 3.0),
    ("l) 3F: Health services", 2.0),
    ("m) 4: Housing", 2.5),
    ("n) 5A: LA services", 4.0),
    ("o) 5B: LA services", 4.0),
    ("p) 5C: LA services", 2.0),
    ("q) 6: Police", 28.0),
    ("r) 7: Other legal agency", 4.0),
    ("s) 8: Other", 8.0),
    ("t) 9: Anonymous", 1.5),
    ("u) 10: Unknown", 5.0),
)
PRIMARY_NEED = (
    ("N1 - Abuse or neglect", 50.0),
    ("N2 - Child’s disability", 6.0),
    ("N3 - Parental disability or illness", 5.0),
    ("N4 - Family in acute stress", 11.0),
    ("N5 - Family dysfunction", 16.0),
    ("N6 - Socially unacceptable behaviour", 3.0),
    ("N7 - Low income", 1.0),
    ("N8 - Absent parenting", 4.0),
    ("N9 - Cases other than children in need", 3.0),
    ("N0 - Not stated", 1.0),
)
CLA_NEED = (
    ("N1 - Abuse or neglect", 60.0),
    ("N2 - Child’s disability", 3.0),
    ("N3 - Parental illness or disability", 4.0),
    ("N4 - Family in acute stress", 8.0),
    ("N5 - Family dysfunction", 13.0),
    ("N6 - Socially unacceptable behaviour", 2.0),
    ("N7 - Low income", 0.5),
    ("N8 - Absent parenting", 9.5),
)
CASE_STATUS = (
    "a) Looked after child",
    "b) Child Protection plan",
    "c) Child in need plan",
    "d) Open assessment",
    "e) Closed episode",
)
CIN_PLAN_CLOSURE = (
    ("RC7 - Services ceased for any other reason, including child no longer in need", 86.0),
    ("RC5 - Transferred to services of another local authority", 7.0),
    ("RC3 - Child arrangements order", 3.0),
    ("RC6 - Transferred to adult social care services", 2.0),
    ("RC4 - Special guardianship order", 2.0),
)
RC_NFA = "RC8 - Case closed after assessment, no further action"
ABUSE = (
    ("a) Neglect", 46.0),
    ("b) Physical abuse", 10.0),
    ("c) Sexual abuse", 5.0),
    ("d) Emotional abuse", 30.0),
    ("e) Multiple/not recommended", 9.0),
)
LEGAL_START = (
    ("V2: Single period under S20", 47.0),
    ("C1: ICO", 40.0),
    ("L1: Police protection LA accommodation", 4.0),
    ("L2: EPO", 4.0),
    ("J1: Remanded to LA or youth detention", 2.0),
    ("C2: FCO", 3.0),
)
SHORT_BREAKS = (
    ("V3: Short term breaks, episodes recorded", 40.0),
    ("V4: Short term breaks, agreements recorded", 60.0),
)
ICO, FCO, PLACEMENT_ORDER = "C1: ICO", "C2: FCO", "E1: Placement order"
PERMANENCE = (
    ("a) Return to family", 25.0),
    ("b) Adoption", 0.0),
    ("c) SGO/CAO", 11.0),
    ("d) Supported living in the community", 8.0),
    ("e) Long-term residential placement", 5.0),
    ("f) Long-term fostering", 36.0),
    ("g) other", 2.0),
    ("", 13.0),
)
ADOPTION_PLAN = "b) Adoption"
CEASED = (
    ("e) E4A: Returned home to live with parents or relatives - part of planning", 34.0),
    ("f) E4B: Returned home to live with parents or relatives - not part of planning", 5.0),
    ("g) E13: Parents, relatives or other with no parental responsibility", 4.0),
    ("h) E41: Residence order granted", 5.0),
    ("i) E45: Special Guardianship Orders - former carer relative/friend", 5.0),
    ("j) E46: Special Guardianship Orders - former carer other", 2.0),
    ("k) E47: Special Guardianship Orders - relative/friend", 5.0),
    ("l) E48: Special Guardianship Orders - other", 1.0),
    ("d) E3: Care taken by another LA", 3.0),
    ("p) E9: Sentenced to custody", 1.5),
    ("q) E14: Accommodation on remand ended", 2.0),
    ("s) E16: Child moved abroad", 1.0),
    ("t) E8: Care ceased for any other reason", 10.0),
)
CEASED_AT_18 = (
    ("m) E5: Moved into independent living - supported", 45.0),
    ("n) E6: Moved into independent living - no support", 15.0),
    ("o) E7: Transferred to residential care funded by adult social services", 5.0),
    ("t) E8: Care ceased for any other reason", 35.0),
)
ADOPTED = (("a) E11: Adopted - application unopposed", 70.0), ("b) E12: Adopted - consent dispensed", 30.0))
#: Reason for Closure (List 6) implied by the SSDA903 reason a period of care ended (others: RC7).
CLOSURE_FOR_CEASED = {
    "E11": "RC1 - Adopted",
    "E12": "RC1 - Adopted",
    "E41": "RC3 - Child arrangements order",
    "E45": "RC4 - Special guardianship order",
    "E46": "RC4 - Special guardianship order",
    "E47": "RC4 - Special guardianship order",
    "E48": "RC4 - Special guardianship order",
    "E3": "RC5 - Transferred to services of another local authority",
    "E7": "RC6 - Transferred to adult social care services",
}
PLACEMENT = (
    ("a) U1: Foster placement - relatives - long term", 4.0),
    ("c) U3: Foster placement - relative - not FFA", 7.0),
    ("d) U4: Foster placement - long term", 20.0),
    ("e) U5: Foster placement - FFA", 0.5),
    ("f) U6: Foster placement - not FFA", 38.0),
    ("k) P1: Placed with parents", 6.0),
    ("l) P2: Independent living", 2.0),
    ("n) H5: Residential accommodation", 5.0),
    ("o) K1: Secure Children’s Homes", 0.5),
    ("p) K2: Children’s Homes", 10.0),
    ("q) R1: Residential Care Home", 1.0),
    ("s) R3: Family Centre or Mother and Baby Unit", 1.5),
    ("t) R5: Young Offender Institution", 0.5),
    ("u) S1: Residential school", 1.5),
    ("v) Z1: Other placements", 1.0),
    ("w) T0: Temporary placement", 0.5),
    ("zz) T4: Temporary placement - seven days or less", 1.0),
)
PLACED_FOR_ADOPTION = (
    ("i) A5: Placed for adoption - order - foster", 30.0),
    ("j) A6: Placed for adoption - order - not foster", 70.0),
)
SHORT_BREAK_PLACEMENT = "p) K2: Children’s Homes"
PROVIDER = (
    ("a) PR0: Parents/Parental responsibility", 0.0),
    ("b) PR1: Own provision", 55.0),
    ("c) PR2: Other LA provision", 6.0),
    ("d) PR3: Other public provision", 2.0),
    ("e) PR4: Private provision", 32.0),
    ("f) PR5: Voluntary/third sector", 5.0),
)
PARENTS_PROVIDER = "a) PR0: Parents/Parental responsibility"
LOCATION_IN, LOCATION_OUT = "a) In", "b) Out"
NEIGHBOUR_LAS = (
    "Cambridgeshire",
    "Lincolnshire",
    "Northamptonshire",
    "Norfolk",
    "Leicestershire",
    "Rutland",
    "Bedford",
    "Suffolk",
    "Nottinghamshire",
    "Milton Keynes",
    "Hertfordshire",
)
#: Outward codes: the demo LA's own (PE) and those of the neighbours above, for out-of-area placements.
HOME_OUTWARD = ("PE1", "PE2", "PE3", "PE4", "PE6", "PE7", "PE8")
AWAY_OUTWARD = ("CB1", "CB4", "LN2", "NN1", "NN3", "NR3", "LE4", "LE15", "MK40", "IP1", "NG5", "SG1", "MK9")
ELIGIBILITY = (
    ("a) Relevant child", 10.0),
    ("b) Former relevant child", 85.0),
    ("c) Qualifying care leaver", 5.0),
)
IN_TOUCH = (
    ("a) Yes", 88.0),
    ("b) No", 5.0),
    ("c) Died", 0.2),
    ("d) Refu", 3.0),
    ("e) NREQ", 2.3),
    ("f) Rhom", 1.5),
)
ACCOMMODATION = (
    ("B: Parents/relatives", 14.0),
    ("C: Community home / residential care", 3.0),
    ("D: Semi-independent, transitional accommodation and self-contained accommodation", 18.0),
    ("E: Supported lodgings", 8.0),
    ("K: Ordinary lodgings, without formal support", 3.0),
    ("S: No fixed abode / homeless", 1.0),
    ("T: Foyers and similar supported accommodation", 6.0),
    ("U: Independent living", 32.0),
    ("V: Emergency accommodation", 1.0),
    ("W: Bed and breakfast", 1.0),
    ("X: In custody", 2.0),
    ("Y: Other accommodation", 3.0),
    ("Z: With former foster carers", 8.0),
)
SUITABLE, UNSUITABLE = "a) Suitable", "b) Unsuitable"
ACTIVITY = (
    ("F1: Full time in higher education", 6.0),
    ("P1: Part time in higher education", 1.0),
    ("F2: Full time in education other than higher", 24.0),
    ("P2: Part time in education other than higher", 4.0),
    ("F3: Full time in training or employment", 18.0),
    ("P3: Part time in training or employment", 7.0),
    ("G4: Not in education, employment or training - illness or disability", 6.0),
    ("G5: Not in education, employment or training - other", 26.0),
    ("G6: Not in education, employment or training - pregnancy or parenting", 8.0),
)
NO_LONGER_REASON = (
    ("RD1 - The child’s needs changed subsequent to the decision", 30.0),
    ("RD2 - The Court did not make a placement order", 25.0),
    ("RD3 - Prospective adopters could not be found", 30.0),
    ("RD4 - Any other reason", 15.0),
)
LEFT_ADOPTION_REASON = (
    ("1 - Adopter withdrew from process", 60.0),
    ("2 - Process put on hold", 25.0),
    ("3 - Application refused", 15.0),
)
ADOPTER_MALE, ADOPTER_FEMALE = "a) Male", "b) Female"
EARLY_HELP_ORGANISATIONS = (
    "Fenborough Children's Centre - Northfield",
    "Fenborough Children's Centre - Eastgate",
    "Fenborough Children's Centre - Riverside",
    "Targeted Family Support Service",
    "Fenborough Academy",
    "St Wilfrid's CE Primary School",
    "Fenborough Youth Service",
    "Health Visiting Team (Fenborough)",
    "Fenborough Community Housing",
)

FIRST_NAMES = (
    "Amelia",
    "Ben",
    "Chloe",
    "Daniel",
    "Ellie",
    "Faisal",
    "Grace",
    "Harry",
    "Imogen",
    "Jack",
    "Kirsty",
    "Liam",
    "Megan",
    "Nathan",
    "Olivia",
    "Priya",
    "Rachel",
    "Sam",
    "Tasha",
    "Usman",
    "Vicky",
    "Will",
    "Yasmin",
    "Zoe",
    "Adam",
    "Bethany",
    "Craig",
    "Dawn",
    "Emma",
    "Gary",
    "Hannah",
    "Ian",
    "Jo",
    "Karen",
    "Lee",
    "Michelle",
    "Nadia",
    "Owen",
    "Paula",
    "Rob",
    "Sarah",
    "Tom",
    "Agnieszka",
    "Tomasz",
    "Aisha",
)
#: Fictional surnames (Fenland place-sounding), so no generated worker is a real person.
SURNAMES = (
    "Applewold",
    "Brackenfen",
    "Cattermere",
    "Dunnidge",
    "Eelbrook",
    "Fenwright",
    "Gildersleeve",
    "Holmdyke",
    "Ivesworth",
    "Jessamy",
    "Kettleburgh",
    "Lodeway",
    "Marshbank",
    "Nenefield",
    "Oakhythe",
    "Pellowby",
    "Quayle-Fen",
    "Reedmarsh",
    "Sedgewick-Lowe",
    "Thornage",
    "Umberdyke",
    "Vossenby",
    "Wherrymoor",
    "Yaxleigh",
    "Ashdyke",
    "Barrowfen",
    "Coldharbour",
    "Drovemere",
    "Eastrea-Hill",
    "Flagwell",
    "Gunthorp",
    "Hythemoor",
    "Kingsdelph",
    "Lottingham",
    "Millfen",
    "Newborough-Cross",
    "Orbywell",
    "Padholme",
    "Ramsdyke",
    "Stanground-Lea",
    "Tydd",
    "Welland-Moss",
    "Whittlesmere",
)


def pick(rng: np.random.Generator, codes: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    """Draw n values from a weighted code list, as an object array ready to write."""
    values = np.array([c for c, _ in codes], dtype=object)
    weights = np.array([w for _, w in codes], dtype=float)
    return values[rng.choice(len(values), size=n, p=weights / weights.sum())]


def postcodes(rng: np.random.Generator, outward: np.ndarray) -> np.ndarray:
    """Full postcodes ("PE1 2AB") for the outward codes; inward letters skip C, I, K, M, O, V."""
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
    n = len(outward)
    digit = rng.integers(1, 10, n).astype(str)
    inward = np.char.add(np.char.add(digit, letters[rng.integers(0, 20, n)]), letters[rng.integers(0, 20, n)])
    return np.char.add(np.char.add(outward.astype(str), " "), inward).astype(object)
