"""The Gemini API / Vertex AI streamGenerateContent block of the check catalogue: ids 400-499, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim
from harness.sources import GEMINI_MISTRAL_BEDROCK

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("gemini",)
BLOCK = range(400, 500)

CHECKS = claim(
    "gemini", BLOCK,
    CheckSpec("WIRE-401", E, "A streamed JSON array opens with `[`, separates elements with `,`, closes with `]`, "
                             "with nothing but whitespace around them.", f"{GEMINI_MISTRAL_BEDROCK} A.1", FAMILY),
    CheckSpec("LIFECYCLE-401", E, "An in-band {\"error\"} object ends the stream: nothing follows it.", f"{GEMINI_MISTRAL_BEDROCK} A.4.1", FAMILY),
    CheckSpec("LIFECYCLE-402", E, "promptFeedback is on the first chunk only; with a blockReason no candidate follows.", f"{GEMINI_MISTRAL_BEDROCK} A.4.3", FAMILY),
    CheckSpec("LIFECYCLE-403", E, "Per candidate, finishReason arrives on exactly one chunk and no part follows it.", f"{GEMINI_MISTRAL_BEDROCK} A.4.4", FAMILY),
    CheckSpec("LIFECYCLE-404", W, "finishReason does not arrive before any content of its candidate.", f"{GEMINI_MISTRAL_BEDROCK} A.4.4 (router-for-me/CLIProxyAPI#5651)", FAMILY),
    CheckSpec("LIFECYCLE-405", W, "responseId and modelVersion are the same on every chunk of a stream.", f"{GEMINI_MISTRAL_BEDROCK} A.4.7", FAMILY),
    CheckSpec("LIFECYCLE-406", I, "A function-call failure reason (MALFORMED_FUNCTION_CALL...) ended the turn without a usable call.", f"{GEMINI_MISTRAL_BEDROCK} A.4.12", FAMILY),
    CheckSpec("LIFECYCLE-407", W, "finishReason and blockReason are documented values (open enums: unknown ones are accepted).", f"{GEMINI_MISTRAL_BEDROCK} A.3", FAMILY),
    CheckSpec("LIFECYCLE-408", I, "A functionCall without an id got a local id; its answer is matched by name and order.", f"{GEMINI_MISTRAL_BEDROCK} A.4.11", FAMILY),
    CheckSpec("LIFECYCLE-409", W, "Of parallel functionCall parts only the first carries the thoughtSignature: a signed call never follows an unsigned one.", f"{GEMINI_MISTRAL_BEDROCK} A.4.10", FAMILY),
    CheckSpec("LIFECYCLE-410", W, "Enums (finishReason, blockReason, safety category and probability) are names unless the request "
                                  "asked for `$alt=json;enum-encoding=int`; integers are read by the proto numbering either way "
                                  "(Vertex AI's for a request to Vertex, which differs past OTHER = 5).",
              "googleapis/googleapis google/ai/generativelanguage/v1beta/generative_service.proto, "
              "google/cloud/aiplatform/v1/content.proto; "
              "googleapis/gax-dotnet RestMethodTest.cs ($alt=json;enum-encoding=int)", FAMILY),
    CheckSpec("ASSEMBLY-401", I, "A streamed call (partialArgs) was closed only by the end of the stream and flushed.", f"{GEMINI_MISTRAL_BEDROCK} A.5 (vercel/ai#14358)", FAMILY),
    CheckSpec("ASSEMBLY-402", E, "A functionCall that opens or completes a call names its function.", f"{GEMINI_MISTRAL_BEDROCK} A.5 rule 1", FAMILY),
    CheckSpec("RESUME-401", E, "The model turn is echoed with every functionCall and every thoughtSignature on the part it arrived on.", f"{GEMINI_MISTRAL_BEDROCK} A.6.2, A.6 R3", FAMILY),
    CheckSpec("RESUME-402", W, "No placeholder thoughtSignature (skip_thought_signature_validator...) stands in for one the model produced.", f"{GEMINI_MISTRAL_BEDROCK} A.6 R4", FAMILY),
    CheckSpec("RESUME-403", E, "A functionResponse names the function of the call it answers.", f"{GEMINI_MISTRAL_BEDROCK} A.6 R2", FAMILY),
    CheckSpec("RESUME-404", E, "The answers form one user turn of functionResponse parts, each with an object `response`.", f"{GEMINI_MISTRAL_BEDROCK} A.6.3, A.6 R5", FAMILY),
)
