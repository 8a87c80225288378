"""The floor: the least any consumer of a stream must do, the denominator of ``pipeline/floor``.

Split the body into events, ``orjson.loads`` each payload, append every delta to a list, join each
list once at the end: no validation, no offsets, no findings.

- SSE: an incremental split on the blank line (``\\n\\n``, or ``\\r\\n\\r\\n`` where the family writes
  CRLF, as the Gemini encoder does), the ``data: `` line of each frame taken with ``bytes.find``.
- AWS event stream: botocore's own ``EventStreamBuffer`` (prelude and message CRCs, headers), fed
  the body in botocore's read size (``StreamingBody._DEFAULT_CHUNK_SIZE``, 1024 bytes) as a boto3
  client feeds it; the event type is the ``:event-type`` header. botocore is the official SDK's
  decoder, so for these families the floor is also the SDK's own framing cost.

The hand-written OpenAI Responses and Anthropic streams keep their hand-written folds (``floor_openai``,
``floor_anthropic``: deltas keyed by item id / block index), the figures published so far were
measured with them. Every encoded stream is read by ``learned``, which follows the rules
``bench/encoded.py`` learned from the family's own encoder: for an event type, the paths in the
payload where text and argument pieces travel (a path may go through a base64 blob, decoded as JSON or
as text: the ``bytes`` of Bedrock chunks).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from bench.streams import Rule

BOTOCORE_READ = 1024  # botocore/response.py StreamingBody._DEFAULT_CHUNK_SIZE
Fold = Callable[[bytes], dict[Any, str]]


def sse_data(chunks: list[bytes], separator: bytes = b"\n\n") -> Iterator[bytes]:
    """Incremental bare SSE split: frames end at a blank line; yield each frame's ``data:`` line."""
    rest = b""
    step = len(separator)
    for chunk in chunks:
        buffer = rest + chunk if rest else chunk
        find = buffer.find
        position = 0
        while True:
            end = find(separator, position)
            if end < 0:
                break
            start = find(b"data: ", position, end)
            if start >= 0:
                stop = find(b"\n", start, end)
                yield buffer[start + 6 : end if stop < 0 else stop]  # a CR left at the end is JSON whitespace
            position = end + step
        rest = buffer[position:]


def separator(body: bytes) -> bytes:
    return b"\r\n\r\n" if b"\r\n\r\n" in body[:65536] else b"\n\n"


def eventstream_messages(body: bytes) -> Iterator[Any]:
    """botocore's decoder over the body, read as a boto3 client reads it."""
    from botocore.eventstream import EventStreamBuffer

    buffer = EventStreamBuffer()
    for start in range(0, len(body), BOTOCORE_READ):
        buffer.add_data(body[start : start + BOTOCORE_READ])
        yield from buffer


def events(framing: str, body: bytes, typed: bool = True) -> Iterator[tuple[Any, Any]]:
    """(event type, parsed payload) for every event; the SSE type is the payload's ``type`` (None when
    the family has none, or ``typed`` is false), the event-stream type its ``:event-type`` header."""
    loads = orjson.loads
    if framing == "eventstream":
        for message in eventstream_messages(body):
            payload = message.payload
            yield message.headers.get(":event-type"), loads(payload) if payload else {}
        return
    for data in sse_data([body], separator(body)):
        if data[:1] != b"{":
            continue  # a sentinel such as [DONE]
        payload = loads(data)
        yield (payload.get("type") if typed else None), payload


def pick(value: Any, path: list[Any]) -> Any:
    """The string at ``path`` in a payload, or None. A step is a key, an index, or ``["base64", "json"
    | "text"]``: a blob (base64 text, or bytes where botocore already decoded it) read as JSON or text."""
    for step in path:
        if isinstance(step, str):
            if not isinstance(value, dict):
                return None
            value = value.get(step)
        elif isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return None
            value = value[step]
        else:
            if not isinstance(value, (str, bytes)):
                return None
            raw = value if isinstance(value, bytes) else base64.b64decode(value)
            value = orjson.loads(raw) if step[1] == "json" else raw.decode()
    return value if isinstance(value, str) else None


def by_type(rules: tuple[Rule, ...] | list[Rule]) -> dict[Any, list[tuple[list[Any], str]]]:
    grouped: dict[Any, list[tuple[list[Any], str]]] = {}
    for kind, path, channel in rules:
        grouped.setdefault(kind, []).append((list(path), channel))
    return grouped


def visitor(entries: list[tuple[list[Any], Callable[[str], None]]]) -> Callable[[Any], None]:
    """One function per event type that appends every piece it carries: one- and two-key paths are
    read with plain ``dict.get`` (the second keys of one first key together), any other through
    ``pick``, so the floor pays about what a hand-written fold pays (bench/README.md compares them)."""
    flat: list[tuple[str, Callable[[str], None]]] = []
    nested: dict[str, list[tuple[str, Callable[[str], None]]]] = {}
    other: list[tuple[list[Any], Callable[[str], None]]] = []
    for path, append in entries:
        if len(path) == 1 and isinstance(path[0], str):
            flat.append((path[0], append))
        elif len(path) == 2 and all(isinstance(step, str) for step in path):
            nested.setdefault(path[0], []).append((path[1], append))
        else:
            other.append((path, append))
    groups = list(nested.items())

    def visit(payload: dict[str, Any]) -> None:
        for key, append in flat:
            value = payload.get(key)
            if value.__class__ is str:
                append(value)
        for first, seconds in groups:
            inner = payload.get(first)
            if inner.__class__ is dict:
                for key, append in seconds:
                    value = inner.get(key)
                    if value.__class__ is str:
                        append(value)
        for path, append in other:
            value = pick(payload, path)
            if value is not None:
                append(value)

    return visit


def learned(framing: str, rules: tuple[Rule, ...] | list[Rule]) -> Fold:
    """The floor of an encoded stream: its deltas, found where the rules say, joined per channel."""
    grouped = by_type(rules)
    typed = any(kind is not None for kind in grouped)

    def run(body: bytes) -> dict[Any, str]:
        buffers: dict[str, list[str]] = {channel: [] for _, _, channel in rules}
        plan = {kind: visitor([(path, buffers[channel].append) for path, channel in entries])
                for kind, entries in grouped.items()}
        if framing == "eventstream":
            for kind, payload in events(framing, body):
                visit = plan.get(kind)
                if visit is not None:
                    visit(payload)
        else:
            loads = orjson.loads
            untyped = plan.get(None)
            for data in sse_data([body], separator(body)):
                if data[:1] != b"{":
                    continue  # a sentinel such as [DONE]
                payload = loads(data)
                visit = plan.get(payload.get("type")) if typed else untyped
                if visit is not None:
                    visit(payload)
        return {channel: "".join(parts) for channel, parts in buffers.items() if parts}

    return run


def floor_openai(body: bytes) -> dict[Any, str]:
    loads = orjson.loads
    buffers: dict[Any, list[str]] = {}
    for data in sse_data([body]):
        payload = loads(data)
        kind = payload["type"]
        if kind == "response.output_text.delta" or kind == "response.function_call_arguments.delta":
            key = payload["item_id"]
            buffer = buffers.get(key)
            if buffer is None:
                buffer = buffers[key] = []
            buffer.append(payload["delta"])
    return {key: "".join(parts) for key, parts in buffers.items()}


def floor_anthropic(body: bytes) -> dict[Any, str]:
    loads = orjson.loads
    buffers: dict[Any, list[str]] = {}
    for data in sse_data([body]):
        payload = loads(data)
        if payload["type"] == "content_block_delta":
            key = payload["index"]
            buffer = buffers.get(key)
            if buffer is None:
                buffer = buffers[key] = []
            delta = payload["delta"]
            buffer.append(delta["text"] if delta["type"] == "text_delta" else delta["partial_json"])
    return {key: "".join(parts) for key, parts in buffers.items()}
