"""The mistral-conversations family: each check fires on a mutation of a clean stream and not on the stream itself."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from harness.exchange import Request
from harness.findings import Severity
from harness.pipeline import check_path, run_body
from harness.registry import get
from harness.providers.mistral_conversations.encode import to_wire

M = get("mistral-conversations")
T = "2026-01-01T00:00:00Z"


def started(cid: str = "conv_1") -> dict[str, Any]:
    return {"type": "conversation.response.started", "conversation_id": cid, "created_at": T}


def msg(text: Any, index: int = 0, item: str = "msg_1", agent: str | None = None) -> dict[str, Any]:
    return {"type": "message.output.delta", "id": item, "output_index": index, "content_index": 0,
            "role": "assistant", "agent_id": agent, "content": text}


def fc(args: str, index: int = 1, call: str = "Ab3dE5gH9", name: str = "get_weather") -> dict[str, Any]:
    return {"type": "function.call.delta", "id": f"fc_{index}", "output_index": index, "name": name,
            "tool_call_id": call, "arguments": args}


def done(total: int = 142) -> dict[str, Any]:
    return {"type": "conversation.response.done", "usage": {"prompt_tokens": 120, "completion_tokens": 22,
                                                            "total_tokens": total}}


CLEAN = [started(), msg("Let me "), msg("look."), fc('{"city": '), fc('"Paris"}'), done()]


def run(events: list[dict[str, Any]], request: Any = None) -> tuple[Any, set[str]]:
    report = run_body("mistral-conversations", to_wire(events), request_json=request)
    return report, {f.check for f in report.findings if f.severity is not Severity.info}


def test_alias_and_registry() -> None:
    assert get("mistral") is M


def test_clean_stream_folds() -> None:
    report, checks = run(CLEAN)
    assert checks == set()
    turn = report.turn
    assert turn.conversation_id == "conv_1" and turn.text == "Let me look." and turn.stop == "tool_use"
    assert turn.interrupt.kind == "tool_calls" and turn.interrupt.pending == ["Ab3dE5gH9"]
    assert turn.interrupt.handle == {"conversation_id": "conv_1"}
    assert turn.items[1].arguments == {"city": "Paris"} and turn.usage.total_tokens == 142


def test_unknown_event_types_are_tolerated() -> None:
    report, checks = run(CLEAN[:2] + [{"type": "future.event", "x": 1}] + CLEAN[2:])
    assert checks == set() and "SCHEMA-002" in {f.check for f in report.findings}


def test_thinking_and_reference_chunks() -> None:
    thinking = msg({"type": "thinking", "thinking": [{"type": "text", "text": "hmm"}]}, item="th_1")
    reference = msg({"type": "tool_reference", "tool": "web_search", "title": "t"}, index=1)
    report, checks = run([started(), thinking, msg("Hi", index=1), reference, done()])
    assert checks == set()
    assert [item.kind for item in report.turn.items] == ["reasoning", "message"]
    assert report.turn.items[0].reasoning == {0: "hmm"} and report.turn.stop == "end_turn"


def test_in_band_error_is_terminal() -> None:
    error = {"type": "conversation.response.error", "message": "boom", "code": 500}
    report, checks = run([started(), msg("x"), error])
    assert checks == set() and report.turn.status == "failed" and report.turn.errors[0].code == "500"


def tool(step: str, **extra: Any) -> dict[str, Any]:
    return {"type": f"tool.execution.{step}", "id": "tx", "output_index": 0, "name": "web_search", **extra}


def handoff(step: str) -> dict[str, Any]:
    names = {"started": {"previous_agent_id": "a", "previous_agent_name": "A"},
             "done": {"next_agent_id": "b", "next_agent_name": "B"}}[step]
    return {"type": f"agent.handoff.{step}", "id": "ho", "output_index": 0, **names}


MUTANTS: dict[str, list[dict[str, Any]]] = {
    "LIFECYCLE-501": CLEAN[1:],
    "LIFECYCLE-502": CLEAN + [msg("late", index=2, item="m2")],
    "LIFECYCLE-503": [started(), msg("a", index=1), msg("b", index=0, item="m0"), done()],
    "LIFECYCLE-504": [started(), tool("delta", arguments="x"), tool("started", arguments="{}"), done()],
    "LIFECYCLE-505": [started(), handoff("done"), done()],
    "LIFECYCLE-507": CLEAN[:-1] + [done(total=1)],
    "LIFECYCLE-508": [started(), handoff("started"), handoff("done"), msg("x", index=1, agent="zzz"), done()],
    "ASSEMBLY-501": CLEAN[:3] + [fc('{"city": ', call="Other0000")] + CLEAN[4:],
    "ASSEMBLY-502": [started(), fc("{}", call="null"), done()],
    "LIFECYCLE-005": CLEAN[:-1],
}


@pytest.mark.parametrize("check", MUTANTS)
def test_each_check_fires_on_its_mutant(check: str) -> None:
    report = run_body("mistral-conversations", to_wire(MUTANTS[check]))
    assert check in {f.check for f in report.findings}


def test_server_tool_and_handoff_are_clean() -> None:
    events = [started(), tool("started", arguments='{"q": "x"}'), tool("delta", arguments=""),
              tool("done", info={"n": 1}), {**handoff("started"), "output_index": 1},
              {**handoff("done"), "output_index": 1}, msg("ok", index=2, agent="b"), done()]
    report, checks = run(events)
    assert checks == set() and report.turn.stop == "end_turn"


def test_client_handoff_pauses() -> None:
    report, checks = run([started(), handoff("started"), handoff("done"), done()],
                         request={"handoff_execution": "client", "inputs": "hi"})
    assert checks == set() and report.turn.interrupt.kind == "handoff" and report.turn.status == "interrupted"


# -- resume ---------------------------------------------------------------------------------------------


def turn() -> Any:
    return run(CLEAN)[0].turn


def checks_of(body: dict[str, Any], uri: str = "https://api.mistral.ai/v1/conversations/conv_1") -> set[str]:
    return {f.check for f in M.check_resume(turn(), Request(method="POST", uri=uri, json=body), 1)
            if f.severity is not Severity.info}


def test_built_resume_is_clean_and_has_no_forbidden_keys() -> None:
    body = M.build_resume(turn(), {"Ab3dE5gH9": {"tempC": 18}},
                          Request(json={"model": "m", "tools": [], "inputs": "hi", "stream": True}))
    assert body["inputs"] == [{"type": "function.result", "tool_call_id": "Ab3dE5gH9", "result": '{"tempC": 18}'}]
    assert "tools" not in body and "model" not in body
    assert checks_of(body) == set()


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda body, uri: (body, uri.replace("conv_1", "conv_9")), {"RESUME-002"}),
    (lambda body, uri: ({**body, "inputs": []}, uri), {"RESUME-003"}),
    (lambda body, uri: ({**body, "inputs": body["inputs"] * 2}, uri), {"RESUME-004"}),
    (lambda body, uri: ({**body, "tools": []}, uri), {"RESUME-502"}),
    (lambda body, uri: ({**body, "inputs": [{**body["inputs"][0], "result": {"a": 1}}]}, uri), {"RESUME-501"}),
    (lambda body, uri: ({"inputs": "x", "stream": True}, uri + "/restart"), {"RESUME-503"}),
])
def test_resume_mutations(mutate: Any, expected: set[str]) -> None:
    body = M.build_resume(turn(), {"Ab3dE5gH9": "18"})
    mutated, uri = mutate(copy.deepcopy(body), "https://api.mistral.ai/v1/conversations/conv_1")
    assert checks_of(mutated, uri) == expected


def test_pending_confirmation_needs_tool_confirmations() -> None:
    pending = [started(), {**fc("{}"), "confirmation_status": "pending"}, done()]
    folded = run(pending)[0].turn
    body = M.build_resume(folded, {"Ab3dE5gH9": "ok"})
    request = Request(method="POST", uri="https://api.mistral.ai/v1/conversations/conv_1", json=body)
    assert not [f for f in M.check_resume(folded, request, 1) if f.severity is not Severity.info]
    del body["tool_confirmations"]
    assert "RESUME-504" in {f.check for f in M.check_resume(folded, request, 1)}


def test_restart_streams_a_new_conversation() -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "cassettes/mistral-conversations/client-handoff-restart.yaml"
    report = check_path(path)
    assert report.verdict == "pass" and [t.conversation_id for t in report.turns] == ["conv_ho1", "conv_ho1", "conv_ho2"]
    assert report.turns[0].interrupt.kind == "handoff"
