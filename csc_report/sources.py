"""Where a month's extract lands, whether it has fully arrived, and the local copy every stage reads.

An inbox is a local folder or a URL that fsspec opens: `file://`, `sftp://user@host/path` (paramiko),
`s3://bucket/prefix` (s3fs; `endpoint_url` for S3-compatible stores), `abfs://` / `az://` (adlfs) and
`smb://` (smbprotocol). The layout under it is the local inbox's (`<la>/<YYYY-MM>/`, `<la>/aliases.yaml`,
`<la>/config.yaml`, `reference/`).

A month has arrived when its folder holds an Annex A extract (csc_report's reading rules; a workforce
file or commentary alone is not the month) and nothing in
it, the authority's aliases or the reference files changed size or modification time between two
listings `settle_seconds` apart: a file still being uploaded is never read. Arrived files are copied
into a staging folder (one per authority, beside the warehouse's cache) through a temporary name,
checked against the size the listing gave and renamed into place, so a reader never sees half a file.
The staging folder has the inbox's layout, so the rest of the run reads it as its inbox, unchanged.

Credentials never come from the URL or the options written in a schedule file: a URL with a password
or an option named like a secret is refused. They come from the options a caller resolves from a
secret store (a Prefect Secret block, in flows/), from the library's own configuration (fsspec's
`FSSPEC_<PROTOCOL>_<OPTION>` environment variables or config files, AWS's variables and profiles,
paramiko's SSH agent and keys), and are never logged: the source is named by `display`, without them.
An SFTP server is sent them only once its host key matches known_hosts (csc_report.host_keys).
"""

from __future__ import annotations

import os
import posixpath
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from csc_report.arguments import no_authority, no_inbox
from csc_report.authority_config import FILE_NAME as AUTHORITY_CONFIG
from csc_report.errors import (
    CscError,
    ExtractIncomplete,
    ExtractMissing,
    SourceRefused,
    SourceUnavailable,
    UsageError,
)
from csc_report.fingerprints import REFERENCE_FILES, file_sha256, input_names, stream_sha256
from csc_report.transforms.read import choose_month_files, is_workforce

SECRET_WORDS = ("password", "passphrase", "secret", "token", "credential", "sas", "connection_string")
SECRET_NAMES = {"key", "pkey", "account_key"}  # s3fs's access key id, paramiko's key object, Azure's key
EXTRAS = {"sftp": "paramiko", "s3": "s3fs", "abfs": "adlfs", "az": "adlfs", "smb": "smbprotocol"}
REFERENCE = "reference"


@dataclass(frozen=True)
class FileState:
    """What a listing says of one file: enough to see it change, and to check a copy of it."""

    size: int
    mtime: str


def is_url(inbox: str) -> bool:
    return "://" in str(inbox)


def check_options(options: dict, where: str) -> None:
    """Refuse secrets among options written in a file: they belong in a secret store (see module doc)."""
    for name, value in options.items():
        lowered = str(name).lower()
        if lowered in SECRET_NAMES or any(word in lowered for word in SECRET_WORDS):
            raise UsageError(
                f"{where}: option {name!r} is a secret; keep it in a Prefect Secret block or the "
                "library's own configuration, never in the schedule file or on the command line"
            )
        if isinstance(value, dict):
            check_options(value, where)


@dataclass(frozen=True)
class Source:
    """An inbox that is pulled from: its URL and the fsspec storage options that open it."""

    url: str
    options: dict = field(default_factory=dict, repr=False)  # may hold secrets: never shown

    @classmethod
    def parse(cls, url: str, options: dict | None = None, secrets: dict | None = None) -> Source:
        """`options` come from a file the user edits (no secrets allowed); `secrets` from a secret store."""
        parts = urlsplit(url)
        if parts.password:
            raise UsageError(
                f"{display_url(url)}: the URL holds a password; keep it in a Prefect Secret block or the "
                "library's own configuration (see docs/operations.md)"
            )
        check_options(options or {}, display_url(url))
        return cls(url.rstrip("/"), {**(options or {}), **(secrets or {})})

    @property
    def display(self) -> str:
        return display_url(self.url)

    @contextmanager
    def connected(self) -> Iterator[tuple]:
        """(filesystem, root path), on a new connection that is closed after: a run that waits for
        hours must not reuse a connection the server has long since dropped, nor a stale listing."""
        import fsspec

        protocol = urlsplit(self.url).scheme
        try:
            with source_errors(self.display):
                if protocol in ("sftp", "ssh"):
                    fs, root = _verified_sftp(self.url, self.options)
                else:
                    fs, root = fsspec.core.url_to_fs(self.url, skip_instance_cache=True, **self.options)
        except ImportError as exc:
            extra = EXTRAS.get(protocol, exc.name)
            raise UsageError(
                f"{self.display}: reading {protocol}:// needs the {extra} package: "
                f"pip install {extra} (or pip install 'csc-report[remote]' for every remote source)"
            ) from None
        except ValueError as exc:
            raise UsageError(f"{self.display}: not an inbox fsspec can open ({exc})") from None
        try:
            yield fs, root
        finally:
            client = getattr(fs, "client", None)  # SFTP's SSH connection; object stores hold none open
            if hasattr(client, "close"):
                client.close()

    def listing(self, la: str, month: str) -> dict[str, FileState]:
        """Every file of the month that the run depends on, by its path in the inbox.

        Raises ExtractMissing while the month folder holds no Annex A extract (a workforce file or a
        commentary alone is not the month): the run waits for it.
        """
        where = f"{self.display}/{la}/{month}"
        with self.connected() as (fs, root), source_errors(self.display):
            try:
                month_files = _files(fs, _join(root, la, month))
            except FileNotFoundError:
                if not fs.isdir(root):  # a mistyped inbox is told at once, not waited out as late data
                    raise no_inbox(self.display) from None
                raise ExtractMissing(
                    f"{where}: no extract for {la} {month} in the inbox yet (folder missing)"
                ) from None
            if all(is_workforce(name) for name in choose_month_files(list(month_files), where)):
                holds = f"only {', '.join(sorted(month_files))}" if month_files else "the folder is empty"
                raise ExtractMissing(
                    f"{where}: no Annex A extract for {la} {month} in the inbox yet ({holds})"
                )
            found = {f"{la}/{month}/{name}": state for name, state in month_files.items()}
            found.update(_optional(fs, _join(root, la), la, {"aliases.yaml", AUTHORITY_CONFIG}))
            found.update(_optional(fs, _join(root, REFERENCE), REFERENCE, set(REFERENCE_FILES)))
        return found

    def check(self, la: str | None = None) -> None:
        """Refuse, as a usage error, an inbox whose root does not exist or (given `la`) that holds no
        folder for the authority: a mistake in the command or the schedule, told at once rather than
        waited out as data that have not arrived. Raises as `connected` does when the server cannot
        be asked (SourceUnavailable), refuses the login or shows an unknown host key (UsageError)."""
        with self.connected() as (fs, root), source_errors(self.display):
            if not fs.isdir(root):
                raise no_inbox(self.display)
            if la is not None and not fs.isdir(_join(root, la)):
                held = [posixpath.basename(e.rstrip("/")) for e in fs.ls(root, detail=False) if fs.isdir(e)]
                raise no_authority(self.display, la, held)

    def month_inputs(self, la: str, month: str) -> list[dict[str, str]]:
        """fingerprints.month_inputs of the month as a staged copy would give them, hashed as the files
        stream from the source and copied nowhere: a month already done is known to be done from the
        listing and the hashes alone, before any engine starts. Raises as `listing` does."""
        listing = self.listing(la, month)
        month_files = [name.rsplit("/", 1)[1] for name in listing if name.startswith(f"{la}/{month}/")]
        inputs = []
        with self.connected() as (fs, root), source_errors(self.display):
            for name in input_names(la, month, month_files):
                if name in listing:
                    with fs.open(_join(root, *name.split("/")), "rb") as handle:
                        inputs.append({"file": name, "sha256": stream_sha256(handle)})
        return inputs

    def arrived(self, la: str, month: str, settle_seconds: float) -> dict[str, FileState]:
        """The month's listing once it is complete: present, and unchanged over `settle_seconds`.

        Raises ExtractMissing (nothing yet) or ExtractIncomplete (something still being written).
        """
        first = self.listing(la, month)
        time.sleep(settle_seconds)
        second = self.listing(la, month)
        changed = sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))
        if changed:
            raise ExtractIncomplete(
                f"{self.display}/{changed[0]}: still being written (changed between two checks "
                f"{settle_seconds:g} s apart); {la} {month} waits until it settles"
            )
        return second

    def stage(self, listing: dict[str, FileState], staging: Path) -> list[dict]:
        """Copy the listed files into `staging` (same layout), atomically, and describe each copy.

        A copy whose size is not the listed size means the file changed after it was checked: it is
        thrown away and the month treated as still arriving. Files that the staging folder holds for
        the same folders but the source no longer has are removed, so the copy mirrors the source.
        """
        records = []
        with self.connected() as (fs, root):
            for name, state in sorted(listing.items()):
                records.append(self._copy(fs, _join(root, *name.split("/")), name, state, staging / name))
        month_dirs = {(staging / name).parent for name in listing if name.count("/") == 2}
        authority_dirs = {folder.parent for folder in month_dirs}  # a withdrawn aliases.yaml goes too
        for folder in month_dirs | authority_dirs | {staging / REFERENCE}:
            for path in folder.glob("*") if folder.is_dir() else ():
                if path.is_file() and path.relative_to(staging).as_posix() not in listing:
                    path.unlink()
        return records

    def _copy(self, fs, remote: str, name: str, state: FileState, dest: Path) -> dict:
        """Copy one file through a temporary name beside `dest`, renamed into place once its size
        is the listed size; returns its record for run.json."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.part")
        try:
            with source_errors(self.display):
                fs.get_file(remote, str(part))
            copied = part.stat().st_size
            if copied != state.size:
                raise ExtractIncomplete(
                    f"{self.display}/{name}: copied {copied} bytes but the source listed {state.size}; "
                    "it is still being written"
                )
            digest = file_sha256(part)
            os.replace(part, dest)
        finally:
            part.unlink(missing_ok=True)
        source = f"{self.display}/{name}"
        return {"file": name, "source": source, "size": state.size, "mtime": state.mtime, "sha256": digest}


def display_url(url: str) -> str:
    """The URL without password or query (which may carry a SAS token): safe for logs and run.json."""
    parts = urlsplit(str(url))
    if not parts.scheme:
        return str(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}@{host}" if parts.username else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")).rstrip("/")


def staging_dir(cache_dir: Path, la: str) -> Path:
    """The authority's local copy of its inbox: beside the cache, one folder per authority so that
    authorities pulled from different sources never share reference files."""
    return cache_dir.parent / "staging" / la


def forget_staged(staging: Path, la: str, month: str) -> None:
    """Drop the month's raw copy once the month is done: it holds identifiable data, the warehouse now
    holds the pseudonymised rows, and a re-run pulls and compares the files again anyway."""
    folder = staging / la / month
    if folder.is_dir():
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


# --- helpers --------------------------------------------------------------------------------------


@contextmanager
def source_errors(display: str) -> Iterator[None]:
    """Turn a library's failure into one line that names the source, never its credentials.

    The library's own message is left out where it could quote what was sent (only its class name
    and an OS error's text are kept). A missing path is the caller's business (FileNotFoundError).
    """
    try:
        yield
    except (CscError, FileNotFoundError, ImportError, ValueError):
        raise
    except PermissionError as exc:
        raise SourceRefused(f"{display}: the server refused the credentials ({type(exc).__name__})") from None
    except Exception as exc:
        name = type(exc).__name__
        if name == "NoCredentialsError" or str(exc) == "No authentication methods available":
            raise SourceRefused(
                f"{display}: no credentials were found, so none were sent ({name}); name a Secret block "
                "in inbox_secret or configure the library (see docs/operations.md)"
            ) from None
        if "auth" in name.lower() or "credential" in name.lower():
            raise SourceRefused(f"{display}: the server refused the credentials ({name})") from None
        detail = f": {exc.strerror}" if isinstance(exc, OSError) and exc.strerror else ""
        raise SourceUnavailable(f"{display}: cannot read the inbox ({name}{detail})") from None


def _verified_sftp(url: str, options: dict) -> tuple:
    """(filesystem, root path) of an sftp:// URL, on a connection that checks the server's host key
    against known_hosts before sending any credential (csc_report.host_keys)."""
    from csc_report.host_keys import VerifiedSFTPFileSystem

    kwargs = {**VerifiedSFTPFileSystem._get_kwargs_from_urls(url), **options}
    fs = VerifiedSFTPFileSystem(skip_instance_cache=True, **kwargs)
    return fs, VerifiedSFTPFileSystem._strip_protocol(url)


def _join(root: str, *parts: str) -> str:
    return posixpath.join(root, *parts) if root else posixpath.join(*parts)


def _files(fs, folder: str) -> dict[str, FileState]:
    """Name -> state of the visible files directly in `folder` (FileNotFoundError if there is none)."""
    entries = fs.ls(folder, detail=True)
    if not entries and not fs.isdir(folder):
        raise FileNotFoundError(folder)
    return {
        posixpath.basename(entry["name"].rstrip("/")): FileState(int(entry.get("size") or 0), _mtime(entry))
        for entry in entries
        if entry.get("type") == "file"
        and not posixpath.basename(entry["name"].rstrip("/")).startswith((".", "~"))
    }


def _optional(fs, folder: str, prefix: str, names: set[str]) -> dict[str, FileState]:
    try:
        files = _files(fs, folder)
    except FileNotFoundError:
        return {}
    return {f"{prefix}/{name}": state for name, state in files.items() if name in names}


def _mtime(entry: dict) -> str:
    """The modification time whatever the filesystem calls it, as ISO text (seconds since the epoch
    locally, datetimes over SFTP and from object stores)."""
    for key in ("mtime", "LastModified", "last_modified", "modified"):
        value = entry.get(key)
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, tz=UTC).isoformat()
        if isinstance(value, datetime):
            return value.isoformat()
        if value:
            return str(value)
    return ""
