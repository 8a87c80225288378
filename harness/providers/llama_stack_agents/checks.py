"""The Llama Stack Agents API block of the check catalogue: ids 900-999, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim
from harness.sources import LLAMASTACK_COHERE_COMPAT

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("llama-stack-agents",)
BLOCK = range(900, 1000)

CHECKS = claim(
    "llama-stack-agents", BLOCK,
    CheckSpec("LIFECYCLE-901", E, "A stream ends with exactly one terminal frame (turn_complete, turn_awaiting_input or an error frame) and nothing follows it.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-2, A-3", FAMILY),
    CheckSpec("LIFECYCLE-902", E, "A step runs step_start, step_progress*, step_complete and completes before the turn ends; only the client-tool tool_execution step opening a resumed stream has no step_start.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-7, A-13", FAMILY),
    CheckSpec("LIFECYCLE-903", E, "step_details names the step_type and step_id of the event that carries it.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-8", FAMILY),
    CheckSpec("LIFECYCLE-904", W, "Steps do not interleave: a step starts only after the previous one completed.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-9", FAMILY),
    CheckSpec("LIFECYCLE-905", E, "Every step_details.turn_id is the terminal turn.turn_id, and turn.session_id is the session in the request path.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-5, A-6", FAMILY),
    CheckSpec("LIFECYCLE-906", E, "The terminal turn.steps ends with the step_details of the stream's step_complete events, in order.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-10", FAMILY),
    CheckSpec("LIFECYCLE-907", E, "turn_awaiting_input is sent exactly when output_message.tool_calls is non-empty.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-15", FAMILY),
    CheckSpec("LIFECYCLE-908", W, "Every call an inference step produced is run by a server tool_execution step or left pending, and only such calls are pending.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-16", FAMILY),
    CheckSpec("LIFECYCLE-909", I, "Frames the reference server does not send are tolerated: turn_start after the first frame, [DONE], image or unknown deltas; a pause with out_of_tokens (the SDK ignores its calls).", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-4, A-17, A.11 L-10", FAMILY),
    CheckSpec("ASSEMBLY-910", E, "A step_progress delta fits its step and status: inference text, or tool_call started \"\" / in_progress string / succeeded ToolCall / failed string; tool_execution one in_progress ToolCall.", f"{LLAMASTACK_COHERE_COMPAT} A.5", FAMILY),
    CheckSpec("ASSEMBLY-911", W, "No tool-call delta reports parse_status failed (the call is not run; content holds its raw text).", f"{LLAMASTACK_COHERE_COMPAT} A.5, A.7", FAMILY),
    CheckSpec("ASSEMBLY-912", E, "The succeeded tool-call deltas of an inference step are the calls of its model_response.tool_calls, in order, with the same call_id, tool_name and arguments.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-12, A.7", FAMILY),
    CheckSpec("ASSEMBLY-913", W, "An OpenAI-compatible step's in_progress fragments split into `name(` and JSON arguments per call, one `)` before each verdict.", f"{LLAMASTACK_COHERE_COMPAT} A.7; llamastack/llama-stack openai_compat.py", FAMILY),
    CheckSpec("ASSEMBLY-914", W, "An inference step's text deltas are a prefix of model_response.content (reset to \"\" when calls parsed).", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-11", FAMILY),
    CheckSpec("ASSEMBLY-915", I, "model_response.content extends the streamed text (a last delta carrying the stop reason is not forwarded); the tail is taken from step_details.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-11", FAMILY),
    CheckSpec("ASSEMBLY-916", E, "A ToolCall has a call_id, a tool_name, arguments as an object or a string, and arguments_json (when present) holding the same JSON.", f"{LLAMASTACK_COHERE_COMPAT} A.4, A.7", FAMILY),
    CheckSpec("ASSEMBLY-917", W, "A tool_execution step's tool_responses answer its tool_calls by call_id and tool_name.", f"{LLAMASTACK_COHERE_COMPAT} A.4, A.6 A-13, A.8 R-5", FAMILY),
    CheckSpec("RESUME-920", E, "A turn awaiting input is continued by POST .../turn/{turn_id}/resume, and only such a turn is resumed.", f"{LLAMASTACK_COHERE_COMPAT} A.8 R-7, R-8", FAMILY),
    CheckSpec("RESUME-921", E, "A resume request sets stream: true (the reference server answers 501 otherwise).", f"{LLAMASTACK_COHERE_COMPAT} A.2, A.8 R-4", FAMILY),
    CheckSpec("RESUME-922", E, "tool_responses is a list of ToolResponse: call_id, the tool_name of the call it answers, InterleavedContent content.", f"{LLAMASTACK_COHERE_COMPAT} A.4, A.8 R-2", FAMILY),
    CheckSpec("RESUME-923", W, "tool_responses items are ToolResponse, not the ToolResponseMessage shape (role tool) only v0.1.4-v0.1.6 accepted.", f"{LLAMASTACK_COHERE_COMPAT} A.1, A.8", FAMILY),
    CheckSpec("RESUME-924", W, "A resume goes to the API base (/v1 or /v1alpha) its turn was created under.", f"{LLAMASTACK_COHERE_COMPAT} A.1, A.3", FAMILY),
    CheckSpec("RESUME-925", E, "A resumed stream opens with the client-tool tool_execution step_complete echoing the request's tool_responses and the calls the turn paused on (or none).", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-13, A.8 R-5", FAMILY),
    CheckSpec("RESUME-926", E, "A resumed stream continues the path's turn: same turn_id, with the steps from before the pause.", f"{LLAMASTACK_COHERE_COMPAT} A.6 A-19, A.8 R-6", FAMILY),
)
