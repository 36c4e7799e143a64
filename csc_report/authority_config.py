"""An authority's own settings: `<inbox>/<la>/config.yaml` (contract 1 and 1.2), beside its aliases.

Four settings, all optional:

    window_months: 12    # whole calendar months, ending with the extract's month, that it covers
    severity:            # the authority's own thresholds, over config/severity.yaml (same shape)
      lists:
        contacts:
          child_id_present: {max_failing_share: 0.15}   # stop List 1 only above 15% without a child id
    report:              # the paper's layout over config/report.yaml: an id there replaces its keys
      sections:
        - id: looked-after
          figures: [cla_open, cla_rate_per_10k]
    standards:           # local practice standards (contract 3.2) over config/standards.yaml
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

from csc_report import standards as standards_mod
from csc_report.errors import UsageError
from csc_report.report_layout import PaperSection, load_layout
from csc_report.validation.severity import check_overrides
from csc_report.yaml_files import YAMLError, read_yaml

DEFAULT_WINDOW_MONTHS = 6
MAX_WINDOW_MONTHS = 36  # three years: no Annex A extract covers more
FILE_NAME = "config.yaml"


@dataclass(frozen=True)
class AuthorityConfig:
    window_months: int = DEFAULT_WINDOW_MONTHS
    report_layout: tuple[PaperSection, ...] | None = None  # None: config/report.yaml as packaged
    severity: dict = field(default_factory=dict)  # {"rules": ..., "lists": ...}, checked; {} for none
    standards: dict[str, standards_mod.Standard] = field(default_factory=dict)  # overrides only

    def as_record(self) -> dict:
        """The settings as run.json names them: what the authority set, nothing else."""
        record: dict = {"window_months": self.window_months}
        if self.severity:
            record["severity"] = self.severity
        if self.standards:
            record["standards"] = {k: {"amount": s.amount, "unit": s.unit} for k, s in self.standards.items()}
        return record


SCHEMA = {
    "window_months": f"a whole number of months from 1 to {MAX_WINDOW_MONTHS}",
    "report": "the paper's sections over config/report.yaml: `sections:` as in that file",
    "severity": "rules and lists of rule settings, as in config/severity.yaml",
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
        data = read_yaml(path)
    except (OSError, UnicodeDecodeError, YAMLError) as e:
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
    report = data.get("report")
    if report is not None and (not isinstance(report, dict) or set(report) != {"sections"}):
        raise UsageError(f"{path}: report must be {SCHEMA['report']}")
    layout = load_layout(report["sections"], f"{path}: report") if report is not None else None
    severity = check_overrides(path, data["severity"]) if data.get("severity") is not None else {}
    overrides = standards_mod.parse_overrides(path, data.get("standards") or {})
    return AuthorityConfig(window_months=window, severity=severity, report_layout=layout, standards=overrides)


def _known() -> str:
    return "known: " + "; ".join(f"{name}: {what}" for name, what in SCHEMA.items())
