"""The openai-responses provider against every real recording in ../shared/corpus/openai-responses.

Each file must run through the pipeline without a crash and without an error-severity finding
beyond the ones explained in EXPECTED_FINDINGS; then what the harness folded (text, tool names,
call ids, parsed arguments, status) is compared with the official SDK's accumulator
(openai-python src/openai/lib/streaming/responses/_responses.py, ``ResponseStreamState.handle_event``)
fed the same payloads as typed events built with the SDK's own ``construct_type``. Like the SDK's
stream helper, the final answer is the terminal event's ``response``, not a snapshot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.findings import Severity
from harness.pipeline import ExchangeReport
from harness.providers.openai_responses.calls import call_type
from harness.state import Turn
from suites import corpus, oracles

CORPUS = corpus.CORPUS / "openai-responses"
if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

PROVIDER = "openai-responses"
NO_SEQUENCE_NUMBERS = "captured before the API numbered its events (early 2025): every event lacks sequence_number"
EXPECTED_FINDINGS: dict[str, dict[str, str]] = {
    "pai_fn_call_then_resume_no_seqnum.yaml": {
        "SCHEMA-001": NO_SEQUENCE_NUMBERS + "; output_text.delta/.done also lack the now-required logprobs",
        "ORDER-001": NO_SEQUENCE_NUMBERS,
        "RESUME-003": "the stateless continuation echoes the call and answers it under call_id 'fc_67e5...' (the "
                      "item id) instead of the model's call_kL0P...: the recorded client (pydantic-ai, early 2025) "
                      "re-labelled the call, so the call the model made is never answered",
    },
    "pai_openrouter_responses_raw_cot.yaml": {
        "ASSEMBLY-007": "OpenRouter's response.completed lists the reasoning item as rs_tmp_ku4i7pagjwn while "
                        "output_item.added/done streamed it as rs_tmp_2kbe7x16sax (a compat server minting ids twice)",
    },
    "vercel_custom_tool_input_delta.chunks.txt": {
        "SCHEMA-001": "vercel/ai composed this capture without sequence_number",
        "ORDER-001": "vercel/ai composed this capture without sequence_number",
    },
    "vercel_parallel_tool_call_wrapper_HANDMADE.chunks.txt": {
        "WIRE-004": "hand-made: the response.created and response.completed lines lack their closing brace",
        "SCHEMA-001": "hand-made without sequence_number",
        "ORDER-001": "hand-made without sequence_number",
        "LIFECYCLE-101": "the unreadable response.created leaves output_item.added as the first event",
        "LIFECYCLE-007": "so the item starts before any turn does",
        "LIFECYCLE-005": "and the unreadable response.completed leaves the stream without a terminal event",
    },
}
# Warnings the harness gives on real recordings, and why they are right:
#  - LIFECYCLE-113 on every function_call_arguments.done: no real capture carries the `name` the SDK type
#    declares (A.9 says tolerate and warn).
#  - vercel_programmatic_tool_calling.1: the function_call a program calls is done with status in_progress
#    (LIFECYCLE-108: A.6.13 wants completed or incomplete at done).



@pytest.mark.parametrize("path", corpus.corpus_files(PROVIDER), ids=lambda path: path.name)
def test_no_unexplained_error(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    errors = {f.check for f in report.findings if f.severity is Severity.error}
    assert errors == set(EXPECTED_FINDINGS.get(path.name, {}))


# -- the SDK's accumulator, fed the same payloads ------------------------------------------------------------


def _payload_streams(path: Path) -> list[list[dict[str, Any]]]:
    """Each response stream's payloads; a chunk fixture of an agent loop is split at each response.created,
    as the pipeline splits it."""
    streams: list[list[dict[str, Any]]] = []
    for chunked, payloads in corpus.exchange_payloads(path, PROVIDER):
        if not chunked:
            streams.append(payloads)
            continue
        for payload in payloads:
            if not streams or (payload.get("type") == "response.created" and streams[-1]):
                streams.append([])
            streams[-1].append(payload)
    return streams


def _harness_view(turn: Turn) -> dict[str, Any]:
    calls = [item for item in turn.items if item.is_client_call]
    return {
        "status": "completed" if turn.status == "interrupted" else turn.status,
        "text": turn.text,
        "calls": [(item.name, item.call_id, item.arguments) for item in calls if call_type(item) == "function_call"],
        "custom": [(item.name, item.call_id, item.text[0]) for item in calls
                   if call_type(item) == "custom_tool_call" and 0 in item.text],
    }


def _replayed(streams: list[list[dict[str, Any]]], exchange: ExchangeReport) -> list[dict[str, Any]]:
    """A re-attached suffix as the SDK stream helper reads it: it replays from 0 and keeps the prefix up to
    the cursor (A.8.4; openai-python ``ResponseStream`` filters ``sequence_number > starting_after``)."""
    suffix = streams[exchange.index]
    if exchange.resumed_after is None:
        return suffix
    prefix = [p for p in streams[exchange.index - 1] if (p.get("sequence_number") or 0) <= exchange.resumed_after]
    return prefix + suffix


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")  # the SDK's own model_copy
@pytest.mark.parametrize("path", corpus.corpus_files(PROVIDER), ids=lambda path: path.name)
def test_folded_turns_agree_with_the_sdk(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    streams = _payload_streams(path)
    compared, skipped = 0, []
    for exchange in report.exchanges:
        if exchange.turn is None or exchange.index >= len(streams):
            continue  # a non-streamed JSON answer: nothing was folded
        final, problem = oracles.openai_final(_replayed(streams, exchange))
        if problem == "error":
            assert final in [error.message for error in exchange.turn.errors]
        elif problem is not None:
            skipped.append(f"exchange {exchange.index}: {problem}")
            continue
        else:
            assert _harness_view(exchange.turn) == oracles.openai_view(final)
        compared += 1
    if not compared:
        pytest.skip("; ".join(skipped))
