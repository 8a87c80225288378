"""The OpenAI Responses resume contract (specs/openai-anthropic.md A.8): reading and writing next requests.

Three ways to go on after a turn: (a) stateful, ``previous_response_id`` plus the answers only
(A.8.1, A.8.3); (b) stateless, the whole transcript re-sent with the answers (A.8.2); (c) re-attach
to a dropped background stream, ``GET /v1/responses/{id}?stream=true&starting_after=N`` (A.8.4).

Everything read here is in the Turn, so a turn loaded from JSON checks the same: ``turn.native`` holds
the response's ``store`` and ``background`` (absent when unknown, which skips the rule that needs it),
``item.native`` a reasoning item's ``encrypted_content`` from its done event.

The provider's contract (``harness.providers.base.ResumeContract``) is this module's
``is_continuation``, ``check`` and ``build``.
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
from harness.providers.openai_responses import items as it
from harness.state import Interrupt, Item, Turn
from harness.values import array, mapping, name, string

_REATTACH_PATH = re.compile(r"/responses/([^/]+)/?$")


def reattached_response(path: str) -> str | None:
    """The response id a ``GET /v1/responses/{id}`` names (A.1 retrieval stream)."""
    match = _REATTACH_PATH.search(path)
    return match.group(1) if match else None


_CALL_ITEMS = it.CLIENT_CALLS | {"tool_search_call"}
_CONTENT_PARTS = frozenset({"input_text", "input_image", "input_file"})


def reattach_target(request: Request) -> str | None:
    """The response a re-attach GET names; None for any other request."""
    return reattached_response(request.path) if request.method == "GET" else None


def is_reattach(request: Request) -> bool:
    return reattach_target(request) is not None


def request_flag(request: Request, name: str, default: bool) -> bool | None:
    """A create request's flag (absent means the API default); unknown without a JSON request body.
    The response object's own value, when the stream carries one, overrides it."""
    body = request.json
    if not isinstance(body, dict) or request.method == "GET":
        return None
    value = body.get(name, default)
    return value if isinstance(value, bool) else None


def is_continuation(request: Request) -> bool:
    """previous_response_id, answers in the input, or a re-attach GET: each continues the last turn."""
    if is_reattach(request):
        return True
    body = mapping(request.json)
    return body.get("previous_response_id") is not None or any(
        isinstance(entry, dict) and _is_answer(entry) for entry in array(body.get("input"))
    )


def resume_cursor(request: Request) -> int | None:
    """The ``starting_after`` cursor of a re-attach GET (A.8.4); None for a full replay or a POST."""
    if not is_reattach(request):
        return None
    values = request.query.get("starting_after") or []
    try:
        return int(values[0]) if values else None
    except ValueError:
        return None


# -- checking a next request -----------------------------------------------------------------------


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    """Findings on ``request`` as the continuation of ``turn``: a re-attach, a stateful or a stateless one."""
    where = Location(exchange=exchange)
    if is_reattach(request):
        return _check_reattach(turn, request, where)
    body = request.json
    if not isinstance(body, dict):
        return []
    inputs = array(body.get("input"))
    found = _id_prefixes(inputs, where) + _answer_shapes(inputs, where)
    if body.get("previous_response_id") is not None:
        return found + _stateful(turn, body, inputs, exchange)
    return found + _stateless(turn, inputs, exchange)


def _check_reattach(turn: Turn, request: Request, where: Location) -> list[Finding]:
    found = []
    named = reattached_response(request.path)
    if turn.response_id is not None and named != turn.response_id:
        found.append(finding("RESUME-002", f"re-attaches to {named}, not to the dropped response",
                             where.with_(path="uri"), expected=turn.response_id, actual=named))
    if turn.native.get("background") is False:
        found.append(finding("RESUME-106", f"re-attaches to {named}, which was not created with background: true",
                             where.with_(path="uri")))
    return found


def _stateful(turn: Turn, body: dict[str, Any], inputs: list[Any], exchange: int) -> list[Finding]:
    where = Location(exchange=exchange)
    found = []
    if body.get("conversation") is not None:
        found.append(finding("RESUME-103", "previous_response_id is combined with conversation",
                             where.with_(path="conversation")))
    if turn.native.get("store") is False:
        found.append(finding("RESUME-102", f"previous response {turn.response_id} was created with store: false",
                             where.with_(path="previous_response_id"), actual=body.get("previous_response_id")))
    produced_ids = {item.item_id for item in turn.items}
    produced_calls = {item.call_id for item in turn.client_calls if item.call_id}
    for index, entry in enumerate(inputs):
        if not isinstance(entry, dict) or _is_answer(entry):
            continue
        if string(entry.get("id")) in produced_ids or (
                name(entry.get("type")) in _CALL_ITEMS and name(entry.get("call_id")) in produced_calls):
            found.append(finding("RESUME-101", f"input[{index}] re-sends output item {entry.get('id') or entry.get('call_id')}",
                                 where.with_(path=f"input[{index}]")))
    interrupt = turn.interrupt or Interrupt(kind="tool_calls")
    view = ResumeView(handle={"previous_response_id": body.get("previous_response_id")}, answers=_answers(inputs))
    return found + answer_checks(interrupt, view, exchange)


def _stateless(turn: Turn, inputs: list[Any], exchange: int) -> list[Finding]:
    """A.8.2: the handle is not needed, the transcript is; earlier turns' call/answer pairs are history."""
    produced_calls = {item.call_id for item in turn.client_calls if item.call_id}
    history = {string(entry.get("call_id")) for entry in inputs
               if isinstance(entry, dict) and name(entry.get("type")) in _CALL_ITEMS} - produced_calls
    answers = _answers(inputs, skip=history)
    pending = turn.interrupt
    found: list[Finding] = []
    if pending is not None or answers:
        interrupt = Interrupt(kind=pending.kind if pending else "tool_calls",
                              pending=list(pending.pending) if pending else [])
        found += answer_checks(interrupt, ResumeView(answers=answers), exchange)
    echoes = _echo_positions(turn, inputs)
    return (found + _unanchored(turn, answers, echoes, exchange) + _pairing(turn, echoes, exchange)
            + _echo_equality(turn, inputs, echoes, exchange))


def _unanchored(turn: Turn, answers: list[Answer], echoes: dict[str, int], exchange: int) -> list[Finding]:
    """An output with neither previous_response_id nor its function_call in the input answers nothing
    the API can see (400 "No tool call found for function call output")."""
    echoed = {item.call_id for item in turn.items if item.item_id in echoes}
    produced = {item.call_id for item in turn.client_calls}
    return [
        finding("RESUME-002", f"output for {answer.call_id} needs previous_response_id or the echoed call",
                Location(exchange=exchange, path=answer.path), expected="previous_response_id")
        for answer in answers if answer.call_id in produced and answer.call_id not in echoed
    ]


def _echo_positions(turn: Turn, inputs: list[Any]) -> dict[str, int]:
    """Where each produced item is echoed in the input: matched by item id, else a call by call_id."""
    by_id: dict[str | None, int] = {}
    by_call: dict[str | None, int] = {}
    for index, entry in enumerate(inputs):
        if isinstance(entry, dict) and not _is_answer(entry):
            by_id.setdefault(string(entry.get("id")), index)
            if name(entry.get("type")) in _CALL_ITEMS:
                by_call.setdefault(string(entry.get("call_id")), index)
    positions = {}
    for item in turn.items:
        position = by_id.get(item.item_id, by_call.get(item.call_id) if item.call_id else None)
        if position is not None:
            positions[item.item_id] = position
    return positions


def _pairing(turn: Turn, echoes: dict[str, int], exchange: int) -> list[Finding]:
    """A.8.2: a function_call needs its reasoning item before it; a reasoning item needs a follower."""
    found = []
    reasoning: Item | None = None
    echoed_positions = set(echoes.values())
    for item in turn.items:
        if item.kind == "reasoning":
            reasoning = item
            position = echoes.get(item.item_id)
            if position is not None and position + 1 not in echoed_positions:
                found.append(finding("RESUME-105", f"reasoning item {item.item_id} is echoed without its following item",
                                     Location(exchange=exchange, path=f"input[{position}]")))
        elif item.is_client_call and item.item_id in echoes and reasoning is not None:
            before = echoes.get(reasoning.item_id)
            if before is None or before > echoes[item.item_id]:
                found.append(finding("RESUME-105", f"{item.item_id} is echoed without its reasoning item {reasoning.item_id}",
                                     Location(exchange=exchange, path=f"input[{echoes[item.item_id]}]"),
                                     expected=reasoning.item_id))
    return found


def _echo_equality(turn: Turn, inputs: list[Any], echoes: dict[str, int], exchange: int) -> list[Finding]:
    found = []
    for item in turn.items:
        position = echoes.get(item.item_id)
        if position is None:
            continue
        where = Location(exchange=exchange, path=f"input[{position}]")
        for field, produced, echoed in _echo_fields(item, inputs[position], turn.native.get("store")):
            if produced is not None and produced != echoed:
                found.append(finding("RESUME-009", f"echoed {field} of {item.item_id} is not what the model produced",
                                     where.with_(path=f"input[{position}].{field}"), expected=produced, actual=echoed))
    return found


def _echo_fields(item: Item, echo: dict[str, Any], store: bool | None) -> list[tuple[str, Any, Any]]:
    """(field, produced, echoed) triples that must match; encrypted_content from the done item only."""
    kind = echo.get("type")
    if item.kind == "reasoning":
        produced = item.native.get("encrypted_content")
        if produced is None or (store is not False and "encrypted_content" not in echo):
            return []
        return [("encrypted_content", produced, echo.get("encrypted_content"))]
    if kind == "function_call":
        return [("call_id", item.call_id, echo.get("call_id")), ("name", item.name, echo.get("name")),
                ("arguments", _json_or_text(item.arguments_text), _json_or_text(echo.get("arguments")))]
    if kind == "custom_tool_call":
        return [("call_id", item.call_id, echo.get("call_id")), ("name", item.name, echo.get("name")),
                ("input", item.text.get(it.FREEFORM_PART), echo.get("input"))]
    return []


def _json_or_text(text: Any) -> Any:
    """Arguments compare as JSON values: a client may re-serialise them with other whitespace."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _id_prefixes(inputs: list[Any], where: Location) -> list[Finding]:
    """A.8.1.5: a call_ value is not an item id; function_call item ids begin with fc."""
    found = []
    for index, entry in enumerate(inputs):
        item_id = string(mapping(entry).get("id"))
        if item_id is None:
            continue
        if item_id.startswith("call_") or (entry.get("type") == "function_call" and not item_id.startswith("fc")):
            found.append(finding("RESUME-104", f"input[{index}].id is {item_id!r}", where.with_(path=f"input[{index}].id"),
                                 actual=item_id))
    return found


def _answer_shapes(inputs: list[Any], where: Location) -> list[Finding]:
    """A.8.1 / A.8.3: answers carry their key and an output of the documented shape."""
    found = []
    for index, entry in enumerate(inputs):
        if not isinstance(entry, dict):
            continue
        problem = _answer_problem(entry)
        if problem:
            found.append(finding("RESUME-107", f"input[{index}] ({entry.get('type')}): {problem}",
                                 where.with_(path=f"input[{index}]")))
    return found


def _answer_problem(entry: dict[str, Any]) -> str | None:
    kind = entry.get("type")
    if kind == it.APPROVAL_RESPONSE:
        if not name(entry.get("approval_request_id")):
            return "approval_request_id missing"
        return None if isinstance(entry.get("approve"), bool) else "approve is not a boolean"
    if kind not in ("function_call_output", "custom_tool_call_output"):
        return None
    if not name(entry.get("call_id")):
        return "call_id missing"
    output = entry.get("output")
    if isinstance(output, str):
        return None
    if isinstance(output, list) and all(isinstance(p, dict) and name(p.get("type")) in _CONTENT_PARTS for p in output):
        return None
    return "output is neither a string nor a list of input_text/input_image/input_file parts"


def _is_answer(entry: dict[str, Any]) -> bool:
    kind = name(entry.get("type"))
    return kind in it.ANSWER_TYPES or kind == it.APPROVAL_RESPONSE


def _answers(inputs: list[Any], skip: set[Any] = frozenset()) -> list[Answer]:  # type: ignore[assignment]
    found = []
    for index, entry in enumerate(inputs):
        if not isinstance(entry, dict):
            continue
        kind = entry.get("type")
        key = string(entry.get("approval_request_id") if kind == it.APPROVAL_RESPONSE else entry.get("call_id"))
        if _is_answer(entry) and key is not None and key not in skip:
            found.append(Answer(call_id=key, path=f"input[{index}]", kind=kind))
    return found


# -- writing a next request ---------------------------------------------------------------------------

_CARRIED = ("model", "tools", "tool_choice", "instructions", "include", "reasoning", "text", "stream")


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    """A next request that answers every pending call: stateful when the response was stored, else stateless."""
    prior_body = copy.deepcopy(mapping(prior.json)) if prior is not None else {}
    body: dict[str, Any] = {key: prior_body[key] for key in _CARRIED if key in prior_body}
    body.setdefault("stream", True)
    pending = turn.interrupt.pending if turn.interrupt is not None else []
    outputs = [_answer_item(turn, key, answers.get(key)) for key in pending]
    if turn.native.get("store") is False:
        body["store"] = False
        body["input"] = array(prior_body.get("input")) + [echo for item in turn.items for echo in _echo(item)] + outputs
    else:
        body["previous_response_id"] = turn.response_id
        body["input"] = outputs
    return body


def _answer_item(turn: Turn, key: str, value: Any) -> dict[str, Any]:
    item = next((item for item in turn.items if key in (item.item_id, item.call_id)), None)
    if item is not None and item.kind == "approval_request":
        decision = value if isinstance(value, dict) else {"approve": bool(value)}
        return {"type": it.APPROVAL_RESPONSE, "approval_request_id": key, **decision}
    freeform = item is not None and item.arguments_text is None and it.FREEFORM_PART in item.text
    output = value if isinstance(value, (str, list)) else json.dumps(value)
    return {"type": "custom_tool_call_output" if freeform else "function_call_output", "call_id": key, "output": output}


def _echo(item: Item) -> list[dict[str, Any]]:
    """An output item as a stateless re-send carries it (A.8.2): reasoning with its done encrypted_content."""
    if item.kind == "reasoning":
        echo = {"type": "reasoning", "id": item.item_id,
                "summary": [{"type": "summary_text", "text": text} for part, text in sorted(item.reasoning.items())
                            if part < it.REASONING_TEXT_BASE]}
        if "encrypted_content" in item.native:
            echo["encrypted_content"] = item.native["encrypted_content"]
        return [echo]
    if item.kind == "message":
        content = [{"type": "output_text", "text": text} for _, text in sorted(item.text.items())]
        return [{"type": "message", "role": "assistant", "id": item.item_id, "status": "completed", "content": content}]
    if not item.is_client_call:
        return []
    if item.arguments_text is None and it.FREEFORM_PART in item.text:
        return [{"type": "custom_tool_call", "id": item.item_id, "call_id": item.call_id, "name": item.name,
                 "input": item.text[it.FREEFORM_PART]}]
    return [{"type": "function_call", "id": item.item_id, "call_id": item.call_id, "name": item.name,
             "arguments": item.arguments_text or ""}]
