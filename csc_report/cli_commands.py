"""What each `csc-report` command does, behind the parser and error handling of csc_report.cli.

The commands that run months (run, backfill, region, demo, serve) start Prefect flows, imported only once
the arguments have been checked, so a mistyped command fails within a second; the others (generate,
validate, explain, export, rebuild, benchmarks) are plain Python. Each returns the exit status.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from csc_report import arguments, collector, settings
from csc_report.errors import UsageError
from csc_report.months import month_range, months_between, parse_month, shift


def cmd_generate(args) -> int:
    from csc_report.generate import generate_inbox

    if args.months < 1 or args.scale <= 0:
        raise UsageError("--months must be at least 1 and --scale positive")
    generated = months_between(shift(parse_month(args.end, "--end"), 1 - args.months), args.end)
    for month in args.missing_months:
        if parse_month(month, "--missing-month") not in generated:
            raise UsageError(
                f"--missing-month {month} is not one of the months generated, {generated[0]} to {args.end}"
            )
    folders = generate_inbox(
        args.out,
        la_code=args.la,
        end=args.end,
        months=args.months,
        scale=args.scale,
        seed=args.seed,
        layout=args.layout,
        corrections=args.corrections,
        missing_months=args.missing_months,
    )
    print(f"wrote {len(folders)} monthly extracts for {args.la} to {args.out}")
    return 0


def cmd_run(args) -> int:
    parse_month(args.month, "--month")
    arguments.check_inbox(args, _secret_options)
    done = None if args.force else arguments.already_done(args, args.month, _secret_options)
    if done:
        print(f"{args.la} {args.month}: {done}; report at {args.outputs / args.la / args.month}/report.html")
        return 0

    with collector.start_up():
        from csc_report.flows.api import answering, start_temporary_api

        api = start_temporary_api()  # it starts while the flows and Great Expectations are imported
        from csc_report.flows.console import quiet_console, run_flow
        from csc_report.flows.monthly import monthly_report
        from csc_report.validation import gx_engine

        quiet_console()  # before Great Expectations logs its set-up
        gx_engine.warm_up()
    with answering(api):
        outcome = run_flow(monthly_report, month=args.month, force=args.force, **_flow_paths(args))
    print(f"{outcome.la_code} {outcome.month}: {outcome.message}; report at {outcome.output_dir}/report.html")
    return 0


def cmd_backfill(args) -> int:
    months = month_range(args.first, args.last)
    arguments.check_inbox(args, _secret_options)
    if not args.force and all(arguments.already_done(args, month, _secret_options) for month in months):
        print(f"{len(months)} months of {args.la} already done with unchanged inputs (--force recomputes)")
        return 0

    with collector.start_up():
        from csc_report.flows.api import answering, start_temporary_api

        api = start_temporary_api()  # it starts while the flows are imported
        from csc_report.flows.console import run_flow
        from csc_report.flows.monthly import backfill

    with answering(api):
        outcomes = run_flow(backfill, first=args.first, last=args.last, force=args.force, **_flow_paths(args))
    return _summarise(outcomes)


def cmd_region(args) -> int:
    month_range(args.first, args.last)  # a bad range fails before any cluster
    if "://" in args.inbox:
        raise UsageError("region mode reads a local inbox folder; pull remote months with run or backfill")
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")

    try:
        from csc_report.flows.region import run_region
    except ModuleNotFoundError as exc:
        raise UsageError(
            f"region mode needs the region extra: pip install 'csc-report[region]' ({exc})"
        ) from None

    outcomes = run_region(
        args.address,
        args.workers,
        inbox=str(args.inbox),
        las=args.las,
        first=args.first,
        last=args.last,
        warehouse=str(args.warehouse),
        outputs=str(args.outputs),
        key_file=_opt(args.key_file),
        profile=args.profile,
        force=args.force,
    )
    status = _summarise(outcomes)
    from csc_report.export import LA_FILE

    if any(LA_FILE.match(p.stem) for p in Path(args.warehouse).glob("*.duckdb")):
        # the region's dashboard tables, from what its warehouse now holds
        cmd_export(argparse.Namespace(warehouse=args.warehouse, out=args.outputs / "region" / "export",
                                      fmt="csv", las=args.las))  # fmt: skip
    return status


def _flow_paths(args) -> dict:
    paths = dict(
        la=args.la,
        inbox=str(args.inbox),
        warehouse=str(args.warehouse),
        outputs=str(args.outputs),
        key_file=_opt(args.key_file),
        profile=args.profile,
    )
    if "://" in args.inbox:
        from csc_report.sources import Source

        options = arguments.inbox_options(args.inbox_options)
        Source.parse(args.inbox, options)  # a password in them must not reach the flow's parameters
        paths.update(inbox_options=options, inbox_secret=args.inbox_secret)
    return paths


def _secret_options(block: str | None) -> dict:
    """A URL inbox's credentials from its Prefect Secret block (flows.arrival), read without a flow run."""
    from csc_report.flows.arrival import secret_options

    return secret_options(block)


def cmd_demo(args) -> int:
    if args.region:
        return cmd_demo_region(args)
    with collector.start_up():
        from csc_report.flows.api import answering, start_temporary_api

        api = start_temporary_api()  # it starts while the flows are imported and the inbox is made
        from csc_report.flows.console import quiet_console, run_flow
        from csc_report.flows.monthly import backfill
        from csc_report.generate import generate_inbox

    demo = settings.DEMOS[args.layout]
    args.dir = args.dir or demo.folder
    inbox = args.dir / "inbox"
    quiet_console()
    if not (inbox / settings.DEMO_LA).is_dir():
        print(f"making the demo inbox in {inbox} ...")
        # its workbooks written by two processes, beside the server
        generate_inbox(inbox, end=demo.end, months=demo.months, layout=args.layout, workers=2)
    months = sorted(p.name for p in (inbox / settings.DEMO_LA).iterdir() if p.is_dir())
    with answering(api):
        outcomes = run_flow(
            backfill,
            la=settings.DEMO_LA,
            first=months[0],
            last=months[-1],
            inbox=str(inbox),
            warehouse=str(args.dir / "warehouse"),
            outputs=str(args.dir / "outputs"),
            key_file=str(args.dir / "pseudonym.key"),
        )
    status = _summarise(outcomes)
    latest = Path(outcomes[-1].output_dir)
    print(f"the report for {months[-1]}: {latest / 'report.html'} (and report.md, tables.xlsx beside it)")
    print(f"every month: {args.dir / 'outputs' / 'index.html'}")
    demo_schedule = args.dir / "schedule.yaml"
    if not demo_schedule.exists():
        from csc_report.schedule import demo_text

        demo_schedule.write_text(demo_text(args.dir), encoding="utf-8")
    print(f"to try the schedule: csc-report serve --schedule {demo_schedule}")
    return status


def cmd_demo_region(args) -> int:
    """The East of England demo: its inbox made if absent, then `csc-report region` over its months."""
    from csc_report.demo_region import END, MONTHS, make_region_inbox
    from csc_report.flows.region import run_region

    if args.scale <= 0:
        raise UsageError("--scale must be positive")
    root = args.dir / "region"  # beside the one-authority demo, never mixed with its warehouse
    inbox, first = root / "inbox", shift(END, -(MONTHS - 1))
    print(f"making the East of England's inbox in {inbox} (scale {args.scale}) ...", flush=True)
    las = make_region_inbox(inbox, args.scale)
    print(f"running {len(las)} authorities x {MONTHS} months in region mode ...", flush=True)
    outcomes = run_region(
        None, 2, inbox=str(inbox), las=las, first=first, last=END, warehouse=str(root / "warehouse"),
        outputs=str(root / "outputs"), key_file=str(root / "pseudonym.key"),
    )  # fmt: skip
    status = _summarise(outcomes)
    print(f"the regional report for {END}: {root / 'outputs' / 'region' / END / 'region.html'}")
    return status


def cmd_validate(args) -> int:
    from csc_report.validate_command import validate_path

    return validate_path(args.path, args.month, args.out, args.warehouse)


def cmd_benchmarks(args) -> int:
    from csc_report.dfe import build, lookup

    out = args.out or lookup.reference_dir()
    sizes = build.write(build.build(args.folder), out)
    for name, size in sizes.items():
        print(f"{out / name}: {size / 1024:.0f} KB")
    print("each run loads them into its warehouse; re-run published months with --force to show them")
    return 0


def cmd_export(args) -> int:
    from csc_report.export import export

    written = export(args.warehouse, args.out, args.fmt, args.las)
    for name, rows in written.items():
        print(f"{args.out / name}.{args.fmt}: {rows:,} rows")
    return 0


def cmd_explain(args) -> int:
    from csc_report.breakdowns import BY_ID
    from csc_report.explain import explain_command
    from csc_report.explain_breakdown import explain_cell_command

    if args.indicator in BY_ID or args.category is not None:
        month = parse_month(args.month, "--month")
        return explain_cell_command(args.warehouse, args.la, month, args.indicator, args.category, args.out)
    since = parse_month(args.since, "--since") if args.since else None
    return explain_command(
        args.warehouse, args.la, parse_month(args.month, "--month"), args.indicator, args.out, since
    )


def cmd_rebuild(args) -> int:
    from csc_report.rebuild import rebuild

    arguments.check_inbox(args, _secret_options)
    rebuild(settings.RunPaths(args.inbox, args.warehouse, args.outputs, args.key_file), args.la)
    return 0


def cmd_serve(args) -> int:
    from csc_report.flows.deploy import serve

    serve(args.schedule)
    return 0


def _opt(path: Path | None) -> str | None:
    return str(path) if path else None


def _summarise(outcomes) -> int:
    """Each month's outcome at the end: done, skipped (already done), awaiting data (no extract yet) or
    failed with its message. A month awaiting data does not fail a backfill: the others stand."""
    statuses = ("done", "skipped", "awaiting data", "failed")
    counts = {status: sum(o.status == status for o in outcomes) for status in statuses}
    print(
        f"{len(outcomes)} months: {counts['done']} done, {counts['skipped']} skipped (already done), "
        f"{counts['awaiting data']} awaiting data, {counts['failed']} failed"
    )
    for o in outcomes:
        print(
            f"  {o.la_code} {o.month} {o.status}: {o.message}",
            file=sys.stderr if o.status == "failed" else sys.stdout,
        )
    return 1 if counts["failed"] else 0


COMMANDS = {
    "demo": cmd_demo,
    "run": cmd_run,
    "backfill": cmd_backfill,
    "region": cmd_region,
    "validate": cmd_validate,
    "generate": cmd_generate,
    "serve": cmd_serve,
    "benchmarks": cmd_benchmarks,
    "explain": cmd_explain,
    "rebuild": cmd_rebuild,
    "export": cmd_export,
}
