"""Properties that must hold for every provider family with an encoder.

Each property is stated once and run per family: a canonical turn is written in the family's own
dialect (``Provider.encode``), framed as wire bytes, split into arbitrary chunks, and read back by
the whole pipeline. Each property also has a mutation test showing that it can fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import registry
from harness.findings import Severity
from harness.pipeline import ExchangeReport, run_body
from harness.state import Turn
from harness.wire.eventstream import EventStreamDecoder
from harness.wire.sse import SSEDecoder
from suites.properties.families import DIALECTS
from suites.properties.strategies import chunkings, split_text, turns

FAMILIES = {name: dialect.family for name, dialect in DIALECTS.items()}
Remember = Callable[[str, "bytes | list[bytes]"], None]
SEQUENCED = [name for name in FAMILIES if registry.get(name).has_sequence_numbers]


def projection(turn: Turn) -> dict[str, Any]:
    """What a turn means, without provider-specific item ids."""
    return {
        "stop": turn.stop,
        "items": [
            {
                "kind": item.kind,
                "text": "".join(item.text[p] for p in sorted(item.text)),
                "reasoning": "".join(item.reasoning[p] for p in sorted(item.reasoning)),
                "name": item.name,
                "call_id": item.call_id,
                "arguments": item.arguments if item.kind == "tool_call" else None,
            }
            for item in turn.items
        ],
        "input_tokens": turn.usage.input_tokens if turn.usage else None,
        "output_tokens": turn.usage.output_tokens if turn.usage else None,
    }


def serious(report: ExchangeReport) -> list[str]:
    return [f"{f.check}: {f.message}" for f in report.findings if f.severity is not Severity.info]


def checks(report: ExchangeReport) -> set[str]:
    return {f.check for f in report.findings}


def encoded(family: str, data: st.DataObject) -> tuple[Turn, list[dict[str, Any]]]:
    turn = data.draw(turns(FAMILIES[family]), label="turn")
    natives = registry.get(family).encode(turn, lambda text: data.draw(split_text(text)))
    return turn, natives


def wire(family: str, natives: list[dict[str, Any]]) -> bytes:
    return registry.get(family).to_wire(natives)


# -- 1. round trip --------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
@given(data=st.data())
def test_round_trip_under_any_chunking(family: str, data: st.DataObject, remember: Remember) -> None:
    turn, natives = encoded(family, data)
    chunks = data.draw(chunkings(wire(family, natives)), label="chunks")
    remember(family, chunks)
    report = run_body(family, chunks)
    assert serious(report) == []
    assert report.turn is not None
    assert projection(report.turn) == projection(turn)


@pytest.mark.parametrize("family", FAMILIES)
def test_round_trip_notices_a_changed_delta(family: str) -> None:
    """Mutation: the same stream with its text deltas altered does not silently fold to the same turn.

    The deltas are altered through the encoder's fragmenter, not in the wire bytes, because some
    families carry text base64-encoded (Bedrock chunks) where no byte of it reads as the text."""
    from harness.state import Item

    turn = Turn(response_id="resp_0", items=[Item(item_id="msg_0", kind="message", text={0: "hello world"})],
                stop="end_turn", status="completed")
    natives = registry.get(family).encode(turn, lambda text: [text.replace("hello", "HELLO")])
    report = run_body(family, wire(family, natives))
    assert report.turn is not None
    assert projection(report.turn) != projection(turn) or serious(report)


# -- 2. ordering ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", SEQUENCED)
@given(data=st.data())
def test_any_delivery_order_is_restored_and_reported(family: str, data: st.DataObject, remember: Remember) -> None:
    turn, natives = encoded(family, data)
    shuffled = data.draw(st.permutations(natives), label="order")
    remember(family, wire(family, shuffled))
    report = run_body(family, wire(family, shuffled))
    reordered = [n["sequence_number"] for n in shuffled] != sorted(n["sequence_number"] for n in shuffled)
    assert ("ORDER-005" in checks(report)) == reordered
    assert [f for f in serious(report) if not f.startswith("ORDER-005")] == []
    assert report.turn is not None and projection(report.turn) == projection(turn)


@pytest.mark.parametrize("family", SEQUENCED)
@given(data=st.data())
def test_every_gap_and_duplicate_is_reported(family: str, data: st.DataObject) -> None:
    _, natives = encoded(family, data)
    interior = list(range(1, len(natives) - 1))
    dropped = set(data.draw(st.lists(st.sampled_from(interior), unique=True, max_size=3), label="dropped"))
    doubled = set(data.draw(st.lists(st.sampled_from(interior), unique=True, max_size=3), label="doubled")) - dropped
    stream = []
    for index, native in enumerate(natives):
        if index in dropped:
            continue
        stream.append(native)
        if index in doubled:
            stream.append(native)
    report = run_body(family, wire(family, stream))
    # repeats of one fault are one finding with a count (harness.report.model.aggregated): count occurrences
    gaps = sum(f.count or 1 for f in report.findings if f.check == "ORDER-003")
    duplicates = sum(f.count or 1 for f in report.findings if f.check == "ORDER-004")
    runs = sum(1 for index in sorted(dropped) if index - 1 not in dropped)  # maximal runs of dropped events
    assert gaps == runs
    assert duplicates == len(doubled)


# -- 3. reassembly ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
@given(data=st.data())
def test_arguments_reassemble_under_any_fragmenting(family: str, data: st.DataObject) -> None:
    turn, natives = encoded(family, data)
    report = run_body(family, wire(family, natives))
    assert serious(report) == []  # a declared final that disagrees with the fragments is ASSEMBLY-002
    assert report.turn is not None
    built = {item.call_id: item.arguments for item in report.turn.items if item.kind == "tool_call"}
    assert built == {item.call_id: item.arguments for item in turn.items if item.kind == "tool_call"}


def test_a_declared_final_that_disagrees_is_caught() -> None:
    """OpenAI declares final arguments in .done; Anthropic declares none (nothing to disagree with)."""
    from harness.state import Item

    turn = Turn(response_id="resp_0", stop="tool_use", status="completed", items=[
        Item(item_id="fc_0", kind="tool_call", executor="client", name="f", call_id="call_0",
             arguments={"city": "Oslo"}, arguments_text='{"city":"Oslo"}')])
    natives = registry.get("openai-responses").encode(turn)
    for native in natives:
        if native["type"] == "response.function_call_arguments.done":
            native["arguments"] = '{"city":"Bergen"}'
    report = run_body("openai-responses", wire("openai-responses", natives))
    assert "ASSEMBLY-002" in checks(report)


# -- 5. fault injection --------------------------------------------------------------------------------------

FAULTS = ("drop", "duplicate", "swap", "truncate", "corrupt")


@pytest.mark.parametrize("family", FAMILIES)
@given(data=st.data(), fault=st.sampled_from(FAULTS))
def test_faults_never_crash_and_are_flagged(family: str, data: st.DataObject, fault: str, remember: Remember) -> None:
    _, natives = encoded(family, data)
    body = wire(family, natives)
    if fault == "truncate":
        cut = data.draw(st.integers(0, len(body) - 1), label="cut")
        faulty = body[:cut]
    elif fault == "corrupt":
        start = data.draw(st.integers(0, len(body) - 1), label="start")
        faulty = body[:start] + data.draw(st.binary(min_size=1, max_size=8), label="bytes") + body[start + 1:]
    else:
        index = data.draw(st.integers(0, len(natives) - 2), label="index")
        events = list(natives)
        if fault == "drop":
            del events[index]
        elif fault == "duplicate":
            events.insert(index, events[index])
        else:
            events[index], events[index + 1] = events[index + 1], events[index]
        faulty = wire(family, events)
    remember(family, faulty)
    report = run_body(family, faulty)  # must not raise, whatever the bytes
    assert report.turn is not None or report.findings
    if fault == "truncate" and faulty.strip() and _frames(family, faulty) != _frames(family, body):
        # (a cut inside the last CRLF CRLF can lose only line-end bytes: every event still arrives whole)
        assert checks(report) & {"LIFECYCLE-005", "WIRE-003", "LIFECYCLE-006"}, serious(report)
    if family in SEQUENCED and fault in ("drop", "duplicate", "swap"):
        assert any(check.startswith("ORDER-") for check in checks(report)), serious(report)


def _frames(family: str, body: bytes) -> list[str]:
    decoder = EventStreamDecoder() if registry.get(family).framing == "eventstream" else SSEDecoder()
    frames = decoder.feed(body) + decoder.close()
    return [frame.text for frame in frames if not frame.truncated]


@pytest.mark.parametrize("family", FAMILIES)
@given(data=st.data())
def test_a_dropped_terminal_event_is_always_flagged(family: str, data: st.DataObject) -> None:
    _, natives = encoded(family, data)
    report = run_body(family, wire(family, natives[:-1]))
    assert "LIFECYCLE-005" in checks(report)


@pytest.mark.parametrize("family", FAMILIES)
@given(data=st.data())
def test_a_broken_payload_is_a_wire_finding(family: str, data: st.DataObject) -> None:
    _, natives = encoded(family, data)
    index = data.draw(st.integers(0, len(natives) - 1), label="index")
    messages = [(n.get("type"), json.dumps(n)) for n in natives]
    messages[index] = (messages[index][0], messages[index][1][:-1])  # lose the closing brace
    report = run_body(family, registry.get(family).frame_payloads(messages))
    assert "WIRE-004" in checks(report) or "WIRE-780" in checks(report)  # 780: the JSON inside a Bedrock chunk
