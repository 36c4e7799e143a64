"""The command line's inbox arguments, checked before any engine starts.

A mistyped inbox, an authority the inbox has no folder for, or a month range that runs backwards is a
mistake in the command: it is told in one line, exit 2, within a second, rather than after Prefect and
Great Expectations have started and as if the data were late (exit 1), which is what a month folder
missing from a correct inbox still means. Months are parsed by csc_report.months.

This module stays light (a local inbox is checked with pathlib): csc_report.sources, which opens remote
inboxes, imports the warehouse and pandas, so it is imported only for a URL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from csc_report.authority_config import config_path, load_authority_config
from csc_report.errors import CscError, UsageError

REFERENCE = "reference"  # the inbox's shared reference files, not an authority


def no_inbox(display: str) -> UsageError:
    return UsageError(
        f"inbox {display}: no such folder; expected the inbox, the folder holding one folder per authority"
    )


def no_authority(display: str, la: str, held: list[str]) -> UsageError:
    """The inbox exists but has no folder for `la`: say what it does hold, so a typo shows itself."""
    authorities = sorted(name for name in held if name != REFERENCE and not name.startswith((".", "~")))
    has = f"it has {', '.join(authorities[:20])}{' ...' if len(authorities) > 20 else ''}"
    return UsageError(f"the inbox {display} has no folder for {la}; {has if authorities else 'it has none'}")


def inbox_options(pairs: list[str]) -> dict:
    """`--inbox-option KEY=VALUE` pairs as storage options."""
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--inbox-option takes KEY=VALUE, got {pair!r}")
        options[key] = value
    return options


def inbox_source(args, secrets: Callable[[str | None], dict]):
    """The run's URL inbox as a csc_report.sources.Source, with its options and the credentials that
    `secrets` reads from its Secret block (the CLI's, through Prefect's API, without a flow run)."""
    from csc_report.sources import Source

    credentials = secrets(args.inbox_secret) if args.inbox_secret else {}
    return Source.parse(args.inbox, inbox_options(args.inbox_options), credentials)


def check_inbox(args, secrets: Callable[[str | None], dict]) -> None:
    """Refuse an inbox that does not exist or has no folder for `--la` (UsageError, exit 2). A remote
    server that cannot be asked raises SourceUnavailable (exit 1) or, refusing the login or showing an
    unknown key, a UsageError: the run could do nothing else with it. So does a bad config.yaml."""
    if "://" in str(args.inbox):
        inbox_source(args, secrets).check(args.la)
        return
    inbox = Path(args.inbox)
    if not inbox.is_dir():
        raise no_inbox(str(args.inbox))
    if not (inbox / args.la).is_dir():
        raise no_authority(str(args.inbox), args.la, [p.name for p in inbox.iterdir() if p.is_dir()])
    # a bad <la>/config.yaml stops it too (a URL inbox's copy is checked once pulled)
    load_authority_config(config_path(inbox, args.la))


def remote_inputs(args, month: str, secrets: Callable[[str | None], dict]) -> list[dict] | None:
    """The remote month's fingerprint inputs, or None when the source cannot say (missing, half-written,
    unreachable, refused): the flow then meets the same problem and reports it as it should."""
    try:
        return inbox_source(args, secrets).month_inputs(args.la, month)
    except CscError:
        return None


def already_done(args, month: str, secrets: Callable[[str | None], dict]) -> str | None:
    """The month's "already done" line, checked before any flow starts so that a no-op is fast: a local
    month by hashing its files, a remote one by listing and hashing them where they are."""
    from csc_report import fingerprints, key_guard, settings

    paths = settings.RunPaths(Path(args.inbox), args.warehouse, args.outputs, args.key_file)
    key_guard.check_key(paths, args.la)  # another key is refused (exit 2) before "already done" is said
    if "://" in args.inbox:
        inputs = remote_inputs(args, month, secrets)
    elif paths.month_dir(args.la, month).is_dir():
        inputs = fingerprints.month_inputs(paths, args.la, month)
    else:
        inputs = None
    if inputs is None:
        return None
    return fingerprints.already_done(paths, args.la, month, args.profile, inputs)
