"""The gemini provider against every real recording in ../shared/corpus/gemini.

Each file must run through the pipeline without a crash and without an error-severity finding
beyond the ones explained in EXPECTED_FINDINGS; then what the harness folded (answer text, whole
tool calls, finish reason) is compared with chunks parsed by google-genai's own
``GenerateContentResponse`` model and folded by hand (suites/oracles.py ``gemini_view``; the SDK
has no stream accumulator).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cassette import CHUNKS_CONTENT_TYPE, load
from harness.findings import Severity
from harness.state import Turn
from harness.wire.jsonlines import JSONLinesDecoder
from harness.wire.jsonstream import JSONStreamDecoder
from harness.wire.sse import SSEDecoder
from suites import corpus

pytest.importorskip("google.genai")
from suites import oracles  # noqa: E402

CORPUS = corpus.CORPUS / "gemini"
if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

PROVIDER = "gemini"
INTERACTIONS = ("the Gemini Interactions API (/v1beta/interactions), a different typed-event protocol that "
                "detection sends to this family by its host")
EXPECTED_FINDINGS: dict[str, dict[str, str]] = {
    "oi_interactions_api_thinking_stream.yaml": {
        "WIRE-004": INTERACTIONS + ": it ends with data: [DONE]",
        "LIFECYCLE-005": INTERACTIONS + ": its events carry no finishReason",
    },
}
# llmg_gemini3_fn_call_json_array_resume.yaml is a streamed JSON array (no alt=sse), read by
# harness/wire/jsonstream.py.


@pytest.mark.parametrize("path", corpus.corpus_files(PROVIDER), ids=lambda path: path.name)
def test_no_unexplained_error(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    errors = {f.check for f in report.findings if f.severity is Severity.error}
    assert errors == set(EXPECTED_FINDINGS.get(path.name, {}))


def _payloads(body: bytes, chunked: bool) -> list[dict[str, Any]]:
    array = body.lstrip().startswith(b"[")
    decoder = JSONLinesDecoder() if chunked else JSONStreamDecoder() if array else SSEDecoder()
    frames = decoder.feed(body) + decoder.close()
    return [json.loads(frame.text) for frame in frames]


def _harness_view(turn: Turn) -> dict[str, Any]:
    return {"text": turn.text, "calls": [(item.name, item.arguments) for item in turn.client_calls],
            "finish": turn.native_stop}


@pytest.mark.parametrize("path", [p for p in corpus.corpus_files(PROVIDER) if p.name not in EXPECTED_FINDINGS],
                         ids=lambda path: path.name)
def test_folded_turns_agree_with_the_sdk_types(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    exchanges = load(path, PROVIDER if path.suffix == ".txt" else None).exchanges
    compared = 0
    for exchange, result in zip(exchanges, report.exchanges):
        if result.turn is None:
            continue
        chunked = exchange.response.content_type == CHUNKS_CONTENT_TYPE
        oracle = oracles.gemini_view(_payloads(exchange.response.body, chunked))
        view = _harness_view(result.turn)
        if b"partialArgs" in exchange.response.body:
            del view["calls"], oracle["calls"]  # streamed calls: the SDK types carry fragments only (A.5)
        assert view == oracle
        compared += 1
    if not compared:
        pytest.skip("no streamed exchange was folded")
