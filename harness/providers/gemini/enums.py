"""Google's numeric enum encoding: ``$alt=json;enum-encoding=int``.

Google's REST surface writes enums as their names. A client that asks for the system parameter
``$alt=json;enum-encoding=int`` (the GAPIC REST transports do, URL-encoded as
``%24alt=json%3Benum-encoding%3Dint``: googleapis/gax-dotnet
``Google.Api.Gax.Grpc.Tests/Rest/RestMethodTest.cs``, googleapis/google-cloud-rust's tracing tests) gets
them as the proto numbers instead: ``"finishReason": 1``. The request decides the encoding, so a chunk
is read against the request that asked for it.

The numbers are the proto's, googleapis/googleapis ``google/ai/generativelanguage/v1beta/generative_service.proto``
(``Candidate.FinishReason``, ``GenerateContentResponse.PromptFeedback.BlockReason``) and ``safety.proto``
(``HarmCategory``, ``SafetyRating.HarmProbability``). Vertex AI (``google/cloud/aiplatform/v1/content.proto``)
numbers its FinishReason differently past OTHER = 5, so on Vertex only 0-5, which the two agree on, are read.
"""

from __future__ import annotations

from harness.exchange import Request

FINISH_REASON = {
    0: "FINISH_REASON_UNSPECIFIED", 1: "STOP", 2: "MAX_TOKENS", 3: "SAFETY", 4: "RECITATION", 5: "OTHER",
    6: "LANGUAGE", 7: "BLOCKLIST", 8: "PROHIBITED_CONTENT", 9: "SPII", 10: "MALFORMED_FUNCTION_CALL",
    11: "IMAGE_SAFETY", 12: "UNEXPECTED_TOOL_CALL", 13: "TOO_MANY_TOOL_CALLS", 14: "IMAGE_PROHIBITED_CONTENT",
    15: "IMAGE_OTHER", 16: "NO_IMAGE", 17: "IMAGE_RECITATION",
}
VERTEX_FINISH_REASON = {number: FINISH_REASON[number] for number in range(6)}  # where both protos agree
BLOCK_REASON = {0: "BLOCK_REASON_UNSPECIFIED", 1: "SAFETY", 2: "OTHER", 3: "BLOCKLIST", 4: "PROHIBITED_CONTENT",
                5: "IMAGE_SAFETY"}
HARM_CATEGORY = {
    0: "HARM_CATEGORY_UNSPECIFIED", 1: "HARM_CATEGORY_DEROGATORY", 2: "HARM_CATEGORY_TOXICITY",
    3: "HARM_CATEGORY_VIOLENCE", 4: "HARM_CATEGORY_SEXUAL", 5: "HARM_CATEGORY_MEDICAL", 6: "HARM_CATEGORY_DANGEROUS",
    7: "HARM_CATEGORY_HARASSMENT", 8: "HARM_CATEGORY_HATE_SPEECH", 9: "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    10: "HARM_CATEGORY_DANGEROUS_CONTENT", 11: "HARM_CATEGORY_CIVIC_INTEGRITY",
}
HARM_PROBABILITY = {0: "HARM_PROBABILITY_UNSPECIFIED", 1: "NEGLIGIBLE", 2: "LOW", 3: "MEDIUM", 4: "HIGH"}

_PARAMETERS = ("$alt", "alt")


def asks_for_integers(request: Request) -> bool:
    """Whether the request asked for numeric enums (``$alt`` or ``alt`` = ``json;enum-encoding=int``)."""
    query = request.query
    return any("enum-encoding=int" in value.replace(" ", "") for key in _PARAMETERS for value in query.get(key, ()))


def is_vertex(request: Request) -> bool:
    return "aiplatform.googleapis.com" in request.uri or "/publishers/google/" in request.uri
