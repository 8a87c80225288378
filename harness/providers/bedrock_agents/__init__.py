"""AWS Bedrock Agents: InvokeAgent and InvokeInlineAgent, with return of control (bedrock-agent-runtime,
API 2023-07-26), and the session-management operations beside them.

Facts: specs/gemini-mistral-bedrock.md sections C (events, ordering, resume, sessions) and E (the
binary event-stream framing, read by ``harness/wire/eventstream.py`` through ``EventStreamProvider``).
Shapes follow the ``ResponseStream`` / ``InlineAgentResponseStream`` unions of
botocore/data/bedrock-agent-runtime/2023-07-26/service-2.json. The translator is ``translator.py``
(``sessions.py`` for session-management answers), the resume contract ``resume.py`` (C.5), the
encoder ``encode.py``; the URL is read by ``operations.py``.
"""

from __future__ import annotations

from typing import Any

import orjson

from harness.exchange import Exchange
from harness.findings import Finding
from harness.providers.aws import EventStreamProvider, chunk_event
from harness.providers.base import Fragmenter, LazyModule, NativeEvent, StreamContext, Translator
from harness.providers.bedrock_agents.checks import CHECKS
from harness.providers.bedrock_agents.operations import call_of
from harness.state import Turn
from harness.wire.frames import Frame

__all__ = ["BedrockAgents"]


class BedrockAgents(EventStreamProvider):
    name = "bedrock-agents"
    detect_order = 180
    checks = CHECKS
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build
    aliases = ("bedrock-agent", "invoke-agent")
    event_types = frozenset({"chunk", "trace", "returnControl", "files"})
    answers_json = True  # session-management operations answer with plain JSON (sessions.py)

    def detect(self, exchange: Exchange) -> bool:
        """The operation's path (C.1, C.6), else the first event of a raw body (``.bin``)."""
        return call_of(exchange.request).operation is not None or self.sniff(exchange)

    def opens_with(self, frame: Frame) -> bool:
        """InvokeModelWithResponseStream also opens with ``chunk``, whose bytes are a JSON event, not text."""
        return super().opens_with(frame) and (frame.event != "chunk" or chunk_event(frame) is None)

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        """Unmodelled ``error`` messages become ``[error]`` events; a whole JSON object that is not one
        ``{member: payload}`` line (a session-management answer) becomes one ``[json]`` event."""
        if frame.headers is None:
            try:
                value = orjson.loads(frame.payload)
            except orjson.JSONDecodeError:
                value = None
            if isinstance(value, dict) and not (len(value) == 1 and isinstance(next(iter(value.values())), dict)):
                return NativeEvent(type="[json]", data=value, frame=frame.index, offset=frame.offset,
                                   exchange=exchange)
        native = super().parse(frame, exchange)
        if not isinstance(native, list) and (frame.headers or {}).get(":message-type") == "error":
            native.type = "[error]"
        return native

    def translator(self, context: StreamContext) -> Translator:
        if call_of(context.exchange.request).manages_session:
            from harness.providers.bedrock_agents.sessions import SessionTranslator

            return SessionTranslator(context)
        from harness.providers.bedrock_agents.translator import AgentTranslator

        return AgentTranslator(context)

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        from harness.providers.bedrock_agents.encode import encode_turn

        return encode_turn(turn, fragments)
