"""The agent-session resume contract (specs/agent-session.md, Resume contract).

Stateful: the session lives on the server. After ``turn_stop`` with ``stopReason: "tool_use"`` the next
request is ``POST /session/{sessionId}`` (the id from ``session_start``, or from the JSON body of the
PUT) and answers every pending call in that one request: an application-side call with one
``{role: "tool", toolCallId, content}``, an untrusted server-side call with one
``{role: "tool_permission", toolCallId, granted, reason?}``. Permission messages are never stored in
history, so no later request may carry one in its history.

Where the answers stand: a request may send only what is new, or re-send the history first (messages
follow OpenAI-compatible roles). The history is everything up to the last assistant message; what
follows is new, and the answers are the ``tool`` / ``tool_permission`` messages there. Counting
(RESUME-002..005) is ``answer_checks``; the rest is RESUME-820..825.
"""

from __future__ import annotations

import json
from typing import Any

from harness.checks.resume import answer_checks
from harness.exchange import Request
from harness.findings import Finding, Location, finding
from harness.providers.agent_session.request import messages_of, read_request, session_path
from harness.providers.base import Answer, ResumeView
from harness.state import Interrupt, Turn
from harness.values import mapping

ANSWER_ROLES = ("tool", "tool_permission")
Message = dict[str, Any]


def is_continuation(request: Request) -> bool:
    """Any /session request after a turn: a POST goes on with the session, and a PUT right after a
    ``tool_use`` stop is the breach RESUME-820 names (so it must be looked at too)."""
    return session_path(request)[0]


def history_end(messages: list[Message]) -> int:
    """Where the new part of a request begins: just after its last assistant message (0 if none)."""
    return next((n + 1 for n in reversed(range(len(messages))) if messages[n].get("role") == "assistant"), 0)


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    facts = read_request(request)
    messages = messages_of(request)
    start = history_end(messages)
    interrupt = turn.interrupt
    found = _stored_permissions(messages, start if interrupt is not None else len(messages), exchange)
    if interrupt is None:  # nothing was pending: a new turn; only the history rule applies
        return found + answer_checks(Interrupt(kind="tool_calls"), ResumeView(answers=_answers(
            messages, start, roles=("tool",))), exchange)
    if facts.kind != "post":
        found.append(finding("RESUME-820", f"after stopReason tool_use the next request must be POST /session/"
                                           f"{interrupt.handle.get('session_id', '{id}')}, not {request.method} "
                                           f"{request.path or request.uri}", Location(exchange=exchange, path="uri"),
                             expected="POST", actual=request.method))
        interrupt = interrupt.model_copy(update={"handle": {}})  # the handle is a POST path: RESUME-820 says it all
    answers = _answers(messages, start, ANSWER_ROLES)
    found += _shapes(messages, start, exchange)
    found += _kinds(turn, answers, exchange)
    found += _user_first(messages, start, exchange)
    view = ResumeView(handle={"session_id": facts.session_id}, answers=answers)
    return found + answer_checks(interrupt, view, exchange)


def _answers(messages: list[Message], start: int, roles: tuple[str, ...]) -> list[Answer]:
    return [Answer(call_id=str(message.get("toolCallId")), path=f"messages[{n}]", kind=message["role"])
            for n, message in enumerate(messages) if n >= start and message.get("role") in roles]


def _stored_permissions(messages: list[Message], start: int, exchange: int) -> list[Finding]:
    """R6: tool_permission messages are never stored in history; ``start`` is where answers may begin."""
    return [finding("RESUME-825", f"messages[{n}] is a tool_permission kept in history (permission messages are "
                                  "never stored)", Location(exchange=exchange, path=f"messages[{n}]"),
                    actual=message.get("toolCallId"))
            for n, message in enumerate(messages) if n < start and message.get("role") == "tool_permission"]


def _shapes(messages: list[Message], start: int, exchange: int) -> list[Finding]:
    """R4: a tool message's content is a string or an array of content blocks; R2: a permission's
    ``granted`` is a boolean and its ``reason``, when given, a string."""
    found = []
    for n in range(start, len(messages)):
        message, where = messages[n], Location(exchange=exchange, path=f"messages[{n}]")
        if message.get("role") == "tool":
            content = message.get("content")
            if not (isinstance(content, str) or isinstance(content, list) and all(
                    isinstance(block, dict) and isinstance(block.get("type"), str) for block in content)):
                found.append(finding("RESUME-822", f"tool message content is a {type(content).__name__} (or holds "
                                                   "something that is not a content block)", where,
                                     actual=type(content).__name__))
        elif message.get("role") == "tool_permission":
            granted, reason = message.get("granted"), message.get("reason")
            if not isinstance(granted, bool) or not (reason is None or isinstance(reason, str)):
                found.append(finding("RESUME-823", f"tool_permission has granted {granted!r} and reason {reason!r} "
                                                   "(a boolean, and an optional string)", where,
                                     actual={"granted": granted, "reason": reason}))
    return found


def _kinds(turn: Turn, answers: list[Answer], exchange: int) -> list[Finding]:
    """R3: an application-side call takes a tool message, an untrusted server-side one a tool_permission
    (a call of unknown side, its request not naming its tools, takes either)."""
    wanted = {item.call_id: "tool" if item.executor == "client" else "tool_permission"
              for item in turn.items if item.kind == "tool_call" and item.call_id and item.executor is not None}
    pending = set(turn.interrupt.pending) if turn.interrupt else set()
    return [finding("RESUME-821", f"a {answer.kind} message answers {answer.call_id}, which needs a {wanted[answer.call_id]} "
                                  "message", Location(exchange=exchange, path=answer.path),
                    expected=wanted[answer.call_id], actual=answer.kind)
            for answer in answers
            if answer.call_id in pending and wanted.get(answer.call_id, answer.kind) != answer.kind]


def _user_first(messages: list[Message], start: int, exchange: int) -> list[Finding]:
    """R5 (INFERRED): a resume carries no new user message before its answers."""
    first = next((n for n in range(start, len(messages)) if messages[n].get("role") in ANSWER_ROLES), start)
    return [finding("RESUME-824", f"messages[{n}] is a new user message before the answers", Location(
                exchange=exchange, path=f"messages[{n}]"))
            for n in range(start, first) if messages[n].get("role") == "user"]


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    """The POST body (to ``resume_uri(turn)``) answering every pending call: a tool message for each
    application-side call (``answers[call_id]``, required) and a tool_permission for each untrusted
    server-side one (``answers[call_id]``: a bool, a ``{granted, reason}`` dict, or nothing: granted)."""
    prior_body = mapping(prior.json) if prior is not None else {}
    body: dict[str, Any] = {"stream": prior_body.get("stream", "delta")}
    if isinstance(prior_body.get("tools"), list):
        body["tools"] = prior_body["tools"]  # so the next stream's calls can be told apart (request.py)
    sides = {item.call_id: item.executor for item in turn.items if item.kind == "tool_call"}
    pending = turn.interrupt.pending if turn.interrupt is not None else []
    missing = [call_id for call_id in pending if sides.get(call_id) != "server" and call_id not in answers]
    if missing:
        raise ValueError(f"no answer for pending call(s) {', '.join(missing)}")
    body["messages"] = [_permission(call_id, answers.get(call_id)) if sides.get(call_id) == "server"
                        else _tool(call_id, answers[call_id]) for call_id in pending]
    return body


def _tool(call_id: str, output: Any) -> Message:
    content = output if isinstance(output, (str, list)) else json.dumps(output, ensure_ascii=False)
    return {"role": "tool", "toolCallId": call_id, "content": content}


def _permission(call_id: str, decision: Any) -> Message:
    message: Message = {"role": "tool_permission", "toolCallId": call_id, "granted": True}
    if isinstance(decision, bool):
        message["granted"] = decision
    elif isinstance(decision, dict):
        message.update({key: decision[key] for key in ("granted", "reason") if key in decision})
    return message


def resume_uri(turn: Turn, base: str = "https://agent.example") -> str:
    return f"{base}/session/{turn.session_id}"
