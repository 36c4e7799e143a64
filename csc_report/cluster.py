"""What every machine of a region run must see: the inbox, the warehouse folder and the key file, at
the same absolute paths, and the key file holding the same key.

Region mode sends each authority to a Dask worker that may run on another machine, in a folder of its
own; tasks exchange paths, never data. A worker that sees none of the inbox would find every month
"awaiting data", one whose key file is missing or another would pseudonymise children afresh, and one
writing to a folder of its own would publish where nobody looks. So each worker checks, before its
authority's first month, and stops with one line naming its host and the path.
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlparse

from csc_report.errors import UsageError
from csc_report.key_guard import key_fingerprint
from csc_report.settings import RunPaths
from csc_report.transforms.pseudonymise import read_key

SAME_PATHS = "region mode needs the same paths on every machine (docs/operations.md, region mode)"


def check_worker(paths: RunPaths, fingerprint: str, host: str) -> None:
    """Raise UsageError unless this machine sees the run's inbox and warehouse folders and a key file
    with the key the command fingerprinted (`fingerprint`); `host` names the worker in the message."""
    for path, seen in (
        (paths.inbox, Path.is_dir),
        (paths.warehouse, Path.is_dir),
        (paths.resolved_key_file(), Path.is_file),
    ):
        if not seen(path):
            raise UsageError(f"worker {host} cannot see {path}: {SAME_PATHS}")
    if key_fingerprint(read_key(paths.resolved_key_file())) != fingerprint:
        raise UsageError(
            f"worker {host} sees another pseudonymisation key at {paths.resolved_key_file()} than the "
            f"command: pseudonyms would not match; {SAME_PATHS}"
        )


def worker_host(address: str | None) -> str:
    """The host of a Dask worker's address (tcp://10.0.0.7:40211 -> 10.0.0.7), else this machine's name."""
    return (urlparse(address).hostname if address else None) or socket.gethostname()
