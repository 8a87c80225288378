"""Write a canonical turn as Cohere v2 stream events, the way the API streams them (B.2, B.7).

``message-start`` with the empty arrays the API sends; a reasoning item becomes a ``thinking``
content block; a message becomes a ``text`` block, or the tool plan (``tool-plan-delta``) when the
turn makes tool calls (C-10: a tool-calling message has no text block); each call is
``tool-call-start`` (arguments ``""``), argument pieces, ``tool-call-end``; then ``message-end``.
"""

from __future__ import annotations

import json
from typing import Any

from harness.providers.base import Fragmenter, fixed_size
from harness.state import Item, Turn

FINISH = {"end_turn": "COMPLETE", "max_tokens": "MAX_TOKENS", "tool_use": "TOOL_CALL",
          "stop_sequence": "STOP_SEQUENCE", "error": "ERROR"}


def encode_turn(turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
    cut = fragments or fixed_size(6)
    natives: list[dict[str, Any]] = [{
        "id": turn.response_id or "gen-0", "type": "message-start",
        "delta": {"message": {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": [], "citations": []}},
    }]
    has_calls = any(item.kind == "tool_call" for item in turn.items)
    blocks = calls = 0
    for item in turn.items:
        if item.kind == "reasoning":
            natives += _block(blocks, "thinking", item.joined("reasoning"), cut)
            blocks += 1
        elif item.kind == "message" and has_calls:
            natives += [{"type": "tool-plan-delta", "delta": {"message": {"tool_plan": piece}}}
                        for piece in cut(item.joined()) or [""]]
        elif item.kind == "message":
            natives += _block(blocks, "text", item.joined(), cut)
            blocks += 1
        elif item.kind == "tool_call":
            natives += _call(item, calls, cut)
            calls += 1
        else:
            raise ValueError(f"Cohere v2 streams thinking, text and tool calls, not {item.kind}")
    end: dict[str, Any] = {"finish_reason": FINISH.get(turn.stop or "end_turn", "COMPLETE")}
    if turn.usage is not None:
        tokens = {"input_tokens": turn.usage.input_tokens or 0, "output_tokens": turn.usage.output_tokens or 0}
        end["usage"] = {"billed_units": dict(tokens), "tokens": tokens}
        if turn.usage.cached_tokens is not None:
            end["usage"]["cached_tokens"] = turn.usage.cached_tokens
    natives.append({"type": "message-end", "delta": end})
    return natives


def _block(index: int, kind: str, text: str, cut: Fragmenter) -> list[dict[str, Any]]:
    return [
        {"type": "content-start", "index": index, "delta": {"message": {"content": {"type": kind, kind: ""}}}},
        *({"type": "content-delta", "index": index, "delta": {"message": {"content": {kind: piece}}}}
          for piece in cut(text)),
        {"type": "content-end", "index": index},
    ]


def _call(item: Item, index: int, cut: Fragmenter) -> list[dict[str, Any]]:
    arguments = item.arguments_text if item.arguments_text is not None else json.dumps(
        item.arguments if item.arguments is not None else {}, ensure_ascii=False, separators=(",", ":"))
    start = {"type": "tool-call-start", "index": index, "delta": {"message": {"tool_calls": {
        "id": item.call_id, "type": "function", "function": {"name": item.name, "arguments": ""}}}}}
    return [start, *({"type": "tool-call-delta", "index": index,
                      "delta": {"message": {"tool_calls": {"function": {"arguments": piece}}}}}
                     for piece in cut(arguments)), {"type": "tool-call-end", "index": index}]
