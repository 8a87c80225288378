"""Cassettes named by an fsspec URL (``file://``, ``s3://``, ``gcs://``...): listed by whoever names
them, read by whoever checks them.

A Dask client sends URLs, never bytes, so the workers read the corpus where it lives and the client's
bandwidth is not the limit. The loader reads local files only (it refuses FIFOs and devices by their
``stat``), so a remote file is copied, at most one byte over the loader's size limit, into a private
temporary folder under its own name (the name can say the format: ``.sse``, ``.chunks.txt``,
``.gz``), checked there, and its report renamed to the URL. fsspec is imported only when a URL is
met: it comes with the ``dask`` extra.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from harness.cassette import MAX_FILE_BYTES, Cassette, CassetteMeta, is_cassette_file
from harness.findings import Location, finding
from harness.report.model import CassetteReport

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_HEAD_BYTES = 64 * 1024  # what is_cassette_file reads of a file its name does not settle


def is_url(path: str) -> bool:
    return _URL.match(path) is not None


def _filesystem(url: str) -> tuple[Any, str]:
    try:
        from fsspec.core import url_to_fs
    except ImportError as error:
        raise ImportError("reading cassettes by URL needs fsspec: "
                          "pip install 'provider-conformance-harness[dask]'") from error
    return url_to_fs(url)


def url_files(url: str) -> list[str]:
    """The URL itself, or for a folder its cassette files, recursively, in path order (the same rule
    as a local folder walk: the name, and for a name that does not settle it, the first bytes)."""
    fs, root = _filesystem(url)
    if not fs.exists(root):
        raise FileNotFoundError(f"no such file or folder: {url}")
    if not fs.isdir(root):
        return [url]
    with tempfile.TemporaryDirectory(prefix="harness-list-") as scratch:
        return [fs.unstrip_protocol(path) for path in sorted(fs.find(root)) if _is_cassette(fs, path, Path(scratch))]


def _is_cassette(fs: Any, path: str, scratch: Path) -> bool:
    local = scratch / PurePosixPath(path).name
    if is_cassette_file(local):  # settled by the name alone (the local file does not exist)
        return True
    with fs.open(path, "rb") as remote:
        local.write_bytes(remote.read(_HEAD_BYTES))
    try:
        return is_cassette_file(local)
    finally:
        local.unlink()


def check_url(url: str, provider: str | None = None, *, strict: bool = False,
              keep_events: bool = False) -> CassetteReport:
    """The report of the cassette at ``url``, as a local file would have it, under the URL."""
    from harness.pipeline import check_cassette
    from harness.run import check_isolated

    try:
        with _local_copy(url) as local:
            return renamed(check_isolated(local, provider, strict=strict, keep_events=keep_events), str(local), url)
    except Exception as error:  # noqa: BLE001  unreadable (any fsspec backend's error): CASSETTE-001, as locally
        cassette = Cassette(path=Path(url), meta=CassetteMeta(provider=provider))
        cassette.findings.append(finding("CASSETTE-001", f"cannot read the file: {error}", Location(cassette=url)))
        return renamed(check_cassette(cassette, strict=strict), str(cassette.path), url)


@contextmanager
def _local_copy(url: str) -> Iterator[Path]:
    """A local path holding the file: the file itself on a local file system, else a private copy."""
    fs, path = _filesystem(url)
    if "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,)):
        yield Path(path)
        return
    with tempfile.TemporaryDirectory(prefix="harness-fetch-") as scratch, fs.open(path, "rb") as remote:
        local = Path(scratch) / PurePosixPath(path).name
        local.write_bytes(remote.read(MAX_FILE_BYTES + 1))  # the loader refuses what is over its limit
        yield local


def renamed(report: CassetteReport, old: str, new: str) -> CassetteReport:
    """The report with the file's path ``old`` replaced by ``new``, on it and on every finding."""
    if old == new:
        return report

    def moved(item: Any) -> Any:
        return item.model_copy(update={"location": item.location.with_(cassette=new)}) \
            if item.location.cassette == old else item

    report.path = new
    report.findings = [moved(item) for item in report.findings]
    for exchange in report.exchanges:
        exchange.findings = [moved(item) for item in exchange.findings]
    if report.crash is not None:
        report.crash = report.crash.replace(old, new)
    return report
