"""Where Prefect keeps its state for csc-report: once per user, so a new folder does not pay for a new
database, and never over what the user has set."""

from __future__ import annotations

import os

from csc_report import settings


def test_prefect_home_is_per_user_not_per_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)  # not ./.prefect
    settings.configure_prefect_environment()
    home = tmp_path / "state" / "csc-report" / "prefect"
    assert os.environ["PREFECT_HOME"] == str(home)
    assert home.is_dir(), "made with its parents: Prefect makes only the last folder of its home"


def test_a_prefect_home_the_user_set_is_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "mine"))
    settings.configure_prefect_environment()
    assert os.environ["PREFECT_HOME"] == str(tmp_path / "mine")


def test_a_proxy_the_environment_names_is_not_asked_for_this_machine(monkeypatch, tmp_path):
    """A council server's environment often names an HTTP proxy, which cannot reach 127.0.0.1: the
    temporary Prefect server's health, and Prefect's client, must be asked directly. A `no_proxy`
    the user set is kept."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    from csc_report.flows.api import answers

    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/api/health" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    for name in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("no_proxy", "intranet.example")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert not answers(f"http://127.0.0.1:{server.server_port}/api")  # through the proxy
        settings.configure_prefect_environment()
        assert answers(f"http://127.0.0.1:{server.server_port}/api")
        assert not answers(f"http://127.0.0.1:{server.server_port}/elsewhere")
    finally:
        server.shutdown()
        server.server_close()
    assert os.environ["no_proxy"] == "intranet.example,127.0.0.1,localhost"
    assert os.environ["NO_PROXY"] == "127.0.0.1,localhost"


def test_no_proxy_is_left_alone_without_a_proxy(monkeypatch):
    for name in (*settings.PROXY_VARIABLES, "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    settings.configure_prefect_environment()
    assert "no_proxy" not in os.environ and "NO_PROXY" not in os.environ
