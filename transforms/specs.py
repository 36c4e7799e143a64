"""Load `config/lists.yaml` and `config/codes.yaml` (plus an LA's alias file) into lookup structures.

Aliases and code spellings are configuration, not code (contract 1.1): this module checks their shape
once, normalises every alias and spelling with the same functions used on the data, and builds the exact
lookup dictionaries that matching uses. A malformed file is a `UsageError` naming the file and the key,
never a traceback in the middle of reading a workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from csc_report.transforms.text import normalise_code, normalise_header, normalise_sheet_name

from csc_report.errors import UsageError
from csc_report.settings import CONFIG_DIR
from csc_report.yaml_files import YAMLError, read_yaml

LISTS_FILE = CONFIG_DIR / "lists.yaml"
CODES_FILE = CONFIG_DIR / "codes.yaml"

PLAIN_TYPES = {"id", "worker", "dob", "postcode", "date", "int", "float", "text"}
COLUMN_KEYS = {"type", "personal", "required", "aliases", "patterns", "floor_fractions"}
LIST_KEYS = {"number", "label", "history_key", "sheets", "common", "columns"}
# Personal-data kinds (contract section 4). A column of a personal type must declare its kind, and only
# a text column may be a name (recognised, then dropped before the warehouse).
PERSONAL_KINDS = ("identifier", "dob", "postcode", "name")
PERSONAL_BY_TYPE = {"id": "identifier", "worker": "identifier", "dob": "dob", "postcode": "postcode"}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str  # one of PLAIN_TYPES or "code:<codelist>"
    required: bool
    aliases: frozenset[str]  # normalised headers
    patterns: tuple[re.Pattern, ...]
    floor_fractions: bool = False
    personal: str | None = None  # one of PERSONAL_KINDS, None for none
    header: str = ""  # the first alias as written (the Annex A header): how a reader is told the column

    @property
    def codelist(self) -> str | None:
        return self.type.split(":", 1)[1] if self.type.startswith("code:") else None

    @property
    def stored(self) -> bool:
        """Whether the warehouse keeps the column (pseudonymised if personal): names never are."""
        return self.personal != "name"

    @property
    def pseudonym_kind(self) -> str | None:
        """The namespace of an identifier's keyed hash: `worker` for workers and personal advisors (the
        same person may be both), else the id column's name without `_id` (child_id -> child)."""
        if self.personal != "identifier":
            return None
        return "worker" if self.type == "worker" else self.name.removesuffix("_id")


@dataclass(frozen=True)
class ListSpec:
    id: str
    number: int | None
    label: str  # how the report names the list ("section 47 enquiries")
    history_key: tuple[str, str | None]  # (identifier column, event date column or None)
    sheets: frozenset[str]  # normalised sheet names
    columns: dict[str, ColumnSpec]  # canonical order
    common: frozenset[str]  # columns every child list shares: they cannot identify a list on their own
    alias_index: dict[str, frozenset[str]]  # normalised alias -> columns it names (usually one)

    @property
    def pattern_columns(self) -> list[ColumnSpec]:
        return [c for c in self.columns.values() if c.patterns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.required]

    @property
    def title(self) -> str:
        return f"list {self.number} ({self.id})" if self.number else f"list {self.id}"

    @property
    def display_name(self) -> str:
        """The list as the report names it: "List 5 (section 47 enquiries)", "the workforce extract"."""
        return f"List {self.number} ({self.label})" if self.number else f"the {self.label}"

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """The columns the warehouse's list table holds, in order (sql/schema.sql must agree)."""
        return tuple(c.name for c in self.columns.values() if c.stored)


@dataclass(frozen=True)
class ListsConfig:
    lists: dict[str, ListSpec]
    ignore_sheets: frozenset[str]  # normalised sheet names

    def by_number(self, number: int) -> ListSpec | None:
        return next((s for s in self.lists.values() if s.number == number), None)


def _fail(source: Path, where: str, problem: str) -> UsageError:
    return UsageError(f"{source.name}: {where}: {problem}")


def _read_yaml(path: Path) -> dict:
    try:
        data = read_yaml(path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read configuration ({exc.strerror})") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise UsageError(f"{path.name}:{line}: not valid YAML") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path.name}: expected a mapping at the top level")
    return data


def _str_list(value, source: Path, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise _fail(source, where, "expected a list of strings")
    if any(isinstance(v, bool) for v in value):
        raise _fail(source, where, "Yes/No/True/False read as a boolean: put it in quotes")
    return [str(v) for v in value]


def _check_column(raw, source: Path, where: str, *, partial: bool) -> dict:
    if not isinstance(raw, dict):
        raise _fail(source, where, "expected a mapping of column settings")
    unknown = set(raw) - COLUMN_KEYS
    if unknown:
        raise _fail(
            source, where, f"unknown key {sorted(unknown)[0]!r} (allowed: {', '.join(sorted(COLUMN_KEYS))})"
        )
    if "type" in raw or not partial:
        ctype = raw.get("type")
        if not isinstance(ctype, str) or not (ctype in PLAIN_TYPES or re.fullmatch(r"code:\w+", ctype)):
            raise _fail(
                source, where, f"type must be one of {', '.join(sorted(PLAIN_TYPES))} or code:<codelist>"
            )
    if partial and "personal" in raw:
        raise _fail(source, f"{where}.personal", "an LA file cannot change a column's personal-data kind")
    if not partial:
        _check_personal(raw.get("personal"), raw["type"], source, f"{where}.personal")
    for key in ("required", "floor_fractions"):
        if key in raw and not isinstance(raw[key], bool):
            raise _fail(source, f"{where}.{key}", "expected true or false")
    aliases = _str_list(raw.get("aliases"), source, f"{where}.aliases")
    patterns = []
    for text in _str_list(raw.get("patterns"), source, f"{where}.patterns"):
        try:
            patterns.append(re.compile(text))
        except re.error as exc:
            raise _fail(source, f"{where}.patterns", f"bad regex {text!r} ({exc})") from None
    return {**raw, "aliases": aliases, "patterns": patterns}


def _check_personal(kind, ctype: str, source: Path, where: str) -> None:
    """A personal type declares its kind (so the declaration cannot drift from the type), `name` only on
    a text column, and a non-personal type declares nothing else."""
    if kind is not None and kind not in PERSONAL_KINDS:
        raise _fail(source, where, f"expected one of {', '.join(PERSONAL_KINDS)} (or no key for none)")
    implied = PERSONAL_BY_TYPE.get(ctype)
    if implied is not None and kind != implied:
        raise _fail(
            source, where, f"a column of type {ctype} holds personal data: declare personal: {implied}"
        )
    if implied is None and kind not in (None, "name"):
        raise _fail(source, where, f"{kind} is the kind of a column of type {_type_of(kind)}, not {ctype}")
    if kind == "name" and ctype != "text":
        raise _fail(source, where, f"a name column has type text, not {ctype}")


def _type_of(kind: str) -> str:
    return " or ".join(t for t, k in PERSONAL_BY_TYPE.items() if k == kind)


def _history_key(value, columns: dict, source: Path, where: str) -> tuple[str, str | None]:
    """[identifier, event date] or [identifier]: columns of the list, of type id and of type date."""
    if not isinstance(value, list) or len(value) not in (1, 2) or not all(isinstance(v, str) for v in value):
        raise _fail(source, where, "expected [identifier column, event date column] or [identifier column]")
    key, event = value[0], (value[1] if len(value) == 2 else None)
    if key not in columns or columns[key]["type"] != "id":
        raise _fail(source, where, f"{key!r} is not an id column of this list")
    if event is not None and (event not in columns or columns[event]["type"] != "date"):
        raise _fail(source, where, f"{event!r} is not a date column of this list")
    return key, event


def _merge_la(base: dict, la: dict, source: Path) -> None:
    """Add an LA file's sheets/aliases/patterns to the defaults in place; `required` overrides."""
    unknown = set(la) - {"lists", "ignore_sheets"}
    if unknown:
        raise _fail(source, sorted(unknown)[0], "unknown top-level key (allowed: lists, ignore_sheets)")
    base["ignore_sheets"] = base.get("ignore_sheets", []) + _str_list(
        la.get("ignore_sheets"), source, "ignore_sheets"
    )
    la_lists = la.get("lists") or {}
    if not isinstance(la_lists, dict):
        raise _fail(source, "lists", "expected a mapping of list ids")
    for list_id, la_spec in la_lists.items():
        if list_id not in base["lists"]:
            raise _fail(source, f"lists.{list_id}", f"unknown list (known: {', '.join(base['lists'])})")
        if not isinstance(la_spec, dict) or set(la_spec) - {"sheets", "columns"}:
            raise _fail(source, f"lists.{list_id}", "an LA file may set only sheets and columns")
        spec = base["lists"][list_id]
        spec["sheets"] = spec.get("sheets", []) + _str_list(
            la_spec.get("sheets"), source, f"lists.{list_id}.sheets"
        )
        for col, la_col in (la_spec.get("columns") or {}).items():
            where = f"lists.{list_id}.columns.{col}"
            target = spec["columns"].get(col)
            if target is None:
                raise _fail(source, where, "unknown column for this list")
            checked = _check_column(la_col, source, where, partial=True)
            if "type" in checked and checked["type"] != target["type"]:
                raise _fail(source, f"{where}.type", "an LA file cannot change a column's type")
            target["aliases"] = target["aliases"] + checked["aliases"]
            target["patterns"] = target["patterns"] + checked["patterns"]
            if "required" in checked:
                target["required"] = checked["required"]


def _expand_lists(data: dict, source: Path) -> dict:
    """Check the default file and resolve `common:` references into each list's own column dict."""
    common = data.get("common_columns") or {}
    lists = data.get("lists")
    if not isinstance(lists, dict) or not lists:
        raise _fail(source, "lists", "expected a mapping of list ids")
    checked_common = {
        n: _check_column(c, source, f"common_columns.{n}", partial=False) for n, c in common.items()
    }
    out = {"ignore_sheets": _str_list(data.get("ignore_sheets"), source, "ignore_sheets"), "lists": {}}
    for list_id, spec in lists.items():
        where = f"lists.{list_id}"
        if not isinstance(spec, dict) or set(spec) - LIST_KEYS:
            raise _fail(source, where, f"expected a mapping with keys {', '.join(sorted(LIST_KEYS))}")
        number = spec.get("number")
        if number is not None and not isinstance(number, int):
            raise _fail(source, f"{where}.number", "expected an integer")
        columns = {}
        for name in _str_list(spec.get("common"), source, f"{where}.common"):
            if name not in checked_common:
                raise _fail(source, f"{where}.common", f"{name!r} is not in common_columns")
            columns[name] = dict(checked_common[name])
        for name, col in (spec.get("columns") or {}).items():
            columns[name] = _check_column(col, source, f"{where}.columns.{name}", partial=False)
        label = spec.get("label")
        if not isinstance(label, str) or not label:
            raise _fail(source, f"{where}.label", "expected the list's name as the report writes it")
        out["lists"][list_id] = {
            "number": number,
            "label": label,
            "history_key": _history_key(spec.get("history_key"), columns, source, f"{where}.history_key"),
            "sheets": _str_list(spec.get("sheets"), source, f"{where}.sheets"),
            "columns": columns,
            "common": set(spec.get("common") or []),
        }
    return out


def _build_lists(data: dict) -> ListsConfig:
    lists = {}
    for list_id, spec in data["lists"].items():
        columns = {
            name: ColumnSpec(
                name=name,
                type=col["type"],
                required=bool(col.get("required", False)),
                aliases=frozenset(normalise_header(a) for a in col["aliases"]),
                patterns=tuple(col["patterns"]),
                floor_fractions=bool(col.get("floor_fractions", False)),
                personal=col.get("personal"),
                header=col["aliases"][0] if col["aliases"] else name.replace("_", " "),
            )
            for name, col in spec["columns"].items()
        }
        alias_index: dict[str, set[str]] = {}
        for col in columns.values():
            for alias in col.aliases:
                alias_index.setdefault(alias, set()).add(col.name)
        lists[list_id] = ListSpec(
            id=list_id,
            number=spec["number"],
            label=spec["label"],
            history_key=spec["history_key"],
            sheets=frozenset(normalise_sheet_name(s) for s in spec["sheets"]),
            columns=columns,
            common=frozenset(spec["common"]),
            alias_index={a: frozenset(names) for a, names in alias_index.items()},
        )
    return ListsConfig(
        lists=lists, ignore_sheets=frozenset(normalise_sheet_name(s) for s in data["ignore_sheets"])
    )


@lru_cache(maxsize=8)
def load_lists(la_aliases: Path | None = None) -> ListsConfig:
    """The list specifications, with an LA's aliases merged over the defaults when given."""
    data = _expand_lists(_read_yaml(LISTS_FILE), LISTS_FILE)
    if la_aliases is not None:
        _merge_la(data, _read_yaml(Path(la_aliases)), Path(la_aliases))
    config = _build_lists(data)
    codes = load_codes()
    for spec in config.lists.values():
        for col in spec.columns.values():
            if col.codelist and col.codelist not in codes:
                raise _fail(
                    LISTS_FILE,
                    f"lists.{spec.id}.columns.{col.name}",
                    f"no codelist {col.codelist!r} in codes.yaml",
                )
    return config


@lru_cache(maxsize=1)
def load_codes() -> dict[str, dict[str, str]]:
    """codelist -> {normalised spelling: canonical code}; a spelling claimed by two codes is an error."""
    data = _read_yaml(CODES_FILE)
    out: dict[str, dict[str, str]] = {}
    for codelist, codes in data.items():
        if not isinstance(codes, dict) or not codes:
            raise _fail(CODES_FILE, codelist, "expected a mapping of canonical code -> spellings")
        lookup: dict[str, str] = {}
        for code, spellings in codes.items():
            code = str(code)
            for spelling in [code, *_str_list(spellings, CODES_FILE, f"{codelist}.{code}")]:
                key = normalise_code(spelling)
                if lookup.setdefault(key, code) != code:
                    raise _fail(
                        CODES_FILE,
                        f"{codelist}.{code}",
                        f"spelling {spelling!r} also maps to {lookup[key]!r}",
                    )
        out[str(codelist)] = lookup
    return out
