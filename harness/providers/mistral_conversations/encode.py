"""Write a canonical turn as Mistral Conversations events, the way the API streams them (B.2, B.8).

``conversation.response.started`` with the conversation id, then one output_index per item:
``message.output.delta`` events (text as string content; reasoning as ``thinking`` chunk objects),
``function.call.delta`` events whose ``arguments`` fragments concatenate to the call's JSON, and a
final ``conversation.response.done`` with usage (or ``conversation.response.error`` for a failed
turn). Typed SSE: ``event:`` names the type, no ``[DONE]`` sentinel.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from harness.providers.base import Fragmenter, fixed_size
from harness.state import Turn
from harness.wire import sse

MODEL = "mistral-medium-latest"
CREATED = "2026-01-01T00:00:00Z"


def encode_turn(turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
    cut = fragments or fixed_size(8)
    events: list[dict[str, Any]] = [{"type": "conversation.response.started",
                                     "conversation_id": turn.conversation_id or "conv_0", "created_at": CREATED}]
    for index, item in enumerate(turn.items):
        if item.kind in ("message", "reasoning"):
            for piece in cut(item.joined("text" if item.kind == "message" else "reasoning")) or [""]:
                content: Any = piece if item.kind == "message" else {
                    "type": "thinking", "thinking": [{"type": "text", "text": piece}]}
                events.append({"type": "message.output.delta", "id": item.item_id, "output_index": index,
                               "content_index": 0, "model": MODEL, "agent_id": None, "role": "assistant",
                               "content": content, "created_at": CREATED})
        elif item.kind == "tool_call":
            arguments = item.arguments_text if item.arguments_text is not None else json.dumps(
                item.arguments if item.arguments is not None else {}, ensure_ascii=False, separators=(",", ":"))
            for piece in cut(arguments) or [""]:
                events.append({"type": "function.call.delta", "id": item.item_id, "output_index": index,
                               "name": item.name, "tool_call_id": item.call_id, "arguments": piece,
                               "model": MODEL, "agent_id": None, "created_at": CREATED})
        else:
            raise ValueError(f"the encoder writes message, reasoning and tool_call items, not {item.kind}")
    if turn.stop == "error":
        message = turn.errors[0].message if turn.errors else "failed"
        events.append({"type": "conversation.response.error", "message": message, "code": 500, "created_at": CREATED})
        return events
    usage = turn.usage
    prompt = (usage.input_tokens or 0) if usage else 0
    completion = (usage.output_tokens or 0) if usage else 0
    events.append({"type": "conversation.response.done", "created_at": CREATED,
                   "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                             "total_tokens": prompt + completion}})
    return events


def to_wire(natives: list[dict[str, Any]]) -> bytes:
    """Typed SSE, ``event:`` = ``data.type`` (B.1)."""
    return sse.encode([(native.get("type"), orjson.dumps(native).decode()) for native in natives])
