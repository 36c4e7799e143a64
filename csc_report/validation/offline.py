"""Data Docs that work offline: every script, stylesheet, font and image from files inside the site.

Great Expectations 1.x writes its Data Docs pages with jQuery, Bootstrap, bootstrap-table, Vega and Font
Awesome from public CDNs, and its logo from a cloud bucket (with a timestamp in the URL, so never
cached). On a council network with no internet access the index renders unstyled and its results table
stays empty, because JavaScript from the CDN builds it. GX has no setting for these URLs (its
templates name them), so after each build the pages are rewritten to point at copies shipped with the
product (`data_docs_assets/`, see its README) and at the logo GX itself copies into `static/images`.

More repairs while the pages are rewritten. GX's result pages sit a folder deeper than their links to
`static/` assume (their favicon pointed at nothing); such a link is pointed at the file in the site's
`static/`. And checks compare dates as yyyymmdd numbers (gx_engine.to_frame), which GX prints as
`20130630.0`: a number that is a calendar date in that form is shown as `2013-06-30`. And each page is
made as accessible as GX's markup allows (csc_report.validation.accessible).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from csc_report.permissions import copy_tree
from csc_report.validation.accessible import make_accessible

ASSETS = Path(__file__).with_name("data_docs_assets")
HOSTS = (
    "code.jquery.com", "cdnjs.cloudflare.com", "maxcdn.bootstrapcdn.com", "stackpath.bootstrapcdn.com",
    "unpkg.com", "cdn.jsdelivr.net", "great-expectations-web-assets.s3.us-east-2.amazonaws.com",
)  # fmt: skip
DATE_NUMBER = re.compile(r"\b((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:\.0+)?\b")
LINK = re.compile(r'((?:href|src)=")([^"#?:]+)')
REMOTE = re.compile(rf"https?://(?:{'|'.join(map(re.escape, HOSTS))})/[^\"'\s)]*")
# (how a URL's path ends, the shipped file under the site's static/ folder); versions as GX names them
LOCAL = (
    ("/jquery-3.7.1.min.js", "vendor/jquery.min.js"),
    ("/popper.js/1.12.9/umd/popper.min.js", "vendor/popper.min.js"),
    ("/bootstrap/4.3.1/css/bootstrap.min.css", "vendor/bootstrap.min.css"),
    ("/bootstrap/4.3.1/js/bootstrap.min.js", "vendor/bootstrap.min.js"),
    ("/dist/bootstrap-table.min.css", "vendor/bootstrap-table.min.css"),
    ("/dist/bootstrap-table.min.js", "vendor/bootstrap-table.min.js"),
    ("/bootstrap-table-filter-control.css", "vendor/bootstrap-table-filter-control.min.css"),
    ("/bootstrap-table-filter-control.min.css", "vendor/bootstrap-table-filter-control.min.css"),
    ("/bootstrap-table-filter-control.min.js", "vendor/bootstrap-table-filter-control.min.js"),
    ("/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css", "vendor/bootstrap-datepicker.min.css"),
    ("/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js", "vendor/bootstrap-datepicker.min.js"),
    ("/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css", "vendor/bootstrap-prefers-dark.min.css"),
    ("/npm/vega@5", "vendor/vega.min.js"),
    ("/npm/vega-lite@5", "vendor/vega-lite.min.js"),
    ("/npm/vega-embed@6", "vendor/vega-embed.min.js"),
    ("/font-awesome/6.6.0/css/all.min.css", "vendor/fontawesome/css/all.min.css"),
    ("/logo-long.png", "images/logo-long.png"),
    ("/full_logo_dark.png", "images/logo-long.png"),
)


def make_offline(site: Path) -> None:
    """Copy the shipped assets into `site` and point every page and stylesheet of it at them.

    A URL from those hosts that is not in LOCAL is left alone, so a new GX template shows up in the
    test that scans every output for remote loads rather than silently pointing at nothing.
    """
    site = Path(site)
    copy_tree(ASSETS, site / "static" / "vendor", skip_suffixes=(".md",))  # owner-only, as all outputs
    for path in [*site.rglob("*.html"), *(site / "static" / "styles").glob("*.css")]:
        static = Path(os.path.relpath(site / "static", path.parent)).as_posix()
        text = REMOTE.sub(lambda m, up=static: _local(m.group(0), up), path.read_text(encoding="utf-8"))
        if path.suffix == ".html":
            text = LINK.sub(lambda m, page=path: m.group(1) + _static_link(m.group(2), page, site), text)
            text = DATE_NUMBER.sub(lambda m: "-".join(m.groups()), text)
            text = make_accessible(text, static)
        path.write_text(text, encoding="utf-8")


def _static_link(link: str, page: Path, site: Path) -> str:
    """A relative link into `static/` that misses (GX counts one folder too few) made to hit."""
    if "static/" not in link or (page.parent / link).exists():
        return link
    target = site / "static" / link.split("static/", 1)[1]
    return Path(os.path.relpath(target, page.parent)).as_posix() if target.exists() else link


def _local(url: str, static: str) -> str:
    path = url.split("?", 1)[0]
    return next((f"{static}/{local}" for end, local in LOCAL if path.endswith(end)), url)
