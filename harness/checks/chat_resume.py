"""The resume contract of the OpenAI-style stateless chat protocols (Chat Completions and the servers
that copy it, Cohere v2), written once.

The next request repeats the history, then the assistant message echoing the turn with its
``tool_calls`` (``function.arguments`` a JSON string), then one ``role: "tool"`` message per pending
call, whose content is a string or a list of parts. The counting of the answers is
``answer_checks``'. The families differ in their check ids, in a few rules and in the shape of the
echo they build: a family states them in one ``ChatResume``, whose ``check`` and ``build`` are its
``resume`` module's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from harness.checks.resume import answer_checks
from harness.checks.tool_calls import Message, arguments_of, echo_checks, echo_of, messages_of, produced, tool_calls
from harness.exchange import Request
from harness.findings import Finding, Location, finding
from harness.providers.base import Answer, ResumeView
from harness.state import Interrupt, Item, Turn

RequestRules = Callable[[Turn, Request, list[Message], int], list[Finding]]
EchoRules = Callable[[Turn, Message, int, int], list[Finding]]  # (turn, echo, its index, exchange)


@dataclass(frozen=True)
class ChatResume:
    """One family's rules for a next request; the defaults are the ones a family without the rule has."""

    arguments_rule: str  # the echo's function.arguments is not a JSON string
    echo_rule: str  # no assistant message echoes the turn's tool_calls
    content_rule: str  # a tool message's content is not a string or a list of ``part_types``
    content_message: str  # content_rule's message; ``{kind}`` is the content's type
    part_types: tuple[str, ...]
    model: str  # what a built request names when neither the turn nor the prior request does
    echo: Callable[[Turn], Message]  # the assistant message a built request echoes the turn with
    echo_content: tuple[str, str] | None = None  # (check, message) when an echo carrying content breaks a rule
    last_assistant: bool = False  # a turn without calls is echoed by the last assistant message
    in_block: bool = False  # only the tool messages right after the echo answer; any other is RESUME-006
    order_rule: str | None = None  # the answers come in the order the calls were made
    request_rules: RequestRules | None = None  # the family's rules on the whole request
    echo_rules: EchoRules | None = None  # the family's rules on the assistant message echoing the turn
    names_tool: Callable[[Turn], bool] | None = None  # a built tool message names the function for this turn

    # -- the checks ------------------------------------------------------------------------------------

    def check(self, turn: Turn, request: Request, exchange: int) -> list[Finding]:
        """Nothing is owed to a turn that failed (an in-band error): the next request is a retry, whose
        history the client may rebuild (pydantic-ai re-sends Groq's ``failed_generation`` as a call)."""
        if turn.status == "failed":
            return []
        messages = messages_of(request)
        calls = produced(turn)
        interrupt = turn.interrupt or Interrupt(kind="tool_calls")
        at = self._find_echo(messages, calls)
        found: list[Finding] = []
        if at is None:
            if interrupt.pending:
                found.append(finding(self.echo_rule, "no assistant message echoes the previous turn's tool_calls",
                                     Location(exchange=exchange, path="messages")))
            start = len(messages)
        else:
            found += self._echo_checks(calls, messages[at], at, exchange)
            if self.echo_rules is not None:
                found += self.echo_rules(turn, messages[at], at, exchange)
            start = at + 1
        answers, placed = self._answers(messages, start, interrupt.pending, exchange)
        found += placed + answer_checks(interrupt, ResumeView(answers=answers), exchange)
        if self.order_rule is not None:
            found += _order(self.order_rule, answers, interrupt, exchange)
        if self.request_rules is not None:
            found += self.request_rules(turn, request, messages, exchange)
        return found

    def _find_echo(self, messages: list[Message], calls: dict[str, Item]) -> int | None:
        """The assistant message echoing the turn: the last naming one of its calls."""
        at = echo_of(messages, calls)
        if at is not None or calls or not self.last_assistant:
            return at
        return next((n for n in reversed(range(len(messages))) if messages[n].get("role") == "assistant"), None)

    def _echo_checks(self, calls: dict[str, Item], message: Message, at: int, exchange: int) -> list[Finding]:
        found: list[Finding] = []
        if self.echo_content is not None and message.get("content"):
            check, text = self.echo_content
            found.append(finding(check, text, Location(exchange=exchange, path=f"messages[{at}].content")))
        return found + echo_checks(calls, message, at, exchange, self.arguments_rule)

    def _answers(self, messages: list[Message], start: int, pending: list[str],
                 exchange: int) -> tuple[list[Answer], list[Finding]]:
        """The tool messages after the echo, and what is wrong with their content or their place."""
        end = _block_end(messages, start) if self.in_block else len(messages)
        answers: list[Answer] = []
        found: list[Finding] = []
        for n in range(start, end):
            if messages[n].get("role") == "tool":
                answers.append(Answer(call_id=str(messages[n].get("tool_call_id")), path=f"messages[{n}]"))
                found += self._content(messages[n], n, exchange)
        if self.in_block:
            found += _misplaced(messages, start, end, pending, exchange)
        return answers, found

    def _content(self, message: Message, n: int, exchange: int) -> list[Finding]:
        content = message.get("content")
        if isinstance(content, str) or (isinstance(content, list) and all(
                isinstance(part, dict) and part.get("type") in self.part_types for part in content)):
            return []
        return [finding(self.content_rule, self.content_message.format(kind=type(content).__name__),
                        Location(exchange=exchange, path=f"messages[{n}].content"))]

    # -- building a correct next request -----------------------------------------------------------------

    def build(self, turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
        """The prior request's body (or a minimal one), its history, the echo and one tool message per
        pending call, in the order the calls were made."""
        body = dict(prior.json) if prior is not None and isinstance(prior.json, dict) else {
            "model": turn.model or self.model, "stream": True}
        pending = turn.interrupt.pending if turn.interrupt else []
        missing = [call_id for call_id in pending if call_id not in answers]
        if missing:
            raise ValueError(f"no answer for pending call(s) {', '.join(missing)}")
        echo = self.echo(turn)
        history = messages_of(prior) if prior is not None else []
        named = produced(turn) if self.names_tool is not None and self.names_tool(turn) else {}
        body["messages"] = [*history, echo, *(_tool_message(call_id, answers[call_id], named) for call_id in pending)]
        return body


def echoed_calls(items: Iterable[Item]) -> list[dict[str, Any]]:
    """An echo's ``tool_calls``: each call as the model produced it, its arguments a JSON string."""
    return [{"id": item.call_id, "type": "function", "function": {"name": item.name, "arguments": arguments_of(item)}}
            for item in items]


def _block_end(messages: list[Message], start: int) -> int:
    """Where the contiguous run of tool messages from ``start`` ends."""
    end = start
    while end < len(messages) and messages[end].get("role") == "tool":
        end += 1
    return end


def _misplaced(messages: list[Message], start: int, end: int, pending: list[str], exchange: int) -> list[Finding]:
    """A tool message past the block that answers the turn, for a pending call or one that follows no
    tool_calls message, stands where the API rejects it."""
    found: list[Finding] = []
    announced: set[Any] = set()
    for m in range(end, len(messages)):
        message = messages[m]
        role = message.get("role")
        if role == "assistant":
            announced = {call.get("id") for call in tool_calls(message)}
        elif role == "tool":
            call_id = message.get("tool_call_id")
            if call_id in pending or call_id not in announced:
                where = Location(exchange=exchange, path=f"messages[{m}]")
                found.append(finding("RESUME-006", f"tool message for {call_id!r} does not stand in the block right "
                                                   "after the assistant message with its tool_calls", where,
                                     expected=f"messages[{start}..]"))
        elif role is not None:
            announced = set()
    return found


def _order(rule: str, answers: list[Answer], interrupt: Interrupt, exchange: int) -> list[Finding]:
    """Answers given once each, in another order than the calls were made."""
    given = [answer.call_id for answer in answers if answer.call_id in interrupt.pending]
    wanted = [call_id for call_id in interrupt.pending if call_id in given]
    if given == wanted or len(set(given)) != len(given):
        return []
    return [finding(rule, "tool messages answer in another order than the calls were made",
                    Location(exchange=exchange), expected=wanted, actual=given)]


def _tool_message(call_id: str, output: Any, named: dict[str, Item]) -> Message:
    """A tool message answering ``call_id``; it names the function of a call in ``named``."""
    message: Message = {"role": "tool", "tool_call_id": call_id,
                        "content": output if isinstance(output, (str, list)) else json.dumps(output, ensure_ascii=False)}
    if call_id in named:
        message["name"] = named[call_id].name
    return message
