"""The Gemini resume contract (specs/gemini-mistral-bedrock.md A.6): a stateless re-send.

The next request's ``contents`` echo the model turn (in one entry or, as the python SDK's loop does,
one entry per chunk) with every ``thoughtSignature`` on the part it arrived on, then one ``user``
turn of ``functionResponse`` parts, one per call, matched by id, or by name and order for calls the
model gave no id (A.4.11). Proto JSON accepts camelCase and snake_case field names and standard or
URL-safe base64 for bytes, so both spellings are read and signatures are compared as bytes.
"""

from __future__ import annotations

import base64
import binascii
import copy
from typing import Any

from harness.checks.resume import answer_checks
from harness.exchange import Request
from harness.findings import Finding, Location, finding
from harness.providers.base import Answer, ResumeView
from harness.state import Interrupt, Item, Turn
from harness.values import array, mapping

Part = dict[str, Any]
PLACEHOLDERS = frozenset({"skip_thought_signature_validator", "context_engineering_is_the_way_to_go"})  # A.6 R4


def field(part: Any, camel: str, snake: str) -> Any:
    """A member under either proto JSON spelling."""
    part = mapping(part)
    return part[camel] if camel in part else part.get(snake)


def signature_bytes(value: Any) -> bytes | str | None:
    """A signature as bytes (standard or URL-safe base64); the raw string when it is neither."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.urlsafe_b64decode(value.replace("+", "-").replace("/", "_") + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return value


def contents_of(request: Request) -> list[dict[str, Any]]:
    return [mapping(content) for content in array(mapping(request.json).get("contents"))]


def parts_of(content: dict[str, Any]) -> list[Part]:
    return [mapping(part) for part in array(content.get("parts"))]


def is_continuation(request: Request) -> bool:
    """A request that re-sends a model turn continues the conversation."""
    return any(content.get("role") == "model" for content in contents_of(request))


# -- what the previous turn produced -----------------------------------------------------------------


def model_parts(turn: Turn) -> list[Part]:
    """The model turn as it must be echoed: raw text parts as received, each call whole (A.5 rule 9)."""
    parts: list[Part] = []
    for item in turn.items:
        if item.kind == "tool_call" and item.is_client_call:
            parts.append(_call_part(item))
        elif isinstance(item.native.get("parts"), list):
            parts += copy.deepcopy(item.native["parts"])
        elif item.kind in ("message", "reasoning"):
            flag = {"thought": True} if item.kind == "reasoning" else {}
            parts.append({"text": item.joined("text" if item.kind == "message" else "reasoning"), **flag})
    return parts


def _call_part(item: Item) -> Part:
    call: dict[str, Any] = {"name": item.name, "args": item.arguments if item.arguments is not None else {}}
    if item.call_id and not item.native.get("synthetic_id"):
        call = {"id": item.call_id, **call}
    part: Part = {"functionCall": call}
    if item.native.get("thoughtSignature"):
        part["thoughtSignature"] = item.native["thoughtSignature"]
    return part


# -- reading the next request -------------------------------------------------------------------------------


def _has_answers(content: dict[str, Any]) -> bool:
    return any(field(part, "functionResponse", "function_response") is not None for part in parts_of(content))


def _echo(contents: list[dict[str, Any]], end: int) -> list[Part]:
    """The parts of the run of model entries ending at ``end`` (one per chunk, or merged)."""
    start = end + 1
    while start > 0 and contents[start - 1].get("role") == "model":
        start -= 1
    return [part for content in contents[start:end + 1] for part in parts_of(content)]


def read_answers(turn: Turn, responses: list[tuple[str, Part]]) -> list[Answer]:
    """Match functionResponse bodies to calls: by id for calls the model named, else by name and order."""
    calls = turn.client_calls
    real = {item.call_id: item for item in calls if item.call_id and not item.native.get("synthetic_id")}
    unnamed = [item for item in calls if item.native.get("synthetic_id")]
    answers: list[Answer] = []
    for path, response in responses:
        given, name = response.get("id"), response.get("name")
        if isinstance(given, str) and given in real:
            answers.append(Answer(call_id=given, path=path))
            continue
        match = next((item for item in unnamed if item.name == name), None)
        if match is not None:
            unnamed.remove(match)
            answers.append(Answer(call_id=match.call_id or "", path=path))
        else:
            answers.append(Answer(call_id=given if isinstance(given, str) else f"{name}#unmatched", path=path))
    return answers


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    interrupt = turn.interrupt
    if interrupt is None or interrupt.kind != "tool_calls":
        return []
    contents = contents_of(request)
    echo_end = _last_model(contents, len(contents))
    at = echo_end + 1 if echo_end + 1 < len(contents) else None
    found = _shape_checks(contents, at, exchange)
    responses: list[tuple[str, Part]] = []
    if at is not None:
        for n, part in enumerate(parts_of(contents[at])):
            body = field(part, "functionResponse", "function_response")
            if isinstance(body, dict):
                responses.append((f"contents[{at}].parts[{n}]", body))
    answers = read_answers(turn, responses)
    found += answer_checks(Interrupt(kind="tool_calls", pending=interrupt.pending), ResumeView(answers=answers),
                           exchange)
    found += _name_checks(turn, answers, responses, exchange)
    echo = _echo(contents, echo_end) if echo_end >= 0 else []
    return found + echo_checks(model_parts(turn), echo, exchange)


def _shape_checks(contents: list[dict[str, Any]], at: int | None, exchange: int) -> list[Finding]:
    """R5 and A.6.3: roles are user/model; the answers are the one user turn after the echoed model turn;
    each response is an object."""
    found: list[Finding] = []
    for n, content in enumerate(contents):
        role = content.get("role")
        if role not in ("user", "model", None):
            found.append(finding("RESUME-404", f"contents[{n}] has role {role!r}; only user and model exist",
                                 Location(exchange=exchange, path=f"contents[{n}].role"), actual=role))
    if at is None:
        return found
    if contents[at].get("role") not in ("user", None):
        found.append(finding("RESUME-404", f"the functionResponse parts stand in a {contents[at].get('role')!r} turn",
                             Location(exchange=exchange, path=f"contents[{at}].role"), expected="user"))
    split = [n for n in range(at + 1, len(contents)) if _has_answers(contents[n])]
    if split:
        found.append(finding("RESUME-404", f"more functionResponse parts in contents {split}, after the answer turn",
                             Location(exchange=exchange, path=f"contents[{split[0]}]")))
    for n, part in enumerate(parts_of(contents[at])):
        body = field(part, "functionResponse", "function_response")
        if body is not None and not isinstance(field(body, "response", "response"), dict):
            found.append(finding("RESUME-404", "functionResponse.response must be a JSON object",
                                 Location(exchange=exchange, path=f"contents[{at}].parts[{n}]")))
    return found


def _last_model(contents: list[dict[str, Any]], before: int) -> int:
    return max((n for n in range(before) if contents[n].get("role") == "model"), default=-1)


def _name_checks(turn: Turn, answers: list[Answer], responses: list[tuple[str, Part]], exchange: int) -> list[Finding]:
    """R2: the response names the function of the call it answers."""
    names = {item.call_id: item.name for item in turn.client_calls}
    found: list[Finding] = []
    for answer, (path, body) in zip(answers, responses):
        wanted = names.get(answer.call_id)
        if answer.call_id in names and body.get("name") != wanted:
            found.append(finding("RESUME-403", f"functionResponse for {answer.call_id} names {body.get('name')!r}, "
                                               f"the call was {wanted!r}", Location(exchange=exchange, path=path),
                                 expected=wanted, actual=body.get("name")))
    return found


def echo_checks(produced: list[Part], echo: list[Part], exchange: int) -> list[Finding]:
    """A.6.2 and R3/R4: every call echoed in order, every signature on a part of the same kind, unchanged."""
    where = Location(exchange=exchange, path="contents")
    if not echo:
        return [finding("RESUME-401", "no model turn echoes the previous response before the answers", where)]
    found: list[Finding] = []
    made, sent = _calls(produced), _calls(echo)
    if [call[:2] for call in made] != [call[:2] for call in sent]:
        found.append(finding("RESUME-401", "the echoed functionCall parts differ from the ones the model produced",
                             where, expected=[c[:2] for c in made], actual=[c[:2] for c in sent]))
    for kind in ("call", "text", "thought"):
        wanted = [signature for k, signature in _signatures(produced) if k == kind]
        carried = [signature for k, signature in _signatures(echo) if k == kind]
        for n, signature in enumerate(wanted):
            echoed = carried[n] if n < len(carried) else None
            if echoed is None:
                found.append(finding("RESUME-401", f"thoughtSignature {n} of a {kind} part is not echoed", where))
            elif isinstance(echoed, str) and echoed in PLACEHOLDERS:
                found.append(finding("RESUME-402", f"placeholder signature {echoed!r} replaces the one the model "
                                                   f"produced on a {kind} part", where, actual=echoed))
            elif signature_bytes(echoed) != signature_bytes(signature):
                found.append(finding("RESUME-401", f"thoughtSignature {n} of a {kind} part is altered", where))
        for echoed in carried[len(wanted):]:
            if isinstance(echoed, str) and echoed in PLACEHOLDERS:
                found.append(finding("RESUME-402", f"synthetic signature {echoed!r} on a {kind} part", where))
    return found


def _calls(parts: list[Part]) -> list[tuple[Any, Any]]:
    return [(field(call, "name", "name"), field(call, "args", "args") or {})
            for part in parts if isinstance(call := field(part, "functionCall", "function_call"), dict)]


def _signatures(parts: list[Part]) -> list[tuple[str, Any]]:
    """(kind of part, signature) for every signed part; produced ones decoded, echoed ones as sent."""
    signed: list[tuple[str, Any]] = []
    for part in parts:
        raw = field(part, "thoughtSignature", "thought_signature")
        if not raw:
            continue
        kind = ("call" if field(part, "functionCall", "function_call") is not None
                else "thought" if part.get("thought") is True else "text")
        signed.append((kind, raw))
    return signed


# -- writing the next request --------------------------------------------------------------------------------


def build(turn: Turn, answers: dict[str, Any], prior: Request | None = None) -> dict[str, Any]:
    """Prior contents, the model turn echoed, one user turn answering every pending call in call order."""
    body = copy.deepcopy(mapping(prior.json)) if prior is not None else {}
    contents = array(body.get("contents"))
    pending = turn.interrupt.pending if turn.interrupt is not None else []
    calls = {item.call_id: item for item in turn.client_calls}
    responses = []
    for call_id in pending:
        item = calls.get(call_id)
        response: dict[str, Any] = {"name": item.name if item else None, "response": {"output": answers.get(call_id)}}
        if item is None or not item.native.get("synthetic_id"):
            response = {"id": call_id, **response}
        responses.append({"functionResponse": response})
    body["contents"] = [*contents, {"role": "model", "parts": model_parts(turn)},
                        {"role": "user", "parts": responses}]
    return body
