"""The Cohere Chat API v2 block of the check catalogue: ids 600-699, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim
from harness.sources import LLAMASTACK_COHERE_COMPAT

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("cohere-v2",)
BLOCK = range(600, 700)

CHECKS = claim(
    "cohere-v2", BLOCK,
    CheckSpec("LIFECYCLE-601", E, "Exactly one message-start, role assistant, and it is the first event.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-1", FAMILY),
    CheckSpec("LIFECYCLE-602", E, "Exactly one message-end with a finish_reason, and it is the last event (optionally followed by [DONE]).", f"{LLAMASTACK_COHERE_COMPAT} B.1, B.3 C-2", FAMILY),
    CheckSpec("LIFECYCLE-603", E, "content-delta and content-end follow content-start of their index, none after content-end, and every block ends before message-end.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-3", FAMILY),
    CheckSpec("LIFECYCLE-604", W, "Content blocks are sequential and their indices run from 0.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-4", FAMILY),
    CheckSpec("LIFECYCLE-605", E, "A content block is text or thinking, and its deltas carry the matching key.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-5", FAMILY),
    CheckSpec("LIFECYCLE-606", W, "finish_reason is TOOL_CALL exactly when the message made tool calls.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-9 (BerriAI/litellm#12862)", FAMILY),
    CheckSpec("LIFECYCLE-607", I, "A tool-calling message has no text content block (its text is the tool plan).", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-10", FAMILY),
    CheckSpec("LIFECYCLE-608", E, "citation-start j is closed by citation-end j before the next citation-start and before message-end.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-11", FAMILY),
    CheckSpec("LIFECYCLE-609", W, "A text citation's text equals the code-point slice start..end of its block's text.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-11b", FAMILY),
    CheckSpec("LIFECYCLE-610", E, "message-end carries usage when finish_reason is COMPLETE, STOP_SEQUENCE, MAX_TOKENS or TOOL_CALL.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-13", FAMILY),
    CheckSpec("LIFECYCLE-611", I, "Events of other types (debug, unknown) are skipped.", f"{LLAMASTACK_COHERE_COMPAT} B.2", FAMILY),
    CheckSpec("ASSEMBLY-601", E, "tool-call-start k, then tool-call-delta k with string arguments, then tool-call-end k, all before message-end.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-6, B.4", FAMILY),
    CheckSpec("ASSEMBLY-602", E, "Each tool-call-start has a non-empty id and function.name; ids are unique in the message.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-6", FAMILY),
    CheckSpec("ASSEMBLY-603", W, "Tool-call sequences do not interleave.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-7", FAMILY),
    CheckSpec("ASSEMBLY-604", W, "tool-plan-delta events carry a string and all precede the first tool-call-start.", f"{LLAMASTACK_COHERE_COMPAT} B.3 C-8", FAMILY),
    CheckSpec("ASSEMBLY-605", I, "A no-argument call's arguments are empty or 'null' (read as {} by SDK integrations).", f"{LLAMASTACK_COHERE_COMPAT} B.4, B.6 (vercel/ai#4755)", FAMILY),
    CheckSpec("RESUME-601", E, "Echoed function.arguments is a JSON string, not an object.", f"{LLAMASTACK_COHERE_COMPAT} B.5 CR-2", FAMILY),
    CheckSpec("RESUME-602", E, "The next request echoes the turn as an assistant message carrying its tool_calls.", f"{LLAMASTACK_COHERE_COMPAT} B.5 CR-1", FAMILY),
    CheckSpec("RESUME-603", W, "The echoed assistant tool-call message carries tool_plan and tool_calls but no content.", f"{LLAMASTACK_COHERE_COMPAT} B.5 CR-3, B.6", FAMILY),
    CheckSpec("RESUME-605", E, "A tool message's content is a string or a list of document and text parts.", f"{LLAMASTACK_COHERE_COMPAT} B.5", FAMILY),
)
