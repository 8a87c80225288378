"""Newline-delimited JSON payloads (Vercel AI SDK ``*.chunks.txt`` fixtures): one frame per line.

The SSE envelope was stripped when these fixtures were captured, so a frame is just a line; it is
decoded incrementally like every other framing so that offsets stay exact for any chunking.
"""

from __future__ import annotations

from harness.findings import Finding, Location
from harness.wire.frames import Frame, utf8_payload


class JSONLinesDecoder:
    def __init__(self, *, exchange: int | None = None) -> None:
        self.exchange = exchange
        self.findings: list[Finding] = []
        self._buffer = bytearray()
        self._offset = 0
        self._frames = 0

    def feed(self, chunk: bytes) -> list[Frame]:
        self._buffer += chunk
        frames: list[Frame] = []
        start = 0
        while (end := self._buffer.find(b"\n", start)) != -1:
            frames += self._line(start, end, end + 1)
            start = end + 1
        del self._buffer[:start]
        self._offset += start
        return frames

    def close(self) -> list[Frame]:
        frames = self._line(0, len(self._buffer), len(self._buffer)) if self._buffer else []
        self._offset += len(self._buffer)
        self._buffer.clear()
        return frames

    def _line(self, start: int, end: int, after: int) -> list[Frame]:
        raw = bytes(self._buffer[start:end]).rstrip(b"\r")
        if not raw.strip():
            return []
        offset = self._offset + start
        payload = utf8_payload(raw, Location(exchange=self.exchange, frame=self._frames, offset=offset), self.findings)
        frame = Frame(index=self._frames, offset=offset, end=self._offset + after, payload=payload)
        self._frames += 1
        return [frame]
