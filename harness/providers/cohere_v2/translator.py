"""Cohere Chat v2 stream events -> canonical events (specs/llamastack-cohere-compat.md B.2-B.4).

Item ids: content block ``i`` is ``content.i`` (kind ``message`` for ``text``, ``reasoning`` for
``thinking``), the tool plan is ``plan`` (a ``message``: natural-language text the user sees, B.2),
tool call ``k`` is ``call.k``. Tool-call and citation indices are their own counters (C-12). The turn
ends at ``message-end`` (C-2); ``finish_reason`` ERROR/TIMEOUT fails it (B.1). Checked here:
LIFECYCLE-601..611 and ASSEMBLY-601..605.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness import events as ev
from harness.providers.base import NativeEvent, StreamContext, Translator

STOPS: dict[str, ev.StopReason] = {
    "COMPLETE": "end_turn", "STOP_SEQUENCE": "stop_sequence", "MAX_TOKENS": "max_tokens", "TOOL_CALL": "tool_use",
    "ERROR": "error", "TIMEOUT": "error",
}
NEEDS_USAGE = ("COMPLETE", "STOP_SEQUENCE", "MAX_TOKENS", "TOOL_CALL")
Events = list[ev.CanonicalEvent]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    """Usage numbers may be floats (B.2, the SDK's ``37.0``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _message(native: NativeEvent) -> dict[str, Any]:
    return _dict(_dict(native.data.get("delta")).get("message"))


@dataclass(slots=True)
class _Block:
    kind: str  # "text" or "thinking"
    text: str = ""
    open: bool = True


@dataclass(slots=True)
class _Call:
    item_id: str
    call_id: str | None
    name: str | None
    arguments: str = ""
    open: bool = True


@dataclass(slots=True)
class _State:
    blocks: dict[int, _Block] = field(default_factory=dict)
    calls: dict[int, _Call] = field(default_factory=dict)
    call_ids: set[str] = field(default_factory=set)
    citation: int | None = None  # the open citation's index
    plan: bool = False
    plan_open: bool = False


class CohereTranslator(Translator):
    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        self._started = False
        self._ended = False
        self._after_end_flagged = False
        self._state = _State()

    def translate(self, native: NativeEvent) -> Events:
        kind = native.type
        if kind == "[DONE]":
            if not self._ended:
                self.flag("LIFECYCLE-602", "data: [DONE] before message-end", native)
            return []
        if self._ended:
            if not self._after_end_flagged:
                self._after_end_flagged = True
                self.flag("LIFECYCLE-602", f"{kind} after message-end", native)
            return []
        events: Events = []
        if kind == "message-start":
            if self._started:
                self.flag("LIFECYCLE-601", "a second message-start", native)
                return []
            return self._start(native)
        if not self._started:
            self.flag("LIFECYCLE-601", f"{kind} before message-start", native)
            events += self._start(native)
        handler = {
            "content-start": self._content_start, "content-delta": self._content_delta,
            "content-end": self._content_end, "tool-plan-delta": self._plan,
            "tool-call-start": self._call_start, "tool-call-delta": self._call_delta,
            "tool-call-end": self._call_end, "citation-start": self._citation_start,
            "citation-end": self._citation_end, "message-end": self._end,
        }.get(kind)
        if handler is None:
            self.flag("LIFECYCLE-611", f"event {kind!r} (debug or unknown) skipped", native)
            return events
        return events + handler(native)

    def finish(self) -> Events:
        return []  # no message-end: the reducer says LIFECYCLE-005

    # -- message ------------------------------------------------------------------------------------

    def _start(self, native: NativeEvent) -> Events:
        self._started = True
        role = _message(native).get("role")
        if native.type == "message-start" and role != "assistant":
            self.flag("LIFECYCLE-601", f"message-start role is {role!r}, not 'assistant'", native)
        generation = native.data.get("id") if native.type == "message-start" else None
        return [ev.TurnStarted(origin=native.origin(), response_id=generation if isinstance(generation, str) else None)]

    def _index(self, native: NativeEvent) -> int | None:
        index = _int(native.data.get("index"))
        return index if index is not None and index >= 0 else None

    # -- content blocks (C-3, C-4, C-5) ----------------------------------------------------------------

    def _content_start(self, native: NativeEvent) -> Events:
        index = self._index(native)
        content = _dict(_message(native).get("content"))
        kind = content.get("type")
        state = self._state
        if index is None:
            self.flag("LIFECYCLE-603", "content-start without an integer index: skipped", native)
            return []
        if index in state.blocks:
            self.flag("LIFECYCLE-603", f"content block {index} is started twice", native)
            return []
        if kind not in ("text", "thinking"):
            self.flag("LIFECYCLE-605", f"content-start with type {kind!r}: read as text", native, actual=kind)
            kind = "text"
        still_open = [i for i, block in state.blocks.items() if block.open]
        if still_open or index != len(state.blocks):
            self.flag("LIFECYCLE-604", f"content block {index} starts while block {still_open} is open or out of "
                                       f"order (expected index {len(state.blocks)})", native)
        if kind == "text" and state.calls:
            self.flag("LIFECYCLE-607", "a text block in a message that makes tool calls", native)
        state.blocks[index] = _Block(kind=kind)
        events: Events = [ev.ItemStarted(origin=native.origin(), item_id=f"content.{index}",
                                         kind="message" if kind == "text" else "reasoning",
                                         role="assistant" if kind == "text" else None)]
        first = content.get(kind)
        if isinstance(first, str) and first:
            events += self._piece(index, state.blocks[index], first, native)
        return events

    def _piece(self, index: int, block: _Block, text: str, native: NativeEvent) -> Events:
        block.text += text
        event = ev.TextDelta if block.kind == "text" else ev.ReasoningDelta
        return [event(origin=native.origin(), item_id=f"content.{index}", text=text)]

    def _content_delta(self, native: NativeEvent) -> Events:
        index = self._index(native)
        block = self._state.blocks.get(index) if index is not None else None
        if block is None or not block.open:
            self.flag("LIFECYCLE-603", f"content-delta for block {index}, which is "
                                       f"{'closed' if block else 'not started'}: dropped", native)
            return []
        content = _dict(_message(native).get("content"))
        other = "thinking" if block.kind == "text" else "text"
        if isinstance(content.get(other), str) and content.get(other):
            self.flag("LIFECYCLE-605", f"a {other} delta in a {block.kind} block: dropped", native)
        text = content.get(block.kind)
        if not isinstance(text, str):
            if not isinstance(content.get(other), str):
                self.flag("LIFECYCLE-605", f"content-delta without a {block.kind} string", native)
            return []
        return self._piece(index, block, text, native) if text else []  # type: ignore[arg-type]

    def _content_end(self, native: NativeEvent) -> Events:
        index = self._index(native)
        block = self._state.blocks.get(index) if index is not None else None
        if block is None or not block.open:
            self.flag("LIFECYCLE-603", f"content-end for block {index}, which is "
                                       f"{'closed' if block else 'not started'}", native)
            return []
        block.open = False
        return [ev.ItemCompleted(origin=native.origin(), item_id=f"content.{index}",
                                 declared=ev.Declared(status="completed"))]

    # -- tool plan and calls (C-6..C-8, B.4) -----------------------------------------------------------

    def _plan(self, native: NativeEvent) -> Events:
        text = _message(native).get("tool_plan")
        state = self._state
        if not isinstance(text, str):
            self.flag("ASSEMBLY-604", "tool-plan-delta without a tool_plan string", native)
            return []
        events: Events = []
        if state.calls:
            self.flag("ASSEMBLY-604", "tool-plan-delta after the first tool-call-start", native)
        if not state.plan:
            state.plan = state.plan_open = True
            events.append(ev.ItemStarted(origin=native.origin(), item_id="plan", kind="message", role="assistant"))
        if not state.plan_open:
            return events
        if text:
            events.append(ev.TextDelta(origin=native.origin(), item_id="plan", text=text))
        return events

    def _close_plan(self, origin: ev.Origin) -> Events:
        if not self._state.plan_open:
            return []
        self._state.plan_open = False
        return [ev.ItemCompleted(origin=origin, item_id="plan", declared=ev.Declared(status="completed"))]

    def _call_start(self, native: NativeEvent) -> Events:
        index = self._index(native)
        state = self._state
        raw = _dict(_message(native).get("tool_calls"))
        if isinstance(_message(native).get("tool_calls"), list):
            self.flag("ASSEMBLY-601", "tool_calls in a stream delta is a list, not a single object", native)
        if index is None or index in state.calls:
            self.flag("ASSEMBLY-601", f"tool-call-start with index {native.data.get('index')!r} "
                                      f"({'reused' if index is not None else 'not an integer'}): skipped", native)
            return []
        still_open = [k for k, call in state.calls.items() if call.open]
        if still_open:
            self.flag("ASSEMBLY-603", f"tool call {index} starts while call {still_open[0]} is open", native)
        function = _dict(raw.get("function"))
        call_id = raw.get("id") if isinstance(raw.get("id"), str) and raw.get("id") else None
        name = function.get("name") if isinstance(function.get("name"), str) and function.get("name") else None
        if call_id is None or name is None:
            self.flag("ASSEMBLY-602", f"tool-call-start {index} lacks {'an id' if call_id is None else 'a name'}",
                      native)
        elif call_id in state.call_ids:
            self.flag("ASSEMBLY-602", f"tool call id {call_id!r} is used twice in the message", native)
        if call_id:
            state.call_ids.add(call_id)
        call = state.calls[index] = _Call(item_id=f"call.{index}", call_id=call_id, name=name)
        events = self._close_plan(native.origin())
        events.append(ev.ItemStarted(origin=native.origin(), item_id=call.item_id, kind="tool_call", name=name,
                                     call_id=call_id, executor="client"))
        first = function.get("arguments")
        text = first if isinstance(first, str) else ""
        call.arguments += text
        events.append(ev.ToolCallDelta(origin=native.origin(), item_id=call.item_id, text=text))
        return events

    def _call_delta(self, native: NativeEvent) -> Events:
        index = self._index(native)
        call = self._state.calls.get(index) if index is not None else None
        if call is None or not call.open:
            self.flag("ASSEMBLY-601", f"tool-call-delta for call {index}, which is "
                                      f"{'closed' if call else 'not started'}: dropped", native)
            return []
        last = max(k for k, c in self._state.calls.items())
        if index != last:
            self.flag("ASSEMBLY-603", f"a delta for call {index} after call {last} began", native)
        function = _dict(_dict(_message(native).get("tool_calls")).get("function"))
        text = function.get("arguments")
        if not isinstance(text, str):
            self.flag("ASSEMBLY-601", "tool-call-delta without an arguments string: dropped", native)
            return []
        call.arguments += text
        return [ev.ToolCallDelta(origin=native.origin(), item_id=call.item_id, text=text)] if text else []

    def _call_end(self, native: NativeEvent) -> Events:
        index = self._index(native)
        call = self._state.calls.get(index) if index is not None else None
        if call is None or not call.open:
            self.flag("ASSEMBLY-601", f"tool-call-end for call {index}, which is "
                                      f"{'closed' if call else 'not started'}", native)
            return []
        return self._close_call(call, native.origin(), "completed", native)

    def _close_call(self, call: _Call, origin: ev.Origin, status: str, native: NativeEvent | None) -> Events:
        call.open = False
        if call.arguments.strip() in ("", "null"):
            self.flag("ASSEMBLY-605", f"call {call.call_id} has arguments {call.arguments!r} (a no-argument tool): "
                                      "read as {}" if call.arguments.strip() == "" else
                      f"call {call.call_id} has arguments 'null' (a no-argument tool, vercel/ai #4755)", native)
        return [ev.ItemCompleted(origin=origin, item_id=call.item_id,
                                 declared=ev.Declared(status=status, name=call.name, call_id=call.call_id))]

    # -- citations (C-11, C-11b) ------------------------------------------------------------------------

    def _citation_start(self, native: NativeEvent) -> Events:
        index = self._index(native)
        state = self._state
        if state.citation is not None:
            self.flag("LIFECYCLE-608", f"citation-start {index} while citation {state.citation} is open", native)
        state.citation = index
        citation = _dict(_message(native).get("citations"))
        start, end, text = _int(citation.get("start")), _int(citation.get("end")), citation.get("text")
        block_index = _int(citation.get("content_index")) or 0
        block = state.blocks.get(block_index)
        if citation.get("type") in (None, "TEXT_CONTENT") and block is not None and start is not None \
                and end is not None and isinstance(text, str) and block.text[start:end] != text:
            self.flag("LIFECYCLE-609", f"citation {index} text {text!r} is not characters {start}..{end} of block "
                                       f"{block_index} ({block.text[start:end]!r})", native,
                      expected=block.text[start:end], actual=text)
        return []

    def _citation_end(self, native: NativeEvent) -> Events:
        index = self._index(native)
        if self._state.citation != index:
            self.flag("LIFECYCLE-608", f"citation-end {index} does not close the open citation "
                                       f"{self._state.citation}", native)
        self._state.citation = None
        return []

    # -- the end (C-2, C-9, C-13) -----------------------------------------------------------------------

    def _end(self, native: NativeEvent) -> Events:
        self._ended = True
        state = self._state
        delta = _dict(native.data.get("delta"))
        finish = delta.get("finish_reason")
        finish = finish if isinstance(finish, str) else None
        origin = native.origin()
        events: Events = self._close_plan(origin)
        for index, block in state.blocks.items():
            if block.open:
                self.flag("LIFECYCLE-603", f"content block {index} is not ended before message-end", native)
                block.open = False
                events.append(ev.ItemCompleted(origin=origin, item_id=f"content.{index}",
                                               declared=ev.Declared(status="incomplete")))
        for call in state.calls.values():
            if call.open:
                self.flag("ASSEMBLY-601", f"tool call {call.call_id} is not ended before message-end", native)
                events += self._close_call(call, origin, "incomplete", native)
        if state.citation is not None:
            self.flag("LIFECYCLE-608", f"citation {state.citation} is not ended before message-end", native)
        usage = delta.get("usage")
        if isinstance(usage, dict):
            tokens, billed = _dict(usage.get("tokens")), _dict(usage.get("billed_units"))
            counts = {"input_tokens": _int(tokens.get("input_tokens", billed.get("input_tokens"))),
                      "output_tokens": _int(tokens.get("output_tokens", billed.get("output_tokens"))),
                      "cached_tokens": _int(usage.get("cached_tokens"))}
            if any(value is not None for value in counts.values()):
                events.append(ev.UsageReported(origin=origin, **counts))
        elif finish in NEEDS_USAGE:
            self.flag("LIFECYCLE-610", f"message-end with finish_reason {finish} carries no usage", native)
        if finish is None:
            self.flag("LIFECYCLE-602", "message-end without a finish_reason", native)
        stop = STOPS.get(finish or "", "other")
        if stop == "error":
            error = delta.get("error")
            events.append(ev.ErrorReported(origin=origin, code=finish,
                                           message=error if isinstance(error, str) and error else
                                           f"the stream ended with finish_reason {finish}"))
            return [*events, ev.TurnCompleted(origin=origin, stop="error", native_stop=finish)]
        has_calls = bool(state.calls)
        if has_calls and finish != "TOOL_CALL":
            self.flag("LIFECYCLE-606", f"the message made tool calls but finish_reason is {finish!r}", native)
        elif not has_calls and finish == "TOOL_CALL":
            self.flag("LIFECYCLE-606", "finish_reason TOOL_CALL but the message made no tool call", native)
        pending = [call.call_id for call in state.calls.values() if call.call_id]
        if pending and stop != "max_tokens":
            events.append(ev.Interrupt(origin=origin, kind="tool_calls", pending=pending))
        return [*events, ev.TurnCompleted(origin=origin, stop=stop, native_stop=finish)]
