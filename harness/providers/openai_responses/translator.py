"""OpenAI Responses native events -> canonical events, with the A.6 ordering invariants checked on the way.

State is keyed by output_index and item_id, never by "the current item" (A.6.18: OpenRouter, for
one, interleaves items). Part-scoped state is keyed by content_index / summary_index. What the
stream keeps per item is ``streamed.py``; the final objects (the done items, the terminal output)
are checked against it in ``final.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness import events as ev
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.providers.openai_responses import calls, final
from harness.providers.openai_responses import items as it
from harness.providers.openai_responses.resume import reattach_target, request_flag
from harness.providers.openai_responses.streamed import (
    CONTENT_PARTS,
    PART_KINDS,
    SUMMARY_PARTS,
    ItemState,
    Part,
    PartKind,
)
from harness.state import Turn
from harness.values import mapping, name, string

_OPENING = ("response.created", "response.queued", "response.in_progress")
_TERMINAL_STATUS = {"response.completed": "completed", "response.failed": "failed",
                    "response.incomplete": "incomplete"}
_INCOMPLETE_STOP: dict[str, ev.StopReason] = {"max_output_tokens": "max_tokens", "content_filter": "content_filter"}
_FLAG_DEFAULTS = {"store": True, "background": False}  # the resume contract needs both (A.8.1.3, A.8.4)


@dataclass(frozen=True, slots=True)
class _TextStream:
    """A family of text events (``<prefix>.delta`` / ``<prefix>.done``): the part kind it writes, and
    how its canonical delta is built."""

    kind: PartKind
    channel: str  # the channel of a part its events name before any opened it
    delta: type[ev.TextDelta | ev.RefusalDelta | ev.ReasoningDelta]
    first_part: int  # the canonical part number of index 0: raw reasoning text shares a channel with summaries
    done_key: str  # the .done event's member holding the whole text


_TEXT_STREAMS = {
    "response.output_text": _TextStream(CONTENT_PARTS, "text", ev.TextDelta, 0, "text"),
    "response.refusal": _TextStream(CONTENT_PARTS, "refusal", ev.RefusalDelta, 0, "refusal"),
    "response.reasoning_text": _TextStream(CONTENT_PARTS, "reasoning", ev.ReasoningDelta, it.REASONING_TEXT_BASE,
                                           "text"),
    "response.reasoning_summary_text": _TextStream(SUMMARY_PARTS, "reasoning", ev.ReasoningDelta, 0, "text"),
}
_TEXT_DELTAS = {f"{prefix}.delta": stream for prefix, stream in _TEXT_STREAMS.items()}
_TEXT_DONES = {f"{prefix}.done": stream for prefix, stream in _TEXT_STREAMS.items()}
_PARTS_ADDED = {"response.content_part.added": CONTENT_PARTS, "response.reasoning_summary_part.added": SUMMARY_PARTS}
_PARTS_DONE = {"response.content_part.done": CONTENT_PARTS, "response.reasoning_summary_part.done": SUMMARY_PARTS}


class ResponsesTranslator(Translator):
    """One Responses stream (or a re-attached suffix of one) into canonical events."""

    def __init__(self, context: StreamContext, cursor: int | None) -> None:
        super().__init__(context)
        request = context.exchange.request
        flags = {flag: request_flag(request, flag, default) for flag, default in _FLAG_DEFAULTS.items()}
        self._flags: dict[str, bool] = {flag: value for flag, value in flags.items() if value is not None}
        self._suffix = cursor is not None  # a re-attached stream: a pure suffix, no response.created (A.8.4)
        self._reattach_id = reattach_target(request)
        self._tools = calls.declared_tools(request.json)
        self._started = context.seed is not None
        self._opened = False  # whether an event of a type this family knows has arrived
        self._response_id: str | None = context.seed.response_id if context.seed else None
        self._by_index: dict[int, ItemState] = {}
        self._by_id: dict[str, ItemState] = {}
        self._next_index = 0
        self._done: dict[int, dict[str, Any]] = {}
        self._pending: dict[str, None] = {}  # call ids and approval request ids, in output order
        self._approvals: set[str] = set()
        self._error_seen = False
        self._refused = False
        self._usage_flagged = False
        if context.seed is not None:
            self._seed(context.seed)

    # -- dispatch -------------------------------------------------------------------------------------

    def route(self, native: NativeEvent) -> Events:
        """The first event of a known type opens the stream: a fresh stream must open with
        response.created (A.6.3); a re-attached suffix has none, so its first event starts the turn.

        The base's dispatch is called by name, not through ``super()``: this runs once per event, and
        on CPython 3.11 a zero-argument ``super()`` allocates an object on every call, which cost the
        whole pipeline a few percent on the benchmark stream."""
        if self._opened:
            return Translator.route(self, native)
        if native.type not in self.handlers and it.PROGRESS_EVENT.match(native.type) is None:
            return []  # keepalive and unknown types open nothing
        self._opened = True
        if not self._suffix:
            if native.type != "response.created":
                self.flag("LIFECYCLE-101", f"the stream opens with {native.type}", native,
                          expected="response.created", actual=native.type)
        elif not self._started:
            opening = self._start_suffix(native.data)
            return opening + Translator.route(self, native)
        return Translator.route(self, native)

    def unhandled(self, native: NativeEvent) -> Events:
        """Hosted tool progress types are a pattern, not a list (A.6.14); keepalive (A.3) takes a sequence
        number and carries nothing; unknown types were reported by the pipeline (SCHEMA-002, A.6.19)."""
        match = it.PROGRESS_EVENT.match(native.type)
        return [] if match is None else self._progress(native, *match.groups())

    # -- lifecycle ------------------------------------------------------------------------------------

    def _start_suffix(self, data: dict[str, Any]) -> Events:
        """A re-attached suffix with nothing to continue still makes a turn, named by the URL; the
        flags of the event's response object (response.queued, say) are known already. Called
        before the first event of an unstarted suffix."""
        self._started = True
        self._response_id = self._response_id or self._reattach_id
        self._note_flags(mapping(data.get("response")))
        return [ev.TurnStarted(response_id=self._response_id, native=dict(self._flags) or None)]

    @handles(*_OPENING)
    def _opening(self, native: NativeEvent) -> Events:
        response = self._response(native)
        if response.get("usage") is not None and not self._usage_flagged:
            self._usage_flagged = True
            self.flag("LIFECYCLE-112", f"{native.type} already carries usage", native, actual=response.get("usage"))
        return self._turn_started(response)

    def _turn_started(self, response: dict[str, Any]) -> Events:
        if self._started:
            return []
        self._started = True
        conversation = response.get("conversation")
        conversation_id = conversation.get("id") if isinstance(conversation, dict) else conversation
        return [ev.TurnStarted(
            response_id=string(response.get("id")),
            previous_response_id=string(response.get("previous_response_id")),
            model=string(response.get("model")),
            conversation_id=string(conversation_id),
            native=dict(self._flags) or None,
        )]

    def _response(self, native: NativeEvent) -> dict[str, Any]:
        """The lifecycle event's response object; its id must never change (A.6.5)."""
        response = mapping(native.data.get("response"))
        response_id = string(response.get("id"))
        if self._response_id is None:
            self._response_id = response_id
        elif response_id is not None and response_id != self._response_id:
            self.flag("LIFECYCLE-102", f"response.id changed to {response_id}", native,
                      expected=self._response_id, actual=response_id)
        self._note_flags(response)
        return response

    def _note_flags(self, response: dict[str, Any]) -> None:
        """The response object's store/background override the request's (absent: the API default).
        The turn carries them from its TurnStarted, so the event that opens the turn must know them."""
        for flag in _FLAG_DEFAULTS:
            if isinstance(response.get(flag), bool):
                self._flags[flag] = response[flag]

    @handles(*_TERMINAL_STATUS)
    def _terminal(self, native: NativeEvent) -> Events:
        response = self._response(native)
        out = self._turn_started(response)
        expected = _TERMINAL_STATUS[native.type]
        if response.get("status") != expected:
            self.flag("STATE-003", f"{native.type} carries status {response.get('status')!r}", native,
                      expected=expected, actual=response.get("status"))
        final.check_output(native, response.get("output"), self._done, self.flag)
        usage = it.usage_event(response.get("usage"))
        if usage is not None:
            out.append(usage)
        if native.type == "response.completed":
            return out + self._interrupt() + [self._completed_stop()]
        if native.type == "response.incomplete":
            return out + [self._incomplete_stop(native, response)]
        return out + self._failure(native, response)

    def _completed_stop(self) -> ev.TurnCompleted:
        """A completed response stops for tool work when calls or approvals are pending (A.5), for a
        refusal when a message refused, else at the end of the turn."""
        stop: ev.StopReason = "tool_use" if self._pending else "refusal" if self._refused else "end_turn"
        return ev.TurnCompleted(stop=stop, native_stop="completed")

    def _interrupt(self) -> Events:
        if not self._pending:
            return []
        kind: ev.InterruptKind = "approval" if self._pending.keys() <= self._approvals else "tool_calls"
        stateful = self._flags.get("store") is not False  # a response stored under its id can be continued by it (A.8.1)
        if stateful and self._response_id is None:
            self.flag("RESUME-001", "tool work is pending but the response has no id to continue from")
        handle = {"previous_response_id": self._response_id} if stateful and self._response_id else {}
        return [ev.Interrupt(kind=kind, pending=list(self._pending), handle=handle)]

    def _incomplete_stop(self, native: NativeEvent, response: dict[str, Any]) -> ev.TurnCompleted:
        reason = string(mapping(response.get("incomplete_details")).get("reason"))
        if reason is None:
            self.flag("LIFECYCLE-110", "response.incomplete without incomplete_details.reason", native)
        return ev.TurnCompleted(stop=_INCOMPLETE_STOP.get(reason or "", "other"), native_stop=reason or "incomplete")

    def _failure(self, native: NativeEvent, response: dict[str, Any]) -> Events:
        error = response.get("error")
        out: Events = []
        if not isinstance(error, dict):
            self.flag("LIFECYCLE-110", "response.failed without an error", native)
        elif not self._error_seen:
            out.append(ev.ErrorReported(code=string(error.get("code")), message=it.error_message(error)))
        return out + [ev.TurnCompleted(stop="error", native_stop="failed")]

    @handles("error")
    def _error(self, native: NativeEvent) -> Events:
        """Accept the documented flat form and the nested form the live API sends (A.9)."""
        self._error_seen = True
        body = native.data
        if isinstance(body.get("error"), dict):
            body = body["error"]
            self.flag("LIFECYCLE-114", "error event in its nested form", native)
        code = string(body.get("code")) or string(body.get("type"))
        return [ev.ErrorReported(code=code, message=it.error_message(body))]

    # -- items ----------------------------------------------------------------------------------------

    def _seed(self, seed: Turn) -> None:
        """Continue a turn an earlier stream began: its items keep their output_index (their position).

        Items the drop cut short (the reducer closes them as incomplete when a stream is truncated)
        go on; items that completed before the drop are only replayed by an overlapping suffix.
        """
        for index, item in enumerate(seed.items):
            done = not (item.status == "in_progress" or (seed.status == "truncated" and item.status == "incomplete"))
            state = ItemState(index=index, item_id=item.item_id, type=None, seeded=True, replay=done, open=not done)
            self._by_index[index] = self._by_id[item.item_id] = state
            if done and item.kind == "tool_call" and item.executor == "client" and item.call_id:
                self._pending[item.call_id] = None
            elif done and item.kind == "approval_request":
                self._pending[item.item_id] = None
                self._approvals.add(item.item_id)
        self._next_index = len(seed.items)

    @handles("response.output_item.added")
    def _item_added(self, native: NativeEvent) -> Events:
        data = native.data
        index, item = it.index(data.get("output_index")), data.get("item")
        if index is None or not isinstance(item, dict):
            return []  # the schema reported it; nothing can be opened
        item_id = name(item.get("id")) or f"output_{index}"
        known = self._by_id.get(item_id)
        if known is not None and known.replay:
            self._restart(known, item)
            return []
        if index != self._next_index:
            self.flag("LIFECYCLE-103", f"output_item.added for output_index {index}", native,
                      expected=self._next_index, actual=index)
        self._next_index = max(self._next_index, index + 1)
        if item.get("type") == "function_call":
            self._check_call_opening(native, item)
        if calls.vendor_tool(item, self._tools):
            self.flag("LIFECYCLE-116", f"{item.get('type')} {it.tool_name(item)!r} is read as the server's own tool call",
                      native, actual=item.get("type"))
        started = it.item_started(item, item_id, self._tools)
        state = ItemState(index=index, item_id=item_id, type=string(item.get("type")), added=item,
                          executor=started.executor)
        self._by_index[index] = self._by_id[item_id] = state
        return [started]

    @staticmethod
    def _restart(state: ItemState, item: dict[str, Any]) -> None:
        state.open, state.type, state.added = True, string(item.get("type")), item
        state.parts, state.summaries, state.seeded = {}, {}, False

    def _check_call_opening(self, native: NativeEvent, item: dict[str, Any]) -> None:
        problems = [member for member in ("name", "call_id") if not name(item.get(member))]
        if item.get("arguments") != "":
            problems.append("arguments not empty")
        if item.get("status") != "in_progress":
            problems.append(f"status {item.get('status')!r}")
        if problems:
            self.flag("LIFECYCLE-108", f"function_call opens with {', '.join(problems)}", native)

    @handles("response.output_item.done")
    def _item_done(self, native: NativeEvent) -> Events:
        data = native.data
        index, item = it.index(data.get("output_index")), data.get("item")
        if index is None or not isinstance(item, dict):
            return []
        item_id = name(item.get("id")) or f"output_{index}"
        state = self._by_index.get(index) or self._by_id.get(item_id)
        if state is None:
            return [ev.ItemCompleted(item_id=item_id, declared=final.declared(native, None, item, self.flag))]
        self._check_item_closing(native, state, item, item_id)
        state.open = False
        self._done[index] = item
        declared = final.declared(native, state, item, self.flag)
        self._refused = self._refused or bool(declared.refusal)
        call_id = name(item.get("call_id")) or name(state.added.get("call_id"))
        if state.executor == "client" and call_id is not None:
            self._pending[call_id] = None
        elif item.get("type") == it.APPROVAL_REQUEST:
            self._pending[state.item_id] = None
            self._approvals.add(state.item_id)
        if state.replay:
            return []
        return it.server_result(item, state.item_id) + [ev.ItemCompleted(item_id=state.item_id, declared=declared)]

    def _check_item_closing(self, native: NativeEvent, state: ItemState, item: dict[str, Any], item_id: str) -> None:
        if item_id != state.item_id or (state.type is not None and item.get("type") != state.type):
            self.flag("LIFECYCLE-104", f"output_item.done changes the item at output_index {state.index}", native,
                      expected={"id": state.item_id, "type": state.type}, actual={"id": item_id, "type": item.get("type")})
        if state.type == "function_call" and item.get("status") not in ("completed", "incomplete"):
            self.flag("LIFECYCLE-108", f"function_call closes with status {item.get('status')!r}", native)
        opened, closed = name(state.added.get("call_id")), name(item.get("call_id"))
        if opened is not None and closed != opened:
            kept = closed or opened
            self.flag("LIFECYCLE-115", f"{state.type} {state.item_id} changes its call_id at done; {kept} is kept",
                      native, expected=opened, actual=closed)
        for kind in PART_KINDS:
            left_open = sorted(number for number, part in getattr(state, kind.map_name).items() if not part.closed)
            if left_open and not state.seeded:
                self.flag(kind.check, f"{kind.label}(s) {left_open} of {state.item_id} never closed", native)

    # -- item-scoped events ---------------------------------------------------------------------------

    def _scoped(self, native: NativeEvent) -> ItemState | None:
        """The open item an event names; A.6.8 wants item_id and output_index to agree with it."""
        data = native.data
        item_id, index = string(data.get("item_id")), it.index(data.get("output_index"))
        by_id = self._by_id.get(item_id) if item_id is not None else None
        by_index = self._by_index.get(index) if index is not None else None
        state = by_id or by_index
        if state is None:
            return None  # never added: the reducer reports the delta (LIFECYCLE-001)
        if by_id is not by_index or not state.open:
            why = "after its output_item.done" if not state.open else f"item_id {item_id!r} at output_index {index}"
            self.flag("LIFECYCLE-105", f"{native.type} {why}", native,
                      expected={"item_id": state.item_id, "output_index": state.index},
                      actual={"item_id": item_id, "output_index": index})
        return state

    @handles("response.output_text.annotation.added")
    def _annotation(self, native: NativeEvent) -> Events:
        self._scoped(native)
        return []

    def _delta_target(self, state: ItemState | None, data: dict[str, Any]) -> str | None:
        """The item id a delta's canonical event names; None when a re-attached stream replays the item,
        whose text the seed turn already holds."""
        if state is None:
            return name(data.get("item_id")) or "?"  # never added: the reducer reports it
        return None if state.replay else state.item_id

    @handles(*_PARTS_ADDED)
    def _part_added(self, native: NativeEvent) -> Events:
        kind = _PARTS_ADDED[native.type]
        state, number = self._scoped(native), it.index(native.data.get(kind.index_key))
        if state is None or number is None:
            return []
        parts: dict[int, Part] = getattr(state, kind.map_name)
        if number in parts and parts[number].opened:
            self.flag(kind.check, f"part {number} opened twice", native)
        elif number != len(parts) and not state.seeded:
            self.flag(kind.check, f"part index {number} out of order", native, expected=len(parts), actual=number)
        parts[number] = Part(channel=kind.channel_of(string(mapping(native.data.get("part")).get("type"))))
        return []

    def _part_of(self, native: NativeEvent, state: ItemState, number: int, stream: _TextStream) -> Part:
        """The part a delta or .done names; one that never opened (or already closed) is flagged."""
        parts: dict[int, Part] = getattr(state, stream.kind.map_name)
        part = parts.get(number)
        if part is None:
            if not state.seeded:
                self.flag(stream.kind.check, f"{native.type} for part {number}, which was never opened", native)
            part = parts[number] = Part(channel=stream.channel, opened=False)
        elif part.closed or part.done_text is not None:
            self.flag(stream.kind.check, f"{native.type} for part {number} after it finished", native)
        return part

    @handles(*_TEXT_DELTAS)
    def _text_delta(self, native: NativeEvent) -> Events:
        stream, data = _TEXT_DELTAS[native.type], native.data
        state, number, delta = self._scoped(native), it.index(data.get(stream.kind.index_key)), data.get("delta")
        if number is None or not isinstance(delta, str):
            return []
        if state is not None:
            self._part_of(native, state, number, stream)
        item_id = self._delta_target(state, data)
        return [] if item_id is None else [stream.delta(item_id=item_id, part=stream.first_part + number, text=delta)]

    @handles(*_TEXT_DONES)
    def _text_done(self, native: NativeEvent) -> Events:
        stream, data = _TEXT_DONES[native.type], native.data
        state, number = self._scoped(native), it.index(data.get(stream.kind.index_key))
        if state is not None and number is not None:
            self._part_of(native, state, number, stream).done_text = string(data.get(stream.done_key))
        return []

    @handles(*_PARTS_DONE)
    def _part_done(self, native: NativeEvent) -> Events:
        kind, data = _PARTS_DONE[native.type], native.data
        state, number = self._scoped(native), it.index(data.get(kind.index_key))
        if state is None or number is None:
            return []
        part = getattr(state, kind.map_name).get(number)
        if part is None or part.closed:
            self.flag(kind.check, f"{native.type} for part {number}, which is not open", native)
            return []
        if part.done_text is None and not state.seeded:
            self.flag(kind.check, f"{native.type} for part {number} before its .done event", native)
        part.closed = True
        body = mapping(data.get("part"))
        part.part_text = string(body.get("refusal") if body.get("type") == "refusal" else body.get("text"))
        return []

    # -- tool input -----------------------------------------------------------------------------------

    @handles("response.function_call_arguments.delta", "response.mcp_call_arguments.delta")
    def _arguments_delta(self, native: NativeEvent) -> Events:
        state, delta = self._scoped(native), native.data.get("delta")
        if not isinstance(delta, str):
            return []
        if native.type.startswith("response.mcp_call"):
            self._advance(native, state, "arguments")
        item_id = self._delta_target(state, native.data)
        return [] if item_id is None else [ev.ToolCallDelta(item_id=item_id, text=delta)]

    @handles("response.function_call_arguments.done", "response.mcp_call_arguments.done")
    def _arguments_done(self, native: NativeEvent) -> Events:
        state = self._scoped(native)
        if native.type == "response.function_call_arguments.done" and not name(native.data.get("name")):
            self.flag("LIFECYCLE-113", "function_call_arguments.done without name", native)
        if native.type.startswith("response.mcp_call"):
            self._advance(native, state, "arguments")
        if state is not None:
            state.arguments_done = string(native.data.get("arguments"))
        return []

    @handles("response.custom_tool_call_input.delta", "response.code_interpreter_call_code.delta")
    def _freeform_delta(self, native: NativeEvent) -> Events:
        state, delta = self._scoped(native), native.data.get("delta")
        if native.type.startswith("response.code_interpreter"):
            self._advance(native, state, "code")
        if not isinstance(delta, str):
            return []
        item_id = self._delta_target(state, native.data)
        return [] if item_id is None else [ev.TextDelta(item_id=item_id, part=it.FREEFORM_PART, text=delta)]

    @handles("response.custom_tool_call_input.done", "response.code_interpreter_call_code.done")
    def _freeform_done(self, native: NativeEvent) -> Events:
        state, data = self._scoped(native), native.data
        if native.type.startswith("response.code_interpreter"):
            self._advance(native, state, "code")
        if state is not None:
            state.freeform_done = string(data.get("code") if "code" in data else data.get("input"))
        return []

    # -- hosted tool progress -------------------------------------------------------------------------

    def _progress(self, native: NativeEvent, family: str, step: str) -> Events:
        state = self._scoped(native)
        if state is not None and state.type is not None and state.type != family:
            self.flag("LIFECYCLE-109", f"{native.type} for a {state.type} item", native)
            return []
        if step == "partial_image" and state is not None:
            expected, state.partial_images = state.partial_images, state.partial_images + 1
            if native.data.get("partial_image_index") != expected:
                self.flag("LIFECYCLE-109", "partial_image_index out of order", native,
                          expected=expected, actual=native.data.get("partial_image_index"))
        self._advance(native, state, step)
        return []

    def _advance(self, native: NativeEvent, state: ItemState | None, step: str) -> None:
        """A.6.14: hosted tool progress never steps back."""
        if state is None or state.type not in it.PROGRESS_RANK:
            return
        rank = it.PROGRESS_RANK[state.type].get(step)
        if rank is None:
            return
        if rank < state.progress:
            self.flag("LIFECYCLE-109", f"{native.type} after a later progress step of {state.item_id}", native)
        state.progress = max(state.progress, rank)
