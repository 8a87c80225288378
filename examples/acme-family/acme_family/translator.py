"""Acme events -> canonical events. The base class dispatches, stamps each event's origin and drops
what follows the end (LIFECYCLE-004, once); this module writes only Acme's own rules."""

from __future__ import annotations

from harness import events as ev
from harness.providers.base import Events, NativeEvent, Translator, handles
from harness.values import integer, name, string

STOPS: dict[str, ev.StopReason] = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens"}
MESSAGE = "message"  # Acme streams one assistant message per response


class AcmeTranslator(Translator):
    started = False
    response_id: str | None = None
    next_index = 0
    calls: list[str]  # call ids of this response, in order (set when the turn opens)

    def route(self, native: NativeEvent) -> Events:
        """LIFECYCLE-1001: response.start first, and once; an event before it opens the turn anyway."""
        if native.type == "response.start" and self.started:
            self.flag("LIFECYCLE-1001", "a second response.start", native)
            return []
        if native.type != "response.start" and not self.started:
            self.flag("LIFECYCLE-1001", f"{native.type} before response.start", native)
            return self._open(None) + self.dispatch(native)
        return self.dispatch(native)

    @handles("response.start")
    def _start(self, native: NativeEvent) -> Events:
        return self._open(name(native.data.get("id")))

    def _open(self, response_id: str | None) -> Events:
        self.started, self.response_id, self.calls = True, response_id, []
        return [ev.TurnStarted(response_id=response_id),
                ev.ItemStarted(item_id=MESSAGE, kind="message", role="assistant")]

    @handles("text.delta")
    def _text(self, native: NativeEvent) -> Events:
        index = integer(native.data.get("index"))
        if index != self.next_index:
            self.flag("ASSEMBLY-1002", f"text.delta index {index}, expected {self.next_index}", native,
                      expected=self.next_index, actual=index)
        self.next_index = (self.next_index if index is None else index) + 1
        return [ev.TextDelta(item_id=MESSAGE, text=string(native.data.get("text")) or "")]

    @handles("tool.call")
    def _call(self, native: NativeEvent) -> Events:
        """Acme sends a call whole, in one event: one delta carries all its arguments."""
        call_id = name(native.data.get("call_id")) or f"call_{len(self.calls)}"
        self.calls.append(call_id)
        arguments = string(native.data.get("arguments")) or ""
        return [ev.ItemStarted(item_id=call_id, kind="tool_call", name=name(native.data.get("name")),
                               call_id=call_id, executor="client"),
                ev.ToolCallDelta(item_id=call_id, text=arguments),
                ev.ItemCompleted(item_id=call_id, declared=ev.Declared(arguments=arguments))]

    @handles("response.end")
    def _end(self, native: NativeEvent) -> Events:
        self.end("response.end")
        native_stop = string(native.data.get("stop"))
        events: Events = [ev.ItemCompleted(item_id=MESSAGE)]
        if self.calls:
            events.append(ev.Interrupt(kind="tool_calls", pending=list(self.calls),
                                       handle={"previous_id": self.response_id}))
        return [*events, ev.TurnCompleted(stop=STOPS.get(native_stop or "", "other"), native_stop=native_stop)]
