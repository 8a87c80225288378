"""Which model family speaks inside an InvokeModelWithResponseStream body, and how its chunks read.

InvokeModel passes the model's own body through: each ``chunk.bytes`` holds one JSON object in the
model provider's native streaming format, so the family is named by the model id in the URI
(``/model/{modelId}/invoke-with-response-stream``, the id or an inference profile such as
``us.amazon.nova-pro-v1:0``, or an ARN ending in one) and, when there is no URI, by the chunk's shape.
Shapes, per family (the AWS Bedrock user guide's model parameter pages, and the consumers cited):

- Anthropic: Messages events with a ``type`` (the Anthropic family's translator).
- Amazon Nova: one-member unions ``{"messageStart": ...}``, ``contentBlockDelta``, ``contentBlockStart``
  (toolUse), ``contentBlockStop``, ``messageStop`` (``stopReason``), ``metadata`` (``usage``): the
  ConverseStream vocabulary (NonbiriTarsan/bedrock-book-nova ``chapter2/3_streaming.py`` reads
  ``chunk["contentBlockDelta"]["delta"]["text"]``; the strands Nova aggregator reads usage from
  ``metadata.usage.inputTokens/outputTokens``).
- Amazon Titan text: ``{"outputText", "index", "totalOutputTextTokenCount", "completionReason",
  "inputTextTokenCount"}``, ``completionReason`` null until the last chunk (FINISH, LENGTH, CONTENT_FILTERED).
- Meta Llama: ``{"generation", "prompt_token_count", "generation_token_count", "stop_reason"}`` (stop, length).
- Mistral: ``{"outputs": [{"text", "stop_reason"}]}`` (stop, length, tool_calls).
- Cohere Command: ``{"text", "is_finished"}``, then ``is_finished: true`` with ``finish_reason``
  (COMPLETE, MAX_TOKENS, ERROR, ERROR_TOXIC); Command R adds ``event_type`` (text-generation, stream-end).
- AI21 Jamba: OpenAI-style ``{"choices": [{"delta": {"content"}, "finish_reason"}]}``.

Bedrock appends ``amazon-bedrock-invocationMetrics`` (inputTokenCount, outputTokenCount,
invocationLatency, firstByteLatency) to the last chunk of every family (ues-io/uesio
``apps/platform/pkg/integ/bedrock/stream.go``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

METRICS = "amazon-bedrock-invocationMetrics"
NOVA_EVENTS = frozenset({"messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop",
                         "metadata"})
# model id prefix -> family; inference profiles put a region group first (us., eu., apac., global., ...)
PREFIXES = (("anthropic.", "anthropic"), ("amazon.nova", "nova"), ("amazon.titan-text", "titan"),
            ("amazon.titan-tg1", "titan"), ("meta.llama", "llama"), ("mistral.", "mistral"), ("cohere.", "cohere"),
            ("ai21.", "ai21"))
FOLDED = ("titan", "llama", "mistral", "cohere", "ai21")  # families read for their text and stop reason only
_REGION_GROUPS = ("us.", "eu.", "apac.", "global.", "us-gov.", "ca.", "jp.", "au.")


def model_id(path: str) -> str | None:
    """The model id of ``/model/{modelId}/invoke-with-response-stream`` (URL-encoded: ``%3A``, ``%2F`` in ARNs)."""
    parts = path.split("/")
    if len(parts) >= 4 and parts[1] == "model" and parts[2]:
        return unquote("/".join(parts[2:-1]))
    return None


def family_of_model(model: str | None) -> str | None:
    """The family a model id, inference profile or ARN names (None: unknown or absent)."""
    if not model:
        return None
    bare = model.rsplit("/", 1)[-1].lower()  # an ARN ends in the model id or the inference profile id
    for group in _REGION_GROUPS:
        if bare.startswith(group):
            bare = bare[len(group):]
            break
    return next((family for prefix, family in PREFIXES if bare.startswith(prefix)), None)


def family_of_chunk(event: dict[str, Any]) -> str | None:
    """The family a decoded chunk's shape belongs to (None: no known shape)."""
    if isinstance(event.get("type"), str):
        return "anthropic"
    members = [key for key in event if key not in (METRICS, "p")]
    if len(members) == 1 and members[0] in NOVA_EVENTS and isinstance(event[members[0]], dict):
        return "nova"
    if "outputText" in event or "completionReason" in event:
        return "titan"
    if "generation" in event:
        return "llama"
    if isinstance(event.get("outputs"), list):
        return "mistral"
    if "is_finished" in event or "event_type" in event:
        return "cohere"
    if isinstance(event.get("choices"), list):
        return "ai21"
    return None
