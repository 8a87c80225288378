"""The Mistral Conversations API block of the check catalogue: ids 500-599, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim
from harness.sources import GEMINI_MISTRAL_BEDROCK

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("mistral-conversations",)
BLOCK = range(500, 600)

CHECKS = claim(
    "mistral-conversations", BLOCK,
    CheckSpec("LIFECYCLE-501", E, "The stream opens with one conversation.response.started carrying a non-empty conversation_id.", f"{GEMINI_MISTRAL_BEDROCK} B.3.1", FAMILY),
    CheckSpec("LIFECYCLE-502", E, "Exactly one terminal event (conversation.response.done or .error); nothing follows it.", f"{GEMINI_MISTRAL_BEDROCK} B.3.2", FAMILY),
    CheckSpec("LIFECYCLE-503", W, "No output_index group begins after a higher output_index has started.", f"{GEMINI_MISTRAL_BEDROCK} B.3.3", FAMILY),
    CheckSpec("LIFECYCLE-504", E, "A built-in tool runs tool.execution.started, then .delta*, then .done, with the same id.", f"{GEMINI_MISTRAL_BEDROCK} B.3.6", FAMILY),
    CheckSpec("LIFECYCLE-505", E, "agent.handoff.started precedes agent.handoff.done with the same id.", f"{GEMINI_MISTRAL_BEDROCK} B.3.7", FAMILY),
    CheckSpec("LIFECYCLE-506", W, "An append streams the conversation its path names; a restart streams a new one.", f"{GEMINI_MISTRAL_BEDROCK} B.3.1", FAMILY),
    CheckSpec("LIFECYCLE-507", W, "usage.total_tokens equals prompt_tokens + completion_tokens (connector tokens apart).", f"{GEMINI_MISTRAL_BEDROCK} B.3.9", FAMILY),
    CheckSpec("LIFECYCLE-508", W, "Messages after a handoff carry the next agent's agent_id.", f"{GEMINI_MISTRAL_BEDROCK} B.3.7", FAMILY),
    CheckSpec("ASSEMBLY-501", E, "Events of one output_index are of one entry kind and keep its id (and a call its name and tool_call_id).", f"{GEMINI_MISTRAL_BEDROCK} B.3.4, B.3.5, B.4", FAMILY),
    CheckSpec("ASSEMBLY-502", W, "A tool_call_id is not the literal string \"null\" (the SDK's default for a missing id).", f"{GEMINI_MISTRAL_BEDROCK} B.6", FAMILY),
    CheckSpec("RESUME-501", E, "Every function.result carries a tool_call_id and a string result.", f"{GEMINI_MISTRAL_BEDROCK} B.5 C1", FAMILY),
    CheckSpec("RESUME-502", E, "An append body carries no tools, instructions, model or agent_id (422 extra_forbidden).", f"{GEMINI_MISTRAL_BEDROCK} B.5 C2, B.6 (partITech/php-mistral#74)", FAMILY),
    CheckSpec("RESUME-503", E, "A restart names the entry it branches from (from_entry_id).", f"{GEMINI_MISTRAL_BEDROCK} B.1, B.5 C5", FAMILY),
    CheckSpec("RESUME-504", W, "Calls whose confirmation_status is pending get an allow/deny in tool_confirmations.", f"{GEMINI_MISTRAL_BEDROCK} B.5 C3", FAMILY),
)
