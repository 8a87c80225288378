"""Raw content blocks as an Anthropic stream builds them, and the block types the protocol knows.

The resume contract (specs/openai-anthropic.md C.5) compares the next request's echo with the
response byte for byte: thinking signatures, redacted_thinking data, citations, server tool
results. So the translator hands each finished block (``RawBlock.final``) to the canonical item as
``Declared.native["block"]``, and the resume check reads it back from ``Item.native``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harness.values import mapping, string

CLIENT_CALL = "tool_use"
SERVER_CALLS = frozenset({"server_tool_use", "mcp_tool_use"})
CALLS = SERVER_CALLS | {CLIENT_CALL}
THINKING = frozenset({"thinking", "redacted_thinking"})
KNOWN = CALLS | THINKING | {"text", "container_upload", "compaction"}

# C.3.5: which block types each delta type may target (compaction_delta is beta, C.2)
DELTA_TARGETS: dict[str, frozenset[str]] = {
    "text_delta": frozenset({"text"}),
    "citations_delta": frozenset({"text"}),
    "thinking_delta": frozenset({"thinking"}),
    "signature_delta": frozenset({"thinking"}),
    "input_json_delta": CALLS,
    "compaction_delta": frozenset({"compaction"}),
}


def is_result(block_type: str) -> bool:
    """``*_tool_result`` blocks (web search, code execution, tool search, MCP, ...) arrive complete."""
    return block_type.endswith("_tool_result")


def is_known(block_type: str) -> bool:
    return block_type in KNOWN or is_result(block_type)


@dataclass(slots=True)
class RawBlock:
    """One content block: its start payload plus the fragments that followed, joined on demand."""

    index: int
    type: str
    start: dict[str, Any]
    item_id: str
    parts: list[str] = field(default_factory=list)  # text_delta / thinking_delta fragments
    json_parts: list[str] = field(default_factory=list)  # input_json_delta fragments
    citations: list[Any] = field(default_factory=list)
    signature: str | None = None  # the last signature_delta (the SDK overwrites, C.4)
    signature_deltas: int = 0
    closed: bool = False
    accepts: frozenset[str] = field(init=False)  # the delta types that may target this block (C.3.5)

    def __post_init__(self) -> None:
        known = is_known(self.type)
        self.accepts = frozenset(kind for kind, targets in DELTA_TARGETS.items() if known and self.type in targets)

    @property
    def call_id(self) -> str | None:
        return string(self.start.get("id"))

    @property
    def result_for(self) -> str | None:
        return string(self.start.get("tool_use_id"))

    def start_text(self, key: str) -> str:
        return string(self.start.get(key)) or ""

    def start_input(self) -> dict[str, Any]:
        return mapping(self.start.get("input"))

    def streamed_json(self) -> str:
        return "".join(self.json_parts)

    def parsed_input(self) -> tuple[Any, bool]:
        """The final input and whether it is a complete JSON object (C.4: empty buffer -> start input)."""
        text = self.streamed_json()
        if not text.strip():
            return self.start_input(), True
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return text, False
        return value, isinstance(value, dict)

    def final(self) -> dict[str, Any]:
        """The block as the SDK's accumulated message holds it, and as an echo must carry it."""
        block = dict(self.start)
        if self.type == "text":
            block["text"] = self.start_text("text") + "".join(self.parts)
            citations = [*(self.start.get("citations") or []), *self.citations]
            if citations:
                block["citations"] = citations
            else:
                block.pop("citations", None)
        elif self.type == "thinking":
            block["thinking"] = self.start_text("thinking") + "".join(self.parts)
            block["signature"] = self.signature if self.signature is not None else self.start_text("signature")
        elif self.type in CALLS:
            block["input"] = self.parsed_input()[0]
        return block
