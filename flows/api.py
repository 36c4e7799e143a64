"""One Prefect API for every process of a run.

With no server configured (no PREFECT_API_URL), Prefect starts a temporary API server in each process
that needs one. A run that hands tasks to other processes (backfill's second process, region mode's
Dask workers) would then start one per process, seconds apiece, and keep their task runs apart from the
flow's. `shared_api` starts the process's own temporary server (the one Prefect's client already uses,
if it has started) and puts its address in the settings that Prefect ships to those processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import PREFECT_API_URL, temporary_settings


@contextmanager
def shared_api() -> Iterator[None]:
    """Within it, the API address is set: the configured one, else this process's temporary server's
    (Prefect stops that server when the process exits, as it always does)."""
    if PREFECT_API_URL.value():
        yield
        return
    server = SubprocessASGIServer()
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def start_in_background() -> Callable[[], None]:
    """Start this process's temporary server on a thread, when no server is configured, and return the
    wait for it to answer. Its start-up takes seconds, and on a user's first run a dozen more to create
    its database; `csc-report demo` makes its inbox meanwhile, on the other core. Call the wait before
    the first flow: until the server answers, Prefect's client takes it as started and fails."""
    if PREFECT_API_URL.value():
        return lambda: None
    starting = ThreadPoolExecutor(1, thread_name_prefix="prefect-api-start")
    started = starting.submit(SubprocessASGIServer().start)
    starting.shutdown(wait=False)  # the thread ends with the start; nothing else is given to it
    return started.result
