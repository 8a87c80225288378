"""Google Gemini API and Vertex AI ``:streamGenerateContent`` (specs/gemini-mistral-bedrock.md section A).

Untyped chunks: every SSE event (``alt=sse``, CRLF separators) or streamed-array element is one
whole ``GenerateContentResponse`` or an in-band ``{"error": ...}`` object, with no event names, no
sequence numbers and no ``[DONE]`` (A.1). The translator lives in ``translator.py``, the resume
contract in ``resume.py``, the encoder in ``encode.py``; this module recognises exchanges and frames.
"""

from __future__ import annotations

from typing import Any

from harness.exchange import Exchange
from harness.findings import Finding
from harness.providers.base import Fragmenter, LazyModule, NativeEvent, Provider, StreamContext, Translator, json_object
from harness.providers.gemini.checks import CHECKS
from harness.state import Turn
from harness.values import array, mapping
from harness.wire.frames import Frame

__all__ = ["Gemini"]

_HOSTS = ("generativelanguage.googleapis.com", "aiplatform.googleapis.com")
_METHODS = (":streamGenerateContent", ":generateContent")
_SNIFF = (b'"candidates"', b'"usageMetadata"', b'"promptFeedback"')


class Gemini(Provider):
    name = "gemini"
    detect_order = 140
    checks = CHECKS
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build
    aliases = ("vertex", "google")
    framing = "sse"  # alt=sse
    streams_json_arrays = True  # without alt=sse: `[{...},\r\n{...}]` (specs A.1; harness/wire/jsonstream.py)
    has_sequence_numbers = False

    def detect(self, exchange: Exchange) -> bool:
        """The generateContent methods, a Google model path, or chunks shaped like GenerateContentResponse."""
        uri = exchange.request.uri
        if any(method in uri for method in _METHODS):
            return True
        if any(host in uri for host in _HOSTS) and "/publishers/google/" in uri or "generativelanguage" in uri:
            return True
        head = exchange.response.body[:4096]
        return any(marker in head for marker in _SNIFF)

    def native_type(self, payload: dict[str, Any], frame: Frame) -> str | None:
        """Chunks carry no type; an object with an ``error`` member is the in-band error (A.1)."""
        return "error" if "error" in payload else "GenerateContentResponse"

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        """Arguments are JSON inside the payload, and integers beyond 64 bits must stay exact
        (``exact_json``)."""
        payload = json_object(frame.payload, frame, exchange, exact=True)
        if isinstance(payload, list):
            return payload
        return NativeEvent(type=self.native_type(payload, frame) or "", data=payload, frame=frame.index,
                           offset=frame.offset, exchange=exchange, sse_event=frame.event)

    def translator(self, context: StreamContext) -> Translator:
        from harness.providers.gemini.translator import GeminiTranslator

        return GeminiTranslator(context)

    def opens_stream(self, native: NativeEvent) -> bool:
        return native.type == "GenerateContentResponse"

    def closes_stream(self, native: NativeEvent) -> bool:
        """A chunk that finishes a candidate, blocks the prompt, or is an error ends a stream."""
        if native.type == "error":
            return True
        if mapping(native.data.get("promptFeedback")).get("blockReason"):
            return True
        return any(mapping(candidate).get("finishReason") for candidate in array(native.data.get("candidates")))

    # -- simulation -------------------------------------------------------------------------------------

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        from harness.providers.gemini.encode import encode_turn

        return encode_turn(turn, fragments)

    def to_wire(self, natives: list[dict[str, Any]]) -> bytes:
        from harness.providers.gemini.encode import to_wire

        return to_wire(natives)
