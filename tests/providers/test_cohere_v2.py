"""Unit tests of the cohere-v2 provider: detection, translation, B.3/B.4 checks, B.5 resume, cassettes.

Each case mutates one composed stream (the encoder's output for a small turn), so the check it must
trip is unambiguous; the unmutated stream stays clean.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from harness import registry
from harness.exchange import Exchange, Request, Response
from harness.findings import Severity
from harness.pipeline import run_body
from harness.state import Item, Turn, Usage

PROVIDER = "cohere-v2"
ROOT = Path(__file__).resolve().parents[2]
provider = registry.get(PROVIDER)


def tool_turn() -> Turn:
    return Turn(response_id="gen-1", status="completed", stop="tool_use", usage=Usage(input_tokens=5, output_tokens=7),
                items=[Item(item_id="m", kind="message", text={0: "I will check."}),
                       Item(item_id="a", kind="tool_call", name="get_weather", call_id="w1", arguments={"city": "Oslo"}),
                       Item(item_id="b", kind="tool_call", name="get_time", call_id="t2", arguments={})])


def text_turn() -> Turn:
    return Turn(response_id="gen-2", status="completed", stop="end_turn", usage=Usage(input_tokens=5, output_tokens=7),
                items=[Item(item_id="m", kind="message", text={0: "Hello there"})])


def run(natives: list[dict[str, Any]]) -> Any:
    return run_body(PROVIDER, provider.to_wire(natives))


def serious(report: Any) -> set[str]:
    return {f.check for f in report.findings if f.severity is not Severity.info}


def test_alias_and_detection() -> None:
    assert registry.get("cohere") is provider
    exchange = Exchange(index=0, request=Request(method="POST", uri="https://api.cohere.com/v2/chat"),
                        response=Response(body=b""))
    assert registry.detect(exchange) is provider


@pytest.mark.parametrize("make", [tool_turn, text_turn])
def test_encoded_turns_are_clean_and_fold_back(make: Any) -> None:
    turn = make()
    report = run(provider.encode(turn))
    assert serious(report) == set()
    assert report.turn.stop == turn.stop
    assert report.turn.text == turn.text
    assert [(i.call_id, i.arguments) for i in report.turn.client_calls] == [
        (i.call_id, i.arguments) for i in turn.client_calls]


def _mutated(make: Any, change: Any) -> set[str]:
    natives = copy.deepcopy(provider.encode(make()))
    change(natives)
    return serious(run(natives))


def _of(natives: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [n for n in natives if n["type"] == kind]


def test_a_second_message_start() -> None:
    assert "LIFECYCLE-601" in _mutated(text_turn, lambda n: n.insert(1, copy.deepcopy(n[0])))


def test_delta_after_content_end() -> None:
    assert "LIFECYCLE-603" in _mutated(text_turn, lambda n: n.insert(-1, _of(n, "content-delta")[0]))


def test_thinking_delta_in_text_block() -> None:
    def change(n: list[dict[str, Any]]) -> None:
        _of(n, "content-delta")[0]["delta"]["message"]["content"] = {"thinking": "x"}
    assert "LIFECYCLE-605" in _mutated(text_turn, change)


def test_finish_reason_complete_with_calls() -> None:
    def change(n: list[dict[str, Any]]) -> None:
        n[-1]["delta"]["finish_reason"] = "COMPLETE"
    assert _mutated(tool_turn, change) == {"LIFECYCLE-606"}


def test_missing_usage() -> None:
    def change(n: list[dict[str, Any]]) -> None:
        del n[-1]["delta"]["usage"]
    assert _mutated(text_turn, change) == {"LIFECYCLE-610"}


def test_duplicate_call_id() -> None:
    def change(n: list[dict[str, Any]]) -> None:
        _of(n, "tool-call-start")[1]["delta"]["message"]["tool_calls"]["id"] = "w1"
    assert "ASSEMBLY-602" in _mutated(tool_turn, change)


def test_plan_after_a_call() -> None:
    def change(n: list[dict[str, Any]]) -> None:
        n.insert(-1, {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": "late"}}})
    assert "ASSEMBLY-604" in _mutated(tool_turn, change)


def test_truncated_stream() -> None:
    assert "LIFECYCLE-005" in _mutated(text_turn, lambda n: n.pop())


def test_error_finish_fails_the_turn_quietly() -> None:
    natives = provider.encode(text_turn())
    natives[-1] = {"type": "message-end", "delta": {"finish_reason": "ERROR", "error": "boom"}}
    report = run(natives)
    assert serious(report) == set()
    assert report.turn.stop == "error" and [e.message for e in report.turn.errors] == ["boom"]


# -- resume (B.5) --------------------------------------------------------------------------------------------


def folded() -> Turn:
    return run(provider.encode(tool_turn())).turn


def resume_checks(body: dict[str, Any]) -> set[str]:
    request = Request(method="POST", uri="https://api.cohere.com/v2/chat", json=body)
    return {f.check for f in provider.check_resume(folded(), request, 1) if f.severity is not Severity.info}


def built() -> dict[str, Any]:
    prior = Request(json={"model": "command-a", "stream": True, "messages": [{"role": "user", "content": "hi"}]})
    return provider.build_resume(folded(), {"w1": "4 C", "t2": "14:05"}, prior)


def test_built_resume_is_clean() -> None:
    body = built()
    assert body["messages"][1]["tool_plan"] == "I will check."
    assert "content" not in body["messages"][1]
    assert resume_checks(body) == set()


def test_resume_mutations() -> None:
    body = built()
    body["messages"][1]["tool_calls"][0]["function"]["arguments"] = {"city": "Oslo"}
    assert resume_checks(body) == {"RESUME-601"}
    body = built()
    body["messages"][1]["content"] = "call tool"
    assert resume_checks(body) == {"RESUME-603"}
    body = built()
    del body["messages"][-1]
    assert resume_checks(body) == {"RESUME-003"}
    body = built()
    body["messages"][-1]["content"] = {"x": 1}
    assert resume_checks(body) == {"RESUME-605"}
    body = built()
    body["messages"] = body["messages"][:1]
    assert "RESUME-602" in resume_checks(body)
