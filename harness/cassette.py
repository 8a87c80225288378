"""Load (and save) cassettes safely: vcrpy YAML and JSON, gzip-compressed cassettes, HAR files, nock
recordings, raw SSE files, AWS event-stream bodies, and Vercel AI SDK chunk fixtures.

A cassette comes from anywhere, so loading is defensive: regular files only (a FIFO or a device is
refused before it is opened), a size limit on the file and on every decoded body, no YAML tag beyond
the safe schema and ``!!binary``, aliases bounded by their expanded size, and credentials flagged.
Whatever goes wrong becomes a finding; the loader itself never raises on a file's content. The
readers live in ``harness.formats``, one module each; this module is the entry point and keeps the
public names.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from harness.findings import Location
from harness.formats.bodies import GZIP_MAGIC
from harness.formats.files import head, inflate_file, read_file
from harness.formats.limits import (
    CHUNKS_CONTENT_TYPE,
    EVENTSTREAM_CONTENT_TYPE,
    MAX_BODY_BYTES,
    MAX_EXPANDED_BYTES,
    MAX_EXPANDED_NODES,
    MAX_FILE_BYTES,
    Limits,
)
from harness.formats.model import Cassette, CassetteMeta
from harness.formats.raw import raw_format
from harness.formats.secrets import SECRET_HEADERS, SECRET_QUERY, looks_redacted, scrub, scrub_uri
from harness.formats.sniff import JSON_NAMES, looks_like_json_cassette, read_content
from harness.formats.vcr_yaml import SafeLoader, save

__all__ = [
    "CHUNKS_CONTENT_TYPE", "EVENTSTREAM_CONTENT_TYPE", "MAX_BODY_BYTES", "MAX_EXPANDED_BYTES", "MAX_EXPANDED_NODES",
    "MAX_FILE_BYTES", "SECRET_HEADERS", "SECRET_QUERY", "Cassette", "CassetteMeta", "Limits", "SafeLoader",
    "is_cassette_file", "load", "looks_redacted", "save", "scrub", "scrub_uri",
]

_NAMED = (".yaml", ".yml", ".har", ".sse", ".bin", ".txt")
_SNIFF_BYTES = 64 * 1024


def is_cassette_file(path: Path) -> bool:
    """Whether a folder walk should load this file: by its name (``.yaml``, ``.yml``, ``.har``,
    ``.sse``, ``.bin``, ``.txt``, each also gzip-compressed as ``.gz``), and for ``.json`` (or
    ``.json.gz``) by its first bytes, which must show a vcrpy, HAR or nock document, so the JSON files
    of a tree (schemas, package manifests) are not taken for cassettes."""
    name = path.name.lower()
    base = name.removesuffix(".gz")
    if base.endswith(_NAMED):
        return True
    return base.endswith(JSON_NAMES) and looks_like_json_cassette(head(path, _SNIFF_BYTES))


def load(path: Path, provider: str | None = None, *, max_file_bytes: int | None = None,
         limits: Limits | None = None) -> Cassette:
    """Load any supported file into exchanges; problems are findings on the returned cassette.

    ``Cassette.format`` names the reader that read it; ``Cassette.unreadable`` says why, when the file
    is not a cassette in any supported format. ``max_file_bytes`` overrides the file limit of
    ``limits`` (``harness.formats.limits`` has the defaults).
    """
    limits = limits or Limits()
    if max_file_bytes is not None:
        limits = replace(limits, file_bytes=max_file_bytes)
    cassette = Cassette(path=path, meta=CassetteMeta(provider=provider))
    where = Location(cassette=str(path))
    raw = read_file(path, cassette, where, limits.file_bytes)
    if raw is None:
        return cassette
    name = path.name.lower().removesuffix(".gz")
    # gzip by content: a structured file under any name, a raw stream only when its name says so
    compressed = raw.startswith(GZIP_MAGIC) and (path.name.lower().endswith(".gz") or raw_format(name) is None)
    if compressed:
        raw = inflate_file(raw, cassette, where, limits.file_bytes)
        if raw is None:
            return cassette
    read_content(raw, name, cassette, where, limits)
    if compressed and cassette.format is not None:
        cassette.format += "+gzip"
    for exchange in cassette.exchanges:
        exchange.provider_hint = cassette.meta.provider
    return cassette
