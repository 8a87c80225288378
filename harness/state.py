"""Canonical folded state: what a turn *means* once its events are applied in order."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from harness.events import Declared, Executor, InterruptKind, ItemKind, StopReason

TurnStatus = Literal["in_progress", "completed", "incomplete", "failed", "interrupted", "truncated"]
ItemStatus = Literal["in_progress", "completed", "incomplete"]
Channel = Literal["text", "reasoning", "refusal"]  # the item fields that hold text by part
CHANNELS: tuple[Channel, ...] = ("text", "reasoning", "refusal")


class Usage(BaseModel):
    input_tokens: int | None = None
    output_tokens: int | None = None
    reasoning_tokens: int | None = None
    cached_tokens: int | None = None
    total_tokens: int | None = None


class Item(BaseModel):
    item_id: str
    kind: ItemKind
    status: ItemStatus = "in_progress"
    role: str | None = None
    name: str | None = None
    call_id: str | None = None
    executor: Executor | None = None
    text: dict[int, str] = Field(default_factory=dict)
    reasoning: dict[int, str] = Field(default_factory=dict)
    refusal: dict[int, str] = Field(default_factory=dict)
    arguments_text: str | None = None
    arguments: Any = None
    arguments_valid: bool | None = None
    declared: Declared | None = None
    native: dict[str, Any] = Field(default_factory=dict)  # provider-opaque values to echo, from Declared.native

    @property
    def is_client_call(self) -> bool:
        return self.kind == "tool_call" and self.executor != "server"

    def joined(self, channel: Channel = "text") -> str:
        """The item's text on one channel, its parts joined in part order."""
        parts = getattr(self, channel)
        return "".join(parts[part] for part in sorted(parts))


class ToolResultState(BaseModel):
    call_id: str
    output: Any = None
    is_error: bool = False
    executor: Executor = "server"


class Interrupt(BaseModel):
    kind: InterruptKind
    pending: list[str] = Field(default_factory=list)
    handle: dict[str, Any] = Field(default_factory=dict)


class ErrorInfo(BaseModel):
    code: str | None = None
    message: str
    retryable: bool | None = None


class Turn(BaseModel):
    response_id: str | None = None
    conversation_id: str | None = None
    session_id: str | None = None
    previous_response_id: str | None = None
    model: str | None = None
    status: TurnStatus = "in_progress"
    items: list[Item] = Field(default_factory=list)
    tool_results: list[ToolResultState] = Field(default_factory=list)
    interrupt: Interrupt | None = None
    usage: Usage | None = None
    stop: StopReason | None = None
    native_stop: str | None = None
    errors: list[ErrorInfo] = Field(default_factory=list)
    native: dict[str, Any] = Field(default_factory=dict)  # provider facts from TurnStarted.native

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.item_id == item_id), None)

    @property
    def client_calls(self) -> list[Item]:
        return [item for item in self.items if item.is_client_call]

    @property
    def text(self) -> str:
        """All visible text of the turn, in item and part order."""
        return self.joined("text", kinds=("message",))

    def joined(self, channel: Channel, kinds: tuple[ItemKind, ...] | None = None) -> str:
        """One channel's text over the turn's items (of ``kinds``, default all), in item and part order."""
        return "".join(item.joined(channel) for item in self.items if kinds is None or item.kind in kinds)


class Conversation(BaseModel):
    """The turns of one cassette, in exchange order, linked by their resume handles."""

    turns: list[Turn] = Field(default_factory=list)
