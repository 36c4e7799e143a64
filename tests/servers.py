"""Real servers on 127.0.0.1 for the source and notification tests, each started and stopped by a test.

- `SftpServer`: asyncssh's SFTP server (a full implementation) in a thread of its own, chrooted to a
  temporary folder, with a throw-away host key (written to a known_hosts file of its own, which
  `options` names) and one user with a password; it records every authentication attempt.
- `S3Server`: moto's standalone server (`moto_server`) in a subprocess, with IAM authentication on, so
  that a wrong secret key is refused as a real store refuses it.
- `WebhookReceiver`: an HTTP server that keeps every POST body (a webhook stands in for Teams/Slack).
- `SmtpReceiver`: aiosmtpd, keeping every message it is sent.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process(process: subprocess.Popen, log) -> None:
    """Stop a server process started by a test: terminate, then kill if it lingers; close its log."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


class SftpServer:
    """`sftp://council@127.0.0.1:<port>/inbox`, serving `root` (the inbox is `root/inbox`)."""

    username = "council"

    def __init__(self, root: Path):
        import asyncssh

        self.root = root
        self.password = "pw-" + secrets.token_hex(8)
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        self.auth_attempts: list[str] = []  # the user names that began authenticating
        auth_attempts = self.auth_attempts
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        expected = (self.username, self.password)
        self.connections: list = []
        connections = self.connections

        class Auth(asyncssh.SSHServer):
            def connection_made(self, conn) -> None:
                connections.append(conn)

            def begin_auth(self, username: str) -> bool:
                auth_attempts.append(username)
                return True

            def password_auth_supported(self) -> bool:
                return True

            def validate_password(self, username: str, password: str) -> bool:
                return (username, password) == expected

        async def start():
            return await asyncssh.listen(
                "127.0.0.1",
                0,
                server_host_keys=[self.host_key],
                server_factory=Auth,
                sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(root).encode()),
            )

        self.server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(timeout=30)
        self.port = self.server.get_port()
        self.url = f"sftp://{self.username}@127.0.0.1:{self.port}/inbox"
        self.secret = {"password": self.password}
        self.wrong_secret = {"password": "wrong-" + secrets.token_hex(8)}
        self.known_hosts = root.parent / f"known_hosts-{self.port}"
        self.known_hosts.write_text(self.known_hosts_line())
        self.options = {"known_hosts": str(self.known_hosts)}

    def known_hosts_line(self, key=None) -> str:
        """The known_hosts line OpenSSH would write for this server (`key`: another key in its place)."""
        public = (key or self.host_key).export_public_key("openssh").decode().split()[:2]
        return f"[127.0.0.1]:{self.port} {' '.join(public)}\n"

    def put(self, name: str, data: bytes) -> None:
        """Write a file into the served inbox as an uploader would: in place, visible as it grows."""
        path = self.root / "inbox" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def stop(self) -> None:
        """Close the listener and every client connection still open, then the loop."""

        async def close():
            self.server.close()
            for conn in self.connections:
                conn.close()
                await conn.wait_closed()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


class S3Server:
    """`s3://extracts/inbox` on moto's standalone server; `secret` holds a real IAM user's key."""

    bucket = "extracts"

    def __init__(self, log: Path):
        import boto3

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3"}  # the three IAM calls below
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_up()
        iam = boto3.client(
            "iam", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id="setup",
            aws_secret_access_key="setup",
        )  # fmt: skip
        iam.create_user(UserName="council")
        allow = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
        iam.put_user_policy(UserName="council", PolicyName="s3", PolicyDocument=json.dumps(allow))
        key = iam.create_access_key(UserName="council")["AccessKey"]
        self.secret = {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
        self.wrong_secret = {"key": key["AccessKeyId"], "secret": "wrong-" + secrets.token_hex(8)}
        self.client = boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
        )  # fmt: skip
        self.client.create_bucket(Bucket=self.bucket)
        self.url = f"s3://{self.bucket}/inbox"
        self.options = {"endpoint_url": self.endpoint}

    def _wait_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"moto_server did not start; see {self.log.name}")

    def put(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=f"inbox/{name}", Body=data)

    def stop(self) -> None:
        stop_process(self.process, self.log)


class WebhookReceiver:
    """Keeps the body of every POST to http://127.0.0.1:<port>/hook."""

    def __init__(self):
        self.bodies: list[str] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.apprise_url = f"json://127.0.0.1:{self.server.server_port}/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmtpReceiver:
    """aiosmtpd on 127.0.0.1, keeping every message's text."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[str] = []
        messages = self.messages

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                messages.append(envelope.content.decode("utf-8", "replace"))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.apprise_url = f"mailto://127.0.0.1:{self.port}?from=csc-report@example.org&to=team@example.org"

    def stop(self) -> None:
        self.controller.stop()
