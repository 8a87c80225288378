"""The numbers that bound loading, and the content types the loader gives raw stream files."""

from __future__ import annotations

from dataclasses import dataclass

MAX_FILE_BYTES = 64 * 1024 * 1024  # the file as stored, and a gzip-compressed cassette once inflated
MAX_BODY_BYTES = 256 * 1024 * 1024  # one body once its content codings are decoded
MAX_EXPANDED_NODES = 5_000_000  # what the document would hold with every alias copied out
MAX_EXPANDED_BYTES = 128 * 1024 * 1024  # the scalars' bytes with every alias copied out
CHUNKS_CONTENT_TYPE = "application/x-ndjson"  # one JSON payload per line, as Vercel's fixtures store them
EVENTSTREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream"


@dataclass(frozen=True, slots=True)
class Limits:
    """Every limit of one load; tests pass small ones to reach them cheaply.

    ``expanded_bytes`` counts scalar bytes with every alias copied out; it is never below
    ``file_bytes``, so a document without aliases (whose scalars all sit in the file) always passes.
    """

    file_bytes: int = MAX_FILE_BYTES
    body_bytes: int = MAX_BODY_BYTES
    expanded_nodes: int = MAX_EXPANDED_NODES
    expanded_bytes: int = MAX_EXPANDED_BYTES

    @property
    def expanded_bytes_cap(self) -> int:
        return max(self.expanded_bytes, self.file_bytes)
