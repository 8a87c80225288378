"""Tool calls as Llama Stack streams them (specs/llamastack-cohere-compat.md A.4, A.5, A.7).

A ``ToolCall`` carries ``arguments`` (an object, or a JSON string on newer servers) and, from the
OpenAI-compatible adapters, ``arguments_json``: the argument text exactly as the model produced it.
The inference step's ``in_progress`` deltas render a pseudo-call, not JSON: per call an optional
``name(`` fragment and the raw argument fragments, then, after the last call, one ``)`` before each
call's ``succeeded`` delta (llamastack/llama-stack ``llama_stack/providers/utils/inference/
openai_compat.py`` ``convert_openai_chat_completion_stream``). The fragments carry no call index, but
every call's arguments are a JSON object, whose text ends exactly where its brackets balance, so the
fragments split among the calls unambiguously (``attribute``).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

ToolCall = dict[str, Any]
PARSE_STATUSES = ("started", "in_progress", "failed", "succeeded")


def equal(first: Any, second: Any) -> bool:
    """JSON values compared; a hostile nesting deeper than the interpreter can compare counts as different."""
    try:
        return bool(first == second)
    except RecursionError:
        return False


def text_of(call: ToolCall) -> str | None:
    """The call's argument text as sent: ``arguments_json``, or ``arguments`` when that is a string."""
    for key in ("arguments_json", "arguments"):
        if isinstance(call.get(key), str):
            return call[key]  # type: ignore[no-any-return]
    return None


def value_of(call: ToolCall) -> Any:
    """The arguments as a value, read the way the frame itself was read (orjson), so both sides compare."""
    text = text_of(call)
    return call.get("arguments") if text is None else loads(text)


def loads(text: str) -> Any:
    """JSON text to a value; a text that is not JSON stays itself (so it compares unequal to any object)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        try:
            return json.loads(text)  # 1e400 and other JSON orjson rejects
        except (ValueError, RecursionError):
            return text


def shape_problem(call: Any) -> str | None:
    """A.4: a ToolCall names its call and tool, and its two argument forms agree."""
    if not isinstance(call, dict):
        return f"a tool call is a {type(call).__name__}, not an object"
    for key in ("call_id", "tool_name"):
        if not isinstance(call.get(key), str) or not call[key]:
            return f"tool call has no {key}"
    arguments = call.get("arguments")
    if not isinstance(arguments, (dict, str)):
        return f"arguments of {call['call_id']} is a {type(arguments).__name__}, not an object or a string"
    if isinstance(call.get("arguments_json"), str):
        plain = loads(arguments) if isinstance(arguments, str) else arguments
        if not equal(loads(call["arguments_json"]), plain):
            return f"arguments_json of {call['call_id']} does not hold the same JSON as arguments"
    return None


def mismatch(succeeded: list[ToolCall], finals: list[ToolCall]) -> str | None:
    """A-12: how the succeeded deltas differ from model_response.tool_calls (None: they are the same calls)."""
    if len(succeeded) != len(finals):
        return (f"{len(succeeded)} succeeded delta(s) ({[c.get('call_id') for c in succeeded]}) for "
                f"{len(finals)} call(s) in model_response.tool_calls ({[c.get('call_id') for c in finals]})")
    for streamed, final in zip(succeeded, finals):
        for key in ("call_id", "tool_name"):
            if not equal(streamed.get(key), final.get(key)):
                return f"a succeeded delta has {key} {streamed.get(key)!r}, model_response says {final.get(key)!r}"
        if not equal(value_of(streamed), value_of(final)):
            return (f"the succeeded delta of {final.get('call_id')} has arguments {text_of(streamed) or streamed.get('arguments')!r}"
                    f", model_response has {text_of(final) or final.get('arguments')!r}")
    return None


def encoded(call: ToolCall) -> str:
    """Argument text for a call that has no text form (an object only): compact JSON, as pydantic writes it."""
    text = text_of(call)
    if text is not None:
        return text
    try:
        return json.dumps(call.get("arguments"), ensure_ascii=False, separators=(",", ":"))
    except (ValueError, RecursionError):  # a hostile nesting: no text the reducer could parse anyway
        return ""


class _JsonEnd:
    """Finds where one JSON object or array closes, fed text piece by piece (strings and escapes aware)."""

    __slots__ = ("depth", "in_string", "escaped", "started", "closed", "invalid")

    def __init__(self) -> None:
        self.depth = 0
        self.in_string = self.escaped = self.started = self.closed = self.invalid = False

    def feed(self, text: str) -> int:
        """How much of ``text`` belongs to this value (all of it, unless the value closes inside)."""
        for position, char in enumerate(text):
            if not self.started:
                if char in " \t\r\n":
                    continue
                if char not in "{[":
                    self.invalid = True
                    return len(text)
                self.started, self.depth = True, 1
            elif self.in_string:
                if self.escaped:
                    self.escaped = False
                elif char == "\\":
                    self.escaped = True
                elif char == '"':
                    self.in_string = False
            elif char == '"':
                self.in_string = True
            elif char in "{[":
                self.depth += 1
            elif char in "}]":
                self.depth -= 1
                if self.depth == 0:
                    self.closed = True
                    return position + 1
        return len(text)


def attribute(fragments: list[str], names: list[str]) -> list[list[str]] | None:
    """Split the ``in_progress`` fragments of an OpenAI-compatible inference step among its calls.

    ``fragments`` come without the ``)`` closers. Each call's text is an optional ``name(`` fragment,
    then its arguments, which end where their JSON value closes; whitespace after a value stays with
    it. None when the text does not split that way (not JSON, a call missing, text left over).
    """
    pieces: list[list[str]] = [[] for _ in names]
    index = -1
    scanner: _JsonEnd | None = None
    for fragment in fragments:
        rest = fragment
        while rest:
            if scanner is None or scanner.closed:
                if scanner is not None and not rest.strip():
                    pieces[index].append(rest)
                    break
                if index + 1 >= len(names):
                    return None
                index += 1
                scanner = _JsonEnd()
                if rest == f"{names[index]}(":
                    break
            taken = scanner.feed(rest)
            if scanner.invalid:
                return None
            pieces[index].append(rest[:taken])
            rest = rest[taken:]
    if index != len(names) - 1 or scanner is None or not scanner.closed:
        return None
    return pieces
