"""OpenAI Responses output items: what kind of canonical item each is, and what its final shape declares.

Item shapes follow specs/openai-anthropic.md A.4; which side runs a call, and what it carries, is
``calls.py``. Everything here reads untrusted dicts, so every accessor checks types and falls back to
None instead of raising.
"""

from __future__ import annotations

import re
from typing import Any

from harness import events as ev
from harness.jsontext import compact_json
from harness.providers.openai_responses.calls import (
    ANSWER_TYPES,
    FUNCTION_CALL,
    TOOL_NAMES,
    UNKNOWN_TOOLS,
    DeclaredTools,
    answer_key,
    content_of,
    executor_of,
    result_of,
)
from harness.values import array, integer, mapping, string

APPROVAL_REQUEST = "mcp_approval_request"
APPROVAL_RESPONSE = "mcp_approval_response"

# Free-form (non-JSON) tool input is carried as text part 0 of its tool_call item: canonical
# arguments are JSON by contract and the reducer parses them (A.7: "custom input is free text").
FREEFORM_PART = 0
# Raw reasoning content (reasoning_text) shares the reasoning channel with summaries; its parts are
# numbered from here so summary_index 0 and content_index 0 never collide.
REASONING_TEXT_BASE = 1000

PROGRESS_EVENT = re.compile(
    r"^response\.(web_search_call|file_search_call|code_interpreter_call|image_generation_call|mcp_list_tools|mcp_call)"
    r"\.(\w+)$"
)
# A.6.14: the rank of each progress step within its item; a step may not come after a higher rank.
# MCP call in_progress is unranked: its position relative to argument deltas differs (do not enforce).
_SEARCH = {"in_progress": 0, "searching": 1, "completed": 2}
PROGRESS_RANK: dict[str, dict[str, int]] = {
    "web_search_call": _SEARCH,
    "file_search_call": _SEARCH,
    "code_interpreter_call": {"in_progress": 0, "code": 1, "interpreting": 2, "completed": 3},
    "image_generation_call": {"in_progress": 0, "generating": 1, "partial_image": 2, "completed": 3},
    "mcp_list_tools": {"in_progress": 0, "completed": 1, "failed": 1},
    "mcp_call": {"arguments": 0, "completed": 1, "failed": 1},
}


def index(value: Any) -> int | None:
    """An output/content/summary index: a non-negative integer, else None (the schema reports it)."""
    return value if type(value) is int and value >= 0 else None  # not a bool: type(True) is bool


def canonical_kind(item: dict[str, Any]) -> ev.ItemKind:
    kind = string(item.get("type"))
    if kind in ("message", "reasoning"):
        return kind  # type: ignore[return-value]
    if executor_of(item) is not None:
        return "tool_call"
    return "approval_request" if kind == APPROVAL_REQUEST else "other"


def tool_name(item: dict[str, Any]) -> str | None:
    """The item's tool name, or the tool type a nameless call belongs to (shell, apply_patch, ...)."""
    return string(item.get("name")) or TOOL_NAMES.get(string(item.get("type")) or "")


def item_started(item: dict[str, Any], item_id: str, tools: DeclaredTools = UNKNOWN_TOOLS) -> ev.ItemStarted:
    return ev.ItemStarted(
        item_id=item_id,
        kind=canonical_kind(item),
        role=string(item.get("role")),
        name=tool_name(item),
        call_id=string(item.get("call_id")),
        executor=executor_of(item, tools),
    )


def native_type(item: dict[str, Any]) -> dict[str, str] | None:
    """A call item's type, kept on the canonical item (``Item.native``) so the next request can answer it
    with its own output type and echo it as it was; a function call, the default, keeps nothing."""
    kind = string(item.get("type"))
    if kind is None or kind == FUNCTION_CALL or executor_of(item) is None:
        return None
    return {"type": kind}


def freeform_input(item: dict[str, Any]) -> str | None:
    """The non-JSON input a tool item carries: custom tool input or interpreter code."""
    return string(item.get("input")) if item.get("type") == "custom_tool_call" else string(item.get("code"))


def content_texts(item: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Final texts a done item carries, per canonical channel and part number."""
    found: dict[str, dict[int, str]] = {"text": {}, "refusal": {}, "reasoning": {}}
    for index, part in enumerate(array(item.get("content"))):
        if not isinstance(part, dict):
            continue
        if part.get("type") == "output_text" and isinstance(part.get("text"), str):
            found["text"][index] = part["text"]
        elif part.get("type") == "refusal" and isinstance(part.get("refusal"), str):
            found["refusal"][index] = part["refusal"]
        elif part.get("type") == "reasoning_text" and isinstance(part.get("text"), str):
            found["reasoning"][REASONING_TEXT_BASE + index] = part["text"]
    for index, part in enumerate(array(item.get("summary"))):
        if isinstance(part, dict) and isinstance(part.get("text"), str):
            found["reasoning"][index] = part["text"]
    return found


def arguments_of(item: dict[str, Any]) -> str | None:
    """JSON argument text of a call item: as declared (function, MCP, approval request), or the members
    that say what the call does (``calls.CONTENT``) as one object; None for free-form tools."""
    content = content_of(item)
    if content is not None:
        return compact_json(content)
    if item.get("type") in ("custom_tool_call", "code_interpreter_call"):
        return None
    return string(item.get("arguments"))


def error_message(body: dict[str, Any]) -> str:
    message = string(body.get("message"))
    return "(no message)" if message is None else message


def usage_event(raw: Any) -> ev.UsageReported | None:
    if not isinstance(raw, dict):
        return None
    return ev.UsageReported(
        input_tokens=integer(raw.get("input_tokens")),
        output_tokens=integer(raw.get("output_tokens")),
        total_tokens=integer(raw.get("total_tokens")),
        cached_tokens=integer(mapping(raw.get("input_tokens_details")).get("cached_tokens")),
        reasoning_tokens=integer(mapping(raw.get("output_tokens_details")).get("reasoning_tokens")),
    )


def server_result(item: dict[str, Any], item_id: str) -> list[ev.CanonicalEvent]:
    """What the server ran within the response: an MCP call carries its output (or error) on the done item;
    an output item (a hosted shell's shell_call_output, a server tool search's tool_search_output) answers
    the call it names."""
    kind = string(item.get("type"))
    if kind in ANSWER_TYPES:
        key = answer_key(item)
        return [] if key is None else [ev.ToolResult(call_id=key, output=result_of(item), executor="server")]
    if kind != "mcp_call" or (item.get("output") is None and item.get("error") is None):
        return []
    failed = item.get("error") is not None
    return [ev.ToolResult(call_id=item_id, output=item.get("error") if failed else item.get("output"),
                          is_error=failed, executor="server")]
