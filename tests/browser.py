"""The system's Chromium, for the tests that look at pages as a reader's browser shows them: the print
test (page count on A4) and the accessibility test (axe-core). CI installs it with apt (.ci/run); where
it is absent those tests skip, saying so.

`Axe` runs axe-core (the engine of most accessibility audits) in that Chromium through Playwright. The
engine is the axe.min.js that the pinned `axe-playwright-python` package bundles (constraints.txt), so
nothing is fetched at run time, and Playwright drives the system's Chromium: its own browser download
(`playwright install`) is never needed.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

# the machine may have no network: without these Chromium floods the log with refused connections
QUIET = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what the Public Sector Bodies Accessibility Regulations ask
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chromium() -> str:
    """The path of the system's Chromium, or skip the test saying why."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): the test needs a real browser")
    return found


@dataclass(frozen=True)
class Violation:
    """One element that breaks one axe rule on one page."""

    page: str
    rule: str
    target: str
    summary: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} on {self.target}: {self.summary}"


class Axe:
    """One headless Chromium, one tab, for every page a test checks (starting a browser is the cost)."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe as Engine
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            browser = self._playwright.chromium.launch(executable_path=chromium(), args=QUIET)
        except BaseException:
            self._playwright.stop()
            raise
        self._browser = browser
        self._tab = browser.new_page()
        self._engine = Engine()

    def violations(self, page: Path, name: str | None = None) -> list[Violation]:
        """Every WCAG A/AA violation on `page` (a file), each element named by its CSS selector."""
        self._tab.goto(Path(page).resolve().as_uri(), wait_until="load")
        options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
        found = self._engine.run(self._tab, options=options).response["violations"]
        return [
            Violation(
                name or str(page),
                rule["id"],
                " ".join(map(str, node["target"])),
                _one_line(node["failureSummary"]),
            )
            for rule in found
            for node in rule["nodes"]
        ]

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
