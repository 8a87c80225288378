"""The provider-neutral rules of the check catalogue: every id numbered below 100.

Numbering: ``<FAMILY>-0NN`` are provider-neutral rules, registered here; each provider family owns a
block of numbers from 100 up and registers its rules in its own ``checks`` module (``claim``), so a
plug-in family brings its block with it. The shipped blocks: 1NN openai-responses, 2NN
anthropic-messages, 3NN openai-chat, 4NN gemini, 5NN mistral-conversations, 6NN cohere-v2, 700-739
bedrock-converse, 740-779 bedrock-agents, 780-799 bedrock-invoke-model, 8NN agent-session, 9NN
llama-stack-agents. Ids never change meaning; a retired rule keeps its number.

Severity follows the source: a documented or SDK-enforced rule (MUST) is an error, behaviour real
streams consistently show (SHOULD) is a warning, the rest is info.
"""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, register
from harness.sources import AGENT_SESSION, GEMINI_MISTRAL_BEDROCK, OPENAI_ANTHROPIC, WHATWG_SSE

E, W, I = Severity.error, Severity.warning, Severity.info
OPENAI_RESPONSES = ("openai-responses",)  # neutral rules that only that family's streams can break

register(
    # --- framing -------------------------------------------------------------------------------
    CheckSpec("WIRE-001", E, "Every SSE line is valid UTF-8.", WHATWG_SSE),
    CheckSpec("WIRE-002", E, "A frame stays within the size limit.", "harness limit (--max-frame-bytes)"),
    CheckSpec("WIRE-003", E, "The stream does not end inside an event (the last event has its blank line).", WHATWG_SSE),
    CheckSpec("WIRE-004", E, "Every data payload of a JSON protocol parses as JSON.", f"{OPENAI_ANTHROPIC} 0.1"),
    CheckSpec("WIRE-005", I, "SSE fields the WHATWG rules ignore (unknown name, bad retry, id with NUL).", WHATWG_SSE),
    CheckSpec("WIRE-006", E, "A streaming exchange has a non-empty response body.", "DESIGN.md flow"),
    CheckSpec("WIRE-007", W, "The content type names the framing the body actually uses.", f"{OPENAI_ANTHROPIC} 0.1"),
    CheckSpec("WIRE-008", E, "A JSON payload is an object (not an array, string or number).", f"{OPENAI_ANTHROPIC} 0.1"),
    CheckSpec("WIRE-009", E, "An event stream ends exactly on a message boundary (no trailing bytes).", f"{GEMINI_MISTRAL_BEDROCK} E.7.5"),
    CheckSpec("WIRE-010", E, "Every event-stream prelude CRC matches (CRC-32 of its first 8 bytes).", f"{GEMINI_MISTRAL_BEDROCK} E.2"),
    CheckSpec("WIRE-011", E, "Event-stream lengths are possible: total >= 16, headers <= total - 16, headers <= 128 KiB.", f"{GEMINI_MISTRAL_BEDROCK} E.7.1"),
    CheckSpec("WIRE-012", E, "Every event-stream message CRC matches.", f"{GEMINI_MISTRAL_BEDROCK} E.2"),
    CheckSpec("WIRE-013", E, "An event-stream headers section is consumed exactly: known type codes, no repeated names.", f"{GEMINI_MISTRAL_BEDROCK} E.7.3"),
    CheckSpec("WIRE-014", E, "Every event-stream message has :message-type and the header its type requires.", f"{GEMINI_MISTRAL_BEDROCK} E.7.4"),
    CheckSpec("WIRE-015", W, "An event-stream message stays within 16 MiB (the AWS C runtime limit).", f"{GEMINI_MISTRAL_BEDROCK} E.4"),
    # --- cassette loading --------------------------------------------------------------------------
    CheckSpec("CASSETTE-001", E, "The cassette is readable YAML (or a readable raw stream file).", "vcrpy cassette format"),
    CheckSpec("CASSETTE-002", E, "No YAML tag other than the safe core schema and !!binary.", "yaml.SafeLoader"),
    CheckSpec("CASSETTE-003", E, "File and decoded body sizes stay within the loader's limits.", "harness limit"),
    CheckSpec("CASSETTE-004", E, "YAML alias use stays within the limit (no alias bombs).", "harness limit"),
    CheckSpec("CASSETTE-005", E, "Every interaction has a request and a response with a body.", "vcrpy cassette format"),
    CheckSpec("CASSETTE-006", E, "No credential (API key, bearer token, session cookie, signed URL) is stored in a cassette (an infrastructure cookie is CASSETTE-013).", "DEVELOPERS.md standards"),
    CheckSpec("CASSETTE-007", E, "A body marked gzip decompresses.", "RFC 9110 8.4.1"),
    CheckSpec("CASSETTE-008", W, "Every check id a cassette declares in harness.expect exists in the catalogue.", "harness cassette metadata"),
    CheckSpec("CASSETTE-009", E, "Every check id a cassette declares in harness.expect occurs.", "harness cassette metadata"),
    CheckSpec("CASSETTE-010", W, "Every exchange belongs to a known provider family (one nobody could check is no pass; "
                                 "--strict fails the cassette).", "harness provider detection"),
    CheckSpec("CASSETTE-011", E, "A body's other codings decode: Content-Encoding deflate, br and zstd, alone or chained (gzip is CASSETTE-007), a HAR body's base64, a nock body's hex; an unknown coding is reported, never guessed.", "RFC 9110 8.4.1; RFC 7932; RFC 9659; HAR 1.2 content"),
    CheckSpec("CASSETTE-012", E, "A recorded response status is an HTTP status code (100-599; a numeric string counts as its number).", "RFC 9110 15"),
    CheckSpec("CASSETTE-013", W, "No infrastructure cookie (Cloudflare's bot-management, rate-limiting and load-balancer cookies such as __cf_bm and _cfuvid, an AWS load balancer's stickiness cookies) is stored in a cassette: no API credential, but a per-client value; the finding names the cookie, never its value.", "Cloudflare Cookies (cloudflare/cloudflare-docs fundamentals/reference/policies-compliances/cloudflare-cookies.mdx); AWS ALB sticky sessions"),
    # --- schemas -----------------------------------------------------------------------------------
    CheckSpec("SCHEMA-001", E, "A native event validates against its JSON Schema.", "schemas/<provider>/"),
    CheckSpec("SCHEMA-002", I, "Event types without a schema are tolerated and skipped.", f"{OPENAI_ANTHROPIC} A.3, C.1"),
    CheckSpec("SCHEMA-003", W, "The SSE event name equals the payload's type.", f"{OPENAI_ANTHROPIC} A.1, C.1"),
    CheckSpec("SCHEMA-004", E, "A payload of a typed protocol carries a string `type`.", f"{OPENAI_ANTHROPIC} A.2, C.2"),
    # --- ordering ----------------------------------------------------------------------------------
    CheckSpec("ORDER-001", E, "Every event carries an integer sequence number.", f"{OPENAI_ANTHROPIC} A.6.1", OPENAI_RESPONSES),
    CheckSpec("ORDER-002", W, "A fresh stream starts at sequence number 0.", f"{OPENAI_ANTHROPIC} A.6.2"),
    CheckSpec("ORDER-003", W, "Sequence numbers increase by exactly 1 (no gaps).", f"{OPENAI_ANTHROPIC} A.6.2"),
    CheckSpec("ORDER-004", E, "No sequence number is delivered twice.", f"{OPENAI_ANTHROPIC} A.6.2"),
    CheckSpec("ORDER-005", E, "Events are delivered in sequence-number order (the harness restores it and says so).", f"{OPENAI_ANTHROPIC} A.6.2"),
    # --- lifecycle (provider-neutral, from the canonical log) ----------------------------------------
    CheckSpec("LIFECYCLE-001", E, "A delta or completion refers to an item that was started.", "DESIGN.md reducer"),
    CheckSpec("LIFECYCLE-002", E, "Nothing arrives for an item after it completed.", "DESIGN.md reducer"),
    CheckSpec("LIFECYCLE-003", E, "An item is started once.", "DESIGN.md reducer"),
    CheckSpec("LIFECYCLE-004", E, "Nothing follows the turn's terminal event.", f"{OPENAI_ANTHROPIC} A.6.4, C.3.8"),
    CheckSpec("LIFECYCLE-005", E, "The stream ends with a terminal event (otherwise it was truncated).", f"{OPENAI_ANTHROPIC} A.6.4, C.3.9"),
    CheckSpec("LIFECYCLE-006", E, "Every item is completed before a normal end of turn.", f"{OPENAI_ANTHROPIC} A.6.7, C.3.2"),
    CheckSpec("LIFECYCLE-007", E, "A stream holds one turn: one start, before everything else.", f"{OPENAI_ANTHROPIC} A.6.3, C.3.1"),
    CheckSpec("LIFECYCLE-008", I, "The exchange was answered with an HTTP error before any stream.", f"{OPENAI_ANTHROPIC} 0.1.5"),
    # --- assembly ----------------------------------------------------------------------------------
    CheckSpec("ASSEMBLY-001", E, "A declared final text equals the concatenation of its deltas.", f"{OPENAI_ANTHROPIC} A.6.10, A.6.11"),
    CheckSpec("ASSEMBLY-002", E, "Declared final arguments equal the concatenation of their fragments.", f"{OPENAI_ANTHROPIC} A.6.10, A.7"),
    CheckSpec("ASSEMBLY-003", E, "Tool arguments parse as JSON once the call is complete.", f"{OPENAI_ANTHROPIC} A.6.13, C.4"),
    CheckSpec("ASSEMBLY-004", E, "Tool arguments are a JSON object.", f"{OPENAI_ANTHROPIC} C.4"),
    CheckSpec("ASSEMBLY-005", E, "A structural fragment targets an open call with a supported path.", "specs/gemini-mistral-bedrock.md A"),
    CheckSpec("ASSEMBLY-006", W, "No structural path is left open when a call ends.", "specs/gemini-mistral-bedrock.md A"),
    CheckSpec("ASSEMBLY-007", E, "The terminal summary of the output agrees with the items the stream built.", f"{OPENAI_ANTHROPIC} A.6.15"),
    # --- resume ------------------------------------------------------------------------------------
    CheckSpec("RESUME-001", E, "An interrupt exposes the handle the next request needs.", "DESIGN.md resume"),
    CheckSpec("RESUME-002", E, "The next request carries the interrupt's handle.", f"{OPENAI_ANTHROPIC} A.8.1, C.5"),
    CheckSpec("RESUME-003", E, "Every pending call is answered in the next request.", f"{OPENAI_ANTHROPIC} A.8.1.1, C.5.1"),
    CheckSpec("RESUME-004", E, "No pending call is answered twice.", f"{OPENAI_ANTHROPIC} A.8.1.1, B.5.1"),
    CheckSpec("RESUME-005", E, "No answer refers to a call the interrupt did not ask for.", f"{OPENAI_ANTHROPIC} C.5.3, B.5.3"),
    CheckSpec("RESUME-006", E, "Answers stand where the protocol requires them.", f"{OPENAI_ANTHROPIC} C.5.1, C.5.2, B.5.1"),
    CheckSpec("RESUME-007", E, "A re-attached stream starts after the client's cursor.", f"{OPENAI_ANTHROPIC} A.8.4", OPENAI_RESPONSES),
    CheckSpec("RESUME-008", W, "A re-attached stream starts exactly at cursor + 1.", f"{OPENAI_ANTHROPIC} A.8.4", OPENAI_RESPONSES),
    CheckSpec("RESUME-009", E, "History echoed in the next request is what the model produced (signatures, reasoning, arguments).", f"{OPENAI_ANTHROPIC} A.8.2, C.5.5"),
    CheckSpec("RESUME-010", E, "The request after an interrupt has a JSON object body (one that is not JSON, or an "
                               "array, answers nothing).", "DESIGN.md resume; RFC 8259"),
    # --- state -------------------------------------------------------------------------------------
    CheckSpec("STATE-001", W, "The stop reason agrees with whether client tool calls are pending.", f"{OPENAI_ANTHROPIC} C.3.11, B.3.7"),
    CheckSpec("STATE-002", W, "Usage totals add up (total = input + output).", f"{OPENAI_ANTHROPIC} A.6.16"),
    CheckSpec("STATE-003", E, "The terminal status agrees with the terminal event.", f"{OPENAI_ANTHROPIC} A.6.5"),
    CheckSpec("STATE-004", E, "Cumulative usage never decreases within a turn.", f"{OPENAI_ANTHROPIC} C.3.7"),
    # provider-neutral (harness/compare.py, `harness compare`), numbered in the STATE-0NN series
    CheckSpec("STATE-005", E, "Recordings of the same turn (one turn in several stream modes, or several vendors on one scenario) fold to the same canonical turn: text, reasoning, tool calls by position (name, parsed arguments, results), stop reason, error.", f"{AGENT_SESSION} The JSON mode (mode equivalence); DESIGN.md (compare vendors)"),
)
