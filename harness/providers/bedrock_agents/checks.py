"""The AWS Bedrock Agents: InvokeAgent, InvokeInlineAgent, session management block of the check catalogue: ids 740-779, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim
from harness.sources import GEMINI_MISTRAL_BEDROCK

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("bedrock-agents",)
BLOCK = range(740, 780)

CHECKS = claim(
    "bedrock-agents", BLOCK,
    CheckSpec("LIFECYCLE-740", E, "The response header x-amz-bedrock-agent-session-id equals the request's sessionId and x-amzn-bedrock-agent-content-type is present (a recording that kept no response headers is not judged).", f"{GEMINI_MISTRAL_BEDROCK} C.1, C.4.1", FAMILY),
    CheckSpec("LIFECYCLE-741", E, "An exception message ends the stream: nothing follows it.", f"{GEMINI_MISTRAL_BEDROCK} C.4.6", FAMILY),
    CheckSpec("LIFECYCLE-742", E, "Without streamingConfigurations.streamFinalResponse the answer comes in one chunk.", f"{GEMINI_MISTRAL_BEDROCK} C.4.4 (boto/boto3#3997)", FAMILY),
    CheckSpec("LIFECYCLE-743", W, "With streamFinalResponse every chunk but the last holds at least applyGuardrailInterval characters (default 50).", f"{GEMINI_MISTRAL_BEDROCK} C.2, C.4.4", FAMILY),
    CheckSpec("LIFECYCLE-744", W, "After a returnControl only traces follow (no chunk, no second returnControl).", f"{GEMINI_MISTRAL_BEDROCK} C.4.5", FAMILY),
    CheckSpec("LIFECYCLE-745", E, "returnControl carries an invocationId and 1 to 5 invocationInputs, each exactly one of functionInvocationInput (actionGroup, function) or apiInvocationInput (actionGroup, apiPath, httpMethod).", f"{GEMINI_MISTRAL_BEDROCK} C.3, C.4.5", FAMILY),
    CheckSpec("LIFECYCLE-746", E, "Blob members (chunk.bytes, files[].bytes) are base64, and a chunk's bytes are UTF-8 text.", f"{GEMINI_MISTRAL_BEDROCK} C.4.7, E.5", FAMILY),
    CheckSpec("LIFECYCLE-747", W, "trace events arrive only when the request set enableTrace.", f"{GEMINI_MISTRAL_BEDROCK} C.4.3", FAMILY),
    CheckSpec("LIFECYCLE-748", W, "A trace of the agent the client called names the request's sessionId, agentId and agentAliasId (collaborators' traces name their own).", f"{GEMINI_MISTRAL_BEDROCK} C.3 (every real recording)", FAMILY),
    CheckSpec("LIFECYCLE-749", E, "An agent answers with event-stream members (chunk, trace, returnControl, files, exceptions), not a plain JSON object.", f"{GEMINI_MISTRAL_BEDROCK} C.1, C.3", FAMILY),
    CheckSpec("RESUME-750", E, "returnControlInvocationResults holds 1 to 5 entries, each exactly one of functionResult (actionGroup, function) or apiResult (actionGroup, apiPath, httpMethod); responseBody maps a content type to {body}; responseState is FAILURE or REPROMPT; confirmationState CONFIRM or DENY.", f"{GEMINI_MISTRAL_BEDROCK} C.2, C.5 C3", FAMILY),
    CheckSpec("RESUME-751", E, "The result of an input whose actionInvocationType asks for user confirmation carries confirmationState.", f"{GEMINI_MISTRAL_BEDROCK} C.5 C5", FAMILY),
    CheckSpec("RESUME-752", W, "The result of a collaborator's input names that collaborator's agentId.", f"{GEMINI_MISTRAL_BEDROCK} C.5 C3", FAMILY),
    CheckSpec("RESUME-753", W, "inputText is empty or absent when the request carries results (the service ignores it).", f"{GEMINI_MISTRAL_BEDROCK} C.2, C.5 C4", FAMILY),
    CheckSpec("LIFECYCLE-760", E, "A session-management request names its session by UUID or session ARN, and its JSON body (and ListSessions its maxResults) has the documented shape and limits.", f"{GEMINI_MISTRAL_BEDROCK} C.6", FAMILY),
    CheckSpec("LIFECYCLE-761", E, "A session-management answer is one JSON object about the session its request named (EndSession answers ENDED).", f"{GEMINI_MISTRAL_BEDROCK} C.6", FAMILY),
    CheckSpec("LIFECYCLE-762", E, "DeleteSession follows the EndSession of that session (only a session that is no longer ACTIVE can be deleted).", f"{GEMINI_MISTRAL_BEDROCK} C.6", FAMILY),
)
