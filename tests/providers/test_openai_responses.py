"""Unit tests of the openai-responses provider: translation, A.6 checks, A.8 resume contract.

Each case is one deliberate mutation of a composed stream (the example of specs/openai-anthropic.md
A.10, or a text/reasoning stream built the same way), so the check it must trip is unambiguous; the
unmutated streams must stay clean. The shipped cassettes are replayed at the end.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import orjson
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from harness import registry
from harness.exchange import Exchange, Request, Response
from harness.findings import Severity
from harness.pipeline import ExchangeReport, check_path, run_body
from harness.providers.base import NativeEvent, StreamContext
from harness.providers.openai_responses import OpenAIResponses
from harness.state import Item, Turn

PROVIDER = "openai-responses"
CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / PROVIDER
Event = dict[str, Any]
USAGE = {"input_tokens": 50, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 20,
         "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 70}


# -- building streams ---------------------------------------------------------------------------------


def response(status: str = "in_progress", output: list[Event] | None = None, usage: Event | None = None,
             **extra: Any) -> Event:
    return {"id": "resp_1", "object": "response", "status": status, "output": output or [], "usage": usage,
            "previous_response_id": None, **extra}


def lifecycle(kind: str, **fields: Any) -> Event:
    return {"type": kind, "response": response(**fields)}


def numbered(events: list[Event]) -> list[Event]:
    """Contiguous sequence numbers from 0, as the real API sends them (A.6.2); no shared sub-objects,
    so a mutation touches one event only."""
    return [copy.deepcopy({**event, "sequence_number": number}) for number, event in enumerate(events)]


FC_DONE = {"id": "fc_1", "type": "function_call", "status": "completed", "call_id": "call_9", "name": "get_weather",
           "arguments": '{"city":"Oslo"}'}
RS_DONE = {"id": "rs_1", "type": "reasoning", "summary": []}


def a10() -> list[Event]:
    """The composed example of A.10: a reasoning item and one function call with two argument deltas."""
    fc = {"item_id": "fc_1", "output_index": 1}
    return numbered([
        lifecycle("response.created"),
        lifecycle("response.in_progress"),
        {"type": "response.output_item.added", "output_index": 0, "item": RS_DONE},
        {"type": "response.output_item.done", "output_index": 0, "item": RS_DONE},
        {"type": "response.output_item.added", "output_index": 1,
         "item": {**FC_DONE, "status": "in_progress", "arguments": ""}},
        {"type": "response.function_call_arguments.delta", **fc, "delta": '{"city":', "obfuscation": "x7Qp"},
        {"type": "response.function_call_arguments.delta", **fc, "delta": '"Oslo"}', "obfuscation": "k2"},
        {"type": "response.function_call_arguments.done", **fc, "name": "get_weather", "arguments": '{"city":"Oslo"}'},
        {"type": "response.output_item.done", "output_index": 1, "item": FC_DONE},
        lifecycle("response.completed", status="completed", output=[RS_DONE, FC_DONE], usage=USAGE),
    ])


def text_stream(pieces: tuple[str, ...] = ("Hel", "lo"), reasoning: tuple[str, ...] = ("Think", "ing")) -> list[Event]:
    """A reasoning item with one summary part, then a message with one output_text part."""
    rs, msg = {"item_id": "rs_2", "output_index": 0}, {"item_id": "msg_2", "output_index": 1}
    summary, text = "".join(reasoning), "".join(pieces)
    part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    rs_done = {"id": "rs_2", "type": "reasoning", "summary": [{"type": "summary_text", "text": summary}]}
    msg_done = {"id": "msg_2", "type": "message", "status": "completed", "role": "assistant", "content": [part]}
    return numbered([
        lifecycle("response.created"),
        {"type": "response.output_item.added", "output_index": 0, "item": {"id": "rs_2", "type": "reasoning", "summary": []}},
        {"type": "response.reasoning_summary_part.added", **rs, "summary_index": 0, "part": {"type": "summary_text", "text": ""}},
        *({"type": "response.reasoning_summary_text.delta", **rs, "summary_index": 0, "delta": d} for d in reasoning),
        {"type": "response.reasoning_summary_text.done", **rs, "summary_index": 0, "text": summary},
        {"type": "response.reasoning_summary_part.done", **rs, "summary_index": 0, "part": {"type": "summary_text", "text": summary}},
        {"type": "response.output_item.done", "output_index": 0, "item": rs_done},
        {"type": "response.output_item.added", "output_index": 1,
         "item": {**msg_done, "status": "in_progress", "content": []}},
        {"type": "response.content_part.added", **msg, "content_index": 0, "part": {**part, "text": ""}},
        *({"type": "response.output_text.delta", **msg, "content_index": 0, "delta": d, "logprobs": []} for d in pieces),
        {"type": "response.output_text.done", **msg, "content_index": 0, "text": text, "logprobs": []},
        {"type": "response.content_part.done", **msg, "content_index": 0, "part": part},
        {"type": "response.output_item.done", "output_index": 1, "item": msg_done},
        lifecycle("response.completed", status="completed", output=[rs_done, msg_done], usage=USAGE),
    ])


def run(events: list[Event], request: Event | None = None, tail: bytes = b"") -> ExchangeReport:
    body = registry.get(PROVIDER).to_wire(events) + tail
    return run_body(PROVIDER, body, request or {"model": "gpt-x", "stream": True}, keep_events=True)


def checks(report: ExchangeReport, floor: Severity = Severity.warning) -> set[str]:
    return {f.check for f in report.findings if f.severity.rank >= floor.rank}


def find(events: list[Event], kind: str, nth: int = 0) -> Event:
    return [event for event in events if event["type"] == kind][nth]


# -- translation ----------------------------------------------------------------------------------------


def test_a10_translates_to_the_canonical_log() -> None:
    report = run(a10())
    assert [event.type for event in report.events] == [
        "turn.started", "item.started", "item.completed", "item.started", "tool_call.delta", "tool_call.delta",
        "item.completed", "usage", "interrupt", "turn.completed",
    ]
    assert checks(report, Severity.info) == set()
    turn = report.turn
    assert turn is not None and turn.response_id == "resp_1" and turn.status == "interrupted" and turn.stop == "tool_use"
    call = turn.items[1]
    assert (call.kind, call.executor, call.name, call.call_id, call.arguments) == (
        "tool_call", "client", "get_weather", "call_9", {"city": "Oslo"})
    assert turn.interrupt is not None
    assert (turn.interrupt.kind, turn.interrupt.pending, turn.interrupt.handle) == (
        "tool_calls", ["call_9"], {"previous_response_id": "resp_1"})
    assert turn.usage is not None and (turn.usage.input_tokens, turn.usage.total_tokens) == (50, 70)


def test_text_and_summary_fold_per_part() -> None:
    report = run(text_stream())
    turn = report.turn
    assert checks(report, Severity.info) == set()
    assert turn is not None and turn.text == "Hello" and turn.stop == "end_turn" and turn.status == "completed"
    assert turn.items[0].reasoning == {0: "Thinking"}


def test_origin_points_at_the_native_event() -> None:
    report = run(a10())
    delta = next(event for event in report.events if event.type == "tool_call.delta")
    assert (delta.origin.native_type, delta.origin.native_seq) == ("response.function_call_arguments.delta", 5)


def test_raw_reasoning_text_is_numbered_apart_from_summaries() -> None:
    events = text_stream()
    rs = {"item_id": "rs_2", "output_index": 0}
    index = events.index(find(events, "response.output_item.done"))
    events[index:index] = [
        {"type": "response.content_part.added", **rs, "content_index": 0, "part": {"type": "reasoning_text", "text": ""}},
        {"type": "response.reasoning_text.delta", **rs, "content_index": 0, "delta": "raw"},
        {"type": "response.reasoning_text.done", **rs, "content_index": 0, "text": "raw"},
        {"type": "response.content_part.done", **rs, "content_index": 0, "part": {"type": "reasoning_text", "text": "raw"}},
    ]
    report = run(numbered(events))
    assert checks(report) == set()
    assert report.turn is not None and report.turn.items[0].reasoning == {0: "Thinking", 1000: "raw"}


def test_custom_tool_input_is_free_text_not_json() -> None:
    item = {"id": "ct_1", "type": "custom_tool_call", "call_id": "call_c", "name": "sql", "input": ""}
    where = {"item_id": "ct_1", "output_index": 0}
    events = numbered([
        lifecycle("response.created"),
        {"type": "response.output_item.added", "output_index": 0, "item": item},
        {"type": "response.custom_tool_call_input.delta", **where, "delta": "SELECT 1"},
        {"type": "response.custom_tool_call_input.done", **where, "input": "SELECT 1"},
        {"type": "response.output_item.done", "output_index": 0, "item": {**item, "input": "SELECT 1"}},
        lifecycle("response.completed", status="completed", output=[{**item, "input": "SELECT 1"}]),
    ])
    report = run(events)
    assert checks(report) == set()
    assert report.turn is not None and report.turn.items[0].text == {0: "SELECT 1"}
    assert report.turn.interrupt is not None and report.turn.interrupt.pending == ["call_c"]


def test_refusal_stops_with_refusal() -> None:
    part = {"type": "refusal", "refusal": "No."}
    done = {"id": "msg_r", "type": "message", "status": "completed", "role": "assistant", "content": [part]}
    where = {"item_id": "msg_r", "output_index": 0, "content_index": 0}
    report = run(numbered([
        lifecycle("response.created"),
        {"type": "response.output_item.added", "output_index": 0, "item": {**done, "content": [], "status": "in_progress"}},
        {"type": "response.content_part.added", **where, "part": {"type": "refusal", "refusal": ""}},
        {"type": "response.refusal.delta", **where, "delta": "No."},
        {"type": "response.refusal.done", **where, "refusal": "No."},
        {"type": "response.content_part.done", **where, "part": part},
        {"type": "response.output_item.done", "output_index": 0, "item": done},
        lifecycle("response.completed", status="completed", output=[done]),
    ]))
    assert checks(report) == set()
    assert report.turn is not None and report.turn.stop == "refusal" and report.turn.items[0].refusal == {0: "No."}


def test_encoded_turns_read_back_clean() -> None:
    turn = Turn(response_id="resp_e", stop="tool_use", items=[
        Item(item_id="msg_e", kind="message", role="assistant", status="completed", text={0: "Calling now."}),
        Item(item_id="fc_e", kind="tool_call", executor="client", name="f", call_id="call_e", status="completed",
             arguments={"a": [1, 2]}, arguments_text='{"a":[1,2]}'),
    ])
    report = run(registry.get(PROVIDER).encode(turn))
    assert checks(report, Severity.info) == set()
    assert report.turn is not None and report.turn.text == "Calling now." and report.turn.items[1].arguments == {"a": [1, 2]}


# -- A.6 checks: each mutation trips exactly the rule it breaks ----------------------------------------


def _drop_created(events: list[Event]) -> list[Event]:
    return numbered(events[1:])


def _other_id(events: list[Event]) -> list[Event]:
    find(events, "response.completed")["response"]["id"] = "resp_2"
    return events


def _sparse_index(events: list[Event]) -> list[Event]:
    for event in events[4:9]:
        event["output_index"] = 2
    return events


def _renamed_at_done(events: list[Event]) -> list[Event]:
    find(events, "response.output_item.done", 1)["item"] = {**FC_DONE, "id": "fc_other"}
    return events


def _wrong_index(events: list[Event]) -> list[Event]:
    find(events, "response.function_call_arguments.delta")["output_index"] = 0
    return events


def _unopened_part(events: list[Event]) -> list[Event]:
    return numbered([event for event in events if event["type"] != "response.content_part.added"])


def _unopened_summary(events: list[Event]) -> list[Event]:
    return numbered([event for event in events if event["type"] != "response.reasoning_summary_part.added"])


def _arguments_at_added(events: list[Event]) -> list[Event]:
    find(events, "response.output_item.added", 1)["item"]["arguments"] = "{"
    return events


def _no_name_at_done(events: list[Event]) -> list[Event]:
    del find(events, "response.function_call_arguments.done")["name"]
    return events


def _usage_early(events: list[Event]) -> list[Event]:
    events[0]["response"]["usage"] = USAGE
    return events


def _no_response_id(events: list[Event]) -> list[Event]:
    for event in events:
        event.get("response", {}).pop("id", None)
    return events


def _status_mismatch(events: list[Event]) -> list[Event]:
    events[-1]["response"]["status"] = "in_progress"
    return events


def _incomplete_without_reason(events: list[Event]) -> list[Event]:
    events[-1] = {**events[-1], "type": "response.incomplete"}
    events[-1]["response"]["status"] = "incomplete"
    return events


def _failed_without_error(events: list[Event]) -> list[Event]:
    events[-1] = {**events[-1], "type": "response.failed"}
    events[-1]["response"]["status"] = "failed"
    return events


def _part_text_differs(events: list[Event]) -> list[Event]:
    find(events, "response.content_part.done")["part"]["text"] = "Help"
    return events


def _item_text_differs(events: list[Event]) -> list[Event]:
    find(events, "response.output_item.done", 1)["item"]["content"][0]["text"] = "Help"
    return events


def _item_arguments_differ(events: list[Event]) -> list[Event]:
    find(events, "response.output_item.done", 1)["item"]["arguments"] = '{"city":"Bergen"}'
    return events


def _terminal_output_differs(events: list[Event]) -> list[Event]:
    events[-1]["response"]["output"][1]["arguments"] = '{"city":"Bergen"}'
    return events


def _terminal_output_short(events: list[Event]) -> list[Event]:
    events[-1]["response"]["output"] = events[-1]["response"]["output"][:1]
    return events


def _delta_after_done(events: list[Event]) -> list[Event]:
    late = copy.deepcopy(find(events, "response.reasoning_summary_text.delta"))
    events.insert(events.index(find(events, "response.reasoning_summary_part.done")), late)
    return numbered(events)


MUTATIONS: list[tuple[str, Callable[[], list[Event]], Callable[[list[Event]], list[Event]]]] = [
    ("LIFECYCLE-101", a10, _drop_created),
    ("LIFECYCLE-102", a10, _other_id),
    ("LIFECYCLE-103", a10, _sparse_index),
    ("LIFECYCLE-104", a10, _renamed_at_done),
    ("LIFECYCLE-105", a10, _wrong_index),
    ("LIFECYCLE-106", text_stream, _unopened_part),
    ("LIFECYCLE-107", text_stream, _unopened_summary),
    ("LIFECYCLE-107", text_stream, _delta_after_done),
    ("LIFECYCLE-108", a10, _arguments_at_added),
    ("LIFECYCLE-110", a10, _incomplete_without_reason),
    ("LIFECYCLE-110", a10, _failed_without_error),
    ("LIFECYCLE-112", a10, _usage_early),
    ("LIFECYCLE-113", a10, _no_name_at_done),
    ("STATE-003", a10, _status_mismatch),
    ("RESUME-001", a10, _no_response_id),
    ("ASSEMBLY-001", text_stream, _part_text_differs),
    ("ASSEMBLY-001", text_stream, _item_text_differs),
    ("ASSEMBLY-002", a10, _item_arguments_differ),
    ("ASSEMBLY-007", a10, _terminal_output_differs),
    ("ASSEMBLY-007", a10, _terminal_output_short),
]


@pytest.mark.parametrize("check, base, mutate", MUTATIONS, ids=[f"{c}-{m.__name__}" for c, _, m in MUTATIONS])
def test_mutation_trips_its_check(check: str, base: Callable[[], list[Event]],
                                  mutate: Callable[[list[Event]], list[Event]]) -> None:
    assert check not in checks(run(base()), Severity.info)
    assert check in checks(run(mutate(base())), Severity.info)


def test_done_sentinel_is_info_only() -> None:
    report = run(a10(), tail=b"data: [DONE]\n\n")
    assert checks(report, Severity.info) == {"LIFECYCLE-111"}


def test_nested_error_is_normalised() -> None:
    error = {"type": "error", "error": {"type": "server_error", "code": "server_error", "message": "boom"}}
    events = numbered([lifecycle("response.created"), error,
                       lifecycle("response.failed", status="failed", error={"code": "server_error", "message": "boom"})])
    report = run(events)
    assert checks(report, Severity.info) == {"LIFECYCLE-114"}
    assert report.turn is not None and report.turn.status == "failed"
    assert [(e.code, e.message) for e in report.turn.errors] == [("server_error", "boom")]


def test_flat_error_without_terminal_fails_the_turn() -> None:
    report = run(numbered([lifecycle("response.created"), {"type": "error", "code": "rate_limit_exceeded",
                                                          "message": "slow down", "param": None}]))
    assert checks(report, Severity.info) == set()
    assert report.turn is not None and report.turn.status == "failed" and report.turn.errors[0].code == "rate_limit_exceeded"


def test_hosted_tool_progress_may_not_step_back() -> None:
    item = {"id": "ws_1", "type": "web_search_call", "status": "in_progress"}
    where = {"item_id": "ws_1", "output_index": 0}
    steps = ["in_progress", "searching", "completed"]

    def stream(order: list[str]) -> list[Event]:
        done = {**item, "status": "completed"}
        return numbered([lifecycle("response.created"),
                         {"type": "response.output_item.added", "output_index": 0, "item": item},
                         *({"type": f"response.web_search_call.{step}", **where} for step in order),
                         {"type": "response.output_item.done", "output_index": 0, "item": done},
                         lifecycle("response.completed", status="completed", output=[done])])

    assert checks(run(stream(steps))) == set()
    assert checks(run(stream([steps[0], steps[2], steps[1]]))) == {"LIFECYCLE-109"}


def test_keepalive_takes_a_number_and_nothing_else() -> None:
    events = a10()
    events.insert(2, {"type": "keepalive"})
    report = run(numbered(events))
    assert checks(report, Severity.info) == set()
    assert len(report.events) == len(run(a10()).events)


def test_unknown_event_types_are_skipped() -> None:
    events = a10()
    events.insert(2, {"type": "codex.rate_limits", "limits": {}})
    report = run(numbered(events))
    assert checks(report, Severity.info) == {"SCHEMA-002"}
    assert report.turn is not None and report.turn.stop == "tool_use"


def test_missing_sequence_numbers_are_schema_and_order_errors() -> None:
    events = [{key: value for key, value in event.items() if key != "sequence_number"} for event in a10()]
    assert {"SCHEMA-001", "ORDER-001"} <= checks(run(events))


ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=4),
                       st.lists(st.integers(-3, 3), max_size=2), st.dictionaries(st.text(max_size=3), st.none(), max_size=2))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree a value can be replaced."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    return [prefix] + [path for key, child in children for path in _paths(child, (*prefix, key))]


@given(data=st.data())
def test_odd_values_anywhere_never_raise(data: st.DataObject) -> None:
    events = data.draw(st.sampled_from([a10, text_stream, approval_stream]))()
    path = data.draw(st.sampled_from([path for path in _paths(events) if len(path) >= 2]))
    target: Any = events
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(ODD_VALUES)
    report = run(events)
    assert report.turn is not None


# -- schemas ---------------------------------------------------------------------------------------------

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / PROVIDER
A3_TYPES = {"response.created", "response.queued", "response.in_progress", "response.completed", "response.failed",
            "response.incomplete", "error", "keepalive", "response.output_item.added", "response.output_item.done",
            "response.content_part.added", "response.content_part.done", "response.output_text.annotation.added",
            *(f"response.{kind}.{end}" for kind in ("output_text", "refusal", "function_call_arguments",
                                                    "custom_tool_call_input", "reasoning_summary_text", "reasoning_text",
                                                    "code_interpreter_call_code", "mcp_call_arguments", "audio",
                                                    "audio.transcript") for end in ("delta", "done")),
            "response.reasoning_summary_part.added", "response.reasoning_summary_part.done",
            *(f"response.{kind}.{step}" for kind in ("file_search_call", "web_search_call")
              for step in ("in_progress", "searching", "completed")),
            *(f"response.code_interpreter_call.{step}" for step in ("in_progress", "interpreting", "completed")),
            *(f"response.image_generation_call.{step}" for step in ("in_progress", "generating", "completed",
                                                                    "partial_image")),
            *(f"response.{kind}.{step}" for kind in ("mcp_list_tools", "mcp_call") for step in ("in_progress", "completed", "failed")),
            *(f"response.shell_call_command.{step}" for step in ("added", "delta", "done")),
            "response.shell_call_output_content.delta", "response.shell_call_output_content.done"}


def test_one_schema_per_a3_event_type() -> None:
    files = {path.name[: -len(".json")]: path for path in SCHEMAS.glob("*.json")}
    assert set(files) == A3_TYPES
    for kind, path in files.items():
        schema = orjson.loads(path.read_bytes())
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["title"] == kind and schema["$id"].endswith(f"/{kind}.json")
        assert {"type", "sequence_number"} <= set(schema["required"])
        assert schema["properties"]["type"] == {"const": kind}


@pytest.mark.parametrize("event", [
    {"type": "error", "sequence_number": 3, "message": "flat", "code": None, "param": None},
    {"type": "error", "sequence_number": 3, "error": {"type": "server_error", "code": "x", "message": "nested"}},
    {"type": "response.function_call_arguments.done", "sequence_number": 7, "item_id": "fc_1", "output_index": 1,
     "arguments": "{}"},
    {"type": "response.output_text.delta", "sequence_number": 1, "item_id": "m", "output_index": 0,
     "content_index": 0, "delta": "x", "logprobs": [], "obfuscation": "Zq"},
], ids=["flat-error", "nested-error", "done-without-name", "obfuscated-delta"])
def test_schemas_accept_documented_variants(event: Event) -> None:
    schema = orjson.loads((SCHEMAS / f"{event['type']}.json").read_bytes())
    assert jsonschema_rs.validator_for(schema).is_valid(event)


@pytest.mark.parametrize("event", [
    {"type": "error", "sequence_number": 3},
    {"type": "response.output_item.added", "sequence_number": 2, "output_index": 0, "item": None},
    {"type": "response.output_item.done", "sequence_number": 2, "output_index": 0,
     "item": {"type": "function_call", "id": "fc_1", "name": "f", "arguments": "{}"}},
    {"type": "response.output_text.delta", "item_id": "m", "output_index": 0, "content_index": 0, "delta": "x",
     "logprobs": []},
], ids=["error-without-message", "null-item", "call-without-call_id", "no-sequence-number"])
def test_schemas_reject_what_the_spec_forbids(event: Event) -> None:
    schema = orjson.loads((SCHEMAS / f"{event['type']}.json").read_bytes())
    assert not jsonschema_rs.validator_for(schema).is_valid(event)


# -- detection and framing --------------------------------------------------------------------------------


@pytest.mark.parametrize("method, uri, body, expected", [
    ("POST", "https://api.openai.com/v1/responses", b"", True),
    ("GET", "https://api.openai.com/v1/responses/resp_1?stream=true&starting_after=3", b"", True),
    ("POST", "https://gateway.example/openai/responses", b"", True),
    ("POST", "https://api.openai.com/v1/chat/completions", b"data: {}\n\n", False),
    ("POST", "", b'data: {"type":"response.created","sequence_number":0}\n\n', True),
])
def test_detect(method: str, uri: str, body: bytes, expected: bool) -> None:
    exchange = Exchange(index=0, request=Request(method=method, uri=uri), response=Response(body=body))
    assert OpenAIResponses().detect(exchange) is expected


# -- A.8 resume -----------------------------------------------------------------------------------------


def folded(events: list[Event], request: Event | None = None) -> Turn:
    """The turn the registry's provider folds, with the facts resume needs (store, background, encrypted
    reasoning) in its ``native`` fields, as after the previous exchange of a cassette."""
    turn = run(events, request).turn
    assert turn is not None
    return turn


def resume_checks(turn: Turn, body: Event | None = None, method: str = "POST", uri: str = "") -> set[str]:
    request = Request(method=method, uri=uri, json=body)
    return {f.check for f in registry.get(PROVIDER).check_resume(turn, request, 1)}


def built(turn: Turn, answers: dict[str, Any], prior: Event | None = None) -> Event:
    return registry.get(PROVIDER).build_resume(turn, answers, Request(json=prior) if prior else None)


def test_build_then_check_is_clean() -> None:
    turn = folded(a10())
    body = built(turn, {"call_9": {"temp_c": 4}}, {"model": "gpt-x", "tools": [{"type": "function"}], "stream": True})
    assert body["previous_response_id"] == "resp_1" and body["model"] == "gpt-x"
    assert body["input"] == [{"type": "function_call_output", "call_id": "call_9", "output": '{"temp_c": 4}'}]
    assert resume_checks(turn, body) == set()


def _unanswered(body: Event) -> None:
    body["input"] = []


def _twice(body: Event) -> None:
    body["input"].append(dict(body["input"][0]))


def _stranger(body: Event) -> None:
    body["input"].append({"type": "function_call_output", "call_id": "call_zz", "output": "x"})


def _wrong_handle(body: Event) -> None:
    body["previous_response_id"] = "resp_other"


def _with_conversation(body: Event) -> None:
    body["conversation"] = "conv_1"


def _resent_call(body: Event) -> None:
    body["input"].insert(0, dict(FC_DONE))


def _call_id_as_item_id(body: Event) -> None:
    body["input"][0]["id"] = "call_9"


def _object_output(body: Event) -> None:
    body["input"][0]["output"] = {"temp_c": 4}


RESUME_MUTATIONS = [("RESUME-003", _unanswered), ("RESUME-004", _twice), ("RESUME-005", _stranger),
                    ("RESUME-002", _wrong_handle), ("RESUME-103", _with_conversation), ("RESUME-101", _resent_call),
                    ("RESUME-104", _call_id_as_item_id), ("RESUME-107", _object_output)]


@pytest.mark.parametrize("check, mutate", RESUME_MUTATIONS, ids=[c for c, _ in RESUME_MUTATIONS])
def test_resume_mutation_trips_its_check(check: str, mutate: Callable[[Event], None]) -> None:
    turn = folded(a10())
    body = built(turn, {"call_9": "4 C"})
    mutate(body)
    assert resume_checks(turn, body) == {check}


def stored_false() -> list[Event]:
    """A.10 under store:false with include=[reasoning.encrypted_content]: the reasoning item's
    encrypted_content differs between added and done (A.9); only the done one may be echoed."""
    events = copy.deepcopy(a10())
    for event in events:
        if "response" in event:
            event["response"].update(id="resp_sl", store=False)
    find(events, "response.output_item.added")["item"] = {**RS_DONE, "encrypted_content": "enc-added"}
    find(events, "response.output_item.done")["item"] = {**RS_DONE, "encrypted_content": "enc-done"}
    events[-1]["response"]["output"][0] = {**RS_DONE, "encrypted_content": "enc-done"}
    return events


PRIOR = {"model": "gpt-x", "input": [{"role": "user", "content": "Weather in Oslo?"}], "store": False, "stream": True}


def test_previous_response_id_needs_a_stored_response() -> None:
    turn = folded(stored_false(), PRIOR)
    assert turn.interrupt is not None and turn.interrupt.handle == {}
    body = {"previous_response_id": "resp_sl", "input": [{"type": "function_call_output", "call_id": "call_9",
                                                          "output": "4"}]}
    assert resume_checks(turn, body) == {"RESUME-102"}


def test_stateless_build_then_check_is_clean() -> None:
    turn = folded(stored_false(), PRIOR)
    body = built(turn, {"call_9": "4"}, PRIOR)
    assert "previous_response_id" not in body and body["store"] is False
    kinds = [entry.get("type", "message") for entry in body["input"]]
    assert kinds == ["message", "reasoning", "function_call", "function_call_output"]
    assert body["input"][1]["encrypted_content"] == "enc-done"
    assert resume_checks(turn, body) == set()


def test_resume_needs_nothing_but_the_turn() -> None:
    """A turn read back from JSON, checked by a fresh provider, knows store, background and the done
    encrypted_content: nothing is kept outside the Turn."""
    turn = Turn.model_validate_json(folded(stored_false(), PRIOR).model_dump_json())
    assert turn.native == {"store": False, "background": False}
    assert turn.items[0].native == {"encrypted_content": "enc-done"}
    fresh = OpenAIResponses()
    body = fresh.build_resume(turn, {"call_9": "4"}, Request(json=PRIOR))
    assert body["store"] is False and body["input"][1]["encrypted_content"] == "enc-done"
    assert fresh.check_resume(turn, Request(json=body), 1) == []
    body["input"][1]["encrypted_content"] = "enc-added"
    assert {f.check for f in fresh.check_resume(turn, Request(json=body), 1)} == {"RESUME-009"}
    stateful = {"previous_response_id": "resp_sl", "input": body["input"][-1:]}
    assert {f.check for f in fresh.check_resume(turn, Request(json=stateful), 1)} == {"RESUME-102"}
    reattach = Request(method="GET", uri="https://api.openai.com/v1/responses/resp_sl?stream=true&starting_after=3")
    assert {f.check for f in fresh.check_resume(turn, reattach, 1)} == {"RESUME-106"}


def _stale_reasoning(body: Event) -> None:
    body["input"][1]["encrypted_content"] = "enc-added"


def _edited_arguments(body: Event) -> None:
    body["input"][2]["arguments"] = '{"city":"Bergen"}'


def _same_arguments_respaced(body: Event) -> None:
    body["input"][2]["arguments"] = '{ "city": "Oslo" }'


def _no_reasoning(body: Event) -> None:
    del body["input"][1]


def _call_before_reasoning(body: Event) -> None:
    body["input"][1], body["input"][2] = body["input"][2], body["input"][1]


STATELESS_MUTATIONS = [({"RESUME-009"}, _stale_reasoning), ({"RESUME-009"}, _edited_arguments),
                       (set(), _same_arguments_respaced), ({"RESUME-105"}, _no_reasoning),
                       ({"RESUME-105"}, _call_before_reasoning)]


@pytest.mark.parametrize("expected, mutate", STATELESS_MUTATIONS, ids=[m.__name__ for _, m in STATELESS_MUTATIONS])
def test_stateless_mutation_trips_its_check(expected: set[str], mutate: Callable[[Event], None]) -> None:
    turn = folded(stored_false(), PRIOR)
    body = built(turn, {"call_9": "4"}, PRIOR)
    mutate(body)
    assert resume_checks(turn, body) == expected


@given(data=st.data())
def test_odd_next_requests_never_raise(data: st.DataObject) -> None:
    turn = folded(stored_false(), PRIOR)
    body = built(turn, {"call_9": "4"}, PRIOR)
    body["previous_response_id"] = data.draw(st.sampled_from([None, "resp_sl"]))
    path = data.draw(st.sampled_from([path for path in _paths(body) if path]))
    target: Any = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(ODD_VALUES)
    assert isinstance(resume_checks(turn, body), set)


def test_stateless_history_answers_are_not_new_answers() -> None:
    turn = folded(a10())
    old = [{"type": "function_call", "call_id": "call_old", "name": "f", "arguments": "{}"},
           {"type": "function_call_output", "call_id": "call_old", "output": "x"}]
    body = {"input": [*old, dict(RS_DONE), dict(FC_DONE), {"type": "function_call_output", "call_id": "call_9",
                                                          "output": "4"}]}
    assert resume_checks(turn, body) == set()
    body["input"].pop()
    assert resume_checks(turn, body) == {"RESUME-003"}


def approval_stream() -> list[Event]:
    request = {"id": "mcpr_1", "type": "mcp_approval_request", "server_label": "links", "name": "shorten",
               "arguments": '{"url":"https://example.com"}'}
    return numbered([lifecycle("response.created"),
                     {"type": "response.output_item.added", "output_index": 0, "item": request},
                     {"type": "response.output_item.done", "output_index": 0, "item": request},
                     lifecycle("response.completed", status="completed", output=[request])])


def test_approval_round_trip() -> None:
    turn = folded(approval_stream())
    assert turn.interrupt is not None and (turn.interrupt.kind, turn.interrupt.pending) == ("approval", ["mcpr_1"])
    body = built(turn, {"mcpr_1": True})
    assert body["input"] == [{"type": "mcp_approval_response", "approval_request_id": "mcpr_1", "approve": True}]
    assert resume_checks(turn, body) == set()
    body["input"][0]["approve"] = "yes"
    assert resume_checks(turn, body) == {"RESUME-107"}


def test_reattach_is_a_continuation_with_a_cursor() -> None:
    provider = registry.get(PROVIDER)
    get = Request(method="GET", uri="https://api.openai.com/v1/responses/resp_1?stream=true&starting_after=7")
    assert provider.is_continuation(get) and provider.resume_cursor(get) == 7
    fresh = Request(json={"model": "gpt-x", "input": "hi"})
    assert not provider.is_continuation(fresh) and provider.resume_cursor(fresh) is None
    turn = folded(a10())  # an ordinary (non-background) response
    assert resume_checks(turn, None, "GET", get.uri) == {"RESUME-106"}
    other = "https://api.openai.com/v1/responses/resp_9?stream=true&starting_after=7"
    assert "RESUME-002" in resume_checks(turn, None, "GET", other)


def test_reattached_suffix_without_a_seed_still_makes_a_turn() -> None:
    suffix = a10()[5:]
    uri = "https://api.openai.com/v1/responses/resp_1?stream=true&starting_after=4"
    body = registry.get(PROVIDER).to_wire(suffix)
    request = Request(method="GET", uri=uri)
    exchange = Exchange(index=0, request=request, response=Response(headers={"content-type": ["text/event-stream"]},
                                                                     body=body), provider_hint=PROVIDER)
    translator = registry.get(PROVIDER).translator(StreamContext(exchange=exchange))
    log = [event for native in suffix
           for event in translator.translate(NativeEvent(type=native["type"], data=native, frame=0, offset=0,
                                                         exchange=0, seq=native["sequence_number"]))]
    assert log[0].type == "turn.started" and log[0].response_id == "resp_1"
    assert not [f for f in translator.findings if f.check == "LIFECYCLE-101"]


# -- the shipped cassettes -------------------------------------------------------------------------------

def test_cassettes_cover_the_scenarios() -> None:
    scenarios = set()
    for path in CASSETTES.glob("*.yaml"):
        meta = yaml.safe_load(path.read_text())["harness"]
        assert meta["provider"] == PROVIDER and meta["written_by"].startswith("provider-conformance-harness")
        scenarios.add(meta["scenario"])
    assert len(scenarios) >= 10 and {"tool-call-resume", "background-reattach", "mcp-approval-round-trip"} <= scenarios


def test_reattached_background_stream_folds_the_whole_text() -> None:
    report = check_path(CASSETTES / "background-reattach.yaml")
    first, second = report.exchanges
    assert first.turn is not None and first.turn.status == "truncated"
    assert second.resumed_after == 7
    assert second.turn is not None and second.turn.status == "completed"
    assert second.turn.text == "Background jobs keep running after a drop."


# -- output items other than function_call: who runs them, what they carry, what answers them ----------------

MESSAGE = {"id": "msg_x", "type": "message", "status": "completed", "role": "assistant",
           "content": [{"type": "output_text", "text": "Done.", "annotations": [], "logprobs": []}]}


def items_stream(*items: Event, response_id: str = "resp_1") -> list[Event]:
    """Each item opened in_progress and closed as given (added carries the done item's members too)."""
    events: list[Event] = [lifecycle("response.created")]
    for index, item in enumerate(items):
        opened = {**item, "status": "in_progress"} if "status" in item else item
        events += [{"type": "response.output_item.added", "output_index": index, "item": opened},
                   {"type": "response.output_item.done", "output_index": index, "item": item}]
    events.append(lifecycle("response.completed", status="completed", output=list(items), usage=USAGE))
    for event in events:
        event.get("response", {})["id"] = response_id
    return numbered(events)


SHELL_ACTION = {"commands": ["ls -1"], "timeout_ms": 1000, "max_output_length": 512}
SERVER_ITEMS = {
    "web_search_call": {"id": "ws_1", "type": "web_search_call", "status": "completed",
                        "action": {"type": "search", "query": "tides"}},
    "file_search_call": {"id": "fs_1", "type": "file_search_call", "status": "completed", "queries": ["q"],
                         "results": None},
    "code_interpreter_call": {"id": "ci_1", "type": "code_interpreter_call", "status": "completed", "code": "1+1",
                              "container_id": "cntr_1", "outputs": None},
    "image_generation_call": {"id": "ig_1", "type": "image_generation_call", "status": "completed", "result": "iVBO"},
    "mcp_call": {"id": "mcp_1", "type": "mcp_call", "status": "completed", "server_label": "s", "name": "f",
                 "arguments": "{}", "output": "ok"},
    "hosted shell_call": {"id": "sh_1", "type": "shell_call", "status": "completed", "call_id": "call_sh",
                          "action": SHELL_ACTION, "environment": {"type": "container_reference", "container_id": "c1"}},
    "server tool_search_call": {"id": "tsc_1", "type": "tool_search_call", "status": "completed", "call_id": None,
                                "arguments": {"paths": ["get_weather"]}, "execution": "server"},
    "vendor x_search_call": {"id": "xs_1", "type": "x_search_call", "status": "completed", "call_id": "xs_call_1",
                             "name": "x_semantic_search", "arguments": "{}"},
}


@pytest.mark.parametrize("kind", SERVER_ITEMS)
def test_a_turn_the_server_answered_is_completed_not_interrupted(kind: str) -> None:
    report = run(items_stream(SERVER_ITEMS[kind], MESSAGE))
    assert checks(report) == set()
    turn = report.turn
    assert turn is not None and (turn.status, turn.stop, turn.interrupt) == ("completed", "end_turn", None)
    assert (turn.items[0].kind, turn.items[0].executor) == ("tool_call", "server") and turn.client_calls == []


def test_mcp_list_tools_and_server_outputs_are_no_calls() -> None:
    listing = {"id": "mcpl_1", "type": "mcp_list_tools", "server_label": "s", "tools": []}
    shell_output = {"id": "sho_1", "type": "shell_call_output", "status": "completed", "call_id": "call_sh",
                    "output": [{"stdout": "a\n", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}]}
    report = run(items_stream(listing, SERVER_ITEMS["hosted shell_call"], shell_output, MESSAGE))
    turn = report.turn
    assert checks(report) == set() and turn is not None and turn.status == "completed"
    assert [item.kind for item in turn.items] == ["other", "tool_call", "other", "message"]
    assert [(result.call_id, result.executor) for result in turn.tool_results] == [("call_sh", "server")]


def test_a_shell_call_runs_where_its_environment_or_the_request_says() -> None:
    local = {**SERVER_ITEMS["hosted shell_call"], "environment": {"type": "local"}}
    bare = {key: value for key, value in local.items() if key != "environment"}
    hosted_tool = {"model": "gpt-x", "tools": [{"type": "shell", "environment": {"type": "container_auto"}}]}
    assert folded(items_stream(local, MESSAGE), hosted_tool).items[0].executor == "client"  # the item says local
    assert folded(items_stream(bare, MESSAGE)).items[0].executor == "client"
    assert folded(items_stream(bare, MESSAGE), hosted_tool).items[0].executor == "server"


def test_an_undeclared_custom_tool_is_the_vendors_own() -> None:
    call = {"id": "ctc_1", "type": "custom_tool_call", "call_id": "xs_call_1", "name": "x_keyword_search",
            "input": "{}"}
    declared = {"model": "gpt-x", "tools": [{"type": "custom", "name": "run_sql"}]}
    report = run(items_stream(call, MESSAGE), declared)
    assert checks(report, Severity.info) == {"LIFECYCLE-116"}
    assert report.turn is not None and report.turn.status == "completed" and report.turn.items[0].executor == "server"
    for request in ({"model": "gpt-x", "tools": [{"type": "custom", "name": "x_keyword_search"}]},
                    {"model": "gpt-x", "tools": [{"type": "tool_search"}]}, None):  # declared, or cannot be known
        turn = folded(items_stream(call), request)
        assert turn.items[0].executor == "client" and turn.interrupt is not None


CLIENT_ITEMS = {
    "local_shell_call": ({"id": "lsh_1", "type": "local_shell_call", "status": "completed", "call_id": "call_c",
                          "action": {"type": "exec", "command": ["ls"], "env": {}}},
                         "local_shell", "local_shell_call_output"),
    "shell_call": ({"id": "sh_1", "type": "shell_call", "status": "completed", "call_id": "call_c",
                    "action": SHELL_ACTION, "environment": {"type": "local"}}, "shell", "shell_call_output"),
    "apply_patch_call": ({"id": "apc_1", "type": "apply_patch_call", "status": "completed", "call_id": "call_c",
                          "operation": {"type": "update_file", "path": "a.py", "diff": "@@\n-a\n+b\n"}},
                         "apply_patch", "apply_patch_call_output"),
    "computer_call": ({"id": "cu_1", "type": "computer_call", "status": "completed", "call_id": "call_c",
                       "action": {"type": "click", "button": "left", "x": 1, "y": 2}, "pending_safety_checks": []},
                      "computer", "computer_call_output"),
    "tool_search_call": ({"id": "tsc_1", "type": "tool_search_call", "status": "completed", "call_id": "call_c",
                          "arguments": {"queries": ["fx"]}, "execution": "client"}, "tool_search", "tool_search_output"),
}
CONTENT_MEMBERS = {"local_shell_call": ("action",), "shell_call": ("action", "environment"),
                   "apply_patch_call": ("operation",), "computer_call": ("action", "pending_safety_checks"),
                   "tool_search_call": ("arguments", "execution")}


@pytest.mark.parametrize("kind", CLIENT_ITEMS)
def test_a_client_call_folds_its_content_and_waits_for_its_own_output(kind: str) -> None:
    item, tool, answer = CLIENT_ITEMS[kind]
    turn = folded(items_stream(item))
    call = turn.items[0]
    assert (turn.status, call.executor, call.name, call.call_id, call.native) == (
        "interrupted", "client", tool, "call_c", {"type": kind})
    assert call.arguments == {member: item[member] for member in CONTENT_MEMBERS[kind]}
    assert turn.interrupt is not None and turn.interrupt.pending == ["call_c"]
    body = built(turn, {"call_c": "result"})
    assert [entry["type"] for entry in body["input"]] == [answer]
    assert resume_checks(turn, body) == set()
    body["input"][0]["type"] = "custom_tool_call_output" if kind != "custom_tool_call" else "function_call_output"
    assert "RESUME-108" in resume_checks(turn, body)


BAD_OUTPUTS = {
    "local_shell_call": {"output": ["not", "a", "string"]},
    "shell_call": {"output": [{"stdout": "x", "stderr": "", "outcome": {"type": "exit"}}]},
    "apply_patch_call": {"status": "done"},
    "computer_call": {"output": {"type": "computer_screenshot"}},
    "tool_search_call": {"tools": "get_weather"},
}


@pytest.mark.parametrize("kind", BAD_OUTPUTS)
def test_an_output_of_the_wrong_shape_is_named(kind: str) -> None:
    turn = folded(items_stream(CLIENT_ITEMS[kind][0]))
    body = built(turn, {"call_c": "result"})
    body["input"][0].update(BAD_OUTPUTS[kind])
    assert resume_checks(turn, body) == {"RESUME-107"}


def test_local_shell_output_may_name_its_call_by_id() -> None:
    """LocalShellCallOutput (response_input_item.py) documents ``id`` as the call's id; call_id is what clients send."""
    turn = folded(items_stream(CLIENT_ITEMS["local_shell_call"][0]))
    answer = {"type": "local_shell_call_output", "id": "call_c", "output": '{"stdout":"a"}'}
    assert resume_checks(turn, {"previous_response_id": "resp_1", "input": [answer]}) == set()
    other = {**answer, "id": "call_x"}  # a call_ id is the call's here, not an item id (no RESUME-104)
    assert resume_checks(turn, {"previous_response_id": "resp_1", "input": [other]}) == {"RESUME-003", "RESUME-005"}


def test_server_calls_need_no_answer_and_take_none() -> None:
    call = {**FC_DONE, "call_id": "call_9"}
    turn = folded(items_stream(SERVER_ITEMS["hosted shell_call"], call))
    assert turn.interrupt is not None and turn.interrupt.pending == ["call_9"]
    body = built(turn, {"call_9": "4"})
    assert resume_checks(turn, body) == set()
    body["input"].append({"type": "shell_call_output", "call_id": "call_sh",
                          "output": [{"stdout": "", "stderr": "", "outcome": {"type": "timeout"}}]})
    assert resume_checks(turn, body) == {"RESUME-005"}


@pytest.mark.parametrize("kind", CLIENT_ITEMS)
def test_a_stateless_resend_echoes_each_call_as_what_it_was(kind: str) -> None:
    events = items_stream(CLIENT_ITEMS[kind][0], response_id="resp_sl")
    for event in events:
        event.get("response", {})["store"] = False
    turn = folded(events, PRIOR)
    body = built(turn, {"call_c": "result"}, PRIOR)
    echo = body["input"][1]
    assert (echo["type"], echo["call_id"]) == (kind, "call_c")
    assert resume_checks(turn, body) == set()
    member = CONTENT_MEMBERS[kind][0]
    echo[member] = {"changed": True}
    assert resume_checks(turn, body) == {"RESUME-009"}


CALL_IDS = st.sampled_from(["call_a", "call_b", "call_ZZ9"])


@given(kind=st.sampled_from([*CLIENT_ITEMS, "function_call", "custom_tool_call"]), opened=CALL_IDS, closed=CALL_IDS)
def test_a_call_id_that_changes_at_done_is_named_and_the_done_one_kept(kind: str, opened: str, closed: str) -> None:
    item = (CLIENT_ITEMS[kind][0] if kind in CLIENT_ITEMS else
            FC_DONE if kind == "function_call" else
            {"id": "ctc_1", "type": "custom_tool_call", "call_id": "x", "name": "sql", "input": "SELECT 1"})
    events = items_stream({**item, "call_id": closed})
    find(events, "response.output_item.added")["item"]["call_id"] = opened
    if kind == "function_call":
        find(events, "response.output_item.added")["item"]["arguments"] = ""
    report = run(events)
    assert checks(report) == ({"LIFECYCLE-115"} if opened != closed else set())
    turn = report.turn
    assert turn is not None and turn.interrupt is not None and turn.interrupt.pending == [closed]
    body = built(turn, {closed: "ok"})
    assert [answer["call_id"] for answer in body["input"]] == [closed]
    assert resume_checks(turn, body) == set()
    if opened != closed:  # the id the call opened with answers nothing
        stale = {"previous_response_id": "resp_1", "input": [{**body["input"][0], "call_id": opened}]}
        assert resume_checks(turn, stale) == {"RESUME-003", "RESUME-005"}


@given(data=st.data())
def test_any_mix_of_server_and_client_calls_waits_for_the_client_calls_only(data: st.DataObject) -> None:
    clients = data.draw(st.lists(st.sampled_from(list(CLIENT_ITEMS)), max_size=3), label="client calls")
    servers = data.draw(st.lists(st.sampled_from(list(SERVER_ITEMS)), max_size=3), label="server calls")
    items = [{**SERVER_ITEMS[kind], "id": f"srv_{n}"} for n, kind in enumerate(servers)]
    items += [{**CLIENT_ITEMS[kind][0], "id": f"cli_{n}", "call_id": f"call_{n}"} for n, kind in enumerate(clients)]
    items = data.draw(st.permutations(items), label="order")
    report = run(items_stream(*items, MESSAGE))
    assert checks(report) == set()
    turn = report.turn
    assert turn is not None
    pending = [item["call_id"] for item in items if item["id"].startswith("cli_")]
    assert (turn.interrupt.pending if turn.interrupt else []) == pending
    assert turn.status == ("interrupted" if pending else "completed")
    assert resume_checks(turn, built(turn, {call_id: "ok" for call_id in pending})) == set()


# -- the public recordings (../shared/corpus; skipped when absent) ----------------------------------------------


def corpus_file(name: str) -> Path:
    from suites import corpus

    path = corpus.CORPUS / "openai-responses" / name
    if not path.is_file():
        pytest.skip(f"no corpus recording {path}")
    return path


@pytest.mark.parametrize("name", ["pai_web_search_tool_stream.yaml", "pai_reasoning_summary_code_interpreter.yaml",
                                  "pai_mcp_server_tool_stream.yaml"])
def test_corpus_hosted_tools_complete_the_turn(name: str) -> None:
    turn = check_path(corpus_file(name)).exchanges[0].turn
    assert turn is not None and turn.status == "completed" and turn.interrupt is None
    assert {item.executor for item in turn.items if item.kind == "tool_call"} == {"server"}


@pytest.mark.parametrize("name", ["pai_native_tool_search_fn_call_resume.yaml", "vercel_tool_search_fn_call.chunks.txt"])
def test_corpus_server_tool_search_is_not_pending(name: str) -> None:
    turn = check_path(corpus_file(name), provider=PROVIDER if name.endswith(".txt") else None).exchanges[0].turn
    assert turn is not None and turn.interrupt is not None
    search = next(item for item in turn.items if item.name == "tool_search")
    assert search.executor == "server" and search.arguments["execution"] == "server"
    assert [item.native.get("type", "function_call") for item in turn.items
            if item.call_id in turn.interrupt.pending] == ["function_call"]


def test_corpus_client_tool_search_is_answered_by_tool_search_output() -> None:
    report = check_path(corpus_file("pai_client_tool_search_3turn_resume.yaml"))
    first, second, _ = report.exchanges
    assert first.turn is not None and first.turn.interrupt is not None
    search = first.turn.items[0]
    assert (search.name, search.executor, search.native) == ("tool_search", "client", {"type": "tool_search_call"})
    assert first.turn.interrupt.pending == [search.call_id] and "queries" in search.arguments["arguments"]
    assert not [f for f in report.findings if f.check.startswith("RESUME-")]
    assert second.turn is not None and second.turn.client_calls[0].name == "get_exchange_rate"


def test_corpus_custom_tool_call_waits_for_custom_tool_call_output() -> None:
    turn = check_path(corpus_file("vercel_custom_tool_input_delta.chunks.txt"), provider=PROVIDER).exchanges[0].turn
    assert turn is not None and turn.interrupt is not None
    call = turn.items[0]
    assert (call.executor, call.native, call.text[0]) == ("client", {"type": "custom_tool_call"},
                                                          "SELECT * FROM users WHERE age > 25")
    body = built(turn, {call.call_id: "3 rows"})
    assert body["input"][0]["type"] == "custom_tool_call_output" and resume_checks(turn, body) == set()
