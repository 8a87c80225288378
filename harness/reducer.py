"""The event-sourced fold: canonical events in, one ``Turn`` out, lifecycle violations as findings.

The reducer knows no provider. It keeps fragments in lists and joins each buffer once, when its
item completes, so the cost of a fold is linear in the number of events whatever the fragmenting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic_core import from_json

from harness import events as ev
from harness.findings import Finding, Location, Severity, finding
from harness.jsontext import compact_json, strict_json
from harness.state import ErrorInfo, Interrupt, Item, ToolResultState, Turn, Usage
from harness.structural import StructuralArguments

_CHANNELS = ("text", "reasoning", "refusal")
_DELTA_CHANNEL = {"text.delta": "text", "reasoning.delta": "reasoning", "refusal.delta": "refusal"}
_STOP_STATUS = {"max_tokens": "incomplete", "content_filter": "incomplete", "error": "failed"}


def location_of(origin: ev.Origin) -> Location:
    return Location(
        exchange=origin.exchange,
        frame=origin.frame,
        offset=origin.offset,
        native_type=origin.native_type,
        seq=origin.native_seq,
    )


class _Buffers:
    """Open fragments of one item: text parts per channel, and the argument text."""

    __slots__ = ("parts", "arguments", "structural")

    def __init__(self) -> None:
        self.parts: dict[tuple[str, int], list[str]] = {}
        self.arguments: list[str] | None = None
        self.structural: StructuralArguments | None = None


class Reducer:
    """Fold canonical events one at a time; ``finish()`` closes the turn and returns it.

    ``seed`` continues a turn that an earlier stream began (a re-attached stream that starts in the
    middle of an item), so its items and partial text are carried on, not lost.
    """

    def __init__(self, seed: Turn | None = None) -> None:
        self.turn = seed.model_copy(deep=True) if seed is not None else Turn()
        self.findings: list[Finding] = []
        self._started = seed is not None
        self._completed = False
        self._finished = False
        self._open: dict[str, _Buffers] = {}
        self._late: dict[str, _Buffers] = {}  # fragments that arrived after their item completed
        self._items: dict[str, Item] = {item.item_id: item for item in self.turn.items}
        self._bad_arguments: list[tuple[Item, Location, str]] = []
        if seed is not None:
            # a truncated turn's open items were closed as incomplete; the re-attached stream reopens them
            reopen = ("in_progress", "incomplete") if seed.status == "truncated" else ("in_progress",)
            self.turn.status = "in_progress"
            for item in self.turn.items:
                if item.status in reopen:
                    item.status = "in_progress"
                    self._open[item.item_id] = self._reseed(item)
        self._handlers: dict[str, Callable[[Any], None]] = {
            "turn.started": self._turn_started,
            "item.started": self._item_started,
            "text.delta": self._part_delta,
            "reasoning.delta": self._part_delta,
            "refusal.delta": self._part_delta,
            "tool_call.delta": self._arguments_delta,
            "tool_call.fragment": self._arguments_fragment,
            "item.completed": self._item_completed,
            "tool.result": self._tool_result,
            "interrupt": self._interrupt,
            "usage": self._usage,
            "turn.completed": self._turn_completed,
            "error": self._error,
        }

    # -- public -------------------------------------------------------------------------------------

    def apply(self, event: ev.CanonicalEvent) -> None:
        if self._completed and event.type not in ("usage", "error"):
            self._flag("LIFECYCLE-004", f"{event.type} after the turn completed", event)
        elif not self._started and event.type != "turn.started":
            self._flag("LIFECYCLE-007", f"{event.type} before the turn started", event)
            self._started = True
        self._handlers[event.type](event)

    def finish(self) -> Turn:
        """Close the turn: open items, truncation, and argument findings that depend on the stop."""
        if self._finished:
            return self.turn
        self._finished = True
        turn = self.turn
        if not self._completed:
            if turn.errors:
                turn.status = "failed"
                turn.stop = turn.stop or "error"
            else:
                turn.status = "truncated"
                self.findings.append(finding("LIFECYCLE-005", "the stream ended without a terminal event"))
        normal_end = turn.status in ("completed", "interrupted")
        for item_id in list(self._open):
            item = self._items[item_id]
            if normal_end:
                self.findings.append(
                    finding("LIFECYCLE-006", f"item {item_id} ({item.kind}) never completed")
                )
            self._close(item, self._open.pop(item_id), location=Location())
            item.status = "incomplete"
        for item_id, late in self._late.items():
            self._join(self._items[item_id], late)
        cut_short = turn.status in ("truncated", "incomplete", "failed")
        for item, where, problem in self._bad_arguments:
            lowered = Severity.warning if cut_short or item.status == "incomplete" else None
            check = "ASSEMBLY-004" if problem == "not an object" else "ASSEMBLY-003"
            self.findings.append(
                finding(check, f"arguments of {item.name or item.item_id} are {problem}", where,
                        actual=_clip(item.arguments_text), severity=lowered)
            )
        return turn

    def partial_arguments(self, item_id: str) -> Any:
        """What a UI would show mid-stream: the arguments so far, parsed leniently."""
        buffers = self._open.get(item_id)
        if buffers is None or buffers.arguments is None:
            item = self._items.get(item_id)
            return None if item is None else item.arguments
        text = "".join(buffers.arguments)
        if not text.strip():
            return {}
        try:
            return from_json(text, allow_partial="trailing-strings")
        except ValueError:
            return None  # not even a prefix of JSON: nothing a UI could show

    # -- handlers -----------------------------------------------------------------------------------

    def _turn_started(self, event: ev.TurnStarted) -> None:
        if self._started and (self.turn.response_id is not None or self.turn.items):
            self._flag("LIFECYCLE-007", "a second turn start in one stream", event)
        self._started = True
        turn = self.turn
        for field in ("response_id", "conversation_id", "session_id", "previous_response_id", "model"):
            value = getattr(event, field)
            if value is not None:
                setattr(turn, field, value)
        if event.native:
            turn.native.update(event.native)

    def _item_started(self, event: ev.ItemStarted) -> None:
        if event.item_id in self._items:
            self._flag("LIFECYCLE-003", f"item {event.item_id} started twice", event)
            return
        item = Item(
            item_id=event.item_id,
            kind=event.kind,
            role=event.role,
            name=event.name,
            call_id=event.call_id,
            executor=event.executor,
        )
        self._add(item)

    def _part_delta(self, event: ev.TextDelta) -> None:
        buffers = self._buffers_for(event)
        buffers.parts.setdefault((_DELTA_CHANNEL[event.type], event.part), []).append(event.text)

    def _arguments_delta(self, event: ev.ToolCallDelta) -> None:
        buffers = self._buffers_for(event, kind="tool_call")
        if buffers.arguments is None:
            buffers.arguments = []
        buffers.arguments.append(event.text)

    def _arguments_fragment(self, event: ev.ToolCallFragment) -> None:
        buffers = self._buffers_for(event, kind="tool_call")
        if buffers.structural is None:
            buffers.structural = StructuralArguments()
        problem = buffers.structural.apply(event.path, event.value, event.will_continue)
        if problem:
            self._flag("ASSEMBLY-005", f"fragment {event.path!r} for {event.item_id}: {problem}", event)

    def _item_completed(self, event: ev.ItemCompleted) -> None:
        item = self._items.get(event.item_id)
        if item is None:
            self._flag("LIFECYCLE-001", f"completion of item {event.item_id}, which never started", event)
            item = self._add(Item(item_id=event.item_id, kind="other"))
        buffers = self._open.pop(event.item_id, None)
        if buffers is None:
            self._flag("LIFECYCLE-002", f"item {event.item_id} completed twice", event)
            return
        self._close(item, buffers, location_of(event.origin), event.declared)

    def _tool_result(self, event: ev.ToolResult) -> None:
        self.turn.tool_results.append(
            ToolResultState(call_id=event.call_id, output=event.output, is_error=event.is_error,
                            executor=event.executor)
        )

    def _interrupt(self, event: ev.Interrupt) -> None:
        self.turn.interrupt = Interrupt(kind=event.kind, pending=list(event.pending), handle=dict(event.handle))

    def _usage(self, event: ev.UsageReported) -> None:
        previous = self.turn.usage or Usage()
        updated = previous.model_copy()
        for field in ("input_tokens", "output_tokens", "reasoning_tokens", "cached_tokens", "total_tokens"):
            value = getattr(event, field)
            if value is None:
                continue
            before = getattr(previous, field)
            if field == "output_tokens" and before is not None and value < before:
                self._flag("STATE-004", f"{field} went down from {before} to {value}", event,
                           expected=f">= {before}", actual=value)
            setattr(updated, field, value)
        self.turn.usage = updated

    def _turn_completed(self, event: ev.TurnCompleted) -> None:
        if self._completed:
            return  # already flagged by apply()
        self._completed = True
        turn = self.turn
        turn.stop = event.stop
        turn.native_stop = event.native_stop
        if turn.interrupt is not None and event.stop in ("tool_use", "pause", "end_turn", "other"):
            turn.status = "interrupted"
        else:
            turn.status = _STOP_STATUS.get(event.stop, "completed")

    def _error(self, event: ev.ErrorReported) -> None:
        self.turn.errors.append(ErrorInfo(code=event.code, message=event.message, retryable=event.retryable))

    # -- helpers ------------------------------------------------------------------------------------

    def _add(self, item: Item) -> Item:
        self.turn.items.append(item)
        self._items[item.item_id] = item
        self._open[item.item_id] = _Buffers()
        return item

    def _buffers_for(self, event: Any, kind: str = "message") -> _Buffers:
        item_id = event.item_id
        buffers = self._open.get(item_id)
        if buffers is not None:
            return buffers
        if item_id in self._items:
            self._flag("LIFECYCLE-002", f"{event.type} for item {item_id} after it completed", event)
            late = self._late.get(item_id)
            if late is None:
                late = self._late[item_id] = self._reseed(self._items[item_id])
            return late  # kept (nothing that arrived is lost) but the item stays completed
        self._flag("LIFECYCLE-001", f"{event.type} for item {item_id}, which never started", event)
        self._add(Item(item_id=item_id, kind=kind))  # type: ignore[arg-type]
        return self._open[item_id]

    @staticmethod
    def _reseed(item: Item) -> _Buffers:
        buffers = _Buffers()
        for channel in _CHANNELS:
            for part, text in getattr(item, channel).items():
                buffers.parts[(channel, part)] = [text]
        if item.arguments_text is not None:
            buffers.arguments = [item.arguments_text]
        return buffers

    @staticmethod
    def _join(item: Item, buffers: _Buffers) -> None:
        for (channel, part), fragments in buffers.parts.items():
            getattr(item, channel)[part] = "".join(fragments)
        if buffers.arguments is not None:
            item.arguments_text = "".join(buffers.arguments)

    def _close(self, item: Item, buffers: _Buffers, location: Location, declared: ev.Declared | None = None) -> None:
        for (channel, part), fragments in buffers.parts.items():
            getattr(item, channel)[part] = "".join(fragments)
        item.status = "completed"
        if declared is None:
            declared = ev.Declared()
        item.declared = declared
        if declared.status in ("incomplete", "in_progress"):
            item.status = "incomplete"
        if item.name is None and declared.name is not None:
            item.name = declared.name
        if declared.call_id is not None:  # the final id is the one the answer names (a family flags a change)
            item.call_id = declared.call_id
        if declared.native:
            item.native.update(declared.native)
            item.declared = declared.model_copy(update={"native": None})  # kept once, on the item
        self._compare_parts(item, declared, location)
        self._settle_arguments(item, buffers, declared, location)

    def _compare_parts(self, item: Item, declared: ev.Declared, location: Location) -> None:
        for channel in _CHANNELS:
            finals = getattr(declared, channel)
            if not finals:
                continue
            built = getattr(item, channel)
            for part, final in finals.items():
                if part not in built:
                    built[part] = final
                elif built[part] != final:
                    self.findings.append(
                        finding("ASSEMBLY-001",
                                f"{channel} part {part} of {item.item_id}: declared final differs from its deltas",
                                location, expected=_clip(final), actual=_clip(built[part]))
                    )

    def _settle_arguments(self, item: Item, buffers: _Buffers, declared: ev.Declared, location: Location) -> None:
        if buffers.structural is not None:
            for problem in buffers.structural.finish():
                self.findings.append(finding("ASSEMBLY-006", f"{item.item_id}: {problem}", location))
            item.arguments = buffers.structural.value
            item.arguments_text = compact_json(item.arguments)
            item.arguments_valid = True
            return
        built = None if buffers.arguments is None else "".join(buffers.arguments)
        if built is not None and declared.arguments is not None and built != declared.arguments:
            self.findings.append(
                finding("ASSEMBLY-002", f"arguments of {item.item_id}: declared final differs from its fragments",
                        location, expected=_clip(declared.arguments), actual=_clip(built))
            )
        text = declared.arguments if declared.arguments is not None else built
        if text is None:
            return
        item.arguments_text = text
        if not text.strip():
            item.arguments, item.arguments_valid = {}, True
            return
        try:
            # RFC 8259 exactly (no NaN, integers of any size), not orjson: exact big integers and 1e400
            # (valid JSON) matter here, and it runs once per call, not per event
            item.arguments = strict_json(text)
        except (ValueError, RecursionError):
            item.arguments_valid = False
            self._bad_arguments.append((item, location, "not valid JSON"))
            return
        item.arguments_valid = isinstance(item.arguments, dict)
        if not item.arguments_valid:
            self._bad_arguments.append((item, location, "not an object"))

    def _flag(self, check: str, message: str, event: Any, **details: Any) -> None:
        self.findings.append(finding(check, message, location_of(event.origin), **details))


def _clip(text: str | None, limit: int = 200) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} chars)"


def fold(events: Iterable[ev.CanonicalEvent], seed: Turn | None = None) -> Turn:
    """Fold a whole log; findings are dropped (use ``Reducer`` to keep them)."""
    reducer = Reducer(seed)
    for event in events:
        reducer.apply(event)
    return reducer.finish()
