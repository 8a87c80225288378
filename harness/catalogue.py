"""The check catalogue: every rule the harness enforces, with a stable id, severity and source.

Numbering: ``<FAMILY>-0NN`` are provider-neutral rules; each provider family owns a hundred block
(1NN openai-responses, 2NN anthropic-messages, 3NN openai-chat, 4NN gemini, 5NN mistral-conversations,
6NN cohere-v2, 7NN bedrock-*, 8NN agent-session, 9NN llama-stack-agents). Ids never change meaning;
a retired rule keeps its number.

Severity follows the source: a documented or SDK-enforced rule (MUST) is an error, behaviour real
streams consistently show (SHOULD) is a warning, the rest is info.
"""

from __future__ import annotations

from harness.findings import CheckSpec, Severity, register

E, W, I = Severity.error, Severity.warning, Severity.info
OAI = ("openai-responses",)
ANT = ("anthropic-messages",)
SPEC_OA = "specs/openai-anthropic.md"
SPEC_AWS = "specs/gemini-mistral-bedrock.md"
WHATWG = "WHATWG HTML, 9.2 Server-sent events: event stream interpretation"

register(
    # --- framing -------------------------------------------------------------------------------
    CheckSpec("WIRE-001", E, "Every SSE line is valid UTF-8.", WHATWG),
    CheckSpec("WIRE-002", E, "A frame stays within the size limit.", "harness limit (--max-frame-bytes)"),
    CheckSpec("WIRE-003", E, "The stream does not end inside an event (the last event has its blank line).", WHATWG),
    CheckSpec("WIRE-004", E, "Every data payload of a JSON protocol parses as JSON.", f"{SPEC_OA} 0.1"),
    CheckSpec("WIRE-005", I, "SSE fields the WHATWG rules ignore (unknown name, bad retry, id with NUL).", WHATWG),
    CheckSpec("WIRE-006", E, "A streaming exchange has a non-empty response body.", "DESIGN.md flow"),
    CheckSpec("WIRE-007", W, "The content type names the framing the body actually uses.", f"{SPEC_OA} 0.1"),
    CheckSpec("WIRE-008", E, "A JSON payload is an object (not an array, string or number).", f"{SPEC_OA} 0.1"),
    CheckSpec("WIRE-009", E, "An event stream ends exactly on a message boundary (no trailing bytes).", f"{SPEC_AWS} E.7.5"),
    CheckSpec("WIRE-010", E, "Every event-stream prelude CRC matches (CRC-32 of its first 8 bytes).", f"{SPEC_AWS} E.2"),
    CheckSpec("WIRE-011", E, "Event-stream lengths are possible: total >= 16, headers <= total - 16, headers <= 128 KiB.", f"{SPEC_AWS} E.7.1"),
    CheckSpec("WIRE-012", E, "Every event-stream message CRC matches.", f"{SPEC_AWS} E.2"),
    CheckSpec("WIRE-013", E, "An event-stream headers section is consumed exactly: known type codes, no repeated names.", f"{SPEC_AWS} E.7.3"),
    CheckSpec("WIRE-014", E, "Every event-stream message has :message-type and the header its type requires.", f"{SPEC_AWS} E.7.4"),
    CheckSpec("WIRE-015", W, "An event-stream message stays within 16 MiB (the AWS C runtime limit).", f"{SPEC_AWS} E.4"),
    # --- cassette loading --------------------------------------------------------------------------
    CheckSpec("CASSETTE-001", E, "The cassette is readable YAML (or a readable raw stream file).", "vcrpy cassette format"),
    CheckSpec("CASSETTE-002", E, "No YAML tag other than the safe core schema and !!binary.", "yaml.SafeLoader"),
    CheckSpec("CASSETTE-003", E, "File and decoded body sizes stay within the loader's limits.", "harness limit"),
    CheckSpec("CASSETTE-004", E, "YAML alias use stays within the limit (no alias bombs).", "harness limit"),
    CheckSpec("CASSETTE-005", E, "Every interaction has a request and a response with a body.", "vcrpy cassette format"),
    CheckSpec("CASSETTE-006", E, "No credential (API key, bearer token, cookie, signed URL) is stored in a cassette.", "DEVELOPERS.md standards"),
    CheckSpec("CASSETTE-007", E, "A body marked gzip decompresses.", "RFC 9110 8.4.1"),
    CheckSpec("CASSETTE-008", W, "Every check id a cassette declares in harness.expect exists in the catalogue.", "harness cassette metadata"),
    CheckSpec("CASSETTE-009", E, "Every check id a cassette declares in harness.expect occurs.", "harness cassette metadata"),
    CheckSpec("CASSETTE-010", I, "The exchange belongs to no known provider family and was skipped.", "harness provider detection"),
    # --- schemas -----------------------------------------------------------------------------------
    CheckSpec("SCHEMA-001", E, "A native event validates against its JSON Schema.", "schemas/<provider>/"),
    CheckSpec("SCHEMA-002", I, "Event types without a schema are tolerated and skipped.", f"{SPEC_OA} A.3, C.1"),
    CheckSpec("SCHEMA-003", W, "The SSE event name equals the payload's type.", f"{SPEC_OA} A.1, C.1"),
    CheckSpec("SCHEMA-004", E, "A payload of a typed protocol carries a string `type`.", f"{SPEC_OA} A.2, C.2"),
    # --- ordering ----------------------------------------------------------------------------------
    CheckSpec("ORDER-001", E, "Every event carries an integer sequence number.", f"{SPEC_OA} A.6.1", OAI),
    CheckSpec("ORDER-002", W, "A fresh stream starts at sequence number 0.", f"{SPEC_OA} A.6.2"),
    CheckSpec("ORDER-003", W, "Sequence numbers increase by exactly 1 (no gaps).", f"{SPEC_OA} A.6.2"),
    CheckSpec("ORDER-004", E, "No sequence number is delivered twice.", f"{SPEC_OA} A.6.2"),
    CheckSpec("ORDER-005", E, "Events are delivered in sequence-number order (the harness restores it and says so).", f"{SPEC_OA} A.6.2"),
    # --- lifecycle (provider-neutral, from the canonical log) ----------------------------------------
    CheckSpec("LIFECYCLE-001", E, "A delta or completion refers to an item that was started.", "DESIGN.md reducer"),
    CheckSpec("LIFECYCLE-002", E, "Nothing arrives for an item after it completed.", "DESIGN.md reducer"),
    CheckSpec("LIFECYCLE-003", E, "An item is started once.", "DESIGN.md reducer"),
    CheckSpec("LIFECYCLE-004", E, "Nothing follows the turn's terminal event.", f"{SPEC_OA} A.6.4, C.3.8"),
    CheckSpec("LIFECYCLE-005", E, "The stream ends with a terminal event (otherwise it was truncated).", f"{SPEC_OA} A.6.4, C.3.9"),
    CheckSpec("LIFECYCLE-006", E, "Every item is completed before a normal end of turn.", f"{SPEC_OA} A.6.7, C.3.2"),
    CheckSpec("LIFECYCLE-007", E, "A stream holds one turn: one start, before everything else.", f"{SPEC_OA} A.6.3, C.3.1"),
    CheckSpec("LIFECYCLE-008", I, "The exchange was answered with an HTTP error before any stream.", f"{SPEC_OA} 0.1.5"),
    # --- assembly ----------------------------------------------------------------------------------
    CheckSpec("ASSEMBLY-001", E, "A declared final text equals the concatenation of its deltas.", f"{SPEC_OA} A.6.10, A.6.11"),
    CheckSpec("ASSEMBLY-002", E, "Declared final arguments equal the concatenation of their fragments.", f"{SPEC_OA} A.6.10, A.7"),
    CheckSpec("ASSEMBLY-003", E, "Tool arguments parse as JSON once the call is complete.", f"{SPEC_OA} A.6.13, C.4"),
    CheckSpec("ASSEMBLY-004", E, "Tool arguments are a JSON object.", f"{SPEC_OA} C.4"),
    CheckSpec("ASSEMBLY-005", E, "A structural fragment targets an open call with a supported path.", "specs/gemini-mistral-bedrock.md A"),
    CheckSpec("ASSEMBLY-006", W, "No structural path is left open when a call ends.", "specs/gemini-mistral-bedrock.md A"),
    CheckSpec("ASSEMBLY-007", E, "The terminal summary of the output agrees with the items the stream built.", f"{SPEC_OA} A.6.15"),
    # --- resume ------------------------------------------------------------------------------------
    CheckSpec("RESUME-001", E, "An interrupt exposes the handle the next request needs.", "DESIGN.md resume"),
    CheckSpec("RESUME-002", E, "The next request carries the interrupt's handle.", f"{SPEC_OA} A.8.1, C.5"),
    CheckSpec("RESUME-003", E, "Every pending call is answered in the next request.", f"{SPEC_OA} A.8.1.1, C.5.1"),
    CheckSpec("RESUME-004", E, "No pending call is answered twice.", f"{SPEC_OA} A.8.1.1, B.5.1"),
    CheckSpec("RESUME-005", E, "No answer refers to a call the interrupt did not ask for.", f"{SPEC_OA} C.5.3, B.5.3"),
    CheckSpec("RESUME-006", E, "Answers stand where the protocol requires them.", f"{SPEC_OA} C.5.1, C.5.2, B.5.1"),
    CheckSpec("RESUME-007", E, "A re-attached stream starts after the client's cursor.", f"{SPEC_OA} A.8.4", OAI),
    CheckSpec("RESUME-008", W, "A re-attached stream starts exactly at cursor + 1.", f"{SPEC_OA} A.8.4", OAI),
    CheckSpec("RESUME-009", E, "History echoed in the next request is what the model produced (signatures, reasoning, arguments).", f"{SPEC_OA} A.8.2, C.5.5"),
    # --- state -------------------------------------------------------------------------------------
    CheckSpec("STATE-001", W, "The stop reason agrees with whether client tool calls are pending.", f"{SPEC_OA} C.3.11, B.3.7"),
    CheckSpec("STATE-002", W, "Usage totals add up (total = input + output).", f"{SPEC_OA} A.6.16"),
    CheckSpec("STATE-003", E, "The terminal status agrees with the terminal event.", f"{SPEC_OA} A.6.5"),
    CheckSpec("STATE-004", E, "Cumulative usage never decreases within a turn.", f"{SPEC_OA} C.3.7"),
    # === OpenAI Responses (1NN) =====================================================================
    CheckSpec("LIFECYCLE-101", E, "A fresh stream opens with response.created.", f"{SPEC_OA} A.6.3", OAI),
    CheckSpec("LIFECYCLE-102", E, "response.id is identical in every lifecycle event.", f"{SPEC_OA} A.6.5", OAI),
    CheckSpec("LIFECYCLE-103", W, "output_item.added output_index values run 0, 1, 2, ... in order.", f"{SPEC_OA} A.6.6", OAI),
    CheckSpec("LIFECYCLE-104", E, "An item keeps its id and type from output_item.added to output_item.done.", f"{SPEC_OA} A.6.7", OAI),
    CheckSpec("LIFECYCLE-105", E, "Item-scoped events name the item_id and output_index of an open item.", f"{SPEC_OA} A.6.8", OAI),
    CheckSpec("LIFECYCLE-106", E, "Content parts open before their deltas and close after their .done; content_index runs 0, 1, ...", f"{SPEC_OA} A.6.9", OAI),
    CheckSpec("LIFECYCLE-107", E, "Reasoning summary parts open, stream and close in order; summary_index runs 0, 1, ...", f"{SPEC_OA} A.6.12", OAI),
    CheckSpec("LIFECYCLE-108", W, "A function_call opens with name and call_id, empty arguments, in_progress; call_id is unchanged at done.", f"{SPEC_OA} A.6.13", OAI),
    CheckSpec("LIFECYCLE-109", W, "Hosted tool progress events come in their documented order.", f"{SPEC_OA} A.6.14", OAI),
    CheckSpec("LIFECYCLE-110", E, "response.incomplete carries incomplete_details.reason; response.failed carries error.", f"{SPEC_OA} A.6.17", OAI),
    CheckSpec("LIFECYCLE-111", I, "A `[DONE]` sentinel, which OpenAI's Responses API never sends, was tolerated.", f"{SPEC_OA} A.1", OAI),
    CheckSpec("LIFECYCLE-112", W, "usage stays null until the terminal event.", f"{SPEC_OA} A.6.16", OAI),
    CheckSpec("LIFECYCLE-113", W, "function_call_arguments.done carries the tool name.", f"{SPEC_OA} A.9", OAI),
    CheckSpec("LIFECYCLE-114", I, "The error event arrived in its nested form (documented flat); normalised.", f"{SPEC_OA} A.9", OAI),
    CheckSpec("RESUME-101", E, "With previous_response_id, output items of that response are not re-sent.", f"{SPEC_OA} A.8.1.2", OAI),
    CheckSpec("RESUME-102", E, "previous_response_id is used only when the previous response was stored.", f"{SPEC_OA} A.8.1.3", OAI),
    CheckSpec("RESUME-103", E, "previous_response_id is not combined with conversation.", f"{SPEC_OA} A.8.1.4", OAI),
    CheckSpec("RESUME-104", E, "Input item ids carry the right prefix (a call_ id is not an item id).", f"{SPEC_OA} A.8.1.5", OAI),
    CheckSpec("RESUME-105", E, "A stateless re-send keeps every function_call with its reasoning item and every reasoning item with its follower.", f"{SPEC_OA} A.8.2", OAI),
    CheckSpec("RESUME-106", E, "Only background responses can be re-attached with starting_after.", f"{SPEC_OA} A.8.4", OAI),
    CheckSpec("RESUME-107", E, "A tool output item has a call_id and an output that is a string or a list of content parts.", f"{SPEC_OA} A.8.1", OAI),
    # === Anthropic Messages (2NN) ===================================================================
    CheckSpec("LIFECYCLE-201", E, "The first non-ping event is message_start with empty content and null stop_reason.", f"{SPEC_OA} C.3.1", ANT),
    CheckSpec("LIFECYCLE-202", E, "Each block index gets one content_block_start, deltas, one content_block_stop; indices run 0, 1, ...", f"{SPEC_OA} C.3.2, C.3.3", ANT),
    CheckSpec("LIFECYCLE-203", W, "Content blocks do not overlap (block i stops before block i+1 starts).", f"{SPEC_OA} C.3.4", ANT),
    CheckSpec("LIFECYCLE-204", E, "A delta's type matches its block's type.", f"{SPEC_OA} C.3.5", ANT),
    CheckSpec("LIFECYCLE-205", W, "A thinking block ends with one non-empty signature, after its last thinking delta.", f"{SPEC_OA} C.3.6", ANT),
    CheckSpec("LIFECYCLE-206", E, "At least one message_delta follows the last content_block_stop, the last with a stop_reason.", f"{SPEC_OA} C.3.7", ANT),
    CheckSpec("LIFECYCLE-207", E, "stop_sequence is set exactly when stop_reason is stop_sequence.", f"{SPEC_OA} C.3.10", ANT),
    CheckSpec("LIFECYCLE-208", E, "tool_use ids are unique; a server tool result names an earlier server_tool_use.", f"{SPEC_OA} C.3.12", ANT),
    CheckSpec("LIFECYCLE-209", E, "An error event carries a documented error.type.", f"{SPEC_OA} C.3.15", ANT),
    CheckSpec("LIFECYCLE-210", W, "message_delta carries usage.", f"{SPEC_OA} C.6", ANT),
    CheckSpec("LIFECYCLE-211", E, "message_start arrives once (a second one means a spliced stream).", "specs/prior-art.md (vercel/ai#18402)", ANT),
    CheckSpec("RESUME-201", E, "tool_result blocks come first in the next user message.", f"{SPEC_OA} C.5.2", ANT),
    CheckSpec("RESUME-202", E, "No tool_result answers a server tool.", f"{SPEC_OA} C.5.4", ANT),
    CheckSpec("RESUME-203", E, "thinking and redacted_thinking blocks are echoed byte for byte.", f"{SPEC_OA} C.5.5", ANT),
    CheckSpec("RESUME-204", E, "With thinking on, the echoed assistant message starts with thinking; it never ends with one.", f"{SPEC_OA} C.5.6", ANT),
    CheckSpec("RESUME-205", E, "Empty text blocks are dropped from the echo.", f"{SPEC_OA} C.5.7", ANT),
    CheckSpec("RESUME-206", E, "The assistant content is echoed unchanged and in order.", f"{SPEC_OA} C.5", ANT),
    CheckSpec("RESUME-207", E, "After pause_turn the request ends with the paused assistant content.", f"{SPEC_OA} C.5.8", ANT),
    CheckSpec("RESUME-208", E, "A tool_use cut short by max_tokens is not echoed.", f"{SPEC_OA} C.5.9", ANT),
)

# === Gemini API / Vertex AI streamGenerateContent (4NN) ==============================================
GEM = ("gemini",)
SPEC_G = "specs/gemini-mistral-bedrock.md"
register(
    CheckSpec("WIRE-401", E, "A streamed JSON array opens with `[`, separates elements with `,`, closes with `]`, "
                             "with nothing but whitespace around them.", f"{SPEC_G} A.1", GEM),
    CheckSpec("LIFECYCLE-401", E, "An in-band {\"error\"} object ends the stream: nothing follows it.", f"{SPEC_G} A.4.1", GEM),
    CheckSpec("LIFECYCLE-402", E, "promptFeedback is on the first chunk only; with a blockReason no candidate follows.", f"{SPEC_G} A.4.3", GEM),
    CheckSpec("LIFECYCLE-403", E, "Per candidate, finishReason arrives on exactly one chunk and no part follows it.", f"{SPEC_G} A.4.4", GEM),
    CheckSpec("LIFECYCLE-404", W, "finishReason does not arrive before any content of its candidate.", f"{SPEC_G} A.4.4 (router-for-me/CLIProxyAPI#5651)", GEM),
    CheckSpec("LIFECYCLE-405", W, "responseId and modelVersion are the same on every chunk of a stream.", f"{SPEC_G} A.4.7", GEM),
    CheckSpec("LIFECYCLE-406", I, "A function-call failure reason (MALFORMED_FUNCTION_CALL...) ended the turn without a usable call.", f"{SPEC_G} A.4.12", GEM),
    CheckSpec("LIFECYCLE-407", W, "finishReason and blockReason are documented values (open enums: unknown ones are accepted).", f"{SPEC_G} A.3", GEM),
    CheckSpec("LIFECYCLE-408", I, "A functionCall without an id got a local id; its answer is matched by name and order.", f"{SPEC_G} A.4.11", GEM),
    CheckSpec("LIFECYCLE-409", W, "Of parallel functionCall parts only the first carries the thoughtSignature: a signed call never follows an unsigned one.", f"{SPEC_G} A.4.10", GEM),
    CheckSpec("ASSEMBLY-401", I, "A streamed call (partialArgs) was closed only by the end of the stream and flushed.", f"{SPEC_G} A.5 (vercel/ai#14358)", GEM),
    CheckSpec("ASSEMBLY-402", E, "A functionCall that opens or completes a call names its function.", f"{SPEC_G} A.5 rule 1", GEM),
    CheckSpec("RESUME-401", E, "The model turn is echoed with every functionCall and every thoughtSignature on the part it arrived on.", f"{SPEC_G} A.6.2, A.6 R3", GEM),
    CheckSpec("RESUME-402", W, "No placeholder thoughtSignature (skip_thought_signature_validator...) stands in for one the model produced.", f"{SPEC_G} A.6 R4", GEM),
    CheckSpec("RESUME-403", E, "A functionResponse names the function of the call it answers.", f"{SPEC_G} A.6 R2", GEM),
    CheckSpec("RESUME-404", E, "The answers form one user turn of functionResponse parts, each with an object `response`.", f"{SPEC_G} A.6.3, A.6 R5", GEM),
)

# === OpenAI Chat Completions and compatible servers (3NN) =============================================
CHAT = ("openai-chat",)
COMPAT = "specs/llamastack-cohere-compat.md"
register(
    CheckSpec("LIFECYCLE-301", E, "`data: [DONE]` arrives exactly once and last; nothing follows it.", f"{SPEC_OA} B.1, B.3.1", CHAT),
    CheckSpec("LIFECYCLE-302", I, "A chunk fixture whose recorder kept only the JSON payloads ends at its finish chunks, without [DONE].", f"{SPEC_OA} B.1 (vercel/ai chunk fixtures)", CHAT),
    CheckSpec("LIFECYCLE-303", E, "Every payload before [DONE] is a chat.completion.chunk (non-chunk JSON such as gateway heartbeats is skipped with a warning).", f"{SPEC_OA} B.3.2, B.6", CHAT),
    CheckSpec("LIFECYCLE-304", I, "Azure content-filter frames (object \"\", or choices [] without usage) are skipped.", f"{SPEC_OA} B.2, B.6; specs/prior-art.md (vercel/ai #12501)", CHAT),
    CheckSpec("LIFECYCLE-305", E, "id and created are identical on every chunk; model should be (warning).", f"{SPEC_OA} B.3.3; {COMPAT} C.6 X-2", CHAT),
    CheckSpec("LIFECYCLE-306", W, "role \"assistant\" comes on a choice's first delta and on no later one.", f"{SPEC_OA} B.3.4; {COMPAT} C.3", CHAT),
    CheckSpec("LIFECYCLE-307", E, "Each choice gets exactly one non-null finish_reason, and no delta content after it.", f"{SPEC_OA} B.3.5, B.3.9; {COMPAT} C.6 X-3", CHAT),
    CheckSpec("LIFECYCLE-308", E, "Usage comes in one chunk with choices [] after every finish_reason, right before [DONE], when include_usage asked for it (elsewhere: warning; unasked: info).", f"{SPEC_OA} B.3.6; {COMPAT} C.1, C.4", CHAT),
    CheckSpec("LIFECYCLE-309", W, "content and refusal are not both non-empty in one choice.", f"{SPEC_OA} B.3.8", CHAT),
    CheckSpec("LIFECYCLE-310", I, "An in-band error in a compatible server's shape (Ollama string, vLLM flat object, OpenRouter beside choices) was normalised.", f"{SPEC_OA} B.1; {COMPAT} C.2-C.4, C.6", CHAT),
    CheckSpec("LIFECYCLE-311", W, "Reasoning arrived in a delta field OpenAI does not define (DeepSeek reasoning_content, OpenRouter/Groq/Ollama/vLLM reasoning); read as reasoning.", f"{COMPAT} C.1-C.4, C.6", CHAT),
    CheckSpec("LIFECYCLE-312", W, "finish_reason is tool_calls exactly when the choice made tool calls (stop is expected for a named tool_choice).", f"{SPEC_OA} B.3.7, B.6; {COMPAT} C.6 X-4", CHAT),
    CheckSpec("ASSEMBLY-301", E, "Tool indices are non-negative integers that start at 0 and run contiguously per choice (readable deviations: warning).", f"{SPEC_OA} B.4.1; specs/prior-art.md (vercel/ai #18382, LangChain #38456)", CHAT),
    CheckSpec("ASSEMBLY-302", E, "A call's first fragment carries a non-empty id, type function and function.name (late or empty: warning; never: error).", f"{SPEC_OA} B.4.2; specs/prior-art.md (vercel/ai #14722, #19091)", CHAT),
    CheckSpec("ASSEMBLY-303", W, "No later fragment repeats a call's id or name (the openai SDK concatenates them).", f"{SPEC_OA} B.4.3, B.6", CHAT),
    CheckSpec("ASSEMBLY-304", W, "A tool index is not reused by a call with a different id (read as a new call).", f"{COMPAT} C.0; specs/prior-art.md (LangChain #34807, LiteLLM #7621)", CHAT),
    CheckSpec("ASSEMBLY-305", W, "Fragments of call k stop once call k+1 has begun.", f"{SPEC_OA} B.4.4", CHAT),
    CheckSpec("ASSEMBLY-306", W, "A call's first fragment has empty arguments; a whole call in one fragment is the Groq / Ollama style.", f"{SPEC_OA} B.4; {COMPAT} C.1, C.3", CHAT),
    CheckSpec("ASSEMBLY-307", E, "function.arguments pieces are strings (null and JSON values are read, an unreadable value is lost: error).", f"{SPEC_OA} B.2; specs/prior-art.md (pydantic-ai #1654); {COMPAT} C.3", CHAT),
    CheckSpec("RESUME-301", E, "Echoed function.arguments is a JSON string, not an object.", f"{SPEC_OA} B.5.4", CHAT),
    CheckSpec("RESUME-302", E, "The next request echoes the turn as an assistant message carrying its tool_calls.", f"{SPEC_OA} B.5, B.5.1", CHAT),
    CheckSpec("RESUME-303", E, "A tool message's content is a string or a list of text parts.", f"{SPEC_OA} B.5.4", CHAT),
    CheckSpec("RESUME-304", I, "Tool messages answer in the order the calls were made (not documented as significant).", f"{SPEC_OA} B.5.4", CHAT),
)

# === Mistral Conversations API (5NN) ====================================================================
MIS = ("mistral-conversations",)
SPEC_M = "specs/gemini-mistral-bedrock.md"
register(
    CheckSpec("LIFECYCLE-501", E, "The stream opens with one conversation.response.started carrying a non-empty conversation_id.", f"{SPEC_M} B.3.1", MIS),
    CheckSpec("LIFECYCLE-502", E, "Exactly one terminal event (conversation.response.done or .error); nothing follows it.", f"{SPEC_M} B.3.2", MIS),
    CheckSpec("LIFECYCLE-503", W, "No output_index group begins after a higher output_index has started.", f"{SPEC_M} B.3.3", MIS),
    CheckSpec("LIFECYCLE-504", E, "A built-in tool runs tool.execution.started, then .delta*, then .done, with the same id.", f"{SPEC_M} B.3.6", MIS),
    CheckSpec("LIFECYCLE-505", E, "agent.handoff.started precedes agent.handoff.done with the same id.", f"{SPEC_M} B.3.7", MIS),
    CheckSpec("LIFECYCLE-506", W, "An append streams the conversation its path names; a restart streams a new one.", f"{SPEC_M} B.3.1", MIS),
    CheckSpec("LIFECYCLE-507", W, "usage.total_tokens equals prompt_tokens + completion_tokens (connector tokens apart).", f"{SPEC_M} B.3.9", MIS),
    CheckSpec("LIFECYCLE-508", W, "Messages after a handoff carry the next agent's agent_id.", f"{SPEC_M} B.3.7", MIS),
    CheckSpec("ASSEMBLY-501", E, "Events of one output_index are of one entry kind and keep its id (and a call its name and tool_call_id).", f"{SPEC_M} B.3.4, B.3.5, B.4", MIS),
    CheckSpec("ASSEMBLY-502", W, "A tool_call_id is not the literal string \"null\" (the SDK's default for a missing id).", f"{SPEC_M} B.6", MIS),
    CheckSpec("RESUME-501", E, "Every function.result carries a tool_call_id and a string result.", f"{SPEC_M} B.5 C1", MIS),
    CheckSpec("RESUME-502", E, "An append body carries no tools, instructions, model or agent_id (422 extra_forbidden).", f"{SPEC_M} B.5 C2, B.6 (partITech/php-mistral#74)", MIS),
    CheckSpec("RESUME-503", E, "A restart names the entry it branches from (from_entry_id).", f"{SPEC_M} B.1, B.5 C5", MIS),
    CheckSpec("RESUME-504", W, "Calls whose confirmation_status is pending get an allow/deny in tool_confirmations.", f"{SPEC_M} B.5 C3", MIS),
)

# === Cohere Chat API v2 (6NN) =========================================================================
COH = ("cohere-v2",)
SPEC_C = "specs/llamastack-cohere-compat.md"
register(
    CheckSpec("LIFECYCLE-601", E, "Exactly one message-start, role assistant, and it is the first event.", f"{SPEC_C} B.3 C-1", COH),
    CheckSpec("LIFECYCLE-602", E, "Exactly one message-end with a finish_reason, and it is the last event (optionally followed by [DONE]).", f"{SPEC_C} B.1, B.3 C-2", COH),
    CheckSpec("LIFECYCLE-603", E, "content-delta and content-end follow content-start of their index, none after content-end, and every block ends before message-end.", f"{SPEC_C} B.3 C-3", COH),
    CheckSpec("LIFECYCLE-604", W, "Content blocks are sequential and their indices run from 0.", f"{SPEC_C} B.3 C-4", COH),
    CheckSpec("LIFECYCLE-605", E, "A content block is text or thinking, and its deltas carry the matching key.", f"{SPEC_C} B.3 C-5", COH),
    CheckSpec("LIFECYCLE-606", W, "finish_reason is TOOL_CALL exactly when the message made tool calls.", f"{SPEC_C} B.3 C-9 (BerriAI/litellm#12862)", COH),
    CheckSpec("LIFECYCLE-607", I, "A tool-calling message has no text content block (its text is the tool plan).", f"{SPEC_C} B.3 C-10", COH),
    CheckSpec("LIFECYCLE-608", E, "citation-start j is closed by citation-end j before the next citation-start and before message-end.", f"{SPEC_C} B.3 C-11", COH),
    CheckSpec("LIFECYCLE-609", W, "A text citation's text equals the code-point slice start..end of its block's text.", f"{SPEC_C} B.3 C-11b", COH),
    CheckSpec("LIFECYCLE-610", E, "message-end carries usage when finish_reason is COMPLETE, STOP_SEQUENCE, MAX_TOKENS or TOOL_CALL.", f"{SPEC_C} B.3 C-13", COH),
    CheckSpec("LIFECYCLE-611", I, "Events of other types (debug, unknown) are skipped.", f"{SPEC_C} B.2", COH),
    CheckSpec("ASSEMBLY-601", E, "tool-call-start k, then tool-call-delta k with string arguments, then tool-call-end k, all before message-end.", f"{SPEC_C} B.3 C-6, B.4", COH),
    CheckSpec("ASSEMBLY-602", E, "Each tool-call-start has a non-empty id and function.name; ids are unique in the message.", f"{SPEC_C} B.3 C-6", COH),
    CheckSpec("ASSEMBLY-603", W, "Tool-call sequences do not interleave.", f"{SPEC_C} B.3 C-7", COH),
    CheckSpec("ASSEMBLY-604", W, "tool-plan-delta events carry a string and all precede the first tool-call-start.", f"{SPEC_C} B.3 C-8", COH),
    CheckSpec("ASSEMBLY-605", I, "A no-argument call's arguments are empty or 'null' (read as {} by SDK integrations).", f"{SPEC_C} B.4, B.6 (vercel/ai#4755)", COH),
    CheckSpec("RESUME-601", E, "Echoed function.arguments is a JSON string, not an object.", f"{SPEC_C} B.5 CR-2", COH),
    CheckSpec("RESUME-602", E, "The next request echoes the turn as an assistant message carrying its tool_calls.", f"{SPEC_C} B.5 CR-1", COH),
    CheckSpec("RESUME-603", W, "The echoed assistant tool-call message carries tool_plan and tool_calls but no content.", f"{SPEC_C} B.5 CR-3, B.6", COH),
    CheckSpec("RESUME-605", E, "A tool message's content is a string or a list of document and text parts.", f"{SPEC_C} B.5", COH),
)

# --- bedrock-invoke-model (78N): Anthropic events inside InvokeModelWithResponseStream chunks ------------
_INVOKE = ("bedrock-invoke-model",)
_INVOKE_SPEC = "botocore/data/bedrock-runtime/2023-09-30/service-2.json (PayloadPart)"
register(
    CheckSpec("WIRE-780", E, "Every chunk carries `bytes`: base64 of one JSON event object.", _INVOKE_SPEC, _INVOKE),
)
register(
    CheckSpec("SCHEMA-781", W, "Every message is a ResponseStream member: `chunk` or one of its six exceptions "
              "(botocore silently drops anything else).", _INVOKE_SPEC, _INVOKE),
)

# === AWS Bedrock Runtime ConverseStream (70N-73N) =====================================================
BCV = ("bedrock-converse",)
SPEC_D = "specs/gemini-mistral-bedrock.md"
BOTO_RT = "botocore/data/bedrock-runtime/2023-09-30/service-2.json"
register(
    CheckSpec("LIFECYCLE-701", E, "The stream opens with exactly one messageStart, role assistant.", f"{SPEC_D} D.2, D.3.1", BCV),
    CheckSpec("LIFECYCLE-702", E, "A union (contentBlockStart.start, contentBlockDelta.delta, reasoningContent) sets exactly one member (boto3 raises ResponseParserError otherwise).", f"{SPEC_D} D.6, E.8 (mulgadc/spinifex#844)", BCV),
    CheckSpec("LIFECYCLE-703", E, "Per contentBlockIndex: at most one contentBlockStart, before any delta; exactly one contentBlockStop; nothing after it; every block stopped before messageStop.", f"{SPEC_D} D.3.2, D.6 (maximhq/bifrost#4262)", BCV),
    CheckSpec("LIFECYCLE-704", W, "Block indices start at 0 and grow by 1; a block stops before the next one begins.", f"{SPEC_D} D.3.2, D.3.3", BCV),
    CheckSpec("LIFECYCLE-705", W, "Every delta of a block is of the block's kind (text, toolUse input, reasoningContent text/signature or redactedContent, toolResult, image); others are dropped.", f"{SPEC_D} D.2, D.3.2 (soft)", BCV),
    CheckSpec("LIFECYCLE-706", E, "messageStop comes once, after the last contentBlockStop; metadata follows it as the last event.", f"{SPEC_D} D.3.4", BCV),
    CheckSpec("LIFECYCLE-707", E, "stopReason tool_use comes with at least one client toolUse block.", f"{SPEC_D} D.3.5", BCV),
    CheckSpec("LIFECYCLE-708", W, "stopReason is one of the documented values.", f"{BOTO_RT} (StopReason)", BCV),
    CheckSpec("LIFECYCLE-709", E, "An in-stream exception is terminal: nothing follows it.", f"{SPEC_D} D.3.10", BCV),
    CheckSpec("LIFECYCLE-710", I, "Union members this harness does not know are tolerated and skipped (botocore drops them silently).", f"{SPEC_D} E.5.2, E.8", BCV),
    CheckSpec("LIFECYCLE-711", W, "A reasoning block sends its text first, then one signature.", f"{SPEC_D} D.3.7", BCV),
    CheckSpec("LIFECYCLE-712", E, "toolUseIds are unique in a message; a streamed toolResult block names an earlier server toolUse.", f"{SPEC_D} D.2, D.5", BCV),
    CheckSpec("ASSEMBLY-701", E, "toolUse, toolResult and image deltas target a block their contentBlockStart opened (fragments for any other index are lost).", f"{SPEC_D} D.2, D.4", BCV),
    CheckSpec("RESUME-701", E, "The messages alternate user and assistant roles, starting with user.", f"{SPEC_D} D.5", BCV),
    CheckSpec("RESUME-702", E, "A toolResult carries a content list, a status of success or error if any, and non-empty content when the status is error.", f"{SPEC_D} D.5; {BOTO_RT} (ToolResultBlock)", BCV),
    CheckSpec("RESUME-703", E, "toolConfig is sent whenever the messages hold toolUse or toolResult blocks.", f"{SPEC_D} D.5 (langgenius/dify#17545)", BCV),
    CheckSpec("RESUME-704", W, "The answering user message holds toolResult blocks only (Anthropic models want them first, some models reject other blocks beside them).", f"{SPEC_D} D.5 (langchain-ai/langchain-aws#451, #141)", BCV),
    CheckSpec("RESUME-705", E, "Earlier history is consistent: every toolUse of an assistant message is answered exactly once by the next user message, which answers nothing else.", f"{SPEC_D} D.5 (genkit-ai/aws-bedrock-js-plugin#664, pydantic/pydantic-ai#2327)", BCV),
)

# --- openai-chat (3NN, continued): Mistral's chat completions, the deprecated function_call --------------
_CHAT_M = ("openai-chat",)
_SPEC_CM = "specs/gemini-mistral-bedrock.md"
register(
    CheckSpec("LIFECYCLE-313", I, "A deprecated delta.function_call (legacy functions API) is read as one tool call without an id; its role function answer is not checked.", "specs/openai-anthropic.md B.2", _CHAT_M),
    CheckSpec("LIFECYCLE-314", W, "delta.content is a string or null; a list of content chunks (Mistral's form: text, and Magistral thinking read as reasoning) is read, and is info from a Mistral server.", f"{_SPEC_CM} B.7; mistralai/client-python models/deltamessage.py", _CHAT_M),
    CheckSpec("ASSEMBLY-308", E, "Each content chunk is readable: a text chunk has a string text, a thinking chunk a list of text parts (chunks of other types carry no text: skipped, warning).", f"{_SPEC_CM} B.2, B.7; mistralai/client-python models/thinkchunk.py", _CHAT_M),
    CheckSpec("ASSEMBLY-309", W, "A Mistral server's tool call ids are 9 characters a-z, A-Z, 0-9 (its API refuses any other id sent back).", f"{_SPEC_CM} B.6, B.7", _CHAT_M),
    CheckSpec("RESUME-305", E, "A request to Mistral (or continuing a Mistral turn) carries only tool call ids of 9 characters a-z, A-Z, 0-9 (400 otherwise).", f"{_SPEC_CM} B.6 (langchain-ai/langchain#24668, jackmpcollins/magentic#276), B.7", _CHAT_M),
)

# === Agent session protocol (8NN) ======================================================================
_SES = ("agent-session",)
_SPEC_S = "specs/agent-session.md"
register(
    CheckSpec("LIFECYCLE-801", E, "A PUT /session stream starts with session_start (non-empty sessionId), then turn_start.", f"{_SPEC_S} Ordering 1", _SES),
    CheckSpec("LIFECYCLE-802", E, "A POST /session/{id} stream starts with turn_start and has no session_start.", f"{_SPEC_S} Ordering 2", _SES),
    CheckSpec("LIFECYCLE-803", E, "Exactly one turn_stop, and it is the last event.", f"{_SPEC_S} Ordering 3", _SES),
    CheckSpec("LIFECYCLE-804", E, "text_delta, thinking_delta, text, thinking, tool_call and tool_result lie between turn_start and turn_stop.", f"{_SPEC_S} Ordering 4", _SES),
    CheckSpec("LIFECYCLE-805", E, "text_delta/thinking_delta appear only in delta mode, text/thinking only in message mode.", f"{_SPEC_S} Ordering 5", _SES),
    CheckSpec("LIFECYCLE-806", E, "A tool_result (a none-mode tool message) answers only a server-side tool (not one of the request's application tools) that is trusted.", f"{_SPEC_S} Ordering 7", _SES),
    CheckSpec("LIFECYCLE-807", E, "stream is delta, message or none (the default); delta and message answer text/event-stream, none one JSON body.", f"{_SPEC_S} Transport", _SES),
    CheckSpec("LIFECYCLE-808", E, "A none-mode body is {stopReason, messages[]} of assistant and tool messages, with a sessionId when it answers PUT /session.", f"{_SPEC_S} The JSON mode", _SES),
    CheckSpec("LIFECYCLE-809", E, "A session request is PUT /session (create, first turn) or POST /session/{id} (every later turn).", f"{_SPEC_S} Transport", _SES),
    CheckSpec("ASSEMBLY-810", E, "toolCallId values are unique within a turn; a tool result answers an earlier tool call with the same toolCallId, at most once.", f"{_SPEC_S} Ordering 6", _SES),
    CheckSpec("ASSEMBLY-811", W, "tool_call.input (a tool_use block's input) is a JSON object (INFERRED).", f"{_SPEC_S} Ordering 10", _SES),
    CheckSpec("RESUME-820", E, "After stopReason tool_use the next request is POST /session/{sessionId}, not a new session.", f"{_SPEC_S} Resume 1, Transport", _SES),
    CheckSpec("RESUME-821", E, "An application-side call is answered by a tool message, an untrusted server-side call by a tool_permission message, never the other way round.", f"{_SPEC_S} Resume 2, 3", _SES),
    CheckSpec("RESUME-822", E, "A tool message's content is a string or an array of content blocks.", f"{_SPEC_S} Resume 4", _SES),
    CheckSpec("RESUME-823", E, "A tool_permission message carries a boolean granted and, optionally, a string reason.", f"{_SPEC_S} Resume 2", _SES),
    CheckSpec("RESUME-824", W, "A resume carries no new user message before its answers (INFERRED).", f"{_SPEC_S} Resume 5", _SES),
    CheckSpec("RESUME-825", E, "tool_permission messages are never stored in history: no later request's history holds one.", f"{_SPEC_S} Resume 6", _SES),
    CheckSpec("STATE-830", E, "stopReason is tool_use if and only if a call needs client action (an application-side call, or an untrusted server-side call left without an inline result); a stop by error is exempt.", f"{_SPEC_S} Ordering 8", _SES),
    CheckSpec("STATE-831", E, "Tool names are unique across the request's application tools and the agent's tools.", f"{_SPEC_S} Ordering 9", _SES),
    # provider-neutral (harness/compare.py, `harness compare`), numbered in the STATE-0NN series
    CheckSpec("STATE-005", E, "Recordings of the same turn (one turn in several stream modes, or several vendors on one scenario) fold to the same canonical turn: text, reasoning, tool calls by position (name, parsed arguments, results), stop reason, error.", f"{_SPEC_S} The JSON mode (mode equivalence); DESIGN.md (compare vendors)"),
)

# === Llama Stack Agents API (9NN): 901-909 lifecycle, 910-919 assembly, 920-929 resume ==================
_LSA = ("llama-stack-agents",)
_SPEC_L = "specs/llamastack-cohere-compat.md"
register(
    CheckSpec("LIFECYCLE-901", E, "A stream ends with exactly one terminal frame (turn_complete, turn_awaiting_input or an error frame) and nothing follows it.", f"{_SPEC_L} A.6 A-2, A-3", _LSA),
    CheckSpec("LIFECYCLE-902", E, "A step runs step_start, step_progress*, step_complete and completes before the turn ends; only the client-tool tool_execution step opening a resumed stream has no step_start.", f"{_SPEC_L} A.6 A-7, A-13", _LSA),
    CheckSpec("LIFECYCLE-903", E, "step_details names the step_type and step_id of the event that carries it.", f"{_SPEC_L} A.6 A-8", _LSA),
    CheckSpec("LIFECYCLE-904", W, "Steps do not interleave: a step starts only after the previous one completed.", f"{_SPEC_L} A.6 A-9", _LSA),
    CheckSpec("LIFECYCLE-905", E, "Every step_details.turn_id is the terminal turn.turn_id, and turn.session_id is the session in the request path.", f"{_SPEC_L} A.6 A-5, A-6", _LSA),
    CheckSpec("LIFECYCLE-906", E, "The terminal turn.steps ends with the step_details of the stream's step_complete events, in order.", f"{_SPEC_L} A.6 A-10", _LSA),
    CheckSpec("LIFECYCLE-907", E, "turn_awaiting_input is sent exactly when output_message.tool_calls is non-empty.", f"{_SPEC_L} A.6 A-15", _LSA),
    CheckSpec("LIFECYCLE-908", W, "Every call an inference step produced is run by a server tool_execution step or left pending, and only such calls are pending.", f"{_SPEC_L} A.6 A-16", _LSA),
    CheckSpec("LIFECYCLE-909", I, "Frames the reference server does not send are tolerated: turn_start after the first frame, [DONE], image or unknown deltas; a pause with out_of_tokens (the SDK ignores its calls).", f"{_SPEC_L} A.6 A-4, A-17, A.11 L-10", _LSA),
    CheckSpec("ASSEMBLY-910", E, "A step_progress delta fits its step and status: inference text, or tool_call started \"\" / in_progress string / succeeded ToolCall / failed string; tool_execution one in_progress ToolCall.", f"{_SPEC_L} A.5", _LSA),
    CheckSpec("ASSEMBLY-911", W, "No tool-call delta reports parse_status failed (the call is not run; content holds its raw text).", f"{_SPEC_L} A.5, A.7", _LSA),
    CheckSpec("ASSEMBLY-912", E, "The succeeded tool-call deltas of an inference step are the calls of its model_response.tool_calls, in order, with the same call_id, tool_name and arguments.", f"{_SPEC_L} A.6 A-12, A.7", _LSA),
    CheckSpec("ASSEMBLY-913", W, "An OpenAI-compatible step's in_progress fragments split into `name(` and JSON arguments per call, one `)` before each verdict.", f"{_SPEC_L} A.7; llamastack/llama-stack openai_compat.py", _LSA),
    CheckSpec("ASSEMBLY-914", W, "An inference step's text deltas are a prefix of model_response.content (reset to \"\" when calls parsed).", f"{_SPEC_L} A.6 A-11", _LSA),
    CheckSpec("ASSEMBLY-915", I, "model_response.content extends the streamed text (a last delta carrying the stop reason is not forwarded); the tail is taken from step_details.", f"{_SPEC_L} A.6 A-11", _LSA),
    CheckSpec("ASSEMBLY-916", E, "A ToolCall has a call_id, a tool_name, arguments as an object or a string, and arguments_json (when present) holding the same JSON.", f"{_SPEC_L} A.4, A.7", _LSA),
    CheckSpec("ASSEMBLY-917", W, "A tool_execution step's tool_responses answer its tool_calls by call_id and tool_name.", f"{_SPEC_L} A.4, A.6 A-13, A.8 R-5", _LSA),
    CheckSpec("RESUME-920", E, "A turn awaiting input is continued by POST .../turn/{turn_id}/resume, and only such a turn is resumed.", f"{_SPEC_L} A.8 R-7, R-8", _LSA),
    CheckSpec("RESUME-921", E, "A resume request sets stream: true (the reference server answers 501 otherwise).", f"{_SPEC_L} A.2, A.8 R-4", _LSA),
    CheckSpec("RESUME-922", E, "tool_responses is a list of ToolResponse: call_id, the tool_name of the call it answers, InterleavedContent content.", f"{_SPEC_L} A.4, A.8 R-2", _LSA),
    CheckSpec("RESUME-923", W, "tool_responses items are ToolResponse, not the ToolResponseMessage shape (role tool) only v0.1.4-v0.1.6 accepted.", f"{_SPEC_L} A.1, A.8", _LSA),
    CheckSpec("RESUME-924", W, "A resume goes to the API base (/v1 or /v1alpha) its turn was created under.", f"{_SPEC_L} A.1, A.3", _LSA),
    CheckSpec("RESUME-925", E, "A resumed stream opens with the client-tool tool_execution step_complete echoing the request's tool_responses and the calls the turn paused on (or none).", f"{_SPEC_L} A.6 A-13, A.8 R-5", _LSA),
    CheckSpec("RESUME-926", E, "A resumed stream continues the path's turn: same turn_id, with the steps from before the pause.", f"{_SPEC_L} A.6 A-19, A.8 R-6", _LSA),
)

# === AWS Bedrock Agents: InvokeAgent, InvokeInlineAgent, session management (740-779) ====================
AGT = ("bedrock-agents",)
SPEC_AGT = "specs/gemini-mistral-bedrock.md"
register(
    CheckSpec("LIFECYCLE-740", E, "The response header x-amz-bedrock-agent-session-id equals the request's sessionId and x-amzn-bedrock-agent-content-type is present (a recording that kept no response headers is not judged).", f"{SPEC_AGT} C.1, C.4.1", AGT),
    CheckSpec("LIFECYCLE-741", E, "An exception message ends the stream: nothing follows it.", f"{SPEC_AGT} C.4.6", AGT),
    CheckSpec("LIFECYCLE-742", E, "Without streamingConfigurations.streamFinalResponse the answer comes in one chunk.", f"{SPEC_AGT} C.4.4 (boto/boto3#3997)", AGT),
    CheckSpec("LIFECYCLE-743", W, "With streamFinalResponse every chunk but the last holds at least applyGuardrailInterval characters (default 50).", f"{SPEC_AGT} C.2, C.4.4", AGT),
    CheckSpec("LIFECYCLE-744", W, "After a returnControl only traces follow (no chunk, no second returnControl).", f"{SPEC_AGT} C.4.5", AGT),
    CheckSpec("LIFECYCLE-745", E, "returnControl carries an invocationId and 1 to 5 invocationInputs, each exactly one of functionInvocationInput (actionGroup, function) or apiInvocationInput (actionGroup, apiPath, httpMethod).", f"{SPEC_AGT} C.3, C.4.5", AGT),
    CheckSpec("LIFECYCLE-746", E, "Blob members (chunk.bytes, files[].bytes) are base64, and a chunk's bytes are UTF-8 text.", f"{SPEC_AGT} C.4.7, E.5", AGT),
    CheckSpec("LIFECYCLE-747", W, "trace events arrive only when the request set enableTrace.", f"{SPEC_AGT} C.4.3", AGT),
    CheckSpec("LIFECYCLE-748", W, "A trace of the agent the client called names the request's sessionId, agentId and agentAliasId (collaborators' traces name their own).", f"{SPEC_AGT} C.3 (every real recording)", AGT),
    CheckSpec("LIFECYCLE-749", E, "An agent answers with event-stream members (chunk, trace, returnControl, files, exceptions), not a plain JSON object.", f"{SPEC_AGT} C.1, C.3", AGT),
    CheckSpec("RESUME-750", E, "returnControlInvocationResults holds 1 to 5 entries, each exactly one of functionResult (actionGroup, function) or apiResult (actionGroup, apiPath, httpMethod); responseBody maps a content type to {body}; responseState is FAILURE or REPROMPT; confirmationState CONFIRM or DENY.", f"{SPEC_AGT} C.2, C.5 C3", AGT),
    CheckSpec("RESUME-751", E, "The result of an input whose actionInvocationType asks for user confirmation carries confirmationState.", f"{SPEC_AGT} C.5 C5", AGT),
    CheckSpec("RESUME-752", W, "The result of a collaborator's input names that collaborator's agentId.", f"{SPEC_AGT} C.5 C3", AGT),
    CheckSpec("RESUME-753", W, "inputText is empty or absent when the request carries results (the service ignores it).", f"{SPEC_AGT} C.2, C.5 C4", AGT),
    CheckSpec("LIFECYCLE-760", E, "A session-management request names its session by UUID or session ARN, and its JSON body (and ListSessions its maxResults) has the documented shape and limits.", f"{SPEC_AGT} C.6", AGT),
    CheckSpec("LIFECYCLE-761", E, "A session-management answer is one JSON object about the session its request named (EndSession answers ENDED).", f"{SPEC_AGT} C.6", AGT),
    CheckSpec("LIFECYCLE-762", E, "DeleteSession follows the EndSession of that session (only a session that is no longer ACTIVE can be deleted).", f"{SPEC_AGT} C.6", AGT),
)
