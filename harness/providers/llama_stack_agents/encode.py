"""Write a canonical turn as a Llama Stack Agents create-turn stream (specs/llamastack-cohere-compat.md A.2, A.9).

What a v0.2.x-v0.3.x server sends for one inference step through an OpenAI-compatible backend
(llamastack/llama-stack ``agent_instance.py`` ``_run`` and ``openai_compat.py``
``convert_openai_chat_completion_stream``): no ``turn_start`` (gone since v0.1.6); ``step_start``;
text deltas; per call a ``name(`` fragment and its argument pieces; then for each call a ``)`` and its
``succeeded`` delta (``arguments`` and ``arguments_json``); ``step_complete`` whose
``model_response.content`` is reset to ``""`` when calls parsed; and ``turn_awaiting_input`` (the
calls pending, ``stop_reason`` ``end_of_message``) or ``turn_complete``. A failed turn ends in the
bare error frame instead. The Agents stream carries neither reasoning nor token usage: reasoning
items are not written, usage is dropped. Frames are ``data:`` lines only, compact JSON as pydantic
writes it; the terminal Turn repeats the step and the calls as copies, as the wire does.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from harness.providers.base import Fragmenter, fixed_size
from harness.state import Item, Turn
from harness.wire import sse

STARTED = "2025-06-01T10:00:00Z"
COMPLETED = "2025-06-01T10:00:01Z"


def chunk(body: dict[str, Any]) -> dict[str, Any]:
    """An AgentTurnResponseStreamChunk around one payload (A.2)."""
    return {"event": {"payload": body}}


def encode_turn(turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
    cut = fragments or fixed_size(8)
    turn_id, session_id, step_id = turn.response_id or "turn-0", turn.session_id or "session-0", "step-0"
    messages = [item for item in turn.items if item.kind == "message"]
    tools = [item for item in turn.items if item.kind == "tool_call"]
    others = [item.kind for item in turn.items if item.kind not in ("message", "tool_call", "reasoning")]
    if len(messages) > 1 or others:
        raise ValueError(f"one inference step streams one message and tool calls, not {others or 'two messages'}")
    progress = {"event_type": "step_progress", "step_type": "inference", "step_id": step_id}
    natives = [chunk({"event_type": "step_start", "step_type": "inference", "step_id": step_id, "metadata": {}})]
    text = messages[0].joined("text") if messages else ""
    if messages:
        natives += [chunk({**progress, "delta": {"type": "text", "text": piece}}) for piece in cut(text) or [""]]
    tool_calls = [_tool_call(item) for item in tools]
    for call in tool_calls:
        pieces = [f"{call['tool_name']}(", *cut(call["arguments_json"])]
        natives += [chunk({**progress, "delta": {"type": "tool_call", "tool_call": piece, "parse_status": "in_progress"}})
                    for piece in pieces]
    for call in tool_calls:
        natives += [chunk({**progress, "delta": {"type": "tool_call", "tool_call": ")", "parse_status": "in_progress"}}),
                    chunk({**progress, "delta": {"type": "tool_call", "tool_call": copy.deepcopy(call),
                                                   "parse_status": "succeeded"}})]
    stop_reason = "out_of_tokens" if turn.stop == "max_tokens" else "end_of_turn"
    response = {"role": "assistant", "content": "" if tool_calls else text, "stop_reason": stop_reason,
                "tool_calls": tool_calls}
    details = {"turn_id": turn_id, "step_id": step_id, "started_at": STARTED, "completed_at": COMPLETED,
               "step_type": "inference", "model_response": response}
    natives.append(chunk({"event_type": "step_complete", "step_type": "inference", "step_id": step_id,
                          "step_details": details}))
    if turn.stop == "error":
        return [*natives, {"error": {"message": turn.errors[0].message if turn.errors else "500: Internal error"}}]
    output = {**copy.deepcopy(response), "stop_reason": "end_of_message" if tool_calls else stop_reason}
    record = {"turn_id": turn_id, "session_id": session_id, "input_messages": [], "steps": [copy.deepcopy(details)],
              "output_message": output, "output_attachments": [], "started_at": STARTED, "completed_at": COMPLETED}
    kind = "turn_awaiting_input" if tool_calls else "turn_complete"
    return [*natives, chunk({"event_type": kind, "turn": record})]


def _tool_call(item: Item) -> dict[str, Any]:
    """A ToolCall as the OpenAI-compatible adapter builds it: the parsed arguments and their text."""
    text = item.arguments_text if item.arguments_text is not None else json.dumps(
        item.arguments if item.arguments is not None else {}, ensure_ascii=False, separators=(",", ":"))
    try:
        arguments: Any = json.loads(text)
    except ValueError:
        arguments = text  # the schema's string form (newer servers)
    return {"call_id": item.call_id, "tool_name": item.name, "arguments": arguments, "arguments_json": text}


def to_wire(natives: list[dict[str, Any]]) -> bytes:
    """``data:`` lines only (A.2: no ``event:``, no ``id:``, no ``[DONE]``); the standard library keeps big
    integers exact, as pydantic does."""
    return sse.encode([(None, json.dumps(native, ensure_ascii=False, separators=(",", ":"))) for native in natives])
