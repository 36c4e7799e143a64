"""The report author's words: `commentary.md`, one `## <section id>` heading per section.

Commentary is Markdown written by people, so headings are matched loosely (`Child protection`,
`child-protection`, `child_protection` are one key) and rendered with raw HTML disabled. Headings inside it
are demoted below the report's own section headings, so the HTML keeps one h1 and one h2 per section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

INTRODUCTION = "introduction"  # text before the first `## ` heading
DEMOTE_BY = 2
_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class Commentary:
    markdown: str
    html: Markup


def normalise_key(name: str) -> str:
    """`Re-referrals`, `re_referrals`, ` RE REFERRALS ` -> `re referrals`."""
    return re.sub(r"[\s_\-]+", " ", name).strip().lower()


def parse_commentary(path: Path) -> dict[str, str]:
    """Section heading (as written) -> its Markdown; text before the first heading is the `introduction`."""
    sections: dict[str, list[str]] = {INTRODUCTION: []}
    current = INTRODUCTION
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = _HEADING.match(line)
        if match:
            current = match.group(1).strip()
            sections.setdefault(current, [])
        else:
            sections[current].append(line)
    texts = {key: "\n".join(lines).strip() for key, lines in sections.items()}
    return {key: text for key, text in texts.items() if text}


def render(text: str) -> Commentary:
    """The text for both templates, headings demoted by DEMOTE_BY levels."""
    tokens = _MARKDOWN.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + DEMOTE_BY)}"
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    markdown = re.sub(
        r"^(#{1,6})(?=[ \t])", lambda m: "#" * min(6, len(m.group(1)) + DEMOTE_BY), text, flags=re.M
    )
    return Commentary(markdown, Markup(html))
