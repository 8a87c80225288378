"""AWS Bedrock Runtime ConverseStream (``POST /model/{modelId}/converse-stream``, API 2023-09-30).

Facts: specs/gemini-mistral-bedrock.md sections D (events, ordering, resume) and E (the binary
event-stream framing, read by ``harness/wire/eventstream.py`` through ``EventStreamProvider``).
Event shapes follow the ``ConverseStreamOutput`` union of
botocore/data/bedrock-runtime/2023-09-30/service-2.json. The translator is ``translator.py``, the
resume contract ``resume.py`` (D.5), the encoder ``encode.py``; each finished content block rides on
its canonical item (``blocks.py``) so the Turn alone is enough to check or build the next request.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from harness.cassette import CHUNKS_CONTENT_TYPE
from harness.exchange import Exchange
from harness.providers.aws import EventStreamProvider
from harness.providers.base import Fragmenter, LazyModule, NativeEvent, StreamContext, Translator
from harness.providers.bedrock_converse.checks import CHECKS
from harness.state import Turn

__all__ = ["BedrockConverse"]

# D.1: /model/{modelId}/converse-stream; /converse is the same conversation answered whole. The model id
# is URL-encoded there (``us.amazon.nova-micro-v1%3A0``; an ARN's slashes become %2F).
_PATH = re.compile(r"^/model/[^/]+/converse(?:-stream)?/?$")


class BedrockConverse(EventStreamProvider):
    name = "bedrock-converse"
    detect_order = 120
    checks = CHECKS
    contract = LazyModule(f"{__name__}.resume")  # is_continuation, check, build
    aliases = ("converse", "converse-stream")
    event_types = frozenset({"messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop",
                             "messageStop", "metadata"})

    def detect(self, exchange: Exchange) -> bool:
        """The Converse path, else the first event of a raw body (``.bin``) or of a chunk fixture."""
        return bool(_PATH.match(exchange.request.path)) or self.sniff(exchange) or self._sniff_chunks(exchange)

    def _sniff_chunks(self, exchange: Exchange) -> bool:
        """Vercel's fixtures keep one ``{"<member>": payload}`` union per line."""
        if exchange.response.content_type != CHUNKS_CONTENT_TYPE:
            return False
        first = exchange.response.body.lstrip().split(b"\n", 1)[0]
        try:
            line = orjson.loads(first)
        except orjson.JSONDecodeError:
            return False
        return isinstance(line, dict) and len(line) == 1 and next(iter(line)) in self.event_types

    def translator(self, context: StreamContext) -> Translator:
        from harness.providers.bedrock_converse.translator import ConverseTranslator

        return ConverseTranslator(context)

    def opens_stream(self, native: NativeEvent) -> bool:
        return native.type == "messageStart"

    def closes_stream(self, native: NativeEvent) -> bool:
        return native.type == "metadata"

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        from harness.providers.bedrock_converse.encode import encode_turn

        return encode_turn(turn, fragments)
