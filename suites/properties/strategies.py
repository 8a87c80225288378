"""Hypothesis strategies for canonical turns and for the ways bytes arrive.

Text is any Unicode a UTF-8 wire can carry (astral characters, combining marks, RTL, NUL, lone CR);
arguments are drawn from all of JSON, with integers and floats at the edges of their ranges.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from hypothesis import strategies as st

from harness.state import Item, Turn, Usage

# Everything but lone surrogates, which no UTF-8 stream can carry.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
SHORT_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)
EDGE_INTS = st.sampled_from([0, -1, 2**31 - 1, -(2**31), 2**53, -(2**53), 2**63 - 1, -(2**63), 2**64, 10**30])
EDGE_FLOATS = st.sampled_from([0.0, -0.0, 5e-324, -5e-324, sys.float_info.max, -sys.float_info.max, 1e-7, 0.1])
JSON_SCALARS = (
    st.none() | st.booleans() | st.integers() | EDGE_INTS
    | st.floats(allow_nan=False, allow_infinity=False) | EDGE_FLOATS | TEXT
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)
ARGUMENTS = st.dictionaries(TEXT, JSON, max_size=5)
NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)


@dataclass(frozen=True)
class Family:
    """What a protocol family can say, so strategies only draw turns it can express."""

    reasoning: bool = True
    refusal: bool = False
    parallel_calls: bool = True
    stops: tuple[str, ...] = ("end_turn", "max_tokens")
    usage: bool = True  # whether the protocol reports token usage at all (the agent-session protocol does not)


@st.composite
def turns(draw: st.DrawFn, family: Family, min_calls: int = 0, reasoning: bool | None = None) -> Turn:
    """A completed canonical turn: optional reasoning, a message, any number of client tool calls.

    ``min_calls`` and ``reasoning`` (True: always, None: sometimes) shape the turn directly, so tests
    that need an interrupt or a thinking block never filter examples away.
    """
    items: list[Item] = []
    if family.reasoning and (reasoning if reasoning is not None else draw(st.booleans())):
        items.append(Item(item_id="rs_0", kind="reasoning", status="completed", reasoning={0: draw(TEXT)}))
    if draw(st.booleans()):
        items.append(Item(item_id=f"msg_{len(items)}", kind="message", role="assistant", status="completed",
                          text={0: draw(TEXT)}))
    calls = draw(st.integers(min_calls, max(min_calls, 4 if family.parallel_calls else 1)))
    for index in range(calls):
        arguments = draw(ARGUMENTS)
        items.append(Item(
            item_id=f"fc_{index}", kind="tool_call", status="completed", executor="client",
            name=draw(NAMES), call_id=f"call_{index}", arguments=arguments, arguments_valid=True,
        ))
    stop = "tool_use" if calls else draw(st.sampled_from(family.stops))
    usage = None
    if family.usage:
        usage = Usage(input_tokens=draw(st.integers(0, 10**6)), output_tokens=draw(st.integers(1, 10**6)))
        usage.total_tokens = usage.input_tokens + usage.output_tokens  # type: ignore[operator]
    return Turn(response_id="resp_0", status="completed", items=items, stop=stop, usage=usage)  # type: ignore[arg-type]


@st.composite
def chunkings(draw: st.DrawFn, body: bytes) -> list[bytes]:
    """Any split of ``body`` into chunks, including inside UTF-8 sequences, CRLF pairs and escapes."""
    cuts = sorted(set(draw(st.lists(st.integers(0, len(body)), max_size=12))))
    bounds = [0, *cuts, len(body)]
    return [body[start:end] for start, end in zip(bounds, bounds[1:])]


@st.composite
def split_text(draw: st.DrawFn, text: str) -> list[str]:
    """Any fragmenting of a string into non-empty pieces (by code point; the wire splits bytes)."""
    if not text:
        return []
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=8))))
    bounds = [0, *[cut for cut in cuts if 0 < cut < len(text)], len(text)]
    return [text[start:end] for start, end in zip(bounds, bounds[1:])]
