"""Anthropic's legacy Text Completions streams: ``POST /v1/complete`` with ``"stream": true``.

Sources: the "Streaming Text Completions" page (swilliams9772/anthropic-docs
anthropic_docs/anthropic_docs_md/streaming.md, a copy of docs.anthropic.com/en/api/streaming) and the
SDK's ``Completion`` type (anthropics/anthropic-sdk-python src/anthropic/resources/completions.py,
``post /v1/complete``). Typed SSE, three event types: ``completion`` (a ``completion`` text fragment
and ``stop_reason``, null until the last one, then ``stop_sequence`` or ``max_tokens``), ``ping`` and
``error`` (``{"error": {"type", "message"}}``). The documented error example also shows payloads
without ``type``: such a payload is typed by its SSE event name.

The family claims no block of check ids: the neutral rules (schemas, SCHEMA-003, LIFECYCLE-004 and
-005, the HTTP error before a stream) are all it needs. Its requests carry ``anthropic-version`` as
Messages requests do, so it is asked before anthropic-messages (``detect_order``), on its own path,
body and events only.
"""

from __future__ import annotations

from typing import Any

from harness.exchange import Exchange
from harness.providers.base import LazyModule, NativeEvent, Provider, StreamContext, Translator
from harness.values import mapping
from harness.wire.frames import Frame

__all__ = ["AnthropicComplete"]

_OPENS = (b"event: completion", b"event:completion")
TYPES = ("completion", "ping", "error")  # the stream's event names


class AnthropicComplete(Provider):
    name = "anthropic-complete"
    detect_order = 125  # before anthropic-messages (130), which takes any request with anthropic-version
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build: nothing to resume (resume.py)
    aliases = ("anthropic-text-completions", "claude-complete")
    framing = "sse"
    has_sequence_numbers = False

    def detect(self, exchange: Exchange) -> bool:
        """The /v1/complete path, a Text Completions request body (``prompt`` and ``max_tokens_to_sample``,
        which Messages does not take), or a body whose first event is a ``completion``."""
        request = exchange.request
        if request.path.rstrip("/").endswith("/v1/complete"):
            return True
        body = mapping(request.json)
        if isinstance(body.get("prompt"), str) and "max_tokens_to_sample" in body and "messages" not in body:
            return True
        return exchange.response.body.lstrip(b"\xef\xbb\xbf\r\n ").startswith(_OPENS)

    def native_type(self, payload: dict[str, Any], frame: Frame) -> str | None:
        """The payload's ``type``; without one, the SSE event name when it is one of the three types,
        else ``error`` for a payload holding an ``error`` object."""
        kind = payload.get("type")
        if isinstance(kind, str):
            return kind
        if frame.event in TYPES:
            return frame.event
        return "error" if isinstance(payload.get("error"), dict) else None

    def translator(self, context: StreamContext) -> Translator:
        from harness.providers.anthropic_complete.translator import CompleteTranslator

        return CompleteTranslator(context)

    def opens_stream(self, native: NativeEvent) -> bool:
        return False  # a stream has no opening event of its own

    def closes_stream(self, native: NativeEvent) -> bool:
        return native.type == "error" or (native.type == "completion" and native.data.get("stop_reason") is not None)
