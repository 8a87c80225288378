"""Mistral Conversations API (Agents) streams (specs/gemini-mistral-bedrock.md section B.1-B.6).

Typed SSE (``event:`` = ``data.type``), no sequence numbers, no ``[DONE]``: the stream opens with
``conversation.response.started`` and ends with ``conversation.response.done`` or
``conversation.response.error``. The translator lives in ``translator.py``, the resume contract in
``resume.py``, the encoder in ``encode.py``; this module recognises exchanges. Mistral chat
completions (B.7) are OpenAI-chat shaped and not handled here.
"""

from __future__ import annotations

from typing import Any

from harness.exchange import Exchange
from harness.providers.base import Fragmenter, NativeEvent, Provider, StreamContext, Translator
from harness.providers.mistral_conversations import encode, resume
from harness.providers.mistral_conversations.checks import CHECKS
from harness.providers.mistral_conversations.translator import STARTED, TERMINAL, ConversationsTranslator
from harness.state import Turn

__all__ = ["MistralConversations"]

_SNIFF = (b'"conversation.response.started"', b"event: conversation.response.started")


class MistralConversations(Provider):
    name = "mistral-conversations"
    detect_order = 160
    checks = CHECKS
    contract = resume  # is_continuation, check, build
    aliases = ("mistral",)
    framing = "sse"
    has_sequence_numbers = False

    def detect(self, exchange: Exchange) -> bool:
        """POST /v1/conversations[/{id}[/restart]], or a body that opens like a conversation response."""
        if resume.PATH.search(exchange.request.path):
            return True
        head = exchange.response.body[:4096]
        return any(marker in head for marker in _SNIFF)

    def translator(self, context: StreamContext) -> Translator:
        return ConversationsTranslator(context)

    def opens_stream(self, native: NativeEvent) -> bool:
        return native.type == STARTED

    def closes_stream(self, native: NativeEvent) -> bool:
        return native.type in TERMINAL

    # -- simulation -----------------------------------------------------------------------------------

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        return encode.encode_turn(turn, fragments)

    def to_wire(self, natives: list[dict[str, Any]]) -> bytes:
        return encode.to_wire(natives)
