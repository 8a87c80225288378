"""ConverseStream events -> canonical events (specs/gemini-mistral-bedrock.md D.2-D.4, D.6).

Item ids are block indices ("0", "1", ...). Text and reasoning blocks open with their first delta
(Bedrock sends contentBlockStart only for toolUse, toolResult and image); a toolUse block is a
``tool_call`` (run by the server when its start says ``type: server_tool_use``), a streamed
toolResult block the server's ``tool.result``. The stop reason arrives in messageStop and usage in
metadata, the last event: the turn completes once both have come, in either order (a stream cut
after messageStop is truncated). An exception message ends the turn as failed. Checked here:
LIFECYCLE-701..712 and ASSEMBLY-701; the reducer does the rest (arguments as JSON objects,
truncation).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from harness import events as ev
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.providers.bedrock_converse.blocks import DELTA_KINDS, IMPLICIT, Block
from harness.values import integer, mapping, string

STOPS: dict[str, ev.StopReason] = {
    "end_turn": "end_turn", "tool_use": "tool_use", "max_tokens": "max_tokens", "stop_sequence": "stop_sequence",
    "guardrail_intervened": "content_filter", "content_filtered": "content_filter",
    "malformed_model_output": "other", "malformed_tool_use": "other", "model_context_window_exceeded": "max_tokens",
}
# the exceptions of the ConverseStreamOutput union, and which of them a retry may cure (D.2)
EXCEPTIONS = {"internalServerException": True, "modelStreamErrorException": True, "validationException": False,
              "throttlingException": True, "serviceUnavailableException": True}
START_MEMBERS = frozenset({"toolUse", "toolResult", "image"})
REASONING_MEMBERS = frozenset({"text", "signature", "redactedContent"})
DELTA_MEMBERS = frozenset(DELTA_KINDS)
BLOCK_EVENTS = frozenset({"contentBlockStart", "contentBlockDelta", "contentBlockStop"})


def _index(native: NativeEvent) -> int | None:
    value = integer(native.data.get("contentBlockIndex"))
    return value if value is not None and value >= 0 else None


def is_error(native: NativeEvent) -> bool:
    """A modelled exception, or an unmodelled ``error`` message (read as {code, message}, its code its type)."""
    return native.type in EXCEPTIONS or native.data.get("code") == native.type


def model_of(path: str) -> str | None:
    """The model id of ``/model/{modelId}/converse-stream`` (URL-encoded there: ``%3A`` for ``:``)."""
    parts = path.split("/")
    return unquote(parts[2]) if len(parts) >= 4 and parts[1] == "model" and parts[2] else None


class ConverseTranslator(Translator):
    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        self._started = False
        self._blocks: dict[int, Block] = {}
        self._next_index = 0
        self._call_ids: set[str] = set()
        self._server_ids: set[str] = set()
        self._orphans: set[int] = set()  # indices whose deltas came without the contentBlockStart they need
        self._stop: str | None = None
        self._stopped = False
        self._metadata = False

    def route(self, native: NativeEvent) -> Events:
        """D.3: messageStart comes first (an exception may come before it: throttled before the model
        ran); exceptions end the stream whatever it was doing; no block event after messageStop."""
        kind = native.type
        if kind == "messageStart":
            return self.dispatch(native)
        error = is_error(native)
        if not error and kind not in self.handlers:
            return []  # an event type newer than the model: SCHEMA-002 logs it, botocore drops it (E.5.2)
        events: Events = []
        if not self._started:
            if not error:
                self.flag("LIFECYCLE-701", f"{kind} before messageStart", native)
            events = self._turn_started()
        if error:
            return events + self._exception(native)
        if self._stopped and kind in BLOCK_EVENTS:
            self.flag("LIFECYCLE-706", f"{kind} after messageStop: dropped", native)
            return events
        return events + self.dispatch(native)

    def counts_after_end(self, native: NativeEvent) -> bool:
        """Exceptions count too, whatever their type (an unmodelled error's type is its code)."""
        return native.type in self.handlers or is_error(native)

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        """``ended`` is "exception" or "metadata": D.3.10 and D.3.9 each have their own check."""
        check = "LIFECYCLE-709" if self.ended == "exception" else "LIFECYCLE-706"
        return check, f"{native.type} after the stream ended with {self.ended}"

    # -- the message -------------------------------------------------------------------------------

    def _turn_started(self) -> Events:
        self._started = True
        return [ev.TurnStarted(model=model_of(self.context.exchange.request.path))]

    @handles("messageStart")
    def _message_start(self, native: NativeEvent) -> Events:
        if self._started:
            self.flag("LIFECYCLE-701", "a second messageStart", native)
            return []
        role = native.data.get("role")
        if role != "assistant":
            self.flag("LIFECYCLE-701", f"messageStart with role {role!r}", native, expected="assistant", actual=role)
        return self._turn_started()

    @handles("messageStop")
    def _message_stop(self, native: NativeEvent) -> Events:
        if self._stopped:
            self.flag("LIFECYCLE-706", "a second messageStop", native)
            return []
        self._stopped = True
        events = self._close_open(native, report=True)
        stop = native.data.get("stopReason")
        self._stop = string(stop)
        if self._stop not in STOPS:
            self.flag("LIFECYCLE-708", f"stopReason {stop!r} is not a documented value", native,
                      expected=sorted(STOPS), actual=stop)
        pending = [block.call_id for block in self._blocks.values() if block.is_client_call and block.call_id]
        if self._stop == "tool_use":
            if not pending:
                self.flag("LIFECYCLE-707", "stopReason tool_use but the message holds no client toolUse block", native)
            else:
                events.append(ev.Interrupt(kind="tool_calls", pending=pending))
        return events + (self._completed() if self._metadata else [])

    @handles("metadata")
    def _metadata_event(self, native: NativeEvent) -> Events:
        if self._metadata:
            self.flag("LIFECYCLE-706", "a second metadata event", native)
            return []
        self._metadata = True
        if not self._stopped:
            self.flag("LIFECYCLE-706", "metadata before messageStop (metadata is the last event)", native)
        usage = mapping(native.data.get("usage"))
        counts = {"input_tokens": integer(usage.get("inputTokens")),
                  "output_tokens": integer(usage.get("outputTokens")),
                  "total_tokens": integer(usage.get("totalTokens")),
                  "cached_tokens": integer(usage.get("cacheReadInputTokens"))}
        events: Events = []
        if any(value is not None for value in counts.values()):
            events.append(ev.UsageReported(**counts))
        return events + (self._completed() if self._stopped else [])

    def _completed(self) -> Events:
        self.end("metadata")
        return [ev.TurnCompleted(stop=STOPS.get(self._stop or "", "other"), native_stop=self._stop)]

    def _exception(self, native: NativeEvent) -> Events:
        """D.3.10: terminal. A modelled exception carries ``message`` (ModelStreamErrorException also the
        model's own status and message); an unmodelled ``error`` message came as {code, message}."""
        data = native.data
        text = next((data[key] for key in ("message", "Message") if isinstance(data.get(key), str)), native.type)
        original = string(data.get("originalMessage"))
        if original:
            text = f"{text} (model said {data.get('originalStatusCode')}: {original})"
        self.end("exception")
        return [*self._close_open(native, report=False),
                ev.ErrorReported(code=native.type, message=text, retryable=EXCEPTIONS.get(native.type)),
                ev.TurnCompleted(stop="error", native_stop=native.type)]

    # -- unions ---------------------------------------------------------------------------------------

    def _member(self, union: Any, known: frozenset[str], native: NativeEvent, where: str) -> tuple[str, Any] | None:
        """The one member set in a union, or None (flagged: none or several set, or one unknown)."""
        members = [key for key, value in mapping(union).items() if value is not None]
        if len(members) != 1:
            self.flag("LIFECYCLE-702", f"{where} sets {len(members)} members {members}, not exactly one", native,
                      actual=members)
            return None
        if members[0] not in known:
            self.flag("LIFECYCLE-710", f"{where} member {members[0]!r} is not known here: skipped", native)
            return None
        return members[0], union[members[0]]

    # -- content blocks -------------------------------------------------------------------------------

    @handles("contentBlockStart")
    def _block_start(self, native: NativeEvent) -> Events:
        index = self._valid_index(native)
        member = self._member(native.data.get("start"), START_MEMBERS, native, "start")
        if index is None or member is None:
            return []
        kind, start = member
        if index in self._blocks:
            block = self._blocks[index]
            self.flag("LIFECYCLE-703", f"contentBlockStart for block {index}, which "
                                       f"{'already started' if block.start else 'already has deltas'}", native)
            return []
        return self._open(Block(index=index, kind=kind, item_id=str(index), start=mapping(start)), native)

    def _valid_index(self, native: NativeEvent) -> int | None:
        index = _index(native)
        if index is None:
            self.flag("LIFECYCLE-703", f"{native.type} without a valid contentBlockIndex", native)
        return index

    def _open(self, block: Block, native: NativeEvent) -> Events:
        if block.index != self._next_index:
            self.flag("LIFECYCLE-704", f"block index {block.index} where {self._next_index} was due", native,
                      expected=self._next_index, actual=block.index)
        still_open = [index for index, other in self._blocks.items() if not other.closed]
        if still_open:
            self.flag("LIFECYCLE-704", f"block {block.index} begins while block {still_open[0]} is open", native)
        self._next_index = max(self._next_index, block.index + 1)
        self._blocks[block.index] = block
        item_id = block.item_id
        if block.kind == "text":
            return [ev.ItemStarted(item_id=item_id, kind="message", role="assistant")]
        if block.kind == "reasoning":
            return [ev.ItemStarted(item_id=item_id, kind="reasoning")]
        if block.kind == "toolUse":
            self._register_call(block, native)
            return [ev.ItemStarted(item_id=item_id, kind="tool_call", call_id=block.call_id,
                                   name=string(block.start.get("name")),
                                   executor="server" if block.is_server else "client")]
        if block.kind == "toolResult":
            if block.call_id not in self._server_ids:
                self.flag("LIFECYCLE-712", f"toolResult block for {block.call_id!r}, which no earlier server toolUse "
                                           "has", native, actual=block.call_id)
            return [ev.ItemStarted(item_id=item_id, kind="tool_result", call_id=block.call_id, executor="server")]
        return [ev.ItemStarted(item_id=item_id, kind="other")]

    def _register_call(self, block: Block, native: NativeEvent) -> None:
        call_id = block.call_id
        if call_id is None:
            return
        if call_id in self._call_ids:
            self.flag("LIFECYCLE-712", f"toolUseId {call_id} used twice in one message", native, actual=call_id)
        self._call_ids.add(call_id)
        if block.is_server:
            self._server_ids.add(call_id)

    @handles("contentBlockDelta")
    def _block_delta(self, native: NativeEvent) -> Events:
        index = self._valid_index(native)
        member = self._member(native.data.get("delta"), DELTA_MEMBERS, native, "delta")
        if index is None or member is None:
            return []
        name, value = member
        kind = DELTA_KINDS[name]
        events: Events = []
        block = self._blocks.get(index)
        if block is None:
            if kind not in IMPLICIT:
                if index not in self._orphans:  # once per block: every later fragment is lost the same way
                    self._orphans.add(index)
                    self.flag("ASSEMBLY-701", f"{name} delta for block {index}, which no contentBlockStart opened: "
                                              "its fragments are dropped", native)
                return []
            block = Block(index=index, kind=kind, item_id=str(index))
            events = self._open(block, native)
        elif block.closed:
            self.flag("LIFECYCLE-703", f"{name} delta for block {index} after its contentBlockStop", native)
            return []
        if block.kind != kind:
            self.flag("LIFECYCLE-705", f"{name} delta for block {index}, a {block.kind} block", native,
                      expected=block.kind, actual=name)
            return events
        return events + self._apply(block, name, value, native)

    def _apply(self, block: Block, name: str, value: Any, native: NativeEvent) -> Events:
        if name == "text" and isinstance(value, str):
            block.parts.append(value)
            return [ev.TextDelta(item_id=block.item_id, text=value)]
        if name == "toolUse" and isinstance(mapping(value).get("input"), str):
            block.parts.append(value["input"])
            return [ev.ToolCallDelta(item_id=block.item_id, text=value["input"])]
        if name == "reasoningContent":
            return self._reasoning(block, value, native)
        if name == "toolResult" and isinstance(value, list):
            block.results.extend(value)
        elif name == "image":
            block.image.update(mapping(value))
        return []  # citations are response-only; a wrong value type is SCHEMA-001's

    def _reasoning(self, block: Block, union: Any, native: NativeEvent) -> Events:
        """D.3.7: text deltas, then one signature; redactedContent is a block of its own kind."""
        member = self._member(union, REASONING_MEMBERS, native, "delta.reasoningContent")
        if member is None or not isinstance(member[1], str):
            return []
        name, value = member
        redacted = name == "redactedContent"
        if bool(block.redacted) != redacted and (block.redacted or block.parts or block.signatures):
            self.flag("LIFECYCLE-705", f"reasoning block {block.index} mixes redactedContent with text", native)
            return []
        if redacted:
            block.redacted.append(value)
            return []
        if name == "signature":
            block.signatures += 1
            if block.signatures > 1:
                self.flag("LIFECYCLE-711", f"reasoning block {block.index} has {block.signatures} signatures", native)
            block.signature = value
            return []
        if block.signatures:
            self.flag("LIFECYCLE-711", f"reasoning text after the signature of block {block.index}", native)
        block.parts.append(value)
        return [ev.ReasoningDelta(item_id=block.item_id, text=value)]

    @handles("contentBlockStop")
    def _block_stop(self, native: NativeEvent) -> Events:
        index = self._valid_index(native)
        if index is None:
            return []
        block = self._blocks.get(index)
        if block is None or block.closed:
            self.flag("LIFECYCLE-703", f"contentBlockStop for block {index}, which "
                                       f"{'already stopped' if block else 'never began'}", native)
            return []
        return self._close(block, "completed")

    def _close(self, block: Block, status: str) -> Events:
        block.closed = True
        events: Events = []
        if block.kind == "toolUse" and not block.parts:
            events.append(ev.ToolCallDelta(item_id=block.item_id, text=""))  # D.4: empty means {}
        elif block.kind == "toolResult":
            events.append(ev.ToolResult(call_id=block.call_id or "", output=block.results,
                                        is_error=block.start.get("status") == "error", executor="server"))
        declared = ev.Declared(status=status, call_id=block.call_id, native={"block": block.final()})
        return [*events, ev.ItemCompleted(item_id=block.item_id, declared=declared)]

    def _close_open(self, native: NativeEvent, report: bool) -> Events:
        events: Events = []
        for block in self._blocks.values():
            if block.closed:
                continue
            if report:
                self.flag("LIFECYCLE-703", f"block {block.index} never got its contentBlockStop", native)
            events += self._close(block, "incomplete")
        return events

