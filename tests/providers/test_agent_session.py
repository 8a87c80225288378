"""The agent-session family: every rule of specs/agent-session.md fires on a stream (or request) that breaks
it and not on a clean one; each rule has a shipped cassette that breaks it; the three modes of a turn fold
to the same turn."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.cassette import Cassette, load
from harness.compare import Told, compare_reports, compare_turns
from harness.exchange import Exchange, Request, Response
from harness.findings import Severity
from harness.pipeline import ExchangeReport, check_cassette, check_path, run_body
from harness.registry import detect, get
from harness.providers.agent_session import encode
from harness.providers.agent_session.resume import resume_uri
from harness.schemas import schema_root
from harness.state import Item, ToolResultState, Turn
from suites.properties.families import DIALECTS
from suites.properties.strategies import split_text, turns

P = get("agent-session")
CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "agent-session"
WEATHER = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
DELTA = {"stream": "delta", "tools": [WEATHER], "messages": [{"role": "user", "content": "Weather in Tokyo?"}]}
Native = dict[str, Any]


def ev(kind: str, **data: Any) -> Native:
    return {"type": kind, **data}


START = [ev("session_start", sessionId="sess_1"), ev("turn_start")]
CALL = ev("tool_call", toolCallId="call_1", name="get_weather", input={"location": "Tokyo"})
SEARCH = ev("tool_call", toolCallId="call_2", name="web_search", input={"query": "Tokyo"})
EMAIL = ev("tool_call", toolCallId="call_3", name="send_email", input={"to": "boss"})
CLEAN = [*START, ev("thinking_delta", delta="The user "), ev("thinking_delta", delta="wants weather."),
         ev("text_delta", delta="Let me "), ev("text_delta", delta="check."), SEARCH,
         ev("tool_result", toolCallId="call_2", content="18°C"), ev("text_delta", delta="It is 18°C."), CALL,
         ev("turn_stop", stopReason="tool_use")]


def run(events: list[Native], request: Any = DELTA, method: str = "PUT", uri: str = "https://a.example/session",
        body: bytes | None = None, content_type: str = "text/event-stream") -> tuple[ExchangeReport, set[str]]:
    """One exchange through the pipeline, with its request (the request decides PUT/POST, mode and tool sides)."""
    req = Request(method=method, uri=uri, body=json.dumps(request).encode() if request is not None else None,
                  json=request)
    response = Response(headers={"content-type": [content_type]}, body=body if body is not None else P.to_wire(events))
    exchange = Exchange(index=0, request=req, response=response, provider_hint="agent-session")
    report = check_cassette(Cassette(path=Path("mutant.yaml"), exchanges=[exchange])).exchanges[0]
    return report, {f.check for f in report.findings if f.severity is not Severity.info}


def json_run(body: Any, request: Any = None, method: str = "PUT",
             uri: str = "https://a.example/session") -> tuple[ExchangeReport, set[str]]:
    request = request if request is not None else {**DELTA, "stream": "none"}
    return run([], request, method, uri, body=json.dumps(body).encode(), content_type="application/json")


# -- recognising and folding ------------------------------------------------------------------------------------


def test_registry_and_detection() -> None:
    put = Exchange(index=0, request=Request(method="PUT", uri="https://a.example/session"), response=Response())
    post = Exchange(index=0, request=Request(method="POST", uri="https://a.example/session/s1"), response=Response())
    raw = Exchange(index=0, request=Request(), response=Response(body=b"event: turn_start\ndata: {}\n\n"))
    assert detect(put) is P and detect(post) is P and detect(raw) is P


def test_clean_stream_folds() -> None:
    report, checks = run(CLEAN)
    assert checks == set()
    turn = report.turn
    assert turn.session_id == "sess_1" and turn.text == "Let me check.It is 18°C." and turn.stop == "tool_use"
    assert [item.kind for item in turn.items] == ["reasoning", "message", "tool_call", "message", "tool_call"]
    assert [item.executor for item in turn.items if item.kind == "tool_call"] == ["server", "client"]
    assert turn.tool_results[0].call_id == "call_2" and turn.tool_results[0].output == "18°C"
    assert turn.interrupt.kind == "tool_calls" and turn.interrupt.pending == ["call_1"]
    assert turn.interrupt.handle == {"session_id": "sess_1"}


def test_untrusted_server_call_waits_for_a_permission() -> None:
    report, checks = run([*START, EMAIL, ev("turn_stop", stopReason="tool_use")])
    assert checks == set() and report.turn.interrupt.kind == "approval" and report.turn.interrupt.pending == ["call_3"]
    assert report.turn.client_calls == []  # the server runs it, once permitted


def test_sides_follow_the_request() -> None:
    events = [*START, CALL, ev("turn_stop", stopReason="tool_use")]
    flat = {**DELTA, "tools": [{"name": "get_weather"}]}  # the flat tool shape is read too
    assert run(events, flat)[0].turn.items[0].executor == "client"
    assert run(events, {**DELTA, "tools": []})[0].turn.items[0].executor == "server"
    no_tools = {key: value for key, value in DELTA.items() if key != "tools"}
    assert run(events, no_tools)[0].turn.items[0].executor == "server"  # PUT without tools: no application tools
    post = run([ev("turn_start"), CALL, ev("turn_stop", stopReason="tool_use")], no_tools, "POST",
               "https://a.example/session/sess_1")[0]
    assert post.turn.items[0].executor is None and post.turn.session_id == "sess_1"  # a POST may not re-send them
    assert run_body("agent-session", P.to_wire(events)).turn.items[0].executor is None  # a raw stream: unknown
    inline = run_body("agent-session", P.to_wire([*START, SEARCH, TEXT, ev("tool_result", toolCallId="call_2",
                                                                           content="18"), STOP_END]))
    assert [f.check for f in inline.findings if f.severity is not Severity.info] == []  # no STATE-001
    assert inline.turn.items[0].executor == "server" and inline.turn.items[1].text == {0: "Hi."}


def test_none_mode_replays_the_body() -> None:
    body = encode.encode_json(Turn(session_id="sess_9", stop="end_turn", items=[
        Item(item_id="m", kind="message", text={0: "Hi."})]))
    report, checks = json_run(body)
    assert checks == set() and body["messages"] == [{"role": "assistant", "content": "Hi."}]
    assert report.turn.session_id == "sess_9" and report.turn.text == "Hi." and report.turn.status == "completed"


def test_invalid_utf8_in_a_whole_json_answer_is_reported_and_replaced() -> None:
    body = json.dumps(encode.encode_json(Turn(session_id="sess_9", stop="end_turn", items=[
        Item(item_id="m", kind="message", text={0: "Hi \u00e9."})])), ensure_ascii=False).encode().replace(
        "\u00e9".encode(), b"\xff")
    report, checks = run([], {**DELTA, "stream": "none"}, "PUT", "https://a.example/session", body=body,
                         content_type="application/json")
    assert checks == {"WIRE-001"} and report.turn.text == "Hi \ufffd."
    assert [f.location.offset for f in report.findings if f.check == "WIRE-001"] == [body.index(b"\xff")]


def test_error_stop_fails_the_turn() -> None:
    report, checks = run([*START, ev("text_delta", delta="Let"), ev("turn_stop", stopReason="error")])
    assert checks == set() and report.turn.status == "failed" and report.turn.errors[0].code == "error"


def test_big_integers_stay_exact() -> None:
    call = ev("tool_call", toolCallId="call_1", name="get_weather", input={"n": 10**30})
    report, checks = run([*START, call, ev("turn_stop", stopReason="tool_use")])
    assert checks == set() and report.turn.items[0].arguments == {"n": 10**30}


# -- each check fires on a stream that breaks its rule -----------------------------------------------------------

STOP_END, STOP_TOOL = ev("turn_stop", stopReason="end_turn"), ev("turn_stop", stopReason="tool_use")
TEXT = ev("text_delta", delta="Hi.")
POST = ("POST", "https://a.example/session/sess_1")
NO_STREAM = {key: value for key, value in DELTA.items() if key != "stream"}
MUTANTS: dict[str, tuple[list[Native], dict[str, Any]]] = {
    "LIFECYCLE-801": ([ev("turn_start"), TEXT, STOP_END], {}),
    "LIFECYCLE-802": ([*START, TEXT, STOP_END], {"method": POST[0], "uri": POST[1]}),
    "LIFECYCLE-803": ([*START, TEXT, STOP_END, STOP_END], {}),
    "LIFECYCLE-804": ([START[0], TEXT, START[1], STOP_END], {}),
    "LIFECYCLE-805": ([*START, TEXT, ev("text", text="Hi."), STOP_END], {}),
    "LIFECYCLE-806": ([*START, CALL, ev("tool_result", toolCallId="call_1", content="18"), STOP_TOOL], {}),
    "LIFECYCLE-807": ([*START, TEXT, STOP_END], {"request": NO_STREAM}),
    "LIFECYCLE-809": ([*START, TEXT, STOP_END], {"method": "POST", "uri": "https://a.example/session"}),
    "ASSEMBLY-810": ([*START, CALL, CALL, STOP_TOOL], {}),
    "ASSEMBLY-811": ([*START, {**CALL, "input": ["Tokyo"]}, STOP_TOOL], {}),
    "STATE-830": ([*START, EMAIL, STOP_END], {}),
    "STATE-831": ([*START, TEXT, STOP_END], {"request": {**DELTA, "tools": [WEATHER, {"name": "get_weather"}]}}),
    "LIFECYCLE-005": ([*START, TEXT], {}),
}


def test_the_clean_stream_has_no_finding_the_mutants_share() -> None:
    assert run(CLEAN)[1] == set()


@pytest.mark.parametrize("check", MUTANTS)
def test_each_check_fires_on_its_mutant(check: str) -> None:
    events, options = MUTANTS[check]
    assert check in run(events, **options)[1]


@pytest.mark.parametrize(("body", "check"), [
    ({"stopReason": "end_turn", "messages": [{"role": "assistant", "content": "Hi."}]}, "LIFECYCLE-808"),
    ({"sessionId": "s", "stopReason": "end_turn", "messages": [{"role": "user", "content": "Hi."}]}, "LIFECYCLE-808"),
    ({"sessionId": "s", "stopReason": "end_turn", "messages": [{"role": "tool", "toolCallId": "x", "content": "?"}]},
     "ASSEMBLY-810"),
    ({"sessionId": "s", "stopReason": "end_turn", "messages": [{"role": "assistant", "content": [
        {"type": "tool_use", "toolCallId": "c", "name": "get_weather", "input": {}}]}]}, "STATE-830"),
    ({"sessionId": "s", "stopReason": "end_turn", "messages": [{"role": "assistant", "content": [
        {"type": "picture"}]}]}, "SCHEMA-001"),
])
def test_none_mode_rules(body: dict[str, Any], check: str) -> None:
    assert check in json_run(body)[1]


def test_a_json_body_for_a_stream_request_is_flagged() -> None:
    body = {"sessionId": "s", "stopReason": "end_turn", "messages": []}
    assert "LIFECYCLE-807" in json_run(body, request=DELTA)[1]


def test_a_frame_without_an_event_name_is_flagged() -> None:
    report = run_body("agent-session", b'data: {"delta": "x"}\n\n')
    assert "SCHEMA-004" in {f.check for f in report.findings}


# -- resume ---------------------------------------------------------------------------------------------------------

MIXED = [*START, CALL, SEARCH, ev("tool_result", toolCallId="call_2", content="18"), EMAIL, STOP_TOOL]


def mixed_turn() -> Turn:
    report, checks = run(MIXED)
    assert checks == set() and report.turn.interrupt.pending == ["call_1", "call_3"]
    return report.turn


def resume_checks(body: dict[str, Any], uri: str = "https://a.example/session/sess_1", method: str = "POST",
                  turn: Turn | None = None) -> set[str]:
    found = P.check_resume(turn or mixed_turn(), Request(method=method, uri=uri, json=body), 1)
    return {f.check for f in found if f.severity is not Severity.info}


def built() -> dict[str, Any]:
    return P.build_resume(mixed_turn(), {"call_1": {"tempC": 18}}, Request(json=DELTA))


def test_built_resume_is_clean() -> None:
    body = built()
    assert body["messages"] == [{"role": "tool", "toolCallId": "call_1", "content": '{"tempC": 18}'},
                                {"role": "tool_permission", "toolCallId": "call_3", "granted": True}]
    assert body["tools"] == [WEATHER] and resume_uri(mixed_turn()).endswith("/session/sess_1")
    assert resume_checks(body) == set()


def _history(body: dict[str, Any]) -> dict[str, Any]:
    """The answers after a re-sent history: still clean (the new part starts after the last assistant message)."""
    body["messages"][:0] = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Let me check."}]
    return body


def _answer(index: int, **changes: Any) -> Any:
    def mutate(body: dict[str, Any]) -> dict[str, Any]:
        body["messages"][index].update(changes)
        return body
    return mutate


@pytest.mark.parametrize(("mutate", "expected"), [
    (_history, set()),
    (lambda body: {**body, "messages": body["messages"][:1]}, {"RESUME-003"}),
    (lambda body: {**body, "messages": body["messages"] + body["messages"][:1]}, {"RESUME-004"}),
    (lambda body: {**body, "messages": [*body["messages"], {"role": "tool", "toolCallId": "call_9", "content": ""}]},
     {"RESUME-005"}),
    (_answer(0, role="tool_permission", granted=True), {"RESUME-821"}),
    (_answer(1, role="tool", content="sent"), {"RESUME-821"}),
    (lambda body: {**body, "messages": [*body["messages"], {"role": "tool", "toolCallId": "call_3", "content": "x"}]},
     {"RESUME-004", "RESUME-821"}),
    (_answer(0, content={"tempC": 18}), {"RESUME-822"}),
    (_answer(1, granted="yes"), {"RESUME-823"}),
    (_answer(1, granted=False, reason=42), {"RESUME-823"}),
    (lambda body: {**body, "messages": [{"role": "user", "content": "and Osaka?"}, *body["messages"]]}, {"RESUME-824"}),
])
def test_resume_mutations(mutate: Any, expected: set[str]) -> None:
    assert resume_checks(mutate(copy.deepcopy(built()))) == expected


def test_resume_goes_to_the_session() -> None:
    assert resume_checks(built(), uri="https://a.example/session/sess_2") == {"RESUME-002"}
    assert resume_checks(built(), uri="https://a.example/session", method="PUT") == {"RESUME-820"}


def test_permission_messages_never_stay_in_history() -> None:
    permission = {"role": "tool_permission", "toolCallId": "call_3", "granted": True}
    stored = {"stream": "delta", "messages": [permission, {"role": "assistant", "content": "Sent."},
                                              {"role": "user", "content": "Thanks"}]}
    later = run([ev("turn_start"), TEXT, STOP_END], stored, *POST)[0].turn  # a turn that waits for nothing
    assert resume_checks(stored, turn=later) == {"RESUME-825"}
    assert resume_checks({"stream": "delta", "messages": [permission]}, turn=later) == {"RESUME-825"}
    assert resume_checks({"stream": "delta", "messages": stored["messages"][1:]}, turn=later) == set()
    answering = {"messages": [permission, {"role": "assistant", "content": "?"}, *built()["messages"]]}
    assert resume_checks(answering) == {"RESUME-825"}  # before the answers: history


# -- every spec rule has a shipped cassette that breaks it -------------------------------------------------------

# The rules of specs/agent-session.md, in its order; each with the cassettes that break it and the id each must
# produce (through `harness check`, or through `harness compare` for mode equivalence).
RULES: dict[str, list[tuple[str, str]]] = {
    "Transport: PUT /session creates, POST /session/{id} continues": [("broken-post-without-session-id", "LIFECYCLE-809"),
                                                                      ("broken-resume-new-session", "RESUME-820")],
    "Transport: delta/message answer SSE, none (default) JSON": [("broken-none-mode-answered-with-sse", "LIFECYCLE-807"),
                                                                 ("broken-delta-answered-with-json", "LIFECYCLE-807")],
    "Ordering 1": [("broken-put-without-session-start", "LIFECYCLE-801"), ("broken-put-empty-session-id", "LIFECYCLE-801")],
    "Ordering 2": [("broken-post-with-session-start", "LIFECYCLE-802")],
    "Ordering 3": [("broken-two-turn-stops", "LIFECYCLE-803"), ("broken-text-after-turn-stop", "LIFECYCLE-803"),
                   ("truncated", "LIFECYCLE-005")],
    "Ordering 4": [("broken-text-before-turn-start", "LIFECYCLE-804")],
    "Ordering 5": [("broken-delta-event-in-message-mode", "LIFECYCLE-805")],
    "Ordering 6": [("broken-duplicate-call-id", "ASSEMBLY-810"), ("broken-orphan-tool-result", "ASSEMBLY-810"),
                   ("broken-none-tool-message-before-call", "ASSEMBLY-810")],
    "Ordering 7": [("broken-tool-result-for-app-tool", "LIFECYCLE-806")],
    "Ordering 8": [("broken-end-turn-with-app-call", "STATE-830"), ("broken-tool-use-all-trusted", "STATE-830"),
                   ("broken-end-turn-with-untrusted-call", "STATE-830")],
    "Ordering 9": [("broken-duplicate-tool-names", "STATE-831")],
    "Ordering 10 (INFERRED)": [("broken-input-not-object", "ASSEMBLY-811")],
    "JSON mode: body shape": [("broken-none-put-without-session-id", "LIFECYCLE-808")],
    "JSON mode: mode equivalence": [("broken-modes-disagree", "STATE-005")],
    "Resume 1": [("broken-resume-new-session", "RESUME-820"), ("broken-resume-wrong-session", "RESUME-002")],
    "Resume 2": [("broken-resume-missing-permission", "RESUME-003"), ("broken-resume-both-kinds", "RESUME-004"),
                 ("broken-resume-permission-not-boolean", "RESUME-823")],
    "Resume 3": [("broken-resume-unknown-call", "RESUME-005"), ("broken-resume-both-kinds", "RESUME-821"),
                 ("broken-resume-permission-for-app-call", "RESUME-821"),
                 ("broken-resume-tool-message-for-untrusted-call", "RESUME-821")],
    "Resume 4": [("broken-resume-tool-content-number", "RESUME-822")],
    "Resume 5 (INFERRED)": [("broken-resume-user-before-answers", "RESUME-824")],
    "Resume 6": [("broken-history-keeps-permission", "RESUME-825")],
}
BREAKS = sorted({(name, check) for cases in RULES.values() for name, check in cases})


@pytest.mark.parametrize(("name", "check"), BREAKS, ids=[f"{name}-{check}" for name, check in BREAKS])
def test_each_rule_is_broken_by_a_shipped_cassette(name: str, check: str) -> None:
    report = check_path(CASSETTES / f"{name}.yaml")
    assert check in {f.check for f in report.findings}
    assert report.verdict == "pass"  # everything it breaks, it declares


def test_declared_equivalent_exchanges_are_compared_by_check_and_agree_with_compare() -> None:
    """`harness.equivalent` makes `harness check` compare the exchanges it names, as `harness compare` would."""
    broken = check_path(CASSETTES / "broken-modes-disagree.yaml")
    same = check_path(CASSETTES / "same-turn-three-modes.yaml")
    assert [f.message for f in broken.findings if f.check == "STATE-005"] == \
        [f.message for f in compare_reports([broken])] != []
    assert same.meta.equivalent == [0, 1, 2] and not [f for f in same.findings if f.check == "STATE-005"]


def test_every_ordering_and_resume_rule_is_in_the_table() -> None:
    numbered = {f"Ordering {n}" for n in range(1, 11)} | {f"Resume {n}" for n in range(1, 7)}
    assert numbered <= {rule.split(" (")[0] for rule in RULES}


def test_scenarios_cover_every_mode_and_stop() -> None:
    reports = [check_path(path) for path in sorted(CASSETTES.glob("*.yaml"))]
    modes = {json.loads(exchange.request.body or b"{}").get("stream", "none")
             for path in CASSETTES.glob("*.yaml") for exchange in _exchanges(path)}
    stops = {turn.native_stop for report in reports for turn in report.turns}
    assert modes == {"delta", "message", "none"}
    assert {"end_turn", "tool_use", "max_tokens", "refusal", "error"} <= stops
    kinds = {turn.interrupt.kind for report in reports for turn in report.turns if turn.interrupt}
    assert kinds == {"tool_calls", "approval"}
    assert max(len(report.turns) for report in reports) >= 3  # a multi-turn session


def _exchanges(path: Path) -> list[Exchange]:
    return load(path).exchanges


# -- schemas ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.stem for p in (schema_root() / "agent-session").glob("*.json")))
def test_schemas_are_valid_draft_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads((schema_root() / "agent-session" / f"{name}.json").read_text()))


# -- the three modes of one turn ----------------------------------------------------------------------------------

FAMILY = DIALECTS["agent-session"].family


def three_modes(turn: Turn, fragments: Any = None) -> list[ExchangeReport]:
    delta = run_body("agent-session", P.to_wire(encode.encode_turn(turn, fragments)))
    message = run_body("agent-session", P.to_wire(encode.encode_turn(turn, mode="message")))
    none = run_body("agent-session", json.dumps(encode.encode_json(turn)).encode(), content_type="application/json")
    return [delta, message, none]


@given(data=st.data())
def test_the_three_modes_of_a_turn_fold_to_the_same_turn(data: st.DataObject) -> None:
    turn = data.draw(turns(FAMILY), label="turn")
    if data.draw(st.booleans(), label="trusted"):  # a trusted server tool answered inline, then the answer
        turn.items.append(Item(item_id="ws", kind="tool_call", executor="server", name="web_search",
                               call_id="call_ws", arguments={"q": data.draw(st.text(max_size=5))}))
        turn.tool_results.append(ToolResultState(call_id="call_ws", output=data.draw(st.text(max_size=8))))
        turn.items.append(Item(item_id="after", kind="message", text={0: data.draw(st.text(max_size=8))}))
    reports = three_modes(turn, lambda text: data.draw(split_text(text)))
    for report in reports:
        assert [f.check for f in report.findings if f.severity is not Severity.info] == []
    assert compare_turns([Told(mode, None, report.turn) for mode, report in zip(("delta", "message", "none"),
                                                                                   reports)]) == []


def test_the_mode_property_can_fail() -> None:
    """Mutation: a message-mode stream that drops the reasoning no longer folds like the other two."""
    turn = Turn(stop="end_turn", items=[Item(item_id="r", kind="reasoning", reasoning={0: "hmm"}),
                                        Item(item_id="m", kind="message", text={0: "Hi"})])
    delta, _, none = three_modes(turn)
    message = run_body("agent-session", P.to_wire([n for n in encode.encode_turn(turn, mode="message")
                                                   if n["type"] != "thinking"]))
    differences = compare_turns([Told("delta", None, delta.turn), Told("message", None, message.turn),
                                 Told("none", None, none.turn)])
    assert [(f.location.path, f.expected, f.actual) for f in differences] == [("reasoning", "hmm", "")]
