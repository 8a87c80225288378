"""The Bedrock Agents resume contract: return of control (specs/gemini-mistral-bedrock.md C.5).

Stateful: the next InvokeAgent (InvokeInlineAgent) call goes to the same agent, alias and session
(the URL path; C1) with ``sessionState`` (``inlineSessionState``) carrying the interrupt's
``invocationId`` (C2) and one ``returnControlInvocationResults`` entry per invocation input, with the
input's ``actionGroup`` and ``function`` (or ``apiPath`` and ``httpMethod``) (C3). Results carry no id:
each is matched to the first unanswered input with the same names, and one more result for names
already answered counts as a second answer to the last such input. Counting is provider-neutral
(RESUME-002..006); the shapes are RESUME-750..753. A session-management request that follows is
checked by ``sessions.order_checks`` instead.
"""

from __future__ import annotations

import json
from typing import Any

from harness.checks.resume import answer_checks
from harness.exchange import Request
from harness.findings import Finding, Location, finding
from harness.providers.base import Answer, ResumeView
from harness.providers.bedrock_agents.operations import INVOKE_INLINE_AGENT, SESSION_OPERATIONS, call_of
from harness.providers.bedrock_agents.sessions import order_checks
from harness.state import Interrupt, Item, Turn
from harness.values import array, integer, mapping

MEMBERS = {"functionResult": "function", "apiResult": "api"}
RESULTS = "returnControlInvocationResults"
MAX_RESULTS = 5
CONFIRMING = ("USER_CONFIRMATION", "USER_CONFIRMATION_AND_RESULT")
Key = tuple[str | None, ...]


def _states(request: Request) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    """The state key this operation reads and its value, and the other key (a misplaced state)."""
    call = call_of(request)
    body = mapping(request.json)
    key = call.state_key
    other = "sessionState" if key == "inlineSessionState" else "inlineSessionState"
    return key, mapping(body.get(key)), other, mapping(body.get(other))


def is_continuation(request: Request) -> bool:
    """A call that carries results or an invocationId, or a session-management call."""
    call = call_of(request)
    if call.manages_session:
        return True
    if not call.invokes:
        return False
    _, state, _, misplaced = _states(request)
    return any(name in held for held in (state, misplaced) for name in ("invocationId", RESULTS))


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    call = call_of(request)
    if call.manages_session:
        return order_checks(turn, call, exchange)
    if turn.native.get("operation") in SESSION_OPERATIONS or turn.status == "failed":
        return []  # nothing to continue: a session answer, or a call that failed
    where = Location(exchange=exchange)
    key, state, other, misplaced = _states(request)
    found: list[Finding] = []
    if RESULTS not in state and RESULTS in misplaced:
        found.append(finding("RESUME-006", f"the results stand in {other}; {call.operation} reads {key}",
                             where.with_(path=other)))
        key, state = other, misplaced
    results = state.get(RESULTS)
    found += _shapes(results, f"{key}.{RESULTS}", where, answering=bool(turn.interrupt and turn.interrupt.pending))
    entries = array(results)
    answers, confirmations = _match(turn.client_calls, entries, f"{key}.{RESULTS}")
    found += _confirmations(confirmations, where)
    body = mapping(request.json)
    if entries and body.get("inputText"):
        found.append(finding("RESUME-753", "inputText beside the results: the service ignores it",
                             where.with_(path="inputText")))
    interrupt = turn.interrupt or Interrupt(kind="return_control")
    carried = {**call.handle(), **({"invocationId": state["invocationId"]} if "invocationId" in state else {})}
    return found + answer_checks(interrupt, ResumeView(handle=carried, answers=answers), exchange)


def _key(kind: str | None, facts: dict[str, Any]) -> Key:
    if kind == "api":
        return kind, facts.get("actionGroup"), facts.get("apiPath"), facts.get("httpMethod")
    return kind, facts.get("actionGroup"), facts.get("function")


def _describe(key: Key) -> str:
    return ".".join(str(part) for part in key[1:])


def _match(calls: list[Item], entries: list[Any],
           path: str) -> tuple[list[Answer], list[tuple[Item, dict[str, Any], str]]]:
    """Each result answers the first unanswered input with the same names (C3)."""
    waiting: dict[Key, list[Item]] = {}
    answered: dict[Key, Item] = {}
    for item in calls:
        waiting.setdefault(_key(item.native.get("kind", "function"), item.native), []).append(item)
    answers: list[Answer] = []
    pairs: list[tuple[Item, dict[str, Any], str]] = []
    for index, entry in enumerate(entries):
        members = [name for name in MEMBERS if name in mapping(entry)]
        if len(members) != 1 or not isinstance(entry[members[0]], dict):
            continue  # answers nothing; RESUME-750 says why
        member = members[0]
        result = entry[member]
        key = _key(MEMBERS[member], result)
        at = f"{path}[{index}]"
        queue = waiting.get(key)
        if queue:
            item = answered[key] = queue.pop(0)
            pairs.append((item, result, at))
        else:
            item = answered.get(key)
        answers.append(Answer(call_id=item.call_id or "" if item else _describe(key), path=at, kind=member))
    return answers, pairs


def _shapes(results: Any, path: str, where: Location, answering: bool) -> list[Finding]:
    """C.2 / C.5: what each result must look like, whatever it answers. An empty list that should have
    answered pending calls is left to RESUME-003, which names them."""
    if results is None or results == [] and answering:
        return []
    if not isinstance(results, list) or not 1 <= len(results) <= MAX_RESULTS:
        count = len(results) if isinstance(results, list) else "no list of"
        return [finding("RESUME-750", f"{count} results (1 to {MAX_RESULTS})", where.with_(path=path))]
    found = []
    for index, entry in enumerate(results):
        problems = _problems(entry)
        if problems:
            found.append(finding("RESUME-750", f"result {index}: {'; '.join(problems)}",
                                 where.with_(path=f"{path}[{index}]")))
    return found


def _problems(entry: Any) -> list[str]:
    members = [name for name in MEMBERS if name in mapping(entry)]
    if len(members) != 1 or not isinstance(entry[members[0]], dict):
        return ["not exactly one functionResult or apiResult object"]
    result = entry[members[0]]
    needed = ("actionGroup", "function") if members[0] == "functionResult" else ("actionGroup", "apiPath", "httpMethod")
    problems = [f"no {name}" for name in needed if not isinstance(result.get(name), str) or not result[name]]
    body = result.get("responseBody")
    if body is not None and not (isinstance(body, dict) and all(
            isinstance(part, dict) and isinstance(part.get("body", ""), str) for part in body.values())):
        problems.append("responseBody is not a map of content type to {body: string}")
    if result.get("responseState", "FAILURE") not in ("FAILURE", "REPROMPT"):
        problems.append(f"responseState {result['responseState']!r}")
    if result.get("confirmationState", "CONFIRM") not in ("CONFIRM", "DENY"):
        problems.append(f"confirmationState {result['confirmationState']!r}")
    status = result.get("httpStatusCode")
    if status is not None and integer(status) is None:
        problems.append("httpStatusCode is not an integer")
    return problems


def _confirmations(pairs: list[tuple[Item, dict[str, Any], str]], where: Location) -> list[Finding]:
    """C5 (confirmation asked, so answered) and C3's soft rule on collaborators' agentId."""
    found = []
    for item, result, at in pairs:
        if item.native.get("actionInvocationType") in CONFIRMING and "confirmationState" not in result:
            found.append(finding("RESUME-751", f"{item.name} asked for {item.native['actionInvocationType']}; its "
                                               "result has no confirmationState", where.with_(path=at)))
        agent = item.native.get("agentId")
        if agent and item.native.get("collaboratorName") and result.get("agentId") != agent:
            found.append(finding("RESUME-752", f"{item.name} came from collaborator agent {agent}; its result names "
                                               f"{result.get('agentId')!r}", where.with_(path=at),
                                 expected=agent, actual=result.get("agentId")))
    return found


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    """The next request body (the URL stays that of the call that returned control)."""
    body = dict(mapping(prior.json)) if prior is not None else {}
    body.pop("inputText", None)  # C4: ignored beside results
    pending = turn.interrupt.pending if turn.interrupt else []
    missing = [call_id for call_id in pending if call_id not in answers]
    if missing:
        raise ValueError(f"no answer for pending call(s) {', '.join(missing)}")
    key = "inlineSessionState" if turn.native.get("operation") == INVOKE_INLINE_AGENT else "sessionState"
    state = dict(mapping(body.get(key)))
    state["invocationId"] = turn.interrupt.handle.get("invocationId") if turn.interrupt else None
    calls = {item.call_id: item for item in turn.client_calls}
    state[RESULTS] = [_result(calls[call_id], answers[call_id]) for call_id in pending if call_id in calls]
    body[key] = state
    return body


def _result(item: Item, output: Any) -> dict[str, Any]:
    facts = item.native
    text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
    names = ("apiPath", "httpMethod") if facts.get("kind") == "api" else ("function",)
    result: dict[str, Any] = {"actionGroup": facts.get("actionGroup"),
                              **{name: facts.get(name, item.name) for name in names},
                              "responseBody": {"TEXT": {"body": text}}}
    if facts.get("actionInvocationType") in CONFIRMING:
        result["confirmationState"] = "CONFIRM"
    if facts.get("collaboratorName") and facts.get("agentId"):
        result["agentId"] = facts["agentId"]
    return {"apiResult" if facts.get("kind") == "api" else "functionResult": result}
