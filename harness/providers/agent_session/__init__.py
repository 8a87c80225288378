"""The project's own agent platform protocol: sessions over HTTP (specs/agent-session.md).

``PUT /session`` creates a session and runs its first turn, ``POST /session/{id}`` every later one;
``stream: "delta" | "message"`` answer named SSE events (``event: <name>``, one JSON object in ``data:``,
no ``type`` member), ``stream: "none"`` (the default) one JSON body, which the pipeline hands over whole
(``answers_json``) and the translator replays as the same canonical events. Translator:
``translator.py``; resume contract: ``resume.py``; encoders (all three modes): ``encode.py``; what a
request says about its answer: ``request.py``. The protocol has no public recordings: the cassettes
under cassettes/agent-session/ are written from the spec.
"""

from __future__ import annotations

from typing import Any

from harness.exchange import Exchange
from harness.findings import Finding, finding
from harness.providers.agent_session.checks import CHECKS
from harness.providers.agent_session.request import session_path
from harness.providers.base import (
    Fragmenter,
    LazyModule,
    NativeEvent,
    Provider,
    StreamContext,
    Translator,
    frame_location,
    json_object,
)
from harness.state import Turn
from harness.wire.frames import Frame

__all__ = ["RESPONSE", "AgentSession"]

RESPONSE = "response"  # the native type of a whole none-mode JSON body
_SNIFF = (b"event: session_start", b"event:session_start", b"event: turn_start", b"event:turn_start")


class AgentSession(Provider):
    name = "agent-session"
    detect_order = 200
    checks = CHECKS
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build
    framing = "sse"
    answers_json = True  # stream "none": one JSON body, replayed as one native event
    has_sequence_numbers = False

    def detect(self, exchange: Exchange) -> bool:
        """A /session path (PUT /session, POST /session/{id}), or a body that opens like a session stream."""
        if session_path(exchange.request)[0]:
            return True
        return exchange.response.body.lstrip(b"\xef\xbb\xbf\r\n ").startswith(_SNIFF)

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        """The type is the SSE event name; a frame without one is a whole none-mode body when it holds
        ``messages``. ``input`` is JSON inside the payload, and integers beyond 64 bits must stay
        exact (``exact_json``)."""
        payload = json_object(frame.payload, frame, exchange, exact=True)
        if isinstance(payload, list):
            return payload
        kind = frame.event or (RESPONSE if "messages" in payload else None)
        if kind is None:
            return [finding("SCHEMA-004", "an SSE frame without an event name (the protocol names every event)",
                            frame_location(frame, exchange))]
        return NativeEvent(type=kind, data=payload, frame=frame.index, offset=frame.offset, exchange=exchange,
                           sse_event=frame.event)

    def translator(self, context: StreamContext) -> Translator:
        from harness.providers.agent_session.translator import SessionTranslator

        return SessionTranslator(context)

    # -- simulation -----------------------------------------------------------------------------------

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        """Delta mode on PUT /session; ``encode.encode_turn`` / ``encode.encode_json`` write the others."""
        from harness.providers.agent_session.encode import encode_turn

        return encode_turn(turn, fragments)

    def to_wire(self, natives: list[dict[str, Any]]) -> bytes:
        from harness.providers.agent_session.encode import to_wire

        return to_wire(natives)
