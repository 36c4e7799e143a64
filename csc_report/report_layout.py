"""Which figures the committee paper shows: `config/report.yaml`, overridable per authority.

The paper keeps to committee length (at most 8 A4 pages) while the catalogue grows, so which figures
each section's table holds and which it charts is data that an authority changes, under `report:` in
`<inbox>/<la>/config.yaml`, without touching code; every other figure is in the scorecard. The file is
checked when it is read (a misspelt key would otherwise silently leave the default in force), but an
indicator id the catalogue does not hold is not an error here: publishing leaves it out and logs why, so a
layout naming measures still to come works today. Light (yaml only), so the CLI can check it early.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from csc_report.errors import UsageError
from csc_report.settings import CONFIG_DIR
from csc_report.yaml_files import YAMLError, read_yaml

LAYOUT_FILE = CONFIG_DIR / "report.yaml"
SECTION_KEYS = {
    "id": "the section's anchor (text)",
    "title": "its heading (text)",
    "aliases": "indicator sections and commentary headings it takes (a list of text)",
    "figures": "indicator ids of its table (a list)",
    "chart": "indicator ids charted as SPC panels (a list)",
    "rolling": "rolling 12-month ids charted as plain lines (a list)",
    "blocks": "further tables: a list of {title, figures}",
    "absent": "what replaced the section when the extract's layout never had it (text)",
}
LIST_KEYS = ("aliases", "figures", "chart", "rolling")


@dataclass(frozen=True)
class Block:
    """A further figures table under a section ("Practice")."""

    title: str
    figures: tuple[str, ...]


@dataclass(frozen=True)
class PaperSection:
    """One section of the paper as configured; None: the code's layout (publish/layout.py) decides."""

    id: str
    title: str | None = None
    aliases: tuple[str, ...] | None = None
    figures: tuple[str, ...] | None = None
    chart: tuple[str, ...] | None = None
    rolling: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    absent: str = ""

    @property
    def figure_ids(self) -> tuple[str, ...]:
        """Every indicator id the section names, in its table, chart or blocks."""
        ids = (*(self.figures or ()), *(self.chart or ()), *self.rolling)
        return ids + tuple(i for block in self.blocks for i in block.figures)


def load_layout(override: list | None = None, where: str = "report") -> tuple[PaperSection, ...]:
    """The packaged layout, with an authority's sections (already read from its config.yaml) over it."""
    sections = parse_sections(_read(LAYOUT_FILE).get("sections"), str(LAYOUT_FILE))
    if not override:
        return sections
    by_id = {section.id: section for section in sections}
    for raw, section in zip(override, parse_sections(override, where), strict=True):
        given = {key: getattr(section, key) for key in raw if key != "id"}
        by_id[section.id] = replace(by_id[section.id], **given) if section.id in by_id else section
    return tuple(by_id.values())


def parse_sections(raw, where: str) -> tuple[PaperSection, ...]:
    """Checked sections; UsageError naming `where` and the section for anything malformed."""
    if not isinstance(raw, list):
        raise UsageError(f"{where}: `sections` must be a list of sections ({_known()})")
    sections = tuple(_section(item, f"{where}: section {n}") for n, item in enumerate(raw, start=1))
    ids = [section.id for section in sections]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise UsageError(f"{where}: section id(s) given twice: {', '.join(twice)}")
    return sections


def _section(item, where: str) -> PaperSection:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"].strip():
        raise UsageError(f"{where}: each section needs an `id` ({_known()})")
    where = f"{where} ({item['id']})"
    unknown = sorted(str(key) for key in item if key not in SECTION_KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(unknown)} ({_known()})")
    for key in ("title", "absent"):
        if key in item and not isinstance(item[key], str):
            raise UsageError(f"{where}: `{key}` must be {SECTION_KEYS[key]}, got {item[key]!r}")
    lists = {key: _texts(item[key], f"{where}: `{key}`") for key in LIST_KEYS if key in item}
    blocks = item.get("blocks", [])
    if not isinstance(blocks, list) or not all(
        isinstance(b, dict) and set(b) == {"title", "figures"} and isinstance(b["title"], str) for b in blocks
    ):
        raise UsageError(f"{where}: `blocks` must be {SECTION_KEYS['blocks']}")
    return PaperSection(
        id=item["id"],
        title=item.get("title"),
        aliases=lists.get("aliases"),
        figures=lists.get("figures"),
        chart=lists.get("chart"),
        rolling=lists.get("rolling", ()),
        blocks=tuple(Block(b["title"], _texts(b["figures"], f"{where}: block `figures`")) for b in blocks),
        absent=item.get("absent", ""),
    )


def _texts(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(f"{where} must be a list of ids or names, got {value!r}")
    return tuple(value)


def _read(path: Path) -> dict:
    try:
        data = read_yaml(path)
    except (OSError, UnicodeDecodeError, YAMLError) as e:
        raise UsageError(f"{path}: cannot read the report layout: {' '.join(str(e).split())}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected `sections:` ({_known()})")
    return data


def _known() -> str:
    return "keys: " + "; ".join(f"{name}: {what}" for name, what in SECTION_KEYS.items())
