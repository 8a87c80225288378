"""The scenarios every family runs, written once against ``Dialect``: plain text, one tool call and its
resume, parallel tool calls, reasoning, and a request the server must refuse. The resume is always the
family's own ``build_resume`` on the folded turn, so a probe exercises the contract ``harness check``
enforces, with the canned output ``CANNED_OUTPUT``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from harness.live.scenarios.base import CANNED_OUTPUT, WEATHER, Ask, Scenario, Sent, Session, Skipped, Unmet
from harness.state import Turn
from harness.wire.frames import Frame
from harness.wire.sse import SSEDecoder

ROUNDS = 3  # answers a tool loop may take before the probe calls it endless

TEXT_PROMPT = "Reply with one short sentence that says hello."
TOOL_PROMPT = "What is the weather in Oslo right now? Use the get_weather tool."
PARALLEL_PROMPT = ("What is the weather in Paris and in Tokyo right now? Call get_weather once for each city, "
                   "both calls in this one reply.")
REASONING_PROMPT = "A bat and a ball cost 1.10 in total; the bat costs 1.00 more than the ball. What does the ball cost?"


def begin(session: Session, ask: Ask) -> Sent:
    method, path, body = session.dialect.start(session, ask)
    return session.send(method, path, body)


def ok(sent: Sent, *, skip: str | None = None) -> Turn:
    """The folded turn of a 2xx answer. A 400 or 422 to a request that asked for a capability (``skip``
    names it) is the server saying it does not offer it: a skip; any other error (credentials, a wrong
    URL, a server failure) is unmet."""
    if sent.status >= 400:
        message = f"HTTP {sent.status}: {_error_text(sent)}"
        if skip is not None and sent.status in (400, 422):
            raise Skipped(f"{skip}: the server refused the request ({message})")
        raise Unmet(f"the server answered {message}")
    if sent.turn is None:
        raise Unmet(f"the server answered HTTP {sent.status} with nothing the pipeline could fold")
    return sent.turn


def finished(turn: Turn, what: str) -> None:
    """A turn that ended normally with visible text and nothing left to answer."""
    if turn.status != "completed":
        raise Unmet(f"{what}: the turn ended {turn.status} (stop {turn.stop}, native {turn.native_stop!r})")
    if turn.interrupt is not None and turn.interrupt.pending:
        raise Unmet(f"{what}: the turn still waits for {', '.join(turn.interrupt.pending)}")
    if not turn.text.strip():
        raise Unmet(f"{what}: the turn has no visible text")


def answer(turn: Turn, key: str) -> Any:
    """What the probe answers a pending call or approval with: approval for approvals and server-side
    calls waiting for permission, the canned output for everything the client runs."""
    item = next((item for item in turn.items if key in (item.item_id, item.call_id)), None)
    if item is not None and (item.kind == "approval_request" or item.executor == "server"):
        return True
    return CANNED_OUTPUT


def converse(session: Session, sent: Sent, turn: Turn) -> Turn:
    """Answer every pending call with the family's ``build_resume`` until the turn stops asking."""
    for _ in range(ROUNDS):
        pending = session.provider.pending(turn)
        if pending is None or not pending.pending:
            return turn
        body = session.provider.build_resume(turn, {key: answer(turn, key) for key in pending.pending}, sent.request)
        method, path = session.dialect.resume_at(turn, session.model)
        sent = session.send(method, path, body)
        turn = ok(sent)
    raise Unmet(f"the server still asked for tools after {ROUNDS} rounds of answers")


def text(session: Session) -> None:
    finished(ok(begin(session, Ask(TEXT_PROMPT))), "plain text")


def tool_call(session: Session) -> None:
    sent = begin(session, Ask(TOOL_PROMPT, tools=(WEATHER,), force_tool=True))
    turn = ok(sent, skip="tool calls")
    calls = turn.client_calls
    if not calls:
        raise Skipped(f"the server made no tool call although the request asked for one (stop {turn.stop})")
    _well_formed(calls)
    finished(converse(session, sent, turn), "the answer after the tool output")


def parallel_tool_calls(session: Session) -> None:
    sent = begin(session, Ask(PARALLEL_PROMPT, tools=(WEATHER,), force_tool=True))
    turn = ok(sent, skip="tool calls")
    calls = turn.client_calls
    if len(calls) < 2:
        raise Skipped(f"the server made {len(calls)} tool call(s) where two were asked for in one reply: "
                      "parallel calls not offered")
    _well_formed(calls)
    finished(converse(session, sent, turn), "the answer after both tool outputs")


def reasoning(session: Session) -> None:
    turn = ok(begin(session, Ask(REASONING_PROMPT, reasoning=True)), skip="reasoning")
    if not any(item.kind == "reasoning" for item in turn.items):
        raise Skipped("the server streamed no reasoning (the model does not reason, or the endpoint does not "
                      "expose it)")
    finished(turn, "the answer after reasoning")


def refused(session: Session) -> None:
    wrong = session.dialect.refusal(session.model)
    sent = session.send(wrong.method, wrong.path, wrong.body)
    if sent.status < 400:
        raise Unmet(f"the server accepted {wrong.what} (HTTP {sent.status}); {wrong.source} says it is refused")
    if sent.status >= 500:
        raise Unmet(f"the server failed on {wrong.what} (HTTP {sent.status}: {_error_text(sent)}) instead of "
                    f"refusing it with a 4xx ({wrong.source})")
    problem = session.dialect.error_problem(sent.json())
    if problem is not None:
        raise Unmet(f"the HTTP {sent.status} body is not the documented error shape: {problem}")


def _well_formed(calls: list[Any]) -> None:
    for item in calls:
        if item.name != WEATHER.name:
            raise Unmet(f"the server called {item.name!r}, a tool the request did not declare")
        if not isinstance(item.arguments, dict):
            raise Unmet(f"the arguments of call {item.call_id} are not a JSON object: {item.arguments_text!r}")


def _error_text(sent: Sent) -> str:
    return sent.body[:300].decode("utf-8", errors="replace").strip() or "(empty body)"


def objects(frames: Iterable[Frame]) -> Iterator[dict[str, Any]]:
    """The JSON objects among decoded frames (anything else is the pipeline's to judge)."""
    for frame in frames:
        try:
            data = orjson.loads(frame.payload)
        except orjson.JSONDecodeError:
            continue
        if isinstance(data, dict):
            yield data


def payloads(body: bytes) -> list[dict[str, Any]]:
    """The JSON objects of an SSE body (for a scenario that reads the events themselves)."""
    decoder = SSEDecoder()
    return list(objects([*decoder.feed(body), *decoder.close()]))


def standard() -> list[Scenario]:
    """The scenarios every family runs."""
    return [
        Scenario("text", "a plain text turn streams and folds to a completed turn with its text", text),
        Scenario("tool-call", "one tool call streams with JSON arguments; the resume the family's build_resume "
                              "writes is accepted and answered with a final text", tool_call),
        Scenario("parallel-tool-calls", "two calls in one turn, each answered in one resume", parallel_tool_calls),
        Scenario("reasoning", "reasoning streams as its own items before the answer", reasoning),
        Scenario("refused", "a request the protocol forbids gets a 4xx with the documented error body", refused),
    ]
