"""Unit tests of the anthropic-messages provider: translation, C.3 lifecycle checks, C.5 resume contract.

Not VCR tests: each case is one deliberate mutation of the composed example of
specs/openai-anthropic.md C.7, so the check it must trip is unambiguous. The shipped cassettes are
replayed at the end (each must produce exactly the findings it declares).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest

from harness import registry
from harness.cassette import Cassette
from harness.exchange import Exchange, Request, Response
from harness.findings import Severity
from harness.pipeline import ExchangeReport, check_cassette, run_body
from harness.providers.anthropic_messages import AnthropicMessages
from harness.state import Turn

PROVIDER = "anthropic-messages"
CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / PROVIDER
Event = dict[str, Any]
THINK_ON = {"type": "enabled", "budget_tokens": 2048}


# -- building streams ---------------------------------------------------------------------------------


def start(msg_id: str = "msg_1", **message: Any) -> Event:
    body = {"id": msg_id, "type": "message", "role": "assistant", "content": [], "model": "claude-x",
            "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 30, "output_tokens": 1}}
    return {"type": "message_start", "message": {**body, **message}}


def block(index: int, content_block: Event, *deltas: Event) -> list[Event]:
    return [{"type": "content_block_start", "index": index, "content_block": content_block},
            *({"type": "content_block_delta", "index": index, "delta": d} for d in deltas),
            {"type": "content_block_stop", "index": index}]


def text(index: int, *pieces: str) -> list[Event]:
    return block(index, {"type": "text", "text": ""}, *({"type": "text_delta", "text": p} for p in pieces))


def thinking(index: int, words: str, signature: str | None = "SIG123") -> list[Event]:
    deltas = [{"type": "thinking_delta", "thinking": words}]
    if signature is not None:
        deltas.append({"type": "signature_delta", "signature": signature})
    return block(index, {"type": "thinking", "thinking": "", "signature": ""}, *deltas)


def tool(index: int, call_id: str, *pieces: str, kind: str = "tool_use", name: str = "get_weather") -> list[Event]:
    return block(index, {"type": kind, "id": call_id, "name": name, "input": {}},
                 *({"type": "input_json_delta", "partial_json": p} for p in pieces))


def end(stop: str | None, output_tokens: int = 41, **delta: Any) -> list[Event]:
    return [{"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None, **delta},
             "usage": {"output_tokens": output_tokens}},
            {"type": "message_stop"}]


def c7() -> list[Event]:
    """specs/openai-anthropic.md C.7, event for event."""
    return [start(), *thinking(0, "Need the weather tool."), {"type": "ping"},
            *tool(1, "toolu_1", "", '{"city": "Os', 'lo"}'), *end("tool_use")]


def wire(events: list[Event]) -> bytes:
    return b"".join(b"event: %s\ndata: %s\n\n" % (e["type"].encode(), orjson.dumps(e)) for e in events)


def run(events: list[Event], request: Any = None) -> ExchangeReport:
    return run_body(PROVIDER, wire(events), request, keep_events=True)


def checks(report: ExchangeReport, *, minimum: Severity = Severity.warning) -> set[str]:
    return {f.check for f in report.findings if f.severity.rank >= minimum.rank}


def run_with_headers(events: list[Event], headers: dict[str, list[str]]) -> ExchangeReport:
    """run_body has no request headers; fine-grained streaming is announced in one."""
    exchange = Exchange(index=0, request=Request(headers=headers, uri="https://api.anthropic.com/v1/messages"),
                        response=Response(headers={"content-type": ["text/event-stream"]}, body=wire(events)))
    return check_cassette(Cassette(path=Path("inline.yaml"), exchanges=[exchange])).exchanges[0]


# -- translation ------------------------------------------------------------------------------------------


def test_c7_example_folds_to_a_tool_call_interrupt() -> None:
    report = run(c7())
    turn = report.turn
    assert turn is not None and checks(report, minimum=Severity.info) == set()
    assert (turn.response_id, turn.model, turn.status, turn.stop) == ("msg_1", "claude-x", "interrupted", "tool_use")
    reasoning, call = turn.items
    assert reasoning.kind == "reasoning" and reasoning.reasoning == {0: "Need the weather tool."}
    assert (call.kind, call.name, call.call_id, call.executor) == ("tool_call", "get_weather", "toolu_1", "client")
    assert call.arguments == {"city": "Oslo"} and call.arguments_text == '{"city": "Oslo"}'
    assert turn.interrupt is not None and turn.interrupt.pending == ["toolu_1"] and turn.interrupt.handle == {}
    assert turn.usage is not None and turn.usage.output_tokens == 41


def test_c7_canonical_log_order() -> None:
    types = [event.type for event in run(c7()).events]
    assert types == ["turn.started", "usage", "item.started", "reasoning.delta", "item.completed", "item.started",
                     "tool_call.delta", "tool_call.delta", "tool_call.delta", "item.completed", "usage", "interrupt",
                     "turn.completed"]


def test_server_tool_and_result_translate_to_server_executor() -> None:
    events = [start(), *tool(0, "srvtoolu_1", "", '{"query": "oslo"}', kind="server_tool_use", name="web_search"),
              *block(1, {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": [{"type": "x"}]}),
              *text(2, "Found it."), *end("end_turn")]
    report = run(events)
    turn = report.turn
    assert turn is not None and checks(report) == set()
    assert [(i.kind, i.executor) for i in turn.items] == [("tool_call", "server"), ("tool_result", "server"),
                                                         ("message", None)]
    assert turn.tool_results[0].call_id == "srvtoolu_1" and turn.tool_results[0].output == [{"type": "x"}]
    assert turn.interrupt is None and turn.text == "Found it."


@pytest.mark.parametrize(("pieces", "start_input", "expected"), [
    ((), {}, {}),  # a tool without parameters: no delta at all (C.4)
    (("",), {}, {}),  # only the empty first delta
    ((), {"player": "p1"}, {"player": "p1"}),  # programmatic tool calling: the input is in the start block
    (('{"a": 1}',), {"ignored": True}, {"a": 1}),  # streamed input replaces the start input, as the SDK does
])
def test_tool_arguments_without_or_with_deltas(pieces: tuple[str, ...], start_input: Event, expected: Event) -> None:
    events = [start(), *block(0, {"type": "tool_use", "id": "toolu_1", "name": "f", "input": start_input},
                              *({"type": "input_json_delta", "partial_json": p} for p in pieces)), *end("tool_use")]
    report = run(events)
    assert report.turn is not None and report.turn.items[0].arguments == expected
    assert checks(report) == set()


def test_redacted_thinking_and_unknown_block_types_are_tolerated() -> None:
    events = [start(), *block(0, {"type": "redacted_thinking", "data": "opaque"}),
              *block(1, {"type": "fallback_notice", "detail": 1}, {"type": "brand_new_delta", "x": 1}),
              *text(2, "ok"), *end("end_turn")]
    report = run(events)
    assert checks(report) == set()
    assert [item.kind for item in report.turn.items] == ["reasoning", "other", "message"]  # type: ignore[union-attr]


@pytest.mark.parametrize(("native", "stop"), [
    ("end_turn", "end_turn"), ("tool_use", "tool_use"), ("max_tokens", "max_tokens"),
    ("model_context_window_exceeded", "max_tokens"), ("pause_turn", "pause"), ("refusal", "refusal"),
])
def test_stop_reasons_map(native: str, stop: str) -> None:
    turn = run([start(), *text(0, "x"), *end(native)]).turn
    assert turn is not None and (turn.stop, turn.native_stop) == (stop, native)


def test_error_event_fails_the_turn_without_truncation() -> None:
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    events = [start(), *text(0, "Hi")[:2], overloaded]
    report = run(events)
    assert report.turn is not None and report.turn.status == "failed"
    assert report.turn.errors[0].code == "overloaded_error" and report.turn.errors[0].retryable is True
    assert checks(report) == set()


def test_odd_input_never_raises() -> None:
    odd = [{"type": "content_block_delta", "index": "x", "delta": None}, start(),
           {"type": "content_block_start", "index": 0, "content_block": "text"},
           {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": 7}},
           {"type": "content_block_stop", "index": 99}, {"type": "message_delta", "delta": [], "usage": None},
           {"type": "message_start", "message": None}, {"type": "error", "error": "boom"}]
    report = run(odd)
    assert report.turn is not None
    assert {"LIFECYCLE-201", "LIFECYCLE-202", "LIFECYCLE-211", "LIFECYCLE-209", "SCHEMA-001"} <= checks(report)


# -- C.3 lifecycle checks: one mutation, one check ----------------------------------------------------


def _replace(events: list[Event], position: int, new: Event) -> list[Event]:
    return [*events[:position], new, *events[position + 1:]]


MUTATIONS: dict[str, Callable[[list[Event]], list[Event]]] = {
    "LIFECYCLE-201": lambda e: e[1:],  # no message_start
    "LIFECYCLE-202": lambda e: [x for x in e if not (x["type"] == "content_block_stop" and x["index"] == 1)],
    "LIFECYCLE-203": lambda e: [*e[:4], *e[6:12], e[4], *e[12:]],  # block 1 starts before block 0 stops
    "LIFECYCLE-204": lambda e: _replace(e, 7, {"type": "content_block_delta", "index": 1,
                                              "delta": {"type": "thinking_delta", "thinking": "x"}}),
    "LIFECYCLE-205": lambda e: [x for x in e if x.get("delta", {}).get("type") != "signature_delta"],
    "LIFECYCLE-206": lambda e: [x for x in e if x["type"] != "message_delta"],
    "LIFECYCLE-207": lambda e: [*e[:-2], *end("tool_use", stop_sequence="STOP")],
    "LIFECYCLE-208": lambda e: [*e[:-2], *tool(2, "toolu_1", '{"city": "Rome"}'), *e[-2:]],
    "LIFECYCLE-209": lambda e: [*e[:-2], {"type": "error", "error": {"type": "teapot_error", "message": "no"}}],
    "LIFECYCLE-210": lambda e: [*e[:-2], {"type": "message_delta", "delta": {"stop_reason": "tool_use"}}, e[-1]],
    "LIFECYCLE-211": lambda e: [*e[:3], start("msg_2"), *e[3:]],
    "LIFECYCLE-004": lambda e: [*e, *text(2, "late")],
    "LIFECYCLE-005": lambda e: e[:-1],
    "STATE-004": lambda e: [*e[:-2], *end("tool_use", output_tokens=0)],
}


@pytest.mark.parametrize("check", sorted(MUTATIONS))
def test_each_mutation_trips_its_check(check: str) -> None:
    assert check not in checks(run(c7()))
    assert check in checks(run(MUTATIONS[check](c7())))


def test_thinking_delta_after_signature_is_a_warning() -> None:
    events = [start(), *block(0, {"type": "thinking", "thinking": "", "signature": ""},
                              {"type": "signature_delta", "signature": "S"},
                              {"type": "thinking_delta", "thinking": "late"}), *text(1, "x"), *end("end_turn")]
    found = [f for f in run(events).findings if f.check == "LIFECYCLE-205"]
    assert found and found[0].severity is Severity.warning


def test_a_complete_message_in_message_start_is_only_a_warning() -> None:
    """Programmatic tool calling (corpus vercel_programmatic_tool_calling_15steps) sends the finished
    message in message_start, then message_stop with no message_delta."""
    prefilled = start("msg_p", stop_reason="tool_use", content=[
        {"type": "tool_use", "id": "toolu_p", "name": "rollDie", "input": {"player": "p2"}}])
    report = run([prefilled, {"type": "message_stop"}])
    assert {(f.check, f.severity) for f in report.findings} == {("LIFECYCLE-201", Severity.warning)}
    turn = report.turn
    assert turn is not None and turn.items[0].arguments == {"player": "p2"} and turn.interrupt is not None
    assert turn.interrupt.pending == ["toolu_p"]


@pytest.mark.parametrize(("history", "severity"), [(None, Severity.warning), ([{"role": "user", "content": "q"}],
                                                                            Severity.error)])
def test_result_for_an_unknown_server_call(history: Any, severity: Severity) -> None:
    events = [start(), *block(0, {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_9", "content": []}),
              *end("end_turn")]
    request = None if history is None else {"model": "claude-x", "messages": history}
    found = [f for f in run(events, request).findings if f.check == "LIFECYCLE-208"]
    assert [f.severity for f in found] == [severity]


def test_result_for_a_server_call_in_the_history_is_fine() -> None:
    history = [{"role": "user", "content": "q"}, {"role": "assistant", "content": [
        {"type": "server_tool_use", "id": "srvtoolu_9", "name": "web_search", "input": {}}]}]
    events = [start(), *block(0, {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_9", "content": []}),
              *end("end_turn")]
    assert "LIFECYCLE-208" not in checks(run(events, {"messages": history}), minimum=Severity.info)


@pytest.mark.parametrize(("beta", "severity"), [("fine-grained-tool-streaming-2025-05-14", Severity.warning),
                                               (None, Severity.error)])
def test_invalid_json_is_a_warning_only_under_fine_grained_streaming(beta: str | None, severity: Severity) -> None:
    headers = {"anthropic-version": ["2023-06-01"], **({"anthropic-beta": [beta]} if beta else {})}
    report = run_with_headers([start(), *tool(0, "toolu_1", '{"city": '), *end("tool_use")], headers)
    assert [f.severity for f in report.findings if f.check == "ASSEMBLY-003"] == [severity]


# -- schemas ------------------------------------------------------------------------------------------------


def test_schema_rejects_a_text_delta_without_text() -> None:
    events = [start(), *block(0, {"type": "text", "text": ""}, {"type": "text_delta"}), *end("end_turn")]
    assert "SCHEMA-001" in checks(run(events))
    assert "SCHEMA-001" not in checks(run([start(), *text(0, "x"), *end("end_turn")]))


def test_unknown_event_type_is_info_only() -> None:
    report = run([start(), {"type": "content_block_citation_hint", "x": 1}, *text(0, "x"), *end("end_turn")])
    assert checks(report) == set() and "SCHEMA-002" in checks(report, minimum=Severity.info)


# -- detection ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("uri", "headers", "body", "expected"), [
    ("https://api.anthropic.com/v1/messages", {}, b"", True),
    ("https://gw.example/x", {"Anthropic-Version": ["2023-06-01"]}, b"", True),
    ("", {}, b'{"type": "message_start", "message": {}}\n', True),
    ("", {}, b"event: message_start\ndata: {}\n\n", True),
    ("https://api.openai.com/v1/responses", {}, b"event: response.created\ndata: {}\n\n", False),
])
def test_detect(uri: str, headers: dict[str, list[str]], body: bytes, expected: bool) -> None:
    exchange = Exchange(index=0, request=Request(uri=uri, headers=headers), response=Response(body=body))
    assert registry.get("anthropic").detect(exchange) is expected


# -- C.5 resume contract ------------------------------------------------------------------------------------

ASK = {"model": "claude-x", "max_tokens": 1024, "stream": True, "thinking": THINK_ON,
       "messages": [{"role": "user", "content": "Weather in Oslo?"}]}


def resumed(events: list[Event], answers: dict[str, Any], prior: Any = ASK) -> tuple[Any, dict[str, Any]]:
    report = run(events, prior)
    provider = registry.get(PROVIDER)
    body = provider.build_resume(report.turn, answers, Request(json=copy.deepcopy(prior)))  # type: ignore[arg-type]
    return report.turn, body


def resume_findings(turn: Any, body: dict[str, Any]) -> set[str]:
    provider = registry.get(PROVIDER)
    request = Request(json=body, body=json.dumps(body).encode())
    return {f.check for f in provider.check_resume(turn, request, 1) if f.severity is not Severity.info}


def test_build_resume_matches_the_c7_example() -> None:
    turn, body = resumed(c7(), {"toolu_1": "4 C"})
    assert body["messages"][1:] == [
        {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "Need the weather tool.", "signature": "SIG123"},
            {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Oslo"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "4 C"}]}]
    assert body["thinking"] == THINK_ON and resume_findings(turn, body) == set()


def _assistant(body: dict[str, Any]) -> list[Event]:
    return body["messages"][1]["content"]


def _answers(body: dict[str, Any]) -> list[Event]:
    return body["messages"][2]["content"]


RESUME_MUTATIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "RESUME-003": lambda b: _answers(b).clear(),
    "RESUME-004": lambda b: _answers(b).append(dict(_answers(b)[0])),
    "RESUME-005": lambda b: _answers(b).append({"type": "tool_result", "tool_use_id": "toolu_zz", "content": ""}),
    "RESUME-006": lambda b: b["messages"].extend([{"role": "assistant", "content": "ok"},
                                                  {"role": "user", "content": [_answers(b).pop()]}]),
    "RESUME-201": lambda b: _answers(b).insert(0, {"type": "text", "text": "Here:"}),
    "RESUME-203": lambda b: _assistant(b)[0].update(signature="SIG999"),
    "RESUME-204": lambda b: _assistant(b).pop(0),
    "RESUME-205": lambda b: _assistant(b).insert(1, {"type": "text", "text": ""}),
    "RESUME-206": lambda b: _assistant(b)[1].update(input={"city": "Bergen"}),
}


@pytest.mark.parametrize("check", sorted(RESUME_MUTATIONS))
def test_each_resume_mutation_trips_its_check(check: str) -> None:
    turn, body = resumed(c7(), {"toolu_1": "4 C"})
    RESUME_MUTATIONS[check](body)
    assert check in resume_findings(turn, body)


def test_modified_thinking_text_is_resume_203() -> None:
    turn, body = resumed(c7(), {"toolu_1": "4 C"})
    _assistant(body)[0]["thinking"] += " "
    assert resume_findings(turn, body) == {"RESUME-203"}


def test_tool_result_for_a_server_tool_is_resume_202() -> None:
    events = [start(), *tool(0, "srvtoolu_1", '{"query": "x"}', kind="server_tool_use", name="web_search"),
              *block(1, {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []}),
              *tool(2, "toolu_1", '{"city": "Oslo"}'), *end("tool_use")]
    turn, body = resumed(events, {"toolu_1": "4 C"}, {**ASK, "thinking": {"type": "disabled"}})
    assert resume_findings(turn, body) == set()
    _answers(body).append({"type": "tool_result", "tool_use_id": "srvtoolu_1", "content": "dup"})
    assert resume_findings(turn, body) == {"RESUME-202"}


def test_pause_turn_resume_ends_with_the_assistant_content() -> None:
    events = [start(), *tool(0, "srvtoolu_1", '{"query": "x"}', kind="server_tool_use", name="web_search"),
              *end("pause_turn")]
    turn, body = resumed(events, {}, {**ASK, "thinking": {"type": "disabled"}})
    assert body["messages"][-1]["role"] == "assistant" and resume_findings(turn, body) == set()
    body["messages"].append({"role": "user", "content": "continue"})
    assert resume_findings(turn, body) == {"RESUME-207"}


def test_a_tool_use_cut_by_max_tokens_is_not_echoed() -> None:
    events = [start(), *text(0, "Let me check."), *tool(1, "toolu_cut", '{"city": "Os'), *end("max_tokens")]
    turn, body = resumed(events, {}, {**ASK, "thinking": {"type": "disabled"}})
    assert [b["type"] for b in _assistant(body)] == ["text"] and len(body["messages"]) == 3
    _assistant(body).append({"type": "tool_use", "id": "toolu_cut", "name": "get_weather", "input": {}})
    assert resume_findings(turn, body) == {"RESUME-208"}


def test_empty_text_blocks_are_dropped_from_the_echo() -> None:
    events = [start(), *text(0), *tool(1, "toolu_1", '{"city": "Oslo"}'), *end("tool_use")]
    turn, body = resumed(events, {"toolu_1": "4 C"}, {**ASK, "thinking": {"type": "disabled"}})
    assert [b["type"] for b in _assistant(body)] == ["tool_use"] and resume_findings(turn, body) == set()


def test_resume_needs_only_the_turn() -> None:
    """The raw blocks ride on the Turn (Item.native): a Turn reloaded from JSON, checked by a fresh
    provider instance, still knows the signature and the server tool result payload."""
    result = {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1",
              "content": [{"type": "web_search_result", "url": "https://x.example", "title": "X"}]}
    events = [start(), *thinking(0, "Search, then ask the tool."),
              *tool(1, "srvtoolu_1", '{"query": "x"}', kind="server_tool_use", name="web_search"),
              *block(2, result), *tool(3, "toolu_1", '{"city": "Oslo"}'), *end("tool_use")]
    turn, body = resumed(events, {"toolu_1": "4 C"})
    reloaded = Turn.model_validate_json(turn.model_dump_json())
    fresh = AnthropicMessages()
    assert fresh.build_resume(reloaded, {"toolu_1": "4 C"}, Request(json=copy.deepcopy(ASK))) == body
    assert _assistant(body)[2] == result and resume_findings(reloaded, body) == set()
    _assistant(body)[0]["signature"] = "SIG999"
    _assistant(body)[2]["content"][0]["title"] = "Y"
    request = Request(json=body, body=json.dumps(body).encode())
    assert {(f.check, f.severity) for f in fresh.check_resume(reloaded, request, 1)} == {
        ("RESUME-203", Severity.error), ("RESUME-206", Severity.warning)}


def test_build_resume_refuses_missing_answers() -> None:
    report = run(c7(), ASK)
    with pytest.raises(ValueError, match="toolu_1"):
        registry.get(PROVIDER).build_resume(report.turn, {}, Request(json=ASK))  # type: ignore[arg-type]


def test_is_continuation_needs_assistant_content() -> None:
    provider = registry.get(PROVIDER)
    assert not provider.is_continuation(Request(json=ASK))
    assert not provider.is_continuation(Request())
    history = [*ASK["messages"], {"role": "assistant", "content": "x"}]
    assert provider.is_continuation(Request(json={"messages": history}))


# -- shipped cassettes ------------------------------------------------------------------------------------------


def test_enough_cassettes_ship() -> None:
    assert len(list(CASSETTES.glob("*.yaml"))) >= 10


def test_schema_files_are_standalone_draft_2020_12() -> None:
    import jsonschema

    folder = CASSETTES.parents[1] / "schemas" / PROVIDER
    names = sorted(path.stem for path in folder.glob("*.json"))
    assert names == sorted(["message_start", "content_block_start", "content_block_delta", "content_block_stop",
                            "message_delta", "message_stop", "ping", "error"])
    for name in names:
        schema = json.loads((folder / f"{name}.json").read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["title"] == name and schema["$id"].endswith(f"/{PROVIDER}/{name}.json")
        assert all(not ref.startswith(("http", ".")) for ref in _refs(schema))


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [*([node["$ref"]] if "$ref" in node else []), *(r for v in node.values() for r in _refs(v))]
    return [r for v in node for r in _refs(v)] if isinstance(node, list) else []
