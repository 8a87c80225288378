"""The Anthropic Messages block of the check catalogue: ids 200-299, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim
from harness.sources import OPENAI_ANTHROPIC

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("anthropic-messages",)
BLOCK = range(200, 300)

CHECKS = claim(
    "anthropic-messages", BLOCK,
    CheckSpec("LIFECYCLE-201", E, "The first non-ping event is message_start with empty content and null stop_reason.", f"{OPENAI_ANTHROPIC} C.3.1", FAMILY),
    CheckSpec("LIFECYCLE-202", E, "Each block index gets one content_block_start, deltas, one content_block_stop; indices run 0, 1, ...", f"{OPENAI_ANTHROPIC} C.3.2, C.3.3", FAMILY),
    CheckSpec("LIFECYCLE-203", W, "Content blocks do not overlap (block i stops before block i+1 starts).", f"{OPENAI_ANTHROPIC} C.3.4", FAMILY),
    CheckSpec("LIFECYCLE-204", E, "A delta's type matches its block's type.", f"{OPENAI_ANTHROPIC} C.3.5", FAMILY),
    CheckSpec("LIFECYCLE-205", W, "A thinking block ends with one non-empty signature, after its last thinking delta.", f"{OPENAI_ANTHROPIC} C.3.6", FAMILY),
    CheckSpec("LIFECYCLE-206", E, "At least one message_delta follows the last content_block_stop, the last with a stop_reason.", f"{OPENAI_ANTHROPIC} C.3.7", FAMILY),
    CheckSpec("LIFECYCLE-207", E, "stop_sequence is set exactly when stop_reason is stop_sequence.", f"{OPENAI_ANTHROPIC} C.3.10", FAMILY),
    CheckSpec("LIFECYCLE-208", E, "tool_use ids are unique; a server tool result names an earlier server_tool_use.", f"{OPENAI_ANTHROPIC} C.3.12", FAMILY),
    CheckSpec("LIFECYCLE-209", E, "An error event carries a documented error.type.", f"{OPENAI_ANTHROPIC} C.3.15", FAMILY),
    CheckSpec("LIFECYCLE-210", W, "message_delta carries usage.", f"{OPENAI_ANTHROPIC} C.6", FAMILY),
    CheckSpec("LIFECYCLE-211", E, "message_start arrives once (a second one means a spliced stream).", "specs/prior-art.md (vercel/ai#18402)", FAMILY),
    CheckSpec("RESUME-201", E, "tool_result blocks come first in the next user message.", f"{OPENAI_ANTHROPIC} C.5.2", FAMILY),
    CheckSpec("RESUME-202", E, "No tool_result answers a server tool.", f"{OPENAI_ANTHROPIC} C.5.4", FAMILY),
    CheckSpec("RESUME-203", E, "thinking and redacted_thinking blocks are echoed byte for byte.", f"{OPENAI_ANTHROPIC} C.5.5", FAMILY),
    CheckSpec("RESUME-204", E, "With thinking on, the echoed assistant message starts with thinking; it never ends with one.", f"{OPENAI_ANTHROPIC} C.5.6", FAMILY),
    CheckSpec("RESUME-205", E, "Empty text blocks are dropped from the echo.", f"{OPENAI_ANTHROPIC} C.5.7", FAMILY),
    CheckSpec("RESUME-206", E, "The assistant content is echoed unchanged and in order.", f"{OPENAI_ANTHROPIC} C.5", FAMILY),
    CheckSpec("RESUME-207", E, "After pause_turn the request ends with the paused assistant content.", f"{OPENAI_ANTHROPIC} C.5.8", FAMILY),
    CheckSpec("RESUME-208", E, "A tool_use cut short by max_tokens is not echoed.", f"{OPENAI_ANTHROPIC} C.5.9", FAMILY),
)
