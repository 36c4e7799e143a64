"""Every page a council publishes passes an accessibility check (issue 43): public bodies' websites and
the documents on them must meet WCAG 2.2 AA (Public Sector Bodies Accessibility Regulations 2018).

axe-core runs in the system's Chromium (tests/browser.py) with the WCAG 2.0/2.1/2.2 A and AA rules on
every HTML page a month and a region run write: the report, its appendix, the scorecard, the outputs
index and the regional report. The months: the demo's June 2013 (the session's `demo`, in the pre-2014
layout, with a trend behind every chart) and one month in each later generator layout (2019 and 2024),
published through the plain stages, with the region of those two authorities. Any violation fails,
naming page, rule and element.

Great Expectations' Data Docs are GX's own markup: the product repairs it after each build
(csc_report.validation.accessible) and axe finds nothing left on its three kinds of page (the index, a
suite's, a validation's), so they are held to none like the rest; docs/operations.md lists what an
automatic check cannot see.

Colour is never the only carrier of meaning: a RAG cell carries its word here, and the SPC markers differ
in shape as well as colour (tests/test_charts.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import Axe, Violation
from conftest import DEMO_LA, DEMO_MONTHS
from test_publish_report import make_context

from csc_report import region
from csc_report.generate import generate_inbox
from csc_report.month import run_month
from csc_report.publish import publish_report
from csc_report.settings import RunPaths
from csc_report.validation.accessible import make_accessible

MONTH_PAGES = ("report.html", "appendix.html", "scorecard.html")
# Great Expectations' three kinds of page (its markup, repaired by csc_report.validation.accessible):
# before the repairs, the index failed 8 rules on 28 elements (html-has-lang 1, label 3, select-name 3,
# aria-required-children 1, aria-required-parent 2, listitem 2, color-contrast 13, target-size 3), a
# suite's page 2 rules on 12 and a validation's page 3 on 17 (contacts, June 2013 at scale 0.1); now none
DATA_DOCS = ("data_docs/index.html", "data_docs/expectations/contacts.html", "data_docs/validations/contacts")
# one month in each generator layout after the demo's (pre2014); both authorities report the same month,
# as in a region where one has moved to the 2024 template and the other not yet
LAYOUT_MONTH = "2024-03"
LAYOUTS = {"2019": "921", "2024": "922"}


@pytest.fixture(scope="module")
def axe():
    checker = Axe()
    yield checker
    checker.close()


def listed(found: list[Violation]) -> str:
    return "\n".join(map(str, found))


@pytest.fixture(scope="module")
def layout_months(tmp_path_factory) -> RunPaths:
    """A month of each later layout for two authorities (scale 0.1), and the region of the two."""
    root = tmp_path_factory.mktemp("layouts")
    for seed, (layout, la) in enumerate(LAYOUTS.items(), 1):
        generate_inbox(
            root / "inbox", la_code=la, end=LAYOUT_MONTH, months=1, scale=0.1, seed=seed, layout=layout
        )
    paths = RunPaths(root / "inbox", root / "wh", root / "out", root / "secret.key")
    for la in LAYOUTS.values():
        outcome = run_month(paths, la, LAYOUT_MONTH)
        assert outcome.status == "done", outcome.message
    region.rebuild_and_publish(paths, list(LAYOUTS.values()), [LAYOUT_MONTH], "public")
    return paths


def page(month: Path, name: str) -> Path:
    """A page of the month; a validation's page by its suite (its folder names the run's time)."""
    if name.startswith("data_docs/validations/"):
        return next((month / name).rglob("*.html"))
    return month / name


@pytest.mark.slow
def test_every_page_of_the_demo_month_passes_axe(demo, axe):
    _root, params, _outcomes = demo
    outputs = Path(params["outputs"])
    month = outputs / DEMO_LA / DEMO_MONTHS[-1]
    pages = {f"{DEMO_LA}/{DEMO_MONTHS[-1]}/{name}": page(month, name) for name in MONTH_PAGES + DATA_DOCS}
    pages["index.html"] = outputs / "index.html"
    assert all(path.is_file() for path in pages.values()), pages
    found = [v for name, path in pages.items() for v in axe.violations(path, name)]
    assert not found, listed(found)


@pytest.mark.slow
def test_every_page_of_a_month_in_each_layout_and_of_the_region_passes_axe(layout_months, axe):
    outputs = layout_months.outputs
    pages = [
        f"{la}/{LAYOUT_MONTH}/{name}" for la in LAYOUTS.values() for name in (*MONTH_PAGES, DATA_DOCS[0])
    ]
    pages += ["index.html", f"region/{LAYOUT_MONTH}/region.html"]
    assert all((outputs / name).is_file() for name in pages), pages
    found = [v for name in pages for v in axe.violations(outputs / name, name)]
    assert not found, listed(found)


GX_PAGE = """<!DOCTYPE html>
<html>
  <head><title>Data Docs</title></head>
  <body>
  <ul class="nav"><li class="nav-item">a list of links stays a list</li></ul>
  <ul class="nav nav-tabs" id=tabs-nav role="tablist">
      <li class="nav-item">
        <a class="nav-link active" role="tab">Validation Results</a></li>
      <li class="nav-item">
        <a class="nav-link" role="tab">Expectation Suites</a></li>
  </ul>
  </body>
</html>"""


def test_data_docs_pages_get_a_language_tab_roles_and_the_repairs_once():
    page = make_accessible(GX_PAGE, "../static")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert page.count('<li class="nav-item" role="presentation">') == 2  # the tabs', not the list's
    assert '<ul class="nav"><li class="nav-item">a list' in page
    assert page.count('<link rel="stylesheet" href="../static/vendor/accessible.css">\n</head>') == 1
    assert page.count('<script src="../static/vendor/accessible.js"></script>\n</body>') == 1
    assert make_accessible(page, "../static") == page  # a site is rewritten after every build


# --- colour is never the only carrier of meaning -----------------------------------------------------

RAG_CELL = re.compile(r'<td class="rag rag-(\w+)">([^<]*)</td>')


def test_every_rag_cell_carries_its_word(tmp_path):
    publish_report(make_context(), tmp_path)
    for page in ("report.html", "scorecard.html"):
        cells = RAG_CELL.findall((tmp_path / page).read_text(encoding="utf-8"))
        assert {colour for colour, _ in cells} == {"red", "amber", "green"}, page  # the month has all three
        assert all(word == colour.capitalize() for colour, word in cells), (page, cells)
