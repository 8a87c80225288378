"""Cohere Chat API v2 streaming (``POST /v2/chat`` with ``"stream": true``).

Facts: specs/llamastack-cohere-compat.md section B. SSE with named events whose JSON repeats the
name in ``type`` (the payload is what counts, B.1); an optional trailing ``data: [DONE]`` is accepted
and not required. The translator is ``translator.py``, the resume contract ``resume.py`` (B.5), the
encoder ``encode.py``. Do not mix with v1 (``/v1/chat``, ``event_type`` NDJSON): not handled here.
"""

from __future__ import annotations

import json
from typing import Any

from harness.exchange import Exchange
from harness.findings import Finding
from harness.providers.base import Fragmenter, LazyModule, NativeEvent, Provider, StreamContext, Translator
from harness.providers.cohere_v2.checks import CHECKS
from harness.state import Turn
from harness.wire import sse
from harness.wire.frames import Frame

__all__ = ["CohereV2"]

_SNIFF_BYTES = 4096


class CohereV2(Provider):
    name = "cohere-v2"
    detect_order = 170
    checks = CHECKS
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build
    aliases = ("cohere",)
    framing = "sse"
    has_sequence_numbers = False

    def detect(self, exchange: Exchange) -> bool:
        """B.1: the /v2/chat path, or a body opening with message-start and a tool-plan / content event."""
        if exchange.request.path.rstrip("/").endswith("/v2/chat"):
            return True
        head = exchange.response.body[:_SNIFF_BYTES]
        return any(marker in head for marker in (b'"type":"message-start"', b'"type": "message-start"')) and any(
            marker in head for marker in (b'"tool_plan"', b'"content-start"', b'"content-delta"'))

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        """``[DONE]`` may follow message-end (B.1): a bracketed native event, so it has no schema."""
        if frame.payload.strip() == b"[DONE]":
            return NativeEvent(type="[DONE]", data={}, frame=frame.index, offset=frame.offset, exchange=exchange,
                               sse_event=frame.event)
        return super().parse(frame, exchange)

    def translator(self, context: StreamContext) -> Translator:
        from harness.providers.cohere_v2.translator import CohereTranslator

        return CohereTranslator(context)

    def opens_stream(self, native: NativeEvent) -> bool:
        return native.type == "message-start"

    def closes_stream(self, native: NativeEvent) -> bool:
        return native.type == "message-end"

    # -- simulation -----------------------------------------------------------------------------------

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        from harness.providers.cohere_v2.encode import encode_turn

        return encode_turn(turn, fragments)

    def to_wire(self, natives: list[dict[str, Any]]) -> bytes:
        """Named SSE events (B.1); the standard library writes the JSON (big integers stay exact)."""
        return sse.encode([(native.get("type"), json.dumps(native, ensure_ascii=False, separators=(",", ":")))
                           for native in natives])
