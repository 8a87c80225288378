"""The AWS Bedrock Runtime ConverseStream block of the check catalogue: ids 700-739, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim
from harness.sources import BOTO_BEDROCK_RUNTIME, GEMINI_MISTRAL_BEDROCK

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("bedrock-converse",)
BLOCK = range(700, 740)

CHECKS = claim(
    "bedrock-converse", BLOCK,
    CheckSpec("LIFECYCLE-701", E, "The stream opens with exactly one messageStart, role assistant.", f"{GEMINI_MISTRAL_BEDROCK} D.2, D.3.1", FAMILY),
    CheckSpec("LIFECYCLE-702", E, "A union (contentBlockStart.start, contentBlockDelta.delta, reasoningContent) sets exactly one member (boto3 raises ResponseParserError otherwise).", f"{GEMINI_MISTRAL_BEDROCK} D.6, E.8 (mulgadc/spinifex#844)", FAMILY),
    CheckSpec("LIFECYCLE-703", E, "Per contentBlockIndex: at most one contentBlockStart, before any delta; exactly one contentBlockStop; nothing after it; every block stopped before messageStop.", f"{GEMINI_MISTRAL_BEDROCK} D.3.2, D.6 (maximhq/bifrost#4262)", FAMILY),
    CheckSpec("LIFECYCLE-704", W, "Block indices start at 0 and grow by 1; a block stops before the next one begins.", f"{GEMINI_MISTRAL_BEDROCK} D.3.2, D.3.3", FAMILY),
    CheckSpec("LIFECYCLE-705", W, "Every delta of a block is of the block's kind (text, toolUse input, reasoningContent text/signature or redactedContent, toolResult, image); others are dropped.", f"{GEMINI_MISTRAL_BEDROCK} D.2, D.3.2 (soft)", FAMILY),
    CheckSpec("LIFECYCLE-706", E, "messageStop comes once, after the last contentBlockStop; metadata follows it as the last event.", f"{GEMINI_MISTRAL_BEDROCK} D.3.4", FAMILY),
    CheckSpec("LIFECYCLE-707", E, "stopReason tool_use comes with at least one client toolUse block.", f"{GEMINI_MISTRAL_BEDROCK} D.3.5", FAMILY),
    CheckSpec("LIFECYCLE-708", W, "stopReason is one of the documented values.", f"{BOTO_BEDROCK_RUNTIME} (StopReason)", FAMILY),
    CheckSpec("LIFECYCLE-709", E, "An in-stream exception is terminal: nothing follows it.", f"{GEMINI_MISTRAL_BEDROCK} D.3.10", FAMILY),
    CheckSpec("LIFECYCLE-710", I, "Union members this harness does not know are tolerated and skipped (botocore drops them silently).", f"{GEMINI_MISTRAL_BEDROCK} E.5.2, E.8", FAMILY),
    CheckSpec("LIFECYCLE-711", W, "A reasoning block sends its text first, then one signature.", f"{GEMINI_MISTRAL_BEDROCK} D.3.7", FAMILY),
    CheckSpec("LIFECYCLE-712", E, "toolUseIds are unique in a message; a streamed toolResult block names an earlier server toolUse.", f"{GEMINI_MISTRAL_BEDROCK} D.2, D.5", FAMILY),
    CheckSpec("ASSEMBLY-701", E, "toolUse, toolResult and image deltas target a block their contentBlockStart opened (fragments for any other index are lost).", f"{GEMINI_MISTRAL_BEDROCK} D.2, D.4", FAMILY),
    CheckSpec("RESUME-701", E, "The messages alternate user and assistant roles, starting with user.", f"{GEMINI_MISTRAL_BEDROCK} D.5", FAMILY),
    CheckSpec("RESUME-702", E, "A toolResult carries a content list, a status of success or error if any, and non-empty content when the status is error.", f"{GEMINI_MISTRAL_BEDROCK} D.5; {BOTO_BEDROCK_RUNTIME} (ToolResultBlock)", FAMILY),
    CheckSpec("RESUME-703", E, "toolConfig is sent whenever the messages hold toolUse or toolResult blocks.", f"{GEMINI_MISTRAL_BEDROCK} D.5 (langgenius/dify#17545)", FAMILY),
    CheckSpec("RESUME-704", W, "The answering user message holds toolResult blocks only (Anthropic models want them first, some models reject other blocks beside them).", f"{GEMINI_MISTRAL_BEDROCK} D.5 (langchain-ai/langchain-aws#451, #141)", FAMILY),
    CheckSpec("RESUME-705", E, "Earlier history is consistent: every toolUse of an assistant message is answered exactly once by the next user message, which answers nothing else.", f"{GEMINI_MISTRAL_BEDROCK} D.5 (genkit-ai/aws-bedrock-js-plugin#664, pydantic/pydantic-ai#2327)", FAMILY),
)
