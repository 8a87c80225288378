"""What every AWS event-stream family shares: reading a binary frame into a native event, and back.

A frame's type is its ``:event-type`` header (``:exception-type`` for modelled exceptions,
``:error-code`` for unmodelled errors), never a payload member: AWS payloads carry no type. An
encoder writes a native event as ``{"type": <member name>, **payload}``; ``to_wire`` moves the
type back into the headers. Recorded fixtures that stripped the framing (Vercel's ``*.chunks.txt``)
hold one ``{"<member>": payload}`` object per line, and are read the same way.
"""

from __future__ import annotations

import base64
from typing import Any, ClassVar

import orjson

from harness.cassette import EVENTSTREAM_CONTENT_TYPE
from harness.exchange import Exchange
from harness.findings import Finding, finding
from harness.providers.base import Framing, NativeEvent, Provider, frame_location, json_object
from harness.wire import eventstream
from harness.wire.frames import Frame


class EventStreamProvider(Provider):
    """A family whose responses are ``application/vnd.amazon.eventstream`` messages."""

    framing: ClassVar[Framing] = "eventstream"
    event_types: ClassVar[frozenset[str]] = frozenset()  # the union members that identify this family

    def sniff(self, exchange: Exchange) -> bool:
        """Whether the body opens with one of this family's events (for raw ``.bin`` files)."""
        body = exchange.response.body
        if exchange.response.content_type == EVENTSTREAM_CONTENT_TYPE or eventstream.looks_like_eventstream(body):
            frames = eventstream.EventStreamDecoder().feed(body[: 64 * 1024])
            return bool(frames) and self.opens_with(frames[0])
        return False

    def opens_with(self, frame: Frame) -> bool:
        """Whether a stream whose first message is ``frame`` is this family's."""
        return frame.event in self.event_types

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        if frame.headers is None:  # a line of a chunk fixture, not an event-stream message
            return self._unframed(frame, exchange)
        kind = frame.headers.get(":message-type")
        if kind not in eventstream.TYPE_HEADERS:
            return [finding("WIRE-014", f":message-type is {kind!r}, not one of event, exception, error",
                            frame_location(frame, exchange))]
        if frame.event is None:
            return [finding("WIRE-014", f"a {kind} message has no {eventstream.TYPE_HEADERS[kind]} header",
                            frame_location(frame, exchange))]
        payload = self._payload(frame, exchange)
        if isinstance(payload, list):
            return payload
        return NativeEvent(type=frame.event, data=payload, frame=frame.index, offset=frame.offset, exchange=exchange)

    def _payload(self, frame: Frame, exchange: int) -> dict[str, Any] | list[Finding]:
        if frame.headers.get(":message-type") == "error":
            return {"code": frame.event, "message": frame.headers.get(":error-message", "")}
        if not frame.payload.strip():
            return {}
        return json_object(frame.payload, frame, exchange)

    def _unframed(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        """A line of a chunk fixture: ``{"<member>": payload}``, the union written out."""
        where = frame_location(frame, exchange)
        try:
            line = orjson.loads(frame.payload)
        except orjson.JSONDecodeError as error:
            return [finding("WIRE-004", f"data is not JSON: {error}", where, actual=frame.text[:200])]
        if not (isinstance(line, dict) and len(line) == 1 and isinstance(next(iter(line.values())), dict)):
            return [finding("SCHEMA-004", "a chunk line is not one {member: object} union", where)]
        ((kind, payload),) = line.items()
        return NativeEvent(type=kind, data=payload, frame=frame.index, offset=frame.offset, exchange=exchange)

    def to_wire(self, natives: list[dict[str, Any]]) -> bytes:
        return self.frame_payloads([
            (str(native["type"]), orjson.dumps({key: value for key, value in native.items() if key != "type"}).decode())
            for native in natives
        ])

    def frame_payloads(self, payloads: list[tuple[str | None, str]]) -> bytes:
        return b"".join(
            (eventstream.encode_exception if str(kind).endswith("Exception") else eventstream.encode_event)(
                str(kind), text.encode("utf-8", errors="surrogatepass"))
            for kind, text in payloads
        )


def chunk_event(frame: Frame) -> dict[str, Any] | None:
    """The JSON object a ``chunk`` message carries as base64 ``bytes``, if it carries one: InvokeModel
    wraps a model's events that way, while Bedrock Agents' chunks carry answer text."""
    try:
        event = orjson.loads(base64.b64decode(orjson.loads(frame.payload or b"{}")["bytes"], validate=True))
    except (ValueError, TypeError, KeyError):  # not JSON, not base64 (binascii.Error), no `bytes` member
        return None
    return event if isinstance(event, dict) else None
