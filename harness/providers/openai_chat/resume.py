"""The Chat Completions resume contract (specs/openai-anthropic.md B.5): a stateless re-send.

The next request repeats the history, then the assistant message with ``tool_calls`` exactly as the
model produced them (``function.arguments`` a JSON string), then one ``role: "tool"`` message per
call id in the contiguous block right after it. The API's three documented 400s map onto the
provider-neutral counting (``answer_checks``: B.5.1 unanswered -> RESUME-003, answered twice ->
RESUME-004, B.5.3 unknown id -> RESUME-005) and RESUME-006 (B.5.1/B.5.2: a tool message outside
the block that follows the tool calls). Only choice 0 is continued (see ``translator.py``).

Mistral (specs/gemini-mistral-bedrock.md B.7) takes the same shape and adds one documented rule: every
tool call id in the request is 9 characters a-z, A-Z, 0-9 (B.6, RESUME-305). Its tool messages may name
the function (``name``, which ``build`` adds for a Mistral turn); nothing more is documented.
"""

from __future__ import annotations

import json
from typing import Any

from harness.checks.resume import answer_checks
from harness.checks.tool_calls import (
    Message,
    arguments_of,
    echo_checks,
    echo_of,
    messages_of,
    produced,
    tool_calls,
)
from harness.checks.tool_calls import is_continuation as is_continuation  # this module's contract
from harness.exchange import Request
from harness.findings import Finding, Location, finding
from harness.providers.base import Answer, ResumeView
from harness.providers.openai_chat import mistral
from harness.state import Interrupt, Item, Turn


def find_echo(messages: list[Message], calls: dict[str, Item]) -> int | None:
    """The assistant message echoing the turn: the last naming one of its calls; for a turn without
    calls, the last assistant message."""
    at = echo_of(messages, calls)
    if at is not None or calls:
        return at
    return next((n for n in reversed(range(len(messages))) if messages[n].get("role") == "assistant"), None)


# -- the checks ----------------------------------------------------------------------------------------


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    """Nothing is owed to a turn that failed (an in-band error): the next request is a retry, whose
    history the client may rebuild (pydantic-ai re-sends Groq's ``failed_generation`` as a call)."""
    if turn.status == "failed":
        return []
    messages = messages_of(request)
    calls = produced(turn)
    interrupt = turn.interrupt or Interrupt(kind="tool_calls")
    at = find_echo(messages, calls)
    found: list[Finding] = []
    if at is None:
        if interrupt.pending:
            found.append(finding("RESUME-302", "no assistant message echoes the previous turn's tool_calls",
                                 Location(exchange=exchange, path="messages")))
        start = len(messages)
    else:
        found += echo_checks(calls, messages[at], at, exchange, "RESUME-301")
        start = at + 1
    answers, stray = _answers(messages, start, interrupt.pending, exchange)
    found += stray + answer_checks(interrupt, ResumeView(answers=answers), exchange) + _order(answers, interrupt,
                                                                                              exchange)
    if mistral.is_host(request.uri) or is_mistral(turn):
        found += _mistral_ids(messages, exchange)
    return found


def is_mistral(turn: Turn) -> bool:
    return turn.native.get("server") == mistral.SERVER


def _mistral_ids(messages: list[Message], exchange: int) -> list[Finding]:
    """B.6: Mistral answers 400 to any tool call id in the request that is not 9 characters a-z, A-Z, 0-9."""
    found: list[Finding] = []
    for n, message in enumerate(messages):
        ids = [(f"messages[{n}].tool_calls[{m}].id", call.get("id")) for m, call in enumerate(tool_calls(message))]
        if message.get("role") == "tool":
            ids.append((f"messages[{n}].tool_call_id", message.get("tool_call_id")))
        for path, call_id in ids:
            problem = mistral.id_problem(call_id) if isinstance(call_id, str) else None  # absent: counted elsewhere
            if problem:
                found.append(finding("RESUME-305", f"tool call id {call_id!r} {problem}: Mistral answers 400 \"Tool "
                                                   "call id was ... but must be a-z, A-Z, 0-9, with a length of 9.\"",
                                     Location(exchange=exchange, path=path), actual=call_id))
    return found


def _answers(messages: list[Message], start: int, pending: list[str],
             exchange: int) -> tuple[list[Answer], list[Finding]]:
    """The contiguous block of tool messages at ``start`` answers the turn (B.5.1); a later tool message
    for a pending call, or one that follows no tool_calls message, stands where the API rejects it."""
    answers: list[Answer] = []
    found: list[Finding] = []
    n = start
    while n < len(messages) and messages[n].get("role") == "tool":
        answers.append(Answer(call_id=str(messages[n].get("tool_call_id")), path=f"messages[{n}]"))
        found += _content_check(messages[n], n, exchange)
        n += 1
    announced: set[Any] = set()
    for m in range(n, len(messages)):
        message = messages[m]
        role = message.get("role")
        if role == "assistant":
            announced = {call.get("id") for call in tool_calls(message)}
        elif role == "tool":
            call_id = message.get("tool_call_id")
            if call_id in pending or call_id not in announced:
                where = Location(exchange=exchange, path=f"messages[{m}]")
                found.append(finding("RESUME-006", f"tool message for {call_id!r} does not stand in the block right "
                                                   "after the assistant message with its tool_calls", where,
                                     expected=f"messages[{start}..]"))
        elif role is not None:
            announced = set()
    return answers, found


def _content_check(message: Message, n: int, exchange: int) -> list[Finding]:
    """B.5.4: a tool message's content is a string or a list of text parts."""
    content = message.get("content")
    if isinstance(content, str) or (isinstance(content, list) and all(
            isinstance(part, dict) and part.get("type") == "text" for part in content)):
        return []
    return [finding("RESUME-303", f"tool message content is a {type(content).__name__}",
                    Location(exchange=exchange, path=f"messages[{n}].content"))]


def _order(answers: list[Answer], interrupt: Interrupt, exchange: int) -> list[Finding]:
    """B.5.4: the order of the tool messages is not documented as significant."""
    given = [answer.call_id for answer in answers if answer.call_id in interrupt.pending]
    wanted = [call_id for call_id in interrupt.pending if call_id in given]
    if given == wanted or len(set(given)) != len(given):
        return []
    return [finding("RESUME-304", "tool messages answer in another order than the calls were made",
                    Location(exchange=exchange), expected=wanted, actual=given)]


# -- building a correct next request ---------------------------------------------------------------------


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    body = dict(prior.json) if prior is not None and isinstance(prior.json, dict) else {
        "model": turn.model or "gpt-x", "stream": True}
    pending = turn.interrupt.pending if turn.interrupt else []
    missing = [call_id for call_id in pending if call_id not in answers]
    if missing:
        raise ValueError(f"no answer for pending call(s) {', '.join(missing)}")
    calls = produced(turn)
    echo: Message = {"role": "assistant", "content": turn.text or None}
    if calls:
        echo["tool_calls"] = [{"id": item.call_id, "type": "function",
                               "function": {"name": item.name, "arguments": arguments_of(item)}}
                              for item in calls.values()]
    history = messages_of(prior) if prior is not None else []
    body["messages"] = [*history, echo, *(_tool_message(call_id, answers[call_id], calls, is_mistral(turn))
                                          for call_id in pending)]
    return body


def _tool_message(call_id: str, output: Any, calls: dict[str, Item], named: bool) -> Message:
    """B.5; Mistral's tool message also names the function (B.7)."""
    message: Message = {"role": "tool", "tool_call_id": call_id, "content": _content(output)}
    if named and call_id in calls:
        message["name"] = calls[call_id].name
    return message


def _content(output: Any) -> str | list[Any]:
    return output if isinstance(output, (str, list)) else json.dumps(output, ensure_ascii=False)
