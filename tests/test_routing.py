"""Which family an exchange is attributed to, by host, path and body, never by a shared path word.

- OpenAI's Conversations API (``/v1/conversations...`` on api.openai.com and Azure OpenAI) is item CRUD
  answered with JSON; it was classed as Mistral Conversations because the paths are the same. No family
  speaks it, so it is unclaimed (CASSETTE-010).
- Mistral's own host claims Mistral's path shapes; under an unknown host (a gateway) Mistral's body shape
  decides.
- Anthropic's legacy Text Completions (``POST /v1/complete``) carry ``anthropic-version`` and were read
  as a Messages stream with unknown events, reported truncated; the anthropic-complete family reads them.

The routing cassettes have no provider key, so the family is detected. The claimed ones sit in
cassettes/regressions/ (``harness check cassettes/`` runs their detection on every run); the OpenAI one,
which no family claims, sits in tests/data/routing/, since every shipped cassette belongs to a family.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from harness import registry
from harness.cassette import load
from harness.exchange import Exchange, Request, Response
from harness.pipeline import check_cassette, check_path, run_body

ROOT = Path(__file__).resolve().parents[1] / "cassettes"
OPENAI = Path(__file__).resolve().parent / "data" / "routing" / "openai-conversations-unclaimed.yaml"
MISTRAL, COMPLETE, MESSAGES = "mistral-conversations", "anthropic-complete", "anthropic-messages"
CONVERSATION_STREAM = (b'event: conversation.response.started\ndata: {"type":"conversation.response.started",'
                       b'"conversation_id":"conv_1"}\n\n')
COMPLETION_STREAM = (b'event: completion\ndata: {"type": "completion", "completion": " Hello", "stop_reason": null, '
                     b'"model": "claude-2.0"}\n\nevent: ping\ndata: {"type": "ping"}\n\nevent: completion\n'
                     b'data: {"type": "completion", "completion": "!", "stop_reason": "stop_sequence", '
                     b'"model": "claude-2.0"}\n\n')
CONVERSATION_JSON = b'{"id":"conv_1","object":"conversation","created_at":1758531234,"metadata":{}}'


def exchange(method: str, uri: str, body: dict | None = None, response: bytes = CONVERSATION_JSON,
             headers: dict[str, list[str]] | None = None) -> Exchange:
    raw = orjson.dumps(body) if body is not None else None
    content_type = "text/event-stream" if response.startswith(b"event:") else "application/json"
    return Exchange(index=0, request=Request(method=method, uri=uri, headers=headers or {}, body=raw, json=body),
                    response=Response(headers={"content-type": [content_type]}, body=response))


def detected(item: Exchange) -> str | None:
    provider = registry.detect(item)
    return provider.name if provider is not None else None


OPENAI_ITEMS = {"items": [{"type": "message", "role": "user", "content": "Hello!"}], "metadata": {"topic": "demo"}}
MISTRAL_START = {"model": "mistral-medium-latest", "inputs": "Hello!", "stream": True}


@pytest.mark.parametrize(("item", "family"), [
    # OpenAI's Conversations API (openai/openai-python src/openai/resources/conversations/api.md): never Mistral
    (exchange("POST", "https://api.openai.com/v1/conversations", OPENAI_ITEMS), None),
    (exchange("POST", "https://api.openai.com/v1/conversations/conv_1", {"metadata": {"a": "b"}}), None),
    (exchange("GET", "https://api.openai.com/v1/conversations/conv_1"), None),
    (exchange("DELETE", "https://api.openai.com/v1/conversations/conv_1"), None),
    (exchange("GET", "https://api.openai.com/v1/conversations/conv_1/items?limit=10"), None),
    (exchange("POST", "https://api.openai.com/v1/conversations/conv_1/items", OPENAI_ITEMS), None),
    (exchange("POST", "https://api.openai.com/v1/conversations", {"inputs": "Hello!"}), None),  # the host decides
    (exchange("POST", "https://contoso.openai.azure.com/openai/v1/conversations", OPENAI_ITEMS), None),
    (exchange("POST", "https://contoso.cognitiveservices.azure.com/openai/v1/conversations", OPENAI_ITEMS), None),
    (exchange("POST", "https://gateway.example/openai/v1/conversations", {"inputs": "x"}), None),  # Azure's path shape
    (exchange("POST", "/v1/conversations", OPENAI_ITEMS, headers={"host": ["api.openai.com"]}), None),
    (exchange("POST", "http://localhost:4000/v1/conversations", OPENAI_ITEMS), None),  # a proxy: the body is OpenAI's
    # Mistral's host claims its path shapes (mistralai/client-python docs/sdks/conversations/README.md)
    (exchange("POST", "https://api.mistral.ai/v1/conversations", MISTRAL_START, CONVERSATION_STREAM), MISTRAL),
    (exchange("POST", "https://api.mistral.ai/v1/conversations", None, b"{}"), MISTRAL),
    (exchange("GET", "https://api.mistral.ai/v1/conversations"), MISTRAL),
    (exchange("GET", "https://api.mistral.ai/v1/conversations/conv_1/history"), MISTRAL),
    (exchange("GET", "https://api.mistral.ai/v1/conversations/conv_1/messages"), MISTRAL),
    (exchange("POST", "https://api.mistral.ai/v1/conversations/conv_1/restart",
              {"inputs": "again", "from_entry_id": "msg_1"}), MISTRAL),
    (exchange("POST", "/v1/conversations", MISTRAL_START, headers={"host": ["api.mistral.ai:443"]}), MISTRAL),
    # an unknown host: Mistral's body shape decides
    (exchange("POST", "https://llm-gateway.example.internal/mistral/v1/conversations", MISTRAL_START), MISTRAL),
    (exchange("POST", "https://llm-gateway.example.internal/v1/conversations/conv_1",
              {"inputs": [{"type": "function.result", "tool_call_id": "a", "result": "1"}]}), MISTRAL),
    (exchange("POST", "https://llm-gateway.example.internal/any/path", {"q": 1}, CONVERSATION_STREAM), MISTRAL),
    (exchange("POST", "", None, CONVERSATION_STREAM), MISTRAL),  # a raw stream file
    (exchange("POST", "https://llm-gateway.example.internal/v1/conversations", {"q": 1}), None),
    # Anthropic's legacy Text Completions, before Messages (which takes any request with anthropic-version)
    (exchange("POST", "https://api.anthropic.com/v1/complete", {"model": "claude-2", "prompt": "\n\nHuman: Hi\n\n"
              "Assistant:", "max_tokens_to_sample": 256, "stream": True}, COMPLETION_STREAM,
              headers={"anthropic-version": ["2023-06-01"]}), COMPLETE),
    (exchange("POST", "https://gateway.example/anthropic/v1/complete", None, COMPLETION_STREAM), COMPLETE),
    (exchange("POST", "https://gateway.example/claude", {"prompt": "\n\nHuman: Hi\n\nAssistant:",
              "max_tokens_to_sample": 5}, b"{}"), COMPLETE),
    (exchange("POST", "", None, COMPLETION_STREAM), COMPLETE),
    (exchange("POST", "https://api.anthropic.com/v1/messages", {"model": "claude-sonnet-4-5", "max_tokens": 5,
              "messages": []}, b"{}", headers={"anthropic-version": ["2023-06-01"]}), MESSAGES),
], ids=lambda value: value if isinstance(value, str) or value is None else f"{value.request.method} {value.request.uri}")
def test_detection(item: Exchange, family: str | None) -> None:
    assert detected(item) == family


@pytest.mark.parametrize("uri", ["http://[::1/v1/conversations", "http://[oops]:x/v1/conversations", "::::", "\x00"])
def test_a_hostile_uri_never_raises(uri: str) -> None:
    detected(exchange("POST", uri, MISTRAL_START))


def test_openai_legacy_completions_are_not_anthropic() -> None:
    item = exchange("POST", "https://api.openai.com/v1/completions", {"model": "gpt-3.5-turbo-instruct",
                                                                      "prompt": "Say hi", "max_tokens": 5})
    assert detected(item) != COMPLETE


# -- the shipped routing cassettes -------------------------------------------------------------------------------

ROUTED = {
    OPENAI: [None] * 5,
    ROOT / "regressions" / "routing-mistral-conversation-api-host.yaml": [MISTRAL],
    ROOT / "regressions" / "routing-mistral-conversation-behind-gateway.yaml": [MISTRAL, MISTRAL],
    ROOT / "regressions" / "routing-anthropic-complete-unhinted.yaml": [COMPLETE],
}


@pytest.mark.parametrize(("path", "families"), ROUTED.items(), ids=lambda value: getattr(value, "stem", ""))
def test_routing_cassettes(path: Path, families: list[str | None]) -> None:
    report = check_path(path)
    assert report.meta.provider is None  # detected, not named
    assert [item.provider for item in report.exchanges] == families
    assert report.verdict == "pass"
    unclaimed = [item for item in report.findings if item.check == "CASSETTE-010"]
    assert len(unclaimed) == families.count(None)


def test_openai_conversations_are_reported_unclaimed_not_checked_as_mistral() -> None:
    report = check_path(OPENAI)
    assert {item.check for item in report.findings} == {"CASSETTE-010"}
    assert all(report.is_expected(item) for item in report.findings)  # declared by the cassette
    assert all(item.provider is None and item.turn is None for item in report.exchanges)


def test_the_resume_is_checked_behind_a_gateway() -> None:
    cassette = load(ROOT / "regressions" / "routing-mistral-conversation-behind-gateway.yaml")
    append = cassette.exchanges[1].request
    append.json = {"inputs": [{"type": "message.input", "role": "user", "content": "And tomorrow?"}], "stream": True}
    append.body = orjson.dumps(append.json)
    report = check_cassette(cassette)
    assert [item.provider for item in report.exchanges] == [MISTRAL, MISTRAL]
    assert "RESUME-003" in {item.check for item in report.findings}  # the pending call went unanswered


# -- the anthropic-complete family -----------------------------------------------------------------------------


def test_the_documented_stream_folds_to_one_message() -> None:
    report = check_path(ROOT / "anthropic-complete" / "documented-example.yaml")
    (result,) = report.exchanges
    turn = result.turn
    assert (result.provider, turn.status, turn.stop, turn.native_stop) == (COMPLETE, "completed", "stop_sequence",
                                                                           "stop_sequence")
    assert turn.text == " Hello! My name is Claude." and [item.kind for item in turn.items] == ["message"]
    assert report.findings == []


def test_before_the_family_a_text_completion_was_a_truncated_messages_stream() -> None:
    # what anthropic-messages makes of it (its detection claims the anthropic-version header): the reason for the family
    result = run_body(MESSAGES, COMPLETION_STREAM)
    assert "LIFECYCLE-005" in {item.check for item in result.findings}
    result = run_body(COMPLETE, COMPLETION_STREAM)
    assert result.findings == [] and result.turn.text == " Hello!"


def test_payloads_without_type_are_typed_by_their_event_name() -> None:
    body = (b'event: completion\ndata: {"completion": " Hello", "stop_reason": null, "model": "claude-2.0"}\n\n'
            b'event: error\ndata: {"error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n')
    result = run_body(COMPLETE, body)
    assert result.findings == []
    assert (result.turn.status, result.turn.text) == ("failed", " Hello")
    assert [(error.code, error.retryable) for error in result.turn.errors] == [("overloaded_error", True)]


@pytest.mark.parametrize(("stop", "canonical"), [("stop_sequence", "stop_sequence"), ("max_tokens", "max_tokens"),
                                                 ("something_new", "other")])
def test_stop_reasons(stop: str, canonical: str) -> None:
    body = (b'event: completion\ndata: {"type": "completion", "completion": "x", "stop_reason": "%s"}\n\n'
            % stop.encode())
    result = run_body(COMPLETE, body)
    assert (result.turn.stop, result.turn.native_stop, result.findings) == (canonical, stop, [])


def test_nothing_to_resume() -> None:
    provider = registry.get(COMPLETE)
    request = Request(uri="https://api.anthropic.com/v1/complete", json={"prompt": "\n\nHuman: Hi\n\nAssistant:"})
    turn = run_body(COMPLETE, COMPLETION_STREAM).turn
    assert not provider.is_continuation(request) and provider.check_resume(turn, request, 1) == []
    assert provider.build_resume(turn, {}, request)["prompt"] == "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman:"
