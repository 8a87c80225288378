"""Google's numeric enum encoding: ``$alt=json;enum-encoding=int``.

Google's REST surface writes enums as their names. A client that asks for the system parameter
``$alt=json;enum-encoding=int`` (the GAPIC REST transports do, URL-encoded as
``%24alt=json%3Benum-encoding%3Dint``: googleapis/gax-dotnet
``Google.Api.Gax.Grpc.Tests/Rest/RestMethodTest.cs``, googleapis/google-cloud-rust's tracing tests) gets
them as the proto numbers instead: ``"finishReason": 1``. The request decides the encoding, so a chunk
is read against the request that asked for it.

The numbers are the proto's, googleapis/googleapis ``google/ai/generativelanguage/v1beta/generative_service.proto``
(``Candidate.FinishReason``, ``GenerateContentResponse.PromptFeedback.BlockReason``) and ``safety.proto``
(``HarmCategory``, ``SafetyRating.HarmProbability``). Vertex AI numbers its own protos differently past
OTHER = 5 (``google/cloud/aiplatform/v1/content.proto`` ``Candidate.FinishReason``, ``prediction_service.proto``
``PromptFeedback.BlockedReason``; read here from the generated client the Google Cloud SDK ships,
``googlecloudsdk/generated_clients/gapic_clients/aiplatform_v1/types/content.py`` and ``prediction_service.py``),
so a chunk's numbers are read by the numbering of the surface its request went to.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.exchange import Request

FINISH_REASON = {
    0: "FINISH_REASON_UNSPECIFIED", 1: "STOP", 2: "MAX_TOKENS", 3: "SAFETY", 4: "RECITATION", 5: "OTHER",
    6: "LANGUAGE", 7: "BLOCKLIST", 8: "PROHIBITED_CONTENT", 9: "SPII", 10: "MALFORMED_FUNCTION_CALL",
    11: "IMAGE_SAFETY", 12: "UNEXPECTED_TOOL_CALL", 13: "TOO_MANY_TOOL_CALLS", 14: "IMAGE_PROHIBITED_CONTENT",
    15: "IMAGE_OTHER", 16: "NO_IMAGE", 17: "IMAGE_RECITATION",
}
VERTEX_FINISH_REASON = {
    **{number: FINISH_REASON[number] for number in range(6)},  # where both protos agree
    6: "BLOCKLIST", 7: "PROHIBITED_CONTENT", 8: "SPII", 9: "MALFORMED_FUNCTION_CALL", 11: "IMAGE_SAFETY",
    12: "IMAGE_PROHIBITED_CONTENT", 13: "IMAGE_RECITATION", 14: "IMAGE_OTHER", 15: "UNEXPECTED_TOOL_CALL",
}  # 10 is not assigned
BLOCK_REASON = {0: "BLOCK_REASON_UNSPECIFIED", 1: "SAFETY", 2: "OTHER", 3: "BLOCKLIST", 4: "PROHIBITED_CONTENT",
                5: "IMAGE_SAFETY"}
VERTEX_BLOCK_REASON = {0: "BLOCKED_REASON_UNSPECIFIED", 1: "SAFETY", 2: "OTHER", 3: "BLOCKLIST",
                       4: "PROHIBITED_CONTENT", 6: "IMAGE_SAFETY"}  # 5 is not assigned
HARM_CATEGORY = {
    0: "HARM_CATEGORY_UNSPECIFIED", 1: "HARM_CATEGORY_DEROGATORY", 2: "HARM_CATEGORY_TOXICITY",
    3: "HARM_CATEGORY_VIOLENCE", 4: "HARM_CATEGORY_SEXUAL", 5: "HARM_CATEGORY_MEDICAL", 6: "HARM_CATEGORY_DANGEROUS",
    7: "HARM_CATEGORY_HARASSMENT", 8: "HARM_CATEGORY_HATE_SPEECH", 9: "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    10: "HARM_CATEGORY_DANGEROUS_CONTENT", 11: "HARM_CATEGORY_CIVIC_INTEGRITY",
}
HARM_PROBABILITY = {0: "HARM_PROBABILITY_UNSPECIFIED", 1: "NEGLIGIBLE", 2: "LOW", 3: "MEDIUM", 4: "HIGH"}

_PARAMETERS = ("$alt", "alt")


@dataclass(frozen=True, slots=True)
class Numbering:
    """The proto numbers of the two enums a stream's turn depends on, on one surface."""

    finish_reason: dict[int, str]
    block_reason: dict[int, str]


GEMINI_API = Numbering(FINISH_REASON, BLOCK_REASON)
VERTEX_AI = Numbering(VERTEX_FINISH_REASON, VERTEX_BLOCK_REASON)


def asks_for_integers(request: Request) -> bool:
    """Whether the request asked for numeric enums (``$alt`` or ``alt`` = ``json;enum-encoding=int``)."""
    query = request.query
    return any("enum-encoding=int" in value.replace(" ", "") for key in _PARAMETERS for value in query.get(key, ()))


def numbering(request: Request) -> Numbering:
    """Vertex AI's numbers for a request to Vertex, the Gemini API's otherwise."""
    return VERTEX_AI if is_vertex(request) else GEMINI_API


def is_vertex(request: Request) -> bool:
    return "aiplatform.googleapis.com" in request.uri or "/publishers/google/" in request.uri
