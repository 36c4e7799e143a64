"""The schedule file that `csc-report serve` reads: which authorities run, when, from where, who is told.

It is the operator's file, in the folder `serve` runs from (`schedule.yaml`, or `--schedule FILE`), and
never ships inside the package: a service must not fall back on someone else's settings. A missing
file, a key nobody reads (a typo such as `grace_workingdays` would otherwise be silently ignored) or a
secret written into it stops `serve` with one line, exit 2. docs/operations.md documents
every key; `csc-report demo` writes `demo/schedule.yaml` to try it with.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from csc_report.errors import SourceUnavailable, UsageError
from csc_report.notify import check_targets
from csc_report.settings import DEMO_LA
from csc_report.sources import Source
from csc_report.yaml_files import YAMLError, read_yaml

DEFAULT_CRON = "0 6 3 * *"  # 06:00 on the 3rd: the previous month's extract has landed by then
DEFAULT_TIMEZONE = "Europe/London"
REQUIRED = {"la", "inbox"}
PATHS = {"la", "inbox", "warehouse", "outputs", "key_file"}
WHEN = {"cron", "timezone"}
# flow parameters an entry may set as they are (flows/monthly.py); none may hold a secret
OPTIONS = {
    "inbox_options",
    "inbox_secret",
    "check_interval",
    "grace_working_days",
    "due_working_days",
    "settle_seconds",
    "notify",
    "notify_success",
}
NUMBERS = {"check_interval", "grace_working_days", "due_working_days", "settle_seconds"}
KEYS = PATHS | WHEN | OPTIONS


def load(path: Path) -> list[dict]:
    """One dict per authority: la, inbox, and optionally the other KEYS; refuses anything else."""
    if not path.is_file():
        raise UsageError(
            f"{path}: no schedule file; write one (see docs/operations.md) or name it with "
            "csc-report serve --schedule FILE (csc-report demo writes demo/schedule.yaml to try)"
        )
    try:
        document = read_yaml(path) or {}
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UsageError(f"{path}: not valid YAML{f' (line {mark.line + 1})' if mark else ''}") from None
    if not isinstance(document, dict) or set(document) != {"authorities"}:
        extra = sorted(set(document) - {"authorities"}) if isinstance(document, dict) else []
        raise UsageError(
            f"{path}: expected only an 'authorities' list" + (f"; unknown key {extra[0]!r}" if extra else "")
        )
    entries = document["authorities"]
    if not isinstance(entries, list) or not entries:
        raise UsageError(f"{path}: expected a non-empty 'authorities' list")
    for n, entry in enumerate(entries, 1):
        _check_entry(path, n, entry)
    return entries


def _check_entry(path: Path, n: int, entry) -> None:
    if not isinstance(entry, dict) or not REQUIRED <= entry.keys():
        raise UsageError(f"{path}: authority {n} needs at least {sorted(REQUIRED)}")
    where = f"{path}: authority {n} ({entry['la']})"
    unknown = sorted(set(entry) - KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r}; the keys are {', '.join(sorted(KEYS))}")
    for key in sorted(NUMBERS & entry.keys()):
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise UsageError(f"{where}: {key} must be a number, 0 or more, got {value!r}")
    Source.parse(str(entry["inbox"]), entry.get("inbox_options"))
    check_targets(entry.get("notify"))


def check_inboxes(path: Path, entries: list[dict], secrets: Callable[[dict], dict]) -> tuple[list, list]:
    """(problems, warnings) of asking each entry's inbox whether its root exists, once, as `serve`
    starts: a root that does not exist, an unknown or changed host key or a refused login is a problem
    (serving would only wait out every month); a server that does not answer now is a warning, since it
    may be down for the night and the scheduled runs retry. `secrets` gives an entry's credentials."""
    problems, warnings = [], []
    for n, entry in enumerate(entries, 1):
        where = f"{path}: authority {n} ({entry['la']})"
        try:
            Source.parse(str(entry["inbox"]), entry.get("inbox_options"), secrets(entry)).check()
        except SourceUnavailable as exc:
            warnings.append(f"{where}: warning: {exc}; its scheduled runs check again as usual")
        except UsageError as exc:
            problems.append(f"{where}: {exc}")
    return problems, warnings


def demo_text(demo_dir: Path) -> str:
    """The schedule of the demo set-up, for `csc-report serve --schedule demo/schedule.yaml`."""
    base = Path(demo_dir).resolve()
    entry = {
        "la": DEMO_LA,
        "inbox": str(base / "inbox"),
        "warehouse": str(base / "warehouse"),
        "outputs": str(base / "outputs"),
        "key_file": str(base / "pseudonym.key"),
        "cron": DEFAULT_CRON,
        "timezone": DEFAULT_TIMEZONE,
    }
    return (
        "# The demo authority on the default schedule: csc-report serve --schedule demo/schedule.yaml\n"
        "# (docs/operations.md lists every key).\n"
        + yaml.safe_dump({"authorities": [entry]}, sort_keys=False)
    )
