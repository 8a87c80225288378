"""OpenAI-style message histories (Chat Completions and the servers that copy it, Cohere v2): reading a
next request's ``messages``, and checking the echo of an assistant ``tool_calls`` message: each echoed
call must be one the model produced, under its name and with its arguments, as a JSON string."""

from __future__ import annotations

import json
from typing import Any

from harness.exchange import Request
from harness.findings import Finding, Location, Severity, finding
from harness.state import Item, Turn

Message = dict[str, Any]


def messages_of(request: Request) -> list[Message]:
    body = request.json if isinstance(request.json, dict) else {}
    messages = body.get("messages")
    return [m if isinstance(m, dict) else {} for m in messages] if isinstance(messages, list) else []


def is_continuation(request: Request) -> bool:
    """A stateless protocol: a request continues when its history holds assistant or tool messages."""
    return any(message.get("role") in ("assistant", "tool") for message in messages_of(request))


def arguments_of(item: Item) -> str:
    """The argument text as streamed; for a Turn not built from a stream, its arguments as JSON."""
    if item.arguments_text is not None:
        return item.arguments_text
    return json.dumps(item.arguments if item.arguments is not None else {}, ensure_ascii=False, separators=(",", ":"))


def tool_calls(message: Message) -> list[dict[str, Any]]:
    calls = message.get("tool_calls")
    return [c if isinstance(c, dict) else {} for c in calls] if isinstance(calls, list) else []


def produced(turn: Turn) -> dict[str, Item]:
    """The turn's client tool calls by call id: what an echo must repeat and the answers must name."""
    return {item.call_id: item for item in turn.client_calls if item.call_id}


def echo_of(messages: list[Message], calls: dict[str, Item]) -> int | None:
    """The last assistant message naming one of the turn's calls: where the echo of the turn stands."""
    return next((n for n in reversed(range(len(messages))) if messages[n].get("role") == "assistant"
                 and any(call.get("id") in calls for call in tool_calls(messages[n]))), None)


def echo_checks(produced: dict[str, Item], message: Message, at: int, exchange: int, string_rule: str) -> list[Finding]:
    """``string_rule``: the family's id for "arguments must be a JSON string"; the rest is RESUME-009."""
    found: list[Finding] = []
    echoed: set[Any] = set()
    for m, call in enumerate(tool_calls(message)):
        where = Location(exchange=exchange, path=f"messages[{at}].tool_calls[{m}]")
        function = call.get("function") if isinstance(call.get("function"), dict) else {}
        arguments = function.get("arguments")
        echoed.add(call.get("id"))
        if not isinstance(arguments, str):
            found.append(finding(string_rule, f"function.arguments is a {type(arguments).__name__}, not a JSON string",
                                 where, actual=type(arguments).__name__))
        item = produced.get(call.get("id"))  # type: ignore[arg-type]
        if item is None:
            found.append(finding("RESUME-009", f"tool call {call.get('id')!r} was not produced by the previous turn",
                                 where, actual=call.get("id")))
            continue
        if function.get("name") != item.name:
            found.append(finding("RESUME-009", f"tool call {item.call_id} is echoed with name {function.get('name')!r}",
                                 where, expected=item.name, actual=function.get("name")))
        if isinstance(arguments, str) and arguments != arguments_of(item):
            found.append(finding("RESUME-009", f"arguments of {item.call_id} differ from what the model produced",
                                 where, expected=arguments_of(item), actual=arguments,
                                 severity=Severity.warning if _same_json(arguments, item) else None))
    for call_id in produced.keys() - echoed:
        found.append(finding("RESUME-009", f"tool call {call_id} is missing from the echoed assistant message",
                             Location(exchange=exchange, path=f"messages[{at}].tool_calls"), expected=call_id))
    return found


def _same_json(text: str, item: Item) -> bool:
    """Re-serialised but equal JSON: the API reads it the same, so only a warning."""
    try:
        return bool(json.loads(text) == json.loads(arguments_of(item) or "{}"))
    except (ValueError, RecursionError):
        return False
