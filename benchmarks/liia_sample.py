"""The liia-tools Annex A sample copied up to 20,000 rows a list (220,000 rows), run like a real month.

    .venv/bin/python benchmarks/liia_sample.py [--rows 20000] [--work DIR] [--out benchmarks/results]

The sample is ../shared/reference/samples/liia-tools-pipeline_Annex_A_2024_Jan.xlsx, the Annex A
workbook of the liia-tools pipeline's tests (5 to 8 rows in each of its 11 lists). Each list's rows are
repeated until it has --rows rows. Every identifier column (a header naming an identifier or a unique ID)
gets the copy's number appended, so that copies are new children rather than duplicates: otherwise the
duplicate-key checks would reject all but the first copy and the run would load almost nothing. Every
other cell keeps its type and value.

The workbook goes to an inbox of its own (authority 999, month 2024-01), and is run by `csc-report run
--force` in a subprocess, in an empty warehouse, like benchmarks/run.py: each stage's seconds from
run.json, the whole process's wall and CPU seconds and peak memory (benchmarks/measure.py), and the
fastexcel floor, the best of three plain reads of every sheet into Arrow. liia-tools' own time on the
same workbook is not run here (it is not a dependency); the issue quotes it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import fastexcel
from measure import measure
from run import floor_seconds, forced_run

from csc_report.generate.xlsx import save

SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared/reference/samples/liia-tools-pipeline_Annex_A_2024_Jan.xlsx"
)
LA = "999"
MONTH = "2024-01"
IDENTIFIER = re.compile(r"identifier|unique id", re.IGNORECASE)


def copied_sheet(reader, name: str, rows: int) -> list[list]:
    """The sheet's header and its data rows repeated up to `rows`, identifiers made distinct per copy."""
    sheet = reader.load_sheet(name, header_row=None)
    columns = [sheet.to_arrow().column(i).to_pylist() for i in range(sheet.width)]
    header, data = [c[0] for c in columns], list(zip(*[c[1:] for c in columns], strict=True))
    ids = [i for i, h in enumerate(header) if h and IDENTIFIER.search(str(h))]
    out = [header]
    for n in range(rows):
        row = list(data[n % len(data)])
        copy = n // len(data)
        for i in ids:
            if row[i] is not None:
                row[i] = f"{row[i]}-{copy}"
        out.append(row)
    return out


def build_inbox(inbox: Path, rows: int) -> Path:
    """Write the copied workbook as the month's only extract; its folder."""
    folder = inbox / LA / MONTH
    folder.mkdir(parents=True, exist_ok=True)
    reader = fastexcel.read_excel(str(SAMPLE))
    sheets = [(name, copied_sheet(reader, name, rows)) for name in reader.sheet_names]
    save(sheets, folder / f"annex_a_{MONTH}.xlsx", creator="benchmarks/liia_sample.py")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows in each list")
    parser.add_argument("--work", type=Path, default=None, help="keep the inbox here and reuse it")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    if not SAMPLE.is_file():
        sys.exit(f"benchmark: the sample is not there ({SAMPLE}); it ships in ../shared, beside the project")
    work = args.work or Path(tempfile.mkdtemp(prefix="csc-liia-"))
    folder = work / "inbox" / LA / MONTH
    if not folder.is_dir():
        print(f"copying the sample to {args.rows:,} rows a list ...", flush=True)
        build_inbox(work / "inbox", args.rows)
    env = {**os.environ, "PREFECT_HOME": str((work / "prefect").resolve())}
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    print("running the month ...", flush=True)
    process = measure(forced_run(work, LA, MONTH), work / "run.log", env)
    record = json.loads((work / "outputs" / LA / MONTH / "run.json").read_text())
    floor = floor_seconds(folder, 3)
    stages = sum(record["timings"].values())
    report = {
        "finished_at": datetime.now().isoformat(timespec="seconds"),
        "rows": sum(record["row_counts"].values()),
        "status": record["status"],
        "message": record["message"],
        "floor_s": round(floor, 3),
        "timings": {k: round(v, 2) for k, v in record["timings"].items()},
        "stages_s": round(stages, 2),
        "process": process,
        "ratios": {
            "stages / floor": round(stages / floor, 2),
            "validate / floor": round(record["timings"].get("validate", 0.0) / floor, 2),
            "process / floor": round(process["wall_s"] / floor, 2),
        },
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "liia_sample.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if record["status"] == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
