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
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.values import integer, mapping, name, string

STOPS: dict[str, ev.StopReason] = {
    "COMPLETE": "end_turn", "STOP_SEQUENCE": "stop_sequence", "MAX_TOKENS": "max_tokens", "TOOL_CALL": "tool_use",
    "ERROR": "error", "TIMEOUT": "error",
}
NEEDS_USAGE = ("COMPLETE", "STOP_SEQUENCE", "MAX_TOKENS", "TOOL_CALL")


def _number(value: Any) -> int | None:
    """``integer``, and a float that holds one: usage numbers may be floats (B.2, the SDK's ``37.0``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return integer(value)


def _message(native: NativeEvent) -> dict[str, Any]:
    return mapping(mapping(native.data.get("delta")).get("message"))


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
        self._state = _State()

    # -- entry points (no ``finish``: without message-end the reducer says LIFECYCLE-005) ---------------

    def route(self, native: NativeEvent) -> Events:
        """C-1: message-start comes first; any other event (a trailing [DONE] aside) opens the turn itself."""
        if self._started or native.type in ("message-start", "[DONE]"):
            return self.dispatch(native)
        self.flag("LIFECYCLE-601", f"{native.type} before message-start", native)
        return self._start(native) + self.dispatch(native)

    def unhandled(self, native: NativeEvent) -> Events:
        """B.2: debug events and types this family does not know are skipped, and said."""
        self.flag("LIFECYCLE-611", f"event {native.type!r} (debug or unknown) skipped", native)
        return []

    def counts_after_end(self, native: NativeEvent) -> bool:
        """B.1: only the optional [DONE] may follow message-end."""
        return native.type != "[DONE]"

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        """C-2: message-end is the last event."""
        return "LIFECYCLE-602", f"{native.type} after message-end"

    @handles("[DONE]")
    def _early_done(self, native: NativeEvent) -> Events:
        """[DONE] reaches a handler only before message-end: after it, it is the accepted trailer."""
        self.flag("LIFECYCLE-602", "data: [DONE] before message-end", native)
        return []

    # -- message ------------------------------------------------------------------------------------

    @handles("message-start")
    def _message_start(self, native: NativeEvent) -> Events:
        if self._started:
            self.flag("LIFECYCLE-601", "a second message-start", native)
            return []
        return self._start(native)

    def _start(self, native: NativeEvent) -> Events:
        self._started = True
        role = _message(native).get("role")
        if native.type == "message-start" and role != "assistant":
            self.flag("LIFECYCLE-601", f"message-start role is {role!r}, not 'assistant'", native)
        return [ev.TurnStarted(response_id=string(native.data.get("id")) if native.type == "message-start" else None)]

    def _index(self, native: NativeEvent) -> int | None:
        index = _number(native.data.get("index"))
        return index if index is not None and index >= 0 else None

    # -- content blocks (C-3, C-4, C-5) ----------------------------------------------------------------

    @handles("content-start")
    def _content_start(self, native: NativeEvent) -> Events:
        index = self._index(native)
        content = mapping(_message(native).get("content"))
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
        events: Events = [ev.ItemStarted(item_id=f"content.{index}", kind="message" if kind == "text" else "reasoning",
                                         role="assistant" if kind == "text" else None)]
        first = string(content.get(kind))
        if first:
            events += self._piece(index, state.blocks[index], first)
        return events

    def _piece(self, index: int, block: _Block, text: str) -> Events:
        block.text += text
        event = ev.TextDelta if block.kind == "text" else ev.ReasoningDelta
        return [event(item_id=f"content.{index}", text=text)]

    @handles("content-delta")
    def _content_delta(self, native: NativeEvent) -> Events:
        index = self._index(native)
        block = self._state.blocks.get(index) if index is not None else None
        if block is None or not block.open:
            self.flag("LIFECYCLE-603", f"content-delta for block {index}, which is "
                                       f"{'closed' if block else 'not started'}: dropped", native)
            return []
        content = mapping(_message(native).get("content"))
        other = "thinking" if block.kind == "text" else "text"
        other_text = string(content.get(other))
        if other_text:
            self.flag("LIFECYCLE-605", f"a {other} delta in a {block.kind} block: dropped", native)
        text = string(content.get(block.kind))
        if text is None:
            if other_text is None:
                self.flag("LIFECYCLE-605", f"content-delta without a {block.kind} string", native)
            return []
        return self._piece(index, block, text) if text else []  # type: ignore[arg-type]

    @handles("content-end")
    def _content_end(self, native: NativeEvent) -> Events:
        index = self._index(native)
        block = self._state.blocks.get(index) if index is not None else None
        if block is None or not block.open:
            self.flag("LIFECYCLE-603", f"content-end for block {index}, which is "
                                       f"{'closed' if block else 'not started'}", native)
            return []
        block.open = False
        return [ev.ItemCompleted(item_id=f"content.{index}", declared=ev.Declared(status="completed"))]

    # -- tool plan and calls (C-6..C-8, B.4) -----------------------------------------------------------

    @handles("tool-plan-delta")
    def _plan(self, native: NativeEvent) -> Events:
        text = string(_message(native).get("tool_plan"))
        state = self._state
        if text is None:
            self.flag("ASSEMBLY-604", "tool-plan-delta without a tool_plan string", native)
            return []
        events: Events = []
        if state.calls:
            self.flag("ASSEMBLY-604", "tool-plan-delta after the first tool-call-start", native)
        if not state.plan:
            state.plan = state.plan_open = True
            events.append(ev.ItemStarted(item_id="plan", kind="message", role="assistant"))
        if not state.plan_open:
            return events
        if text:
            events.append(ev.TextDelta(item_id="plan", text=text))
        return events

    def _close_plan(self) -> Events:
        if not self._state.plan_open:
            return []
        self._state.plan_open = False
        return [ev.ItemCompleted(item_id="plan", declared=ev.Declared(status="completed"))]

    @handles("tool-call-start")
    def _call_start(self, native: NativeEvent) -> Events:
        index = self._index(native)
        state = self._state
        tool_calls = _message(native).get("tool_calls")
        raw = mapping(tool_calls)
        if isinstance(tool_calls, list):
            self.flag("ASSEMBLY-601", "tool_calls in a stream delta is a list, not a single object", native)
        if index is None or index in state.calls:
            self.flag("ASSEMBLY-601", f"tool-call-start with index {native.data.get('index')!r} "
                                      f"({'reused' if index is not None else 'not an integer'}): skipped", native)
            return []
        still_open = [k for k, call in state.calls.items() if call.open]
        if still_open:
            self.flag("ASSEMBLY-603", f"tool call {index} starts while call {still_open[0]} is open", native)
        function = mapping(raw.get("function"))
        call_id = name(raw.get("id"))
        function_name = name(function.get("name"))
        if call_id is None or function_name is None:
            self.flag("ASSEMBLY-602", f"tool-call-start {index} lacks {'an id' if call_id is None else 'a name'}",
                      native)
        elif call_id in state.call_ids:
            self.flag("ASSEMBLY-602", f"tool call id {call_id!r} is used twice in the message", native)
        if call_id:
            state.call_ids.add(call_id)
        call = state.calls[index] = _Call(item_id=f"call.{index}", call_id=call_id, name=function_name)
        events = self._close_plan()
        events.append(ev.ItemStarted(item_id=call.item_id, kind="tool_call", name=function_name, call_id=call_id,
                                     executor="client"))
        text = string(function.get("arguments")) or ""
        call.arguments += text
        events.append(ev.ToolCallDelta(item_id=call.item_id, text=text))
        return events

    @handles("tool-call-delta")
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
        function = mapping(mapping(_message(native).get("tool_calls")).get("function"))
        text = string(function.get("arguments"))
        if text is None:
            self.flag("ASSEMBLY-601", "tool-call-delta without an arguments string: dropped", native)
            return []
        call.arguments += text
        return [ev.ToolCallDelta(item_id=call.item_id, text=text)] if text else []

    @handles("tool-call-end")
    def _call_end(self, native: NativeEvent) -> Events:
        index = self._index(native)
        call = self._state.calls.get(index) if index is not None else None
        if call is None or not call.open:
            self.flag("ASSEMBLY-601", f"tool-call-end for call {index}, which is "
                                      f"{'closed' if call else 'not started'}", native)
            return []
        return self._close_call(call, "completed", native)

    def _close_call(self, call: _Call, status: str, native: NativeEvent) -> Events:
        call.open = False
        if call.arguments.strip() in ("", "null"):
            self.flag("ASSEMBLY-605", f"call {call.call_id} has arguments {call.arguments!r} (a no-argument tool): "
                                      "read as {}" if call.arguments.strip() == "" else
                      f"call {call.call_id} has arguments 'null' (a no-argument tool, vercel/ai #4755)", native)
        return [ev.ItemCompleted(item_id=call.item_id,
                                 declared=ev.Declared(status=status, name=call.name, call_id=call.call_id))]

    # -- citations (C-11, C-11b) ------------------------------------------------------------------------

    @handles("citation-start")
    def _citation_start(self, native: NativeEvent) -> Events:
        index = self._index(native)
        state = self._state
        if state.citation is not None:
            self.flag("LIFECYCLE-608", f"citation-start {index} while citation {state.citation} is open", native)
        state.citation = index
        citation = mapping(_message(native).get("citations"))
        start, end, text = _number(citation.get("start")), _number(citation.get("end")), citation.get("text")
        block_index = _number(citation.get("content_index")) or 0
        block = state.blocks.get(block_index)
        if citation.get("type") in (None, "TEXT_CONTENT") and block is not None and start is not None \
                and end is not None and isinstance(text, str) and block.text[start:end] != text:
            self.flag("LIFECYCLE-609", f"citation {index} text {text!r} is not characters {start}..{end} of block "
                                       f"{block_index} ({block.text[start:end]!r})", native,
                      expected=block.text[start:end], actual=text)
        return []

    @handles("citation-end")
    def _citation_end(self, native: NativeEvent) -> Events:
        index = self._index(native)
        if self._state.citation != index:
            self.flag("LIFECYCLE-608", f"citation-end {index} does not close the open citation "
                                       f"{self._state.citation}", native)
        self._state.citation = None
        return []

    # -- the end (C-2, C-9, C-13) -----------------------------------------------------------------------

    @handles("message-end")
    def _end(self, native: NativeEvent) -> Events:
        self.end("message-end")
        state = self._state
        delta = mapping(native.data.get("delta"))
        finish = string(delta.get("finish_reason"))
        events: Events = self._close_plan()
        for index, block in state.blocks.items():
            if block.open:
                self.flag("LIFECYCLE-603", f"content block {index} is not ended before message-end", native)
                block.open = False
                events.append(ev.ItemCompleted(item_id=f"content.{index}", declared=ev.Declared(status="incomplete")))
        for call in state.calls.values():
            if call.open:
                self.flag("ASSEMBLY-601", f"tool call {call.call_id} is not ended before message-end", native)
                events += self._close_call(call, "incomplete", native)
        if state.citation is not None:
            self.flag("LIFECYCLE-608", f"citation {state.citation} is not ended before message-end", native)
        usage = delta.get("usage")
        if isinstance(usage, dict):
            tokens, billed = mapping(usage.get("tokens")), mapping(usage.get("billed_units"))
            counts = {"input_tokens": _number(tokens.get("input_tokens", billed.get("input_tokens"))),
                      "output_tokens": _number(tokens.get("output_tokens", billed.get("output_tokens"))),
                      "cached_tokens": _number(usage.get("cached_tokens"))}
            if any(value is not None for value in counts.values()):
                events.append(ev.UsageReported(**counts))
        elif finish in NEEDS_USAGE:
            self.flag("LIFECYCLE-610", f"message-end with finish_reason {finish} carries no usage", native)
        if finish is None:
            self.flag("LIFECYCLE-602", "message-end without a finish_reason", native)
        stop = STOPS.get(finish or "", "other")
        if stop == "error":
            events.append(ev.ErrorReported(code=finish, message=string(delta.get("error")) or
                                           f"the stream ended with finish_reason {finish}"))
            return [*events, ev.TurnCompleted(stop="error", native_stop=finish)]
        has_calls = bool(state.calls)
        if has_calls and finish != "TOOL_CALL":
            self.flag("LIFECYCLE-606", f"the message made tool calls but finish_reason is {finish!r}", native)
        elif not has_calls and finish == "TOOL_CALL":
            self.flag("LIFECYCLE-606", "finish_reason TOOL_CALL but the message made no tool call", native)
        pending = [call.call_id for call in state.calls.values() if call.call_id]
        if pending and stop != "max_tokens":
            events.append(ev.Interrupt(kind="tool_calls", pending=pending))
        return [*events, ev.TurnCompleted(stop=stop, native_stop=finish)]
