"""The Mistral Conversations resume contract (specs/gemini-mistral-bedrock.md B.1, B.5).

Stateful: the conversation lives on the server. After a turn whose outputs hold ``function.call``
entries the client appends, ``POST /v1/conversations/{conversation_id}``, with one
``function.result`` entry per pending ``tool_call_id`` and a string ``result`` (C1, C2); the append
body takes no ``tools``/``instructions``/``model``. ``POST /v1/conversations/{id}/restart`` branches
from an entry (``from_entry_id``, C5). With ``handoff_execution: "client"`` a handoff pauses the turn
(an interrupt of kind ``handoff``) and the caller appends to go on (C4). The handle is the
``conversation_id`` from ``conversation.response.started``, carried in the URL path.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from harness.checks.resume import answer_checks
from harness.exchange import Request
from harness.findings import Finding, Location, finding
from harness.providers.base import Answer, ResumeView
from harness.providers.mistral_conversations import PATH
from harness.state import Interrupt, Turn
from harness.values import array, mapping, name, string

FORBIDDEN_ON_APPEND = ("tools", "instructions", "model", "agent_id")  # C2: 422 extra_forbidden
_CARRIED = ("store", "handoff_execution", "completion_args")


def path_target(request: Request) -> tuple[str | None, bool]:
    """The conversation id a POST names, and whether it is a restart; (None, False) for a start."""
    match = PATH.search(request.path)
    if match is None or match.group(1) is None:
        return None, False
    return match.group(1), match.group(2) is not None


def is_continuation(request: Request) -> bool:
    target, _ = path_target(request)
    return request.method == "POST" and target is not None


def _answers(inputs: list[Any]) -> list[Answer]:
    found = []
    for index, entry in enumerate(inputs):
        if isinstance(entry, dict) and entry.get("type") == "function.result":
            found.append(Answer(call_id=string(entry.get("tool_call_id")) or "", path=f"inputs[{index}]",
                                kind="function.result"))
    return found


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    body = mapping(request.json)
    target, restart = path_target(request)
    where = Location(exchange=exchange)
    inputs = array(body.get("inputs"))
    found = _result_shapes(inputs, where)
    if restart:
        if name(body.get("from_entry_id")) is None:
            found.append(finding("RESUME-503", "a restart without from_entry_id", where.with_(path="from_entry_id")))
        if turn.conversation_id is not None and target != turn.conversation_id:
            found.append(finding("RESUME-002", f"restarts conversation {target}, not {turn.conversation_id}",
                                 where.with_(path="uri"), expected=turn.conversation_id, actual=target))
        return found
    for key in FORBIDDEN_ON_APPEND:
        if key in body:
            found.append(finding("RESUME-502", f"an append carries {key} (422 extra_forbidden)", where.with_(path=key)))
    found += _confirmations(turn, body, where)
    interrupt = turn.interrupt or Interrupt(kind="tool_calls",
                                            handle={"conversation_id": turn.conversation_id}
                                            if turn.conversation_id else {})
    view = ResumeView(handle={"conversation_id": target}, answers=_answers(inputs))
    return found + answer_checks(interrupt, view, exchange)


def _result_shapes(inputs: list[Any], where: Location) -> list[Finding]:
    """C1: a function.result names its call and carries a string result (structured values JSON-encoded)."""
    found = []
    for index, entry in enumerate(inputs):
        if not isinstance(entry, dict) or entry.get("type") != "function.result":
            continue
        if name(entry.get("tool_call_id")) is None:
            found.append(finding("RESUME-501", f"inputs[{index}] has no tool_call_id", where.with_(path=f"inputs[{index}]")))
        if not isinstance(entry.get("result"), str):
            found.append(finding("RESUME-501", f"inputs[{index}].result is a {type(entry.get('result')).__name__}, "
                                               "not a string", where.with_(path=f"inputs[{index}].result")))
    return found


def _confirmations(turn: Turn, body: dict[str, Any], where: Location) -> list[Finding]:
    """C3 [OBS]: calls the server holds for confirmation need an allow/deny in tool_confirmations."""
    given = {entry.get("tool_call_id"): entry.get("confirmation") for entry in array(body.get("tool_confirmations"))
             if isinstance(entry, dict)}
    found = []
    for item in turn.client_calls:
        if item.native.get("confirmation_status") == "pending" and given.get(item.call_id) not in ("allow", "deny"):
            found.append(finding("RESUME-504", f"call {item.call_id} awaits confirmation but tool_confirmations has "
                                               "no allow/deny for it", where.with_(path="tool_confirmations"),
                                 actual=given.get(item.call_id)))
    return found


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    """An append body (the URL is /v1/conversations/{turn.conversation_id}) answering every pending call."""
    prior_body = copy.deepcopy(mapping(prior.json)) if prior is not None else {}
    body: dict[str, Any] = {key: prior_body[key] for key in _CARRIED if key in prior_body}
    body["stream"] = True
    pending = turn.interrupt.pending if turn.interrupt is not None else []
    body["inputs"] = [{"type": "function.result", "tool_call_id": key,
                       "result": value if isinstance(value, str) else json.dumps(answers.get(key))}
                      for key in pending for value in [answers.get(key)]]
    pending_confirmations = [item.call_id for item in turn.client_calls
                             if item.native.get("confirmation_status") == "pending"]
    if pending_confirmations:
        body["tool_confirmations"] = [{"tool_call_id": key, "confirmation": "allow"} for key in pending_confirmations]
    return body


def resume_uri(turn: Turn, restart: bool = False) -> str:
    base = f"https://api.mistral.ai/v1/conversations/{turn.conversation_id}"
    return base + "/restart" if restart else base
