"""OpenAI Responses native events -> canonical events, with the A.6 invariants checked on the way.

State is keyed by output_index and item_id, never by "the current item" (A.6.18: OpenRouter, for
one, interleaves items). Part-scoped state is keyed by content_index / summary_index. The reducer
compares declared finals with the deltas it joined; this module adds the comparisons the reducer
cannot see (content_part.done and output_item.done against the .done event, A.6.11; the terminal
output against the done items, A.6.15) and every native ordering rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness import events as ev
from harness.providers.base import NativeEvent, StreamContext, Translator
from harness.providers.openai_responses import items as it
from harness.providers.openai_responses.resume import reattach_target, request_flag
from harness.state import Turn

_OPENING = ("response.created", "response.queued", "response.in_progress")
_TERMINAL_STATUS = {"response.completed": "completed", "response.failed": "failed",
                    "response.incomplete": "incomplete"}
_INCOMPLETE_STOP: dict[str, ev.StopReason] = {"max_output_tokens": "max_tokens", "content_filter": "content_filter"}
_PART_CHANNEL = {"output_text": "text", "refusal": "refusal", "reasoning_text": "reasoning"}
_FLAG_DEFAULTS = {"store": True, "background": False}  # the resume contract needs both (A.8.1.3, A.8.4)


@dataclass(slots=True)
class _Part:
    """One content part or summary part: whether it opened/closed, and the finals it declared."""

    channel: str
    opened: bool = True
    closed: bool = False
    done_text: str | None = None  # from output_text.done / refusal.done / *_text.done
    part_text: str | None = None  # from content_part.done / reasoning_summary_part.done


@dataclass(slots=True)
class _ItemState:
    index: int
    item_id: str
    type: str | None
    added: dict[str, Any] = field(default_factory=dict)
    open: bool = True
    seeded: bool = False  # began in an earlier stream: part-opening events were not seen here
    replay: bool = False  # a re-attached stream repeats an item the seed already completed
    parts: dict[int, _Part] = field(default_factory=dict)
    summaries: dict[int, _Part] = field(default_factory=dict)
    arguments_done: str | None = None
    freeform_done: str | None = None
    progress: int = -1
    partial_images: int = 0


class ResponsesTranslator(Translator):
    """One Responses stream (or a re-attached suffix of one) into canonical events."""

    def __init__(self, context: StreamContext, cursor: int | None) -> None:
        super().__init__(context)
        request = context.exchange.request
        flags = {name: request_flag(request, name, default) for name, default in _FLAG_DEFAULTS.items()}
        self._flags: dict[str, bool] = {name: value for name, value in flags.items() if value is not None}
        self._suffix = cursor is not None  # a re-attached stream: a pure suffix, no response.created (A.8.4)
        self._reattach_id = reattach_target(request)
        self._started = context.seed is not None
        self._first = True
        self._response_id: str | None = context.seed.response_id if context.seed else None
        self._by_index: dict[int, _ItemState] = {}
        self._by_id: dict[str, _ItemState] = {}
        self._next_index = 0
        self._done: dict[int, dict[str, Any]] = {}
        self._pending: dict[str, None] = {}  # call ids and approval request ids, in output order
        self._approvals: set[str] = set()
        self._error_seen = False
        self._refused = False
        self._usage_flagged = False
        if context.seed is not None:
            self._seed(context.seed)
        self._handlers: dict[str, Callable[[NativeEvent, dict[str, Any]], list[ev.CanonicalEvent]]] = {
            **{kind: self._opening for kind in _OPENING},
            **{kind: self._terminal for kind in _TERMINAL_STATUS},
            "error": self._error,
            "response.output_item.added": self._item_added,
            "response.output_item.done": self._item_done,
            "response.content_part.added": self._part_added,
            "response.content_part.done": self._part_done,
            "response.output_text.delta": self._text_delta,
            "response.refusal.delta": self._text_delta,
            "response.reasoning_text.delta": self._text_delta,
            "response.output_text.done": self._text_done,
            "response.refusal.done": self._text_done,
            "response.reasoning_text.done": self._text_done,
            "response.output_text.annotation.added": self._scoped_only,
            "response.reasoning_summary_part.added": self._summary_added,
            "response.reasoning_summary_part.done": self._summary_done,
            "response.reasoning_summary_text.delta": self._summary_delta,
            "response.reasoning_summary_text.done": self._summary_text_done,
            "response.function_call_arguments.delta": self._arguments_delta,
            "response.mcp_call_arguments.delta": self._arguments_delta,
            "response.function_call_arguments.done": self._arguments_done,
            "response.mcp_call_arguments.done": self._arguments_done,
            "response.custom_tool_call_input.delta": self._freeform_delta,
            "response.code_interpreter_call_code.delta": self._freeform_delta,
            "response.custom_tool_call_input.done": self._freeform_done,
            "response.code_interpreter_call_code.done": self._freeform_done,
        }

    # -- entry points ---------------------------------------------------------------------------------

    def translate(self, native: NativeEvent) -> list[ev.CanonicalEvent]:
        if native.type == "keepalive":
            return []  # A.3: takes a sequence number, carries nothing
        handler = self._handlers.get(native.type)
        if handler is None:
            if it.PROGRESS_EVENT.match(native.type) is None:
                return []  # unknown types: the pipeline already reported SCHEMA-002 (A.6.19)
            handler = self._progress
        if self._first:
            self._first = False
            if native.type != "response.created" and not self._suffix:
                self.flag("LIFECYCLE-101", f"the stream opens with {native.type}", native,
                          expected="response.created", actual=native.type)
        opening = self._start_suffix(native.data) if not self._started and self._suffix else None
        out = handler(native, native.data)
        if opening:
            out = opening + out
        if out:
            origin = native.origin()
            for event in out:
                event.origin = origin
        return out

    # -- lifecycle ------------------------------------------------------------------------------------

    def _start_suffix(self, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        """A re-attached suffix with nothing to continue still makes a turn, named by the URL; the
        flags of the event's response object (response.queued, say) are known already. Called
        before the first event of an unstarted suffix."""
        self._started = True
        self._response_id = self._response_id or self._reattach_id
        response = data.get("response")
        self._note_flags(response if isinstance(response, dict) else {})
        return [ev.TurnStarted(response_id=self._response_id, native=dict(self._flags) or None)]

    def _opening(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        response = self._response(native, data)
        if response.get("usage") is not None and not self._usage_flagged:
            self._usage_flagged = True
            self.flag("LIFECYCLE-112", f"{native.type} already carries usage", native, actual=response.get("usage"))
        return self._turn_started(response)

    def _turn_started(self, response: dict[str, Any]) -> list[ev.CanonicalEvent]:
        if self._started:
            return []
        self._started = True
        conversation = response.get("conversation")
        conversation_id = conversation.get("id") if isinstance(conversation, dict) else conversation
        return [ev.TurnStarted(
            response_id=it.string(response.get("id")),
            previous_response_id=it.string(response.get("previous_response_id")),
            model=it.string(response.get("model")),
            conversation_id=it.string(conversation_id),
            native=dict(self._flags) or None,
        )]

    def _response(self, native: NativeEvent, data: dict[str, Any]) -> dict[str, Any]:
        """The lifecycle event's response object; its id must never change (A.6.5)."""
        response = data.get("response")
        if not isinstance(response, dict):
            return {}
        response_id = it.string(response.get("id"))
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
        for name in _FLAG_DEFAULTS:
            if isinstance(response.get(name), bool):
                self._flags[name] = response[name]

    def _terminal(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        response = self._response(native, data)
        out = self._turn_started(response)
        expected = _TERMINAL_STATUS[native.type]
        if response.get("status") != expected:
            self.flag("STATE-003", f"{native.type} carries status {response.get('status')!r}", native,
                      expected=expected, actual=response.get("status"))
        self._check_output(native, response.get("output"))
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

    def _interrupt(self) -> list[ev.CanonicalEvent]:
        if not self._pending:
            return []
        kind: ev.InterruptKind = "approval" if self._pending.keys() <= self._approvals else "tool_calls"
        stateful = self._flags.get("store") is not False  # a response stored under its id can be continued by it (A.8.1)
        if stateful and self._response_id is None:
            self.flag("RESUME-001", "tool work is pending but the response has no id to continue from")
        handle = {"previous_response_id": self._response_id} if stateful and self._response_id else {}
        return [ev.Interrupt(kind=kind, pending=list(self._pending), handle=handle)]

    def _incomplete_stop(self, native: NativeEvent, response: dict[str, Any]) -> ev.TurnCompleted:
        details = response.get("incomplete_details")
        reason = it.string(details.get("reason")) if isinstance(details, dict) else None
        if reason is None:
            self.flag("LIFECYCLE-110", "response.incomplete without incomplete_details.reason", native)
        return ev.TurnCompleted(stop=_INCOMPLETE_STOP.get(reason or "", "other"), native_stop=reason or "incomplete")

    def _failure(self, native: NativeEvent, response: dict[str, Any]) -> list[ev.CanonicalEvent]:
        error = response.get("error")
        out: list[ev.CanonicalEvent] = []
        if not isinstance(error, dict):
            self.flag("LIFECYCLE-110", "response.failed without an error", native)
        elif not self._error_seen:
            out.append(ev.ErrorReported(code=it.string(error.get("code")), message=it.error_message(error)))
        return out + [ev.TurnCompleted(stop="error", native_stop="failed")]

    def _error(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        """Accept the documented flat form and the nested form the live API sends (A.9)."""
        self._error_seen = True
        body = data
        if isinstance(data.get("error"), dict):
            body = data["error"]
            self.flag("LIFECYCLE-114", "error event in its nested form", native)
        code = it.string(body.get("code")) or it.string(body.get("type"))
        return [ev.ErrorReported(code=code, message=it.error_message(body))]

    def _check_output(self, native: NativeEvent, output: Any) -> None:
        """A.6.15: one terminal output entry per output_index, in order, matching output_item.done."""
        if not isinstance(output, list):
            return
        if len(output) != len(self._done) or sorted(self._done) != list(range(len(self._done))):
            self.flag("ASSEMBLY-007", f"terminal output has {len(output)} entries; {len(self._done)} items completed",
                      native, expected=len(self._done), actual=len(output))
        for index, done in sorted(self._done.items()):
            if index >= len(output):
                continue
            differences = it.output_differences(done, output[index])
            if differences:
                self.flag("ASSEMBLY-007", f"output[{index}] differs from its output_item.done on "
                          f"{', '.join(differences)}", native, expected=it.summary_of(done),
                          actual=it.summary_of(output[index]) if isinstance(output[index], dict) else output[index])

    # -- items ----------------------------------------------------------------------------------------

    def _seed(self, seed: Turn) -> None:
        """Continue a turn an earlier stream began: its items keep their output_index (their position).

        Items the drop cut short (the reducer closes them as incomplete when a stream is truncated)
        go on; items that completed before the drop are only replayed by an overlapping suffix.
        """
        for index, item in enumerate(seed.items):
            done = not (item.status == "in_progress" or (seed.status == "truncated" and item.status == "incomplete"))
            state = _ItemState(index=index, item_id=item.item_id, type=None, seeded=True, replay=done, open=not done)
            self._by_index[index] = self._by_id[item.item_id] = state
            if done and item.kind == "tool_call" and item.executor == "client" and item.call_id:
                self._pending[item.call_id] = None
            elif done and item.kind == "approval_request":
                self._pending[item.item_id] = None
                self._approvals.add(item.item_id)
        self._next_index = len(seed.items)

    def _item_added(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        index, item = it.index(data.get("output_index")), data.get("item")
        if index is None or not isinstance(item, dict):
            return []  # the schema reported it; nothing can be opened
        item_id = it.string(item.get("id")) or f"output_{index}"
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
        state = _ItemState(index=index, item_id=item_id, type=it.string(item.get("type")), added=item)
        self._by_index[index] = self._by_id[item_id] = state
        return [it.item_started(item, item_id)]

    @staticmethod
    def _restart(state: _ItemState, item: dict[str, Any]) -> None:
        state.open, state.type, state.added = True, it.string(item.get("type")), item
        state.parts, state.summaries, state.seeded = {}, {}, False

    def _check_call_opening(self, native: NativeEvent, item: dict[str, Any]) -> None:
        problems = [name for name in ("name", "call_id") if not it.string(item.get(name))]
        if item.get("arguments") != "":
            problems.append("arguments not empty")
        if item.get("status") != "in_progress":
            problems.append(f"status {item.get('status')!r}")
        if problems:
            self.flag("LIFECYCLE-108", f"function_call opens with {', '.join(problems)}", native)

    def _item_done(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        index, item = it.index(data.get("output_index")), data.get("item")
        if index is None or not isinstance(item, dict):
            return []
        item_id = it.string(item.get("id")) or f"output_{index}"
        state = self._by_index.get(index) or self._by_id.get(item_id)
        if state is None:
            return [ev.ItemCompleted(item_id=item_id, declared=self._declared(None, item, native))]
        self._check_item_closing(native, state, item, item_id)
        state.open = False
        self._done[index] = item
        declared = self._declared(state, item, native)
        self._refused = self._refused or bool(declared.refusal)
        if it.is_client_call(item):
            self._pending[item["call_id"]] = None
        elif item.get("type") == it.APPROVAL_REQUEST:
            self._pending[state.item_id] = None
            self._approvals.add(state.item_id)
        if state.replay:
            return []
        return it.server_result(item, state.item_id) + [ev.ItemCompleted(item_id=state.item_id, declared=declared)]

    def _check_item_closing(self, native: NativeEvent, state: _ItemState, item: dict[str, Any], item_id: str) -> None:
        if item_id != state.item_id or (state.type is not None and item.get("type") != state.type):
            self.flag("LIFECYCLE-104", f"output_item.done changes the item at output_index {state.index}", native,
                      expected={"id": state.item_id, "type": state.type}, actual={"id": item_id, "type": item.get("type")})
        if state.type == "function_call":
            if item.get("status") not in ("completed", "incomplete"):
                self.flag("LIFECYCLE-108", f"function_call closes with status {item.get('status')!r}", native)
            if item.get("call_id") != state.added.get("call_id"):
                self.flag("LIFECYCLE-108", "function_call changes its call_id at done", native,
                          expected=state.added.get("call_id"), actual=item.get("call_id"))
        for label, parts, check in (("content part", state.parts, "LIFECYCLE-106"),
                                    ("summary part", state.summaries, "LIFECYCLE-107")):
            left_open = sorted(number for number, part in parts.items() if not part.closed)
            if left_open and not state.seeded:
                self.flag(check, f"{label}(s) {left_open} of {state.item_id} never closed", native)

    def _declared(self, state: _ItemState | None, item: dict[str, Any], native: NativeEvent) -> ev.Declared:
        finals = it.content_texts(item)
        if state is not None:
            self._reconcile(native, state, finals)
        freeform = it.freeform_input(item)
        if state is not None and state.freeform_done is not None:
            self._compare("ASSEMBLY-001", native, state.item_id, "input", state.freeform_done, freeform)
            freeform = state.freeform_done
        if freeform is not None:
            finals["text"][it.FREEFORM_PART] = freeform
        arguments = it.arguments_of(item)
        if state is not None and state.arguments_done is not None:
            self._compare("ASSEMBLY-002", native, state.item_id, "arguments", state.arguments_done, arguments)
            arguments = state.arguments_done
        added = state.added if state is not None else {}
        encrypted = item.get("encrypted_content") if item.get("type") == "reasoning" else None
        return ev.Declared(
            text=finals["text"] or None,
            refusal=finals["refusal"] or None,
            reasoning=finals["reasoning"] or None,
            arguments=arguments,
            status=it.string(item.get("status")),
            name=it.string(item.get("name")) or it.string(added.get("name")),
            call_id=it.string(item.get("call_id")),
            native={"encrypted_content": encrypted} if isinstance(encrypted, str) else None,  # A.8.2: echo the done one
        )

    def _reconcile(self, native: NativeEvent, state: _ItemState, finals: dict[str, dict[int, str]]) -> None:
        """A.6.11: the .done text is the reference; the part's and the item's copies must agree with it."""
        numbered = [(number, part) for number, part in state.parts.items()]
        numbered = [(it.REASONING_TEXT_BASE + n if p.channel == "reasoning" else n, p) for n, p in numbered]
        numbered += list(state.summaries.items())
        for number, part in numbered:
            channel_finals = finals[part.channel]
            reference = part.done_text if part.done_text is not None else part.part_text
            if reference is None:
                continue
            self._compare("ASSEMBLY-001", native, state.item_id, f"{part.channel} part {number} (part.done)",
                          reference, part.part_text)
            self._compare("ASSEMBLY-001", native, state.item_id, f"{part.channel} part {number} (output_item.done)",
                          reference, channel_finals.get(number))
            channel_finals[number] = reference

    def _compare(self, check: str, native: NativeEvent, item_id: str, what: str, reference: str,
                 other: str | None) -> None:
        if other is not None and other != reference:
            self.flag(check, f"{what} of {item_id} disagrees with the .done event", native,
                      expected=reference, actual=other)

    # -- item-scoped events ---------------------------------------------------------------------------

    def _scoped(self, native: NativeEvent, data: dict[str, Any]) -> _ItemState | None:
        """The open item an event names; A.6.8 wants item_id and output_index to agree with it."""
        item_id, index = it.string(data.get("item_id")), it.index(data.get("output_index"))
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

    def _scoped_only(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        self._scoped(native, data)
        return []

    def _emit(self, state: _ItemState | None, event: ev.CanonicalEvent) -> list[ev.CanonicalEvent]:
        return [] if state is not None and state.replay else [event]

    def _item_id(self, state: _ItemState | None, data: dict[str, Any]) -> str:
        return state.item_id if state is not None else it.string(data.get("item_id")) or "?"

    def _part_added(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state, number = self._scoped(native, data), it.index(data.get("content_index"))
        if state is None or number is None:
            return []
        part = data.get("part")
        channel = _PART_CHANNEL.get(it.string(part.get("type")) if isinstance(part, dict) else None, "text")
        self._open_part(native, state.parts, number, channel, "LIFECYCLE-106", state.seeded)
        return []

    def _open_part(self, native: NativeEvent, parts: dict[int, _Part], number: int, channel: str, check: str,
                   seeded: bool) -> None:
        if number in parts and parts[number].opened:
            self.flag(check, f"part {number} opened twice", native)
        elif number != len(parts) and not seeded:
            self.flag(check, f"part index {number} out of order", native, expected=len(parts), actual=number)
        parts[number] = _Part(channel=channel)

    def _part_of(self, native: NativeEvent, parts: dict[int, _Part], number: int, channel: str, check: str,
                 seeded: bool) -> _Part:
        """The part a delta or .done names; one that never opened (or already closed) is flagged."""
        part = parts.get(number)
        if part is None:
            if not seeded:
                self.flag(check, f"{native.type} for part {number}, which was never opened", native)
            part = parts[number] = _Part(channel=channel, opened=False)
        elif part.closed or part.done_text is not None:
            self.flag(check, f"{native.type} for part {number} after it finished", native)
        return part

    def _text_delta(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state, number, delta = self._scoped(native, data), it.index(data.get("content_index")), data.get("delta")
        if number is None or not isinstance(delta, str):
            return []
        channel = _channel_of(native.type)
        if state is not None:
            self._part_of(native, state.parts, number, channel, "LIFECYCLE-106", state.seeded)
        item_id = self._item_id(state, data)
        if channel == "reasoning":
            return self._emit(state, ev.ReasoningDelta(item_id=item_id, part=it.REASONING_TEXT_BASE + number,
                                                       text=delta))
        model = ev.TextDelta if channel == "text" else ev.RefusalDelta
        return self._emit(state, model(item_id=item_id, part=number, text=delta))

    def _text_done(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state, number = self._scoped(native, data), it.index(data.get("content_index"))
        if state is None or number is None:
            return []
        channel = _channel_of(native.type)
        part = self._part_of(native, state.parts, number, channel, "LIFECYCLE-106", state.seeded)
        part.done_text = it.string(data.get("refusal" if channel == "refusal" else "text"))
        return []

    def _part_done(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state, number = self._scoped(native, data), it.index(data.get("content_index"))
        if state is None or number is None:
            return []
        self._close_part(native, state.parts.get(number), data.get("part"), number, "LIFECYCLE-106", state.seeded)
        return []

    def _close_part(self, native: NativeEvent, part: _Part | None, body: Any, number: int, check: str,
                    seeded: bool) -> None:
        if part is None or part.closed:
            self.flag(check, f"{native.type} for part {number}, which is not open", native)
            return
        if part.done_text is None and not seeded:
            self.flag(check, f"{native.type} for part {number} before its .done event", native)
        part.closed = True
        if isinstance(body, dict):
            part.part_text = it.string(body.get("refusal") if body.get("type") == "refusal" else body.get("text"))

    def _summary_added(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state, number = self._scoped(native, data), it.index(data.get("summary_index"))
        if state is not None and number is not None:
            self._open_part(native, state.summaries, number, "reasoning", "LIFECYCLE-107", state.seeded)
        return []

    def _summary_delta(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state, number, delta = self._scoped(native, data), it.index(data.get("summary_index")), data.get("delta")
        if number is None or not isinstance(delta, str):
            return []
        if state is not None:
            self._part_of(native, state.summaries, number, "reasoning", "LIFECYCLE-107", state.seeded)
        return self._emit(state, ev.ReasoningDelta(item_id=self._item_id(state, data), part=number, text=delta))

    def _summary_text_done(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state, number = self._scoped(native, data), it.index(data.get("summary_index"))
        if state is not None and number is not None:
            part = self._part_of(native, state.summaries, number, "reasoning", "LIFECYCLE-107", state.seeded)
            part.done_text = it.string(data.get("text"))
        return []

    def _summary_done(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state, number = self._scoped(native, data), it.index(data.get("summary_index"))
        if state is not None and number is not None:
            self._close_part(native, state.summaries.get(number), data.get("part"), number, "LIFECYCLE-107",
                             state.seeded)
        return []

    def _arguments_delta(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state, delta = self._scoped(native, data), data.get("delta")
        if not isinstance(delta, str):
            return []
        if native.type.startswith("response.mcp_call"):
            self._advance(native, state, "arguments")
        return self._emit(state, ev.ToolCallDelta(item_id=self._item_id(state, data), text=delta))

    def _arguments_done(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state = self._scoped(native, data)
        if native.type == "response.function_call_arguments.done" and not it.string(data.get("name")):
            self.flag("LIFECYCLE-113", "function_call_arguments.done without name", native)
        if native.type.startswith("response.mcp_call"):
            self._advance(native, state, "arguments")
        if state is not None:
            state.arguments_done = it.string(data.get("arguments"))
        return []

    def _freeform_delta(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state, delta = self._scoped(native, data), data.get("delta")
        if native.type.startswith("response.code_interpreter"):
            self._advance(native, state, "code")
        if not isinstance(delta, str):
            return []
        return self._emit(state, ev.TextDelta(item_id=self._item_id(state, data), part=it.FREEFORM_PART, text=delta))

    def _freeform_done(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state = self._scoped(native, data)
        if native.type.startswith("response.code_interpreter"):
            self._advance(native, state, "code")
        if state is not None:
            state.freeform_done = it.string(data.get("code") if "code" in data else data.get("input"))
        return []

    def _progress(self, native: NativeEvent, data: dict[str, Any]) -> list[ev.CanonicalEvent]:
        state = self._scoped(native, data)
        match = it.PROGRESS_EVENT.match(native.type)
        assert match is not None  # only dispatched here when it matched
        family, step = match.groups()
        if state is not None and state.type is not None and state.type != family:
            self.flag("LIFECYCLE-109", f"{native.type} for a {state.type} item", native)
            return []
        if step == "partial_image" and state is not None:
            expected, state.partial_images = state.partial_images, state.partial_images + 1
            if data.get("partial_image_index") != expected:
                self.flag("LIFECYCLE-109", "partial_image_index out of order", native,
                          expected=expected, actual=data.get("partial_image_index"))
        self._advance(native, state, step)
        return []

    def _advance(self, native: NativeEvent, state: _ItemState | None, step: str) -> None:
        """A.6.14: hosted tool progress never steps back."""
        if state is None or state.type not in it.PROGRESS_RANK:
            return
        rank = it.PROGRESS_RANK[state.type].get(step)
        if rank is None:
            return
        if rank < state.progress:
            self.flag("LIFECYCLE-109", f"{native.type} after a later progress step of {state.item_id}", native)
        state.progress = max(state.progress, rank)


# -- helpers --------------------------------------------------------------------------------------------


def _channel_of(native_type: str) -> str:
    if native_type.startswith("response.refusal"):
        return "refusal"
    return "reasoning" if native_type.startswith("response.reasoning_text") else "text"
