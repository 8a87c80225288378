"""Write a canonical turn as Anthropic Messages events, the way the API streams them.

Shapes and order follow specs/openai-anthropic.md C.2-C.4 and the composed example in C.7:
message_start (usage placeholder), one content block at a time (start, deltas, stop; a thinking
block ends with its signature_delta; a tool_use block's first input_json_delta is empty), a ping
after the first block starts, then message_delta with the stop reason and cumulative usage, and
message_stop.
"""

from __future__ import annotations

import json
from typing import Any

from harness.providers.base import Fragmenter, fixed_size
from harness.state import Item, Turn

STOP_REASONS = {"end_turn": "end_turn", "tool_use": "tool_use", "max_tokens": "max_tokens",
                "stop_sequence": "stop_sequence", "refusal": "refusal", "pause": "pause_turn"}


def signature_of(item: Item) -> str:
    """The signature the encoder gives a thinking block (opaque to the harness; fixed per item)."""
    return f"sig-{item.item_id}"


def encode_turn(turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
    cut = fragments or fixed_size(8)
    usage = turn.usage
    events: list[dict[str, Any]] = [{
        "type": "message_start",
        "message": {"id": turn.response_id or "msg_0", "type": "message", "role": "assistant", "content": [],
                    "model": "claude-x", "stop_reason": None, "stop_sequence": None,
                    "usage": {"input_tokens": usage.input_tokens or 0 if usage else 0, "output_tokens": 1}},
    }]
    for index, item in enumerate(turn.items):
        events += _block(item, index, cut)
        if index == 0:
            events.append({"type": "ping"})
    output_tokens = usage.output_tokens if usage and usage.output_tokens is not None else 1
    events.append({"type": "message_delta",
                   "delta": {"stop_reason": STOP_REASONS.get(turn.stop or "end_turn", "end_turn"),
                             "stop_sequence": None},
                   "usage": {"output_tokens": output_tokens}})
    events.append({"type": "message_stop"})
    return events


def _block(item: Item, index: int, cut: Fragmenter) -> list[dict[str, Any]]:
    if item.kind == "message":
        start: dict[str, Any] = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": piece} for piece in cut(item.joined("text"))]
    elif item.kind == "reasoning":
        start = {"type": "thinking", "thinking": "", "signature": ""}
        deltas = [{"type": "thinking_delta", "thinking": piece} for piece in cut(item.joined("reasoning"))]
        deltas.append({"type": "signature_delta", "signature": signature_of(item)})
    elif item.kind == "tool_call":
        start = {"type": "tool_use", "id": item.call_id, "name": item.name, "input": {}}
        arguments = item.arguments_text if item.arguments_text is not None else json.dumps(
            item.arguments, ensure_ascii=False, separators=(",", ":"))
        deltas = [{"type": "input_json_delta", "partial_json": piece} for piece in ["", *cut(arguments)]]
    else:
        raise ValueError(f"the encoder writes message, reasoning and tool_call items, not {item.kind}")
    return [
        {"type": "content_block_start", "index": index, "content_block": start},
        *({"type": "content_block_delta", "index": index, "delta": delta} for delta in deltas),
        {"type": "content_block_stop", "index": index},
    ]
