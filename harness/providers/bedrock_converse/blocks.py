"""Content blocks as a ConverseStream builds them, and as the next request must echo them.

The resume contract (specs/gemini-mistral-bedrock.md D.5) wants the assistant message back with
its toolUse blocks (same toolUseId, name and input object) and its reasoning untouched (text with
its signature, redactedContent as sent). So the translator hands each finished block
(``Block.final``, a ``ContentBlock`` of botocore/data/bedrock-runtime/2023-09-30/service-2.json) to
its canonical item as ``Declared.native["block"]``; the resume module reads it back from there.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from harness.values import string

SERVER_TOOL = "server_tool_use"  # ToolUseBlockStart.type of a tool the model runs itself (Nova system tools)
# the kind of block each delta member belongs to (ContentBlockDelta -> ContentBlock)
DELTA_KINDS = {"text": "text", "citation": "text", "reasoningContent": "reasoning", "toolUse": "toolUse",
               "toolResult": "toolResult", "image": "image"}
IMPLICIT = frozenset({"text", "reasoning"})  # blocks real Bedrock opens without a contentBlockStart (D.2)


@dataclass(slots=True)
class Block:
    """One content block: its start member (empty for text and reasoning) and what its deltas brought."""

    index: int
    kind: str  # text, reasoning, toolUse, toolResult, image
    item_id: str
    start: dict[str, Any] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)  # text, reasoning text or toolUse input fragments
    signature: str | None = None
    signatures: int = 0
    redacted: list[str] = field(default_factory=list)  # base64 redactedContent pieces
    results: list[Any] = field(default_factory=list)  # toolResult content blocks
    image: dict[str, Any] = field(default_factory=dict)
    closed: bool = False

    @property
    def call_id(self) -> str | None:
        return string(self.start.get("toolUseId"))

    @property
    def is_server(self) -> bool:
        return self.kind == "toolResult" or (self.kind == "toolUse" and self.start.get("type") == SERVER_TOOL)

    @property
    def is_client_call(self) -> bool:
        return self.kind == "toolUse" and not self.is_server

    def final(self) -> dict[str, Any]:
        """The block as a ``ContentBlock`` of the next request carries it."""
        if self.kind == "text":
            return {"text": "".join(self.parts)}
        if self.kind == "reasoning":
            if self.redacted:
                return {"reasoningContent": {"redactedContent": joined_blob(self.redacted)}}
            text: dict[str, Any] = {"text": "".join(self.parts)}
            if self.signature is not None:
                text["signature"] = self.signature
            return {"reasoningContent": {"reasoningText": text}}
        if self.kind == "toolUse":
            # a request's ToolUseBlock.type knows only server_tool_use (Nova also streams `tool_use`)
            start = {key: value for key, value in self.start.items() if key != "type" or value == SERVER_TOOL}
            return {"toolUse": {**start, "input": parsed_input("".join(self.parts))}}
        if self.kind == "toolResult":
            return {"toolResult": {**self.start, "content": list(self.results)}}
        return {self.kind: {**self.start, **self.image}}


def parsed_input(text: str) -> Any:
    """D.4: the joined fragments parse as one JSON document, an empty join meaning ``{}``; text that
    does not parse is kept as it is (the reducer reports it, the echo cannot carry it)."""
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def joined_blob(pieces: list[str]) -> str:
    """One base64 value for the bytes of several redactedContent deltas (a blob is bytes, so the
    pieces join once decoded); pieces that are not base64 are kept joined as they came."""
    if len(pieces) == 1:
        return pieces[0]
    try:
        return base64.b64encode(b"".join(base64.b64decode(piece, validate=True) for piece in pieces)).decode()
    except (binascii.Error, ValueError):
        return "".join(pieces)
