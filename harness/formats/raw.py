"""Raw stream files: one response body and nothing else, its framing told by the file's name."""

from __future__ import annotations

from harness.exchange import Exchange, Request, Response
from harness.formats.limits import CHUNKS_CONTENT_TYPE, EVENTSTREAM_CONTENT_TYPE
from harness.formats.model import Cassette

CONTENT_TYPES = {"chunks": CHUNKS_CONTENT_TYPE, "sse": "text/event-stream", "eventstream": EVENTSTREAM_CONTENT_TYPE}


def raw_format(name: str) -> str | None:
    """``chunks`` (Vercel AI SDK fixtures, one JSON per line), ``sse`` or ``eventstream`` (AWS), by name."""
    if name.endswith(".chunks.txt"):
        return "chunks"
    if name.endswith((".sse", ".txt")):
        return "sse"
    if name.endswith(".bin"):
        return "eventstream"
    return None


def read_raw(body: bytes, cassette: Cassette, form: str) -> None:
    response = Response(status=200, headers={"content-type": [CONTENT_TYPES[form]]}, body=body)
    cassette.format = form
    cassette.exchanges.append(Exchange(index=0, request=Request(method="POST"), response=response))
