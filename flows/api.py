"""One Prefect API for every process of a run.

With no server configured (no PREFECT_API_URL), Prefect starts a temporary API server in each process
that needs one. A run that hands tasks to other processes (backfill's preparing processes, region mode's
Dask workers) would then start one per process, seconds apiece, and keep their task runs apart from the
flow's. `shared_api` starts the process's own temporary server (the one Prefect's client already uses,
if it has started) and puts its address in the settings that Prefect ships to those processes.

The CLI does better: `start_temporary_api` starts that server as its first step, and the seconds it
takes to start pass while the CLI imports the flows and Great Expectations.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import prefect
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_HOME,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    get_current_settings,
    temporary_settings,
)

from csc_report.errors import PrefectUnavailable


@contextmanager
def shared_api() -> Iterator[None]:
    """Within it, the API address is set: the configured one, else this process's temporary server's
    (Prefect stops that server when the process exits, as it always does)."""
    if PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer  # seconds to import: only when needed

    server = SubprocessASGIServer()
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


class TemporaryApi:
    """Prefect's temporary API server, started as Prefect starts it (`SubprocessASGIServer`: uvicorn
    serving `prefect.server.api.server:create_app` on a free local port, the UI off, stopped when this
    process exits) but without importing Prefect's server module into this process. That import takes
    about 4 s before Prefect's own class can start anything, and a run that is given the server's
    address never needs it."""

    PORT_TAKEN = 3  # uvicorn's exit status when another process took the port first

    def __init__(self) -> None:
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._spawn()
        atexit.register(self.stop)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _spawn(self) -> None:
        with socket.socket() as probe:  # a port free now; uvicorn exits with PORT_TAKEN if it is not
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        server_env = {
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn",
                "--app-dir", str(Path(prefect.__file__).parent.parent),
                "--factory", "prefect.server.api.server:create_app",
                "--host", "127.0.0.1", "--port", str(self.port),
                "--log-level", "error", "--lifespan", "on",
            ],
            env={
                **os.environ,
                **server_env,
                **get_current_settings().to_environment_variables(exclude_unset=True),
            },
        )  # fmt: skip

    def wait(self) -> str:
        """Wait until the server answers its health check; its API address. Fails with one line
        (PrefectUnavailable) when it exits, or does not answer within Prefect's ephemeral start-up
        timeout; the server's own error, if it printed one, is above that line on stderr."""
        limit = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            status = self.process.poll()
            if status == self.PORT_TAKEN:
                self._spawn()
            elif status is not None:
                self.process = None
                raise PrefectUnavailable(
                    f"Prefect's temporary API server exited with status {status} as it started, so "
                    f"nothing was run (its database is in {PREFECT_HOME.value()}; its own error, if "
                    "any, is above); or set PREFECT_API_URL to a running Prefect server"
                )
            if answers(self.url):
                return self.url
            time.sleep(0.1)
        raise PrefectUnavailable(
            f"Prefect's temporary API server did not answer within {limit} s, so nothing was run; on a "
            "busy machine raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or set PREFECT_API_URL "
            "to a running Prefect server"
        )

    def stop(self) -> None:
        """Stop the server as Prefect stops its own: terminate, and kill if it has not ended in 5 s."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def answers(api_url: str) -> bool:
    """Whether the API at `api_url` answers its health check (asked directly even where the
    environment names a proxy: csc_report.settings.configure_prefect_environment sees to that). A new
    opener reads the proxy settings as they are now; `urlopen` keeps the first it saw in the process."""
    with suppress(urllib.error.URLError, ConnectionError, TimeoutError):
        with urllib.request.build_opener().open(f"{api_url}/health", timeout=5) as answer:
            return answer.status == 200
    return False


def start_temporary_api() -> TemporaryApi | None:
    """Start this process's temporary server now, when no server is configured (None when one is)."""
    return None if PREFECT_API_URL.value() else TemporaryApi()


@contextmanager
def answering(api: TemporaryApi | None) -> Iterator[None]:
    """Within it, flows use `api` (once it answers: until then Prefect's client would fail), or the
    configured server when `api` is None."""
    if api is None:
        yield
        return
    with temporary_settings({PREFECT_API_URL: api.wait()}):
        yield
