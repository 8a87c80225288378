"""The OpenAI Chat Completions and compatible servers block of the check catalogue: ids 300-399, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim
from harness.sources import GEMINI_MISTRAL_BEDROCK, LLAMASTACK_COHERE_COMPAT, OPENAI_ANTHROPIC

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("openai-chat",)
BLOCK = range(300, 400)

CHECKS = claim(
    "openai-chat", BLOCK,
    CheckSpec("LIFECYCLE-301", E, "`data: [DONE]` arrives exactly once and last; nothing follows it.", f"{OPENAI_ANTHROPIC} B.1, B.3.1", FAMILY),
    CheckSpec("LIFECYCLE-302", I, "A chunk fixture whose recorder kept only the JSON payloads ends at its finish chunks, without [DONE].", f"{OPENAI_ANTHROPIC} B.1 (vercel/ai chunk fixtures)", FAMILY),
    CheckSpec("LIFECYCLE-303", E, "Every payload before [DONE] is a chat.completion.chunk (non-chunk JSON such as gateway heartbeats is skipped with a warning).", f"{OPENAI_ANTHROPIC} B.3.2, B.6", FAMILY),
    CheckSpec("LIFECYCLE-304", I, "Azure content-filter frames (object \"\", or choices [] without usage) are skipped.", f"{OPENAI_ANTHROPIC} B.2, B.6; specs/prior-art.md (vercel/ai #12501)", FAMILY),
    CheckSpec("LIFECYCLE-305", E, "id and created are identical on every chunk; model should be (warning).", f"{OPENAI_ANTHROPIC} B.3.3; {LLAMASTACK_COHERE_COMPAT} C.6 X-2", FAMILY),
    CheckSpec("LIFECYCLE-306", W, "role \"assistant\" comes on a choice's first delta and on no later one.", f"{OPENAI_ANTHROPIC} B.3.4; {LLAMASTACK_COHERE_COMPAT} C.3", FAMILY),
    CheckSpec("LIFECYCLE-307", E, "Each choice gets exactly one non-null finish_reason, and no delta content after it.", f"{OPENAI_ANTHROPIC} B.3.5, B.3.9; {LLAMASTACK_COHERE_COMPAT} C.6 X-3", FAMILY),
    CheckSpec("LIFECYCLE-308", E, "Usage comes in one chunk with choices [] after every finish_reason, right before [DONE], when include_usage asked for it (elsewhere: warning; unasked: info).", f"{OPENAI_ANTHROPIC} B.3.6; {LLAMASTACK_COHERE_COMPAT} C.1, C.4", FAMILY),
    CheckSpec("LIFECYCLE-309", W, "content and refusal are not both non-empty in one choice.", f"{OPENAI_ANTHROPIC} B.3.8", FAMILY),
    CheckSpec("LIFECYCLE-310", I, "An in-band error in a compatible server's shape (Ollama string, vLLM flat object, OpenRouter beside choices) was normalised.", f"{OPENAI_ANTHROPIC} B.1; {LLAMASTACK_COHERE_COMPAT} C.2-C.4, C.6", FAMILY),
    CheckSpec("LIFECYCLE-311", W, "Reasoning arrived in a delta field OpenAI does not define (DeepSeek reasoning_content, OpenRouter/Groq/Ollama/vLLM reasoning); read as reasoning.", f"{LLAMASTACK_COHERE_COMPAT} C.1-C.4, C.6", FAMILY),
    CheckSpec("LIFECYCLE-312", W, "finish_reason is tool_calls exactly when the choice made tool calls (stop is expected for a named tool_choice).", f"{OPENAI_ANTHROPIC} B.3.7, B.6; {LLAMASTACK_COHERE_COMPAT} C.6 X-4", FAMILY),
    CheckSpec("ASSEMBLY-301", E, "Tool indices are non-negative integers that start at 0 and run contiguously per choice (readable deviations: warning).", f"{OPENAI_ANTHROPIC} B.4.1; specs/prior-art.md (vercel/ai #18382, LangChain #38456)", FAMILY),
    CheckSpec("ASSEMBLY-302", E, "A call's first fragment carries a non-empty id, type function and function.name (late or empty: warning; never: error).", f"{OPENAI_ANTHROPIC} B.4.2; specs/prior-art.md (vercel/ai #14722, #19091)", FAMILY),
    CheckSpec("ASSEMBLY-303", W, "No later fragment repeats a call's id or name (the openai SDK concatenates them).", f"{OPENAI_ANTHROPIC} B.4.3, B.6", FAMILY),
    CheckSpec("ASSEMBLY-304", W, "A tool index is not reused by a call with a different id (read as a new call).", f"{LLAMASTACK_COHERE_COMPAT} C.0; specs/prior-art.md (LangChain #34807, LiteLLM #7621)", FAMILY),
    CheckSpec("ASSEMBLY-305", W, "Fragments of call k stop once call k+1 has begun.", f"{OPENAI_ANTHROPIC} B.4.4", FAMILY),
    CheckSpec("ASSEMBLY-306", W, "A call's first fragment has empty arguments; a whole call in one fragment is the Groq / Ollama style.", f"{OPENAI_ANTHROPIC} B.4; {LLAMASTACK_COHERE_COMPAT} C.1, C.3", FAMILY),
    CheckSpec("ASSEMBLY-307", E, "function.arguments pieces are strings (null and JSON values are read, an unreadable value is lost: error).", f"{OPENAI_ANTHROPIC} B.2; specs/prior-art.md (pydantic-ai #1654); {LLAMASTACK_COHERE_COMPAT} C.3", FAMILY),
    CheckSpec("RESUME-301", E, "Echoed function.arguments is a JSON string, not an object.", f"{OPENAI_ANTHROPIC} B.5.4", FAMILY),
    CheckSpec("RESUME-302", E, "The next request echoes the turn as an assistant message carrying its tool_calls.", f"{OPENAI_ANTHROPIC} B.5, B.5.1", FAMILY),
    CheckSpec("RESUME-303", E, "A tool message's content is a string or a list of text parts.", f"{OPENAI_ANTHROPIC} B.5.4", FAMILY),
    CheckSpec("RESUME-304", I, "Tool messages answer in the order the calls were made (not documented as significant).", f"{OPENAI_ANTHROPIC} B.5.4", FAMILY),
    CheckSpec("LIFECYCLE-313", I, "A deprecated delta.function_call (legacy functions API) is read as one tool call without an id; its role function answer is not checked.", "specs/openai-anthropic.md B.2", FAMILY),
    CheckSpec("LIFECYCLE-314", W, "delta.content is a string or null; a list of content chunks (Mistral's form: text, and Magistral thinking read as reasoning) is read, and is info from a Mistral server.", f"{GEMINI_MISTRAL_BEDROCK} B.7; mistralai/client-python models/deltamessage.py", FAMILY),
    CheckSpec("ASSEMBLY-308", E, "Each content chunk is readable: a text chunk has a string text, a thinking chunk a list of text parts (chunks of other types carry no text: skipped, warning).", f"{GEMINI_MISTRAL_BEDROCK} B.2, B.7; mistralai/client-python models/thinkchunk.py", FAMILY),
    CheckSpec("ASSEMBLY-309", W, "A Mistral server's tool call ids are 9 characters a-z, A-Z, 0-9 (its API refuses any other id sent back).", f"{GEMINI_MISTRAL_BEDROCK} B.6, B.7", FAMILY),
    CheckSpec("RESUME-305", E, "A request to Mistral (or continuing a Mistral turn) carries only tool call ids of 9 characters a-z, A-Z, 0-9 (400 otherwise).", f"{GEMINI_MISTRAL_BEDROCK} B.6 (langchain-ai/langchain#24668, jackmpcollins/magentic#276), B.7", FAMILY),
)
