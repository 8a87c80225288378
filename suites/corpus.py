"""Where the real recorded streams live: ../shared/corpus beside the checkout (never copied in)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from harness.pipeline import CassetteReport

CORPUS = Path(os.environ.get("HARNESS_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))

PROVIDER_FOLDERS = {
    "openai-responses": "openai-responses",
    "anthropic-messages": "anthropic",
    "openai-chat": "chat-completions",
    "gemini": "gemini",
    "cohere-v2": "chat-completions",
    "bedrock-converse": "bedrock",
    "bedrock-agents": "bedrock",
    "bedrock-invoke-model": "bedrock",
}
# more folders a family reads: Mistral's chat completions speak Chat Completions with Mistral's differences
EXTRA_FOLDERS = {"openai-chat": ("mistral",)}
# recordings kept in a family's folder that speak another protocol (MANIFEST.tsv says which)
FOREIGN = {"openai-chat": ("vercel_cohere_v2_",)}
# families that share a folder and own only the recordings with these prefixes
ONLY = {
    "cohere-v2": ("vercel_cohere_v2_",),
    "bedrock-converse": ("oi_conversestream_", "pai_conversestream_", "vercel_tool_call_"),
    "bedrock-agents": ("oi_invokeagent_", "oi_invokeinlineagent"),
    "bedrock-invoke-model": ("oi_invoke_model_with_response_stream_",),
}


def corpus_files(provider: str) -> list[Path]:
    """Every recording of a provider family, or an empty list when the corpus is absent."""
    folders = [CORPUS / name for name in (PROVIDER_FOLDERS[provider], *EXTRA_FOLDERS.get(provider, ()))]
    foreign = FOREIGN.get(provider, ())
    only = ONLY.get(provider)
    return sorted(path for folder in folders if folder.is_dir() for path in folder.iterdir()
                  if path.suffix in (".yaml", ".txt", ".bin") and not path.name.startswith(foreign)
                  and (only is None or path.name.startswith(only)))


def corpus_params(ids: Sequence[str], known_ids: Sequence[str] = ()) -> list[object]:
    """pytest parameters for recordings named by ``ids``.

    When the corpus is absent every known id (say, one per committed snapshot) becomes a skipped
    parameter, so that a machine without ../shared/corpus skips those cases by name instead of
    losing track of them.
    """
    if ids:
        return [pytest.param(name, id=name) for name in ids]
    skip = pytest.mark.skip(reason=f"no corpus at {CORPUS}")
    return [pytest.param(None, marks=skip, id=name) for name in known_ids or ["no-corpus"]]


def check_recording(path: Path, provider: str) -> "CassetteReport":
    """Run one recording; raw stream files (.txt, .chunks.txt) need the family named."""
    from harness.pipeline import check_path

    return check_path(path, provider=provider if path.suffix == ".txt" else None)


def exchange_payloads(path: Path, provider: str) -> list[tuple[bool, list[dict[str, Any]]]]:
    """For each exchange of a recording, whether it is a chunk fixture, and its JSON payloads in wire
    order, up to a ``[DONE]`` (where the SDKs' SSE layers stop reading: openai/_streaming.py). A payload
    that is not a JSON object reads as ``{"type": "<unreadable>"}``, so an oracle can say it cannot cope."""
    from harness.cassette import CHUNKS_CONTENT_TYPE, load
    from harness.wire.jsonlines import JSONLinesDecoder
    from harness.wire.sse import SSEDecoder

    result = []
    for exchange in load(path, provider if path.suffix == ".txt" else None).exchanges:
        chunked = exchange.response.content_type == CHUNKS_CONTENT_TYPE
        decoder = JSONLinesDecoder() if chunked else SSEDecoder()
        data = [frame.text for frame in decoder.feed(exchange.response.body) + decoder.close()]
        if "[DONE]" in data:
            data = data[: data.index("[DONE]")]
        result.append((chunked, [_object(item) for item in data]))
    return result


def _object(data: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError:
        return {"type": "<unreadable>"}
    return value if isinstance(value, dict) else {"type": "<unreadable>"}
