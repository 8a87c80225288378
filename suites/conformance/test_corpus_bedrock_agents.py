"""The bedrock-agents provider against the real InvokeAgent / InvokeInlineAgent recordings in
../shared/corpus/bedrock (Arize-ai/openinference cassettes, oi_invokeagent_* and oi_invokeinlineagent*,
each as its vcrpy cassette and as the raw ``.eventstream.bin`` body).

None holds a returnControl (the shipped cassettes cover return of control, written from the service
model). Each recording must run without a crash and without an unexplained finding. The oracle is
botocore's own event-stream reader with the bedrock-agent-runtime service model
(``botocore.eventstream.EventStream`` + ``EventStreamJSONParser``, as boto3 reads ``completion``):
every message is parsed into the ResponseStream union; the chunk bytes it base64-decodes are joined
here by hand, and the usage of every parsed ``modelInvocationOutput`` is summed here by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.cassette import load
from harness.findings import Severity
from suites import corpus

botocore = pytest.importorskip("botocore")
from botocore.eventstream import EventStream
from botocore.loaders import Loader
from botocore.model import ServiceModel
from botocore.parsers import EventStreamJSONParser

CORPUS = corpus.CORPUS / "bedrock"
if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

PROVIDER = "bedrock-agents"
FILES = corpus.corpus_files(PROVIDER)  # only the oi_invokeagent_ / oi_invokeinlineagent files (corpus.ONLY)
NAMES = ("action_group_no_params", "action_group_tool_call", "chunk_only", "guardrail_intervened", "knowledge_base",
         "preprocessing_trace", "routing_classifier_reasoning")
KNOWN = sorted([f"oi_invokeagent_{name}.{suffix}" for name in NAMES for suffix in ("eventstream.bin", "yaml")]
               + ["oi_invokeinlineagent.eventstream.bin", "oi_invokeinlineagent.yaml"])
# openinference's cassettes keep no response headers at all: the pipeline recognises the event stream
# by its prelude (WIRE-007 fires only on a content type that names another framing, not on a missing
# one), and LIFECYCLE-740 (session and content-type headers) is not judged. No warning is expected.
EXPECTED_WARNINGS: dict[str, set[str]] = {}
# the one recording where a guardrail intervened on the input (guardrailTrace action INTERVENED)
CONTENT_FILTERED = "guardrail_intervened"


def test_every_recording_is_found() -> None:
    assert [path.name for path in FILES] == KNOWN


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_no_unexplained_finding(path: Path) -> None:
    report = corpus.check_recording(path, PROVIDER)
    assert report.provider == PROVIDER
    assert {f.check for f in report.findings if f.severity is Severity.error} == set()
    assert {f.check for f in report.findings if f.severity is Severity.warning} == EXPECTED_WARNINGS.get(path.name,
                                                                                                         set())


class _Body:
    """What botocore's EventStream reads from: an HTTP body that streams (here in 97-byte pieces)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self) -> Iterator[bytes]:
        return (self.body[start:start + 97] for start in range(0, len(self.body), 97))


def botocore_events(path: Path) -> list[dict[str, Any]]:
    """The recording's body as boto3 hands it to a caller: one parsed ResponseStream member per message."""
    operation = "InvokeInlineAgent" if "inline" in path.name else "InvokeAgent"
    model = ServiceModel(Loader().load_service_model("bedrock-agent-runtime", "service-2"))
    shape = model.operation_model(operation).output_shape.members["completion"]
    [exchange] = load(path).exchanges
    return list(EventStream(_Body(exchange.response.body), shape, EventStreamJSONParser(), operation))


def _usage(events: list[dict[str, Any]]) -> tuple[int, int] | None:
    """Every model invocation's usage (in any trace step), summed by hand."""
    found = [step["modelInvocationOutput"]["metadata"]["usage"]
             for event in events if "trace" in event
             for step in event["trace"]["trace"].values()
             if "usage" in step.get("modelInvocationOutput", {}).get("metadata", {})]
    if not found:
        return None
    return sum(usage["inputTokens"] for usage in found), sum(usage["outputTokens"] for usage in found)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_folded_turn_agrees_with_botocore(path: Path) -> None:
    events = botocore_events(path)
    report = corpus.check_recording(path, PROVIDER)
    [exchange] = report.exchanges
    turn = exchange.turn
    assert turn is not None
    assert exchange.frames == len(events)  # botocore skips no message: every one is a modelled member
    assert turn.text == b"".join(event["chunk"]["bytes"] for event in events if "chunk" in event).decode("utf-8")
    assert turn.stop == ("content_filter" if CONTENT_FILTERED in path.name else "end_turn")
    assert turn.status == ("incomplete" if CONTENT_FILTERED in path.name else "completed")
    usage = _usage(events)
    assert (None if turn.usage is None else (turn.usage.input_tokens, turn.usage.output_tokens)) == usage
    assert turn.interrupt is None and turn.client_calls == []  # no recording holds a returnControl
    sessions = {event["trace"]["sessionId"] for event in events
                if "trace" in event and len(event["trace"].get("callerChain", [])) <= 1}
    assert turn.session_id in sessions or not sessions
