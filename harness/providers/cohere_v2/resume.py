"""The Cohere v2 resume contract (specs/llamastack-cohere-compat.md B.5): a stateless re-send.

The next ``POST /v2/chat`` repeats the history, then the assistant message with ``tool_plan`` and
``tool_calls`` (``function.arguments`` a JSON string, CR-2; no ``content``, CR-3), then one
``role: "tool"`` message per call id (CR-1: counted by ``answer_checks`` as RESUME-003/004/005),
a tool message's content a string or document/text parts (RESUME-605). CR-4 (``tools`` re-sent
unchanged) needs the first request, which ``check_resume`` is not given: not checked.

What Cohere v2 shares with Chat Completions is written once in ``harness.checks.chat_resume``; ``RULES``
names this family's ids and rules.
"""

from __future__ import annotations

from harness.checks.chat_resume import ChatResume, echoed_calls
from harness.checks.tool_calls import Message
from harness.checks.tool_calls import is_continuation as is_continuation  # this module's contract
from harness.state import Turn


def _echo(turn: Turn) -> Message:
    """CR-3: the turn's text as ``tool_plan``, never as content; every call with an id (CR-2)."""
    echo: Message = {"role": "assistant"}
    if turn.text:
        echo["tool_plan"] = turn.text
    echo["tool_calls"] = echoed_calls(item for item in turn.client_calls if item.call_id)
    return echo


RULES = ChatResume(
    arguments_rule="RESUME-601", echo_rule="RESUME-602",  # CR-2, CR-1
    content_rule="RESUME-605", content_message="tool message content is a {kind} (or holds unknown parts)",
    part_types=("document", "text"),
    model="command-x", echo=_echo,
    echo_content=("RESUME-603", "the echoed tool-call message carries content (CR-3: omit it)"),
)
check = RULES.check
build = RULES.build
