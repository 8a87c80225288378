"""Unit tests of the llama-stack-agents provider: detection, framing, A.6 lifecycle, A.7 reassembly, A.8 resume.

Each case mutates one composed stream (the encoder's output for a small turn, or a resumed stream
built from it), so the check it must trip is unambiguous; the unmutated stream stays clean.
Multi-exchange cases (a turn, then its resume) run through ``check_cassette`` with real paths,
since the path is where a request names its agent, session and turn.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import registry
from harness.cassette import Cassette, CassetteMeta
from harness.exchange import Exchange, Request, Response
from harness.findings import Severity
from harness.pipeline import CassetteReport, check_cassette, run_body
from harness.providers.llama_stack_agents import calls, resume
from harness.schemas import schemas_for
from harness.state import Item, Turn

PROVIDER = "llama-stack-agents"
HOST = "http://localhost:8321"
TURN_URI = f"{HOST}/v1/agents/ag-1/session/se-1/turn"
RESUME_URI = f"{TURN_URI}/tu-1/resume"
provider = registry.get(PROVIDER)
Natives = list[dict[str, Any]]


def tool_turn() -> Turn:
    return Turn(response_id="tu-1", session_id="se-1", status="completed", stop="tool_use",
                items=[Item(item_id="m", kind="message", text={0: "I will check."}),
                       Item(item_id="a", kind="tool_call", name="get_weather", call_id="w1", arguments={"city": "Oslo"}),
                       Item(item_id="b", kind="tool_call", name="get_time", call_id="t2", arguments={})])


def text_turn() -> Turn:
    return Turn(response_id="tu-1", session_id="se-1", status="completed", stop="end_turn",
                items=[Item(item_id="m", kind="message", text={0: "Hello there"})])


def body(native: dict[str, Any]) -> dict[str, Any]:
    """The payload of a chunk (``event.payload``)."""
    return native["event"]["payload"]  # type: ignore[no-any-return]


def of(natives: Natives, kind: str) -> list[dict[str, Any]]:
    return [body(n) for n in natives if "event" in n and body(n)["event_type"] == kind]


def run(natives: Natives) -> Any:
    return run_body(PROVIDER, provider.to_wire(natives))


def serious(findings: Any) -> set[str]:
    found = findings.findings if hasattr(findings, "findings") else findings
    return {f.check for f in found if f.severity is not Severity.info}


def mutated(make: Callable[[], Turn], change: Callable[[Natives], Any]) -> set[str]:
    natives = copy.deepcopy(provider.encode(make()))
    change(natives)
    return serious(run(natives))


def exchange(index: int, uri: str, natives: Natives, request: dict[str, Any]) -> Exchange:
    return Exchange(index=index, provider_hint=PROVIDER,
                    request=Request(method="POST", uri=uri, body=orjson.dumps(request), json=request),
                    response=Response(headers={"content-type": ["text/event-stream"]}, body=provider.to_wire(natives)))


def conversation(*exchanges: Exchange) -> CassetteReport:
    return check_cassette(Cassette(path=Path("<test>"), exchanges=list(exchanges), meta=CassetteMeta(provider=PROVIDER)))


ANSWERS = [{"call_id": "w1", "tool_name": "get_weather", "content": "4 C"},
           {"call_id": "t2", "tool_name": "get_time", "content": "14:05"}]


def resumed(answers: list[dict[str, Any]] | None = None) -> Natives:
    """What the server streams after a resume of ``tool_turn``: the client-tool step (no step_start, the
    inference step's id reused: A-13, A-14), a new inference step, turn_complete with every step."""
    answers = ANSWERS if answers is None else answers
    paused = provider.encode(tool_turn())
    first = of(paused, "step_complete")[0]["step_details"]
    echo = {"turn_id": "tu-1", "step_id": first["step_id"], "started_at": "2025-06-01T10:00:01Z",
            "completed_at": "2025-06-01T10:00:02Z", "step_type": "tool_execution",
            "tool_calls": first["model_response"]["tool_calls"], "tool_responses": [{**a, "metadata": None} for a in answers]}
    natives = json.loads(json.dumps(provider.encode(text_turn())).replace('"step-0"', '"step-1"'))
    of(natives, "turn_complete")[0]["turn"]["steps"][:0] = [first, echo]
    return [{"event": {"payload": {"event_type": "step_complete", "step_type": "tool_execution",
                                   "step_id": first["step_id"], "step_details": echo}}}, *natives]


def paused_then(natives: Natives, request: dict[str, Any] | None = None, uri: str = RESUME_URI) -> CassetteReport:
    first = exchange(0, TURN_URI, provider.encode(tool_turn()), {"messages": [], "stream": True})
    return conversation(first, exchange(1, uri, natives, request or {"tool_responses": ANSWERS, "stream": True}))


# -- recognising and framing -------------------------------------------------------------------------------


def test_aliases_and_detection() -> None:
    assert registry.get("llama-stack") is provider
    for path in ("/v1/agents", "/v1alpha/agents/a/session/s/turn", "/v1/agents/a/session/s/turn/t/resume"):
        exchange = Exchange(index=0, request=Request(uri=HOST + path), response=Response(body=b""))
        assert registry.detect(exchange) is provider, path
    sniffed = Exchange(index=0, request=Request(), response=Response(body=provider.to_wire(provider.encode(text_turn()))))
    assert registry.detect(sniffed) is provider


def test_wire_is_data_lines_only_compact_json() -> None:
    wire = provider.to_wire(provider.encode(tool_turn())).decode()
    assert "event:" not in wire and "[DONE]" not in wire
    assert all(line.startswith("data: {") for line in wire.split("\n\n") if line)
    assert wire.startswith('data: {"event":{"payload":{"event_type":"step_start"')


def test_native_types_and_schemas_cover_the_catalogue() -> None:
    assert set(schemas_for(PROVIDER).types) == {"turn_start", "step_start", "step_progress", "step_complete",
                                                "turn_complete", "turn_awaiting_input", "error"}


@pytest.mark.parametrize("make", [tool_turn, text_turn])
def test_encoded_turns_are_clean_and_fold_back(make: Callable[[], Turn]) -> None:
    turn = make()
    report = run(provider.encode(turn))
    assert serious(report) == set()
    assert report.turn.stop == turn.stop and report.turn.text == turn.text
    assert [(i.name, i.call_id, i.arguments, i.executor) for i in report.turn.client_calls] == [
        (i.name, i.call_id, i.arguments, "client") for i in turn.client_calls]
    if turn.client_calls:
        assert report.turn.interrupt.pending == ["w1", "t2"]
        assert report.turn.interrupt.handle == {"session_id": "se-1", "turn_id": "tu-1"}


def test_a_payload_without_event_type_is_a_schema_finding() -> None:
    report = run_body(PROVIDER, b'data: {"event":{"payload":{"step_id":"x"}}}\n\n')
    problem = next(f for f in report.findings if f.check == "SCHEMA-004")
    assert "event.payload.event_type" in problem.message


def test_done_is_tolerated_and_reported() -> None:
    report = run_body(PROVIDER, provider.to_wire(provider.encode(text_turn())) + b"data: [DONE]\n\n")
    assert serious(report) == set() and "LIFECYCLE-909" in {f.check for f in report.findings}


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=6),
                    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children,
                                                                                       max_size=3), max_leaves=10)
MEMBERS = st.sampled_from(["step_type", "step_id", "delta", "step_details", "turn", "turn_id", "metadata"])


@given(st.lists(st.builds(lambda kind, members: {"event": {"payload": {**members, "event_type": kind}}},
                          st.sampled_from(["turn_start", "step_start", "step_progress", "step_complete",
                                           "turn_complete", "turn_awaiting_input"]),
                          st.dictionaries(MEMBERS, JSON, max_size=5)), min_size=1, max_size=8))
def test_known_payloads_with_arbitrary_members_never_crash(natives: Natives) -> None:
    assert run(natives).turn is not None


# -- lifecycle (A.6) --------------------------------------------------------------------------------------------


def test_frame_after_the_terminal() -> None:
    assert mutated(text_turn, lambda n: n.append(copy.deepcopy(n[1]))) == {"LIFECYCLE-901"}


def test_progress_after_step_complete() -> None:
    assert mutated(text_turn, lambda n: n.insert(-1, copy.deepcopy(n[1]))) == {"LIFECYCLE-902"}


def test_step_that_never_completes() -> None:
    def change(n: Natives) -> None:
        del n[-2]
        of(n, "turn_complete")[0]["turn"]["steps"] = []
    assert "LIFECYCLE-902" in mutated(text_turn, change)


def test_step_complete_without_step_start_outside_a_resume() -> None:
    assert mutated(text_turn, lambda n: n.pop(0)) == {"LIFECYCLE-902"}


def test_step_details_of_another_step() -> None:
    def change(n: Natives) -> None:
        for details in inference_details(n):
            details["step_id"] = "step-9"
    assert mutated(text_turn, change) == {"LIFECYCLE-903"}


def test_interleaved_steps() -> None:
    def change(n: Natives) -> None:
        other = copy.deepcopy(n[0])
        body(other)["step_id"] = "step-9"
        n.insert(1, other)
        n.insert(-1, {"event": {"payload": {**of(n, "step_complete")[0], "step_id": "step-9", "step_details": {
            **of(n, "step_complete")[0]["step_details"], "step_id": "step-9",
            "model_response": {"role": "assistant", "content": "", "stop_reason": "end_of_turn", "tool_calls": []}}}}})
    assert "LIFECYCLE-904" in mutated(text_turn, change)


def test_step_of_another_turn() -> None:
    def change(n: Natives) -> None:
        for details in inference_details(n):
            details["turn_id"] = "tu-other"
    assert mutated(text_turn, change) == {"LIFECYCLE-905"}


def test_session_other_than_the_path() -> None:
    natives = provider.encode(text_turn())
    of(natives, "turn_complete")[0]["turn"]["session_id"] = "se-9"
    report = conversation(exchange(0, TURN_URI, natives, {"messages": [], "stream": True}))
    assert serious(report) == {"LIFECYCLE-905"}
    assert serious(conversation(exchange(0, TURN_URI, provider.encode(text_turn()), {}))) == set()


def test_terminal_steps_miss_a_streamed_step() -> None:
    assert mutated(text_turn, lambda n: of(n, "turn_complete")[0]["turn"].update(steps=[])) == {"LIFECYCLE-906"}


def test_awaiting_input_iff_pending_calls() -> None:
    def complete_with_calls(n: Natives) -> None:
        body(n[-1])["event_type"] = "turn_complete"
    assert "LIFECYCLE-907" in mutated(tool_turn, complete_with_calls)


def test_pending_call_the_stream_did_not_produce() -> None:
    def change(n: Natives) -> None:
        of(n, "turn_awaiting_input")[0]["turn"]["output_message"]["tool_calls"][1]["call_id"] = "zz"
    assert mutated(tool_turn, change) == {"LIFECYCLE-908"}


def test_turn_start_first_is_fine_later_is_noted() -> None:
    start = {"event": {"payload": {"event_type": "turn_start", "turn_id": "tu-1"}}}
    first = run([start, *provider.encode(text_turn())])
    assert serious(first) == set() and "LIFECYCLE-909" not in {f.check for f in first.findings}
    assert first.turn.response_id == "tu-1"
    natives = provider.encode(text_turn())
    later = run([natives[0], start, *natives[1:]])
    assert "LIFECYCLE-909" in {f.check for f in later.findings} and serious(later) == set()


def test_error_frame_fails_the_turn_quietly() -> None:
    natives = provider.encode(text_turn())[:2] + [{"error": {"message": "500: Internal server error"}}]
    report = run(natives)
    assert serious(report) == set()
    assert report.turn.status == "failed" and report.turn.errors[0].code == "500"


def test_shield_violation_is_a_refusal() -> None:
    violation = {"violation_level": "error", "user_message": "I can't help with that.", "metadata": {}}
    details = {"turn_id": "tu-1", "step_id": "sh", "step_type": "shield_call", "violation": violation}
    natives = [{"event": {"payload": {"event_type": "step_start", "step_type": "shield_call", "step_id": "sh",
                                      "metadata": {"touchpoint": "user-input"}}}},
               {"event": {"payload": {"event_type": "step_complete", "step_type": "shield_call", "step_id": "sh",
                                      "step_details": details}}},
               {"event": {"payload": {"event_type": "turn_complete", "turn": {
                   "turn_id": "tu-1", "session_id": "se-1", "input_messages": [], "steps": [details],
                   "output_message": {"role": "assistant", "content": violation["user_message"],
                                      "stop_reason": "end_of_turn", "tool_calls": []},
                   "started_at": "2025-06-01T10:00:00Z"}}}}]
    report = run(natives)
    assert serious(report) == set()
    assert report.turn.stop == "content_filter" and report.turn.items[0].refusal == {0: "I can't help with that."}


# -- assembly (A.5, A.7, A-11, A-12) ---------------------------------------------------------------------------


def inference_details(natives: Natives) -> list[dict[str, Any]]:
    """The inference step's record, in its step_complete and in the terminal turn's steps (two copies)."""
    terminal = next(body(n) for n in natives if body(n)["event_type"] in ("turn_complete", "turn_awaiting_input"))
    return [of(natives, "step_complete")[0]["step_details"], terminal["turn"]["steps"][0]]


def deltas(natives: Natives, status: str) -> list[dict[str, Any]]:
    return [p["delta"] for p in of(natives, "step_progress") if p["delta"].get("parse_status") == status]


def test_delta_that_does_not_fit_its_status() -> None:
    assert mutated(tool_turn, lambda n: deltas(n, "succeeded")[0].update(tool_call="get_weather")) >= {"ASSEMBLY-910"}
    assert mutated(text_turn, lambda n: of(n, "step_progress")[0]["delta"].pop("text")) >= {"ASSEMBLY-910"}


def test_failed_parse_is_reported() -> None:
    def change(n: Natives) -> None:
        n.insert(-2, {"event": {"payload": {**of(n, "step_progress")[0], "delta": {
            "type": "tool_call", "tool_call": "get_x({", "parse_status": "failed"}}}})
    assert "ASSEMBLY-911" in mutated(text_turn, change)


def test_succeeded_delta_disagrees_with_model_response() -> None:
    def change(n: Natives) -> None:
        call = deltas(n, "succeeded")[0]["tool_call"]
        call["arguments"], call["arguments_json"] = {"city": "Bergen"}, '{"city":"Bergen"}'
    assert mutated(tool_turn, change) == {"ASSEMBLY-912"}


def test_fragments_that_do_not_split_into_calls() -> None:
    assert mutated(tool_turn, lambda n: deltas(n, "in_progress")[2].update(tool_call='"Oslo"')) == {"ASSEMBLY-913"}


def test_fragments_that_disagree_with_the_final_arguments() -> None:
    """The fragments split cleanly but spell other arguments than arguments_json: the reducer's ASSEMBLY-002."""
    assert mutated(tool_turn, lambda n: deltas(n, "in_progress")[2].update(tool_call='"Olso"}')) == {"ASSEMBLY-002"}


def test_text_not_a_prefix_of_the_content() -> None:
    def change(n: Natives) -> None:
        for details in inference_details(n):
            details["model_response"]["content"] = "Goodbye"
    assert mutated(text_turn, change) == {"ASSEMBLY-914"}


def test_content_that_extends_the_text_supplies_the_tail() -> None:
    natives = provider.encode(text_turn())
    natives.pop(2)  # the last text delta (the one carrying the stop reason is not forwarded)
    report = run(natives)
    assert serious(report) == set() and "ASSEMBLY-915" in {f.check for f in report.findings}
    assert report.turn.text == "Hello there"


def test_arguments_json_that_disagrees_with_arguments() -> None:
    def change(n: Natives) -> None:
        for details in inference_details(n):
            details["model_response"]["tool_calls"][0]["arguments"] = {"city": "Rome"}
    assert "ASSEMBLY-916" in mutated(tool_turn, change)


def server_step(response_id: str = "c-7") -> Natives:
    call = {"call_id": "c-7", "tool_name": "brave_search", "arguments": {"query": "q"}}
    details = {"turn_id": "tu-1", "step_id": "ts", "step_type": "tool_execution", "tool_calls": [call],
               "tool_responses": [{"call_id": response_id, "tool_name": "brave_search", "content": "r"}]}
    return [{"event": {"payload": {"event_type": "step_start", "step_type": "tool_execution", "step_id": "ts",
                                   "metadata": {}}}},
            {"event": {"payload": {"event_type": "step_progress", "step_type": "tool_execution", "step_id": "ts",
                                   "delta": {"type": "tool_call", "tool_call": call, "parse_status": "in_progress"}}}},
            {"event": {"payload": {"event_type": "step_complete", "step_type": "tool_execution", "step_id": "ts",
                                   "step_details": details}}}]


def with_server_step(steps: Natives) -> Natives:
    natives = provider.encode(text_turn())
    of(natives, "turn_complete")[0]["turn"]["steps"][:0] = [body(steps[-1])["step_details"]]
    return steps + natives


def test_server_tool_step_is_a_server_call_with_its_result() -> None:
    report = run(with_server_step(server_step()))
    assert serious(report) == set()
    call = report.turn.items[0]
    assert (call.kind, call.executor, call.call_id, call.arguments) == ("tool_call", "server", "c-7", {"query": "q"})
    assert [(r.call_id, r.output, r.executor) for r in report.turn.tool_results] == [("c-7", "r", "server")]
    assert report.turn.interrupt is None and report.turn.client_calls == []


def test_server_tool_response_for_no_call() -> None:
    assert serious(run(with_server_step(server_step("c-8")))) == {"ASSEMBLY-917"}


def test_attribute_splits_fragments_among_calls() -> None:
    names = ["get_weather", "get_time"]
    assert calls.attribute(["get_weather(", '{"city": "Pa', 'ris"}', "get_time(", "{}"], names) == [
        ['{"city": "Pa', 'ris"}'], ["{}"]]
    assert calls.attribute(['{"a": "}get_time("}', "{}"], names) == [['{"a": "}get_time("}'], ["{}"]]  # whole calls
    assert calls.attribute(['{"q": "\\"}"}', " ", "{}"], names) == [['{"q": "\\"}"}', " "], ["{}"]]
    assert calls.attribute(['{"a": 1}'], names) is None  # a call missing
    assert calls.attribute(['{"a": 1}', "{}", "{}"], names) is None  # text left over
    assert calls.attribute(["get_weather(", "city=1"], names) is None  # not JSON


# -- resume (A.8) --------------------------------------------------------------------------------------------------


def folded() -> Turn:
    return conversation(exchange(0, TURN_URI, provider.encode(tool_turn()), {"stream": True})).turns[0]


def resume_checks(request: dict[str, Any], uri: str = RESUME_URI, turn: Turn | None = None) -> set[str]:
    found = provider.check_resume(turn or folded(), Request(method="POST", uri=uri, json=request), 1)
    return serious(found)


def built() -> dict[str, Any]:
    return provider.build_resume(folded(), {"w1": "4 C", "t2": {"time": "14:05"}}, None)


def test_built_resume_is_clean_and_goes_to_the_paused_turn() -> None:
    turn = folded()
    assert turn.interrupt.handle == {"agent_id": "ag-1", "session_id": "se-1", "turn_id": "tu-1"}
    assert resume.resume_uri(turn) == RESUME_URI
    request = built()
    assert request == {"stream": True, "tool_responses": [
        {"call_id": "w1", "tool_name": "get_weather", "content": "4 C"},
        {"call_id": "t2", "tool_name": "get_time", "content": '{"time": "14:05"}'}]}
    assert resume_checks(request) == set()


@pytest.mark.parametrize(("uri", "expected"), [
    (f"{HOST}/v1/agents/ag-1/session/se-1/turn/tu-0/resume", {"RESUME-002"}),  # another turn
    (f"{HOST}/v1/agents/ag-1/session/se-2/turn/tu-1/resume", {"RESUME-002"}),  # another session
    (f"{HOST}/v1/agents/ag-2/session/se-1/turn/tu-1/resume", {"RESUME-002"}),  # another agent
    (f"{HOST}/v1alpha/agents/ag-1/session/se-1/turn/tu-1/resume", {"RESUME-924"}),  # another API base
])
def test_resume_path_mutations(uri: str, expected: set[str]) -> None:
    assert resume_checks(built(), uri) == expected


def test_resume_body_mutations() -> None:
    def case(change: Callable[[dict[str, Any]], Any]) -> set[str]:
        request = built()
        change(request)
        return resume_checks(request)

    assert case(lambda r: r.update(stream=False)) == {"RESUME-921"}
    assert case(lambda r: r["tool_responses"].pop()) == {"RESUME-003"}
    assert case(lambda r: r["tool_responses"].append(dict(r["tool_responses"][0]))) == {"RESUME-004"}
    assert case(lambda r: r["tool_responses"][0].update(call_id="zz")) == {"RESUME-003", "RESUME-005"}
    assert case(lambda r: r["tool_responses"][0].update(tool_name="get_time")) == {"RESUME-922"}
    assert case(lambda r: r["tool_responses"][0].update(content={"x": 1})) == {"RESUME-922"}
    assert case(lambda r: r.update(tool_responses={"w1": "4 C"})) == {"RESUME-922", "RESUME-003"}
    assert case(lambda r: r["tool_responses"][0].update(role="tool")) == {"RESUME-923"}


def test_new_turn_instead_of_resume_and_resume_of_a_finished_turn() -> None:
    assert resume_checks({"messages": [{"role": "tool", "call_id": "w1", "content": "4 C"}], "stream": True},
                         TURN_URI) == {"RESUME-920"}
    finished = conversation(exchange(0, TURN_URI, provider.encode(text_turn()), {"stream": True})).turns[0]
    assert resume_checks(built(), turn=finished) == {"RESUME-920"}
    assert resume_checks({"messages": [], "stream": True}, TURN_URI, turn=finished) == set()


def test_resumed_stream_is_clean_and_carries_the_client_results() -> None:
    report = paused_then(resumed())
    assert serious(report) == set()
    turn = report.turns[1]
    assert [(r.call_id, r.output, r.executor) for r in turn.tool_results] == [
        ("w1", "4 C", "client"), ("t2", "14:05", "client")]
    assert turn.status == "completed" and turn.text == "Hello there"


def test_resumed_stream_that_does_not_echo_the_responses() -> None:
    assert serious(paused_then(resumed(ANSWERS[:1]))) == {"RESUME-925"}
    assert serious(paused_then(resumed()[1:])) == {"RESUME-925"}  # the stream opens with the new step


def test_resumed_stream_of_another_turn() -> None:
    natives = json.loads(json.dumps(resumed()).replace('"tu-1"', '"tu-9"'))
    assert serious(paused_then(natives)) == {"RESUME-926"}  # every step names tu-9, the pre-pause step too


def test_resumed_stream_without_the_pre_pause_steps() -> None:
    natives = resumed()
    del of(natives, "turn_complete")[0]["turn"]["steps"][0]
    assert serious(paused_then(natives)) == {"RESUME-926"}


def test_resumed_stream_that_drops_the_pre_pause_steps_turn() -> None:
    natives = resumed()
    of(natives, "turn_complete")[0]["turn"]["steps"][0]["turn_id"] = "tu-0"
    assert serious(paused_then(natives)) == {"RESUME-926"}


def test_resumed_stream_that_echoes_other_calls_than_the_paused_ones() -> None:
    """R-5: the echoed step's tool_calls are the calls the paused turn is waiting on."""
    natives = resumed()
    extra = {"call_id": "x3", "tool_name": "get_date", "arguments": {}}
    natives[0]["event"]["payload"]["step_details"]["tool_calls"].append(extra)
    report = paused_then(natives)
    assert serious(report) == {"RESUME-925"}
    assert [f.message for f in report.findings if f.check == "RESUME-925"] == [
        "the echoed tool_calls are not the calls the turn paused on"]


def test_resumed_stream_that_lost_the_paused_calls_is_accepted() -> None:
    """R-5 allows an empty tool_calls echo when the server lost its in-progress record."""
    natives = resumed()
    natives[0]["event"]["payload"]["step_details"]["tool_calls"] = []
    assert serious(paused_then(natives)) == set()
