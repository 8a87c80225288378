"""Fault plans without a socket: the grammar, reproducibility, recorded chunks kept when nothing is
injected, and each fault seen by ``harness check`` as the fault it is."""

from __future__ import annotations

from random import Random

import pytest

from harness.live.faults import FaultSpec, FaultSpecError, Where, plan
from harness.live.library import Library, Served
from harness.live.serve import _body  # the served body of a cassette's exchange, as the server plans it
from harness.pipeline import run_body


def test_the_grammar() -> None:
    assert FaultSpec.parse("drop:3@openai-*") == FaultSpec("drop", Where("event", 3), None, "openai-*", "drop:3@openai-*")
    assert FaultSpec.parse("truncate:b120").where == Where("byte", 120)
    assert FaultSpec.parse("duplicate:10%").where == Where("rate", 0.1)
    assert FaultSpec.parse("corrupt:0.25").where == Where("rate", 0.25)
    assert (FaultSpec.parse("stall:2=0.5").value, FaultSpec.parse("stall").value) == (0.5, 1.0)
    assert (FaultSpec.parse("http429").status, FaultSpec.parse("http429").value) == (429, 1.0)
    assert FaultSpec.parse("http500").value is None
    assert FaultSpec.parse("truncate@anthropic-messages/*").applies("anthropic-messages/refusal")
    assert not FaultSpec.parse("truncate@anthropic-messages/*").applies("openai-chat/refusal")


@pytest.mark.parametrize("text", ["explode", "drop:b12", "truncate:150%", "drop=2", "reorder=1", "stall=x", "drop:x"])
def test_a_bad_spec_says_what_is_wrong(text: str) -> None:
    with pytest.raises(FaultSpecError, match=repr(text)):
        FaultSpec.parse(text)


def test_nothing_injected_is_the_recorded_chunks(shipped: Library) -> None:
    body = _body(shipped.by_name["anthropic-messages/tool-use-resume"], 0)
    body.cuts, body.times = [5, 100, 101, 700], [0.0, 0.1, 0.2, 0.3, 0.5]
    stream = plan(body, [], Random(0))
    assert [len(piece.data) for piece in stream.pieces] == [5, 95, 1, 599, len(body.data) - 700]
    assert [piece.at for piece in stream.pieces] == body.times
    assert (stream.body, stream.abort, stream.injected) == (body.data, False, [])


def test_one_seed_one_plan_and_a_bare_fault_hits_a_point_the_seed_picks(shipped: Library) -> None:
    body = _body(shipped.by_name["openai-responses/plain-text"], 0)
    specs = [FaultSpec.parse("truncate")]
    assert plan(body, specs, Random("a")).body == plan(body, specs, Random("a")).body
    assert len({plan(body, specs, Random(seed)).body for seed in range(20)}) > 3
    assert all(plan(body, specs, Random(seed)).body for seed in range(20))  # never before the first event


SEEN_BY_CHECK = [  # cassette, fault, a check `harness check` gives the faulted stream
    ("openai-responses/plain-text", "drop:5", "ORDER-003"),
    ("openai-responses/plain-text", "duplicate:5", "ORDER-004"),
    ("openai-responses/plain-text", "reorder:4=3", "ORDER-005"),
    ("openai-responses/plain-text", "truncate:5", "LIFECYCLE-005"),
    ("anthropic-messages/tool-use-resume", "truncate:b900", "WIRE-003"),
    ("anthropic-messages/tool-use-resume", "disconnect:9", "WIRE-003"),
    ("anthropic-messages/tool-use-resume", "corrupt:8", "WIRE-001"),
    ("bedrock-converse/tool-use-resume", "corrupt:2", "WIRE-012"),
    ("bedrock-converse/tool-use-resume", "truncate:3", "LIFECYCLE-005"),
    ("gemini/plain-text", "truncate:1", "LIFECYCLE-005"),
]


@pytest.mark.parametrize(("name", "spec", "check"), SEEN_BY_CHECK)
def test_a_fault_is_seen_by_the_check(shipped: Library, name: str, spec: str, check: str) -> None:
    served = shipped.by_name[name]
    stream = plan(_body(served, 0), [FaultSpec.parse(spec)], Random(0))
    assert stream.injected
    response = served.cassette.exchanges[0].response
    report = run_body(served.provider.name, [piece.data for piece in stream.pieces],
                      served.cassette.exchanges[0].request.json, response.content_type)
    assert check in {item.check for item in report.findings}, [item.check for item in report.findings]


FAMILIES = ["openai-responses/plain-text", "anthropic-messages/text-with-pings", "openai-chat/text-with-usage",
            "gemini/plain-text", "mistral-conversations/plain-text", "cohere-v2/text", "llama-stack-agents/text",
            "agent-session/text-delta", "bedrock-converse/text", "bedrock-invoke-model/text",
            "bedrock-agents/streamed-final-response"]


def _streamed(served: Served) -> int:
    """The first exchange that streams (setup calls such as creating an agent answer plain JSON)."""
    return next(index for index in range(len(served.cassette.exchanges)) if len(_body(served, index).spans) > 2)


@pytest.mark.parametrize("name", FAMILIES)
def test_an_error_event_is_the_familys_own_in_band_error(shipped: Library, name: str) -> None:
    served = shipped.by_name[name]
    index = _streamed(served)
    exchange = served.cassette.exchanges[index]
    stream = plan(_body(served, index), [FaultSpec.parse("error-event:2")], Random(0))
    report = run_body(served.providers[index].name, [piece.data for piece in stream.pieces], exchange.request.json,
                      exchange.response.content_type)
    assert report.turn is not None and report.turn.status == "failed", report.turn
    assert not [item.check for item in report.findings if item.check.startswith(("WIRE", "SCHEMA"))]
