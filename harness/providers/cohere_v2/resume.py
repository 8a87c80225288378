"""The Cohere v2 resume contract (specs/llamastack-cohere-compat.md B.5): a stateless re-send.

The next ``POST /v2/chat`` repeats the history, then the assistant message with ``tool_plan`` and
``tool_calls`` (``function.arguments`` a JSON string, CR-2; no ``content``, CR-3), then one
``role: "tool"`` message per call id (CR-1: counted by ``answer_checks`` as RESUME-003/004/005),
a tool message's content a string or document/text parts (RESUME-605). CR-4 (``tools`` re-sent
unchanged) needs the first request, which ``check_resume`` is not given: not checked.
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
)
from harness.checks.tool_calls import is_continuation as is_continuation  # this module's contract
from harness.exchange import Request
from harness.findings import Finding, Location, finding
from harness.providers.base import Answer, ResumeView
from harness.state import Interrupt, Item, Turn


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    if turn.status == "failed":
        return []
    messages = messages_of(request)
    calls = produced(turn)
    interrupt = turn.interrupt or Interrupt(kind="tool_calls")
    echo = echo_of(messages, calls)
    found: list[Finding] = []
    if echo is None:
        if interrupt.pending:
            found.append(finding("RESUME-602", "no assistant message echoes the previous turn's tool_calls",
                                 Location(exchange=exchange, path="messages")))
        start = len(messages)
    else:
        found += _echo(calls, messages[echo], echo, exchange)
        start = echo + 1
    answers: list[Answer] = []
    for n in range(start, len(messages)):
        if messages[n].get("role") != "tool":
            continue
        answers.append(Answer(call_id=str(messages[n].get("tool_call_id")), path=f"messages[{n}]"))
        found += _content(messages[n], n, exchange)
    found += answer_checks(interrupt, ResumeView(answers=answers), exchange)
    return found


def _echo(produced: dict[str, Item], message: Message, at: int, exchange: int) -> list[Finding]:
    found: list[Finding] = []
    if message.get("content"):
        found.append(finding("RESUME-603", "the echoed tool-call message carries content (CR-3: omit it)",
                             Location(exchange=exchange, path=f"messages[{at}].content")))
    return found + echo_checks(produced, message, at, exchange, "RESUME-601")


def _content(message: Message, n: int, exchange: int) -> list[Finding]:
    """B.5: a string, or a list of ``document`` and ``text`` parts."""
    content = message.get("content")
    if isinstance(content, str) or (isinstance(content, list) and all(
            isinstance(part, dict) and part.get("type") in ("document", "text") for part in content)):
        return []
    return [finding("RESUME-605", f"tool message content is a {type(content).__name__} (or holds unknown parts)",
                    Location(exchange=exchange, path=f"messages[{n}].content"))]


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    body = dict(prior.json) if prior is not None and isinstance(prior.json, dict) else {
        "model": turn.model or "command-x", "stream": True}
    pending = turn.interrupt.pending if turn.interrupt else []
    missing = [call_id for call_id in pending if call_id not in answers]
    if missing:
        raise ValueError(f"no answer for pending call(s) {', '.join(missing)}")
    echo: Message = {"role": "assistant"}
    if turn.text:
        echo["tool_plan"] = turn.text
    echo["tool_calls"] = [{"id": item.call_id, "type": "function",
                           "function": {"name": item.name, "arguments": arguments_of(item)}}
                          for item in turn.client_calls if item.call_id]
    history = messages_of(prior) if prior is not None else []
    body["messages"] = [*history, echo, *({"role": "tool", "tool_call_id": call_id,
                                           "content": answers[call_id] if isinstance(answers[call_id], (str, list))
                                           else json.dumps(answers[call_id], ensure_ascii=False)}
                                          for call_id in pending)]
    return body
