"""Write a canonical turn as OpenAI Responses events, the way the API streams them.

Order and shapes follow specs/openai-anthropic.md A.3-A.6 and the composed example in A.10:
created, in_progress, then per output item added -> part/summary events -> deltas -> done events
-> output_item.done, and one terminal event carrying the full output and usage. Sequence numbers
are contiguous from 0; every delta carries an ``obfuscation`` string as the live API does.

A tool call is written as the item type its ``Item.native`` names (a function call without one):
custom tool input and interpreter code stream as their deltas, the other calls carry their content
members (``calls.CONTENT``: the shell action, the patch operation, ...) whole, as the SDK types have them.
"""

from __future__ import annotations

import json
from typing import Any

from harness.providers.base import Fragmenter, fixed_size
from harness.providers.openai_responses import calls
from harness.providers.openai_responses.items import FREEFORM_PART
from harness.state import Item, Turn

_TERMINAL = {"max_tokens": ("response.incomplete", "incomplete"), "content_filter": ("response.incomplete", "incomplete"),
             "error": ("response.failed", "failed")}


def encode_turn(turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
    cut = fragments or fixed_size(8)
    events: list[dict[str, Any]] = []

    def emit(kind: str, **fields: Any) -> None:
        events.append({"type": kind, "sequence_number": len(events), **fields})

    response_id = turn.response_id or "resp_0"
    emit("response.created", response=_response(response_id, "in_progress", [], None))
    emit("response.in_progress", response=_response(response_id, "in_progress", [], None))
    output: list[dict[str, Any]] = []
    for index, item in enumerate(turn.items):
        writer = _ITEM_WRITERS.get(item.kind)
        if writer is None:
            raise ValueError(f"the encoder writes message, reasoning and tool_call items, not {item.kind}")
        output.append(writer(emit, cut, item, index))
    kind, status = _TERMINAL.get(turn.stop or "end_turn", ("response.completed", "completed"))
    response = _response(response_id, status, output, _usage(turn))
    if kind == "response.incomplete":
        response["incomplete_details"] = {"reason": "content_filter" if turn.stop == "content_filter"
                                          else "max_output_tokens"}
    if kind == "response.failed":
        response["error"] = {"code": "server_error", "message": turn.errors[0].message if turn.errors else "failed"}
    emit(kind, response=response)
    return events


def _response(response_id: str, status: str, output: list[dict[str, Any]], usage: dict[str, Any] | None) -> dict[str, Any]:
    return {"id": response_id, "object": "response", "status": status, "output": output, "usage": usage,
            "model": "gpt-x", "previous_response_id": None}


def _usage(turn: Turn) -> dict[str, Any] | None:
    usage = turn.usage
    if usage is None:
        return None
    total = usage.total_tokens
    if total is None and usage.input_tokens is not None and usage.output_tokens is not None:
        total = usage.input_tokens + usage.output_tokens
    return {"input_tokens": usage.input_tokens or 0, "input_tokens_details": {"cached_tokens": usage.cached_tokens or 0},
            "output_tokens": usage.output_tokens or 0,
            "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens or 0}, "total_tokens": total or 0}


def _message(emit: Any, cut: Fragmenter, item: Item, index: int) -> dict[str, Any]:
    where = {"item_id": item.item_id, "output_index": index}
    emit("response.output_item.added", output_index=index,
         item={"id": item.item_id, "type": "message", "role": "assistant", "status": "in_progress", "content": []})
    content = []
    for part in sorted(item.text):
        text = item.text[part]
        empty = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
        emit("response.content_part.added", **where, content_index=part, part=empty)
        for piece in cut(text):
            emit("response.output_text.delta", **where, content_index=part, delta=piece, logprobs=[], obfuscation="x7Q")
        emit("response.output_text.done", **where, content_index=part, text=text, logprobs=[])
        final = {**empty, "text": text}
        emit("response.content_part.done", **where, content_index=part, part=final)
        content.append(final)
    done = {"id": item.item_id, "type": "message", "role": "assistant", "status": "completed", "content": content}
    emit("response.output_item.done", output_index=index, item=done)
    return done


def _reasoning(emit: Any, cut: Fragmenter, item: Item, index: int) -> dict[str, Any]:
    where = {"item_id": item.item_id, "output_index": index}
    emit("response.output_item.added", output_index=index, item={"id": item.item_id, "type": "reasoning", "summary": []})
    summary = []
    for part in sorted(item.reasoning):
        text = item.reasoning[part]
        emit("response.reasoning_summary_part.added", **where, summary_index=part,
             part={"type": "summary_text", "text": ""})
        for piece in cut(text):
            emit("response.reasoning_summary_text.delta", **where, summary_index=part, delta=piece, obfuscation="k2")
        emit("response.reasoning_summary_text.done", **where, summary_index=part, text=text)
        emit("response.reasoning_summary_part.done", **where, summary_index=part,
             part={"type": "summary_text", "text": text})
        summary.append({"type": "summary_text", "text": text})
    done = {"id": item.item_id, "type": "reasoning", "summary": summary}
    emit("response.output_item.done", output_index=index, item=done)
    return done


def _tool_call(emit: Any, cut: Fragmenter, item: Item, index: int) -> dict[str, Any]:
    kind = calls.call_type(item)
    if kind == calls.FUNCTION_CALL:
        return _function_call(emit, cut, item, index)
    return _freeform_call(emit, cut, item, index, kind) if kind in _FREEFORM else _whole_call(emit, item, index, kind)


def _function_call(emit: Any, cut: Fragmenter, item: Item, index: int) -> dict[str, Any]:
    where = {"item_id": item.item_id, "output_index": index}
    arguments = item.arguments_text if item.arguments_text is not None else json.dumps(item.arguments, ensure_ascii=False, separators=(",", ":"))
    opened = {"id": item.item_id, "type": "function_call", "status": "in_progress", "call_id": item.call_id,
              "name": item.name, "arguments": ""}
    emit("response.output_item.added", output_index=index, item=opened)
    for piece in cut(arguments):
        emit("response.function_call_arguments.delta", **where, delta=piece, obfuscation="Zt9w")
    emit("response.function_call_arguments.done", **where, name=item.name, arguments=arguments)
    done = {**opened, "status": "completed", "arguments": arguments}
    emit("response.output_item.done", output_index=index, item=done)
    return done


# Free-form calls: the member their text goes in, the prefix of the events that stream it, and the
# progress steps before and after it (A.6.14).
_FREEFORM = {"custom_tool_call": ("input", "response.custom_tool_call_input", (), ()),
             "code_interpreter_call": ("code", "response.code_interpreter_call_code", ("in_progress",),
                                       ("interpreting", "completed"))}
_PROGRESS = {"web_search_call": ("in_progress", "searching", "completed"),
             "file_search_call": ("in_progress", "searching", "completed"),
             "image_generation_call": ("in_progress", "generating", "completed")}


def _freeform_call(emit: Any, cut: Fragmenter, item: Item, index: int, kind: str) -> dict[str, Any]:
    member, prefix, before, after = _FREEFORM[kind]
    where = {"item_id": item.item_id, "output_index": index}
    text = item.text.get(FREEFORM_PART, "")
    if kind == "custom_tool_call":
        opened = {"id": item.item_id, "type": kind, "call_id": item.call_id, "name": item.name, member: ""}
    else:
        opened = {"id": item.item_id, "type": kind, "status": "in_progress", "container_id": "cntr_0", member: "",
                  "outputs": None}
    emit("response.output_item.added", output_index=index, item=opened)
    for step in before:
        emit(f"response.{kind}.{step}", **where)
    for piece in cut(text):
        emit(f"{prefix}.delta", **where, delta=piece, obfuscation="c1")
    emit(f"{prefix}.done", **where, **{member: text})
    for step in after:
        emit(f"response.{kind}.{step}", **where)
    done = {**opened, member: text, **({"status": "completed"} if "status" in opened else {})}
    emit("response.output_item.done", output_index=index, item=done)
    return done


def _whole_call(emit: Any, item: Item, index: int, kind: str) -> dict[str, Any]:
    """A call whose content comes whole on its items (shell, local shell, apply_patch, computer, tool search,
    hosted searches and image generation), with a hosted tool's progress events between added and done."""
    content = item.arguments if isinstance(item.arguments, dict) else {}
    ids = {"call_id": item.call_id} if item.call_id is not None else {}
    opened = {"id": item.item_id, "type": kind, "status": "in_progress", **ids, **content}
    emit("response.output_item.added", output_index=index, item=opened)
    for step in _PROGRESS.get(kind, ()):
        emit(f"response.{kind}.{step}", item_id=item.item_id, output_index=index)
    done = {**opened, "status": "completed"}
    emit("response.output_item.done", output_index=index, item=done)
    return done


_ITEM_WRITERS = {"message": _message, "reasoning": _reasoning, "tool_call": _tool_call}
