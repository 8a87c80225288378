"""Hypothesis strategies for canonical turns and for the ways bytes arrive.

Text is any Unicode a UTF-8 wire can carry (astral characters, combining marks, RTL, NUL, lone CR);
arguments are drawn from all of JSON, with integers and floats at the edges of their ranges.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from harness.events import Executor
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
    # the kinds of call item (CALL_ITEMS below) its client calls may be, and those its server may run within a
    # turn (OpenAI Responses has both); a family without them makes function calls only
    call_types: tuple[str, ...] = ("function_call",)
    server_calls: tuple[str, ...] = ()


@st.composite
def turns(draw: st.DrawFn, family: Family, min_calls: int = 0, reasoning: bool | None = None) -> Turn:
    """A completed canonical turn: optional reasoning, a message, any number of client tool calls.

    ``min_calls`` and ``reasoning`` (True: always, None: sometimes) shape the turn directly, so tests
    that need an interrupt or a thinking block never filter examples away.
    """
    items: list[Item] = []
    if family.reasoning and (reasoning if reasoning is not None else draw(st.booleans())):
        items.append(Item(item_id="rs_0", kind="reasoning", status="completed", reasoning={0: draw(TEXT)}))
    for index in range(draw(st.integers(0, 2)) if family.server_calls else 0):
        kind = draw(st.sampled_from(family.server_calls))
        items.append(draw(CALL_ITEMS[kind](f"srv_{index}", f"call_s{index}", "server")))
    if draw(st.booleans()):
        items.append(Item(item_id=f"msg_{len(items)}", kind="message", role="assistant", status="completed",
                          text={0: draw(TEXT)}))
    calls = draw(st.integers(min_calls, max(min_calls, 4 if family.parallel_calls else 1)))
    for index in range(calls):
        kind = draw(st.sampled_from(family.call_types))
        items.append(draw(CALL_ITEMS[kind](f"fc_{index}", f"call_{index}", "client")))
    stop = "tool_use" if calls else draw(st.sampled_from(family.stops))
    usage = None
    if family.usage:
        usage = Usage(input_tokens=draw(st.integers(0, 10**6)), output_tokens=draw(st.integers(1, 10**6)))
        usage.total_tokens = usage.input_tokens + usage.output_tokens  # type: ignore[operator]
    return Turn(response_id="resp_0", status="completed", items=items, stop=stop, usage=usage)  # type: ignore[arg-type]


# -- call items by native type (OpenAI Responses: harness/providers/openai_responses/calls.py) ------------------


def _call(item_id: str, call_id: str | None, executor: Executor, kind: str, name: str,
          content: dict[str, Any] | None, text: str | None = None) -> Item:
    """A completed call item as the Responses family folds it: the native type kept for all but function calls,
    the content members as arguments, free-form text as part 0."""
    return Item(item_id=item_id, kind="tool_call", status="completed", executor=executor, name=name,
                call_id=call_id, arguments=content, arguments_valid=True if content is not None else None,
                text={} if text is None else {0: text}, native={} if kind == "function_call" else {"type": kind})


def _function(item_id: str, call_id: str, executor: Executor) -> st.SearchStrategy[Item]:
    return st.builds(lambda name, arguments: _call(item_id, call_id, executor, "function_call", name, arguments),
                     NAMES, ARGUMENTS)


def _custom(item_id: str, call_id: str, executor: Executor) -> st.SearchStrategy[Item]:
    return st.builds(lambda name, text: _call(item_id, call_id, executor, "custom_tool_call", name, None, text),
                     NAMES, TEXT)


def _whole(kind: str, name: str, content: st.SearchStrategy[dict[str, Any]], has_call_id: bool = True) -> Any:
    """A call whose content members come whole on its items; a server call without a call_id has none."""
    def build(item_id: str, call_id: str, executor: Executor) -> st.SearchStrategy[Item]:
        return content.map(lambda members: _call(item_id, call_id if has_call_id else None, executor, kind, name,
                                                 members))
    return build


COMMANDS = st.lists(TEXT, min_size=1, max_size=3)
LOCAL = st.just({"type": "local"})
HOSTED = st.just({"type": "container_reference", "container_id": "cntr_0"})
CALL_ITEMS: dict[str, Any] = {
    "function_call": _function,
    "custom_tool_call": _custom,
    "local_shell_call": _whole("local_shell_call", "local_shell", st.fixed_dictionaries({"action": st.fixed_dictionaries(
        {"type": st.just("exec"), "command": COMMANDS, "env": st.dictionaries(NAMES, TEXT, max_size=2)})})),
    "shell_call": _whole("shell_call", "shell", st.fixed_dictionaries(
        {"action": st.fixed_dictionaries({"commands": COMMANDS}), "environment": LOCAL})),
    "hosted_shell_call": _whole("shell_call", "shell", st.fixed_dictionaries(
        {"action": st.fixed_dictionaries({"commands": COMMANDS}), "environment": HOSTED})),
    "apply_patch_call": _whole("apply_patch_call", "apply_patch", st.fixed_dictionaries({"operation": st.one_of(
        st.fixed_dictionaries({"type": st.sampled_from(["create_file", "update_file"]), "path": SHORT_TEXT,
                               "diff": TEXT}),
        st.fixed_dictionaries({"type": st.just("delete_file"), "path": SHORT_TEXT}))})),
    "computer_call": _whole("computer_call", "computer", st.fixed_dictionaries({
        "action": st.fixed_dictionaries({"type": st.just("click"), "button": st.sampled_from(["left", "right"]),
                                         "x": st.integers(0, 4096), "y": st.integers(0, 4096)}),
        "pending_safety_checks": st.just([])})),
    "tool_search_call": _whole("tool_search_call", "tool_search", st.fixed_dictionaries(
        {"arguments": st.fixed_dictionaries({"queries": COMMANDS}), "execution": st.just("client")})),
    "web_search_call": _whole("web_search_call", "web_search", st.fixed_dictionaries(
        {"action": st.fixed_dictionaries({"type": st.just("search"), "query": TEXT})}), has_call_id=False),
    "file_search_call": _whole("file_search_call", "file_search", st.fixed_dictionaries({"queries": COMMANDS}),
                               has_call_id=False),
    "code_interpreter_call": lambda item_id, call_id, executor: TEXT.map(
        lambda code: _call(item_id, None, executor, "code_interpreter_call", "code_interpreter", None, code)),
}


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
