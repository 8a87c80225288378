"""Incremental splitter for a streamed JSON array: ``[{...},\\r\\n{...}]``, one frame per element.

Gemini's ``:streamGenerateContent`` without ``alt=sse`` streams a single JSON array whose elements
arrive split across HTTP chunks at arbitrary points (specs/gemini-mistral-bedrock.md A.1; symfony/ai#1988,
nyo16/nous#26). The splitter tracks bracket depth outside strings, honours backslash escapes, and
keeps every piece of state between ``feed`` calls, so any chunking yields the same frames with the
same byte offsets. Malformed framing (no ``[``, junk or a missing comma between elements, no ``]``)
becomes findings, never exceptions; the JSON inside an element is the provider's to parse.
"""

from __future__ import annotations

import re
from typing import Literal

from harness.findings import Finding, Location, finding
from harness.wire.frames import Frame, utf8_payload
from harness.wire.sse import DEFAULT_MAX_FRAME_BYTES

State = Literal["open", "value", "comma", "element", "done"]
_WHITESPACE = frozenset(b" \t\r\n")
_OPENERS = frozenset(b"{[")
_IN_ELEMENT = re.compile(rb'[{}\[\]"]')
_IN_STRING = re.compile(rb'["\\]')
BOM = b"\xef\xbb\xbf"


class JSONStreamDecoder:
    """Feed bytes in any chunking; get each array element back as soon as its closing bracket arrives."""

    def __init__(self, *, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES, exchange: int | None = None) -> None:
        self.max_frame_bytes = max_frame_bytes
        self.exchange = exchange
        self.findings: list[Finding] = []
        self._state: State = "open"
        self._offset = 0  # absolute offset of the next byte fed
        self._frames = 0
        self._after_comma = False  # in "value": a comma (not the opening bracket) came last
        self._in_junk = False  # inside a run of bytes that belong to no element (reported once per run)
        self._element = bytearray()
        self._element_start = 0
        self._depth = 0
        self._in_string = False
        self._escaped = False
        self._oversize = False

    # -- public -------------------------------------------------------------------------------------

    def feed(self, chunk: bytes) -> list[Frame]:
        frames: list[Frame] = []
        position = 0
        while position < len(chunk):
            if self._state == "element":
                position, frame = self._scan_element(chunk, position)
                if frame is not None:
                    frames.append(frame)
            else:
                self._between(chunk[position], self._offset + position)
                position += 1
        self._offset += len(chunk)
        return frames

    def close(self) -> list[Frame]:
        """End of body: an element or the array left open means the stream was cut short (WIRE-003)."""
        if self._state == "element":
            self._flag("WIRE-003", f"the body ends inside an array element ({self._depth} bracket(s) open)",
                       self._element_start)
        elif self._state in ("value", "comma"):
            self._flag("WIRE-003", "the body ends before the array's closing `]`", self._offset)
        self._state = "done"
        return []

    # -- outside elements -----------------------------------------------------------------------------

    def _between(self, byte: int, at: int) -> None:
        if byte in _WHITESPACE or (self._state == "open" and at < len(BOM) and byte == BOM[at]):
            return  # a leading BOM is tolerated, as the SSE decoder tolerates it
        state = self._state
        if byte in _OPENERS and state in ("value", "comma") or (byte == ord("{") and state == "open"):
            if state == "comma":
                self._flag("WIRE-401", "elements without a `,` between them", at)
            elif state == "open":
                self._flag("WIRE-401", "the body does not open with `[`", at)
            self._start_element(byte, at)
        elif byte == ord("[") and state == "open":
            self._state, self._after_comma = "value", False
        elif byte == ord(",") and state == "comma":
            self._state, self._after_comma = "value", True
        elif byte == ord("]") and state in ("value", "comma"):
            if state == "value" and self._after_comma:
                self._flag("WIRE-401", "a `,` right before the closing `]`", at)
            self._state = "done"
        else:
            self._junk(byte, at)
            return
        self._in_junk = False

    def _junk(self, byte: int, at: int) -> None:
        if self._in_junk:
            return
        self._in_junk = True
        where = {"open": "before the array", "value": "where an element was due",
                 "comma": "between elements", "done": "after the closing `]`"}[self._state]
        self._flag("WIRE-401", f"unexpected byte {bytes([byte])!r} {where}", at)

    # -- inside an element ------------------------------------------------------------------------------

    def _start_element(self, byte: int, at: int) -> None:
        self._state = "element"
        self._element = bytearray([byte])
        self._element_start = at
        self._depth = 1
        self._in_string = self._escaped = self._oversize = False

    def _scan_element(self, chunk: bytes, position: int) -> tuple[int, Frame | None]:
        """Advance through the element up to its closing bracket or the end of the chunk."""
        start = position
        while position < len(chunk):
            if self._escaped:
                self._escaped = False
                position += 1
                continue
            pattern = _IN_STRING if self._in_string else _IN_ELEMENT
            match = pattern.search(chunk, position)
            if match is None:
                position = len(chunk)
                break
            position = match.end()
            mark = chunk[match.start()]
            if mark == ord("\\"):
                self._escaped = True
            elif mark == ord('"'):
                self._in_string = not self._in_string
            elif mark in _OPENERS:
                self._depth += 1
            else:
                self._depth -= 1
                if self._depth == 0:
                    self._keep(chunk[start:position])
                    return position, self._emit(self._offset + position)
        self._keep(chunk[start:position])
        return position, None

    def _keep(self, piece: bytes) -> None:
        if self._oversize:
            return
        self._element += piece
        if len(self._element) > self.max_frame_bytes:
            self._oversize = True
            self._element = bytearray()
            self._flag("WIRE-002", f"array element larger than {self.max_frame_bytes} bytes (dropped)",
                       self._element_start)

    def _emit(self, end: int) -> Frame | None:
        self._state, self._in_junk = "comma", False
        if self._oversize:
            return None
        raw = bytes(self._element)
        self._element = bytearray()
        payload = utf8_payload(raw, Location(exchange=self.exchange, frame=self._frames, offset=self._element_start),
                               self.findings)
        frame = Frame(index=self._frames, offset=self._element_start, end=end, payload=payload)
        self._frames += 1
        return frame

    def _flag(self, check: str, message: str, at: int) -> None:
        self.findings.append(finding(check, message, Location(exchange=self.exchange, frame=self._frames, offset=at)))
