"""`csc-report`: a council's monthly children's social care report, from Annex A extracts to outputs.

Errors reach the user as one line on stderr with exit status 1 (the data stop the run) or 2 (usage or
configuration), never as a traceback; set CSC_REPORT_DEBUG=1 to see one. This module holds what the
command line accepts and that error handling; what each command does is csc_report.cli_commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from csc_report import collector, permissions, settings, stopping
from csc_report.cli_commands import COMMANDS
from csc_report.errors import CscError
from csc_report.failures import machine_failure


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
    collector.collect_less_often()  # before the flows' imports (csc_report.collector)
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


if __name__ == "__main__":
    sys.exit(main())
