"""The Anthropic resume contract (specs/openai-anthropic.md C.5): a stateless re-send.

The next request carries the whole history: the previous response's content echoed as an
assistant message (unchanged, in order, minus empty text blocks and cut-short tool calls), then a
user message that opens with one ``tool_result`` per client ``tool_use``. After ``pause_turn`` the
echo is the last message. The echo is compared with the raw blocks the stream produced, which the
translator left on each item (``Item.native["block"]``); an item without one (never finished, or a
Turn not built from a stream) is rebuilt from its canonical fields and compared loosely.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from harness.checks.resume import answer_checks
from harness.exchange import Request
from harness.findings import Finding, Location, Severity, finding
from harness.providers.anthropic_messages.blocks import CALLS, CLIENT_CALL, SERVER_CALLS, THINKING
from harness.providers.base import Answer, ResumeView
from harness.state import Interrupt, Item, Turn
from harness.values import array, mapping

Block = dict[str, Any]


# -- what the previous turn produced -------------------------------------------------------------------


def produced(turn: Turn) -> tuple[list[Block], set[str]]:
    """The previous response's content blocks, in order, and the ids of tool calls cut short (C.5.9)."""
    blocks = [block for item in turn.items for block in _blocks_of(item)]
    return blocks, {item.call_id for item in turn.items if item.call_id and _cut_short(item)}


def _blocks_of(item: Item) -> list[Block]:
    """The raw block the stream produced, else one rebuilt from canonical state: no signatures, no
    result payloads (compared loosely)."""
    block = item.native.get("block")
    if isinstance(block, dict):
        return [block]
    if item.kind == "message":
        return [{"type": "text", "text": item.text[part]} for part in sorted(item.text)]
    if item.kind == "reasoning":
        return [{"type": "thinking", "thinking": item.joined("reasoning")}]
    if item.kind == "tool_call":
        kind = CLIENT_CALL if item.is_client_call else "server_tool_use"
        return [{"type": kind, "id": item.call_id, "name": item.name, "input": item.arguments}]
    if item.kind == "tool_result":
        return [{"type": None, "tool_use_id": item.call_id}]
    return []


def _cut_short(item: Item) -> bool:
    """A tool call whose final input is not a JSON object, or that never finished (C.5.9, C.5.11)."""
    if item.kind != "tool_call":
        return False
    block = item.native.get("block")
    if isinstance(block, dict):
        return not isinstance(block.get("input"), dict)
    return item.status != "completed" or item.arguments_valid is False


def echo_of(blocks: list[Block], cut: set[str]) -> list[Block]:
    """What the next request must carry: every block unchanged, minus empty text (C.5.7) and tool
    calls cut short (C.5.9)."""
    return [block for block in blocks
            if not _empty_text(block) and not (block.get("type") in CALLS and block.get("id") in cut)]


def _empty_text(block: Any) -> bool:
    block = mapping(block)
    return block.get("type") == "text" and not str(block.get("text") or "").strip()


# -- reading the next request ----------------------------------------------------------------------------


def is_continuation(request: Request) -> bool:
    """Stateless protocol: a request continues the conversation when it re-sends assistant content."""
    return any(message.get("role") == "assistant" for message in messages_of(request))


def messages_of(request: Request) -> list[dict[str, Any]]:
    return [mapping(message) for message in array(mapping(request.json).get("messages"))]


def content_of(message: dict[str, Any]) -> list[Any]:
    """A message's content as blocks (a plain string is one text block)."""
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return array(content)


def find_echo(messages: list[dict[str, Any]], blocks: list[Block]) -> int | None:
    """The assistant message that echoes the previous turn: the last one naming one of its tool
    calls, else the last assistant message."""
    ids = {block.get("id") for block in blocks if block.get("type") in CALLS} - {None}
    assistants = [n for n, message in enumerate(messages) if message.get("role") == "assistant"]
    for n in reversed(assistants):
        if ids & {mapping(block).get("id") for block in content_of(messages[n])}:
            return n
    return assistants[-1] if assistants else None


# -- the checks ----------------------------------------------------------------------------------------


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    messages = messages_of(request)
    blocks, cut = produced(turn)
    at = find_echo(messages, blocks)
    found: list[Finding] = []
    if at is None:
        found.append(finding("RESUME-206", "no assistant message echoes the previous response",
                             Location(exchange=exchange, path="messages")))
    else:
        found += _echo_checks(blocks, cut, messages, at, request, exchange)
    if turn.native_stop == "pause_turn" and (at is None or at != len(messages) - 1):
        found.append(finding("RESUME-207", "after pause_turn the request must end with the paused assistant content",
                             Location(exchange=exchange, path="messages"), expected=at, actual=len(messages) - 1))
    return found + _answer_checks(turn, blocks, messages, at, exchange)


def _echo_checks(blocks: list[Block], cut: set[str], messages: list[dict[str, Any]], at: int, request: Request,
                 exchange: int) -> list[Finding]:
    echoed = content_of(messages[at])
    path = f"messages[{at}].content"
    found = _thinking_checks(blocks, echoed, messages, at, request, exchange)
    for m, block in enumerate(echoed):
        where = Location(exchange=exchange, path=f"{path}[{m}]")
        if _empty_text(block):
            found.append(finding("RESUME-205", "an empty text block is echoed (the API rejects it)", where))
        elif mapping(block).get("type") in CALLS and mapping(block).get("id") in cut:
            found.append(finding("RESUME-208", f"tool call {block['id']} was cut short and must not be echoed", where))
    expected = [b for b in echo_of(blocks, cut) if b.get("type") not in THINKING]
    actual = [(m, b) for m, b in enumerate(echoed) if mapping(b).get("type") not in THINKING and not _empty_text(b)
              and not (mapping(b).get("type") in CALLS and mapping(b).get("id") in cut)]
    mismatch = _first_mismatch(expected, [b for _, b in actual])
    if mismatch is not None:
        m = actual[mismatch][0] if mismatch < len(actual) else len(echoed)
        want = expected[mismatch] if mismatch < len(expected) else None
        got = actual[mismatch][1] if mismatch < len(actual) else None
        found.append(finding(
            "RESUME-206", f"the echo differs from the response at block {mismatch} (after dropping thinking and "
                          "empty text)", Location(exchange=exchange, path=f"{path}[{m}]"),
            expected=_summary(want), actual=_summary(got), severity=_grade(want, got)))
    return found


def _thinking_checks(blocks: list[Block], echoed: list[Any], messages: list[dict[str, Any]], at: int,
                     request: Request, exchange: int) -> list[Finding]:
    """C.5.5 (byte-identical thinking) and C.5.6 (where thinking must and must not stand)."""
    found: list[Finding] = []
    path = f"messages[{at}].content"
    originals = [_thinking_key(b) for b in blocks if b.get("type") in THINKING]
    for m, block in enumerate(echoed):
        if mapping(block).get("type") in THINKING and _thinking_key(block) not in originals:
            found.append(finding("RESUME-203", f"{block['type']} block differs from what the response carried",
                                 Location(exchange=exchange, path=f"{path}[{m}]")))
    types = [mapping(block).get("type") for block in echoed]
    thinking_on = mapping(mapping(request.json).get("thinking")).get("type") in ("enabled", "adaptive")
    where = Location(exchange=exchange, path=path)
    if types and types[-1] in THINKING:
        found.append(finding("RESUME-204", "the assistant message ends with a thinking block", where))
    if thinking_on and originals and types and types[0] not in THINKING:
        found.append(finding("RESUME-204", f"thinking is enabled but the echo starts with {types[0]}", where))
    if not thinking_on and at == len(messages) - 1 and any(t in THINKING for t in types):
        found.append(finding("RESUME-204", "thinking is disabled but the final assistant message holds thinking",
                             where))
    return found


def _thinking_key(block: Any) -> tuple[Any, ...]:
    block = mapping(block)
    if block.get("type") == "redacted_thinking":
        return ("redacted_thinking", block.get("data"))
    return ("thinking", block.get("thinking"), block.get("signature"))


def _first_mismatch(expected: list[Block], actual: list[Any]) -> int | None:
    for position, (want, got) in enumerate(zip(expected, actual)):
        if not _same(want, got):
            return position
    return None if len(expected) == len(actual) else min(len(expected), len(actual))


def _same(want: Block, got: Any) -> bool:
    """Equal as the API sees it: text by text, calls by id, name and input, results by id and payload.
    Response-only keys (``caller``, a text block's ``citations``) may be left out of an echo."""
    if not isinstance(got, dict):
        return False
    kind = want.get("type")
    if kind is None:  # rebuilt from a Turn: a server tool result of unknown type
        return str(got.get("type", "")).endswith("_tool_result") and got.get("tool_use_id") == want["tool_use_id"]
    if got.get("type") != kind:
        return False
    keys = _COMPARED.get(kind) or (("tool_use_id", "content") if kind.endswith("_tool_result") else
                                   tuple(key for key in want if key != "caller"))
    return all(got.get(key) == want.get(key) for key in keys)


_COMPARED = {"text": ("text",), **{kind: ("id", "name", "input") for kind in CALLS}}


def _grade(want: Any, got: Any) -> Severity | None:
    """A server tool result whose payload was retouched (same block, same id) is a warning: a real
    recording (corpus pai_pause_turn_web_search_resume) shows the API accepting typographic changes
    in web_search_result titles. Anything else differing is the documented error."""
    same_block = isinstance(want, dict) and isinstance(got, dict) and want.get("type") == got.get("type")
    if same_block and str(want.get("type")).endswith("_tool_result") and want.get("tool_use_id") == got.get(
            "tool_use_id"):
        return Severity.warning
    return None


def _summary(block: Any) -> Any:
    if not isinstance(block, dict):
        return block
    return {key: (f"{value[:60]}..." if isinstance(value, str) and len(value) > 60 else value)
            for key, value in block.items() if key in ("type", "id", "name", "input", "text", "tool_use_id")}


def _answer_checks(turn: Turn, blocks: list[Block], messages: list[dict[str, Any]], at: int | None,
                   exchange: int) -> list[Finding]:
    """C.5.1-C.5.4: tool_result blocks in the immediately next user message, first, one per client call."""
    interrupt = turn.interrupt or Interrupt(kind="tool_calls")
    server_ids = {b.get("id") for b in blocks if b.get("type") in SERVER_CALLS}
    following = at + 1 if at is not None else len(messages) - 1
    found: list[Finding] = []
    answers: list[Answer] = []
    for n, message in enumerate(messages):
        if message.get("role") != "user" or (at is not None and n <= at):
            continue
        content = content_of(message)
        for m, block in enumerate(content):
            if mapping(block).get("type") != "tool_result":
                continue
            call_id = str(block.get("tool_use_id"))
            where = Location(exchange=exchange, path=f"messages[{n}].content[{m}]")
            if call_id in server_ids:
                found.append(finding("RESUME-202", f"tool_result for server tool call {call_id}", where))
            elif n == following:
                answers.append(Answer(call_id=call_id, path=where.path or ""))
            elif call_id in interrupt.pending:
                found.append(finding("RESUME-006", f"tool_result for {call_id} is not in the message right after "
                                                   "the tool_use", where, expected=f"messages[{following}]"))
        if n == following:
            found += _results_first(content, n, exchange)
    return found + answer_checks(interrupt, ResumeView(answers=answers), exchange)


def _results_first(content: list[Any], n: int, exchange: int) -> list[Finding]:
    kinds = [mapping(block).get("type") for block in content]
    if "tool_result" not in kinds:
        return []
    last_result = len(kinds) - 1 - kinds[::-1].index("tool_result")
    stray = next((m for m, kind in enumerate(kinds[:last_result]) if kind != "tool_result"), None)
    if stray is None:
        return []
    return [finding("RESUME-201", f"a {kinds[stray]} block stands before tool_result blocks",
                    Location(exchange=exchange, path=f"messages[{n}].content[{stray}]"))]


# -- building a correct next request ---------------------------------------------------------------------


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    body = dict(prior.json) if prior is not None and isinstance(prior.json, dict) else {
        "model": turn.model or "claude-x", "max_tokens": 1024, "stream": True}
    blocks, cut = produced(turn)
    history = messages_of(prior) if prior is not None else []
    echo = copy.deepcopy(echo_of(blocks, cut))  # the body is the caller's to change; the Turn is not
    messages = [*history, {"role": "assistant", "content": echo}]
    if turn.native_stop != "pause_turn":
        pending = turn.interrupt.pending if turn.interrupt else []
        missing = [call_id for call_id in pending if call_id not in answers]
        if missing:
            raise ValueError(f"no answer for pending call(s) {', '.join(missing)}")
        messages.append({"role": "user", "content": [_tool_result(call_id, answers[call_id]) for call_id in pending]})
    body["messages"] = messages
    return body


def _tool_result(call_id: str, output: Any) -> Block:
    content = output if isinstance(output, (str, list)) else json.dumps(output, ensure_ascii=False)
    return {"type": "tool_result", "tool_use_id": call_id, "content": content}
