"""The unit every wire decoder yields: one frame, with where it sat in the body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.findings import Finding, Location, finding


@dataclass(slots=True)
class Frame:
    """One decoded message of a stream.

    ``offset`` is the byte offset of the frame's first byte in the body and ``end`` the offset just
    past its last byte. ``payload`` is the message's bytes as the wire carried them (SSE ``data``
    lines joined with ``\\n``, a JSON line, an array element, an event-stream payload): bytes, because
    the JSON parsers read UTF-8 directly, and a text decoded only to be encoded again cost a third of
    a microsecond per event (bench/README.md). The text framings hand on valid UTF-8 only, with what
    is not replaced after a WIRE-001 finding; an event-stream payload is opaque bytes to its framing.
    ``headers`` holds what a binary framing carries beside the payload (None for the text framings).
    """

    index: int
    offset: int
    end: int
    payload: bytes = b""
    event: str | None = None
    id: str | None = None
    retry: int | None = None
    headers: dict[str, Any] | None = None
    truncated: bool = False

    @property
    def text(self) -> str:
        """The payload as text, for messages and tests (what is not UTF-8 replaced)."""
        return self.payload.decode("utf-8", errors="replace")


def utf8_payload(raw: bytes, where: Location, findings: list[Finding]) -> bytes:
    """``raw`` when it is UTF-8; else a WIRE-001 finding at the first bad byte (``where``: the frame,
    at the offset of ``raw`` in the body) and the text with what is not replaced by U+FFFD."""
    if raw.isascii():
        return raw
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        findings.append(finding("WIRE-001", f"invalid UTF-8 ({error.reason})",
                                where.with_(offset=(where.offset or 0) + error.start)))
        return raw.decode("utf-8", errors="replace").encode("utf-8")
    return raw
