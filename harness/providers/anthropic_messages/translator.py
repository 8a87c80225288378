"""Anthropic Messages native events -> canonical events, keyed by content block index.

Rules and their sources: specs/openai-anthropic.md C.2 (catalogue), C.3 (invariants, checked here
as LIFECYCLE-201..211), C.4 (reassembly). The accumulation mirrors the official SDK's
``accumulate_event`` (anthropic-sdk-python src/anthropic/lib/streaming/_messages.py): blocks are
appended on start and addressed by index, a signature_delta overwrites, tool input is the joined
``partial_json`` (or the start block's input when nothing was streamed). Each finished block rides
on its ``item.completed`` as ``declared.native["block"]``, for the resume contract (C.5).
"""

from __future__ import annotations

import json
from typing import Any

from harness import events as ev
from harness.findings import Severity
from harness.providers.anthropic_messages.blocks import (
    CLIENT_CALL,
    DELTA_TARGETS,
    SERVER_CALLS,
    RawBlock,
    is_known,
    is_result,
)
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.values import array, integer, mapping, string

STOPS: dict[str, ev.StopReason] = {
    "end_turn": "end_turn", "tool_use": "tool_use", "max_tokens": "max_tokens",
    "model_context_window_exceeded": "max_tokens", "stop_sequence": "stop_sequence",
    "pause_turn": "pause", "refusal": "refusal",
}
ERROR_TYPES = frozenset({  # C.2 error row
    "invalid_request_error", "authentication_error", "permission_error", "not_found_error", "rate_limit_error",
    "timeout_error", "overloaded_error", "api_error", "billing_error",
})
RETRYABLE = frozenset({"rate_limit_error", "timeout_error", "overloaded_error", "api_error"})
FINE_GRAINED = "fine-grained-tool-streaming"


def server_call_ids(request_json: Any) -> set[str]:
    """Ids of server tool calls in the request's history (a result may answer one of them, C.5.8)."""
    ids: set[str] = set()
    for message in array(mapping(request_json).get("messages")):
        for block in array(mapping(message).get("content")):
            block = mapping(block)
            call_id = string(block.get("id"))
            if block.get("type") in SERVER_CALLS and call_id is not None:
                ids.add(call_id)
    return ids


class AnthropicTranslator(Translator):
    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        request = context.exchange.request
        self._fine_grained = FINE_GRAINED in (request.header("anthropic-beta") or "")
        self._request_json = request.json
        self._response_id: str | None = None
        self._messages = 0
        self._reset_message()

    def _reset_message(self) -> None:
        """Per-message state; a spliced second message_start starts it afresh (LIFECYCLE-211)."""
        self._blocks: dict[int, RawBlock] = {}
        self._next_index = 0
        self._call_ids: set[str] = set()
        self._server_ids: set[str] = set()
        self._deltas = 0
        self._delta_is_last = False  # no block event since the last message_delta (C.3.7)
        self._stop_reason: str | None = None
        self._stop_sequence: Any = None
        self._whole_at_start = False  # message_start already carried the finished message

    # -- entry points -----------------------------------------------------------------------------

    def route(self, native: NativeEvent) -> Events:
        """C.3.1: the first event (pings and unknown types aside, C.1: tolerated) is message_start; any
        other is flagged and opens the turn itself. Every event passes here, so the base is called by
        name (``dispatch``): on CPython 3.11 ``super()`` costs a super object and a bound method per event."""
        if not self._messages and native.type != "message_start" and native.type in self.handlers:
            self.flag("LIFECYCLE-201", f"the first event is {native.type}, not message_start", native)
            self._messages = 1
            return [ev.TurnStarted(), *self.dispatch(native)]
        return self.dispatch(native)

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        """C.3.8: nothing after message_stop or error; a message_start there is a spliced stream."""
        if native.type == "message_start":
            return "LIFECYCLE-211", "a second message_start after the stream ended"
        return super().after_end(native)

    # -- message envelope -------------------------------------------------------------------------

    @handles("message_start")
    def _message_start(self, native: NativeEvent) -> Events:
        message = mapping(native.data.get("message"))
        if self._messages:
            self.flag("LIFECYCLE-211", f"message_start {message.get('id')!r} inside message {self._response_id!r}: "
                                       "a spliced stream; the open message is abandoned", native)
            events = self._close_open(native, "incomplete")
            self._messages += 1
            self._reset_message()
            return events + self._prefilled(message, native)
        self._messages = 1
        self._response_id = string(message.get("id"))
        events: Events = [ev.TurnStarted(response_id=self._response_id, model=string(message.get("model")))]
        usage = self._usage(mapping(message.get("usage")), native)
        return events + ([usage] if usage else []) + self._prefilled(message, native)

    def _prefilled(self, message: dict[str, Any], native: NativeEvent) -> Events:
        """C.3.1 wants content [] and stop_reason null. Real programmatic-tool-calling streams send a
        finished message whole in message_start (then message_stop): accepted, graded a warning."""
        blocks = array(message.get("content"))
        stop = message.get("stop_reason")
        if not blocks and stop is None:
            return []
        whole = bool(blocks) and stop is not None
        self.flag("LIFECYCLE-201", f"message_start carries {len(blocks)} content block(s) and stop_reason {stop!r}",
                  native, severity=Severity.warning if whole else None)
        self._whole_at_start = whole
        self._stop_reason = string(stop)
        self._stop_sequence = message.get("stop_sequence")
        events: Events = []
        for index, block in enumerate(blocks):
            opened = self._open_block(index, mapping(block), native)
            events += opened
            if opened:
                events += self._close_block(self._blocks[index], native)
        return events

    @handles("message_delta")
    def _message_delta(self, native: NativeEvent) -> Events:
        delta = mapping(native.data.get("delta"))
        self._deltas += 1
        self._delta_is_last = True
        if "stop_reason" in delta:
            self._stop_reason = string(delta["stop_reason"])
        self._stop_sequence = delta.get("stop_sequence")
        usage = native.data.get("usage")
        if not isinstance(usage, dict):
            self.flag("LIFECYCLE-210", "message_delta without usage", native)
            return []
        event = self._usage(usage, native)
        return [event] if event else []

    def _usage(self, usage: dict[str, Any], native: NativeEvent) -> ev.UsageReported | None:
        """Cumulative counts (C.2): input_tokens may grow past message_start's value; never compared."""
        output = integer(usage.get("output_tokens"))
        if output is None and native.type == "message_delta":
            self.flag("LIFECYCLE-210", "message_delta usage without output_tokens", native)
        counts = {"input_tokens": integer(usage.get("input_tokens")), "output_tokens": output,
                  "cached_tokens": integer(usage.get("cache_read_input_tokens"))}
        if all(value is None for value in counts.values()):
            return None
        return ev.UsageReported(**counts)

    @handles("message_stop")
    def _message_stop(self, native: NativeEvent) -> Events:
        events = self._close_open(native, "incomplete", report=True)
        self._check_message_deltas(native)
        events += self._interrupt()
        stop = self._stop_reason
        events.append(ev.TurnCompleted(stop=STOPS.get(stop or "", "other"), native_stop=stop))
        self.end("message_stop")
        return events

    def _check_message_deltas(self, native: NativeEvent) -> None:
        """C.3.7 (a message_delta after the last content_block_stop, with a stop_reason) and C.3.10."""
        if self._whole_at_start:
            return
        if not self._deltas:
            self.flag("LIFECYCLE-206", "no message_delta before message_stop", native)
        elif not self._delta_is_last:
            self.flag("LIFECYCLE-206", "the last message_delta comes before the last content block event", native)
        if self._deltas and self._stop_reason is None:
            self.flag("LIFECYCLE-206", "the last message_delta has no stop_reason", native)
        has_sequence = self._stop_sequence is not None
        if has_sequence != (self._stop_reason == "stop_sequence"):
            self.flag("LIFECYCLE-207", f"stop_reason {self._stop_reason!r} with stop_sequence {self._stop_sequence!r}",
                      native)

    def _interrupt(self) -> Events:
        """The protocol is stateless: the handle is empty, the next request re-sends the history (C.5)."""
        if self._stop_reason == "pause_turn":
            return [ev.Interrupt(kind="pause")]
        pending = [block.call_id for block in self._blocks.values() if block.type == CLIENT_CALL and block.call_id]
        if self._stop_reason != "tool_use" or not pending:
            return []
        return [ev.Interrupt(kind="tool_calls", pending=pending)]

    @handles("error")
    def _error(self, native: NativeEvent) -> Events:
        error = mapping(native.data.get("error"))
        kind = string(error.get("type"))
        if kind not in ERROR_TYPES:
            self.flag("LIFECYCLE-209", f"error.type {kind!r} is not a documented error type", native,
                      expected=sorted(ERROR_TYPES), actual=kind)
        self.end("error")
        message = string(error.get("message")) or kind or "error event without a message"
        return [ev.ErrorReported(code=kind, message=message, retryable=kind in RETRYABLE)]

    # -- content blocks -----------------------------------------------------------------------------

    @handles("content_block_start")
    def _block_start(self, native: NativeEvent) -> Events:
        index = integer(native.data.get("index"))
        if index is None or index < 0:
            self.flag("LIFECYCLE-202", "content_block_start without a valid index", native)
            return []
        return self._open_block(index, mapping(native.data.get("content_block")), native)

    def _open_block(self, index: int, block: dict[str, Any], native: NativeEvent) -> Events:
        if index in self._blocks:
            self.flag("LIFECYCLE-202", f"block {index} started twice", native)
            return []
        if index != self._next_index:
            self.flag("LIFECYCLE-202", f"block index {index} where {self._next_index} was due", native,
                      expected=self._next_index, actual=index)
        still_open = [i for i, raw in self._blocks.items() if not raw.closed]
        if still_open:
            self.flag("LIFECYCLE-203", f"block {index} starts while block {still_open[0]} is open", native)
        self._next_index = max(self._next_index, index + 1)
        self._delta_is_last = False
        item_id = str(index) if self._messages <= 1 else f"{self._messages}.{index}"
        raw = self._blocks[index] = RawBlock(index=index, type=string(block.get("type")) or "", start=block,
                                             item_id=item_id)
        return self._item_started(raw, native)

    def _item_started(self, raw: RawBlock, native: NativeEvent) -> Events:
        item_id = raw.item_id
        if raw.type == "text":
            events: Events = [ev.ItemStarted(item_id=item_id, kind="message", role="assistant")]
            text = raw.start_text("text")
            return events + ([ev.TextDelta(item_id=item_id, text=text)] if text else [])
        if raw.type in ("thinking", "redacted_thinking"):
            events = [ev.ItemStarted(item_id=item_id, kind="reasoning")]
            thinking = raw.start_text("thinking")
            return events + ([ev.ReasoningDelta(item_id=item_id, text=thinking)] if thinking else [])
        if raw.type == CLIENT_CALL or raw.type in SERVER_CALLS:
            self._register_call(raw, native)
            return [ev.ItemStarted(item_id=item_id, kind="tool_call", name=string(raw.start.get("name")),
                                   call_id=raw.call_id, executor="client" if raw.type == CLIENT_CALL else "server")]
        if is_result(raw.type):
            return self._result_started(raw, native)
        return [ev.ItemStarted(item_id=item_id, kind="other")]

    def _register_call(self, raw: RawBlock, native: NativeEvent) -> None:
        """C.3.12: tool_use ids are unique within the message."""
        call_id = raw.call_id
        if call_id is None:
            return
        if call_id in self._call_ids:
            self.flag("LIFECYCLE-208", f"tool call id {call_id} used twice in one message", native, actual=call_id)
        self._call_ids.add(call_id)
        if raw.type in SERVER_CALLS:
            self._server_ids.add(call_id)

    def _result_started(self, raw: RawBlock, native: NativeEvent) -> Events:
        """Server tool results arrive complete (C.2); C.3.12: they name an earlier server tool call.
        A call begun in an earlier message of the conversation (programmatic tool calling, pause_turn)
        is found in the request's history; without a request (chunk fixtures) that is unknowable."""
        call_id = raw.result_for
        if call_id not in self._server_ids and call_id not in server_call_ids(self._request_json):
            known_history = bool(mapping(self._request_json).get("messages"))
            self.flag("LIFECYCLE-208", f"{raw.type} for {call_id!r}, which no earlier server tool call has", native,
                      actual=call_id, severity=None if known_history else Severity.warning)
        return [
            ev.ItemStarted(item_id=raw.item_id, kind="tool_result", call_id=call_id, executor="server"),
            ev.ToolResult(call_id=call_id or "", output=raw.start.get("content"),
                          is_error=raw.start.get("is_error") is True, executor="server"),
        ]

    def _live_block(self, native: NativeEvent) -> RawBlock | None:
        index = native.data.get("index")
        raw = self._blocks.get(index) if type(index) is int else None  # not a bool: True == 1
        if raw is None:
            self.flag("LIFECYCLE-202", f"{native.type} for block {index!r}, which never started", native)
        elif raw.closed:
            self.flag("LIFECYCLE-202", f"{native.type} for block {index} after its content_block_stop", native)
            return None
        return raw

    @handles("content_block_delta")
    def _block_delta(self, native: NativeEvent) -> Events:
        raw = self._live_block(native)
        if raw is None:
            return []
        self._delta_is_last = False
        delta = mapping(native.data.get("delta"))
        kind = string(delta.get("type")) or ""
        if kind not in raw.accepts:
            targets = DELTA_TARGETS.get(kind)
            if targets is not None and is_known(raw.type):  # else a type newer than this harness (C.1)
                self.flag("LIFECYCLE-204", f"{kind} for block {raw.index}, a {raw.type} block", native,
                          expected=sorted(targets), actual=raw.type)
            return []
        if kind == "text_delta":
            raw.parts.append(string(delta.get("text")) or "")
            return [ev.TextDelta(item_id=raw.item_id, text=raw.parts[-1])]
        if kind == "thinking_delta":
            if raw.signature_deltas:
                self.flag("LIFECYCLE-205", f"thinking_delta after the signature of block {raw.index}", native)
            raw.parts.append(string(delta.get("thinking")) or "")
            return [ev.ReasoningDelta(item_id=raw.item_id, text=raw.parts[-1])]
        if kind == "input_json_delta":
            raw.json_parts.append(string(delta.get("partial_json")) or "")
            return [ev.ToolCallDelta(item_id=raw.item_id, text=raw.json_parts[-1])]
        if kind == "signature_delta":
            raw.signature_deltas += 1
            raw.signature = string(delta.get("signature")) or ""
        elif kind == "citations_delta":
            raw.citations.append(delta.get("citation"))
        return []

    @handles("content_block_stop")
    def _block_stop(self, native: NativeEvent) -> Events:
        raw = self._live_block(native)
        return [] if raw is None else self._close_block(raw, native)

    def _close_block(self, raw: RawBlock, native: NativeEvent, status: str = "completed") -> Events:
        raw.closed = True
        self._delta_is_last = False
        events: Events = []
        if raw.type in SERVER_CALLS or raw.type == CLIENT_CALL:
            if not raw.streamed_json():
                # nothing streamed: the start block's input is final (C.4; `{}` for a tool without
                # parameters, the whole input for programmatic tool calls)
                text = json.dumps(raw.start_input(), ensure_ascii=False, separators=(",", ":"))
                events.append(ev.ToolCallDelta(item_id=raw.item_id, text=text))
            elif status == "completed" and self._fine_grained and not raw.parsed_input()[1]:
                status = "incomplete"  # C.4: under fine-grained streaming invalid JSON is a warning
        elif raw.type == "thinking" and status == "completed":
            self._check_signature(raw, native)
        declared = ev.Declared(status=status, call_id=raw.call_id, native={"block": raw.final()})
        events.append(ev.ItemCompleted(item_id=raw.item_id, declared=declared))
        return events

    def _check_signature(self, raw: RawBlock, native: NativeEvent) -> None:
        """C.3.6: one non-empty signature per thinking block (from start or from a signature_delta)."""
        if not raw.final()["signature"]:
            self.flag("LIFECYCLE-205", f"thinking block {raw.index} ends without a signature", native)
        elif raw.signature_deltas > 1:
            self.flag("LIFECYCLE-205", f"thinking block {raw.index} has {raw.signature_deltas} signature_deltas",
                      native)

    def _close_open(self, native: NativeEvent, status: str, report: bool = False) -> Events:
        events: Events = []
        for raw in self._blocks.values():
            if raw.closed:
                continue
            if report:
                self.flag("LIFECYCLE-202", f"block {raw.index} never got its content_block_stop", native)
            events += self._close_block(raw, native, status)
        return events

