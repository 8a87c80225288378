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

from harness.exchange import Exchange
from harness.providers.anthropic_messages.checks import CHECKS
from harness.providers.base import Fragmenter, LazyModule, NativeEvent, Provider, StreamContext, Translator
from harness.state import Turn
from harness.values import mapping

__all__ = ["AnthropicMessages"]

_SSE_START = (b"event: message_start", b"event:message_start")


class AnthropicMessages(Provider):
    name = "anthropic-messages"
    detect_order = 130
    checks = CHECKS
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build (C.5)
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
        if "anthropic_version" in mapping(request.json):
            return True
        return _opens_with_message_start(exchange.response.body)

    # -- translation ------------------------------------------------------------------------------

    def translator(self, context: StreamContext) -> Translator:
        from harness.providers.anthropic_messages.translator import AnthropicTranslator

        return AnthropicTranslator(context)

    def opens_stream(self, native: NativeEvent) -> bool:
        return native.type == "message_start"

    def closes_stream(self, native: NativeEvent) -> bool:
        return native.type in ("message_stop", "error")

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        from harness.providers.anthropic_messages.encode import encode_turn

        return encode_turn(turn, fragments)


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
    return mapping(payload).get("type") == "message_start"
