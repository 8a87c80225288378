"""The Chat Completions resume contract (specs/openai-anthropic.md B.5): a stateless re-send.

The next request repeats the history, then the assistant message with ``tool_calls`` exactly as the
model produced them (``function.arguments`` a JSON string), then one ``role: "tool"`` message per
call id in the contiguous block right after it. The API's three documented 400s map onto the
provider-neutral counting (``answer_checks``: B.5.1 unanswered -> RESUME-003, answered twice ->
RESUME-004, B.5.3 unknown id -> RESUME-005) and RESUME-006 (B.5.1/B.5.2: a tool message outside
the block that follows the tool calls). Only choice 0 is continued (see ``translator.py``).

OpenRouter (specs/llamastack-cohere-compat.md C.2) streams reasoning as typed ``reasoning_details``
and wants them back on the assistant message that echoes a turn with tool calls: for Gemini models
behind it a request without them is a 400 ("Gemini models require OpenRouter reasoning details to be
preserved in each request": LibreChat-AI/agents#37, RooCodeInc/Roo-Code#10307; the fix in
RooCodeInc/Roo-Code#9506 follows openrouter.ai/docs/use-cases/reasoning-tokens#preserving-reasoning-blocks).
The encrypted and signed parts are what the model needs, so those are checked (RESUME-306) and echoed.

Mistral (specs/gemini-mistral-bedrock.md B.7) takes the same shape and adds one documented rule: every
tool call id in the request is 9 characters a-z, A-Z, 0-9 (B.6, RESUME-305). Its tool messages may name
the function (``name``, which ``build`` adds for a Mistral turn); nothing more is documented.

What Chat Completions shares with Cohere v2 is written once in ``harness.checks.chat_resume``; ``RULES``
names this family's ids and rules.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from harness.checks.chat_resume import ChatResume, echoed_calls
from harness.checks.tool_calls import Message, produced, tool_calls
from harness.checks.tool_calls import is_continuation as is_continuation  # this module's contract
from harness.exchange import Request
from harness.findings import Finding, Location, finding
from harness.providers.openai_chat import mistral
from harness.state import Turn
from harness.values import array, mapping


def is_mistral(turn: Turn) -> bool:
    """A turn a Mistral server streamed (the translator recognised it at the first chunk)."""
    return turn.native.get("server") == mistral.SERVER


def _echo(turn: Turn) -> Message:
    """B.5: the turn's text as content (null without text), and its calls when it made any."""
    calls = produced(turn)
    echo: Message = {"role": "assistant", "content": turn.text or None}
    if calls:
        echo["tool_calls"] = echoed_calls(calls.values())
    if details := reasoning_details(turn):
        echo["reasoning_details"] = deepcopy(details)  # the request is the caller's to change, the turn is not
    return echo


def reasoning_details(turn: Turn) -> list[dict[str, Any]]:
    """The encrypted and signed ``reasoning_details`` parts the turn streamed (kept on its reasoning items)."""
    return [part for item in turn.items if item.kind == "reasoning" for part in item.native.get("reasoning_details", ())]


def _opaque_values(parts: list[Any]) -> list[str]:
    """What must come back unchanged: each part's encrypted ``data`` and its ``signature``."""
    return [value for part in parts for key in ("data", "signature")
            if isinstance(value := mapping(part).get(key), str)]


def _reasoning_echo(turn: Turn, echo: Message, at: int, exchange: int) -> list[Finding]:
    """RESUME-306: an echo of a turn with tool calls carries back every encrypted or signed reasoning part."""
    wanted = _opaque_values(reasoning_details(turn))
    if not wanted or not produced(turn):
        return []
    echoed = set(_opaque_values(array(echo.get("reasoning_details"))))
    missing = [value for value in wanted if value not in echoed]
    if not missing:
        return []
    how = "carries no reasoning_details" if not echoed else "changes or leaves out reasoning_details parts"
    return [finding("RESUME-306", f"the assistant message echoing the turn's tool calls {how}: {len(missing)} of "
                                  f"the {len(wanted)} encrypted or signed value(s) the stream sent are not echoed "
                                  "(OpenRouter answers 400 for Gemini models without them)",
                    Location(exchange=exchange, path=f"messages[{at}].reasoning_details"))]


def _mistral_ids(turn: Turn, request: Request, messages: list[Message], exchange: int) -> list[Finding]:
    """B.6: Mistral answers 400 to any tool call id in the request that is not 9 characters a-z, A-Z, 0-9."""
    if not (mistral.is_host(request.uri) or is_mistral(turn)):
        return []
    found: list[Finding] = []
    for n, message in enumerate(messages):
        ids = [(f"messages[{n}].tool_calls[{m}].id", call.get("id")) for m, call in enumerate(tool_calls(message))]
        if message.get("role") == "tool":
            ids.append((f"messages[{n}].tool_call_id", message.get("tool_call_id")))
        for path, call_id in ids:
            problem = mistral.id_problem(call_id) if isinstance(call_id, str) else None  # absent: counted elsewhere
            if problem:
                found.append(finding("RESUME-305", f"tool call id {call_id!r} {problem}: Mistral answers 400 \"Tool "
                                                   "call id was ... but must be a-z, A-Z, 0-9, with a length of 9.\"",
                                     Location(exchange=exchange, path=path), actual=call_id))
    return found


RULES = ChatResume(
    arguments_rule="RESUME-301", echo_rule="RESUME-302",  # B.5.4, B.5.1
    content_rule="RESUME-303", content_message="tool message content is a {kind}", part_types=("text",),  # B.5.4
    model="gpt-x", echo=_echo,
    last_assistant=True,  # a turn without calls: its text message is the echo
    in_block=True,  # B.5.1/B.5.2
    order_rule="RESUME-304",  # B.5.4: not documented as significant
    request_rules=_mistral_ids,
    echo_rules=_reasoning_echo,
    names_tool=is_mistral,  # B.7
)
check = RULES.check
build = RULES.build
