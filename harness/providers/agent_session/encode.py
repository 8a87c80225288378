"""Write a canonical turn as the agent-session protocol sends it, in each of its three modes.

Native events are dicts ``{"type": <SSE event name>, **data}``: the protocol's payloads carry no type
member, so ``to_wire`` names each SSE event after ``type`` and sends the rest as its data. A PUT stream
opens with ``session_start`` (``turn.session_id``, else ``sess_0``) then ``turn_start``; a POST stream
(``put=False``) with ``turn_start`` alone. Items, in order: reasoning as thinking (``thinking_delta``
pieces, one ``thinking`` event, or a thinking block), a message as text likewise, a tool call as
``tool_call`` (``input``: the parsed arguments) followed by its inline ``tool_result`` when the turn holds
one (a trusted server tool); then ``turn_stop``. None mode is one JSON body (``encode_json``).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from harness.providers.base import Fragmenter, fixed_size
from harness.state import Channel, Item, Turn
from harness.wire import sse

STOP_REASONS = ("end_turn", "tool_use", "max_tokens", "refusal", "error")
# item kind -> (event name, the item's channel)
_CHANNEL: dict[str, tuple[str, Channel]] = {"message": ("text", "text"), "reasoning": ("thinking", "reasoning")}
Native = dict[str, Any]


def session_id(turn: Turn) -> str:
    return turn.session_id or "sess_0"


def encode_turn(turn: Turn, fragments: Fragmenter | None = None, mode: Literal["delta", "message"] = "delta",
                put: bool = True) -> list[Native]:
    cut = fragments or fixed_size(8)
    natives: list[Native] = [{"type": "session_start", "sessionId": session_id(turn)}] if put else []
    natives.append({"type": "turn_start"})
    for item in turn.items:
        if item.kind == "tool_call":
            natives.append({"type": "tool_call", "toolCallId": item.call_id, "name": item.name, "input": _input(item)})
            natives += [{"type": "tool_result", "toolCallId": item.call_id, "content": output}
                        for output in _results(turn, item)]
            continue
        name, text = _text(item)
        if mode == "delta":
            natives += [{"type": f"{name}_delta", "delta": piece} for piece in cut(text) or [""]]
        else:
            natives.append({"type": name, name: text})
    natives.append({"type": "turn_stop", "stopReason": _stop(turn)})
    return natives


def encode_json(turn: Turn, put: bool = True) -> dict[str, Any]:
    """The none-mode body: assistant messages of blocks (a lone text as a string, as the source document
    shows it), and after a trusted inline call its ``tool`` message, then the assistant goes on."""
    messages: list[Native] = []
    blocks: list[Native] = []

    def flush() -> None:
        if blocks:
            lone_text = len(blocks) == 1 and blocks[0]["type"] == "text"
            messages.append({"role": "assistant", "content": blocks[0]["text"] if lone_text else list(blocks)})
            blocks.clear()

    for item in turn.items:
        if item.kind == "tool_call":
            blocks.append({"type": "tool_use", "toolCallId": item.call_id, "name": item.name, "input": _input(item)})
            for output in _results(turn, item):
                flush()
                messages.append({"role": "tool", "toolCallId": item.call_id, "content": output})
            continue
        name, text = _text(item)
        blocks.append({"type": name, name: text})
    flush()
    body: dict[str, Any] = {"sessionId": session_id(turn)} if put else {}
    return {**body, "stopReason": _stop(turn), "messages": messages}


def to_wire(natives: list[Native]) -> bytes:
    """Named SSE events; the standard library writes the JSON (integers beyond 64 bits stay exact)."""
    return sse.encode([(native.get("type"), json.dumps({k: v for k, v in native.items() if k != "type"},
                                                       ensure_ascii=False, separators=(",", ":")))
                       for native in natives])


def _text(item: Item) -> tuple[str, str]:
    if item.kind not in _CHANNEL:
        raise ValueError(f"the agent-session protocol streams thinking, text and tool calls, not {item.kind}")
    name, channel = _CHANNEL[item.kind]
    return name, item.joined(channel)


def _input(item: Item) -> Any:
    return item.arguments if item.arguments is not None else {}


def _results(turn: Turn, item: Item) -> list[Any]:
    return [result.output for result in turn.tool_results if result.call_id == item.call_id]


def _stop(turn: Turn) -> str:
    stop = turn.stop or "end_turn"
    if stop not in STOP_REASONS:
        raise ValueError(f"the agent-session protocol has no stopReason for {stop}")
    return stop
