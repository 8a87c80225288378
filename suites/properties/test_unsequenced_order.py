"""Ordering for families without sequence numbers: which reorderings the stream itself can show.

Nothing numbers these events, so a swap of two of them is visible only where it breaks an order the
protocol fixes. ``ORDERINGS`` is the table, one row per family: the orders the protocol fixes and the
harness checks (``Rule``: what it says, where it is written, the check family a break is reported
under), the swaps no rule forbids and why nothing on the wire reveals them (``blind``), and a naive
reader (``read``) that spells what a stream says: text, reasoning and calls, pieces joined in arrival
order. The claims, tested for every row with hypothesis on a valid encoded stream with two events
swapped:

* a swap that breaks a rule yields a finding of that rule's check family (of one of them when it breaks
  several: what follows a terminal or finish event is dropped and reported once, as such);
* any other swap yields no finding (beyond ASSEMBLY-003/004 when arguments pieces swapped into text
  that no longer parses: a content check, not an order check) and folds to exactly what the reader
  spells: the same turn when no two pieces of one stream passed each other, a different text or
  arguments when they did; the same usage exactly when the same usage object still arrives last.

A rule the wire shows but the harness does not check yet carries ``missed`` (why, and what to flag):
the property treats it as blind, and ``test_missed_rules_are_still_missed`` fails once it is checked, so
the row is updated. A row says whether some swap no rule forbids leaves the turn as it was (``inert``: a
ping, pieces of two streams; not so in ConverseStream, where every event belongs to one block in order),
and may add turns a rule needs that no rich turn holds (``extra_turns``: the agent session's inline tool
result). Where a stream states the whole text again later (Llama Stack's step_complete, Bedrock Agents'
FINISH observation), a rule compares the pieces with it, and even two pieces of one text swapped show.
Every family without sequence numbers that has an encoder must have a row
(``test_every_family_without_sequence_numbers_has_a_row``); the anthropic-messages row reuses its
permutation test's ``protocol_order_kept`` (that test, below, also shuffles whole streams), and
bedrock-invoke-model, which carries Anthropic's events inside AWS chunks, reuses the whole row.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import registry
from harness.findings import Severity
from harness.pipeline import ExchangeReport, run_body
from harness.state import Item, ToolResultState, Turn, Usage
from suites.properties.families import DIALECTS
from suites.properties.strategies import Family, split_text, turns

Native = dict[str, Any]
Order = list[Native]
Label = tuple[str, int]  # an event's kind and the index it belongs to (0 where the protocol has none)
Remember = Callable[[str, "bytes | list[bytes]"], None]
CONTENT_CHECKS = {"ASSEMBLY-003", "ASSEMBLY-004"}


# -- the vocabulary of the table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """An order the protocol fixes; ``kept`` says whether a delivery order respects it."""

    says: str  # the rule and its source
    reports: str  # the check family a break is reported under
    kept: Callable[[Order], bool]
    missed: str | None = None  # the wire shows a break but no check looks yet: what should flag it


@dataclass
class Reading:
    """What a stream spells, whatever its order: the text, the reasoning, the calls (name, id, arguments),
    and the usage object that arrived last (as sent: which one wins, not what it means)."""

    text: str = ""
    reasoning: str = ""
    calls: dict[Any, list[Any]] = field(default_factory=dict)  # key -> [name, call_id, arguments], first seen first
    usage: Any = None

    def call(self, key: Any, name: str | None = None, call_id: str | None = None, arguments: str = "") -> None:
        entry = self.calls.setdefault(key, [None, None, ""])
        entry[0], entry[1], entry[2] = entry[0] or name, entry[1] or call_id, entry[2] + arguments

    def content(self) -> dict[str, Any]:
        return {"text": self.text, "reasoning": self.reasoning, "calls": [tuple(c) for c in self.calls.values()]}


@dataclass(frozen=True)
class Ordering:
    """One family's row."""

    label: Callable[[Native], Label]  # what the rules and the swap strategy tell events apart by
    rules: tuple[Rule, ...]
    blind: tuple[str, ...]  # swaps no rule forbids, and why nothing on the wire shows them
    read: Callable[[Order], Reading]
    inert: bool = True  # some swap no rule forbids leaves the turn as it was
    extra_turns: tuple[Turn, ...] = ()  # turns beyond rich_turns that a rule needs to be breakable


def before(labels: list[Label], earlier: Callable[[Label], bool], later: Callable[[Label], bool]) -> bool:
    """Every event ``earlier`` picks comes before every event ``later`` picks."""
    last = max((n for n, label in enumerate(labels) if earlier(label)), default=-1)
    return all(n > last for n, label in enumerate(labels) if later(label))


def of(*kinds: str) -> Callable[[Label], bool]:
    return lambda label: label[0] in kinds


def but(*kinds: str) -> Callable[[Label], bool]:
    return lambda label: label[0] not in kinds


def indices(labels: list[Label], kinds: tuple[str, ...]) -> list[int]:
    """The indices of the events of ``kinds``, in arrival order."""
    return [index for kind, index in labels if kind in kinds]


def begin_in_order(labels: list[Label], kinds: tuple[str, ...]) -> bool:
    """Index k's first event comes before index k+1's first event."""
    firsts = list(dict.fromkeys(indices(labels, kinds)))
    return firsts == sorted(firsts)


def one_after_another(labels: list[Label], kinds: tuple[str, ...]) -> bool:
    """No event of index k once an event of a higher index arrived."""
    seen = indices(labels, kinds)
    return seen == sorted(seen)


def lifecycle(labels: list[Label], start: str, middle: str, end: str) -> bool:
    """For every index: its start, then its middle events, then its end."""
    for index in set(indices(labels, (start, middle, end))):
        kinds = [kind for kind, i in labels if i == index and kind in (start, middle, end)]
        if kinds[0] != start or kinds[-1] != end or start in kinds[1:] or end in kinds[:-1]:
            return False
    return True


def labelled(label: Callable[[Native], Label]) -> Callable[[Callable[[list[Label]], bool]], Callable[[Order], bool]]:
    """Turn a predicate over labels into one over native events."""
    return lambda predicate: lambda order: predicate([label(native) for native in order])


# -- openai-chat ------------------------------------------------------------------------------------------


def _chat_label(native: Native) -> Label:
    if native.get("type") == "[DONE]":
        return ("done", 0)
    if not native["choices"]:
        return ("usage", 0)
    choice = native["choices"][0]
    delta = choice["delta"]
    if choice["finish_reason"] is not None:
        return ("finish", 0)
    if "role" in delta:
        return ("role", 0)
    if "tool_calls" in delta:
        fragment = delta["tool_calls"][0]
        return ("call-start" if "id" in fragment else "call-args", fragment["index"])
    return ("text", 0)


def _read_chat(order: Order) -> Reading:
    reading = Reading()
    for native in order:
        reading.usage = native.get("usage") or reading.usage
        for choice in native.get("choices") or []:
            reading.text += choice["delta"].get("content") or ""
            for fragment in choice["delta"].get("tool_calls") or []:
                function = fragment.get("function", {})
                reading.call(fragment["index"], function.get("name"), fragment.get("id"), function["arguments"])
    return reading


_chat = labelled(_chat_label)
CALL = ("call-start", "call-args")
CHAT = Ordering(
    label=_chat_label,
    rules=(
        Rule("data: [DONE] comes last (openai-anthropic.md B.3.1)", "LIFECYCLE",
             _chat(lambda labels: before(labels, but("done"), of("done")))),
        Rule("role comes on the choice's first delta and on no later one (B.3.4)", "LIFECYCLE",
             _chat(lambda labels: before(labels, of("role"), of("text", *CALL, "finish")))),
        Rule("no delta for the choice follows its finish_reason (B.3.5)", "LIFECYCLE",
             _chat(lambda labels: before(labels, of("role", "text", *CALL), of("finish")))),
        Rule("the usage chunk follows every finish_reason, right before [DONE] (B.3.6)", "LIFECYCLE",
             _chat(lambda labels: before(labels, but("usage", "done"), of("usage")))),
        Rule("a call's first fragment (id, type, name) precedes its argument pieces (B.4.2)", "ASSEMBLY",
             _chat(lambda labels: all(before(labels, lambda label: label == ("call-start", k),
                                             lambda label: label == ("call-args", k))
                                      for k in indices(labels, CALL)))),
        Rule("calls come one after another in index order: call k+1 does not begin before call k, whose "
             "fragments stop once it has (B.4.1, B.4.4)", "ASSEMBLY",
             _chat(lambda labels: one_after_another(labels, CALL))),
    ),
    blind=(
        "two pieces of one text, or of one call's arguments: a chunk carries no position within its stream "
        "(B.2), so the text reads differently (swapped arguments usually stop parsing: ASSEMBLY-003, a content "
        "check)",
        "a text piece and a tool-call fragment: content and tool_calls are independent fields of a delta and "
        "nothing orders them (B.2, B.3), so the turn is the same unless text pieces passed each other",
    ),
    read=_read_chat,
)


# -- gemini -------------------------------------------------------------------------------------------------


def _gemini_label(native: Native) -> Label:
    candidates = native.get("candidates") or []
    if not candidates:
        return ("usage", 0)
    return ("finish", 0) if candidates[0].get("finishReason") else ("part", 0)


def _parts(native: Native) -> list[Native]:
    return [part for candidate in native.get("candidates") or []
            for part in candidate.get("content", {}).get("parts") or []]


def _read_gemini(order: Order) -> Reading:
    reading = Reading()
    reading.usage = next((native["usageMetadata"] for native in reversed(order) if "usageMetadata" in native), None)
    for part in (part for native in order for part in _parts(native)):
        call = part.get("functionCall")
        if call is not None:
            arguments = json.dumps(call.get("args", {}), ensure_ascii=False, separators=(",", ":"))
            reading.call(len(reading.calls), call["name"], call.get("id"), arguments)
        elif part.get("thought"):
            reading.reasoning += part["text"]
        else:
            reading.text += part["text"]
    return reading


def _signature_on_first_call(order: Order) -> bool:
    calls = [part for native in order for part in _parts(native) if "functionCall" in part]
    return not any("thoughtSignature" in part for part in calls) or "thoughtSignature" in calls[0]


_gemini = labelled(_gemini_label)
GEMINI = Ordering(
    label=_gemini_label,
    rules=(
        Rule("no part follows the candidate's finishReason (gemini-mistral-bedrock.md A.4.4)", "LIFECYCLE",
             _gemini(lambda labels: before(labels, of("part"), of("finish")))),
        Rule("the thoughtSignature of parallel calls stands on the first functionCall part (A.4.10)", "LIFECYCLE",
             _signature_on_first_call),  # LIFECYCLE-409
    ),
    blind=(
        "any two chunks carrying parts: parts have no index and no item lifecycle, arrival order is the order "
        "(A.4.5, A.4.9), so the text or thought text reads differently when pieces of one stream pass each "
        "other, a thought part among answer parts splits the items, and swapped calls change the call order",
        "a part that carries the text-only thoughtSignature moving off the last part: the last part 'may' carry "
        "it (A.4.10), nothing requires it",
        "the finish chunk and the usage-only chunk of a turn without content: usageMetadata is documented as "
        "cumulative (A.4.6), but real streams restart it at a server-side step (corpus "
        "gemini/pai_code_execution_stream.yaml: totalTokenCount 198, then 46), so a count that goes down proves "
        "nothing; the last snapshot wins and the usage differs",
    ),
    read=_read_gemini,
)


# -- mistral-conversations ------------------------------------------------------------------------------------


def _mistral_label(native: Native) -> Label:
    kind = {"conversation.response.started": "started", "conversation.response.done": "done",
            "conversation.response.error": "done", "message.output.delta": "entry",
            "function.call.delta": "entry"}[native["type"]]
    return (kind, native.get("output_index", 0))


def _read_mistral(order: Order) -> Reading:
    reading = Reading()
    for native in order:
        if native["type"] == "message.output.delta" and isinstance(native["content"], str):
            reading.text += native["content"]
        elif native["type"] == "message.output.delta":
            reading.reasoning += "".join(piece["text"] for piece in native["content"]["thinking"])
        elif native["type"] == "function.call.delta":
            reading.call(native["output_index"], native["name"], native["tool_call_id"], native["arguments"])
        reading.usage = native.get("usage") or reading.usage
    return reading


_mistral = labelled(_mistral_label)
MISTRAL = Ordering(
    label=_mistral_label,
    rules=(
        Rule("conversation.response.started comes first (gemini-mistral-bedrock.md B.3.1)", "LIFECYCLE",
             _mistral(lambda labels: before(labels, of("started"), but("started")))),
        Rule("the terminal event comes last (B.3.2)", "LIFECYCLE",
             _mistral(lambda labels: before(labels, but("done"), of("done")))),
        Rule("no output_index begins after a higher one has begun (B.3.3, soft)", "LIFECYCLE",
             _mistral(lambda labels: begin_in_order(labels, ("entry",)))),
    ),
    blind=(
        "two pieces of one output_index: content_index is 0 on every piece and nothing else numbers them "
        "(B.2, B.3.4), so the text, thinking or arguments read differently",
        "pieces of two entries once both have begun: groups need not be contiguous (B.3.3), so the turn is "
        "the same",
    ),
    read=_read_mistral,
)


# -- cohere-v2 ---------------------------------------------------------------------------------------------------


def _cohere_label(native: Native) -> Label:
    kind = {"message-start": "start", "message-end": "end", "tool-plan-delta": "plan"}.get(native["type"])
    return (kind, 0) if kind else (native["type"], native["index"])


def _read_cohere(order: Order) -> Reading:
    reading = Reading()
    for native in order:
        message = native.get("delta", {}).get("message", {})
        if native["type"] == "content-delta":
            reading.text += message["content"].get("text", "")
            reading.reasoning += message["content"].get("thinking", "")
        elif native["type"] == "tool-plan-delta":
            reading.text += message["tool_plan"]
        elif native["type"] in ("tool-call-start", "tool-call-delta"):
            call = message["tool_calls"]
            function = call["function"]
            reading.call(native["index"], function.get("name"), call.get("id"), function["arguments"])
        reading.usage = native.get("delta", {}).get("usage") or reading.usage
    return reading


_cohere = labelled(_cohere_label)
BLOCK = ("content-start", "content-delta", "content-end")
CALLS = ("tool-call-start", "tool-call-delta", "tool-call-end")
COHERE = Ordering(
    label=_cohere_label,
    rules=(
        Rule("message-start is the first event (llamastack-cohere-compat.md B.3 C-1)", "LIFECYCLE",
             _cohere(lambda labels: before(labels, of("start"), but("start")))),
        Rule("message-end is the last event (C-2)", "LIFECYCLE", _cohere(lambda labels: before(labels, but("end"),
                                                                                             of("end")))),
        Rule("a block's content-start, its deltas, then its content-end (C-3)", "LIFECYCLE",
             _cohere(lambda labels: lifecycle(labels, *BLOCK))),
        Rule("content blocks come one after another (C-4, soft)", "LIFECYCLE",
             _cohere(lambda labels: one_after_another(labels, BLOCK))),
        Rule("a call's tool-call-start, its deltas, then its tool-call-end (C-6)", "ASSEMBLY",
             _cohere(lambda labels: lifecycle(labels, *CALLS))),
        Rule("tool-call sequences do not interleave (C-7, soft)", "ASSEMBLY",
             _cohere(lambda labels: one_after_another(labels, CALLS))),
        Rule("every tool-plan-delta precedes the first tool-call-start (C-8, soft)", "ASSEMBLY",
             _cohere(lambda labels: before(labels, of("plan"), of("tool-call-start")))),
    ),
    blind=(
        "two deltas of one block, of the tool plan, or of one call: nothing numbers them within their "
        "sequence (B.2), so the text, thinking, plan or arguments read differently",
        "the thinking block against the tool plan or a call: C-10 lets thinking precede calls, but no rule "
        "orders the plan against thinking or a call against an open block, so the turn is the same",
    ),
    read=_read_cohere,
)


# -- anthropic-messages ---------------------------------------------------------------------------------------


def protocol_order_kept(events: list[dict[str, Any]]) -> bool:
    """Whether ``events`` respect every order Anthropic's protocol fixes (pings aside)."""
    stream = [event for event in events if event["type"] != "ping"]
    if stream[0]["type"] != "message_start" or stream[-1]["type"] != "message_stop":
        return False
    expected_block, open_block, signed = 0, None, False
    for event in stream[1:-1]:
        kind = event["type"]
        if kind == "content_block_start":
            if open_block is not None or event["index"] != expected_block:
                return False
            open_block, signed = event["index"], False
        elif kind == "content_block_delta":
            if event["index"] != open_block or signed:
                return False
            signed = event["delta"]["type"] == "signature_delta"
        elif kind == "content_block_stop":
            if event["index"] != open_block:
                return False
            open_block, expected_block = None, expected_block + 1
        elif kind == "message_delta":
            if open_block is not None:
                return False
        else:
            return False
    message_delta = next(i for i, e in enumerate(stream) if e["type"] == "message_delta")
    return all(e["type"] in ("message_delta", "message_stop") for e in stream[message_delta:])


def _read_anthropic(order: Order) -> Reading:
    reading = Reading()
    for native in order:
        if native["type"] == "content_block_start" and native["content_block"]["type"] == "tool_use":
            block = native["content_block"]
            reading.call(native["index"], block["name"], block["id"])
        elif native["type"] == "content_block_delta":
            delta = native["delta"]
            reading.text += delta.get("text", "")
            reading.reasoning += delta.get("thinking", "")
            if "partial_json" in delta:
                reading.call(native["index"], arguments=delta["partial_json"])
        reading.usage = native.get("usage") or reading.usage
    return reading


ANTHROPIC = Ordering(
    label=lambda native: (native["type"], native.get("index", 0)),
    rules=(Rule("message_start first; each block's start, deltas (a thinking block's signature last) and stop, "
                "blocks in index order; message_delta after the last block; message_stop last "
                "(openai-anthropic.md C.3)", "LIFECYCLE", protocol_order_kept),),
    blind=("two deltas of one block, or a ping anywhere: deltas carry no position within their block, so the "
           "text reads differently (hence sequence numbers in the Responses API)",),
    read=_read_anthropic,
)


# -- bedrock-converse ------------------------------------------------------------------------------------------


def _converse_label(native: Native) -> Label:
    kind = native["type"]
    if kind == "contentBlockDelta":
        signed = "signature" in native["delta"].get("reasoningContent", {})
        return ("signature" if signed else "delta", native["contentBlockIndex"])
    names = {"messageStart": "start", "contentBlockStart": "block-start", "contentBlockStop": "block-stop",
             "messageStop": "stop", "metadata": "metadata"}
    return (names[kind], native.get("contentBlockIndex", 0))


def _read_converse(order: Order) -> Reading:
    reading = Reading()
    for native in order:
        if native["type"] == "contentBlockStart":
            use = native["start"]["toolUse"]
            reading.call(native["contentBlockIndex"], use["name"], use["toolUseId"])
        elif native["type"] == "contentBlockDelta":
            delta = native["delta"]
            reading.text += delta.get("text", "")
            reading.reasoning += delta.get("reasoningContent", {}).get("text", "")
            if "toolUse" in delta:
                reading.call(native["contentBlockIndex"], arguments=delta["toolUse"]["input"])
        reading.usage = native.get("usage") or reading.usage
    return reading


def per_block(earlier: tuple[str, ...], later: tuple[str, ...]) -> Callable[[list[Label]], bool]:
    """In every block: its events of the ``earlier`` kinds come before its events of the ``later`` kinds."""
    return lambda labels: all(before(labels, lambda label: label in {(kind, k) for kind in earlier},
                                     lambda label: label in {(kind, k) for kind in later})
                              for k in set(indices(labels, earlier + later)))


_converse = labelled(_converse_label)
BLOCKS = ("block-start", "delta", "signature", "block-stop")
CONVERSE = Ordering(
    label=_converse_label,
    rules=(
        Rule("messageStart is the first event (gemini-mistral-bedrock.md D.3.1)", "LIFECYCLE",
             _converse(lambda labels: before(labels, of("start"), but("start")))),
        Rule("a toolUse block's contentBlockStart precedes its input deltas (D.2, D.4: fragments for an index "
             "no start opened are lost)", "ASSEMBLY", _converse(per_block(("block-start",), ("delta",)))),
        Rule("a block's start and deltas precede its one contentBlockStop, nothing follows it (D.3.2)", "LIFECYCLE",
             _converse(per_block(("block-start", "delta", "signature"), ("block-stop",)))),
        Rule("blocks come one after another in index order (D.3.2, D.3.3, soft)", "LIFECYCLE",
             _converse(lambda labels: one_after_another(labels, BLOCKS))),
        Rule("a reasoning block sends its text, then its signature (D.3.7)", "LIFECYCLE",
             _converse(per_block(("delta",), ("signature",)))),
        Rule("messageStop follows the last contentBlockStop, metadata comes last (D.3.4)", "LIFECYCLE",
             _converse(lambda labels: before(labels, of(*BLOCKS), of("stop"))
                       and before(labels, but("metadata"), of("metadata")))),
    ),
    blind=(
        "two deltas of one block: contentBlockIndex names the block, nothing numbers a delta within it (D.2, "
        "D.4), so the text, reasoning or arguments read differently",
    ),
    read=_read_converse,
    inert=False,  # every event belongs to the message frame or to one block, and blocks do not interleave
)


# -- bedrock-agents ------------------------------------------------------------------------------------------------


def _agents_label(native: Native) -> Label:
    if native["type"] != "trace":
        return (native["type"], 0)  # chunk, returnControl
    step = next(iter(native["trace"].values()))
    return (next(iter(step)), 0)  # modelInvocationOutput (usage), rationale, observation


def _chunk_text(native: Native) -> str:
    return base64.b64decode(native["bytes"]).decode("utf-8")


def _read_agents(order: Order) -> Reading:
    """Chunks are the answer; the rationale traced before the returnControl is the message before its calls
    (whose ids are ``<invocationId>_<position>``: inputs carry none); usage rides on a model output trace."""
    reading, rationale = Reading(), ""
    for native in order:
        if native["type"] == "chunk":
            reading.text += _chunk_text(native)
        elif native["type"] == "returnControl":
            reading.text += rationale
            for position, entry in enumerate(native["invocationInputs"]):
                call = entry["functionInvocationInput"]
                arguments = {p["name"]: p["value"] if p["type"] == "string" else json.loads(p["value"])
                             for p in call["parameters"]}
                reading.call(position, call["function"], f"{native['invocationId']}_{position}",
                             json.dumps(arguments, ensure_ascii=False, separators=(",", ":")))
        else:
            step = next(iter(native["trace"].values()))
            rationale = step["rationale"]["text"] if "rationale" in step else rationale
            reading.usage = step.get("modelInvocationOutput", {}).get("metadata", {}).get("usage") or reading.usage
    return reading


def _chunks_make_the_announced_answer(order: Order) -> bool:
    announced = [step["observation"]["finalResponse"]["text"] for native in order if native["type"] == "trace"
                 for step in native["trace"].values() if "finalResponse" in step.get("observation", {})]
    return not announced or "".join(_chunk_text(n) for n in order if n["type"] == "chunk") == announced[-1]


AGENTS = Ordering(
    label=_agents_label,
    rules=(
        Rule("the chunks, joined in arrival order, are the answer the FINISH observation's finalResponse "
             "announced (gemini-mistral-bedrock.md C.3, C.4.4)", "ASSEMBLY",
             _chunks_make_the_announced_answer),  # ASSEMBLY-001: the answer item declares the announced text
    ),
    blind=(
        "the rationale trace and the returnControl: traces may follow a returnControl (C.4.5) and nothing ends "
        "the body but its end, so a rationale after it reads as a later step's and the calls come without "
        "their text",
        "any other two events that are not both chunks: traces are native information but for usage, which "
        "sums over model invocations, and the FINISH observation is compared with the chunks only at the end "
        "of the body (C.3), so the turn is the same",
    ),
    read=_read_agents,
)


# -- agent-session ---------------------------------------------------------------------------------------------------


def _read_session(order: Order) -> Reading:
    """Delta mode; a call answered inline by a tool_result was a trusted server tool, not the client's."""
    reading = Reading()
    answered = {native["toolCallId"] for native in order if native["type"] == "tool_result"}
    for native in order:
        if native["type"] == "text_delta":
            reading.text += native["delta"]
        elif native["type"] == "thinking_delta":
            reading.reasoning += native["delta"]
        elif native["type"] == "tool_call" and native["toolCallId"] not in answered:
            arguments = json.dumps(native["input"], ensure_ascii=False, separators=(",", ":"))
            reading.call(native["toolCallId"], native["name"], native["toolCallId"], arguments)
    return reading


def _results_follow_their_calls(order: Order) -> bool:
    made: set[str] = set()
    for native in order:
        if native["type"] == "tool_call":
            made.add(native["toolCallId"])
        elif native["type"] == "tool_result" and native["toolCallId"] not in made:
            return False
    return True


def _session_label(native: Native) -> Label:
    return (native["type"], 0)  # the SSE event name; nothing in the protocol carries an index


_session = labelled(_session_label)
SESSION = Ordering(
    label=_session_label,
    rules=(
        Rule("session_start opens a PUT /session stream, turn_start follows it, content after both "
             "(agent-session.md Ordering 1, 4)", "LIFECYCLE",
             _session(lambda labels: before(labels, of("session_start"), but("session_start"))
                      and before(labels, of("turn_start"), but("session_start", "turn_start")))),
        Rule("turn_stop is the last event (Ordering 3, 4)", "LIFECYCLE",
             _session(lambda labels: before(labels, but("turn_stop"), of("turn_stop")))),
        Rule("a tool_result answers an earlier tool_call (Ordering 6)", "ASSEMBLY", _results_follow_their_calls),
    ),
    blind=(
        "two text_delta or two thinking_delta events: nothing numbers them, so the text or reasoning reads "
        "differently",
        "a thinking piece, a text piece, a tool_call or a tool_result (still after its call) against another "
        "kind, or two tool_calls: between turn_start and turn_stop nothing else orders them (Ordering 4, 6), so "
        "the turn reads the same (its "
        "text or thinking split into more items), unless pieces of one passed each other or two calls swapped "
        "(the call order changes)",
    ),
    read=_read_session,
    extra_turns=(  # a trusted server tool answered inline beside a client call: the only tool_result there is
        Turn(response_id="resp_0", status="completed", stop="tool_use", items=[
            Item(item_id="msg_0", kind="message", role="assistant", status="completed", text={0: "on it"}),
            Item(item_id="fc_s", kind="tool_call", status="completed", executor="server", name="search",
                 call_id="call_s", arguments={"q": "x"}, arguments_valid=True),
            Item(item_id="fc_c", kind="tool_call", status="completed", executor="client", name="ask",
                 call_id="call_c", arguments={}, arguments_valid=True)],
             tool_results=[ToolResultState(call_id="call_s", output="found")]),
    ),
)


# -- llama-stack-agents ------------------------------------------------------------------------------------------------


def _llama_payload(native: Native) -> Native:
    return native["event"]["payload"]


def _llama_label(native: Native) -> Label:
    body = _llama_payload(native)
    if body["event_type"] != "step_progress":
        return (body["event_type"], 0)
    delta = body["delta"]
    if delta["type"] == "text":
        return ("text", 0)
    if delta["parse_status"] != "in_progress":
        return ("verdict", 0)
    return ("closer" if delta["tool_call"] == ")" else "fragment", 0)


def _llama_deltas(order: Order) -> list[Native]:
    return [body["delta"] for body in map(_llama_payload, order) if body["event_type"] == "step_progress"]


def _model_response(order: Order) -> Native:
    return next(body["step_details"]["model_response"] for body in map(_llama_payload, order)
                if body["event_type"] == "step_complete")


def _read_llama(order: Order) -> Reading:
    reading = Reading()
    for delta in _llama_deltas(order):
        if delta["type"] == "text":
            reading.text += delta["text"]
        elif delta["parse_status"] == "succeeded":
            call = delta["tool_call"]
            reading.call(len(reading.calls), call["tool_name"], call["call_id"], call["arguments_json"])
    return reading


def _text_prefixes_content(order: Order) -> bool:
    response = _model_response(order)
    streamed = "".join(delta["text"] for delta in _llama_deltas(order) if delta["type"] == "text")
    return (response["content"] == "" and bool(response["tool_calls"])) or response["content"].startswith(streamed)


def _fragments_spell_the_calls(order: Order) -> bool:
    """The in_progress fragments, less the ``)`` closer each verdict follows, read ``name(arguments`` per call."""
    fragments: list[str] = []
    for delta in _llama_deltas(order):
        if delta["type"] == "tool_call" and delta["parse_status"] == "in_progress":
            fragments.append(delta["tool_call"])
        elif delta["type"] == "tool_call" and fragments and fragments[-1] == ")":
            fragments.pop()
    calls = _model_response(order)["tool_calls"]
    return "".join(fragments) == "".join(f"{call['tool_name']}({call['arguments_json']}" for call in calls)


def _verdicts_in_order(order: Order) -> bool:
    succeeded = [delta["tool_call"] for delta in _llama_deltas(order)
                 if delta["type"] == "tool_call" and delta["parse_status"] == "succeeded"]
    return succeeded == _model_response(order)["tool_calls"]


_llama = labelled(_llama_label)
PROGRESS = ("text", "fragment", "closer", "verdict")
TERMINALS = ("turn_complete", "turn_awaiting_input")
LLAMA = Ordering(
    label=_llama_label,
    rules=(
        Rule("step_start opens the step, before its step_progress and step_complete (llamastack-cohere-compat.md "
             "A.6 A-7)", "LIFECYCLE", _llama(lambda labels: before(labels, of("step_start"), but("step_start")))),
        Rule("step_complete follows every step_progress of its step (A-7)", "LIFECYCLE",
             _llama(lambda labels: before(labels, of(*PROGRESS), of("step_complete")))),
        Rule("the terminal turn_complete or turn_awaiting_input is the last frame (A-2)", "LIFECYCLE",
             _llama(lambda labels: before(labels, but(*TERMINALS), of(*TERMINALS)))),
        Rule("the text deltas join to a prefix of step_complete's model_response.content, unless calls parsed "
             "and content was reset to \"\" (A-11, soft)", "ASSEMBLY", _text_prefixes_content),  # ASSEMBLY-914
        Rule("the in_progress fragments read `name(` and the arguments_json of each call in turn, with one `)` "
             "before each call's verdict (A.7)", "ASSEMBLY", _fragments_spell_the_calls),  # ASSEMBLY-913, -002
        Rule("the succeeded deltas are model_response.tool_calls, in order (A-12)", "ASSEMBLY",
             _verdicts_in_order),  # ASSEMBLY-912
    ),
    blind=(
        "two text deltas of a step whose calls parsed: model_response.content is reset to \"\" (A-11), so "
        "nothing restates the text, which reads differently",
        "a text delta and a tool-call delta that pass each other without reordering either stream: text and "
        "call fragments are separate streams of the step and nothing orders one against the other (A.5, A.7), "
        "so the turn is the same",
        "a `)` closer and a verdict, as long as each verdict still follows a closer: closers carry nothing "
        "(A.7), so the turn is the same",
    ),
    read=_read_llama,
)


ORDERINGS: dict[str, Ordering] = {
    "openai-chat": CHAT,
    "gemini": GEMINI,
    "mistral-conversations": MISTRAL,
    "cohere-v2": COHERE,
    "anthropic-messages": ANTHROPIC,
    "bedrock-invoke-model": ANTHROPIC,  # the same natives: Anthropic's events, each inside one AWS chunk
    "bedrock-converse": CONVERSE,
    "bedrock-agents": AGENTS,
    "agent-session": SESSION,
    "llama-stack-agents": LLAMA,
}


# -- the claims ---------------------------------------------------------------------------------------------------


def serious(report: ExchangeReport) -> set[str]:
    return {f.check for f in report.findings if f.severity is not Severity.info}


def spelled(turn: Turn) -> dict[str, Any]:
    """What a folded turn says, in the reader's terms."""
    def joined(parts: dict[int, str]) -> str:
        return "".join(parts[p] for p in sorted(parts))

    return {"text": turn.text,
            "reasoning": "".join(joined(item.reasoning) for item in turn.items if item.kind == "reasoning"),
            "calls": [(call.name, call.call_id, call.arguments_text) for call in turn.client_calls]}


def content_findings(reading: Reading) -> set[str]:
    """What the reducer says of arguments that no longer parse (it reads them with json.loads)."""
    found = set()
    for _, _, arguments in reading.calls.values():
        try:
            value = json.loads(arguments) if arguments.strip() else {}
        except (ValueError, RecursionError):
            found.add("ASSEMBLY-003")
            continue
        if not isinstance(value, dict):
            found.add("ASSEMBLY-004")
    return found


def swap(order: Order, i: int, j: int) -> Order:
    swapped = list(order)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    return swapped


def baseline(family: str, natives: Order) -> ExchangeReport:
    """The unswapped stream: it keeps every rule, reads clean, and the reader agrees with the harness."""
    row = ORDERINGS[family]
    assert all(rule.kept(natives) for rule in row.rules), "the encoder breaks a rule of its own table"
    report = run_body(family, registry.get(family).to_wire(natives))
    assert serious(report) == set() and report.turn is not None
    assert spelled(report.turn) == row.read(natives).content(), "the reader and the harness disagree on a valid stream"
    return report


def judge(family: str, natives: Order, i: int, j: int, base: ExchangeReport,
          remember: Remember | None = None) -> list[Rule]:
    """The claim for one swap; returns the rules it breaks whose check family was reported (and missed ones)."""
    row = ORDERINGS[family]
    order = swap(natives, i, j)
    body = registry.get(family).to_wire(order)
    if remember is not None:
        remember(family, body)
    report = run_body(family, body)
    flagged = serious(report)
    broken = [rule for rule in row.rules if not rule.kept(order)]
    checked = [rule for rule in broken if rule.missed is None]
    if checked:
        reported = {check.split("-")[0] for check in flagged}
        assert reported & {rule.reports for rule in checked}, (
            f"swapping events {i} and {j} breaks {[rule.says for rule in checked]}, yet the harness says {flagged}")
        return [rule for rule in broken if rule.reports in reported or rule.missed]
    reading, original = row.read(order), row.read(natives)
    assert flagged == content_findings(reading), f"swapping events {i} and {j} breaks no checked rule"
    assert report.turn is not None and base.turn is not None and spelled(report.turn) == reading.content()
    assert report.turn.stop == base.turn.stop
    assert (report.turn.usage == base.turn.usage) == (reading.usage == original.usage)
    return broken


@st.composite
def swaps(draw: st.DrawFn, kinds: list[str]) -> tuple[int, int]:
    """Two positions to swap: any two, two neighbours, or two events of one kind (pieces of a stream)."""
    pairs = [(i, j) for i in range(len(kinds)) for j in range(i + 1, len(kinds))]
    neighbours = [(i, j) for i, j in pairs if j == i + 1]
    alike = [(i, j) for i, j in pairs if kinds[i] == kinds[j]]
    return draw(st.sampled_from(draw(st.sampled_from([pairs, neighbours, alike or pairs]))))


@pytest.mark.parametrize("family", ORDERINGS)
@given(data=st.data())
def test_a_swap_is_flagged_exactly_when_it_breaks_a_rule(family: str, data: st.DataObject,
                                                        remember: Remember) -> None:
    row = ORDERINGS[family]
    turn = data.draw(turns(DIALECTS[family].family), label="turn")
    natives = registry.get(family).encode(turn, lambda text: data.draw(split_text(text)))
    base = baseline(family, natives)
    i, j = data.draw(swaps([row.label(native)[0] for native in natives]), label="swap")
    judge(family, natives, i, j, base, remember)


def rich_turns(shape: Family) -> list[Turn]:
    """Turns in which every rule of a row can be broken: thinking, text and two calls; thinking and
    text alone (two content blocks in Cohere); nothing at all (Gemini's usage-only chunk)."""
    thinking = [Item(item_id="rs_0", kind="reasoning", status="completed", reasoning={0: "mull it over"})]
    text = Item(item_id="msg_1", kind="message", role="assistant", status="completed", text={0: "hello there"})
    calls = [Item(item_id=f"fc_{k}", kind="tool_call", status="completed", executor="client", name=f"tool_{k}",
                  call_id=f"call_{k}", arguments={"city": "Paris", "n": k}, arguments_valid=True) for k in range(2)]
    usage = Usage(input_tokens=5, output_tokens=7, total_tokens=12)
    content = [*(thinking if shape.reasoning else []), text]
    return [Turn(response_id="resp_0", status="completed", items=items, stop=stop, usage=usage)
            for items, stop in (([*content, *calls], "tool_use"), (content, "end_turn"), ([], "end_turn"))]


def every_swap(family: str) -> list[tuple[Order, int, int, ExchangeReport]]:
    out = []
    for turn in [*rich_turns(DIALECTS[family].family), *ORDERINGS[family].extra_turns]:
        natives = registry.get(family).encode(turn, lambda text: [text[k:k + 4] for k in range(0, len(text), 4)])
        base = baseline(family, natives)
        out += [(natives, i, j, base) for i in range(len(natives)) for j in range(i + 1, len(natives))]
    return out


@pytest.mark.parametrize("family", ORDERINGS)
def test_every_swap_of_a_rich_turn(family: str) -> None:
    """Every swap of a few full streams, so that no row states a rule no swap breaks, or a blind spot
    that never occurs: each rule is broken, with a finding of its family, by some swap; among the swaps
    that break none, some change the turn (pieces of one stream passed each other), and some do not
    where the row says so (``inert``)."""
    row = ORDERINGS[family]
    shown: set[str] = set()
    changed: set[bool] = set()
    for natives, i, j, base in every_swap(family):
        broken = judge(family, natives, i, j, base)
        shown |= {rule.says for rule in broken}
        if not any(not rule.kept(swap(natives, i, j)) for rule in row.rules):
            changed.add(row.read(swap(natives, i, j)) != row.read(natives))
    assert [rule.says for rule in row.rules if rule.says not in shown] == []
    assert changed == ({True, False} if row.inert else {True})


@pytest.mark.parametrize("family", [family for family, row in ORDERINGS.items()
                                    if any(rule.missed for rule in row.rules)])
def test_missed_rules_are_still_missed(family: str) -> None:
    """A rule the wire shows but no check reads: when this fails, the check exists; drop ``missed``."""
    for rule in (rule for rule in ORDERINGS[family].rules if rule.missed):
        for natives, i, j, _ in every_swap(family):
            order = swap(natives, i, j)
            if not rule.kept(order) and all(other.kept(order) for other in ORDERINGS[family].rules if other != rule):
                assert serious(run_body(family, registry.get(family).to_wire(order))) <= CONTENT_CHECKS, rule.missed
                break
        else:
            pytest.fail(f"no swap breaks {rule.says!r} alone")


def test_every_row_is_a_family_without_sequence_numbers() -> None:
    for family, row in ORDERINGS.items():
        assert not registry.get(family).has_sequence_numbers, family
        assert row.rules and row.blind, family


def test_every_family_without_sequence_numbers_has_a_row() -> None:
    """A family that joins the registry and the property suites (an encoder) cannot skip this table."""
    missing = [name for name, provider in registry.PROVIDERS.items()
               if not provider.has_sequence_numbers and name in DIALECTS and name not in ORDERINGS]
    assert missing == [], f"add an Ordering row for {missing}"


# -- Anthropic: whole-stream shuffles -------------------------------------------------------------------------------


@st.composite
def deltas_shuffled_within_blocks(draw: st.DrawFn, natives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Orders the protocol cannot tell apart: each block's content deltas permuted among themselves."""
    order = list(natives)
    blocks: dict[int, list[int]] = {}
    for position, native in enumerate(natives):
        if native["type"] == "content_block_delta" and native["delta"]["type"] != "signature_delta":
            blocks.setdefault(native["index"], []).append(position)
    for positions in blocks.values():
        for position, native in zip(positions, draw(st.permutations([natives[p] for p in positions]))):
            order[position] = native
    return order


@given(data=st.data())
def test_a_permutation_is_flagged_exactly_when_it_breaks_anthropic_order(data: st.DataObject) -> None:
    provider = registry.get("anthropic-messages")
    turn = data.draw(turns(Family(reasoning=True)), label="turn")
    natives = provider.encode(turn, lambda text: data.draw(split_text(text)))
    order = data.draw(st.permutations(natives) | deltas_shuffled_within_blocks(natives), label="order")
    report = run_body("anthropic-messages", provider.to_wire(order))
    flagged = serious(report)
    if protocol_order_kept(order):
        assert flagged <= CONTENT_CHECKS | {"STATE-001"}
    else:
        assert flagged - CONTENT_CHECKS - {"STATE-001"}, "an order the protocol forbids went unnoticed"


@pytest.mark.parametrize("family", ORDERINGS)
def test_two_pieces_of_one_text_swapped(family: str) -> None:
    """The blind spot of every row whose stream does not state the whole text again: same events, text
    changed, no finding (hence sequence numbers). Where it does (Llama Stack, Bedrock Agents), a rule of
    the row compares, and the swap is reported under that rule's family."""
    row, provider = ORDERINGS[family], registry.get(family)
    turn = Turn(response_id="msg_0", stop="end_turn", status="completed", usage=Usage(input_tokens=1, output_tokens=2),
                items=[Item(item_id="m", kind="message", role="assistant", status="completed", text={0: "ab"})])
    natives = provider.encode(turn, list)
    i, j = [n for n, native in enumerate(natives) if row.read([native]).text]
    order = swap(natives, i, j)
    report = run_body(family, provider.to_wire(order))
    restating = {rule.reports for rule in row.rules if not rule.kept(order)}
    if restating:
        assert family in ("llama-stack-agents", "bedrock-agents")
        assert {check.split("-")[0] for check in serious(report)} & restating
        return
    assert serious(report) == set()
    assert report.turn is not None and report.turn.text == "ba"
