"""The README as a front door (issue 38 point 6): short enough to read in five minutes, its first code
block the two commands a new user runs, and every link from it to a file that exists, so that a page
moved into docs/ does not leave the front door pointing at nothing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# [text](target) links and `docs/<page>.md` / `benchmarks/...` paths named in code spans
LINK = re.compile(r"\]\(([^)\s]+)\)")
PATH = re.compile(r"`((?:docs|benchmarks|tests)/[^`\s]+\.(?:md|py|png))`")


def relative_targets(text: str) -> list[str]:
    """Every local file the text links to or names, without an #anchor."""
    found = LINK.findall(text) + PATH.findall(text)
    return [t.split("#")[0] for t in found if not re.match(r"[a-z]+://|mailto:|#", t)]


def test_a_link_to_a_missing_file_is_found():
    text = "see [the guide](docs/nowhere.md#top), `docs/inbox.md`, [web](https://example.org) and [a](#x)"
    assert relative_targets(text) == ["docs/nowhere.md", "docs/inbox.md"]


def test_every_file_the_readme_links_to_exists():
    targets = relative_targets(README.read_text(encoding="utf-8"))
    assert "docs/development.md" in targets  # the links are found at all
    assert [t for t in targets if not (ROOT / t).exists()] == []


def test_the_readme_is_short_and_opens_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    first_block = re.search(r"```[a-z]*\n(.*?)```", text, re.S).group(1)
    commands = first_block.strip().splitlines()
    assert len(commands) == 2
    assert commands[0].endswith("csc-report demo") and commands[1].endswith("-m pytest")
