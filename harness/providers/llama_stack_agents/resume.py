"""The Llama Stack Agents resume contract (specs/llamastack-cohere-compat.md A.8).

Stateful: the turn lives on the server. A ``turn_awaiting_input`` pauses it for client tools; the
client answers with ``POST {base}/agents/{agent_id}/session/{session_id}/turn/{turn_id}/resume`` and
``{"tool_responses": [ToolResponse...], "stream": true}``. The handle is the path: its turn id must
be the paused turn's (R-1) and its agent and session the turn's own (RESUME-002); every pending
``call_id`` answered exactly once (R-2, R-3: RESUME-003..005); each item a ``ToolResponse``
``{call_id, tool_name, content, metadata?}`` naming the call's tool (v0.1.7+; the v0.1.4-v0.1.6
``ToolResponseMessage`` shape with ``role: "tool"`` is a warning); ``stream: true`` (R-4, else 501).
What the server streams back (R-5, R-6) is checked by the translator of that exchange.
"""

from __future__ import annotations

import json
from typing import Any

from harness.checks.resume import answer_checks
from harness.exchange import Request
from harness.findings import Finding, Location, finding
from harness.providers.base import Answer, ResumeView
from harness.providers.llama_stack_agents.routes import resume_path, route
from harness.state import Turn
from harness.values import mapping


def is_continuation(request: Request) -> bool:
    """A create-turn or resume POST may continue the previous turn; ``check`` tells which it should be."""
    return request.method == "POST" and route(request) is not None


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    target = route(request)
    if turn.status == "failed" or target is None:
        return []
    where = Location(exchange=exchange)
    if not target.is_resume:
        if turn.interrupt is not None and target.session_id == turn.interrupt.handle.get("session_id"):
            return [finding("RESUME-920", "the turn awaits input but the next request creates a new turn instead of "
                                          "resuming it", where.with_(path="uri"))]
        return []
    if turn.interrupt is None:
        if turn.status != "completed":
            return []
        return [finding("RESUME-920", "a resume after a turn that completed (the server resumes the session's last "
                                      "turn, or answers with an error frame: R-7, R-8)", where.with_(path="uri"))]
    body = mapping(request.json)
    found: list[Finding] = []
    if body.get("stream") is not True:
        found.append(finding("RESUME-921", f"stream is {body.get('stream')!r}: the reference server answers 501 to a "
                                           "non-streaming resume", where.with_(path="stream")))
    api = turn.native.get("api")
    if api is not None and api != target.base:
        found.append(finding("RESUME-924", f"the turn was created under {api}, the resume goes to {target.base}",
                             where.with_(path="uri"), expected=api, actual=target.base))
    answers, shapes = _responses(body.get("tool_responses"), tool_names(turn), turn.interrupt.pending, where)
    view = ResumeView(handle=target.handle(), answers=answers)
    return found + shapes + answer_checks(turn.interrupt, view, exchange)


def _responses(raw: Any, names: dict[str, str | None], pending: list[str],
               where: Location) -> tuple[list[Answer], list[Finding]]:
    if not isinstance(raw, list):
        return [], [finding("RESUME-922", f"tool_responses is a {type(raw).__name__}, not a list",
                            where.with_(path="tool_responses"))]
    answers: list[Answer] = []
    found: list[Finding] = []
    for index, entry in enumerate(raw):
        path = f"tool_responses[{index}]"
        at = where.with_(path=path)
        if not isinstance(entry, dict) or not isinstance(entry.get("call_id"), str) or not entry["call_id"]:
            found.append(finding("RESUME-922", f"{path} has no call_id", at))
            continue
        call_id = entry["call_id"]
        answers.append(Answer(call_id=call_id, path=path, kind="tool_response"))
        if "role" in entry:
            found.append(finding("RESUME-923", f"{path} is a ToolResponseMessage (role {entry['role']!r}), which only "
                                               "v0.1.4-v0.1.6 accept; send a ToolResponse", at))
        tool_name = entry.get("tool_name")
        if not isinstance(tool_name, str) or (call_id in pending and tool_name != names.get(call_id)):
            found.append(finding("RESUME-922", f"{path}.tool_name is {tool_name!r}, the call's tool is "
                                               f"{names.get(call_id)!r}", at.with_(path=f"{path}.tool_name"),
                                 expected=names.get(call_id), actual=tool_name))
        if not _interleaved(entry.get("content")):
            found.append(finding("RESUME-922", f"{path}.content is not InterleavedContent (a string, a text or image "
                                               "item, or a list of them)", at.with_(path=f"{path}.content")))
    return answers, found


def _interleaved(content: Any) -> bool:
    """A.4: a string, one item, or a list of items; an item is ``{type: text, text}`` or ``{type: image, image}``."""
    def item(value: Any) -> bool:
        return isinstance(value, dict) and (
            (value.get("type") == "text" and isinstance(value.get("text"), str))
            or (value.get("type") == "image" and isinstance(value.get("image"), dict)))

    return isinstance(content, str) or item(content) or (
        isinstance(content, list) and all(isinstance(part, str) or item(part) for part in content))


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    """The resume body (its URL is ``resume_uri(turn)``) answering every pending call; the create-turn
    request (``prior``) contributes nothing: a resume carries only tool_responses."""
    pending = turn.interrupt.pending if turn.interrupt else []
    missing = [call_id for call_id in pending if call_id not in answers]
    if missing:
        raise ValueError(f"no answer for pending call(s) {', '.join(missing)}")
    names = tool_names(turn)
    return {"tool_responses": [{"call_id": call_id, "tool_name": names.get(call_id),
                                "content": answers[call_id] if isinstance(answers[call_id], str)
                                else json.dumps(answers[call_id], ensure_ascii=False)} for call_id in pending],
            "stream": True}


def tool_names(turn: Turn) -> dict[str, str | None]:
    """The turn's tool calls by call id, with their tool names (what a tool_response must name)."""
    return {item.call_id: item.name for item in turn.items if item.kind == "tool_call" and item.call_id}


def resume_uri(turn: Turn, host: str = "http://localhost:8321") -> str:
    """Where the resume goes: the turn's API base and the interrupt's agent, session and turn."""
    handle = turn.interrupt.handle if turn.interrupt else {}
    return host + resume_path(str(turn.native.get("api", "/v1")), str(handle.get("agent_id", turn.native.get("agent_id"))),
                              str(handle.get("session_id")), str(handle.get("turn_id")))
