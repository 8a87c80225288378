"""Unit tests of the bedrock-agents provider: detection, parsing, translation, the C.4 checks, the C.5 resume
contract and session management (C.6) (the shipped cassettes run in tests/test_shipped_cassettes.py).

Each case breaks one rule in a stream or request that is otherwise the encoder's (or a cassette's) and
checks that the rule's id fires; the unbroken one stays clean.
"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from harness import registry
from harness.cassette import EVENTSTREAM_CONTENT_TYPE, Cassette, CassetteMeta
from harness.exchange import Exchange, Request, Response
from harness.findings import Severity
from harness.pipeline import CassetteReport, check_cassette, run_body
from harness.providers.bedrock_agents.operations import call_of
from harness.providers.bedrock_agents.translator import parameter_value
from harness.state import Item, Turn, Usage
from harness.wire import eventstream

PROVIDER = "bedrock-agents"
ROOT = Path(__file__).resolve().parents[2]
HOST = "https://bedrock-agent-runtime.us-east-1.amazonaws.com"
URI = f"{HOST}/agents/AGENT12345/agentAliases/ALIAS12345/sessions/session-0/text"
UUID = "0b7c4a2e-9f13-4d5b-8e61-3a2f9c7d1e04"
provider = registry.get(PROVIDER)


def text_turn(text: str = "Hello there") -> Turn:
    return Turn(status="completed", stop="end_turn", usage=Usage(input_tokens=5, output_tokens=7),
                items=[Item(item_id="m", kind="message", text={0: text})])


def tool_turn() -> Turn:
    return Turn(status="completed", stop="tool_use", usage=Usage(input_tokens=5, output_tokens=7), items=[
        Item(item_id="m", kind="message", text={0: "I will check."}),
        Item(item_id="a", kind="tool_call", name="getWeather", call_id="inv-1_0", arguments={"city": "Oslo", "days": 2}),
        Item(item_id="b", kind="tool_call", name="getTime", call_id="inv-1_1", arguments={})])


def run(natives: list[dict[str, Any]]) -> Any:
    return run_body(PROVIDER, provider.to_wire(natives))


def serious(report: Any) -> set[str]:
    return {f.check for f in report.findings if f.severity is not Severity.info}


def mutated(turn: Turn, change: Any) -> set[str]:
    natives = copy.deepcopy(provider.encode(turn))
    change(natives)
    return serious(run(natives))


def of(natives: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [native for native in natives if native["type"] == kind]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def exchange(index: int, response: Response, uri: str = URI, body: Any = None, method: str = "POST") -> Exchange:
    request = Request(method=method, uri=uri, json=body, body=None if body is None else json.dumps(body).encode())
    return Exchange(index=index, request=request, response=response, provider_hint=PROVIDER)


def streamed(natives: list[dict[str, Any]], session: str | None = "session-0") -> Response:
    headers = {"content-type": [EVENTSTREAM_CONTENT_TYPE]}
    if session is not None:
        headers |= {"x-amz-bedrock-agent-session-id": [session], "x-amzn-bedrock-agent-content-type": ["application/json"]}
    return Response(headers=headers, body=provider.to_wire(natives))


def answered(value: Any, status: int = 200) -> Response:
    return Response(status=status, headers={"content-type": ["application/json"]},
                    body=b"" if value is None else json.dumps(value).encode())


def checked(*exchanges: Exchange) -> CassetteReport:
    return check_cassette(Cassette(path=Path("test.yaml"), exchanges=list(exchanges),
                                   meta=CassetteMeta(provider=PROVIDER)))


def checks(report: CassetteReport) -> set[str]:
    return {f.check for f in report.findings if f.severity is not Severity.info}


# -- detection and parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "uri", "operation"), [
    ("POST", URI, "InvokeAgent"),
    ("POST", f"{HOST}/agents/inline-7", "InvokeInlineAgent"),
    ("PUT", f"{HOST}/sessions/", "CreateSession"),
    ("POST", f"{HOST}/sessions/", "ListSessions"),
    ("GET", f"{HOST}/sessions/{UUID}/", "GetSession"),
    ("PATCH", f"{HOST}/sessions/{UUID}", "EndSession"),
    ("DELETE", f"{HOST}/sessions/{UUID}/", "DeleteSession"),
    ("POST", "https://api.mistral.ai/v1/agents/ag_1", None),  # not the agent runtime's host
    ("POST", f"{HOST}/retrieveAndGenerateStream", None),
])
def test_operations_and_detection(method: str, uri: str, operation: str | None) -> None:
    request = Request(method=method, uri=uri)
    assert call_of(request).operation == operation
    found = registry.detect(Exchange(index=0, request=request, response=Response(body=b"{}")))
    assert (found is provider) == (operation is not None)


def test_raw_bodies_are_sniffed_but_not_invoke_model_chunks() -> None:
    def raw(natives: list[dict[str, Any]]) -> Exchange:
        return Exchange(index=0, request=Request(), response=Response(
            headers={"content-type": [EVENTSTREAM_CONTENT_TYPE]}, body=provider.to_wire(natives)))

    assert provider.detect(raw(provider.encode(text_turn())))
    assert provider.detect(raw([{"type": "chunk", "bytes": b64("plain text")}]))
    anthropic_event = b64(json.dumps({"type": "message_start", "message": {}}))
    assert not provider.detect(raw([{"type": "chunk", "bytes": anthropic_event}]))


def test_error_messages_and_plain_json_objects() -> None:
    error = eventstream.encode_message({":message-type": "error", ":error-code": "InternalFailure",
                                        ":error-message": "boom"}, b"")
    report = run_body(PROVIDER, error, content_type=EVENTSTREAM_CONTENT_TYPE)
    assert report.turn.status == "failed" and report.turn.errors[0].code == "InternalFailure"
    assert report.turn.errors[0].message == "boom"
    stray = run_body(PROVIDER, b'{"message": "not a stream", "code": 1}', content_type="application/json")
    assert "LIFECYCLE-749" in serious(stray)


# -- translation -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [text_turn, tool_turn, lambda: text_turn(""),
                                  lambda: Turn(status="completed", stop="end_turn", items=[])])
def test_encoded_turns_are_clean_and_fold_back(make: Any) -> None:
    turn = make()
    report = run(provider.encode(turn))
    assert serious(report) == set()
    assert (report.turn.stop, report.turn.text) == (turn.stop, turn.text)
    assert [item.kind for item in report.turn.items] == [item.kind for item in turn.items]
    assert [(i.name, i.call_id, i.arguments) for i in report.turn.client_calls] == [
        (i.name, i.call_id, i.arguments) for i in turn.client_calls]


def test_return_of_control_is_an_interrupt_with_its_handle() -> None:
    turn = run(provider.encode(tool_turn())).turn
    assert turn.status == "interrupted" and turn.interrupt.kind == "return_control"
    assert turn.interrupt.pending == ["inv-1_0", "inv-1_1"]
    assert turn.interrupt.handle == {"agentId": "AGENT12345", "agentAliasId": "ALIAS12345", "sessionId": "session-0",
                                     "invocationId": "inv-1"}
    assert turn.items[0].text == {0: "I will check."}  # the rationale of the step that returned control
    assert turn.client_calls[0].native == {"actionGroup": "ActionGroup", "actionInvocationType": "RESULT",
                                           "kind": "function", "function": "getWeather"}


def test_api_inputs_and_parameter_types() -> None:
    api = {"apiInvocationInput": {"actionGroup": "Booking", "apiPath": "/bookings", "httpMethod": "POST",
                                  "parameters": [{"name": "hotel", "type": "string", "value": "12"}],
                                  "requestBody": {"content": {"application/json": {"properties": [
                                      {"name": "nights", "type": "integer", "value": "3"}]}}}}}
    report = run([{"type": "returnControl", "invocationId": "inv", "invocationInputs": [api]}])
    [call] = report.turn.client_calls
    assert (call.name, call.call_id) == ("POST /bookings", "inv_0")
    assert call.arguments == {"parameters": {"hotel": "12"}, "requestBody": {"application/json": {"nights": 3}}}
    assert provider.encode(report.turn)[-1]["invocationInputs"] == [
        {"apiInvocationInput": {**api["apiInvocationInput"], "actionInvocationType": "RESULT"}}]  # written back
    assert parameter_value({"type": "array", "value": "[1, 2]"}) == [1, 2]
    assert parameter_value({"type": "number", "value": "NaN"}) == "NaN"  # not JSON: kept as sent
    assert parameter_value({"type": "number", "value": "1e400"}) == "1e400"  # not a finite number
    assert parameter_value({"type": "boolean", "value": "yes"}) == "yes"


def test_usage_is_summed_over_model_invocations() -> None:
    natives = provider.encode(text_turn())
    natives.insert(1, copy.deepcopy(natives[0]))  # a second model invocation with the same usage
    assert (run(natives).turn.usage.input_tokens, run(natives).turn.usage.output_tokens) == (10, 14)


def test_collaborator_traces_name_their_own_session() -> None:
    natives = provider.encode(tool_turn())
    natives.insert(1, {**copy.deepcopy(natives[0]), "sessionId": "collab-9", "agentId": "COLLAB1",
                       "collaboratorName": "MathAgent"})
    report = checked(exchange(0, streamed(natives), body={"enableTrace": True}))
    assert checks(report) == set()  # no LIFECYCLE-748: a collaborator's trace names its own session
    assert report.turns[0].interrupt.handle["sessionId"] == "session-0"


def test_guardrail_failure_trace_and_quiet_finish() -> None:
    guarded = text_turn("Sorry, I cannot answer that.")
    guarded.stop = "content_filter"
    turn = run(provider.encode(guarded)).turn
    assert (turn.stop, turn.status, turn.native_stop) == ("content_filter", "incomplete", "guardrail INTERVENED")
    failure = {"type": "trace", "sessionId": "s", "trace": {"failureTrace": {"failureCode": 500,
                                                                             "failureReason": "Lambda timed out"}}}
    failed = run([failure])
    assert (failed.turn.status, failed.turn.errors[0].code, failed.turn.errors[0].message) == (
        "failed", "500", "Lambda timed out")
    assert "LIFECYCLE-005" not in serious(failed)


def test_an_announced_answer_cut_short_is_truncated_and_a_different_one_disagrees() -> None:
    natives = provider.encode(text_turn("Hello there"), fragments=lambda text: [text[:5], text[5:]])
    assert "LIFECYCLE-005" in serious(run(natives[:-1]))  # "Hello" of "Hello there": cut short
    natives[-1]["bytes"] = b64(" world")
    assert "ASSEMBLY-001" in serious(run(natives))


def test_exceptions_end_the_turn() -> None:
    report = run([{"type": "throttlingException", "message": "Rate exceeded"}])
    assert (report.turn.status, report.turn.stop, report.turn.native_stop) == ("failed", "error", "throttlingException")
    assert report.turn.errors[0].retryable is True and serious(report) == set()


# -- the C.4 checks: each fires on a broken stream ---------------------------------------------------------------


def test_nothing_follows_an_exception() -> None:
    assert "LIFECYCLE-741" in mutated(text_turn(), lambda n: n.insert(1, {"type": "validationException",
                                                                           "message": "bad"}))


def test_after_return_of_control_only_traces() -> None:
    assert "LIFECYCLE-744" in mutated(tool_turn(), lambda n: n.append({"type": "chunk", "bytes": b64("late")}))
    assert "LIFECYCLE-744" in mutated(tool_turn(), lambda n: n.append(copy.deepcopy(n[-1])))


@pytest.mark.parametrize("change", [
    lambda rc: rc.pop("invocationId"),
    lambda rc: rc.update(invocationInputs=[]),
    lambda rc: rc.update(invocationInputs=rc["invocationInputs"] * 3),  # six inputs
    lambda rc: rc["invocationInputs"][0]["functionInvocationInput"].pop("function"),
    lambda rc: rc["invocationInputs"][0]["functionInvocationInput"].update(actionGroup=""),
    lambda rc: rc["invocationInputs"][0].update(apiInvocationInput={"actionGroup": "A"}),  # two members
    lambda rc: rc["invocationInputs"].append({"apiInvocationInput": {"actionGroup": "A", "apiPath": "/x"}}),
])
def test_return_control_shape(change: Any) -> None:
    assert "LIFECYCLE-745" in mutated(tool_turn(), lambda n: change(n[-1]))


def test_blobs_are_base64_and_chunks_utf8() -> None:
    assert "LIFECYCLE-746" in mutated(text_turn(), lambda n: n[-1].update(bytes="%%%"))
    assert "LIFECYCLE-746" in mutated(text_turn(), lambda n: n[-1].update(bytes=base64.b64encode(b"\xff\xfe").decode()))
    files = {"type": "files", "files": [{"name": "plot.png", "type": "image/png", "bytes": "not base64!"}]}
    assert "LIFECYCLE-746" in mutated(text_turn(), lambda n: n.insert(0, files))
    assert mutated(text_turn(), lambda n: n.insert(0, {**files, "files": [{"name": "a", "bytes": b64("x")}]})) == set()


def test_headers_name_the_session() -> None:
    natives = provider.encode(text_turn())
    assert checks(checked(exchange(0, streamed(natives)))) == set()
    assert "LIFECYCLE-740" in checks(checked(exchange(0, streamed(natives, session="other"))))
    missing = streamed(natives)
    del missing.headers["x-amzn-bedrock-agent-content-type"]
    assert "LIFECYCLE-740" in checks(checked(exchange(0, missing)))
    assert checks(checked(exchange(0, Response(body=provider.to_wire(natives))))) == set()  # no headers kept
    served_as_json = Response(headers={"content-type": ["application/json"]}, body=provider.to_wire(natives))
    assert "WIRE-007" in checks(checked(exchange(0, served_as_json)))  # boto/boto3#3997


def test_request_options_decide_chunks_and_traces() -> None:
    natives = provider.encode(text_turn("A" * 30 + "B" * 30), fragments=lambda text: [text[:30], text[30:]])
    plain = {"inputText": "hi", "enableTrace": True}
    assert "LIFECYCLE-742" in checks(checked(exchange(0, streamed(natives), body=plain)))
    streaming = {**plain, "streamingConfigurations": {"streamFinalResponse": True, "applyGuardrailInterval": 30}}
    assert checks(checked(exchange(0, streamed(natives), body=streaming))) == set()
    streaming["streamingConfigurations"]["applyGuardrailInterval"] = 31
    assert "LIFECYCLE-743" in checks(checked(exchange(0, streamed(natives), body=streaming)))
    assert "LIFECYCLE-747" in checks(checked(exchange(0, streamed(natives), body={"inputText": "hi"})))


def test_called_agents_traces_name_the_request_ids() -> None:
    natives = provider.encode(text_turn())
    natives[0]["sessionId"] = "another"
    assert "LIFECYCLE-748" in checks(checked(exchange(0, streamed(natives), body={"enableTrace": True})))


# -- the resume contract (C.5) -------------------------------------------------------------------------------------


def folded(make: Any = tool_turn, uri: str = URI) -> Turn:
    report = checked(exchange(0, streamed(provider.encode(make())), uri=uri, body={"inputText": "hi"}))
    return report.turns[0]


def resume_checks(turn: Turn, body: dict[str, Any], uri: str = URI) -> set[str]:
    return {f.check for f in provider.check_resume(turn, Request(uri=uri, json=body), 1)
            if f.severity is not Severity.info}


def built(turn: Turn) -> dict[str, Any]:
    return provider.build_resume(turn, {"inv-1_0": {"tempC": 4}, "inv-1_1": "09:00"},
                                 Request(json={"inputText": "hi", "enableTrace": True}))


def test_built_resume_is_clean_and_recognised() -> None:
    turn = folded()
    body = built(turn)
    assert "inputText" not in body and body["sessionState"]["invocationId"] == "inv-1"
    assert body["sessionState"]["returnControlInvocationResults"][0] == {"functionResult": {
        "actionGroup": "ActionGroup", "function": "getWeather", "responseBody": {"TEXT": {"body": '{"tempC": 4}'}}}}
    assert provider.is_continuation(Request(uri=URI, json=body))
    assert not provider.is_continuation(Request(uri=URI, json={"inputText": "hi"}))
    assert resume_checks(turn, body) == set()


def _results(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body["sessionState"]["returnControlInvocationResults"]


@pytest.mark.parametrize(("change", "uri", "expected"), [
    (lambda b: b["sessionState"].update(invocationId="other"), URI, {"RESUME-002"}),
    (lambda b: b["sessionState"].pop("invocationId"), URI, {"RESUME-002"}),
    (lambda b: None, URI.replace("session-0", "session-1"), {"RESUME-002"}),
    (lambda b: None, URI.replace("ALIAS12345", "ALIAS99999"), {"RESUME-002"}),
    (lambda b: _results(b).pop(), URI, {"RESUME-003"}),
    (lambda b: _results(b).append(copy.deepcopy(_results(b)[0])), URI, {"RESUME-004"}),
    (lambda b: _results(b)[1]["functionResult"].update(actionGroup="Other"), URI, {"RESUME-003", "RESUME-005"}),
    (lambda b: _results(b)[1]["functionResult"].update(responseState="DONE"), URI, {"RESUME-750"}),
    (lambda b: _results(b)[1].update(apiResult={}), URI, {"RESUME-750", "RESUME-003"}),
    (lambda b: _results(b).extend(copy.deepcopy(_results(b)) * 2), URI, {"RESUME-750", "RESUME-004"}),
    (lambda b: b.update(inputText="and thanks"), URI, {"RESUME-753"}),
    (lambda b: b.update(inlineSessionState=b.pop("sessionState")), URI, {"RESUME-006"}),
])
def test_resume_mutations(change: Any, uri: str, expected: set[str]) -> None:
    turn = folded()
    body = built(turn)
    change(body)
    assert resume_checks(turn, body, uri) == expected


def test_confirmation_and_collaborators() -> None:
    turn = folded()
    turn.client_calls[0].native |= {"actionInvocationType": "USER_CONFIRMATION", "agentId": "COLLAB1",
                                    "collaboratorName": "WeatherAgent"}
    body = built(turn)
    first = _results(body)[0]["functionResult"]
    assert (first["confirmationState"], first["agentId"]) == ("CONFIRM", "COLLAB1")
    assert resume_checks(turn, body) == set()
    del first["confirmationState"], first["agentId"]
    assert resume_checks(turn, body) == {"RESUME-751", "RESUME-752"}


def test_inline_agent_resumes_in_inline_session_state() -> None:
    inline = f"{HOST}/agents/inline-7"
    turn = folded(uri=inline)
    assert turn.interrupt.handle["operation"] == "InvokeInlineAgent"
    body = built(turn)
    assert "inlineSessionState" in body and resume_checks(turn, body, inline) == set()
    assert resume_checks(turn, body, URI) >= {"RESUME-002"}  # another operation, session and ids


# -- session management (C.6) ---------------------------------------------------------------------------------------

ARN = f"arn:aws:bedrock:us-east-1:123456789012:session/{UUID}"
CREATED = {"createdAt": "2026-01-01T00:00:00Z", "sessionArn": ARN, "sessionId": UUID, "sessionStatus": "ACTIVE"}
ENDED = {"sessionArn": ARN, "sessionId": UUID, "sessionStatus": "ENDED"}


def create(index: int = 0, body: Any = None) -> Exchange:
    return exchange(index, answered(CREATED, 201), f"{HOST}/sessions/", body or {}, "PUT")


def end(index: int, answer: dict[str, Any] = ENDED, identifier: str = UUID) -> Exchange:
    return exchange(index, answered(answer), f"{HOST}/sessions/{identifier}", method="PATCH")


def delete(index: int) -> Exchange:
    return exchange(index, answered(None), f"{HOST}/sessions/{UUID}/", method="DELETE")


def test_session_lifecycle_end_before_delete() -> None:
    report = checked(create(), end(1), delete(2))
    assert checks(report) == set()
    assert report.turns[0].native == {"operation": "CreateSession", "sessions": {UUID: "ACTIVE"}}
    assert "LIFECYCLE-762" in checks(checked(create(), delete(1)))
    listed = exchange(1, answered({"sessionSummaries": [{**CREATED, "lastUpdatedAt": "x", "sessionStatus": "EXPIRED"}]}),
                      f"{HOST}/sessions/")
    assert checks(checked(create(), listed, delete(2))) == set()


def test_session_request_and_answer_shapes() -> None:
    assert "LIFECYCLE-760" in checks(checked(create(body={"sessionMetadata": {"k" * 101: "v"}})))
    assert "LIFECYCLE-760" in checks(checked(end(0, identifier="not-a-uuid")))
    assert checks(checked(end(0, identifier=ARN.replace("/", "%2F")))) == set()
    assert "LIFECYCLE-761" in checks(checked(end(0, answer={**ENDED, "sessionStatus": "ACTIVE"})))
    assert "LIFECYCLE-761" in checks(checked(end(0, answer={**ENDED, "sessionId": "1" * 8 + UUID[8:]})))
    assert "SCHEMA-001" in checks(checked(end(0, answer={"sessionStatus": "ENDED"})))
    page = {"sessionSummaries": []}
    assert checks(checked(exchange(0, answered(page), f"{HOST}/sessions/?maxResults=1000"))) == set()
    assert "LIFECYCLE-760" in checks(checked(exchange(0, answered(page), f"{HOST}/sessions/?maxResults=0")))


def test_an_invocation_between_end_and_delete_does_not_hide_the_end() -> None:
    """The statuses an exchange showed are carried on by every later turn, so the delete still knows."""
    invoked = exchange(2, streamed(provider.encode(folded())), body={"inputText": "hi", "enableTrace": True})
    report = checked(create(), end(1), invoked, delete(3))
    assert checks(report) == set()
    assert report.turns[2].native["sessions"] == {UUID: "ENDED"}
    assert checks(checked(create(), invoked, delete(2))) == {"LIFECYCLE-762"}  # still ACTIVE: not ended
