"""Data Docs that a screen reader, a keyboard or low vision can use, as far as GX's markup allows.

Public bodies' pages must meet WCAG 2.2 AA, and the Data Docs go where the report goes. GX 1.x has no
setting for its templates, and forking them would tie the product to one GX release, so each page is
repaired after the build (offline.make_offline calls `make_accessible` on every page):

- `lang="en"` on `<html>` (GX writes none, so a screen reader guesses the language);
- the list items of a tab bar are presentation, so the tabs are the tab list's own children (GX's
  `<li class="nav-item">` inside `role="tablist"`, as Bootstrap's own documentation writes them);
- `accessible.css` (shipped in data_docs_assets/): links, buttons and active items in colours of at
  least 4.5:1 contrast, links in text underlined, page links at least 24 px across;
- `accessible.js`: the filter controls bootstrap-table builds in the index's table header are named by
  their column (they are made in the browser, so no rewrite of the file can name them).

What remains is GX's own (docs/operations.md lists it); tests/test_accessibility.py holds it there.
"""

from __future__ import annotations

import re

NO_LANG = re.compile(r"<html(?![^>]*\blang=)")
TABLIST = re.compile(r'(<ul[^>]*role="tablist"[^>]*>)(.*?)(</ul>)', re.DOTALL)
TAB_ITEM = '<li class="nav-item">'
TAB_ITEM_PRESENTATION = '<li class="nav-item" role="presentation">'


def make_accessible(page: str, static: str) -> str:
    """`page` (a Data Docs page's HTML) repaired; `static` is the site's static/ folder relative to it.
    Running it again changes nothing (a site is rewritten after every build)."""
    page = NO_LANG.sub('<html lang="en"', page, count=1)
    page = TABLIST.sub(
        lambda m: m.group(1) + m.group(2).replace(TAB_ITEM, TAB_ITEM_PRESENTATION) + m.group(3),
        page,
    )
    style = f'<link rel="stylesheet" href="{static}/vendor/accessible.css">'
    script = f'<script src="{static}/vendor/accessible.js"></script>'
    if style not in page:
        page = page.replace("</head>", f"{style}\n</head>", 1)
    if script not in page:
        page = page.replace("</body>", f"{script}\n</body>", 1)
    return page
