"""Write a canonical turn as ConverseStream events, the way Bedrock streams them (D.2, D.7).

messageStart (role assistant); per item one block by index: text and reasoning blocks have no
contentBlockStart (a text block whose text is empty still sends one empty delta, as real streams
do), a reasoning block ends with its signature delta (or is one redactedContent delta, when the
item came from such a block), a toolUse block opens with contentBlockStart and streams its input
as string fragments; each block ends with contentBlockStop. Then messageStop with the stop reason
and metadata with usage and metrics. Every event carries the padding member ``p`` real streams
carry (boto/boto3#4584), unless ``padding`` is off.
"""

from __future__ import annotations

import json
from typing import Any

from harness.providers.base import Fragmenter, fixed_size
from harness.providers.bedrock_converse.blocks import SERVER_TOOL
from harness.state import Item, Turn
from harness.values import mapping, string

STOP_REASONS = {"end_turn": "end_turn", "tool_use": "tool_use", "max_tokens": "max_tokens",
                "stop_sequence": "stop_sequence", "content_filter": "content_filtered"}
_PAD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
Native = dict[str, Any]


def signature_of(item: Item) -> str:
    """The signature a reasoning block carries: the one it came with, else a fixed one per item."""
    text = mapping(mapping(mapping(item.native.get("block")).get("reasoningContent")).get("reasoningText"))
    signature = string(text.get("signature"))
    return signature if signature is not None else f"sig-{item.item_id}"


def encode_turn(turn: Turn, fragments: Fragmenter | None = None, padding: bool = True) -> list[Native]:
    cut = fragments or fixed_size(8)
    natives: list[Native] = [{"type": "messageStart", "role": "assistant"}]
    for index, item in enumerate(turn.items):
        natives += _block(item, index, cut)
    natives.append({"type": "messageStop", "stopReason": STOP_REASONS.get(turn.stop or "end_turn", "end_turn")})
    usage = turn.usage
    tokens = {"inputTokens": usage.input_tokens or 0 if usage else 0,
              "outputTokens": usage.output_tokens or 0 if usage else 0}
    tokens["totalTokens"] = usage.total_tokens if usage and usage.total_tokens is not None else sum(tokens.values())
    if usage and usage.cached_tokens is not None:
        tokens["cacheReadInputTokens"] = usage.cached_tokens
    natives.append({"type": "metadata", "usage": tokens, "metrics": {"latencyMs": 0}})
    if padding:
        for position, native in enumerate(natives):
            native["p"] = _PAD[: 1 + (position * 17) % len(_PAD)]
    return natives


def _block(item: Item, index: int, cut: Fragmenter) -> list[Native]:
    def delta(member: str, value: Any) -> Native:
        return {"type": "contentBlockDelta", "contentBlockIndex": index, "delta": {member: value}}

    head: list[Native] = []
    if item.kind == "message":
        deltas = [delta("text", piece) for piece in cut(item.joined("text")) or [""]]
    elif item.kind == "reasoning":
        redacted = mapping(mapping(item.native.get("block")).get("reasoningContent")).get("redactedContent")
        if isinstance(redacted, str):
            deltas = [delta("reasoningContent", {"redactedContent": redacted})]
        else:
            deltas = [delta("reasoningContent", {"text": piece}) for piece in cut(item.joined("reasoning"))]
            deltas.append(delta("reasoningContent", {"signature": signature_of(item)}))
    elif item.kind == "tool_call":
        start: Native = {"toolUseId": item.call_id, "name": item.name}
        if item.executor == "server":
            start["type"] = SERVER_TOOL
        head = [{"type": "contentBlockStart", "contentBlockIndex": index, "start": {"toolUse": start}}]
        arguments = item.arguments_text if item.arguments_text is not None else json.dumps(
            item.arguments if item.arguments is not None else {}, ensure_ascii=False, separators=(",", ":"))
        deltas = [delta("toolUse", {"input": piece}) for piece in cut(arguments)]
    else:
        raise ValueError(f"the encoder writes message, reasoning and tool_call items, not {item.kind}")
    return [*head, *deltas, {"type": "contentBlockStop", "contentBlockIndex": index}]
