"""Deterministic synthetic provider streams for the benchmark, hand-written as real SSE bytes.

These two (OpenAI Responses, Anthropic Messages) are the streams the published figures were measured
on; every other family's stream is written by its own encoder (``bench/encoded.py``), and so can
these two be (``--streams encoded``). Each generator returns a ``Stream``: the wire body (``event: X\\ndata: {...}\\n\\n`` per event), the
exact number of events in it, and what a correct consumer must assemble from it (the text of the
message and the arguments of the tool call), so every benchmarked path can be checked for having
done the work.

Shapes follow ../shared/specs/openai-anthropic.md (A.3-A.6, A.10 for OpenAI Responses; C.2-C.4, C.7
for Anthropic Messages): contiguous ``sequence_number`` from 0, an ``obfuscation`` pad of random
length (2-15) on every OpenAI delta, ``logprobs: []`` on text events, the first ``input_json_delta``
empty as Anthropic sends it, pings between events, cumulative usage; every ``.done`` / final event
carries exactly what its deltas concatenate to, so the harness has nothing to report.

This module imports nothing from the harness: the streams exist whatever state the pipeline is in.
The content (``text_pieces``, ``arguments_object``, ``cut``) is shared with the encoded streams.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from typing import Any

import orjson

PROVIDERS = ("openai-responses", "anthropic-messages")

#: share of the deltas that go to the tool call's arguments (the rest are message text)
TOOL_SHARE = 1 / 3

_WORDS = (
    "the stream of events carries text and tool calls to a client that folds them into a turn; "
    "each delta is a token or two, sometimes a word with its space, sometimes punctuation, "
    "Zürich café naïve déjà-vu 東京 データ 🙂 — “quoted” and \"escaped\" \\ back\\slash tabs\tand "
    "numbers 12 3.5 -7 1e3 schema sequence reducer fold assemble arguments partial json resume"
).split(" ")

_OBFUSCATION_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


Rule = tuple[Any, list[Any], str]  # (event type or None, path into the payload, "text" | "arguments")


@dataclass(frozen=True, slots=True)
class Stream:
    provider: str
    events: int  # exactly the number of events (SSE events, event-stream messages) in ``body``
    body: bytes
    text: str  # the message text the deltas assemble to
    arguments: str  # the tool call's arguments text the deltas assemble to ("" when there is no call)
    text_deltas: int
    argument_deltas: int  # 0 when the family sends a call's arguments whole (as a JSON value)
    framing: str = "sse"  # "sse" or "eventstream"
    rules: tuple[Rule, ...] = ()  # where the pieces travel (encoded streams; the generic floor reads them)

    def expected(self) -> dict[str, Any]:
        """Everything but the body, as JSON for the measuring subprocess."""
        return {field.name: getattr(self, field.name) for field in fields(self) if field.name != "body"}


def make(provider: str, events: int, seed: int = 0) -> Stream:
    if provider == "openai-responses":
        return openai_responses(events, seed)
    if provider == "anthropic-messages":
        return anthropic_messages(events, seed)
    raise KeyError(provider)


# -- content --------------------------------------------------------------------------------------------


def text_pieces(count: int, rng: random.Random) -> list[str]:
    """``count`` token-like text deltas: a word with its leading space, now and then a lone mark."""
    words = _WORDS
    pieces = []
    for index in range(count):
        roll = rng.random()
        if roll < 0.08:
            pieces.append(rng.choice((",", ".", ";", ":", "!", "?", "\n\n")))
        elif roll < 0.12:
            word = rng.choice(words)
            pieces.append(word[: max(1, len(word) // 2)])  # half a word: tokens split words
        else:
            pieces.append(" " + rng.choice(words) if index else rng.choice(words))
    return pieces


def arguments_object(count: int, rng: random.Random) -> dict[str, Any]:
    """The tool call's arguments: a JSON object long enough to cut into ``count`` pieces of about 6."""
    target = 6 * count + 64
    words: list[str] = []
    size = 0
    while size < target:
        word = rng.choice(_WORDS)
        words.append(word)
        size += len(word) + 1
    body = " ".join(words)
    return {"query": body[: len(body) // 2], "limit": 25, "filters": {"lang": "en", "safe": True},
            "notes": body[len(body) // 2 :]}


def cut(text: str, count: int, rng: random.Random) -> list[str]:
    """``text`` cut into exactly ``count`` non-empty fragments at arbitrary places (inside strings,
    between an escape and its character) as real streams cut: evenly spread cut points, jittered by
    up to +-2 characters, kept strictly increasing."""
    length = len(text)
    count = max(1, min(count, length))
    cuts = [0]
    for index in range(1, count):
        point = index * length // count + rng.randint(-2, 2)
        cuts.append(min(max(point, cuts[-1] + 1), length - (count - index)))
    cuts.append(length)
    return [text[begin:end] for begin, end in zip(cuts, cuts[1:])]


def _argument_pieces(count: int, rng: random.Random) -> tuple[str, list[str]]:
    """The arguments as JSON text cut into exactly ``count`` fragments of about 3-9 characters."""
    arguments = orjson.dumps(arguments_object(count, rng)).decode()
    return arguments, cut(arguments, count, rng)


def _split(events: int, fixed: int) -> tuple[int, int]:
    deltas = events - fixed
    if deltas < 2:
        raise ValueError(f"a stream needs at least {fixed + 2} events, not {events}")
    argument_deltas = max(1, int(deltas * TOOL_SHARE))
    return deltas - argument_deltas, argument_deltas


def _sse(kind: str, payload: dict) -> bytes:
    return b"event: " + kind.encode() + b"\ndata: " + orjson.dumps(payload) + b"\n\n"


# -- OpenAI Responses ----------------------------------------------------------------------------------

_OPENAI_FIXED = 11  # created, in_progress, 5 around the message's deltas, 3 around the call's, completed


def openai_responses(events: int, seed: int = 0) -> Stream:
    rng = random.Random(f"openai-responses/{events}/{seed}")
    text_count, argument_count = _split(events, _OPENAI_FIXED)
    pieces = text_pieces(text_count, rng)
    text = "".join(pieces)
    arguments, fragments = _argument_pieces(argument_count, rng)
    out: list[bytes] = []
    seq = 0

    def emit(kind: str, **fields: object) -> None:
        nonlocal seq
        out.append(_sse(kind, {"type": kind, "sequence_number": seq, **fields}))
        seq += 1

    def pad() -> str:
        return "".join(rng.choices(_OBFUSCATION_ALPHABET, k=rng.randint(2, 15)))

    response = {
        "id": "resp_bench0001", "object": "response", "created_at": 1763900000, "status": "in_progress",
        "model": "gpt-5-bench", "output": [], "usage": None, "previous_response_id": None,
        "parallel_tool_calls": True, "tool_choice": "auto", "tools": [], "metadata": {},
        "error": None, "incomplete_details": None, "instructions": None, "temperature": 1.0, "top_p": 1.0,
    }
    emit("response.created", response=response)
    emit("response.in_progress", response=response)

    message_id = "msg_bench0001"
    where = {"item_id": message_id, "output_index": 0}
    emit("response.output_item.added", output_index=0,
         item={"id": message_id, "type": "message", "role": "assistant", "status": "in_progress", "content": []})
    emit("response.content_part.added", **where, content_index=0,
         part={"type": "output_text", "text": "", "annotations": [], "logprobs": []})
    for piece in pieces:
        emit("response.output_text.delta", **where, content_index=0, delta=piece, logprobs=[], obfuscation=pad())
    emit("response.output_text.done", **where, content_index=0, text=text, logprobs=[])
    part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    emit("response.content_part.done", **where, content_index=0, part=part)
    message = {"id": message_id, "type": "message", "role": "assistant", "status": "completed", "content": [part]}
    emit("response.output_item.done", output_index=0, item=message)

    call_id = "fc_bench0001"
    where = {"item_id": call_id, "output_index": 1}
    opened = {"id": call_id, "type": "function_call", "status": "in_progress", "call_id": "call_bench0001",
              "name": "search_corpus", "arguments": ""}
    emit("response.output_item.added", output_index=1, item=opened)
    for fragment in fragments:
        emit("response.function_call_arguments.delta", **where, delta=fragment, obfuscation=pad())
    emit("response.function_call_arguments.done", **where, name="search_corpus", arguments=arguments)
    call = {**opened, "status": "completed", "arguments": arguments}
    emit("response.output_item.done", output_index=1, item=call)

    output_tokens = text_count + argument_count
    usage = {"input_tokens": 812, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": output_tokens,
             "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 812 + output_tokens}
    emit("response.completed", response={**response, "status": "completed", "output": [message, call],
                                         "usage": usage, "completed_at": 1763900042})
    assert seq == events, (seq, events)
    return Stream("openai-responses", events, b"".join(out), text, arguments, text_count, argument_count)


# -- Anthropic Messages --------------------------------------------------------------------------------

_ANTHROPIC_FIXED = 10  # message_start, 2 + 2 block bounds, 3 pings, message_delta, message_stop


def anthropic_messages(events: int, seed: int = 0) -> Stream:
    rng = random.Random(f"anthropic-messages/{events}/{seed}")
    text_count, argument_count = _split(events, _ANTHROPIC_FIXED)
    pieces = text_pieces(text_count, rng)
    text = "".join(pieces)
    arguments, fragments = _argument_pieces(argument_count - 1, rng) if argument_count > 1 else ("", [])
    fragments = ["", *fragments]  # the first input_json_delta is empty, as the API sends it
    out: list[bytes] = []

    def emit(kind: str, **fields: object) -> None:
        out.append(_sse(kind, {"type": kind, **fields}))

    emit("message_start", message={
        "id": "msg_bench0001", "type": "message", "role": "assistant", "content": [], "model": "claude-bench",
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 812, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                  "output_tokens": 1}})
    emit("content_block_start", index=0, content_block={"type": "text", "text": ""})
    emit("ping")
    for piece in pieces:
        emit("content_block_delta", index=0, delta={"type": "text_delta", "text": piece})
    emit("content_block_stop", index=0)
    emit("ping")
    emit("content_block_start", index=1,
         content_block={"type": "tool_use", "id": "toolu_bench0001", "name": "search_corpus", "input": {}})
    half = len(fragments) // 2
    for index, fragment in enumerate(fragments):
        if index == half:
            emit("ping")
        emit("content_block_delta", index=1, delta={"type": "input_json_delta", "partial_json": fragment})
    emit("content_block_stop", index=1)
    emit("message_delta", delta={"stop_reason": "tool_use", "stop_sequence": None},
         usage={"output_tokens": text_count + argument_count})
    emit("message_stop")
    assert len(out) == events, (len(out), events)
    return Stream("anthropic-messages", events, b"".join(out), text, arguments, text_count, argument_count)
