"""OpenAI Chat Completions streaming and the servers that imitate it (``POST /v1/chat/completions``).

Facts: specs/openai-anthropic.md section B; the compatible servers' deviations (Groq, OpenRouter,
Ollama, vLLM, Azure, DeepSeek): specs/llamastack-cohere-compat.md C. Data-only SSE (no event names,
no sequence numbers), one ``chat.completion.chunk`` per frame, ended by ``data: [DONE]``. The
translator (``translator.py``, with ``calls.py`` for tool-call fragments) says how ``n > 1`` choices
fold: choice 0 is the turn, the others are checked and reported as items of kind ``other``. The
resume contract is ``resume.py`` (B.5), the encoder ``encode.py``.
"""

from __future__ import annotations

import json
from typing import Any

from harness.exchange import Exchange
from harness.findings import Finding
from harness.providers.base import Fragmenter, LazyModule, NativeEvent, Provider, StreamContext, Translator
from harness.providers.openai_chat.checks import CHECKS
from harness.state import Turn
from harness.wire import sse
from harness.wire.frames import Frame

__all__ = ["CHUNK", "OpenAIChat"]

CHUNK = "chat.completion.chunk"

_SNIFF_BYTES = 4096


class OpenAIChat(Provider):
    name = "openai-chat"
    detect_order = 150
    checks = CHECKS
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build
    aliases = ("chat-completions", "openai-compatible")
    framing = "sse"
    has_sequence_numbers = False

    def detect(self, exchange: Exchange) -> bool:
        """B.1: the /chat/completions path (OpenAI, Azure, Groq, OpenRouter, Ollama /v1, vLLM), or chunk payloads."""
        if exchange.request.path.rstrip("/").endswith("/chat/completions"):
            return True
        head = exchange.response.body[:_SNIFF_BYTES]
        return b'"object":"chat.completion.chunk"' in head or b'"object": "chat.completion.chunk"' in head

    # -- frames to native events ------------------------------------------------------------------

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        """``[DONE]`` becomes a bracketed native event (the turn's end, B.1); JSON is parsed as usual."""
        if frame.payload.strip() == b"[DONE]":
            return NativeEvent(type="[DONE]", data={}, frame=frame.index, offset=frame.offset, exchange=exchange,
                               sse_event=frame.event)
        return super().parse(frame, exchange)

    def native_type(self, payload: dict[str, Any], frame: Frame) -> str:
        """Chunks by their ``object``; error objects (B.1, and vLLM's old flat ``object: "error"``) as
        ``error``; any other JSON (Azure filter frames, gateway heartbeats) bracketed, so it has no schema."""
        kind = payload.get("object")
        if kind == CHUNK:
            return CHUNK
        if payload.get("error") or kind == "error":
            return "error"
        return "[non-chunk]"

    def translator(self, context: StreamContext) -> Translator:
        from harness.providers.openai_chat.translator import ChatTranslator

        return ChatTranslator(context)

    def opens_stream(self, native: NativeEvent) -> bool:
        return native.type == CHUNK

    def closes_stream(self, native: NativeEvent) -> bool:
        return native.type in ("[DONE]", "error")

    # -- simulation -----------------------------------------------------------------------------------

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        from harness.providers.openai_chat.encode import encode_turn

        return encode_turn(turn, fragments)

    def to_wire(self, natives: list[dict[str, Any]]) -> bytes:
        from harness.providers.openai_chat.encode import DONE

        """Data-only SSE (B.1): no event names; the ``[DONE]`` sentinel written bare. The standard library
        writes the JSON, since hostile payloads may hold integers beyond 64 bits (valid JSON, refused by orjson)."""
        return sse.encode([(None, "[DONE]" if native == DONE else json.dumps(native, ensure_ascii=False,
                                                                            separators=(",", ":")))
                           for native in natives])
