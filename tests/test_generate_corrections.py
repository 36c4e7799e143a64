"""The demo generator's corrections between consecutive extracts, found the way an analyst would: by
comparing one month's workbook with the next, so that what a test finds can be checked by opening the two
workbooks. The tests of the four kinds fail on an inbox made with ``corrections=False``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_generate import _annex, _dates, _hashes, _sheet

from csc_report.cli import main
from csc_report.generate import generate_inbox

MONTHS = ["2013-04", "2013-05", "2013-06"]
PAIRS = list(zip(MONTHS, MONTHS[1:], strict=False))
EVENT_DATE = {
    1: "Date of Contact",
    3: "Date of referral",
    4: "Continuous Assessment Start Date",
    5: "Strategy discussion initiating Section 47 Enquiry Start Date",
}
#: Lists 7 and 8: (start, end) headers. List 6 is left out: a CIN case closed after its assessment and a
#: new referral's episode already follow each other in the simulation, without any correction.
EPISODES = {
    7: ("Child Protection Plan Start Date", "Child Protection Plan End Date"),
    8: ("Date Started to be Looked After", "Date Ceased to be Looked After "),
}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corrected")
    generate_inbox(out, end=MONTHS[-1], months=len(MONTHS), scale=0.3, seed=3)
    return out


def _events(root: Path, month: str, n: int) -> pd.DataFrame:
    """List n's rows as (child, d): the child's id as text (some cells are numbers) and the event date."""
    rows = _sheet(_annex(root, month), f"List_{n}")
    return pd.DataFrame(
        {"child": rows["Child Unique ID"].str.removesuffix(".0"), "d": _dates(rows[EVENT_DATE[n]])}
    )


def _gone(root: Path, n: int, earlier: str, later: str) -> pd.DataFrame:
    """Rows of the earlier extract dated in its own month (so still inside the later extract's six
    months) that the later extract does not have; ``later`` is the date of a row of the same child within
    14 days that the later extract has and the earlier had not (the same event re-dated), else NaT."""
    x, y = _events(root, earlier, n), _events(root, later, n)
    gone = _anti_join(x.loc[x["d"] >= pd.Timestamp(earlier)], y)
    pairs = gone.merge(_anti_join(y, x), on="child", suffixes=("", "_later"))
    near = pairs.loc[(pairs["d_later"] - pairs["d"]).abs() <= pd.Timedelta(days=14)]
    return gone.merge(near, how="left", on=["child", "d"]).rename(columns={"d_later": "later"})


def _anti_join(x: pd.DataFrame, y: pd.DataFrame) -> pd.DataFrame:
    """The (child, d) rows of x that y has not."""
    both = x.merge(y.drop_duplicates(), how="left", on=["child", "d"], indicator=True)
    return both.loc[both["_merge"] == "left_only", ["child", "d"]]


def _found(root: Path, n: int, kind) -> pd.DataFrame:
    """What ``kind`` finds in List n between each extract and the next."""
    return pd.concat([kind(root, n, a, b).assign(extracts=f"{a} -> {b}") for a, b in PAIRS])


def _redated(root, n, a, b):
    gone = _gone(root, n, a, b)
    return gone.loc[gone["later"].notna()]


def _deleted(root, n, a, b):
    gone = _gone(root, n, a, b)
    return gone.loc[gone["later"].isna()]


def test_referral_dates_fixed_in_the_next_extract(inbox):
    redated = _found(inbox, 3, _redated)
    assert len(redated) >= 1, "no referral shows one date in an extract and another in the next"


@pytest.mark.parametrize("n", [3, 4])
def test_records_entered_in_error_are_gone_from_the_next_extract(inbox, n):
    """A referral (List 3) or assessment (List 4) dated in the extract's month, so inside the next
    extract's six months, that the next extract no longer has, nor any row of that child near its date."""
    deleted = _found(inbox, n, _deleted)
    assert len(deleted) >= 1, f"List {n}: every in-scope row of each extract is still in the next"


def _duplicates_fixed(root: Path, pairs) -> list[tuple]:
    """(list, extracts, child, date) twice in one extract and once in the next, in Lists 1, 3, 4 and 5."""
    fixed = []
    for n in EVENT_DATE:
        for a, b in pairs:
            twice = _events(root, a, n).value_counts()
            once = _events(root, b, n).value_counts()
            keys = twice.index[twice == 2].intersection(once.index[once == 1])
            fixed += [(n, a, b, *key) for key in keys]
    return fixed


def _reopened(root: Path, pairs) -> list[tuple]:
    """(list, extracts, child) whose open plan or care period in one extract is replaced, in the next, by
    an open one that started during the next extract's month."""
    reopened = []
    for n, (start, end) in EPISODES.items():
        for a, b in pairs:
            x, y = (_sheet(_annex(root, m), f"List_{n}") for m in (a, b))
            both = x.loc[x[end].isna()].merge(y.loc[y[end].isna()], on="Child Unique ID")
            old, new = _dates(both[f"{start}_x"]), _dates(both[f"{start}_y"])
            changed = both.loc[(new != old) & (new >= pd.Timestamp(b)), "Child Unique ID"]
            reopened += [(n, a, b, child) for child in changed]
    return reopened


def test_duplicates_removed_at_source(inbox):
    """A (child, date) twice in one extract and once in the next, in any of Lists 1, 3, 4 and 5."""
    assert _duplicates_fixed(inbox, PAIRS), "no duplicated row of one extract appears once in the next"


def test_episode_closed_and_reopened_shows_only_the_new_one(inbox):
    """A child with an open plan or care period in one extract shows, in the next, only an open one that
    started during the next extract's month: the old one closed and a new one opened in between."""
    assert _reopened(inbox, PAIRS), "no open plan or care period is replaced by a new one in the next extract"


def test_missing_month_has_no_folder_and_leaves_the_others_alone(inbox, tmp_path):
    out = tmp_path / "gap"
    argv = f"generate --out {out} --end 2013-06 --months 3 --scale 0.3 --seed 3".split()
    assert main([*argv, "--missing-month", "2013-05"]) == 0
    assert sorted(p.name for p in (out / "874").iterdir()) == ["2013-04", "2013-06"]
    ours, full = _hashes(out), _hashes(inbox)
    assert ours == {k: v for k, v in full.items() if "2013-05" not in k}
    assert main([*argv, "--missing-month", "2013-01"]) == 2


def test_without_corrections_consecutive_extracts_agree(tmp_path):
    """The control of each kind: the fixture's inbox made again with --no-corrections, where none of the
    four finders above finds anything (so what they find in the fixture's inbox is the corrections)."""
    argv = f"generate --out {tmp_path} --end 2013-06 --months 3 --scale 0.3 --seed 3 --no-corrections"
    assert main(argv.split()) == 0
    for n in (3, 4):  # referrals re-dated, records entered in error
        assert _found(tmp_path, n, _redated).empty and _found(tmp_path, n, _deleted).empty, n
    assert _duplicates_fixed(tmp_path, PAIRS) == []  # duplicates removed at source
    assert _reopened(tmp_path, PAIRS) == []  # an episode closed and reopened
