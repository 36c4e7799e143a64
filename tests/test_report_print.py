"""The June 2013 report of a generated authority as a committee gets it: printed on A4 by Chromium, it
is a paper of committee length, and its text (and its appendix's) names nothing by an internal id.

Both read the month the session's `demo` fixture publishes through the real flow (conftest.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DEMO_LA, DEMO_MONTHS

MAX_PAGES = 8  # issue 17: highlights, then per section its figures, one chart, the reading, the commentary
READER_PAGES = ("report.html", "report.md", "appendix.html", "appendix.md")
# the reviewers' pattern: an Annex A sheet name or a snake_case id (file names aside)
INTERNAL_ID = re.compile(r"\b(List_[0-9]+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b")
FILE_NAME = re.compile(r"[\w./-]+\.(?:csv|xlsx|md|html|yaml|svg)\b")
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")  # a page, not the /Pages tree


def reader_text(path: Path) -> str:
    """What a reader reads of a page: tags (and so attribute values) and file names taken out."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = re.sub(r"<style>.*?</style>", " ", text, flags=re.DOTALL)
        text = re.sub(r"<[^>]*>", " ", text)
    else:
        text = re.sub(r"\]\([^)]*\)", "]", text)  # Markdown link and image targets
    return FILE_NAME.sub(" ", text)


def reader_text_of(html: str) -> str:
    return FILE_NAME.sub(" ", re.sub(r"<[^>]*>", " ", html))


def internal_ids(text: str) -> set[str]:
    return set(INTERNAL_ID.findall(text))


def test_the_pattern_finds_what_reviewers_look_for():
    text = reader_text_of("<p>List_6 rows <b>missing_value</b>; see data_quality.csv and cla_open.</p>")
    assert internal_ids(text) == {"List_6", "missing_value", "cla_open"}
    assert internal_ids(reader_text_of("<p>List 6 (children in need): 38 rows had no Child ID</p>")) == set()


@pytest.fixture(scope="module")
def june(demo) -> Path:
    root, params, outcomes = demo
    out_dir = Path(params["outputs"]) / DEMO_LA / DEMO_MONTHS[-1]
    assert (out_dir / "report.html").is_file(), outcomes
    return out_dir


def test_reader_text_holds_no_internal_identifiers(june):
    found = {name: sorted(internal_ids(reader_text(june / name))) for name in READER_PAGES}
    assert found == {name: [] for name in READER_PAGES}


def test_report_prints_on_at_most_eight_a4_pages(june, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): the print test needs it to print")
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", (june / "report.html").as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pages = len(PAGE_OBJECT.findall(pdf.read_bytes()))
    assert 2 <= pages <= MAX_PAGES  # at least 2: a page count of 0 or 1 would mean a broken print
