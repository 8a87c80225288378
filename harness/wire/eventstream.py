"""AWS binary event stream (``application/vnd.amazon.eventstream``): incremental, byte-exact.

Layout, CRCs, header types and limits follow specs/gemini-mistral-bedrock.md section E (itself
checked against botocore's ``EventStreamBuffer`` and the official vectors from aws/aws-sdk-go
``private/protocol/eventstream/testdata``). No maintained library fits: botocore's buffer raises
on the first bad byte and keeps no offsets, and the harness must report the problem and go on.

Once a prelude is trusted (its CRC matches) the message boundary is known, so a message whose own
CRC or headers are bad is reported and skipped; a bad prelude loses the boundary, and everything
after it is reported as one unreadable tail.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from harness.findings import Finding, Location, finding
from harness.wire.frames import Frame

PRELUDE = 12
OVERHEAD = 16  # prelude + message CRC
SUSPECT_MESSAGE = 16 * 1024 * 1024  # aws-c-event-stream's limit
MAX_MESSAGE = 24 * 1024 * 1024  # botocore's payload limit: beyond it no SDK would read the message
MAX_HEADERS = 128 * 1024

_PRELUDE = struct.Struct(">III")
_CRC = struct.Struct(">I")
_FIXED: dict[int, struct.Struct] = {2: struct.Struct(">b"), 3: struct.Struct(">h"), 4: struct.Struct(">i"),
                                    5: struct.Struct(">q"), 8: struct.Struct(">q")}
_LENGTH = struct.Struct(">H")
TYPE_HEADERS = {"event": ":event-type", "exception": ":exception-type", "error": ":error-code"}


class HeaderError(ValueError):
    """The headers section of a message (whose CRC matched) cannot be read."""


@dataclass(frozen=True, slots=True)
class Header:
    name: str
    type: int
    value: Any  # bool, int (timestamps in ms), bytes, str or UUID


def crc32(data: bytes | memoryview, seed: int = 0) -> int:
    return zlib.crc32(data, seed) & 0xFFFFFFFF


def parse_headers(raw: bytes) -> list[Header]:
    """Header records back to back, consumed exactly; unknown types and repeated names are errors."""
    headers: list[Header] = []
    seen: set[str] = set()
    at = 0
    try:
        while at < len(raw):
            size = raw[at]
            name = raw[at + 1 : at + 1 + size].decode("utf-8")
            at += 1 + size
            kind = raw[at]
            at += 1
            value: Any
            if kind in (0, 1):
                value = kind == 0
            elif kind in _FIXED:
                (value,) = _FIXED[kind].unpack_from(raw, at)
                at += _FIXED[kind].size
            elif kind in (6, 7):
                (length,) = _LENGTH.unpack_from(raw, at)
                value = raw[at + 2 : at + 2 + length]
                if len(value) != length:
                    raise HeaderError(f"header {name!r} value runs past the headers section")
                value = value.decode("utf-8") if kind == 7 else bytes(value)
                at += 2 + length
            elif kind == 9:
                if at + 16 > len(raw):
                    raise HeaderError(f"header {name!r} value runs past the headers section")
                value = UUID(bytes=bytes(raw[at : at + 16]))
                at += 16
            else:
                raise HeaderError(f"header {name!r} has unknown value type {kind}")
            if name in seen:
                raise HeaderError(f"header {name!r} appears twice")
            seen.add(name)
            headers.append(Header(name, kind, value))
    except (IndexError, struct.error) as error:
        raise HeaderError(f"headers section ends inside a record at byte {at}") from error
    except UnicodeDecodeError as error:
        raise HeaderError(f"a header name or string value is not UTF-8 ({error.reason})") from error
    return headers


def looks_like_eventstream(body: bytes) -> bool:
    """A body starts with a prelude whose CRC matches: real Bedrock has served event streams as
    ``application/json`` (boto/boto3#3997), so the bytes decide, not the header."""
    if len(body) < OVERHEAD:
        return False
    total, headers, prelude_crc = _PRELUDE.unpack_from(body)
    return crc32(body[:8]) == prelude_crc and total >= OVERHEAD and headers <= total - OVERHEAD


class EventStreamDecoder:
    """Feed bytes in any split; get the same frames, each with its byte offset and headers.

    A frame's ``event`` is its ``:event-type`` (or ``:exception-type`` / ``:error-code``), ``payload``
    its raw bytes and ``data`` the payload as text (for display: the payload is opaque to the framing,
    so invalid UTF-8 is for the JSON parse of ``payload`` to report). Which headers a message must carry is a rule of
    the services, not of the framing (the official vectors carry none), so providers check it.
    """

    def __init__(self, *, exchange: int | None = None) -> None:
        self.exchange = exchange
        self.findings: list[Finding] = []
        self._buffer = bytearray()
        self._offset = 0  # absolute offset of the buffer's first byte
        self._frames = 0
        self._lost = False  # a prelude could not be trusted: no boundary to resume at

    def feed(self, chunk: bytes) -> list[Frame]:
        if self._lost:
            self._offset += len(chunk)
            return []
        self._buffer += chunk
        frames: list[Frame] = []
        view = self._buffer
        at = 0
        while len(view) - at >= PRELUDE:
            total, headers_length, prelude_crc = _PRELUDE.unpack_from(view, at)
            problem = self._prelude_problem(view, at, total, headers_length, prelude_crc)
            if problem:
                self._flag(*problem, offset=self._offset + at)
                self._lost = True
                self._offset += len(view)
                self._buffer = bytearray()
                return frames
            if len(view) - at < total:
                break
            frame = self._message(bytes(view[at : at + total]), self._offset + at, headers_length)
            if frame is not None:
                frames.append(frame)
            at += total
        del self._buffer[:at]
        self._offset += at
        return frames

    def close(self) -> list[Frame]:
        """The body ended: bytes left over are a message cut short (or stray trailing bytes)."""
        if self._buffer and not self._lost:
            left = len(self._buffer)
            if left >= PRELUDE:
                (total,) = _CRC.unpack_from(self._buffer)
                self._flag("WIRE-003", f"the stream ends {left} bytes into a {total}-byte message",
                           offset=self._offset)
            else:
                self._flag("WIRE-009", f"{left} trailing bytes after the last message", offset=self._offset)
        self._offset += len(self._buffer)
        self._buffer = bytearray()
        return []

    # -- one message --------------------------------------------------------------------------------

    def _prelude_problem(self, view: bytearray, at: int, total: int, headers: int, crc: int) -> tuple[str, str] | None:
        if crc32(memoryview(view)[at : at + 8]) != crc:
            return "WIRE-010", "prelude CRC mismatch: the message lengths cannot be trusted"
        if total < OVERHEAD or headers > total - OVERHEAD:
            return "WIRE-011", f"impossible lengths: total {total}, headers {headers}"
        if headers > MAX_HEADERS:
            return "WIRE-011", f"headers section of {headers} bytes exceeds {MAX_HEADERS}"
        if total > MAX_MESSAGE:
            return "WIRE-002", f"message of {total} bytes exceeds the {MAX_MESSAGE}-byte limit"
        return None

    def _message(self, message: bytes, offset: int, headers_length: int) -> Frame | None:
        total = len(message)
        (message_crc,) = _CRC.unpack_from(message, total - 4)
        if crc32(message[:-4]) != message_crc:
            self._flag("WIRE-012", "message CRC mismatch: headers and payload are corrupt", offset=offset)
            return None
        try:
            headers = parse_headers(message[PRELUDE : PRELUDE + headers_length])
        except HeaderError as error:
            self._flag("WIRE-013", str(error), offset=offset)
            return None
        if total > SUSPECT_MESSAGE:
            self._flag("WIRE-015", f"message of {total} bytes exceeds the {SUSPECT_MESSAGE}-byte C runtime limit",
                       offset=offset)
        values = {header.name: header.value for header in headers}
        payload = message[PRELUDE + headers_length : -4]
        name = values.get(TYPE_HEADERS.get(values.get(":message-type"), ":event-type"))
        frame = Frame(index=self._frames, offset=offset, end=offset + total, payload=payload,
                      event=name if isinstance(name, str) else None, headers=values)
        self._frames += 1
        return frame

    def _flag(self, check: str, message: str, *, offset: int) -> None:
        self.findings.append(finding(check, message, Location(exchange=self.exchange, frame=self._frames, offset=offset)))


# -- encoding (simulation and fixtures) -------------------------------------------------------------------


def encode_header(name: str, value: Any) -> bytes:
    """One header record, its type chosen from the Python value (str, bytes, bool, int, UUID)."""
    raw = name.encode("utf-8")
    head = bytes([len(raw)]) + raw
    if isinstance(value, bool):
        return head + bytes([0 if value else 1])
    if isinstance(value, int):
        kind = 4 if -(2**31) <= value < 2**31 else 5
        return head + bytes([kind]) + _FIXED[kind].pack(value)
    if isinstance(value, UUID):
        return head + b"\x09" + value.bytes
    data, kind = (value, 6) if isinstance(value, bytes) else (str(value).encode("utf-8"), 7)
    return head + bytes([kind]) + _LENGTH.pack(len(data)) + data


def encode_message(headers: dict[str, Any], payload: bytes) -> bytes:
    raw_headers = b"".join(encode_header(name, value) for name, value in headers.items())
    total = OVERHEAD + len(raw_headers) + len(payload)
    prelude = struct.pack(">II", total, len(raw_headers))
    body = prelude + _CRC.pack(crc32(prelude)) + raw_headers + payload
    return body + _CRC.pack(crc32(body))


def encode_event(event_type: str, payload: bytes, content_type: str = "application/json") -> bytes:
    """An ``event`` message as AWS services send them (the three standard headers, in their order)."""
    return encode_message(
        {":event-type": event_type, ":content-type": content_type, ":message-type": "event"}, payload
    )


def encode_exception(exception_type: str, payload: bytes) -> bytes:
    return encode_message(
        {":message-type": "exception", ":exception-type": exception_type, ":content-type": "application/json"},
        payload,
    )
