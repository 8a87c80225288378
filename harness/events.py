"""The canonical event vocabulary: one provider-neutral language every native stream is translated into.

Names and fields are a contract (see DESIGN.md); new types may be added, existing ones never change
meaning. ``schemas/canonical/`` is generated from these models (``python -m harness.schemagen``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, with_config

ItemKind = Literal["message", "reasoning", "tool_call", "tool_result", "approval_request", "handoff", "other"]
Executor = Literal["client", "server"]
InterruptKind = Literal["tool_calls", "approval", "return_control", "handoff", "pause"]
StopReason = Literal[
    "end_turn", "tool_use", "max_tokens", "stop_sequence", "refusal", "content_filter", "pause", "error", "other"
]


@with_config(ConfigDict(extra="forbid"))
@dataclass(slots=True, unsafe_hash=True)
class Origin:
    """Where a canonical event came from, so a finding on it can point at the wire.

    Built once per native event and shared by every canonical event made from it; never mutated.
    """

    exchange: int | None = None
    frame: int | None = None
    offset: int | None = None
    native_type: str | None = None
    native_seq: int | None = None

# Canonical events are plain slotted dataclasses, not pydantic models: the hot path builds one or
# more per native event, and a model costs four times as much to build (bench/README.md). Pydantic
# still validates them, dumps them and writes their schemas, through ``canonical_event_adapter``.
NO_ORIGIN = Origin()  # the default until the translator stamps the native event's origin


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)  # the placeholder is not part of the vocabulary


_event = dataclass(slots=True, kw_only=True)


@with_config(ConfigDict(extra="forbid"))
@_event
class _Event:
    seq: int = 0
    origin: Annotated[Origin, Field(json_schema_extra=_no_default)] = NO_ORIGIN


@_event
class TurnStarted(_Event):
    type: Literal["turn.started"] = "turn.started"
    response_id: str | None = None
    conversation_id: str | None = None
    session_id: str | None = None
    previous_response_id: str | None = None
    model: str | None = None
    native: dict[str, Any] | None = None  # provider facts the resume contract needs (store, background...)


@_event
class ItemStarted(_Event):
    type: Literal["item.started"] = "item.started"
    item_id: str
    kind: ItemKind
    role: str | None = None
    name: str | None = None
    call_id: str | None = None
    executor: Executor | None = None


@_event
class TextDelta(_Event):
    type: Literal["text.delta"] = "text.delta"
    item_id: str
    part: int = 0
    text: str


@_event
class ReasoningDelta(_Event):
    type: Literal["reasoning.delta"] = "reasoning.delta"
    item_id: str
    part: int = 0
    text: str


@_event
class RefusalDelta(_Event):
    type: Literal["refusal.delta"] = "refusal.delta"
    item_id: str
    part: int = 0
    text: str


@_event
class ToolCallDelta(_Event):
    type: Literal["tool_call.delta"] = "tool_call.delta"
    item_id: str
    text: str


@_event
class ToolCallFragment(_Event):
    """A structural argument fragment: a JSON path and a value (Gemini's ``partialArgs``)."""

    type: Literal["tool_call.fragment"] = "tool_call.fragment"
    item_id: str
    path: str
    value: Any = None
    will_continue: bool = False


class Declared(BaseModel):
    """What the provider says an item's finals are; cross-checked against what the deltas built."""

    model_config = ConfigDict(extra="forbid")

    text: dict[int, str] | None = None
    reasoning: dict[int, str] | None = None
    refusal: dict[int, str] | None = None
    arguments: str | None = None
    status: str | None = None
    name: str | None = None
    call_id: str | None = None
    native: dict[str, Any] | None = None  # provider-opaque values the next request must echo (signatures...)


@_event
class ItemCompleted(_Event):
    type: Literal["item.completed"] = "item.completed"
    item_id: str
    declared: Declared = field(default_factory=Declared)


@_event
class ToolResult(_Event):
    type: Literal["tool.result"] = "tool.result"
    call_id: str
    output: Any = None
    is_error: bool = False
    executor: Executor = "server"


@_event
class Interrupt(_Event):
    type: Literal["interrupt"] = "interrupt"
    kind: InterruptKind
    pending: list[str] = field(default_factory=list)
    handle: dict[str, Any] = field(default_factory=dict)


@_event
class UsageReported(_Event):
    type: Literal["usage"] = "usage"
    input_tokens: int | None = None
    output_tokens: int | None = None
    reasoning_tokens: int | None = None
    cached_tokens: int | None = None
    total_tokens: int | None = None


@_event
class TurnCompleted(_Event):
    type: Literal["turn.completed"] = "turn.completed"
    stop: StopReason
    native_stop: str | None = None


@_event
class ErrorReported(_Event):
    type: Literal["error"] = "error"
    code: str | None = None
    message: str
    retryable: bool | None = None


CanonicalEvent = Annotated[
    Union[
        TurnStarted,
        ItemStarted,
        TextDelta,
        ReasoningDelta,
        RefusalDelta,
        ToolCallDelta,
        ToolCallFragment,
        ItemCompleted,
        ToolResult,
        Interrupt,
        UsageReported,
        TurnCompleted,
        ErrorReported,
    ],
    Field(discriminator="type"),
]


canonical_event_adapter: TypeAdapter[CanonicalEvent]  # validates, dumps and writes the schemas; see __getattr__


@cache
def _adapter() -> TypeAdapter[CanonicalEvent]:
    # Built on first use: some 10 ms of the start-up of ``harness check``, which never needs it.
    return TypeAdapter(CanonicalEvent)


def __getattr__(name: str) -> Any:
    if name == "canonical_event_adapter":
        return _adapter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def dump(event: CanonicalEvent, **options: Any) -> dict[str, Any]:
    """An event as JSON-ready data (``options``: pydantic's ``exclude_defaults``, ``exclude``...)."""
    return _adapter().dump_python(event, mode="json", **options)

__all__ = [
    "CanonicalEvent",
    "Declared",
    "ErrorReported",
    "Interrupt",
    "ItemCompleted",
    "ItemStarted",
    "Origin",
    "ReasoningDelta",
    "RefusalDelta",
    "TextDelta",
    "ToolCallDelta",
    "ToolCallFragment",
    "ToolResult",
    "TurnCompleted",
    "TurnStarted",
    "UsageReported",
    "canonical_event_adapter",
    "dump",
]
