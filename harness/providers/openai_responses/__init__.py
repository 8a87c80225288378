"""OpenAI Responses API streams (specs/openai-anthropic.md section A).

Typed SSE (``event:`` + JSON ``data:`` whose ``type`` repeats the name), a ``sequence_number`` on
every event, one response per stream. The translator lives in ``translator.py``, the resume contract
in ``resume.py``; this module recognises exchanges and frames.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from harness.exchange import Exchange, Request
from harness.findings import Finding, Location, finding
from harness.providers.base import Fragmenter, NativeEvent, Provider, StreamContext, Translator
from harness.providers.openai_responses import resume
from harness.providers.openai_responses.checks import CHECKS
from harness.providers.openai_responses.encode import encode_turn
from harness.providers.openai_responses.translator import ResponsesTranslator
from harness.state import Turn
from harness.wire.frames import Frame

_PATH = re.compile(r"/responses(/[^/]+)?/?$")
_SNIFF_BYTES = 4096

__all__ = ["OpenAIResponses"]


class OpenAIResponses(Provider):
    name = "openai-responses"
    detect_order = 100
    checks = CHECKS
    aliases = ("openai", "responses")
    framing = "sse"
    has_sequence_numbers = True

    def detect(self, exchange: Exchange) -> bool:
        """POST /v1/responses, GET /v1/responses/{id} (re-attach), or a body that opens like a response."""
        if _PATH.search(exchange.request.path):
            return True
        head = exchange.response.body[:_SNIFF_BYTES]
        return b'"response.created"' in head or b"event: response.created" in head

    def sequence_number(self, payload: dict[str, Any]) -> int | None:
        value = payload.get("sequence_number")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        """A ``[DONE]`` sentinel, which only compatible servers send (A.1), is noted and dropped.

        It is reported here rather than passed on as an event: it has no sequence number, and the
        sequencer would otherwise count it as an event missing one (ORDER-001).
        """
        if frame.payload.strip() == b"[DONE]":
            where = Location(exchange=exchange, frame=frame.index, offset=frame.offset, native_type="[DONE]")
            return [finding("LIFECYCLE-111", "data: [DONE] after the stream (not sent by OpenAI)", where)]
        return super().parse(frame, exchange)

    def translator(self, context: StreamContext) -> Translator:
        cursor = context.resumed_after
        if cursor is None:
            cursor = resume.resume_cursor(context.exchange.request)
        return ResponsesTranslator(context, cursor)

    def opens_stream(self, native: NativeEvent) -> bool:
        return native.type == "response.created"

    def closes_stream(self, native: NativeEvent) -> bool:
        return native.type in ("response.completed", "response.failed", "response.incomplete")

    # -- resume ---------------------------------------------------------------------------------------

    def is_continuation(self, request: Request) -> bool:
        return resume.is_continuation(request)

    def resume_cursor(self, request: Request) -> int | None:
        return resume.resume_cursor(request)

    def check_resume(self, turn: Turn, request: Request, exchange: int) -> list[Finding]:
        return resume.check_resume(turn, request, exchange)

    def build_resume(self, turn: Turn, answers: dict[str, Any], prior: Request | None = None) -> dict[str, Any]:
        return resume.build_resume(turn, answers, prior)

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        return encode_turn(turn, fragments)
