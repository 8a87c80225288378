"""The ConverseStream resume contract (specs/gemini-mistral-bedrock.md D.5): a stateless re-send.

The next ``POST /model/{modelId}/converse-stream`` (or ``/converse``) repeats the history, then the
turn as an assistant message (its text, its toolUse blocks with the same toolUseId, name and input
object, its reasoning with the signature or redactedContent unchanged: RESUME-009), then one user
message whose toolResult blocks answer every client toolUseId exactly once (RESUME-003..005, counted
by ``answer_checks``; results elsewhere are RESUME-006). Server tool blocks (Nova's code
interpreter: toolUse ``type: server_tool_use`` and its streamed toolResult) wait for nobody; echoed,
they must be what the stream carried. Shape rules: RESUME-701..705. Content blocks are the
``ContentBlock`` union of botocore/data/bedrock-runtime/2023-09-30/service-2.json: one member each.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

from harness.checks.resume import answer_checks
from harness.exchange import Request
from harness.findings import Finding, Location, Severity, finding
from harness.providers.base import Answer, ResumeView
from harness.providers.bedrock_converse.blocks import SERVER_TOOL, parsed_input
from harness.state import Interrupt, Item, Turn
from harness.values import array, mapping

Block = dict[str, Any]
Message = dict[str, Any]


# -- reading a request -------------------------------------------------------------------------------------


def messages_of(request: Request) -> list[Message]:
    return [mapping(message) for message in array(mapping(request.json).get("messages"))]


def content_of(message: Message) -> list[Any]:
    return array(message.get("content"))


def member(block: Any) -> tuple[str | None, dict[str, Any]]:
    """A content block's one member and its value (a text block's value is ``{"text": ...}``)."""
    if not isinstance(block, dict) or len(block) != 1:
        return None, {}
    ((name, value),) = block.items()
    if name == "text":
        return name, {"text": value}
    return name, mapping(value)


def _calls(message: Message) -> list[str]:
    """The client toolUseIds of an assistant message, in order."""
    ids = []
    for block in content_of(message):
        name, value = member(block)
        if name == "toolUse" and value.get("type") != SERVER_TOOL:
            ids.append(str(value.get("toolUseId")))
    return ids


def _results(message: Message) -> list[tuple[int, dict[str, Any]]]:
    return [(m, value) for m, block in enumerate(content_of(message)) for name, value in [member(block)]
            if name == "toolResult"]


def is_continuation(request: Request) -> bool:
    """A stateless protocol: a request continues the conversation when it re-sends assistant content."""
    return any(message.get("role") == "assistant" for message in messages_of(request))


# -- what the previous turn produced ---------------------------------------------------------------------


def produced(turn: Turn) -> list[Block]:
    """The turn's content blocks as the next request must echo them, in order: blank text is left out
    (the API rejects it) and so are tool calls whose input is not a JSON object (nothing to echo)."""
    blocks = []
    for item in turn.items:
        block = item.native.get("block")
        block = block if isinstance(block, dict) else _rebuilt(item)
        name, value = member(block)
        if name == "text" and not str(value.get("text") or "").strip():
            continue
        if name == "toolUse" and not isinstance(value.get("input"), dict):
            continue
        if name is not None:
            blocks.append(block)
    return blocks


def _rebuilt(item: Item) -> Block:
    """A block from canonical fields, for a Turn not folded from a stream (no signature to carry)."""
    if item.kind == "message":
        return {"text": item.joined("text")}
    if item.kind == "reasoning":
        return {"reasoningContent": {"reasoningText": {"text": item.joined("reasoning")}}}
    if item.kind == "tool_call":
        arguments = item.arguments if item.arguments_text is None else parsed_input(item.arguments_text)
        call = {"toolUseId": item.call_id, "name": item.name, "input": arguments}
        return {"toolUse": {**call, "type": SERVER_TOOL} if item.executor == "server" else call}
    return {}


def _echoed_in_order(block: Any) -> bool:
    """Text and client toolUse blocks must come back in order; reasoning and server tool blocks are
    compared wherever they stand."""
    name, value = member(block)
    if name == "text":
        return bool(str(value.get("text") or "").strip())
    return name == "toolUse" and value.get("type") != SERVER_TOOL


def find_echo(messages: list[Message], blocks: list[Block]) -> int | None:
    """The assistant message that echoes the turn: the last one naming one of its toolUseIds, else the
    last assistant message."""
    ids = {member(block)[1].get("toolUseId") for block in blocks if member(block)[0] == "toolUse"} - {None}
    assistants = [n for n, message in enumerate(messages) if message.get("role") == "assistant"]
    for n in reversed(assistants):
        if ids & {member(block)[1].get("toolUseId") for block in content_of(messages[n])}:
            return n
    return assistants[-1] if assistants else None


# -- the checks --------------------------------------------------------------------------------------------


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    if turn.status == "failed":
        return []  # the stream failed: the next request is a retry, not an answer
    messages = messages_of(request)
    blocks = produced(turn)
    at = find_echo(messages, blocks)
    found: list[Finding] = []
    if at is None:
        found.append(finding("RESUME-009", "no assistant message echoes the previous turn",
                             Location(exchange=exchange, path="messages")))
    else:
        found += _echo_checks(blocks, content_of(messages[at]), at, exchange)
        found += history_checks(messages[:at], exchange)
    found += _answers(turn, messages, at, exchange)
    return found + _shape_checks(request, messages, exchange)


def _echo_checks(blocks: list[Block], echoed: list[Any], at: int, exchange: int) -> list[Finding]:
    path = f"messages[{at}].content"
    expected = [block for block in blocks if _echoed_in_order(block)]
    actual = [(m, block) for m, block in enumerate(echoed) if _echoed_in_order(block)]
    found: list[Finding] = []
    for position in range(max(len(expected), len(actual))):
        want = expected[position] if position < len(expected) else None
        m, got = actual[position] if position < len(actual) else (len(echoed), None)
        if want is None or got is None or not _same(want, got):
            found.append(finding("RESUME-009", f"the echo differs from the turn at text/toolUse block {position}",
                                 Location(exchange=exchange, path=f"{path}[{m}]"), expected=_summary(want),
                                 actual=_summary(got)))
            break
    originals = [block for block in blocks if not _echoed_in_order(block)]
    for m, block in enumerate(echoed):
        name = member(block)[0]
        if name in ("reasoningContent", "toolUse", "toolResult") and not _echoed_in_order(block) \
                and block not in originals:
            found.append(finding("RESUME-009", f"the echoed {name} block is not what the stream carried (reasoning "
                                               "and server tool blocks go back unchanged)",
                                 Location(exchange=exchange, path=f"{path}[{m}]"), actual=_summary(block)))
    thoughts = [block for block in originals if member(block)[0] == "reasoningContent"]
    if thoughts and not any(member(block)[0] == "reasoningContent" for block in echoed):
        found.append(finding("RESUME-009", f"the turn's {len(thoughts)} reasoning block(s) are not echoed (models "
                                           "with extended thinking reject tool results without them)",
                             Location(exchange=exchange, path=path), expected=_summary(thoughts[0]),
                             severity=Severity.warning))
    return found


def _same(want: Block, got: Any) -> bool:
    name, value = member(want)
    other_name, other = member(got)
    if name != other_name:
        return False
    keys = ("text",) if name == "text" else ("toolUseId", "name", "input")
    return all(value.get(key) == other.get(key) for key in keys)


def _summary(block: Any) -> Any:
    text = json.dumps(block, ensure_ascii=False, default=str)
    return text if len(text) <= 200 else f"{text[:200]}... ({len(text)} chars)"


def _answers(turn: Turn, messages: list[Message], at: int | None, exchange: int) -> list[Finding]:
    """D.5: every result in the single user message right after the echo."""
    interrupt = turn.interrupt or Interrupt(kind="tool_calls")
    following = at + 1 if at is not None else len(messages)
    answers: list[Answer] = []
    found: list[Finding] = []
    for n in range(at if at is not None else 0, len(messages)):
        for m, result in _results(messages[n]):
            call_id = str(result.get("toolUseId"))
            where = f"messages[{n}].content[{m}]"
            if n == following and messages[n].get("role") == "user":
                answers.append(Answer(call_id=call_id, path=where))
            elif call_id in interrupt.pending:
                found.append(finding("RESUME-006", f"toolResult for {call_id} is not in the user message right "
                                                   "after the echo", Location(exchange=exchange, path=where),
                                     expected=f"messages[{following}]"))
    if following < len(messages) and answers:
        found += _answer_layout(messages[following], following, exchange)
    return found + answer_checks(interrupt, ResumeView(answers=answers), exchange)


def _answer_layout(message: Message, n: int, exchange: int) -> list[Finding]:
    others = [m for m, block in enumerate(content_of(message)) if member(block)[0] != "toolResult"]
    if not others:
        return []
    return [finding("RESUME-704", f"the answering message holds {len(others)} block(s) beside its toolResult blocks",
                    Location(exchange=exchange, path=f"messages[{n}].content[{others[0]}]"))]


def history_checks(messages: list[Message], exchange: int) -> list[Finding]:
    """RESUME-705: in a history, each assistant message's client toolUse blocks are answered exactly once
    by the user message after it (D.5: the server rejects the request otherwise)."""
    found: list[Finding] = []
    for n, message in enumerate(messages[:-1]):
        uses = _calls(message) if message.get("role") == "assistant" else []
        if not uses:
            continue
        after = messages[n + 1]
        counts = Counter(str(result.get("toolUseId")) for _, result in _results(after))
        where = Location(exchange=exchange, path=f"messages[{n + 1}].content")
        for call_id in uses:
            if counts[call_id] != 1:
                found.append(finding("RESUME-705", f"toolUse {call_id} of messages[{n}] is answered {counts[call_id]} "
                                                   "times in the next message", where, expected=1,
                                     actual=counts[call_id]))
        for call_id in sorted(counts.keys() - set(uses)):
            found.append(finding("RESUME-705", f"messages[{n + 1}] answers {call_id!r}, which messages[{n}] did not "
                                               "ask for", where, actual=call_id))
    return found


def _shape_checks(request: Request, messages: list[Message], exchange: int) -> list[Finding]:
    found: list[Finding] = []
    roles = [message.get("role") for message in messages]
    bad = next((n for n, role in enumerate(roles) if role != ("user" if n % 2 == 0 else "assistant")), None)
    if bad is not None:
        found.append(finding("RESUME-701", f"messages[{bad}] has role {roles[bad]!r}: roles must alternate, user first",
                             Location(exchange=exchange, path=f"messages[{bad}].role"), actual=roles[bad]))
    uses_tools = False
    for n, message in enumerate(messages):
        names = [member(block)[0] for block in content_of(message)]
        uses_tools = uses_tools or "toolUse" in names or "toolResult" in names
        for m, result in _results(message):
            problem = _result_problem(result)
            if problem:
                found.append(finding("RESUME-702", problem,
                                     Location(exchange=exchange, path=f"messages[{n}].content[{m}].toolResult")))
    body = mapping(request.json)
    if uses_tools and not isinstance(body.get("toolConfig"), dict):
        found.append(finding("RESUME-703", "the messages hold toolUse/toolResult blocks but no toolConfig is sent",
                             Location(exchange=exchange, path="toolConfig")))
    return found


def _result_problem(result: dict[str, Any]) -> str | None:
    content, status = result.get("content"), result.get("status")
    if not isinstance(content, list):
        return f"toolResult content is a {type(content).__name__}, not a list of content blocks"
    if status is not None and status not in ("success", "error"):
        return f"toolResult status {status!r} is neither success nor error"
    if status == "error" and not content:
        return "a toolResult with status error has empty content"
    return None


# -- building a correct next request ---------------------------------------------------------------------


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    body = copy.deepcopy(mapping(prior.json)) if prior is not None else {}
    pending = turn.interrupt.pending if turn.interrupt else []
    missing = [call_id for call_id in pending if call_id not in answers]
    if missing:
        raise ValueError(f"no answer for pending call(s) {', '.join(missing)}")
    history = messages_of(prior) if prior is not None else []
    messages = [*copy.deepcopy(history), {"role": "assistant", "content": copy.deepcopy(produced(turn))}]
    if pending:
        messages.append({"role": "user", "content": [_tool_result(call_id, answers[call_id]) for call_id in pending]})
    body["messages"] = messages
    names = sorted({item.name for item in turn.client_calls if item.name})
    if names and "toolConfig" not in body:
        body["toolConfig"] = {"tools": [{"toolSpec": {"name": name, "inputSchema": {"json": {"type": "object"}}}}
                                        for name in names]}
    return body


def _tool_result(call_id: str, output: Any) -> Block:
    content = [{"text": output}] if isinstance(output, str) else [{"json": output}]
    return {"toolResult": {"toolUseId": call_id, "content": content, "status": "success"}}
