"""bedrock-invoke-model: Anthropic events inside InvokeModelWithResponseStream chunks."""

from __future__ import annotations

import base64

from harness import registry
from harness.exchange import Exchange, Request, Response
from harness.pipeline import run_body
from harness.state import Item, Turn
from harness.wire.eventstream import encode_event, encode_exception

PROVIDER = "bedrock-invoke-model"
URI = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/invoke-with-response-stream"


def chunk(event: bytes) -> bytes:
    return encode_event("chunk", b'{"bytes":"' + base64.b64encode(event) + b'","p":"abc"}')


START = chunk(b'{"type":"message_start","message":{"id":"msg_bdrk_1","type":"message","role":"assistant",'
              b'"model":"claude","content":[],"stop_reason":null,"usage":{"input_tokens":3,"output_tokens":1}}}')
TEXT = [chunk(b'{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'),
        chunk(b'{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}'),
        chunk(b'{"type":"content_block_stop","index":0}')]
END = [chunk(b'{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}'),
       chunk(b'{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":3}}')]


def checks(body: bytes) -> set[str]:
    return {item.check for item in run_body(PROVIDER, body).findings}


def test_inner_events_fold_as_anthropic_and_padding_is_ignored() -> None:
    report = run_body(PROVIDER, b"".join([START, *TEXT, *END]))
    assert report.findings == []
    assert report.turn is not None and report.turn.text == "Hi" and report.turn.stop == "end_turn"


def test_a_chunk_without_base64_json_is_a_wire_finding_and_the_rest_survives() -> None:
    broken = encode_event("chunk", b'{"bytes":"not base64!"}')
    report = run_body(PROVIDER, b"".join([START, broken, *TEXT, *END]))
    assert "WIRE-780" in {item.check for item in report.findings}
    assert report.turn is not None and report.turn.text == "Hi"


def test_an_outer_exception_ends_the_turn_as_anthropic_in_band_error() -> None:
    report = run_body(PROVIDER, b"".join([START, *TEXT, encode_exception("modelStreamErrorException",
                                                                         b'{"message":"model broke"}')]))
    assert report.turn is not None and report.turn.status == "failed"
    assert [error.message for error in report.turn.errors] == ["modelStreamErrorException: model broke"]


def test_detected_by_url_and_by_the_bytes_but_not_plain_anthropic() -> None:
    body = b"".join([START, *TEXT, *END])
    by_url = Exchange(index=0, request=Request(method="POST", uri=URI), response=Response(body=b""))
    raw = Exchange(index=0, request=Request(method="POST"), response=Response(body=body))
    sse = Exchange(index=0, request=Request(method="POST"),
                   response=Response(body=b"event: message_start\ndata: {\"type\":\"message_start\"}\n\n"))
    assert registry.detect(by_url).name == PROVIDER and registry.detect(raw).name == PROVIDER
    assert registry.detect(sse).name == "anthropic-messages"


def test_encoder_round_trip_wraps_every_anthropic_event_in_a_chunk() -> None:
    provider = registry.get(PROVIDER)
    turn = Turn(response_id="msg_1", stop="tool_use", status="completed", items=[
        Item(item_id="toolu_1", kind="tool_call", executor="client", name="f", call_id="toolu_1",
             arguments={"a": [1, "x"]}, arguments_text='{"a":[1,"x"]}')])
    natives = provider.encode(turn)
    body = provider.to_wire(natives)
    report = run_body(PROVIDER, body)
    assert report.frames == len(natives) and report.findings == []
    assert report.turn is not None and report.turn.items[0].arguments == {"a": [1, "x"]}


def test_an_event_outside_the_response_stream_union_is_flagged_and_skipped() -> None:
    stray = encode_event("messageStart", b'{"role":"assistant"}')  # a ConverseStream member
    report = run_body(PROVIDER, b"".join([START, stray, *TEXT, *END]))
    assert {item.check for item in report.findings} == {"SCHEMA-781"}
    assert report.turn is not None and report.turn.text == "Hi"
