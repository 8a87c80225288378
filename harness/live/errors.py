"""What each family's server says when it fails: the in-band error event (after the 200 went out) and
the JSON body of an HTTP error, so an injected failure looks like the real one to a client's SDK.

The shapes are the ones the shipped cassettes hold for each family (``*error*`` scenarios).
"""

from __future__ import annotations

from typing import Any

import orjson

from harness.providers.base import Provider
from harness.wire import eventstream

_MESSAGE = "The server had an error while processing your request."

# family -> (SSE event name or AWS exception type, payload); None: a data-only frame
_IN_BAND: dict[str, tuple[str | None, dict[str, Any]]] = {
    "openai-responses": ("error", {"type": "error", "error": {"type": "server_error", "code": "server_error",
                                                              "message": _MESSAGE, "param": None}}),
    "anthropic-messages": ("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    "anthropic-complete": ("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    "openai-chat": (None, {"error": {"message": _MESSAGE, "type": "server_error", "param": None, "code": None}}),
    "gemini": (None, {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}),
    "mistral-conversations": ("conversation.response.error", {
        "type": "conversation.response.error", "message": _MESSAGE, "code": 500, "created_at": "2026-01-01T00:00:00Z"}),
    "cohere-v2": ("message-end", {"type": "message-end", "delta": {"finish_reason": "ERROR", "error": _MESSAGE}}),
    "llama-stack-agents": (None, {"error": {"message": f"500: {_MESSAGE}"}}),
    "agent-session": ("turn_stop", {"stopReason": "error"}),
    "bedrock-converse": ("modelStreamErrorException", {"message": "Model stream error", "originalStatusCode": 500}),
    "bedrock-invoke-model": ("modelStreamErrorException", {"message": _MESSAGE}),
    "bedrock-agents": ("internalServerException", {"message": _MESSAGE}),
}


def error_event(provider: Provider, sequence_number: int, json_array: bool = False) -> bytes:
    """One framed in-band error event of ``provider``'s family (``sequence_number`` for families that
    number their events; ``json_array``: the element of a streamed JSON array, without its brackets)."""
    kind, payload = _IN_BAND.get(provider.name, (None, {"error": {"message": _MESSAGE}}))
    if provider.has_sequence_numbers:
        payload = {**payload, "sequence_number": sequence_number}
    text = orjson.dumps(payload)
    if provider.framing == "eventstream":
        return eventstream.encode_exception(kind or "internalServerException", text)
    if json_array:
        return text
    return provider.frame_payloads([(kind, text.decode())])


def http_error_body(provider: Provider | None, status: int) -> bytes:
    """The JSON an HTTP error carries in ``provider``'s family (Anthropic's typed errors, AWS's
    ``message``, OpenAI's and Google's ``error`` object)."""
    name = provider.name if provider is not None else ""
    message = {429: "Rate limit reached.", 529: "Overloaded", 503: "The service is unavailable."}.get(status, _MESSAGE)
    if name in ("anthropic-messages", "anthropic-complete", "bedrock-invoke-model") or status == 529:  # 529: Anthropic
        kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
        return orjson.dumps({"type": "error", "error": {"type": kind, "message": message}})
    if name.startswith("bedrock"):
        return orjson.dumps({"message": message})
    if name == "gemini":
        state = {429: "RESOURCE_EXHAUSTED", 503: "UNAVAILABLE"}.get(status, "INTERNAL")
        return orjson.dumps({"error": {"code": status, "message": message, "status": state}})
    code = {429: "rate_limit_exceeded"}.get(status, "server_error")
    return orjson.dumps({"error": {"message": message, "type": code, "param": None, "code": code}})
