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
from collections.abc import Callable
from typing import Any

from harness.checks.resume import answer_checks
from harness.exchange import Request
from harness.findings import Finding, Location, finding
from harness.providers.base import Answer, ResumeView
from harness.providers.openai_responses import calls
from harness.providers.openai_responses import items as it
from harness.state import Interrupt, Item, Turn
from harness.values import array, mapping, name, string

_REATTACH_PATH = re.compile(r"/responses/([^/]+)/?$")


def reattached_response(path: str) -> str | None:
    """The response id a ``GET /v1/responses/{id}`` names (A.1 retrieval stream)."""
    match = _REATTACH_PATH.search(path)
    return match.group(1) if match else None


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
    found = _id_prefixes(inputs, where) + _answer_shapes(inputs, where) + _answer_types(turn, inputs, where)
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
    produced_calls = _produced_calls(turn)
    for index, entry in enumerate(inputs):
        if not isinstance(entry, dict) or _is_answer(entry):
            continue
        if string(entry.get("id")) in produced_ids or (
                name(entry.get("type")) in calls.CLIENT_CALLS and name(entry.get("call_id")) in produced_calls):
            found.append(finding("RESUME-101", f"input[{index}] re-sends output item {entry.get('id') or entry.get('call_id')}",
                                 where.with_(path=f"input[{index}]")))
    interrupt = turn.interrupt or Interrupt(kind="tool_calls")
    view = ResumeView(handle={"previous_response_id": body.get("previous_response_id")}, answers=_answers(inputs))
    return found + answer_checks(interrupt, view, exchange)


def _stateless(turn: Turn, inputs: list[Any], exchange: int) -> list[Finding]:
    """A.8.2: the handle is not needed, the transcript is; earlier turns' call/answer pairs are history."""
    produced_calls = _produced_calls(turn)
    history = {string(entry.get("call_id")) for entry in inputs
               if isinstance(entry, dict) and name(entry.get("type")) in calls.CLIENT_CALLS} - produced_calls
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
    produced = _produced_calls(turn)
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
            if name(entry.get("type")) in calls.CLIENT_CALLS:
                by_call.setdefault(string(entry.get("call_id")), index)
    positions = {}
    for item in turn.items:
        call_id = item.call_id
        position = by_id.get(item.item_id, by_call.get(call_id) if call_id else None)
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
    if not item.is_client_call or kind != calls.call_type(item):
        return []  # a server call is history the server ran: its echo is not the client's to answer
    call_id = ("call_id", item.call_id, echo.get("call_id"))
    if kind == calls.FUNCTION_CALL:
        return [call_id, ("name", item.name, echo.get("name")),
                ("arguments", _json_or_text(item.arguments_text), _json_or_text(echo.get("arguments")))]
    if kind == "custom_tool_call":
        return [call_id, ("name", item.name, echo.get("name")), ("input", item.text.get(it.FREEFORM_PART), echo.get("input"))]
    content = item.arguments if isinstance(item.arguments, dict) else {}
    return [call_id] + [(member, content.get(member), echo.get(member)) for member in calls.CONTENT.get(kind, ())]


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
        if item_id is None or (entry.get("type") == "local_shell_call_output" and "call_id" not in entry):
            continue  # documented keyed by the call's id (calls.answer_key)
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
    shape = _OUTPUT_SHAPES.get(name(kind) or "")
    if shape is None:
        return None
    if calls.answer_key(entry) is None:
        return "call_id missing"
    rule, valid = shape
    return None if valid(entry) else rule


def _content_parts(output: Any) -> bool:
    return isinstance(output, str) or (isinstance(output, list) and all(
        isinstance(part, dict) and name(part.get("type")) in _CONTENT_PARTS for part in output))


def _shell_results(output: Any) -> bool:
    return isinstance(output, list) and all(
        isinstance(result, dict) and isinstance(result.get("stdout"), str) and isinstance(result.get("stderr"), str)
        and _outcome(mapping(result.get("outcome"))) for result in output)


def _outcome(outcome: dict[str, Any]) -> bool:
    exit_code = outcome.get("exit_code")
    return outcome.get("type") == "timeout" or (
        outcome.get("type") == "exit" and isinstance(exit_code, int) and not isinstance(exit_code, bool))


def _screenshot(output: Any) -> bool:
    shot = mapping(output)
    return shot.get("type") == "computer_screenshot" and any(isinstance(shot.get(key), str) for key in ("image_url", "file_id"))


# What each output type must carry (openai-python src/openai/types/responses/response_input_item.py): the rule
# a finding states, and its test of the entry.
_OUTPUT_SHAPES: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "function_call_output": (
        "output is neither a string nor a list of input_text/input_image/input_file parts",
        lambda entry: _content_parts(entry.get("output"))),
    "custom_tool_call_output": (
        "output is neither a string nor a list of input_text/input_image/input_file parts",
        lambda entry: _content_parts(entry.get("output"))),
    "local_shell_call_output": ("output is not a string", lambda entry: isinstance(entry.get("output"), str)),
    "shell_call_output": (
        "output is not a list of {stdout, stderr, outcome: exit with an exit_code, or timeout}",
        lambda entry: _shell_results(entry.get("output"))),
    "apply_patch_call_output": (
        "status is not completed or failed, or output is not a string",
        lambda entry: entry.get("status") in ("completed", "failed") and string(entry.get("output", "")) is not None),
    "computer_call_output": (
        "output is not a computer_screenshot with an image_url or a file_id",
        lambda entry: _screenshot(entry.get("output"))),
    "tool_search_output": ("tools is not a list", lambda entry: isinstance(entry.get("tools"), list)),
}


def _answer_types(turn: Turn, inputs: list[Any], where: Location) -> list[Finding]:
    """An answer to a call of this turn is the call's own output type (a function_call_output does not answer
    an apply_patch_call): each answer type belongs to one call type (response_input_item.py)."""
    produced = {item.call_id: item for item in turn.client_calls}
    found = []
    for index, entry in enumerate(inputs):
        if not isinstance(entry, dict) or name(entry.get("type")) not in calls.ANSWER_TYPES:
            continue
        item = produced.get(calls.answer_key(entry))
        if item is None:
            continue
        expected = calls.ANSWER_OF.get(calls.call_type(item))
        if expected is not None and entry.get("type") != expected:
            found.append(finding("RESUME-108", f"input[{index}] answers {calls.call_type(item)} {calls.answer_key(entry)} "
                                 f"with {entry.get('type')}", where.with_(path=f"input[{index}].type"),
                                 expected=expected, actual=entry.get("type")))
    return found


def _produced_calls(turn: Turn) -> set[str]:
    return {call_id for call_id in (item.call_id for item in turn.client_calls) if call_id}


def _is_answer(entry: dict[str, Any]) -> bool:
    kind = name(entry.get("type"))
    return kind in calls.ANSWER_TYPES or kind == it.APPROVAL_RESPONSE


def _answers(inputs: list[Any], skip: set[Any] = frozenset()) -> list[Answer]:  # type: ignore[assignment]
    found = []
    for index, entry in enumerate(inputs):
        if not isinstance(entry, dict):
            continue
        kind = entry.get("type")
        key = string(entry.get("approval_request_id")) if kind == it.APPROVAL_RESPONSE else calls.answer_key(entry)
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
    """The input item answering pending ``key`` with ``value``: an approval decision, or the call type's own
    output (a value that already has the output's shape is sent as it is)."""
    item = next((item for item in turn.items if key in (item.item_id, item.call_id)), None)
    if item is not None and item.kind == "approval_request":
        decision = value if isinstance(value, dict) else {"approve": bool(value)}
        return {"type": it.APPROVAL_RESPONSE, "approval_request_id": key, **decision}
    kind = calls.call_type(item) if item is not None else calls.FUNCTION_CALL
    return {"type": calls.ANSWER_OF[kind], "call_id": key, **_OUTPUT_WRITERS.get(kind, _text_output)(value)}


def _text_output(value: Any) -> dict[str, Any]:
    return {"output": value if isinstance(value, (str, list)) else json.dumps(value)}


def _shell_output(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        return {"output": value}
    stdout = value if isinstance(value, str) else json.dumps(value)
    return {"output": [{"stdout": stdout, "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}]}


def _patch_output(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {"status": "completed", "output": _text_output(value)["output"]}


def _screenshot_output(value: Any) -> dict[str, Any]:
    return {"output": value if isinstance(value, dict) else {"type": "computer_screenshot", "image_url": str(value)}}


def _search_output(value: Any) -> dict[str, Any]:
    return {"execution": "client", "tools": value if isinstance(value, list) else []}


_OUTPUT_WRITERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "local_shell_call": lambda value: {"output": value if isinstance(value, str) else json.dumps(value)},
    "shell_call": _shell_output,
    "apply_patch_call": _patch_output,
    "computer_call": _screenshot_output,
    "tool_search_call": _search_output,
}


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
    kind = calls.call_type(item)
    call = {"type": kind, "id": item.item_id, "call_id": item.call_id}
    if kind == calls.FUNCTION_CALL:
        return [{**call, "name": item.name, "arguments": item.arguments_text or ""}]
    if kind == "custom_tool_call":
        return [{**call, "name": item.name, "input": item.text.get(it.FREEFORM_PART, "")}]
    content = item.arguments if isinstance(item.arguments, dict) else {}
    return [{**call, "status": "completed", **content}]
