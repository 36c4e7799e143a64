"""What `run.json` says about one run (contract section 4), and the warehouse's record of a completed one.

The month's lifecycle (csc_report.month) opens a record when the run starts, fills it as the stages go and
finishes it once: run.json always, the warehouse's `runs` and `run_inputs` only for a completed run, with
the fingerprint that makes an unchanged re-run a no-op (csc_report.fingerprints).
"""

from __future__ import annotations

import json
import platform
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from csc_report import __version__, fingerprints, warehouse, warehouse_results
from csc_report.prepared_cache import Prepared


def versions() -> dict[str, str]:
    """Versions of what made the figures; read from package metadata, so nothing here imports Prefect."""
    from importlib.metadata import version

    return {
        "csc_report": __version__,
        "code": fingerprints.code_version(),
        "python": platform.python_version(),
        **{name: version(name) for name in ("prefect", "great_expectations", "duckdb", "pyarrow")},
    }


@dataclass
class RunRecord:
    """What `run.json` says about one run (contract section 4)."""

    la_code: str
    month: str
    flow_run_id: str | None
    profile: str = "public"
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: str = "running"
    message: str = ""
    inputs: list[dict] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)  # stages whose work came from the cache
    sources: list[dict] = field(default_factory=list)  # files pulled from a URL inbox (csc_report.sources)
    authority_settings: dict = field(default_factory=dict)  # <la>/config.yaml as in force (AuthorityConfig)
    fingerprint: str | None = None
    started_at: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    finished_at: str | None = None

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "la_code": self.la_code,
            "month": self.month,
            "status": self.status,
            "message": self.message,
            "flow_run_id": self.flow_run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "profile": self.profile,
            "fingerprint": self.fingerprint,
            "inputs": self.inputs,
            "row_counts": self.row_counts,
            "versions": versions(),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "reused": self.reused,
            "sources": self.sources,
            "authority_settings": self.authority_settings,
        }

    def use_prepared(self, prepared: Prepared, cached: bool) -> None:
        """Take row counts and stage times from the prepared extract; a cache hit cost this run nothing."""
        self.row_counts = prepared.row_counts
        stages = ("read", "validate", "pseudonymise")
        self.timings.update({k: 0.0 if cached else prepared.timings[k] for k in stages})
        self.reused = list(stages) if cached else []

    def finish(self, status: str, message: str, out_dir: Path, warehouse_path: Path | None = None) -> Path:
        """Write run.json; a completed run is also recorded in the warehouse's `runs` and `run_inputs`.

        A failed run writes nothing to the warehouse: it must leave it exactly as it was. The fingerprint
        is taken here, under the caller's writer lock, from the snapshots the figures were computed on.
        """
        self.status, self.message = status, message
        self.finished_at = datetime.now().isoformat(timespec="seconds")
        if warehouse_path is not None:
            con = warehouse.connect(warehouse_path)
            try:
                earlier = warehouse.earlier_loads(con, self.la_code, self.month)
                self.fingerprint = fingerprints.fingerprint(self.inputs, self.profile, earlier)
                body = self.as_dict()
                warehouse_results.record_completed_run(
                    con, body, self.fingerprint, fingerprints.code_version()
                )
            finally:
                con.close()
        body = self.as_dict()
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / "run.json"
        path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        return path
