"""Benchmark streams for every registered family with an encoder, written by the family itself.

A canonical Turn (a long message, then one tool call with long JSON arguments) goes through
``provider.encode(turn, cut)`` and ``provider.to_wire``, as the property suites write turns. ``cut``
(the encoder's fragmenter) hands back the benchmark's own pieces (``bench/streams.py``: word-sized
text tokens, argument text cut every 3-9 characters at arbitrary places), as many as make the stream
N events long, a third of the deltas arguments where the family streams them as text.

What a family's encoder does with pieces is learned once, from small calibration streams whose
pieces are unique markers: how many events a stream has besides its pieces, how many each text and
argument piece costs (both 1 for every family so far, so N is exact), and where in the wire payloads
the pieces travel (``Rule``: event type, path; what ``bench/floors.py`` reads). A family whose tool
calls carry no text (Bedrock Agents' return of control) is written as a message alone. So a family
is benchmarked as soon as it registers an encoder; one this module cannot read says why
(``Unbenchmarkable``) and the run goes on without it.
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson

from bench import floors, streams
from bench.streams import Rule, Stream

SHAPES = ("message+call", "message")  # tried in this order
PROBE = 4  # pieces per channel in the calibration streams
_BLOB = re.compile(r"(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


class Unbenchmarkable(Exception):
    """The family has no encoder, or its streams do not carry the pieces where a floor can find them."""


@dataclass(frozen=True, slots=True)
class Layout:
    shape: str
    base: int  # events besides the pieces
    per_text: int  # events per text piece
    per_argument: int  # events per argument piece; 0: the family sends arguments whole
    rules: tuple[Rule, ...]
    framing: str


def providers() -> list[str]:
    """Every registered family, in registry order."""
    from harness.registry import PROVIDERS

    return list(PROVIDERS)


def _turn(shape: str, text: str, arguments: dict[str, Any] | None) -> Any:
    from harness.state import Item, Turn, Usage

    items = [Item(item_id="msg_0", kind="message", role="assistant", status="completed", text={0: text})]
    if shape == "message+call":
        items.append(Item(item_id="fc_0", kind="tool_call", status="completed", executor="client",
                          name="search_corpus", call_id="call_0", arguments=arguments, arguments_valid=True,
                          arguments_text=orjson.dumps(arguments).decode()))
    return Turn(response_id="resp_0", status="completed", items=items, stop="tool_use" if len(items) > 1 else "end_turn",
                usage=Usage(input_tokens=812, output_tokens=100, total_tokens=912))


def _encode(name: str, shape: str, pieces: list[str], arguments: dict[str, Any] | None,
            argument_pieces: Callable[[str], list[str]]) -> tuple[list[dict[str, Any]], bytes, list[str]]:
    """The family's natives and wire bytes, and every non-text string its encoder asked to cut."""
    from harness.registry import get

    provider = get(name)
    text = "".join(pieces)
    others: list[str] = []

    def cut(value: str) -> list[str]:
        if value == text:
            return list(pieces)
        others.append(value)
        return argument_pieces(value)

    try:
        natives = provider.encode(_turn(shape, text, arguments), cut)
        return natives, provider.to_wire(natives), others
    except NotImplementedError as error:
        raise Unbenchmarkable(str(error)) from error


@dataclass(slots=True)
class _Probe:
    """One calibration stream: its event count and body, and which channel each marker piece is."""

    events: int
    body: bytes
    pieces: dict[str, str]
    others: list[str]  # the non-text strings the encoder asked to cut (the arguments)


def _probe(name: str, shape: str, texts: int, arguments: int) -> _Probe:
    marks = [f"~t{n}~" for n in range(texts)]
    call = {"q": "".join(f"~a{n}~" for n in range(2 * PROBE))} if shape == "message+call" else None
    pieces = dict.fromkeys(marks, "text")
    rng = random.Random(0)

    def argument_pieces(value: str) -> list[str]:
        cut = streams.cut(value, arguments, rng)
        pieces.update(dict.fromkeys(cut, "arguments"))
        return cut

    natives, body, others = _encode(name, shape, marks, call, argument_pieces)
    return _Probe(len(natives), body, pieces, others)


@cache
def layout(name: str) -> Layout:
    """Calibrate on marker streams: event counts per piece, and where the pieces travel."""
    from harness.registry import get

    framing = get(name).framing
    if framing not in ("sse", "eventstream"):
        raise Unbenchmarkable(f"{name} answers in {framing} framing, which has no floor here")
    problems = []
    for shape in SHAPES:
        probe = _probe(name, shape, PROBE, PROBE)
        per_text = _probe(name, shape, PROBE + 1, PROBE).events - probe.events
        per_argument = _probe(name, shape, PROBE, PROBE + 1).events - probe.events if probe.others else 0
        if per_text < 1:
            problems.append(f"{shape}: text pieces add no events")
            continue
        rules = learn(framing, probe.body, probe.pieces)
        got = floors.learned(framing, rules)(probe.body)
        text = "".join(piece for piece, channel in probe.pieces.items() if channel == "text")
        if not reads_back(got, text, probe.others[0] if per_argument else ""):
            problems.append(f"{shape}: the pieces are not where a floor can read them back ({sorted(got)})")
            continue
        base = probe.events - PROBE * per_text - PROBE * per_argument
        return Layout(shape, base, per_text, per_argument, rules, framing)
    raise Unbenchmarkable("; ".join(problems))


def reads_back(got: dict[Any, str], text: str, arguments: str) -> bool:
    """The floor's text is the message; its argument channel holds the arguments (Llama Stack's
    ``tool_call`` deltas wrap them in ``name(`` ... ``)``, which travel the same path)."""
    return got.get("text") == text and arguments in got.get("arguments", "") and (
        bool(arguments) or "arguments" not in got)


def learn(framing: str, body: bytes, pieces: dict[str, str]) -> tuple[Rule, ...]:
    """Every (event type, path) whose value is exactly one of the pieces."""
    found: dict[bytes, Rule] = {}
    for kind, payload in floors.events(framing, body):
        for path, leaf in _leaves(payload, []):
            channel = pieces.get(leaf)
            if channel is not None:
                found.setdefault(orjson.dumps([kind, path]), (kind, path, channel))
    return tuple(found.values())


def _leaves(value: Any, path: list[Any]) -> list[tuple[list[Any], str]]:
    """String leaves and their paths, descending into base64 blobs of JSON or text."""
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, [*path, key])]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, [*path, index])]
    if not isinstance(value, str):
        return []
    out = [(path, value)]
    if _BLOB.fullmatch(value):
        try:
            decoded = base64.b64decode(value).decode()
        except (ValueError, UnicodeDecodeError):
            return out
        try:
            inner = orjson.loads(decoded)
        except orjson.JSONDecodeError:
            return [*out, ([*path, ["base64", "text"]], decoded)]
        if isinstance(inner, (dict, list)):
            out += _leaves(inner, [*path, ["base64", "json"]])
    return out


def make(name: str, events: int, seed: int = 0) -> Stream:
    """A stream of about ``events`` events (exactly, when every piece costs one event)."""
    plan = layout(name)
    deltas = events - plan.base
    arguments_count = max(1, round(deltas * streams.TOOL_SHARE / plan.per_argument)) if plan.per_argument else 0
    text_count = (deltas - arguments_count * plan.per_argument) // plan.per_text
    if text_count < 1:
        raise ValueError(f"a {name} stream needs at least {plan.base + plan.per_text + plan.per_argument} events")
    rng = random.Random(f"encoded/{name}/{events}/{seed}")
    pieces = streams.text_pieces(text_count, rng)
    arguments = streams.arguments_object(max(arguments_count, 8), rng) if plan.shape == "message+call" else None
    natives, body, others = _encode(name, plan.shape, pieces, arguments,
                                    lambda value: streams.cut(value, arguments_count, rng))
    streamed = others[0] if len(others) == 1 else ""
    return Stream(name, len(natives), body, "".join(pieces),
                  streamed or (orjson.dumps(arguments).decode() if arguments is not None else ""),
                  text_count, arguments_count if streamed else 0, plan.framing, plan.rules)
