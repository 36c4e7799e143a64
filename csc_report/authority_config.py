"""An authority's own settings: `<inbox>/<la>/config.yaml` (contract 1 and 1.2), beside its aliases.

It holds the snapshot window and the authority's local practice standards (contract 3.2), overriding
any of config/standards.yaml (csc_report.standards):

    window_months: 12    # whole calendar months, ending with the extract's month, that it covers
    standards:
      cp_visit: {amount: 15, unit: working_days}
      cla_visit: 28       # in the default's unit (days)

An authority whose Lists 1-5 cover twelve months says so here, so that its newer extracts overrule older
ones over the whole year; the default is 6, what Ofsted's template promises. The file is checked when it
is read, because a typo ("window_month", "six") would otherwise silently leave the default in force and
the figures would be computed on a rule the authority did not ask for. Light (no Prefect, no GX), so the
CLI checks it before any engine starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from csc_report import standards as standards_mod
from csc_report.errors import UsageError

DEFAULT_WINDOW_MONTHS = 6
MAX_WINDOW_MONTHS = 36  # three years: no Annex A extract covers more
FILE_NAME = "config.yaml"


@dataclass(frozen=True)
class AuthorityConfig:
    window_months: int = DEFAULT_WINDOW_MONTHS
    standards: dict[str, standards_mod.Standard] = field(default_factory=dict)  # overrides only


SCHEMA = {
    "window_months": f"a whole number of months from 1 to {MAX_WINDOW_MONTHS}",
    "standards": "local practice standards, id: {amount, unit} (config/standards.yaml)",
}


def config_path(inbox: Path, la: str) -> Path:
    return Path(inbox) / la / FILE_NAME


def load_authority_config(path: Path) -> AuthorityConfig:
    """The settings in `path`, or the defaults when the file is absent.

    Raises UsageError with one line naming the file and the setting for anything malformed.
    """
    path = Path(path)
    if not path.is_file():
        return AuthorityConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise UsageError(
            f"{path}: cannot read the authority's settings: {' '.join(str(e).split())}"
        ) from None
    if data is None:
        return AuthorityConfig()
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected settings as 'name: value' lines ({_known()})")
    unknown = sorted(str(k) for k in data if k not in SCHEMA)
    if unknown:
        raise UsageError(f"{path}: unknown setting(s) {', '.join(unknown)} ({_known()})")
    window = data.get("window_months", DEFAULT_WINDOW_MONTHS)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= MAX_WINDOW_MONTHS:
        raise UsageError(f"{path}: window_months must be {SCHEMA['window_months']}, got {window!r}")
    overrides = standards_mod.parse_overrides(path, data.get("standards") or {})
    return AuthorityConfig(window_months=window, standards=overrides)


def _known() -> str:
    return "known: " + "; ".join(f"{name}: {what}" for name, what in SCHEMA.items())
