"""Write a canonical turn as Chat Completions chunks, the way OpenAI's own server streams them.

Shapes follow specs/openai-anthropic.md B.2-B.4 and the composed example in B.7: the first delta
carries ``role: "assistant"`` (with ``content: ""`` when text comes first, ``null`` otherwise), text
and refusal arrive as pieces, a tool call's first fragment has ``id``, ``type``, ``function.name``
and ``arguments: ""`` and later fragments only ``index`` and argument pieces, the finish chunk has
``delta: {}``, then the usage chunk (``choices: []``) and ``[DONE]``. OpenAI's reasoning models keep
their reasoning hidden in Chat Completions (only ``completion_tokens_details.reasoning_tokens`` counts
it), so a reasoning item is not streamed, as the API does not stream it.
"""

from __future__ import annotations

import json
from typing import Any

from harness.providers.base import Fragmenter, fixed_size
from harness.state import Item, Turn

DONE: dict[str, Any] = {"type": "[DONE]"}  # the sentinel's place in a native list; ``to_wire`` writes it bare
FINISH = {"end_turn": "stop", "max_tokens": "length", "tool_use": "tool_calls", "content_filter": "content_filter",
          "refusal": "stop"}


def encode_turn(turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
    cut = fragments or fixed_size(8)
    envelope = {"id": turn.response_id or "chatcmpl-0", "object": "chat.completion.chunk", "created": 1760000000,
                "model": turn.model or "gpt-x", "system_fingerprint": None}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {**envelope, "choices": [choice], "usage": None}

    items = [item for item in turn.items if item.kind != "reasoning"]
    first_is_text = bool(items) and items[0].kind == "message"
    chunks = [chunk({"role": "assistant", "content": "" if first_is_text else None, "refusal": None})]
    calls = 0
    for position, item in enumerate(items):
        if item.kind == "message":
            chunks += [chunk(delta) for delta in _message(item, cut, opened=position == 0)]
        elif item.kind == "tool_call":
            chunks += [chunk({"tool_calls": [fragment]}) for fragment in _call(item, calls, cut)]
            calls += 1
        else:
            raise ValueError(f"OpenAI's Chat Completions streams message and tool_call items, not {item.kind}")
    chunks.append(chunk({}, FINISH.get(turn.stop or "end_turn", "stop")))
    if turn.usage is not None:
        chunks.append({**envelope, "choices": [], "usage": _usage(turn)})
    return [*chunks, DONE]


def _message(item: Item, cut: Fragmenter, opened: bool) -> list[dict[str, Any]]:
    """Text pieces then refusal pieces; a message not opened by the role chunk opens with ``content: ""``."""
    deltas = [{"content": piece} for part in sorted(item.text) for piece in cut(item.text[part])]
    deltas += [{"refusal": piece} for part in sorted(item.refusal) for piece in cut(item.refusal[part])]
    return deltas if opened or (deltas and "content" in deltas[0]) else [{"content": ""}, *deltas]


def _call(item: Item, index: int, cut: Fragmenter) -> list[dict[str, Any]]:
    arguments = item.arguments_text if item.arguments_text is not None else json.dumps(
        item.arguments, ensure_ascii=False, separators=(",", ":"))
    first = {"index": index, "id": item.call_id, "type": "function", "function": {"name": item.name, "arguments": ""}}
    return [first, *({"index": index, "function": {"arguments": piece}} for piece in cut(arguments))]


def _usage(turn: Turn) -> dict[str, Any]:
    usage = turn.usage
    assert usage is not None
    prompt, completion = usage.input_tokens or 0, usage.output_tokens or 0
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": usage.total_tokens if usage.total_tokens is not None else prompt + completion,
            "prompt_tokens_details": {"cached_tokens": usage.cached_tokens or 0},
            "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens or 0}}
