"""Write a canonical turn as Gemini ``alt=sse`` chunks, the way the Gemini API streams them.

Shapes follow specs/gemini-mistral-bedrock.md A.3 and the composed examples in A.8: one part per
chunk (text cut by ``fragments``, thought text with ``thought: true``, each ``functionCall`` whole,
Gemini API style, with its ``id``), the first call's part carrying the ``thoughtSignature``
(A.4.10; the last part when there is no call), cumulative ``usageMetadata`` on every chunk, and a
final chunk with ``finishReason`` and no parts (pydantic/pydantic-ai#2631). A turn with no content
gets a usage-only chunk first, so no stream is a single chunk.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from harness.providers.base import Fragmenter, fixed_size
from harness.state import Item, Turn
from harness.wire import sse

FINISH_REASONS = {"end_turn": "STOP", "tool_use": "STOP", "stop_sequence": "STOP", "max_tokens": "MAX_TOKENS",
                  "content_filter": "SAFETY", "refusal": "SAFETY"}
MODEL = "gemini-x"


def signature_of(item: Item) -> str:
    """The item's own signature when it came from a stream, else a fixed opaque one (base64, A.1)."""
    given = item.native.get("thoughtSignature")
    return given if isinstance(given, str) else base64.b64encode(f"sig-{item.item_id}".encode()).decode()


def encode_turn(turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
    cut = fragments or fixed_size(8)
    owned = [(item, part) for item in turn.items for part in _parts(item, cut)]
    _sign(owned)
    parts = [part for _, part in owned]
    usage = turn.usage
    prompt = usage.input_tokens or 0 if usage else 0
    output = usage.output_tokens or 0 if usage else 0
    envelope = {"modelVersion": MODEL, "responseId": turn.response_id or "resp-0"}
    running = {"promptTokenCount": prompt, "totalTokenCount": prompt}
    chunks: list[dict[str, Any]] = [
        {"candidates": [{"content": {"role": "model", "parts": [part]}, "index": 0}], "usageMetadata": running,
         **envelope}
        for part in parts
    ] or [{"usageMetadata": running, **envelope}]
    final = {"promptTokenCount": prompt, "candidatesTokenCount": output, "totalTokenCount": prompt + output}
    reason = FINISH_REASONS.get(turn.stop or "end_turn", "OTHER")
    chunks.append({"candidates": [{"content": {"role": "model"}, "finishReason": reason, "index": 0}],
                   "usageMetadata": final, **envelope})
    return chunks


def _parts(item: Item, cut: Fragmenter) -> list[dict[str, Any]]:
    if item.kind in ("message", "reasoning"):
        text = item.joined("text" if item.kind == "message" else "reasoning")
        flag = {"thought": True} if item.kind == "reasoning" else {}
        return [{"text": piece, **flag} for piece in cut(text) or [""]]
    if item.kind == "tool_call":
        call = {"id": item.call_id, "name": item.name, "args": item.arguments if item.arguments is not None else {}}
        return [{"functionCall": {key: value for key, value in call.items() if value is not None}}]
    raise ValueError(f"the encoder writes message, reasoning and tool_call items, not {item.kind}")


def _sign(owned: list[tuple[Item, dict[str, Any]]]) -> None:
    """A.4.10: the first functionCall part carries the signature; without calls, the last part does
    when the turn thought."""
    first_call = next(((item, part) for item, part in owned if item.kind == "tool_call"), None)
    thought = next((item for item, _ in owned if item.kind == "reasoning"), None)
    if first_call is not None:
        first_call[1]["thoughtSignature"] = signature_of(first_call[0])
    elif thought is not None:
        owned[-1][1]["thoughtSignature"] = signature_of(thought)


def to_wire(natives: list[dict[str, Any]]) -> bytes:
    """Data-only SSE with CRLF line ends, as Gemini sends it (A.1; nyroway/nyro#265); ``json``
    rather than orjson so integers beyond 64 bits survive."""
    return sse.encode([(None, json.dumps(native, ensure_ascii=False)) for native in natives], line_end="\r\n")
