"""OpenAI Responses API streams (specs/openai-anthropic.md section A).

Typed SSE (``event:`` + JSON ``data:`` whose ``type`` repeats the name), a ``sequence_number`` on
every event, one response per stream. The translator lives in ``translator.py`` (the per-item state
it keeps in ``streamed.py``, the checks of the final objects against it in ``final.py``), the resume
contract in ``resume.py``; this module recognises exchanges and frames.
"""

from __future__ import annotations

import re
from typing import Any

from harness.exchange import Exchange, Request
from harness.findings import Finding, Location, finding
from harness.providers.base import Fragmenter, LazyModule, NativeEvent, Provider, StreamContext, Translator, json_object
from harness.providers.openai_responses.checks import CHECKS
from harness.state import Turn
from harness.values import integer
from harness.wire.frames import Frame

_PATH = re.compile(r"/responses(/[^/]+)?/?$")
_SNIFF_BYTES = 4096

__all__ = ["OpenAIResponses"]


class OpenAIResponses(Provider):
    name = "openai-responses"
    detect_order = 100
    checks = CHECKS
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build
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
        return integer(payload.get("sequence_number"))

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        """A ``[DONE]`` sentinel, which only compatible servers send (A.1), is noted and dropped.

        It is reported here rather than passed on as an event: it has no sequence number, and the
        sequencer would otherwise count it as an event missing one (ORDER-001).
        """
        if frame.payload.strip() == b"[DONE]":
            where = Location(exchange=exchange, frame=frame.index, offset=frame.offset, native_type="[DONE]")
            return [finding("LIFECYCLE-111", "data: [DONE] after the stream (not sent by OpenAI)", where)]
        parsed = super().parse(frame, exchange)
        if isinstance(parsed, NativeEvent) and type(parsed.data.get("sequence_number")) is float:
            # orjson reads an integer past 2**64 - 1 as a float: read this payload exactly, so the
            # sequencer judges the number the stream sent (a float is no sequence number at all)
            exact = json_object(frame.payload, frame, exchange, exact=True)
            if isinstance(exact, dict):
                parsed.data, parsed.seq = exact, self.sequence_number(exact)
        return parsed

    def translator(self, context: StreamContext) -> Translator:
        cursor = context.resumed_after
        if cursor is None:
            cursor = self.resume_cursor(context.exchange.request)
        from harness.providers.openai_responses.translator import ResponsesTranslator

        return ResponsesTranslator(context, cursor)

    def opens_stream(self, native: NativeEvent) -> bool:
        return native.type == "response.created"

    def closes_stream(self, native: NativeEvent) -> bool:
        return native.type in ("response.completed", "response.failed", "response.incomplete")

    # -- resume ---------------------------------------------------------------------------------------

    def resume_cursor(self, request: Request) -> int | None:
        """A re-attach GET resumes after its ``starting_after`` cursor (A.8.4)."""
        from harness.providers.openai_responses.resume import resume_cursor

        return resume_cursor(request)

    # -- simulation -----------------------------------------------------------------------------------

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        from harness.providers.openai_responses.encode import encode_turn

        return encode_turn(turn, fragments)
