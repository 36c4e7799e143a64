"""Checking an SFTP server's host key against `known_hosts` before any credential is sent.

fsspec's SFTP filesystem, left to itself, accepts whatever key a server offers (paramiko's
AutoAddPolicy). A server that answers on the inbox's address with another key (a man in the middle, or
a rebuilt server nobody announced) would then be sent the password and trusted with children's data.
So the connection here checks the key first, as OpenSSH does:

- the keys come from a known_hosts file in OpenSSH's format (hashed names included): the one named by
  the `known_hosts` inbox option, else the service account's `~/.ssh/known_hosts`;
- a key that differs from the file's, or a host the file does not know, stops the connection after the
  key exchange and before authentication, with one line naming the host and the offered key's SHA256
  fingerprint (HostKeyRejected: a configuration error, exit 2, never retried);
- `host_key_policy: accept-new` (OpenSSH's StrictHostKeyChecking=accept-new, for first set-up) trusts
  a host the file does not know yet and appends its key to the file; a changed key is still refused.
"""

from __future__ import annotations

import os
from pathlib import Path

import paramiko
from fsspec.implementations.sftp import SFTPFileSystem

from csc_report.errors import HostKeyRejected, UsageError

STRICT, ACCEPT_NEW = "strict", "accept-new"
POLICIES = (STRICT, ACCEPT_NEW)


def default_known_hosts() -> Path:
    return Path.home() / ".ssh" / "known_hosts"


def host_entry_name(host: str, port: int) -> str:
    """The name OpenSSH files a host's key under: `host`, or `[host]:port` off port 22."""
    return host if port == 22 else f"[{host}]:{port}"


class _Unknown(paramiko.MissingHostKeyPolicy):
    """Refuse a host the known_hosts file does not hold (OpenSSH's StrictHostKeyChecking=yes)."""

    def __init__(self, known_hosts: Path):
        self.known_hosts = known_hosts

    def missing_host_key(self, client, hostname, key) -> None:
        raise HostKeyRejected(
            f"{hostname}: host key {key.fingerprint} ({key.get_name()}) is not in {self.known_hosts}; "
            "nothing was sent. Check the fingerprint with the server's administrator, then add the key "
            "(ssh-keyscan, or host_key_policy: accept-new once; see docs/operations.md)"
        )


class _AcceptNew(_Unknown):
    """Trust a host the file does not know yet and append its key (OpenSSH's accept-new)."""

    def missing_host_key(self, client, hostname, key) -> None:
        line = paramiko.hostkeys.HostKeyEntry([hostname], key).to_line()
        self.known_hosts.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.known_hosts, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line)
        client.get_host_keys().add(hostname, key.get_name(), key)


class VerifiedSFTPFileSystem(SFTPFileSystem):
    """fsspec's SFTP filesystem whose connection checks the host key first (see the module doc).

    Takes `known_hosts` (a path) and `host_key_policy` (strict or accept-new) besides paramiko's own
    connection options.
    """

    def __init__(self, host, known_hosts: str | None = None, host_key_policy: str = STRICT, **ssh_kwargs):
        if host_key_policy not in POLICIES:
            raise UsageError(f"host_key_policy must be one of {', '.join(POLICIES)}, got {host_key_policy!r}")
        self.known_hosts = Path(known_hosts).expanduser() if known_hosts else default_known_hosts()
        self.accept_new = host_key_policy == ACCEPT_NEW
        super().__init__(host, **ssh_kwargs)

    def _connect(self) -> None:
        client = paramiko.SSHClient()
        if self.known_hosts.is_file():
            client.get_host_keys().load(str(self.known_hosts))  # not load_host_keys: never rewritten
        elif not self.accept_new and self.known_hosts != default_known_hosts():
            raise UsageError(f"known_hosts file {self.known_hosts} does not exist")
        client.set_missing_host_key_policy((_AcceptNew if self.accept_new else _Unknown)(self.known_hosts))
        try:
            client.connect(self.host, **self.ssh_kwargs)
        except paramiko.BadHostKeyException as exc:
            client.close()
            host = host_entry_name(self.host, int(self.ssh_kwargs.get("port", 22)))
            raise HostKeyRejected(
                f"{host}: host key {exc.key.fingerprint} is NOT the one {self.known_hosts} holds "
                f"({exc.expected_key.fingerprint}); nothing was sent. Someone may be impersonating the "
                "server (man in the middle), or its key was changed: confirm the new fingerprint with "
                "its administrator before replacing the line in known_hosts"
            ) from None
        except BaseException:
            client.close()
            raise
        self.client = client
        self.ftp = client.open_sftp()
