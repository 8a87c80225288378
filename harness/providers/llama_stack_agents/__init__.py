"""Llama Stack Agents API streams: sessions, turns, steps (specs/llamastack-cohere-compat.md section A).

``POST {base}/agents/{agent_id}/session/{session_id}/turn`` (and ``.../turn/{turn_id}/resume``) with
``"stream": true`` answers ``data:`` lines only: no ``event:`` name, no ``[DONE]``, the stream ends
when the server closes it (A.2). Every payload is ``{"event": {"payload": {...}}}``, a union tagged by
``payload.event_type`` (the native type here), or the bare ``{"error": {"message"}}`` frame of a
handler that failed after the 200 went out (native type ``error``). Agent and session creation are
plain JSON exchanges: recognised by their path, they carry no stream and are skipped. The Agents API
served ``/v1`` up to v0.2.x and ``/v1alpha`` in v0.3.x, and was removed in v0.4.0 (A.1).
"""

from __future__ import annotations

import re
from typing import Any

from harness.exchange import Exchange
from harness.findings import Finding
from harness.providers.base import Fragmenter, LazyModule, NativeEvent, Provider, StreamContext, Translator
from harness.providers.llama_stack_agents.checks import CHECKS
from harness.providers.llama_stack_agents.routes import AGENTS
from harness.state import Turn
from harness.values import mapping, string
from harness.wire.frames import Frame

__all__ = ["LlamaStackAgents"]

_SNIFF = re.compile(rb'^\s*data:\s*\{\s*"event"\s*:\s*\{\s*"payload"\s*:\s*\{\s*"event_type"')


class LlamaStackAgents(Provider):
    name = "llama-stack-agents"
    detect_order = 190  # before the agent session protocol: its /session path also matches .../agents/{id}/session
    checks = CHECKS
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build
    aliases = ("llama-stack", "llamastack")
    framing = "sse"
    has_sequence_numbers = False

    def detect(self, exchange: Exchange) -> bool:
        """A.3: the agents routes (``/v1`` or ``/v1alpha``), or a body whose first frame is a turn event."""
        return AGENTS.search(exchange.request.path) is not None or _SNIFF.match(exchange.response.body[:512]) is not None

    def native_type(self, payload: dict[str, Any], frame: Frame) -> str | None:
        """``event.payload.event_type``; a frame holding only ``error`` is the in-stream error (A.2)."""
        event = payload.get("event")
        kind = string(mapping(mapping(event).get("payload")).get("event_type"))
        if kind is not None:
            return kind
        return "error" if event is None and "error" in payload else None

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        """A ``[DONE]`` (which the Agents API never sends, L-10) becomes a bracketed event: tolerated, reported."""
        if frame.payload.strip() == b"[DONE]":
            return NativeEvent(type="[DONE]", data={}, frame=frame.index, offset=frame.offset, exchange=exchange)
        parsed = super().parse(frame, exchange)
        if isinstance(parsed, list):
            return [f.model_copy(update={"message": "payload has neither event.payload.event_type nor error"})
                    if f.check == "SCHEMA-004" else f for f in parsed]
        return parsed

    def translator(self, context: StreamContext) -> Translator:
        from harness.providers.llama_stack_agents.translator import LlamaStackTranslator

        return LlamaStackTranslator(context)

    # -- simulation -----------------------------------------------------------------------------------

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        from harness.providers.llama_stack_agents.encode import encode_turn

        return encode_turn(turn, fragments)

    def to_wire(self, natives: list[dict[str, Any]]) -> bytes:
        from harness.providers.llama_stack_agents.encode import to_wire

        return to_wire(natives)
