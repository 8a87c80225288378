"""The OpenAI Responses block of the check catalogue: ids 100-199, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim
from harness.sources import OPENAI_ANTHROPIC

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("openai-responses",)
SDK = "openai-python src/openai/types/responses/"
BLOCK = range(100, 200)

CHECKS = claim(
    "openai-responses", BLOCK,
    CheckSpec("LIFECYCLE-101", E, "A fresh stream opens with response.created.", f"{OPENAI_ANTHROPIC} A.6.3", FAMILY),
    CheckSpec("LIFECYCLE-102", E, "response.id is identical in every lifecycle event.", f"{OPENAI_ANTHROPIC} A.6.5", FAMILY),
    CheckSpec("LIFECYCLE-103", W, "output_item.added output_index values run 0, 1, 2, ... in order.", f"{OPENAI_ANTHROPIC} A.6.6", FAMILY),
    CheckSpec("LIFECYCLE-104", E, "An item keeps its id and type from output_item.added to output_item.done.", f"{OPENAI_ANTHROPIC} A.6.7", FAMILY),
    CheckSpec("LIFECYCLE-105", E, "Item-scoped events name the item_id and output_index of an open item.", f"{OPENAI_ANTHROPIC} A.6.8", FAMILY),
    CheckSpec("LIFECYCLE-106", E, "Content parts open before their deltas and close after their .done; content_index runs 0, 1, ...", f"{OPENAI_ANTHROPIC} A.6.9", FAMILY),
    CheckSpec("LIFECYCLE-107", E, "Reasoning summary parts open, stream and close in order; summary_index runs 0, 1, ...", f"{OPENAI_ANTHROPIC} A.6.12", FAMILY),
    CheckSpec("LIFECYCLE-108", W, "A function_call opens with name and call_id, empty arguments, in_progress, and closes completed or incomplete.", f"{OPENAI_ANTHROPIC} A.6.13", FAMILY),
    CheckSpec("LIFECYCLE-109", W, "Hosted tool progress events come in their documented order.", f"{OPENAI_ANTHROPIC} A.6.14", FAMILY),
    CheckSpec("LIFECYCLE-110", E, "response.incomplete carries incomplete_details.reason; response.failed carries error.", f"{OPENAI_ANTHROPIC} A.6.17", FAMILY),
    CheckSpec("LIFECYCLE-111", I, "A `[DONE]` sentinel, which OpenAI's Responses API never sends, was tolerated.", f"{OPENAI_ANTHROPIC} A.1", FAMILY),
    CheckSpec("LIFECYCLE-112", W, "usage stays null until the terminal event.", f"{OPENAI_ANTHROPIC} A.6.16", FAMILY),
    CheckSpec("LIFECYCLE-113", W, "function_call_arguments.done carries the tool name.", f"{OPENAI_ANTHROPIC} A.9", FAMILY),
    CheckSpec("LIFECYCLE-114", I, "The error event arrived in its nested form (documented flat); normalised.", f"{OPENAI_ANTHROPIC} A.9", FAMILY),
    CheckSpec("LIFECYCLE-115", E, "A call item (function, custom, shell, local shell, apply_patch, computer, tool search, ...) keeps its call_id from output_item.added to output_item.done: the next request answers the call by it. When it changes, the done id is the one kept (pending, answered, echoed), since the done item is what the stored response and response.output hold.", f"{OPENAI_ANTHROPIC} A.6.7, A.6.13, A.8.1", FAMILY),
    CheckSpec("LIFECYCLE-116", I, "A call the client could not have been asked to run is read as the server's own tool call, folded and never pending: a custom_tool_call for a tool the request did not declare, or a *_call item type outside the SDK union (xAI runs its searches so, then answers in the same response).", f"{SDK}response_output_item.py; vercel/ai packages/xai/src/responses/xai-responses-api.ts", FAMILY),
    CheckSpec("RESUME-101", E, "With previous_response_id, output items of that response are not re-sent.", f"{OPENAI_ANTHROPIC} A.8.1.2", FAMILY),
    CheckSpec("RESUME-102", E, "previous_response_id is used only when the previous response was stored.", f"{OPENAI_ANTHROPIC} A.8.1.3", FAMILY),
    CheckSpec("RESUME-103", E, "previous_response_id is not combined with conversation.", f"{OPENAI_ANTHROPIC} A.8.1.4", FAMILY),
    CheckSpec("RESUME-104", E, "Input item ids carry the right prefix (a call_ id is not an item id).", f"{OPENAI_ANTHROPIC} A.8.1.5", FAMILY),
    CheckSpec("RESUME-105", E, "A stateless re-send keeps every function_call with its reasoning item and every reasoning item with its follower.", f"{OPENAI_ANTHROPIC} A.8.2", FAMILY),
    CheckSpec("RESUME-106", E, "Only background responses can be re-attached with starting_after.", f"{OPENAI_ANTHROPIC} A.8.4", FAMILY),
    CheckSpec("RESUME-107", E, "A tool output item names its call (call_id; local_shell_call_output may use id) and carries what its type documents: a string or input_text/input_image/input_file parts (function, custom), a string (local shell), stdout, stderr and an exit or timeout outcome per command (shell), status completed or failed (apply_patch), a computer_screenshot (computer), a tools list (tool search).", f"{OPENAI_ANTHROPIC} A.8.1; {SDK}response_input_item.py", FAMILY),
    CheckSpec("RESUME-108", E, "A call is answered with its own output type, matched by call_id: function_call_output, custom_tool_call_output, local_shell_call_output, shell_call_output, apply_patch_call_output, computer_call_output, tool_search_output. Server-executed items (hosted tools, hosted shell, MCP calls, server tool search) need no answer.", f"{SDK}response_input_item.py", FAMILY),
)
