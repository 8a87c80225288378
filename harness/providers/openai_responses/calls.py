"""OpenAI Responses tool call items: which side runs each one, what it carries, and what answers it.

The item shapes are the SDK's (openai/openai-python src/openai/types/responses/response_output_item.py
and the call types it names: response_function_shell_tool_call.py, response_apply_patch_tool_call.py,
response_computer_tool_call.py, response_custom_tool_call.py, response_tool_search_call.py); the answers
are the input items of response_input_item.py. Everything here reads untrusted dicts and never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness import events as ev
from harness.state import Item
from harness.values import array, mapping, name, string

# A call the client runs, and the input item of the next request that answers it (matched by call_id).
ANSWER_OF = {
    "function_call": "function_call_output",
    "custom_tool_call": "custom_tool_call_output",
    "computer_call": "computer_call_output",
    "local_shell_call": "local_shell_call_output",
    "shell_call": "shell_call_output",
    "apply_patch_call": "apply_patch_call_output",
    "tool_search_call": "tool_search_output",
}
CLIENT_CALLS = frozenset(ANSWER_OF)
ANSWER_TYPES = frozenset(ANSWER_OF.values())
# Hosted tools: the server runs them within the response, so nothing waits for the client.
SERVER_CALLS = frozenset({"web_search_call", "file_search_call", "code_interpreter_call", "image_generation_call",
                          "mcp_call"})
FUNCTION_CALL = "function_call"  # the default call type: the only one a turn does not record in Item.native

# The members that say what a call does, folded into the canonical item's arguments as one JSON object
# (the arguments of a function call, the input of a custom tool and the code of the interpreter are
# folded as they stream): shell commands, the patch operation, the computer action, the search.
CONTENT = {
    "local_shell_call": ("action",),
    "shell_call": ("action", "environment"),
    "apply_patch_call": ("operation",),
    "computer_call": ("action", "actions", "pending_safety_checks"),
    "tool_search_call": ("arguments", "execution"),
    "web_search_call": ("action",),
    "file_search_call": ("queries",),
}
# The tool a call item belongs to, named as the request's ``tools`` entry names it, for items without a name.
TOOL_NAMES = {
    "local_shell_call": "local_shell", "shell_call": "shell", "apply_patch_call": "apply_patch",
    "computer_call": "computer", "tool_search_call": "tool_search", "web_search_call": "web_search",
    "file_search_call": "file_search", "code_interpreter_call": "code_interpreter",
    "image_generation_call": "image_generation",
}
_HOSTED = frozenset({"container_auto", "container_reference"})  # function_shell_tool.py: Environment


@dataclass(frozen=True, slots=True)
class DeclaredTools:
    """What the request that produced a stream says about its tools (unknown without a JSON body).

    ``custom`` names the custom tools the client declared; None when it cannot be known (no tools list,
    or tools a tool search may load). ``hosted_shell``: the shell tool runs in a hosted container.
    """

    custom: frozenset[str] | None = None
    hosted_shell: bool = False


UNKNOWN_TOOLS = DeclaredTools()


def declared_tools(body: Any) -> DeclaredTools:
    tools = body.get("tools") if isinstance(body, dict) else None
    if not isinstance(tools, list):
        return UNKNOWN_TOOLS
    entries = [mapping(tool) for tool in tools]
    entries += [mapping(inner) for tool in entries if tool.get("type") == "namespace" for inner in array(tool.get("tools"))]
    searched = any(tool.get("type") == "tool_search" for tool in entries) or any(
        mapping(entry).get("type") == "tool_search_output" for entry in array(body.get("input")))
    custom = None if searched else frozenset(
        tool["name"] for tool in entries if tool.get("type") == "custom" and name(tool.get("name")))
    hosted = any(tool.get("type") == "shell" and name(mapping(tool.get("environment")).get("type")) in _HOSTED
                 for tool in entries)
    return DeclaredTools(custom=custom, hosted_shell=hosted)


def executor_of(item: dict[str, Any], tools: DeclaredTools = UNKNOWN_TOOLS) -> ev.Executor | None:
    """Which side runs a call item; None for an item that is no call.

    A shell call runs on the server when its environment (or, without one, the request's shell tool) is a
    hosted container; a tool search says so in ``execution``. A custom tool call for a tool the client never
    declared, and a call type outside the SDK union, are a compatible server's own tools (xAI streams its
    searches as custom_tool_call and x_search_call items: vercel/ai packages/xai/src/responses/xai-responses-api.ts).
    """
    kind = name(item.get("type")) or ""
    if kind == "tool_search_call":
        return "client" if item.get("execution") == "client" else "server"
    if kind == "shell_call":
        environment = name(mapping(item.get("environment")).get("type"))
        hosted = environment in _HOSTED if environment is not None else tools.hosted_shell
        return "server" if hosted else "client"
    if kind in CLIENT_CALLS:
        return "server" if vendor_tool(item, tools) else "client"
    if kind in SERVER_CALLS or kind.endswith("_call"):
        return "server"
    return None


def vendor_tool(item: dict[str, Any], tools: DeclaredTools) -> bool:
    """Whether a call is a compatible server's own: an undeclared custom tool, or a type the SDK does not know."""
    kind = name(item.get("type")) or ""
    if kind == "custom_tool_call":
        return tools.custom is not None and string(item.get("name")) not in tools.custom
    return kind.endswith("_call") and kind not in CLIENT_CALLS and kind not in SERVER_CALLS


def content_of(item: dict[str, Any]) -> dict[str, Any] | None:
    """The members of a call that say what it does (``CONTENT``), or None for a type without them."""
    members = CONTENT.get(string(item.get("type")) or "")
    if members is None:
        return None
    found = {member: item[member] for member in members if item.get(member) is not None}
    return found or None


def answer_key(entry: dict[str, Any]) -> str | None:
    """The call an output item answers. local_shell_call_output is documented keyed by ``id`` (the call's
    id: response_input_item.py LocalShellCallOutput), and sent with ``call_id`` in practice: either is read."""
    key = name(entry.get("call_id"))
    if key is None and entry.get("type") == "local_shell_call_output":
        return name(entry.get("id"))
    return key


def result_of(entry: dict[str, Any]) -> Any:
    """What an output item carries: the loaded tools of a tool search, the output of any other."""
    return entry.get("tools") if entry.get("type") == "tool_search_output" else entry.get("output")


def call_type(item: Item) -> str:
    """The native type of a folded call: kept in ``Item.native``; a function call when none was kept."""
    kind = item.native.get("type")
    return kind if isinstance(kind, str) else FUNCTION_CALL
