"""`csc-report`: a council's monthly children's social care report, from Annex A extracts to outputs.

Errors reach the user as one line on stderr with exit status 1 (the data stop the run) or 2 (usage or
configuration), never as a traceback; set CSC_REPORT_DEBUG=1 to see one.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from csc_report import arguments, permissions, settings, stopping
from csc_report.errors import CscError, UsageError
from csc_report.failures import machine_failure
from csc_report.months import month_range, months_between, parse_month, shift


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csc-report", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="make the demo inbox if absent, run all its months, show the report")
    demo.add_argument(
        "--dir", type=Path, help="where the demo lives (default demo/, or demo-2024/ with --layout 2024)"
    )
    demo.add_argument(
        "--layout",
        choices=sorted(settings.DEMOS),
        default="pre2014",
        help="pre2014: the seed's authority, to June 2013 (default); 2024: an authority today, to March 2025",
    )
    demo.add_argument(
        "--region", action="store_true", help="the East of England's 11 authorities in region mode instead"
    )
    demo.add_argument("--scale", type=float, default=0.1, help="volumes of the --region demo (default 0.1)")

    def add_run_paths(p: argparse.ArgumentParser, one_la: bool = True) -> None:
        p.add_argument(
            "--inbox",
            required=True,
            help="a folder, or a URL: file://, sftp://user@host/path, s3://bucket/prefix, abfs://, smb://",
        )
        if one_la:
            p.add_argument("--la", required=True, help="local authority code (the inbox folder name)")
            p.add_argument(
                "--inbox-secret",
                default=None,
                help="Prefect Secret block holding the inbox's credentials (JSON storage options)",
            )
            p.add_argument(
                "--inbox-option",
                dest="inbox_options",
                action="append",
                default=[],
                metavar="KEY=VALUE",
                help="a storage option that is no secret, such as endpoint_url=https://... (repeatable)",
            )
        else:
            p.add_argument(
                "--la",
                dest="las",
                nargs="+",
                action="extend",
                help="local authority codes (default: every folder in the inbox but reference)",
            )
        p.add_argument(
            "--warehouse",
            type=Path,
            default=settings.DEFAULT_WAREHOUSE,
            help="the warehouse folder: one <la>.duckdb per authority (default warehouse/)",
        )
        p.add_argument("--outputs", type=Path, default=settings.DEFAULT_OUTPUTS)
        p.add_argument(
            "--key-file", type=Path, default=None, help="pseudonymisation key (default: user config)"
        )
        p.add_argument("--profile", choices=["public", "internal"], default="public")
        p.add_argument(
            "--force", action="store_true", help="recompute months already done with unchanged inputs"
        )

    run = sub.add_parser("run", help="run one month")
    add_run_paths(run)
    run.add_argument("--month", required=True, help="YYYY-MM")

    backfill = sub.add_parser("backfill", help="run a range of months in order")
    add_run_paths(backfill)
    backfill.add_argument("--from", dest="first", required=True, help="YYYY-MM")
    backfill.add_argument("--to", dest="last", required=True, help="YYYY-MM")

    region = sub.add_parser("region", help="run a range of months of many authorities on a Dask cluster")
    add_run_paths(region, one_la=False)
    region.add_argument("--from", dest="first", required=True, help="YYYY-MM")
    region.add_argument("--to", dest="last", required=True, help="YYYY-MM")
    region.add_argument("--workers", type=int, default=2, help="local Dask worker processes (default 2)")
    region.add_argument("--address", default=None, help="an existing Dask scheduler, tcp://host:port")

    validate = sub.add_parser("validate", help="check one extract without loading it")
    validate.add_argument("path", type=Path, help="a workbook, a per-list CSV, or a month folder")
    validate.add_argument("--month", default=None, help="YYYY-MM the extract is for (default: from the path)")
    validate.add_argument(
        "--out", type=Path, default=None, help="write data_quality.csv (every issue) and data_docs/ here"
    )
    validate.add_argument(
        "--warehouse",
        type=Path,
        default=settings.DEFAULT_WAREHOUSE,
        help="the warehouse folder, for its earlier snapshot of a list that shrank (default warehouse/)",
    )

    generate = sub.add_parser("generate", help="write a demo inbox of fake extracts")
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument("--la", default=settings.DEMO_LA)
    generate.add_argument("--end", default="2013-06", help="last month, YYYY-MM")
    generate.add_argument("--months", type=int, default=18)
    generate.add_argument("--scale", type=float, default=1.0)
    generate.add_argument("--seed", type=int, default=42)
    generate.add_argument("--layout", choices=["pre2014", "2019", "2024"], default="pre2014")
    generate.add_argument(
        "--missing-month",
        dest="missing_months",
        action="append",
        default=[],
        metavar="YYYY-MM",
        help="leave this month without an extract, as when one never arrives (repeatable)",
    )
    generate.add_argument(
        "--no-corrections",
        dest="corrections",
        action="store_false",
        help="consecutive extracts agree where they overlap (default: later ones correct earlier ones)",
    )

    explain = sub.add_parser(
        "explain",
        help="list the records behind one figure (child-level: written owner-only)",
        description="One CSV row per record behind a published figure, from the indicator's own SQL.",
    )
    explain.add_argument("indicator", help="indicator id (cp_plans_open) or breakdown table id (cla_by_sex)")
    explain.add_argument("--category", default=None, help="a breakdown's cell: its category (e.g. female)")
    explain.add_argument("--la", required=True, help="local authority code")
    explain.add_argument("--month", required=True, help="YYYY-MM")
    explain.add_argument(
        "--since", default=None, help="YYYY-MM: who joined and left a month-end figure since"
    )
    explain.add_argument(
        "--out",
        default=None,
        help="CSV file to write (default: explain/ beside the warehouse, owner-only); - prints it",
    )
    explain.add_argument("--warehouse", type=Path, default=settings.DEFAULT_WAREHOUSE)

    rebuild = sub.add_parser("rebuild", help="re-create an authority's warehouse file from the inbox")
    rebuild.add_argument("--la", required=True, help="local authority code")
    for name, default in (("--inbox", None), ("--warehouse", settings.DEFAULT_WAREHOUSE)):
        rebuild.add_argument(name, type=Path, default=default, required=default is None)
    rebuild.add_argument(
        "--outputs", type=Path, default=settings.DEFAULT_OUTPUTS, help="the published months"
    )
    rebuild.add_argument("--key-file", type=Path, default=None, help="the key the months were run with")

    serve = sub.add_parser("serve", help="serve the scheduled monthly deployments (Prefect)")
    serve.add_argument(
        "--schedule",
        type=Path,
        default=settings.DEFAULT_SCHEDULE,
        help=f"the schedule file (default {settings.DEFAULT_SCHEDULE} in the working folder)",
    )

    export = sub.add_parser("export", help="long tables of every month and authority, for dashboards")
    export.add_argument(
        "--warehouse", type=Path, default=settings.DEFAULT_WAREHOUSE, help="the warehouse folder"
    )
    export.add_argument("--out", type=Path, required=True, help="folder to write the tables to")
    export.add_argument("--format", dest="fmt", choices=["csv", "parquet"], default="csv")
    export.add_argument("--la", dest="las", nargs="+", action="extend", help="only these authorities")

    benchmarks = sub.add_parser("benchmarks", help="the published DfE benchmarks the report compares with")
    benchmarks_sub = benchmarks.add_subparsers(dest="benchmarks_command", required=True)
    import_ = benchmarks_sub.add_parser(
        "import",
        help="rebuild the reference data from newly published DfE files",
        description="Rebuild the benchmark reference data from a folder of DfE files (searched "
        "recursively): the CIN c1, c4, d3 and d5 CSVs, the CLA rates CSV, the ONS 0-17 populations, "
        "the statistical neighbour lists and LAIT's bds_long parquet.",
    )
    import_.add_argument("folder", type=Path, help="folder holding the DfE files")
    import_.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write the reference data (default: $CSC_REPORT_REFERENCE_DATA, else the package's)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return 2 if exc.code else 0
    try:
        permissions.restrict()  # before anything is written: owner-only files (csc_report.permissions)
        stopping.stop_on_sigterm()
        return COMMANDS[args.command](args)
    except CscError as exc:
        if os.environ.get("CSC_REPORT_DEBUG"):
            raise
        for line in str(exc).splitlines():  # one line per problem (serve's check of every inbox)
            print(f"csc-report: {line}", file=sys.stderr)
        return exc.exit_code
    except stopping.Stopped:
        print(f"csc-report: {args.command} {stopping.Stopped.message}", file=sys.stderr)
        return stopping.EXIT_STATUS
    except Exception as exc:  # the stages name their own failures; this is the last resort
        if os.environ.get("CSC_REPORT_DEBUG"):
            raise
        failure = machine_failure(exc, la=getattr(args, "la", None))  # a full disk, a damaged file
        if failure is not None:
            print(f"csc-report: {failure}", file=sys.stderr)
            return failure.exit_code
        what = " ".join(str(v) for v in (getattr(args, "la", None), getattr(args, "month", None)) if v)
        print(
            f"csc-report: {args.command}{' for ' + what if what else ''} failed ({type(exc).__name__}); "
            "run with CSC_REPORT_DEBUG=1 for details",
            file=sys.stderr,
        )
        return 1


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


if __name__ == "__main__":
    sys.exit(main())
