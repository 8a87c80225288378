"""A client's agent loop against the server: answering every tool call correctly leaves a clean report;
each way of getting the resume wrong is reported with the RESUME id ``harness check`` gives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest

from harness.live.conversations import Conversations
from harness.live.journal import Journal
from harness.live.library import Library
from harness.live.serve import ServeApp, serving


@pytest.fixture
def app(shipped: Library) -> Iterator[ServeApp]:
    with serving(shipped) as server:
        yield server


def _report(app: ServeApp) -> dict[str, Any]:
    return httpx.get(f"{app.base_url}/_harness/report", timeout=5).json()


def _openai_loop(app: ServeApp, name: str, answer: Callable[[list[Any]], list[dict[str, Any]]]) -> None:
    """Ask, read the function calls, send ``answer(calls)`` as the next input after the response."""
    client = openai.OpenAI(base_url=f"{app.base_url}/{name}/v1", api_key="sk-test", max_retries=0)
    with client.responses.stream(model="gpt-5-mini", input="What is the weather?") as stream:
        response = stream.get_final_response()
    calls = [item for item in response.output if item.type == "function_call"]
    assert calls
    with client.responses.stream(model="gpt-5-mini", previous_response_id=response.id, input=answer(calls)) as stream:
        stream.get_final_response()


def _outputs(calls: list[Any]) -> list[dict[str, Any]]:
    return [{"type": "function_call_output", "call_id": call.call_id, "output": '{"temperature": 21}'}
            for call in calls]


def test_an_openai_loop_answering_every_call_leaves_a_clean_report(app: ServeApp) -> None:
    _openai_loop(app, "openai-responses/parallel-tool-calls-resume", _outputs)
    report = _report(app)
    assert (report["verdict"], report["findings"]) == ("pass", [])
    assert [entry["exchange"] for entry in report["requests"]] == [0, 1]


def test_an_openai_loop_dropping_an_answer_gets_resume_003(app: ServeApp) -> None:
    _openai_loop(app, "openai-responses/parallel-tool-calls-resume", lambda calls: _outputs(calls)[:-1])
    report = _report(app)
    assert report["verdict"] == "fail"
    assert [(item["check"], item["location"]["exchange"]) for item in report["findings"]] == [("RESUME-003", 1)]


def test_an_openai_loop_answering_a_call_never_made_gets_resume_005(app: ServeApp) -> None:
    def wrong_id(calls: list[Any]) -> list[dict[str, Any]]:
        return [{**answer, "call_id": "call_never_made"} for answer in _outputs(calls)]

    _openai_loop(app, "openai-responses/tool-call-resume", wrong_id)
    assert {item["check"] for item in _report(app)["findings"]} >= {"RESUME-003", "RESUME-005"}


def _anthropic_loop(app: ServeApp, results_first: bool) -> None:
    client = anthropic.Anthropic(base_url=f"{app.base_url}/anthropic-messages/tool-use-resume", api_key="sk-ant-test",
                                 max_retries=0)
    ask = [{"role": "user", "content": "What is the weather in Oslo?"}]
    with client.messages.stream(model="claude-sonnet-4-5", max_tokens=1024, messages=ask) as stream:
        message = stream.get_final_message()
    echo = [block.model_dump(exclude_none=True) for block in message.content]
    results = [{"type": "tool_result", "tool_use_id": block.id, "content": "21 C"}
               for block in message.content if block.type == "tool_use"]
    note = [{"type": "text", "text": "Here is what the tool said."}]
    answer = results + note if results_first else note + results
    follow = [*ask, {"role": "assistant", "content": echo}, {"role": "user", "content": answer}]
    with client.messages.stream(model="claude-sonnet-4-5", max_tokens=1024, messages=follow) as stream:
        stream.get_final_message()


def test_an_anthropic_loop_answering_correctly_leaves_a_clean_report(app: ServeApp) -> None:
    _anthropic_loop(app, results_first=True)
    report = _report(app)
    assert (report["verdict"], report["findings"]) == ("pass", [])


def test_an_anthropic_loop_putting_text_before_the_tool_result_gets_resume_201(app: ServeApp) -> None:
    _anthropic_loop(app, results_first=False)
    assert [item["check"] for item in _report(app)["findings"]] == ["RESUME-201"]


def test_a_fresh_request_starts_the_cassette_again(app: ServeApp) -> None:
    name = "openai-responses/tool-call-resume"
    for _ in range(2):
        _openai_loop(app, name, _outputs)
    assert [entry["exchange"] for entry in _report(app)["requests"]] == [0, 1, 0, 1]
    assert isinstance(app.conversations, Conversations) and isinstance(app.journal, Journal)
