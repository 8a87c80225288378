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


# -- model families other than Anthropic ----------------------------------------------------------------

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from harness.pipeline import _run_exchange, check_path  # noqa: E402
from harness.providers.bedrock_invoke_model.models import family_of_model  # noqa: E402

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "bedrock-invoke-model"


def inner(obj: dict) -> bytes:
    return chunk(json.dumps(obj).encode())


NOVA = [inner({"messageStart": {"role": "assistant"}}),
        inner({"contentBlockDelta": {"delta": {"text": "Hi"}, "contentBlockIndex": 0}}),
        inner({"contentBlockStop": {"contentBlockIndex": 0}}),
        inner({"messageStop": {"stopReason": "end_turn"}}),
        inner({"metadata": {"usage": {"inputTokens": 3, "outputTokens": 1}},
               "amazon-bedrock-invocationMetrics": {"inputTokenCount": 3, "outputTokenCount": 1}})]


def run_at(body: bytes, model: str) -> tuple:
    uri = f"https://bedrock-runtime.us-east-1.amazonaws.com/model/{model}/invoke-with-response-stream"
    exchange = Exchange(index=0, request=Request(method="POST", uri=uri), response=Response(
        headers={"content-type": ["application/vnd.amazon.eventstream"]}, body=body))
    result, _ = _run_exchange(exchange, None, False)
    return result.turn, {f.check for f in result.findings}


@pytest.mark.parametrize(("model", "family"), [
    ("anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic"), ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic"),
    ("amazon.nova-pro-v1:0", "nova"), ("us.amazon.nova-pro-v1:0", "nova"), ("apac.amazon.nova-lite-v1:0", "nova"),
    ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-micro-v1:0", "nova"),
    ("amazon.titan-text-express-v1", "titan"), ("us.meta.llama3-3-70b-instruct-v1:0", "llama"),
    ("mistral.mistral-large-2402-v1:0", "mistral"), ("cohere.command-r-plus-v1:0", "cohere"),
    ("ai21.jamba-1-5-mini-v1:0", "ai21"), ("amazon.titan-embed-text-v2:0", None), (None, None),
])
def test_the_model_id_names_the_family(model: str | None, family: str | None) -> None:
    assert family_of_model(model) == family


def test_a_nova_stream_folds_with_its_own_rules_not_as_anthropic() -> None:
    turn, checks = run_at(b"".join(NOVA), "us.amazon.nova-pro-v1%3A0")
    assert checks == set()
    assert turn.text == "Hi" and turn.stop == "end_turn" and turn.usage.input_tokens == 3


def test_a_nova_stream_without_a_uri_is_recognised_by_its_chunks() -> None:
    raw = Exchange(index=0, request=Request(method="POST"), response=Response(body=b"".join(NOVA)))
    assert registry.detect(raw).name == PROVIDER
    report = run_body(PROVIDER, b"".join(NOVA))
    assert report.findings == [] and report.turn.text == "Hi" and report.turn.stop == "end_turn"


def test_a_cut_nova_stream_is_truncated_and_nothing_else() -> None:
    assert run_at(b"".join(NOVA[:2]), "amazon.nova-lite-v1%3A0")[1] == {"LIFECYCLE-005"}


def test_a_nova_exception_ends_the_turn_as_failed() -> None:
    body = b"".join([*NOVA[:2], encode_exception("throttlingException", b'{"message":"slow down"}')])
    turn, checks = run_at(body, "amazon.nova-lite-v1%3A0")
    assert checks == set() and turn.status == "failed" and turn.errors[0].message == "slow down"


@pytest.mark.parametrize("name", ["titan-text", "llama-text", "mistral-text", "cohere-text", "ai21-text",
                                  "nova-text", "nova-tool-use"])
def test_each_model_family_cassette_folds(name: str) -> None:
    report = check_path(CASSETTES / f"{name}.yaml")
    assert report.findings == []
    turn = report.turns[0]
    if name == "nova-tool-use":
        assert turn.stop == "tool_use" and turn.items[1].arguments == {"city": "Paris"}
    else:
        assert turn.text == "Hello there!" and turn.stop == "end_turn"


def test_chunks_of_another_family_than_the_model_id_are_flagged() -> None:
    assert "SCHEMA-783" in run_at(b"".join(NOVA), "anthropic.claude-3-haiku-20240307-v1%3A0")[1]
    mixed = b"".join([START, *TEXT, inner({"generation": "x", "stop_reason": None}), *END])
    assert "SCHEMA-783" in run_at(mixed, "anthropic.claude-3-haiku-20240307-v1%3A0")[1]


def test_an_unknown_chunk_shape_and_folded_stream_rules() -> None:
    assert "SCHEMA-782" in checks(b"".join([START, inner({"surprise": 1}), *TEXT, *END]))
    late = b"".join([inner({"generation": "a", "stop_reason": "stop"}), inner({"generation": "b", "stop_reason": None})])
    turn, found = run_at(late, "meta.llama3-8b-instruct-v1%3A0")
    assert found == {"LIFECYCLE-784"} and turn.text == "a"
    odd = inner({"outputText": "a", "completionReason": "WEIRD"})
    assert run_at(odd, "amazon.titan-text-lite-v1")[1] == {"LIFECYCLE-785"}
    assert run_at(inner({"outputText": "a", "completionReason": None}), "amazon.titan-text-lite-v1")[1] == {
        "LIFECYCLE-005"}


# -- Nova's resume contract is the Converse API's (its Invoke body follows the same request pattern) ----------

NOVA_CALL = [inner({"messageStart": {"role": "assistant"}}),
             inner({"contentBlockStart": {"start": {"toolUse": {"toolUseId": "tooluse_nova_1", "name": "get_weather"}},
                                          "contentBlockIndex": 0}}),
             inner({"contentBlockDelta": {"delta": {"toolUse": {"input": '{"city":"Paris"}'}}, "contentBlockIndex": 0}}),
             inner({"contentBlockStop": {"contentBlockIndex": 0}}),
             inner({"messageStop": {"stopReason": "tool_use"}}),
             inner({"metadata": {"usage": {"inputTokens": 9, "outputTokens": 6}}})]
NOVA_URI = "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1%3A0/invoke-with-response-stream"
NOVA_BODY = {"schemaVersion": "messages-v1", "messages": [{"role": "user", "content": [{"text": "Weather in Paris?"}]}],
             "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather",
                                                    "inputSchema": {"json": {"type": "object"}}}}]}}


def nova_turn() -> Turn:
    turn, checks = run_at(b"".join(NOVA_CALL), "amazon.nova-lite-v1%3A0")
    assert checks == set() and turn.interrupt.pending == ["tooluse_nova_1"]
    return turn


def test_a_nova_turn_is_resumed_by_the_converse_contract() -> None:
    provider = registry.get(PROVIDER)
    turn = nova_turn()
    assert turn.native["model_family"] == "nova"
    body = provider.build_resume(turn, {"tooluse_nova_1": {"temp_c": 18}}, Request(uri=NOVA_URI, json=NOVA_BODY))
    assert body["messages"][1]["content"] == [{"toolUse": {"toolUseId": "tooluse_nova_1", "name": "get_weather",
                                                           "input": {"city": "Paris"}}}]
    assert body["messages"][2]["content"][0]["toolResult"]["toolUseId"] == "tooluse_nova_1"
    assert provider.check_resume(turn, Request(uri=NOVA_URI, json=body), 1) == []
    body["messages"].pop()  # the toolResult message left out
    assert "RESUME-003" in {f.check for f in provider.check_resume(turn, Request(uri=NOVA_URI, json=body), 1)}


def test_without_a_uri_the_turn_says_which_contract() -> None:
    provider = registry.get(PROVIDER)
    body = provider.build_resume(nova_turn(), {"tooluse_nova_1": "18 C"})  # no prior request: the turn decides
    assert body["messages"][0]["content"][0]["toolUse"]["toolUseId"] == "tooluse_nova_1"


def test_a_folded_family_has_no_contract_to_check() -> None:
    provider = registry.get(PROVIDER)
    titan = Request(uri=NOVA_URI.replace("amazon.nova-lite-v1%3A0", "amazon.titan-text-express-v1"), json={})
    assert provider.check_resume(nova_turn(), titan, 1) == []
