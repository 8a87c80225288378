"""Write a canonical turn as InvokeAgent events, as an agent with ``enableTrace: true`` sends them.

Usage and reasoning ride on an orchestration ``modelInvocationOutput`` trace (reasoning stays there:
the translator keeps traces native). A turn with tool calls ends in one
``returnControl`` (function inputs; an API input when the item's native facts say so), after a
``rationale`` trace carrying the turn's text; the invocation id is the one the call ids were made
from (``<invocationId>_<n>``, the translator's scheme), else the interrupt's. Any other turn ends
with a top-level FINISH ``observation`` (its ``finalResponse`` announcing the answer, absent when
there is none) and the answer in ``chunk`` events: one chunk, as the API sends it by default (C.4.4);
a fragmenter cuts it as ``streamFinalResponse`` would. A ``content_filter`` stop is a guardrail
that intervened; an ``error`` stop an exception. Ids default to the ones below.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from harness.providers.base import Fragmenter
from harness.state import Item, Turn
from harness.values import mapping

AGENT_ID, ALIAS_ID, SESSION_ID = "AGENT12345", "ALIAS12345", "session-0"
EVENT_TIME = "2026-01-01T00:00:00Z"
_CALL_ID = re.compile(r"^(.*)_(\d+)$")


def encode_turn(turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
    unknown = {item.kind for item in turn.items} - {"message", "tool_call", "reasoning"}
    if unknown:
        raise ValueError(f"Bedrock Agents stream text and returned control, not {', '.join(sorted(unknown))}")
    ids = {"agentId": turn.native.get("agentId", AGENT_ID), "agentAliasId": turn.native.get("agentAliasId", ALIAS_ID),
           "sessionId": turn.session_id or SESSION_ID}
    natives: list[dict[str, Any]] = []
    output = _model_output(turn)
    if output:
        natives.append(_trace(ids, {"modelInvocationOutput": {**output, "traceId": "t-0"}}))
    messages = [item for item in turn.items if item.kind == "message"]
    text = turn.text if messages else None
    calls = [item for item in turn.items if item.kind == "tool_call"]
    if calls:
        if text is not None:
            natives.append(_trace(ids, {"rationale": {"text": text, "traceId": "t-0"}}))
        return [*natives, _return_control(turn, calls)]
    if turn.stop == "error":
        error = turn.errors[0] if turn.errors else None
        code = turn.native_stop if (turn.native_stop or "").endswith("Exception") else "internalServerException"
        return [*natives, {"type": code, "message": error.message if error else "error"}]
    if turn.stop == "content_filter":
        natives.append(_trace(ids, {"action": "INTERVENED", "traceId": "g-0"}, step="guardrailTrace"))
    final = {"finalResponse": {"text": text}} if text is not None else {}
    natives.append(_trace(ids, {"observation": {**final, "traceId": "t-0", "type": "FINISH"}}))
    if text is None:
        return natives
    pieces = (fragments(text) if fragments else [text]) or [""]
    return natives + [{"type": "chunk", "bytes": base64.b64encode(piece.encode("utf-8")).decode("ascii")}
                      for piece in pieces]


def _model_output(turn: Turn) -> dict[str, Any]:
    """Usage, and reasoning (which the translator leaves in the trace, as the agent shows it nowhere else)."""
    output: dict[str, Any] = {}
    if any(item.kind == "reasoning" for item in turn.items):
        output["reasoningContent"] = {"reasoningText": {"text": turn.joined("reasoning", kinds=("reasoning",))}}
    if turn.usage is not None:
        usage = {"inputTokens": turn.usage.input_tokens or 0, "outputTokens": turn.usage.output_tokens or 0}
        output["metadata"] = {"usage": usage}
    return output


def _trace(ids: dict[str, str], body: dict[str, Any], step: str = "orchestrationTrace") -> dict[str, Any]:
    arn = f"arn:aws:bedrock:us-east-1:123456789012:agent-alias/{ids['agentId']}/{ids['agentAliasId']}"
    return {"type": "trace", **ids, "agentVersion": "1", "callerChain": [{"agentAliasArn": arn}],
            "eventTime": EVENT_TIME, "trace": {step: body}}


def _return_control(turn: Turn, calls: list[Item]) -> dict[str, Any]:
    return {"type": "returnControl", "invocationId": _invocation_id(turn, calls),
            "invocationInputs": [_input(item) for item in calls]}


def _invocation_id(turn: Turn, calls: list[Item]) -> str:
    """The prefix shared by ``<prefix>_0``, ``<prefix>_1``... when the call ids have that form."""
    matches = [_CALL_ID.match(item.call_id or "") for item in calls]
    prefixes = {match.group(1) for match in matches if match}
    if len(prefixes) == 1 and all(match and int(match.group(2)) == n for n, match in enumerate(matches)):
        return prefixes.pop()
    handle = turn.interrupt.handle.get("invocationId") if turn.interrupt else None
    return handle if isinstance(handle, str) else "invocation-0"


def _input(item: Item) -> dict[str, Any]:
    facts = item.native
    arguments = mapping(item.arguments)
    common = {"actionGroup": facts.get("actionGroup", "ActionGroup"),
              "actionInvocationType": facts.get("actionInvocationType", "RESULT")}
    if facts.get("kind") == "api":
        body = {media: {"properties": _parameters(values)}
                for media, values in mapping(arguments.get("requestBody")).items()}
        api = {**common, "apiPath": facts.get("apiPath"), "httpMethod": facts.get("httpMethod"),
               "parameters": _parameters(arguments.get("parameters"))}
        return {"apiInvocationInput": {**api, **({"requestBody": {"content": body}} if body else {})}}
    return {"functionInvocationInput": {**common, "function": item.name,
                                        "parameters": _parameters(arguments)}}


def _parameters(values: Any) -> list[dict[str, str]]:
    """Every value travels as a string; non-strings as JSON text, under the JSON type's name."""
    return [{"name": name, "type": _type(value), "value": value if isinstance(value, str) else
             json.dumps(value, ensure_ascii=False)} for name, value in mapping(values).items()]


def _type(value: Any) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"
