"""Checks no other test or shipped cassette made fire: one focused case each, on a stream (or
exchange) that breaks exactly the rule, next to the unbroken one that does not fire it.

Found by tests/test_catalogue_coverage.py; each case builds the smallest input from the family's own
encoder (or the framing's own encoder) and changes one thing.
"""

from __future__ import annotations

import copy
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from harness import registry
from harness.cassette import Cassette
from harness.exchange import Exchange, Request, Response
from harness.findings import Finding
from harness.pipeline import check_cassette, run_body
from harness.providers.aws import EventStreamProvider
from harness.state import Item, Turn, Usage
from harness.wire import eventstream
from harness.wire.eventstream import EventStreamDecoder

Natives = list[dict[str, Any]]


def ids(findings: list[Finding]) -> set[str]:
    return {f.check for f in findings}


def exchange_findings(request: Request, response: Response) -> set[str]:
    cassette = Cassette(path=Path("inline.yaml"), exchanges=[Exchange(index=0, request=request, response=response)])
    return ids(check_cassette(cassette).findings)


# -- generic (0NN) ---------------------------------------------------------------------------------------

CHAT_URI = "https://api.openai.com/v1/chat/completions"
CHAT_REQUEST = {"model": "gpt-x", "stream": True, "messages": [{"role": "user", "content": "hi"}]}


def test_cassette_010_an_exchange_no_provider_recognises_is_skipped() -> None:
    known = exchange_findings(Request(uri=CHAT_URI, json=CHAT_REQUEST), Response(body=b"data: [DONE]\n\n"))
    unknown = exchange_findings(Request(uri="https://example.invalid/v1/other", json={"q": 1}),
                                Response(body=b"data: {}\n\n"))
    assert "CASSETTE-010" in unknown and "CASSETTE-010" not in known


def test_lifecycle_008_an_http_error_before_any_stream() -> None:
    error = orjson.dumps({"error": {"message": "rate limited", "type": "requests"}})
    assert "LIFECYCLE-008" in exchange_findings(Request(uri=CHAT_URI, json=CHAT_REQUEST),
                                                Response(status=429, body=error))
    assert "LIFECYCLE-008" not in exchange_findings(Request(uri=CHAT_URI, json=CHAT_REQUEST),
                                                    Response(status=200, body=b"data: [DONE]\n\n"))


def test_schema_003_the_sse_event_name_differs_from_the_payload_type() -> None:
    provider = registry.get("anthropic-messages")
    turn = Turn(response_id="msg_0", stop="end_turn", status="completed", usage=Usage(input_tokens=1, output_tokens=1),
                items=[Item(item_id="m", kind="message", status="completed", text={0: "hi"})])
    body = provider.to_wire(provider.encode(turn))
    assert "SCHEMA-003" not in ids(run_body("anthropic-messages", body).findings)
    renamed = body.replace(b"event: ping", b"event: content_block_delta", 1)
    assert "SCHEMA-003" in ids(run_body("anthropic-messages", renamed).findings)


def test_wire_006_a_streaming_request_answered_with_an_empty_body() -> None:
    assert "WIRE-006" in ids(run_body("openai-chat", b"", request_json=CHAT_REQUEST).findings)
    assert "WIRE-006" not in ids(run_body("openai-chat", b"data: [DONE]\n\n", request_json=CHAT_REQUEST).findings)


def test_wire_008_a_json_payload_that_is_not_an_object() -> None:
    assert "WIRE-008" in ids(run_body("openai-chat", b"data: [1, 2]\n\ndata: [DONE]\n\n").findings)
    assert "WIRE-008" not in ids(run_body("openai-chat", b"data: {}\n\ndata: [DONE]\n\n").findings)


# -- the AWS event-stream framing (generic WIRE ids) ----------------------------------------------------------


def raw_message(raw_headers: bytes, payload: bytes, total: int | None = None) -> bytes:
    """A message with the given header bytes; ``total`` overrides the prelude's length (CRCs stay right)."""
    length = total if total is not None else eventstream.OVERHEAD + len(raw_headers) + len(payload)
    prelude = struct.pack(">II", length, len(raw_headers))
    body = prelude + struct.pack(">I", eventstream.crc32(prelude)) + raw_headers + payload
    return body + struct.pack(">I", eventstream.crc32(body))


def decoded(body: bytes) -> EventStreamDecoder:
    decoder = EventStreamDecoder()
    decoder.feed(body)
    decoder.close()
    return decoder


GOOD = eventstream.encode_event("chunk", b"{}")


def test_wire_011_impossible_event_stream_lengths() -> None:
    assert "WIRE-011" in ids(decoded(raw_message(b"", b"", total=12)).findings)  # shorter than prelude + CRC
    assert "WIRE-011" not in ids(decoded(GOOD).findings)


def test_wire_013_an_unreadable_headers_section() -> None:
    header = eventstream.encode_header(":event-type", "chunk")
    unknown_type = b"\x04name" + b"\x0a"  # type code 10 does not exist
    assert "WIRE-013" in ids(decoded(raw_message(unknown_type, b"{}")).findings)
    assert "WIRE-013" in ids(decoded(raw_message(header + header, b"{}")).findings)  # a repeated name
    assert "WIRE-013" not in ids(decoded(raw_message(header, b"{}")).findings)


@pytest.mark.parametrize("headers", [{":event-type": "chunk"}, {":message-type": "event"}])
def test_wire_014_a_message_without_its_type_headers(headers: dict[str, str]) -> None:
    """The shared reading of every AWS family (harness/providers/aws.py), whichever family runs it."""
    provider = next(p for p in registry.PROVIDERS.values() if isinstance(p, EventStreamProvider))
    [frame] = EventStreamDecoder().feed(eventstream.encode_message(headers, b"{}"))
    parsed = EventStreamProvider.parse(provider, frame, 0)
    assert isinstance(parsed, list) and ids(parsed) == {"WIRE-014"}
    [good] = EventStreamDecoder().feed(GOOD)
    assert not isinstance(EventStreamProvider.parse(provider, good, 0), list)


def test_wire_015_a_message_beyond_the_c_runtime_limit() -> None:
    headers = {":message-type": "event", ":event-type": "chunk"}
    big = eventstream.encode_message(headers, b" " * eventstream.SUSPECT_MESSAGE)
    decoder = decoded(big)
    assert "WIRE-015" in ids(decoder.findings)
    assert "WIRE-015" not in ids(decoded(GOOD).findings)


# -- mistral-conversations (5NN) -------------------------------------------------------------------------------


def test_lifecycle_506_an_append_streams_another_conversation() -> None:
    mistral = registry.get("mistral-conversations")
    turn = Turn(conversation_id="conv_B", response_id="conv_B", stop="end_turn", status="completed",
                usage=Usage(input_tokens=1, output_tokens=1),
                items=[Item(item_id="m", kind="message", status="completed", text={0: "hi"})])
    body = mistral.to_wire(mistral.encode(turn))
    headers = {"content-type": ["text/event-stream"]}

    def findings(path: str) -> set[str]:
        request = Request(uri=f"https://api.mistral.ai/v1/conversations{path}", json={"inputs": "hi", "stream": True})
        return exchange_findings(request, Response(headers=headers, body=body))

    assert "LIFECYCLE-506" in findings("/conv_A")  # an append to conv_A streams conv_B
    assert "LIFECYCLE-506" in findings("/conv_B/restart")  # a restart streams the conversation it restarts
    assert "LIFECYCLE-506" not in findings("/conv_B") | findings("/conv_A/restart") | findings("")


# -- cohere-v2 (6NN) ---------------------------------------------------------------------------------------------

COHERE = registry.get("cohere-v2")
USAGE = Usage(input_tokens=5, output_tokens=7)


def cohere_turn(*items: Item, stop: str = "end_turn") -> Turn:
    return Turn(response_id="gen-1", status="completed", stop=stop, usage=USAGE, items=list(items))  # type: ignore[arg-type]


TEXT = Item(item_id="m", kind="message", text={0: "Hello there"})
THINKING = Item(item_id="r", kind="reasoning", reasoning={0: "let me see"})
CALL = Item(item_id="a", kind="tool_call", name="get_weather", call_id="w1", arguments={"city": "Oslo"})


def cohere_checks(turn: Turn, change: Callable[[Natives], None] = lambda natives: None) -> set[str]:
    """Every check id (info included) on the encoded turn after ``change``."""
    natives = copy.deepcopy(COHERE.encode(turn))
    change(natives)
    return ids(run_body("cohere-v2", COHERE.to_wire(natives)).findings)


def at(natives: Natives, kind: str, index: int | None = None) -> int:
    return next(n for n, native in enumerate(natives)
                if native["type"] == kind and (index is None or native.get("index") == index))


def test_assembly_601_a_call_not_ended_before_message_end() -> None:
    turn = cohere_turn(CALL, stop="tool_use")
    assert "ASSEMBLY-601" not in cohere_checks(turn)
    assert "ASSEMBLY-601" in cohere_checks(turn, lambda natives: natives.pop(at(natives, "tool-call-end")))


def test_assembly_605_a_no_argument_call_with_empty_arguments() -> None:
    turn = cohere_turn(CALL.model_copy(update={"arguments": None, "arguments_text": ""}), stop="tool_use")
    assert "ASSEMBLY-605" in cohere_checks(turn)
    assert "ASSEMBLY-605" not in cohere_checks(cohere_turn(CALL, stop="tool_use"))
    report = run_body("cohere-v2", COHERE.to_wire(COHERE.encode(turn)))
    assert report.turn is not None and report.turn.client_calls[0].arguments == {}


def test_lifecycle_602_an_event_after_message_end() -> None:
    turn = cohere_turn(TEXT)
    assert "LIFECYCLE-602" not in cohere_checks(turn)
    assert "LIFECYCLE-602" in cohere_checks(turn, lambda natives: natives.append(natives[at(natives, "content-delta")]))


def test_lifecycle_604_overlapping_content_blocks() -> None:
    turn = cohere_turn(THINKING, TEXT)
    assert "LIFECYCLE-604" not in cohere_checks(turn)

    def overlap(natives: Natives) -> None:
        end = natives.pop(at(natives, "content-end", 0))
        natives.insert(at(natives, "content-start", 1) + 1, end)

    assert "LIFECYCLE-604" in cohere_checks(turn, overlap)


def test_lifecycle_607_a_text_block_in_a_tool_calling_message() -> None:
    turn = cohere_turn(CALL, stop="tool_use")
    text_block = [{"type": "content-start", "index": 0, "delta": {"message": {"content": {"type": "text", "text": ""}}}},
                  {"type": "content-end", "index": 0}]
    assert "LIFECYCLE-607" not in cohere_checks(turn)
    assert "LIFECYCLE-607" in cohere_checks(
        turn, lambda natives: natives.__setitem__(slice(-1, -1), text_block))


def citation(start: int, end: int, text: str) -> dict[str, Any]:
    return {"type": "citation-start", "index": 0, "delta": {"message": {"citations": {
        "start": start, "end": end, "text": text, "type": "TEXT_CONTENT", "content_index": 0,
        "sources": [{"type": "document", "id": "doc:0", "document": {"title": "t"}}]}}}}


def cite(natives: Natives, start: dict[str, Any], closed: bool = True) -> None:
    """Put a citation after the text block's last delta, as the documented examples do (C-11b)."""
    where = at(natives, "content-end")
    natives[where:where] = [start, *([{"type": "citation-end", "index": 0}] if closed else [])]


def test_lifecycle_608_a_citation_never_closed() -> None:
    turn = cohere_turn(TEXT)
    assert "LIFECYCLE-608" not in cohere_checks(turn, lambda natives: cite(natives, citation(0, 5, "Hello")))
    assert "LIFECYCLE-608" in cohere_checks(turn, lambda natives: cite(natives, citation(0, 5, "Hello"), closed=False))


def test_lifecycle_609_a_citation_whose_text_is_not_its_slice() -> None:
    turn = cohere_turn(TEXT)
    assert "LIFECYCLE-609" not in cohere_checks(turn, lambda natives: cite(natives, citation(6, 11, "there")))
    assert "LIFECYCLE-609" in cohere_checks(turn, lambda natives: cite(natives, citation(6, 11, "where")))


def test_lifecycle_611_a_debug_event_is_skipped() -> None:
    turn = cohere_turn(TEXT)
    assert "LIFECYCLE-611" not in cohere_checks(turn)
    checks = cohere_checks(turn, lambda natives: natives.insert(1, {"type": "debug", "prompt": "<raw prompt>"}))
    assert "LIFECYCLE-611" in checks
