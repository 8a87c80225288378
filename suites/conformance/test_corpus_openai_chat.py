"""The openai-chat provider against every real Chat Completions recording in ../shared/corpus/chat-completions.

Each file must run through the pipeline without a crash and without an error-severity finding beyond
the ones explained in EXPECTED_FINDINGS; then what the harness folded for choice 0 (text, tool names,
call ids, argument text, finish reason) is compared with the official SDK's accumulator
(openai-python src/openai/lib/streaming/chat/_completions.py, ``ChatCompletionStreamState.handle_chunk``)
fed the same payloads as ``ChatCompletionChunk`` built with the SDK's own ``construct_type``. The two
Cohere v2 fixtures that the corpus files under chat-completions are another protocol and are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.findings import Severity
from harness.state import Turn
from suites import corpus, oracles

CORPUS = corpus.CORPUS / "chat-completions"
if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

PROVIDER = "openai-chat"
FILES = corpus.corpus_files(PROVIDER)  # the Cohere v2 fixtures in that folder are left out (corpus.FOREIGN)
EXPECTED_FINDINGS: dict[str, dict[str, str]] = {
    "llm_openai_tool_call_resume_variant_a.yaml": {
        "LIFECYCLE-307": "the stream (OpenRouter relaying Novita's kimi-k2, though the URI says api.openai.com) never "
                         "sends a non-null finish_reason: B.3.5 wants exactly one per choice",
    },
}
# Warnings the harness gives on real recordings, and why they are right:
#  - CASSETTE-013 where the source cassette kept Cloudflare's __cf_bm / _cfuvid cookies (bot management, rate
#    limiting): no API credential, named and never printed.
#  - LIFECYCLE-306 on OpenRouter streams: every delta repeats role "assistant" (B.3.4 wants it once).
#  - LIFECYCLE-308 where usage rides on a chunk with choices (DeepSeek, Groq, OpenRouter/Novita): B.3.6 wants a
#    separate choices [] chunk.
#  - LIFECYCLE-311 on Groq's and DeepSeek's reasoning fields (not part of OpenAI's chunk).
#  - ASSEMBLY-306 on Groq: whole calls in the first fragment.
#  - ASSEMBLY-303 on llm_openai_tool_call_resume_variant_a: id "0" and the name repeated on the second fragment.
#  - RESUME-009 (lowered to a warning) on llm_openai_tool_call_resume: simonw/llm echoes the arguments
#    re-serialised ('{"a": 1231, ...}' for the model's '{"a":1231,...}'), equal as JSON; the API accepted it.

# Where the SDK's accumulation and the harness disagree, and which is right:
#  - llm_openai_tool_call_resume_variant_a: the second fragment repeats id "0" and name "llm_version"; the SDK
#    concatenates every string (lib/streaming/_deltas.py) into id "00" and name "llm_versionllm_version". The
#    harness keeps "0" / "llm_version" (B.4.3, flagged ASSEMBLY-303). The harness is right: the client's next
#    request (interaction 1) echoes the call as id "0", name "llm_version", and the server answered it.
SDK_CORRUPTS_REPEATS = {"llm_openai_tool_call_resume_variant_a.yaml"}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_no_unexplained_error(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    errors = {f.check for f in report.findings if f.severity is Severity.error}
    assert errors == set(EXPECTED_FINDINGS.get(path.name, {}))


# -- the SDK's accumulator, fed the same payloads ------------------------------------------------------------


def _payload_streams(path: Path) -> list[list[dict[str, Any]]]:
    return [payloads for _, payloads in corpus.exchange_payloads(path, PROVIDER)]


def _harness_view(turn: Turn) -> dict[str, Any]:
    return {
        "text": turn.text,
        "calls": [(item.name, item.call_id, item.arguments_text or "") for item in turn.client_calls],
        "finish": turn.native_stop,
    }


def _repeats_joined(view: dict[str, Any]) -> dict[str, Any]:
    """The harness's calls as the SDK builds them when a server repeats id and name on two fragments."""
    return {**view, "calls": [(name * 2, call_id * 2, arguments) for name, call_id, arguments in view["calls"]]}


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")
@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_folded_turns_agree_with_the_sdk(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    streams = _payload_streams(path)
    compared, skipped = 0, []
    for exchange in report.exchanges:
        if exchange.turn is None or exchange.index >= len(streams):
            continue
        final, problem = oracles.openai_chat_final(streams[exchange.index])
        if problem == "error":
            assert final in [error.message for error in exchange.turn.errors]
        elif problem is not None:
            skipped.append(f"exchange {exchange.index}: {problem}")
            continue
        else:
            harness = _harness_view(exchange.turn)
            if path.name in SDK_CORRUPTS_REPEATS and exchange.turn.client_calls:
                harness = _repeats_joined(harness)
            assert harness == oracles.openai_chat_view(final)
        compared += 1
    if not compared:
        pytest.skip("; ".join(skipped))
