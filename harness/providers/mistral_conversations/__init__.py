"""Mistral Conversations API (Agents) streams (specs/gemini-mistral-bedrock.md section B.1-B.6).

Typed SSE (``event:`` = ``data.type``), no sequence numbers, no ``[DONE]``: the stream opens with
``conversation.response.started`` and ends with ``conversation.response.done`` or
``conversation.response.error``. The translator lives in ``translator.py``, the resume contract in
``resume.py``, the encoder in ``encode.py``; this module recognises exchanges. Mistral chat
completions (B.7) are OpenAI-chat shaped and not handled here.

Recognising an exchange takes more than the path: OpenAI's Conversations API has the same paths
(``POST /v1/conversations``, ``POST /v1/conversations/{id}``, ``.../items``: openai/openai-python
src/openai/resources/conversations/api.md) and answers with conversation-item JSON, no stream. So
the host decides first: Mistral's own (the SDK's only server is ``https://api.mistral.ai``,
mistralai/client-python src/mistralai/sdkconfiguration.py ``SERVERS``) claims its path shapes, an
OpenAI or Azure OpenAI host never is Mistral, and under any other host (a gateway, a proxy, a local
server, a raw stream) the bodies decide: a request with Mistral's required ``inputs`` on a
conversations path, or a response that opens like a conversation stream.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from harness.exchange import Exchange, Request
from harness.providers.base import Fragmenter, LazyModule, NativeEvent, Provider, StreamContext, Translator
from harness.providers.mistral_conversations.checks import CHECKS
from harness.state import Turn
from harness.values import mapping

__all__ = ["DONE", "ERROR", "PATH", "STARTED", "TERMINAL", "MistralConversations"]

STARTED = "conversation.response.started"
DONE = "conversation.response.done"
ERROR = "conversation.response.error"
TERMINAL = (DONE, ERROR)
PATH = re.compile(r"/v1/conversations(?:/([^/]+))?(/restart)?/?$")  # start, append, restart (B.1)

_SNIFF = (b'"conversation.response.started"', b"event: conversation.response.started")
_MISTRAL_HOST = re.compile(r"(?:^|\.)mistral\.ai$")
# api.openai.com; Azure OpenAI resources ({name}.openai.azure.com, {name}.cognitiveservices.azure.com), whose
# v1 API sits under /openai/v1/ (so an /openai/ path segment says OpenAI whatever the host)
_OPENAI_HOST = re.compile(r"(?:^|\.)(?:openai\.com|openai\.azure\.com|cognitiveservices\.azure\.com)$")
_OPENAI_PATH = re.compile(r"(?:^|/)openai/")
# Mistral's own shapes beyond start/append/restart (PATH): GET .../{id}/history and .../{id}/messages (B.1)
_READ_PATH = re.compile(r"/v1/conversations/[^/]+/(?:history|messages)/?$")


def _host(request: Request) -> str:
    try:
        host = urlsplit(request.uri).hostname
    except ValueError:  # a hostile URI (unbalanced IPv6 host) names no host
        host = None
    return (host or (request.header("host") or "").rsplit(":", 1)[0]).strip().lower().rstrip(".")


class MistralConversations(Provider):
    name = "mistral-conversations"
    detect_order = 160
    checks = CHECKS
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build
    aliases = ("mistral",)
    framing = "sse"
    has_sequence_numbers = False

    def detect(self, exchange: Exchange) -> bool:
        """By host, then by shape (the module doc): Mistral's host and paths, never an OpenAI host, and
        elsewhere a Mistral request body on a conversations path or a conversation stream."""
        request = exchange.request
        host, path = _host(request), request.path
        if _OPENAI_HOST.search(host) or _OPENAI_PATH.search(path):
            return False  # OpenAI's Conversations API: item CRUD, not this protocol
        on_path = PATH.search(path) is not None
        if _MISTRAL_HOST.search(host) and (on_path or _READ_PATH.search(path)):
            return True
        if on_path and "inputs" in mapping(request.json):  # B.1: start, append and restart all require inputs
            return True
        head = exchange.response.body[:4096]
        return any(marker in head for marker in _SNIFF)

    def translator(self, context: StreamContext) -> Translator:
        from harness.providers.mistral_conversations.translator import ConversationsTranslator

        return ConversationsTranslator(context)

    def opens_stream(self, native: NativeEvent) -> bool:
        return native.type == STARTED

    def closes_stream(self, native: NativeEvent) -> bool:
        return native.type in TERMINAL

    # -- simulation -----------------------------------------------------------------------------------

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        from harness.providers.mistral_conversations.encode import encode_turn

        return encode_turn(turn, fragments)

    def to_wire(self, natives: list[dict[str, Any]]) -> bytes:
        from harness.providers.mistral_conversations.encode import to_wire

        return to_wire(natives)
