"""bedrock-invoke-model against the real InvokeModelWithResponseStream recording in ../shared/corpus/bedrock.

The oracle is two official libraries chained: botocore reads the AWS frames (its own
``EventStreamBuffer`` and the bedrock-runtime service model, suites/aws_oracle.py) and base64-decodes
each ``chunk.bytes``; the Anthropic SDK's ``accumulate_event`` folds the events inside. Neither the
harness's decoder nor its translator is involved.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cassette import load
from harness.findings import Severity
from suites import corpus, oracles
from suites.aws_oracle import botocore_events

PROVIDER = "bedrock-invoke-model"
FILES = corpus.corpus_files(PROVIDER)
if not FILES:
    pytest.skip("no bedrock corpus", allow_module_level=True)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_no_finding_at_all(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    assert [exchange.provider for exchange in report.exchanges] == [PROVIDER]  # detected, not told
    assert [f.check for f in report.findings if f.severity is not Severity.info] == []


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_folded_state_matches_botocore_then_the_anthropic_sdk(path: Path) -> None:
    (exchange,) = load(path).exchanges
    events = botocore_events(exchange.response.body, "bedrock-runtime", "InvokeModelWithResponseStream")
    payloads = [json.loads(event["chunk"]["bytes"]) for event in events]
    expected = oracles.anthropic_view(oracles.anthropic_final(payloads, beta=False))
    (turn,) = corpus.check_recording(path, PROVIDER).turns
    calls = [(item.name, item.call_id, item.arguments) for item in turn.items if item.kind == "tool_call"]
    assert {"text": turn.text, "calls": calls, "stop": turn.native_stop} == expected
    assert len(expected["calls"]) == 2  # the recording asks for San Francisco's weather and population
