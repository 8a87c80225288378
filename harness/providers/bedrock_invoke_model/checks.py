"""The AWS Bedrock InvokeModelWithResponseStream block of the check catalogue: ids 780-799, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("bedrock-invoke-model",)
BLOCK = range(780, 800)
_MODELS = "AWS Bedrock user guide, inference parameters per model family; harness/providers/bedrock_invoke_model/models.py"
_INVOKE_SPEC = "botocore/data/bedrock-runtime/2023-09-30/service-2.json (PayloadPart)"

CHECKS = claim(
    "bedrock-invoke-model", BLOCK,
    CheckSpec("WIRE-780", E, "Every chunk carries `bytes`: base64 of one JSON event object.", _INVOKE_SPEC, FAMILY),
    CheckSpec("SCHEMA-781", W, "Every message is a ResponseStream member: `chunk` or one of its six exceptions "
              "(botocore silently drops anything else).", _INVOKE_SPEC, FAMILY),
    CheckSpec("SCHEMA-782", E, "The event inside chunk.bytes has the shape of a model family InvokeModel serves (Anthropic, "
              "Nova, Titan, Llama, Mistral, Cohere, AI21).", _MODELS, FAMILY),
    CheckSpec("SCHEMA-783", E, "Every chunk belongs to the model family the model id in the URI names, and all to one family.",
              _MODELS, FAMILY),
    CheckSpec("LIFECYCLE-784", E, "Nothing follows the chunk that carries a folded family's stop reason "
              "(Titan completionReason, Llama/Mistral stop_reason, Cohere is_finished, AI21 finish_reason).", _MODELS, FAMILY),
    CheckSpec("LIFECYCLE-785", W, "A folded family's stop reason is one of its documented values.", _MODELS, FAMILY),
)
