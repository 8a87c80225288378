"""The Acme platform's streaming API as a harness family: ``POST /acme/v1/respond``, SSE, one JSON
object per event (``response.start``, ``text.delta``, ``tool.call``, ``response.end``).

The harness finds it through the ``harness.providers`` entry point in pyproject.toml; importing
it claims its check numbers (``checks.py``); its schemas are in ``schemas/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from acme_family import resume
from acme_family.checks import CHECKS
from acme_family.translator import AcmeTranslator
from harness.exchange import Exchange
from harness.providers.base import Fragmenter, Provider, StreamContext, Translator, fixed_size
from harness.state import Turn


class AcmeStream(Provider):
    name = "acme-stream"
    aliases = ("acme",)
    checks = CHECKS
    contract = resume
    schema_folder = Path(__file__).parent / "schemas"

    def detect(self, exchange: Exchange) -> bool:
        return exchange.request.path.endswith("/acme/v1/respond")

    def translator(self, context: StreamContext) -> Translator:
        return AcmeTranslator(context)

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        """The events Acme would send for ``turn``: lets the harness's property suites write Acme streams."""
        cut = fragments or fixed_size(8)
        natives: list[dict[str, Any]] = [{"type": "response.start", "id": turn.response_id}]
        pieces = [piece for item in turn.items if item.kind == "message" for piece in cut(item.joined("text"))]
        natives += [{"type": "text.delta", "index": index, "text": piece} for index, piece in enumerate(pieces)]
        natives += [{"type": "tool.call", "call_id": item.call_id, "name": item.name,
                     "arguments": item.arguments_text or "{}"} for item in turn.client_calls]
        return [*natives, {"type": "response.end", "stop": "tool_calls" if turn.client_calls else "stop"}]
