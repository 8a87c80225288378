"""Anthropic Messages streaming (``POST /v1/messages``, named SSE events, no sequence numbers).

Facts: specs/openai-anthropic.md section C. The translator (``translator.py``) checks C.3 and
puts each finished raw block (``blocks.py``) on its canonical item (``Item.native["block"]``),
because the resume contract (``resume.py``, C.5) compares signatures, redacted data and server tool
results byte for byte. The Turn alone is therefore enough to check or build the next request: the
provider keeps no state between streams.
"""

from __future__ import annotations

from typing import Any

import orjson

from harness.exchange import Exchange, Request
from harness.findings import Finding
from harness.providers.anthropic_messages import resume
from harness.providers.anthropic_messages.checks import CHECKS
from harness.providers.anthropic_messages.encode import encode_turn
from harness.providers.anthropic_messages.translator import AnthropicTranslator
from harness.providers.base import Fragmenter, NativeEvent, Provider, StreamContext, Translator
from harness.state import Turn

__all__ = ["AnthropicMessages"]

_SSE_START = (b"event: message_start", b"event:message_start")


class AnthropicMessages(Provider):
    name = "anthropic-messages"
    detect_order = 130
    checks = CHECKS
    aliases = ("anthropic", "claude")
    framing = "sse"
    has_sequence_numbers = False

    # -- recognising exchanges ------------------------------------------------------------------

    def detect(self, exchange: Exchange) -> bool:
        """C.1: the /v1/messages path, the anthropic-version header, or a body opening with message_start
        (Vertex AI and Bedrock carry `anthropic_version` in the request body instead)."""
        request = exchange.request
        if request.path.rstrip("/").endswith("/v1/messages") or request.header("anthropic-version"):
            return True
        if isinstance(request.json, dict) and "anthropic_version" in request.json:
            return True
        return _opens_with_message_start(exchange.response.body)

    # -- translation ------------------------------------------------------------------------------

    def translator(self, context: StreamContext) -> Translator:
        return AnthropicTranslator(context)

    def opens_stream(self, native: NativeEvent) -> bool:
        return native.type == "message_start"

    def closes_stream(self, native: NativeEvent) -> bool:
        return native.type in ("message_stop", "error")

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        return encode_turn(turn, fragments)

    # -- the resume contract (C.5) ---------------------------------------------------------------

    def is_continuation(self, request: Request) -> bool:
        """Stateless protocol: a request continues the conversation when it re-sends assistant content."""
        return any(message.get("role") == "assistant" for message in resume.messages_of(request))

    def check_resume(self, turn: Turn, request: Request, exchange: int) -> list[Finding]:
        return resume.check(turn, request, exchange)

    def build_resume(self, turn: Turn, answers: dict[str, Any], prior: Request | None = None) -> dict[str, Any]:
        return resume.build(turn, answers, prior)


def _opens_with_message_start(body: bytes) -> bool:
    head = body[:4096].lstrip(b"\xef\xbb\xbf\r\n ")
    if head.startswith(_SSE_START):
        return True
    first = head.split(b"\n", 1)[0].removeprefix(b"data:").strip()
    if not first.startswith(b"{"):
        return False
    try:
        payload = orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return isinstance(payload, dict) and payload.get("type") == "message_start"
