"""The bound: the least a pipeline that follows DESIGN.md can do per event, in this Python.

The floor (``bench/floors.py``) is what any consumer must do. A conformance pipeline must do more,
and this path does only that more, in one tight loop, with no checks beyond the ones that cost a
comparison: keep each event's byte offset and check its UTF-8 (every finding has a location, and
invalid bytes are a finding); validate each payload against its schema (jsonschema-rs, as the
pipeline does); check the sequence numbers run on; build one canonical event, with its origin, per
delta (``harness.events``); fold the deltas into text per item.

No modular pipeline (decoder, parser, sequencer, translator, reducer as separate stages with their
own state machines) can beat it on the same interpreter, so ``SDK cost ÷ bound cost`` is the most
``pipeline/SDK`` can reach here: a target above it cannot be met in pure Python (bench/README.md).
Written for the two hand-written streams the targets are stated on (``bench/streams.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import orjson

from harness import events as ev
from harness.schemas import schemas_for


@cache
def validators(family: str) -> dict[str, Callable[[Any], bool]]:
    """Compiled once per process, as the pipeline's are (the benchmark's warm-up run compiles them)."""
    schemas = schemas_for(family)
    return {kind: schemas.validator(kind).is_valid for kind in schemas.types}


# Each family has its own loop, the split written inline in both: a shared generator or a per-event
# callback is itself a cost (a tenth of a microsecond per event) that the least must not pay.


def bound_openai(body: bytes) -> dict[Any, str]:
    valid = validators("openai-responses")
    loads, origin, text_delta, call_delta = orjson.loads, ev.Origin, ev.TextDelta, ev.ToolCallDelta
    buffers: dict[Any, list[str]] = {}
    find = body.find
    position = frame = 0
    while (end := find(b"\n\n", position)) != -1:
        data = body[find(b"data: ", position, end) + 6 : end]
        if not data.isascii():
            data.decode("utf-8")  # raises on invalid UTF-8: the bound has no findings to report
        payload = loads(data)
        kind = payload["type"]
        if not valid[kind](payload) or payload["sequence_number"] != frame:
            raise ValueError(f"event {frame} is invalid or out of sequence")
        if kind == "response.output_text.delta" or kind == "response.function_call_arguments.delta":
            make = text_delta if kind == "response.output_text.delta" else call_delta
            event = make(origin=origin(0, frame, position, kind, frame), item_id=payload["item_id"],
                         text=payload["delta"])
            buffer = buffers.get(event.item_id)
            if buffer is None:
                buffer = buffers[event.item_id] = []
            buffer.append(event.text)
        position = end + 2
        frame += 1
    return {key: "".join(parts) for key, parts in buffers.items()}


def bound_anthropic(body: bytes) -> dict[Any, str]:
    valid = validators("anthropic-messages")
    loads, origin, text_delta, call_delta = orjson.loads, ev.Origin, ev.TextDelta, ev.ToolCallDelta
    blocks: dict[Any, tuple[str, list[str]]] = {}  # index -> (item id, deltas)
    find = body.find
    position = frame = 0
    while (end := find(b"\n\n", position)) != -1:
        data = body[find(b"data: ", position, end) + 6 : end]
        if not data.isascii():
            data.decode("utf-8")  # raises on invalid UTF-8: the bound has no findings to report
        payload = loads(data)
        kind = payload["type"]
        if not valid[kind](payload):
            raise ValueError(f"event {frame} is invalid")
        if kind == "content_block_delta":
            delta, index = payload["delta"], payload["index"]
            block = blocks.get(index)
            if block is None:
                block = blocks[index] = (f"block_{index}", [])
            where = origin(0, frame, position, kind, None)
            if delta["type"] == "text_delta":
                event: ev.TextDelta | ev.ToolCallDelta = text_delta(origin=where, item_id=block[0], text=delta["text"])
            else:
                event = call_delta(origin=where, item_id=block[0], text=delta["partial_json"])
            block[1].append(event.text)
        position = end + 2
        frame += 1
    return {index: "".join(parts) for index, (_, parts) in blocks.items()}


BOUNDS: dict[str, Callable[[bytes], dict[Any, str]]] = {
    "openai-responses": bound_openai,
    "anthropic-messages": bound_anthropic,
}
