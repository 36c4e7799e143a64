"""The command line's inbox arguments, checked before any engine starts.

A mistyped inbox, an authority the inbox has no folder for, or a month range that runs backwards is a
mistake in the command: it is told in one line, exit 2, within a second, rather than after Prefect and
Great Expectations have started and as if the data were late (exit 1), which is what a month folder
missing from a correct inbox still means. Months are parsed by csc_report.months.

This module stays light (a local inbox is checked with pathlib): csc_report.sources, which opens remote
inboxes, imports the warehouse and pandas, so it is imported only for a URL.
"""

from __future__ import annotations

from pathlib import Path

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


def inbox_source(args):
    """The run's URL inbox as a csc_report.sources.Source, with its options and the credentials of its
    Secret block (read through Prefect's API, flows.arrival, without a flow run)."""
    from csc_report.sources import Source

    secrets = {}
    if args.inbox_secret:
        from csc_report.flows.arrival import secret_options

        secrets = secret_options(args.inbox_secret)
    return Source.parse(args.inbox, inbox_options(args.inbox_options), secrets)


def check_inbox(args) -> None:
    """Refuse an inbox that does not exist or has no folder for `--la` (UsageError, exit 2). A remote
    server that cannot be asked raises SourceUnavailable (exit 1) or, refusing the login or showing an
    unknown key, a UsageError: the run could do nothing else with it."""
    if "://" in str(args.inbox):
        inbox_source(args).check(args.la)
        return
    inbox = Path(args.inbox)
    if not inbox.is_dir():
        raise no_inbox(str(args.inbox))
    if not (inbox / args.la).is_dir():
        raise no_authority(str(args.inbox), args.la, [p.name for p in inbox.iterdir() if p.is_dir()])


def remote_inputs(args, month: str) -> list[dict] | None:
    """The remote month's fingerprint inputs, or None when the source cannot say (missing, half-written,
    unreachable, refused): the flow then meets the same problem and reports it as it should."""
    try:
        return inbox_source(args).month_inputs(args.la, month)
    except CscError:
        return None
