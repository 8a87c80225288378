"""The AWS Bedrock InvokeModelWithResponseStream block of the check catalogue: ids 780-799, with their rules, severities and sources."""

from __future__ import annotations

from harness.checkspec import CheckSpec, Severity, claim

E, W, I = Severity.error, Severity.warning, Severity.info
FAMILY = ("bedrock-invoke-model",)
BLOCK = range(780, 800)
_INVOKE_SPEC = "botocore/data/bedrock-runtime/2023-09-30/service-2.json (PayloadPart)"

CHECKS = claim(
    "bedrock-invoke-model", BLOCK,
    CheckSpec("WIRE-780", E, "Every chunk carries `bytes`: base64 of one JSON event object.", _INVOKE_SPEC, FAMILY),
    CheckSpec("SCHEMA-781", W, "Every message is a ResponseStream member: `chunk` or one of its six exceptions "
              "(botocore silently drops anything else).", _INVOKE_SPEC, FAMILY),
)
