"""The the agent session protocol block of the check catalogue: ids 800-899, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim
from harness.sources import AGENT_SESSION

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("agent-session",)
BLOCK = range(800, 900)

CHECKS = claim(
    "agent-session", BLOCK,
    CheckSpec("LIFECYCLE-801", E, "A PUT /session stream starts with session_start (non-empty sessionId), then turn_start.", f"{AGENT_SESSION} Ordering 1", FAMILY),
    CheckSpec("LIFECYCLE-802", E, "A POST /session/{id} stream starts with turn_start and has no session_start.", f"{AGENT_SESSION} Ordering 2", FAMILY),
    CheckSpec("LIFECYCLE-803", E, "Exactly one turn_stop, and it is the last event.", f"{AGENT_SESSION} Ordering 3", FAMILY),
    CheckSpec("LIFECYCLE-804", E, "text_delta, thinking_delta, text, thinking, tool_call and tool_result lie between turn_start and turn_stop.", f"{AGENT_SESSION} Ordering 4", FAMILY),
    CheckSpec("LIFECYCLE-805", E, "text_delta/thinking_delta appear only in delta mode, text/thinking only in message mode.", f"{AGENT_SESSION} Ordering 5", FAMILY),
    CheckSpec("LIFECYCLE-806", E, "A tool_result (a none-mode tool message) answers only a server-side tool (not one of the request's application tools) that is trusted.", f"{AGENT_SESSION} Ordering 7", FAMILY),
    CheckSpec("LIFECYCLE-807", E, "stream is delta, message or none (the default); delta and message answer text/event-stream, none one JSON body.", f"{AGENT_SESSION} Transport", FAMILY),
    CheckSpec("LIFECYCLE-808", E, "A none-mode body is {stopReason, messages[]} of assistant and tool messages, with a sessionId when it answers PUT /session.", f"{AGENT_SESSION} The JSON mode", FAMILY),
    CheckSpec("LIFECYCLE-809", E, "A session request is PUT /session (create, first turn) or POST /session/{id} (every later turn).", f"{AGENT_SESSION} Transport", FAMILY),
    CheckSpec("ASSEMBLY-810", E, "toolCallId values are unique within a turn; a tool result answers an earlier tool call with the same toolCallId, at most once.", f"{AGENT_SESSION} Ordering 6", FAMILY),
    CheckSpec("ASSEMBLY-811", W, "tool_call.input (a tool_use block's input) is a JSON object (INFERRED).", f"{AGENT_SESSION} Ordering 10", FAMILY),
    CheckSpec("RESUME-820", E, "After stopReason tool_use the next request is POST /session/{sessionId}, not a new session.", f"{AGENT_SESSION} Resume 1, Transport", FAMILY),
    CheckSpec("RESUME-821", E, "An application-side call is answered by a tool message, an untrusted server-side call by a tool_permission message, never the other way round.", f"{AGENT_SESSION} Resume 2, 3", FAMILY),
    CheckSpec("RESUME-822", E, "A tool message's content is a string or an array of content blocks.", f"{AGENT_SESSION} Resume 4", FAMILY),
    CheckSpec("RESUME-823", E, "A tool_permission message carries a boolean granted and, optionally, a string reason.", f"{AGENT_SESSION} Resume 2", FAMILY),
    CheckSpec("RESUME-824", W, "A resume carries no new user message before its answers (INFERRED).", f"{AGENT_SESSION} Resume 5", FAMILY),
    CheckSpec("RESUME-825", E, "tool_permission messages are never stored in history: no later request's history holds one.", f"{AGENT_SESSION} Resume 6", FAMILY),
    CheckSpec("STATE-830", E, "stopReason is tool_use if and only if a call needs client action (an application-side call, or an untrusted server-side call left without an inline result); a stop by error is exempt.", f"{AGENT_SESSION} Ordering 8", FAMILY),
    CheckSpec("STATE-831", E, "Tool names are unique across the request's application tools and the agent's tools.", f"{AGENT_SESSION} Ordering 9", FAMILY),
)
