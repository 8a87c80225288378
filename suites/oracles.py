"""The official SDKs' own stream accumulators, fed native payloads: the independent oracles.

openai-python ``ResponseStreamState.handle_event`` (src/openai/lib/streaming/responses/_responses.py)
and anthropic-sdk-python ``accumulate_event`` (src/anthropic/lib/streaming/_messages.py and its beta
twin), each given typed events built with the SDK's own ``construct_type``, as the SDKs' streams do.
Used by the real-corpus suite and by the property suite (encoded streams must be what the SDKs read).
"""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest

responses_streaming = pytest.importorskip("openai.lib.streaming.responses._responses")
anthropic_streaming = pytest.importorskip("anthropic.lib.streaming._messages")
beta_streaming = pytest.importorskip("anthropic.lib.streaming._beta_messages")
from anthropic._models import construct_type_unchecked  # noqa: E402
from anthropic.types import RawMessageStreamEvent  # noqa: E402
from anthropic.types.beta import BetaRawMessageStreamEvent  # noqa: E402
from openai import LengthFinishReasonError  # noqa: E402
from openai._models import construct_type  # noqa: E402
from openai._types import omit  # noqa: E402
from openai.types.responses import ResponseStreamEvent  # noqa: E402

TERMINAL = ("response.completed", "response.failed", "response.incomplete")
OPENAI_TYPES = {get_args(model.model_fields["type"].annotation)[0] for model in get_args(get_args(ResponseStreamEvent)[0])}


def openai_final(payloads: list[dict[str, Any]]) -> tuple[Any, str | None]:
    """(terminal response, None), or (the APIError message, "error") when the SDK's SSE layer raises on a
    payload with a truthy ``error`` (openai/_streaming.py), or (None, why the SDK cannot read the stream)."""
    state = responses_streaming.ResponseStreamState(input_tools=omit, text_format=omit)
    final = None
    for payload in payloads:
        if payload.get("type") == "<unreadable>":
            return None, "a line is not JSON; the SDK's SSE layer raises on it"
        if payload.get("type") not in OPENAI_TYPES:
            continue  # keepalive and unknown types are not in the SDK union; [DONE] ends its loop
        if payload.get("error"):
            return payload["error"].get("message") if isinstance(payload["error"], dict) else None, "error"
        try:
            events = state.handle_event(construct_type(type_=ResponseStreamEvent, value=payload))
        except (RuntimeError, AssertionError, AttributeError, IndexError) as error:
            return None, f"the SDK accumulator raises {type(error).__name__}: {error}"
        final = next((event.response for event in events if event.type in TERMINAL), final)
    return final, None if final is not None else "no terminal event"


def openai_view(response: Any) -> dict[str, Any]:
    output = response.output or []
    return {
        "status": response.status,
        "text": "".join(part.text for item in output if item.type == "message"
                        for part in item.content if part.type == "output_text"),
        "calls": [(item.name, item.call_id, json.loads(item.arguments)) for item in output if item.type == "function_call"],
        "custom": [(item.name, item.call_id, item.input) for item in output if item.type == "custom_tool_call"],
    }


def anthropic_final(payloads: list[dict[str, Any]], beta: bool) -> Any:
    """Exactly what the SDK's MessageStream does per event (ping skipped, error raised: _streaming.py)."""
    module: Any = beta_streaming if beta else anthropic_streaming
    union: Any = BetaRawMessageStreamEvent if beta else RawMessageStreamEvent
    snapshot = None
    json_bufs: dict[int, bytes] = {}
    extra: dict[str, Any] = {"request_headers": {}} if beta else {}  # the beta one reads anthropic-beta there
    for payload in payloads:
        if payload["type"] == "ping":
            continue
        if payload["type"] == "error":
            raise RuntimeError(payload["error"]["type"])
        event = construct_type_unchecked(value=payload, type_=union)
        snapshot = module.accumulate_event(event=event, current_snapshot=snapshot, json_bufs=json_bufs, **extra)
    return snapshot


def anthropic_view(message: Any) -> dict[str, Any]:
    blocks = [block.to_dict() if hasattr(block, "to_dict") else dict(block) for block in message.content]
    calls = [b for b in blocks if b.get("type") in ("tool_use", "server_tool_use", "mcp_tool_use")]
    return {
        "text": "".join(b["text"] for b in blocks if b.get("type") == "text"),
        "calls": [(b["name"], b["id"], b["input"]) for b in calls],
        "stop": message.stop_reason,
    }


def gemini_view(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """google-genai has no stream accumulator: each chunk is parsed with the SDK's own
    ``types.GenerateContentResponse.model_validate`` and folded by hand the way its docs describe
    (concatenate non-thought text of candidate 0, calls in arrival order, last finishReason).
    Streamed calls (partialArgs) are left to the harness; only whole calls are compared."""
    from google.genai import types

    text, calls, finish = "", [], None
    for payload in payloads:
        if "error" in payload:
            continue
        # usage is not compared; newer usage fields (serviceTier) fail the SDK model's extra="forbid"
        response = types.GenerateContentResponse.model_validate({k: v for k, v in payload.items()
                                                                 if k != "usageMetadata"})
        for candidate in response.candidates or []:
            if (candidate.index or 0) != 0:
                continue
            for part in (candidate.content.parts or []) if candidate.content else []:
                if part.text is not None and not part.thought:
                    text += part.text
                call = part.function_call
                if call is not None and call.name and not call.partial_args and not call.will_continue:
                    calls.append((call.name, call.args or {}))
            if candidate.finish_reason is not None:
                finish = candidate.finish_reason.value
    return {"text": text, "calls": calls, "finish": finish}


chat_streaming = pytest.importorskip("openai.lib.streaming.chat._completions")
from openai.types.chat import ChatCompletionChunk  # noqa: E402


def openai_chat_final(payloads: list[dict[str, Any]]) -> tuple[Any, str | None]:
    """(the SDK's final ChatCompletion, None), or (the APIError message, "error") when the SDK's SSE layer
    raises on a payload with a truthy ``error`` (openai/_streaming.py), or (None, why it cannot read the
    stream). Payloads are the JSON before ``[DONE]``; like ``Stream.__stream__`` every one is handed to
    ``ChatCompletionStreamState.handle_chunk`` (src/openai/lib/streaming/chat/_completions.py), except
    the Azure filter frames with ``object: ""`` that ``ChatCompletionStream`` skips."""
    state = chat_streaming.ChatCompletionStreamState()
    fed = 0
    for payload in payloads:
        if payload.get("type") == "<unreadable>":
            return None, "a line is not JSON; the SDK's SSE layer raises on it"
        if payload.get("error"):
            error = payload["error"]
            return (error.get("message") if isinstance(error, dict) else error), "error"
        if payload.get("object") == "":
            continue
        try:
            list(state.handle_chunk(construct_type(type_=ChatCompletionChunk, value=payload)))
        except (RuntimeError, AssertionError, AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
            return None, f"the SDK accumulator raises {type(error).__name__}: {error}"
        fed += 1
    if not fed:
        return None, "no chunk"
    try:
        return state.get_final_completion(), None
    except LengthFinishReasonError as error:  # the SDK refuses a length stop, but hands over what it built
        return error.completion, None


def openai_chat_view(completion: Any) -> dict[str, Any]:
    """Choice 0 as the harness folds it: text, calls (name, id, argument text) and finish reason."""
    choice = next(c for c in completion.choices if c.index == 0)
    calls = choice.message.tool_calls or []
    return {
        "text": choice.message.content or "",
        "calls": [(call.function.name, call.id, call.function.arguments) for call in calls],
        "finish": choice.finish_reason,
    }


def gemini_chat_turn(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """What google-genai's ``Chat.send_message_stream`` keeps of a streamed turn (google/genai/chats.py,
    the path without automatic function calling): every chunk parsed as the SDK's streaming loop parses
    it (google/genai/models.py ``Models._generate_content_stream``: ``_GenerateContentResponse_from_mldev``,
    then ``GenerateContentResponse._from_response``, which drops fields the model does not know),
    candidate 0's content of each chunk appended to the turn's output, the last finish_reason kept; the
    turn enters the curated history (what the next request sends) only if every chunk passes
    ``chats._validate_response`` and a finish reason came. The parts of the output are read in order:
    answer text, thought text (``thought: true``) and function calls."""
    from google.genai import chats, models, types

    output: list[Any] = []
    finish, valid = None, True
    for payload in payloads:
        chunk = types.GenerateContentResponse._from_response(
            response=models._GenerateContentResponse_from_mldev(payload, None, None), kwargs={})
        valid = valid and chats._validate_response(chunk)
        if chunk.candidates and chunk.candidates[0].content:
            output.append(chunk.candidates[0].content)
        if chunk.candidates and chunk.candidates[0].finish_reason:
            finish = chunk.candidates[0].finish_reason
    parts = [part for content in output for part in content.parts or []]
    return {
        "text": "".join(part.text for part in parts if part.text is not None and not part.thought),
        "thoughts": "".join(part.text for part in parts if part.text is not None and part.thought),
        "calls": [(part.function_call.name, part.function_call.id, part.function_call.args or {})
                  for part in parts if part.function_call is not None],
        "finish": finish.value if finish is not None else None,
        "curated": valid and finish is not None,
    }
