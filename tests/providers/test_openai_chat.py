"""Unit tests of the openai-chat provider: translation, B.3/B.4 checks, compat deviations, B.5 resume.

Each case is one deliberate mutation of a composed stream (the B.7 example, or a text stream built the
same way), so the check it must trip is unambiguous; the unmutated streams stay clean. Every bug of
specs/prior-art.md that concerns Chat Completions streams has its own test. The shipped cassettes are
replayed at the end.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from harness import registry
from harness.cassette import CHUNKS_CONTENT_TYPE
from harness.exchange import Exchange, Request, Response
from harness.findings import Severity
from harness.pipeline import ExchangeReport, check_path, run_body
from harness.providers.openai_chat.encode import DONE
from harness.state import Item, Turn, Usage

PROVIDER = "openai-chat"
ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes" / PROVIDER
Event = dict[str, Any]
USAGE_ON = {"model": "gpt-x", "messages": [{"role": "user", "content": "hi"}], "stream": True,
            "stream_options": {"include_usage": True}}
provider = registry.get(PROVIDER)


# -- building streams ---------------------------------------------------------------------------------


def chunk(delta: Event, finish: str | None = None, index: int = 0) -> Event:
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1760000000, "model": "gpt-x",
            "choices": [{"index": index, "delta": delta, "finish_reason": finish}], "usage": None}


def usage_chunk() -> Event:
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1760000000, "model": "gpt-x",
            "choices": [], "usage": {"prompt_tokens": 40, "completion_tokens": 22, "total_tokens": 62}}


def moderation(*flagged: str) -> Event:
    """OpenAI's moderation object (openai-python types/chat/chat_completion_chunk.py ``Moderation``)."""
    def side(name: str) -> Event:
        return {"type": "moderation_results", "model": "omni-moderation-latest",
                "results": [{"type": "moderation_result", "model": "omni-moderation-latest", "flagged": name in flagged,
                             "categories": {"violence": name in flagged}, "category_scores": {"violence": 0.9},
                             "category_applied_input_types": {"violence": ["text"]}}]}
    return {"input": side("input"), "output": side("output")}


def fragment(index: Any, arguments: Any = None, call_id: str | None = None, name: str | None = None) -> Event:
    function: Event = {}
    if name is not None:
        function["name"] = name
    if arguments is not None or call_id is None:
        function["arguments"] = arguments
    raw: Event = {"index": index, "function": function}
    if call_id is not None:
        raw.update(id=call_id, type="function")
    return raw


def calls(*fragments: Event) -> Event:
    return chunk({"tool_calls": list(fragments)})


def b7() -> list[Event]:
    """The composed example of B.7: two calls, fragmented arguments, a finish chunk, the usage chunk."""
    return copy.deepcopy([
        chunk({"role": "assistant", "content": None, "refusal": None,
               "tool_calls": [fragment(0, "", "call_1", "get_weather")]}),
        calls(fragment(0, '{"city":')),
        calls(fragment(0, '"Oslo"}')),
        calls(fragment(1, "", "call_2", "get_time")),
        calls(fragment(1, "{}")),
        chunk({}, "tool_calls"),
        usage_chunk(),
        DONE,
    ])


def text() -> list[Event]:
    return copy.deepcopy([chunk({"role": "assistant", "content": "", "refusal": None}), chunk({"content": "Hel"}),
                          chunk({"content": "lo."}), chunk({}, "stop"), usage_chunk(), DONE])


def run(natives: list[Event], request: Any = None) -> ExchangeReport:
    return run_body(PROVIDER, provider.to_wire(natives), request_json=request)


def checks(report: ExchangeReport, *severities: Severity) -> set[str]:
    wanted = severities or (Severity.error, Severity.warning)
    return {f.check for f in report.findings if f.severity in wanted}


# -- translation -----------------------------------------------------------------------------------------


def test_b7_folds_into_two_pending_calls() -> None:
    report = run(b7(), USAGE_ON)
    turn = report.turn
    assert checks(report, *Severity) == set()
    assert turn is not None and turn.status == "interrupted" and turn.stop == "tool_use"
    assert [(i.item_id, i.name, i.call_id, i.arguments) for i in turn.items] == [
        ("0.call.0", "get_weather", "call_1", {"city": "Oslo"}), ("0.call.1", "get_time", "call_2", {})]
    assert turn.interrupt is not None and turn.interrupt.pending == ["call_1", "call_2"]
    assert turn.usage is not None and (turn.usage.input_tokens, turn.usage.total_tokens) == (40, 62)


def test_text_stream_is_clean_and_completed() -> None:
    report = run(text(), USAGE_ON)
    assert checks(report, *Severity) == set()
    assert report.turn is not None and report.turn.text == "Hello." and report.turn.status == "completed"


def test_refusal_stops_with_refusal() -> None:
    natives = [chunk({"role": "assistant", "content": None, "refusal": ""}), chunk({"refusal": "No."}),
               chunk({}, "stop"), DONE]
    report = run(natives)
    assert checks(report) == set()
    assert report.turn is not None and report.turn.stop == "refusal" and report.turn.items[0].refusal == {0: "No."}


def test_two_choices_fold_choice_zero_and_report_the_other() -> None:
    natives = [chunk({"role": "assistant", "content": ""}, index=0), chunk({"role": "assistant", "content": ""}, index=1),
               chunk({"content": "Blue"}, index=0), chunk({"content": "Green"}, index=1),
               chunk({}, "stop", index=1), chunk({}, "stop", index=0), DONE]
    report = run(natives)
    assert checks(report) == set()
    turn = report.turn
    assert turn is not None and turn.text == "Blue"
    assert [(i.item_id, i.kind, i.text) for i in turn.items] == [("0.message", "message", {0: "Blue"}),
                                                                  ("1.message", "other", {0: "Green"})]


def test_other_choices_calls_are_checked_but_not_pending() -> None:
    natives = [chunk({"role": "assistant", "content": "Hi"}, index=0),
               chunk({"role": "assistant", "tool_calls": [fragment(0, "{bad", "call_9", "f")]}, index=1),
               chunk({}, "stop", index=0), chunk({}, "tool_calls", index=1), DONE]
    report = run(natives)
    assert report.turn is not None and report.turn.interrupt is None
    assert "ASSEMBLY-003" in checks(report)


def test_tool_calls_are_found_without_finish_reason_tool_calls() -> None:
    """B.3.7: a named tool_choice reports "stop" although a call was made; the call is still pending."""
    natives = b7()
    natives[5]["choices"][0]["finish_reason"] = "stop"
    report = run(natives, {**USAGE_ON, "tool_choice": {"type": "function", "function": {"name": "get_weather"}}})
    assert checks(report) == set()
    assert report.turn is not None and report.turn.interrupt is not None and len(report.turn.interrupt.pending) == 2


def test_length_cut_arguments_are_a_warning_and_nothing_is_pending() -> None:
    natives = b7()
    del natives[2], natives[3:5]
    natives[2]["choices"][0]["finish_reason"] = "length"
    report = run(natives)
    assert report.turn is not None and report.turn.interrupt is None and report.turn.status == "incomplete"
    assert checks(report, Severity.warning) == {"ASSEMBLY-003"} and checks(report, Severity.error) == set()


def test_in_band_error_fails_the_turn() -> None:
    natives = text()[:2] + [{"error": {"message": "boom", "type": "server_error", "param": None, "code": None}}]
    report = run(natives)
    assert checks(report) == set()
    assert report.turn is not None and report.turn.status == "failed" and report.turn.errors[0].message == "boom"


def test_error_then_done_stops_with_error() -> None:
    report = run([{"error": {"message": "bad", "type": "invalid_request_error", "code": "tool_use_failed"}}, DONE])
    assert report.turn is not None and report.turn.stop == "error" and report.turn.errors[0].code == "tool_use_failed"


def test_missing_done_is_truncation() -> None:
    report = run(text()[:-1])
    assert "LIFECYCLE-005" in checks(report) and report.turn is not None and report.turn.status == "truncated"


def test_chunk_fixture_without_done_ends_at_its_finish() -> None:
    lines = b"\n".join(orjson.dumps(native) for native in text()[:-1])
    report = run_body(PROVIDER, lines, content_type=CHUNKS_CONTENT_TYPE)
    assert checks(report, *Severity) == {"LIFECYCLE-302"}
    assert report.turn is not None and report.turn.status == "completed"


# -- each check trips on its mutation --------------------------------------------------------------------

Mutation = Callable[[list[Event]], list[Event]]


def done_twice(n: list[Event]) -> list[Event]:
    return [*n, DONE]


def chunk_after_done(n: list[Event]) -> list[Event]:
    return [*n, chunk({"content": "late"})]


def wrong_object(n: list[Event]) -> list[Event]:
    n[1]["object"] = "chat.completion"
    return n


def heartbeat(n: list[Event]) -> list[Event]:
    return [n[0], {"status": "processing"}, *n[1:]]


def azure_prelude(n: list[Event]) -> list[Event]:
    return [{"choices": [], "created": 0, "id": "", "model": "", "object": "", "prompt_filter_results": []}, *n]


def empty_choices(n: list[Event]) -> list[Event]:
    return [{**usage_chunk(), "usage": None}, *n]


def other_id(n: list[Event]) -> list[Event]:
    n[2]["id"] = "chatcmpl-2"
    return n


def audio_delta(n: list[Event]) -> list[Event]:
    n[1]["choices"][0]["delta"]["audio"] = {"id": "audio_1", "transcript": "Hel"}
    return n


def moderation_chunk(n: list[Event]) -> list[Event]:
    return [*n[:4], {**usage_chunk(), "usage": None, "moderation": moderation("input", "output")}, *n[4:]]


def other_model(n: list[Event]) -> list[Event]:
    n[2]["model"] = "gpt-y"
    return n


def no_role(n: list[Event]) -> list[Event]:
    del n[0]["choices"][0]["delta"]["role"]
    return n


def repeated_role(n: list[Event]) -> list[Event]:
    n[1]["choices"][0]["delta"]["role"] = "assistant"
    return n


def no_finish(n: list[Event]) -> list[Event]:
    n[3]["choices"][0]["finish_reason"] = None
    return n


def second_finish(n: list[Event]) -> list[Event]:
    """A second, different finish_reason: the turn's stop reason is ambiguous."""
    return [*n[:4], chunk({}, "length"), *n[4:]]


def restated_finish(n: list[Event]) -> list[Event]:
    """The same finish_reason twice: nothing lost."""
    return [*n[:4], chunk({}, "stop"), *n[4:]]


def restated_finish_on_usage(n: list[Event]) -> list[Event]:
    """OpenRouter's gpt-oss (langchain-ai/langchain#38349), mlx-serve (ddalcu/mlx-serve#147): the usage chunk
    repeats the finish chunk's choice and finish_reason."""
    n[4]["choices"] = [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    return n


def created_drift(n: list[Event]) -> list[Event]:
    """Ollama's /v1 stamps time.Now() on every chunk (ollama/ollama#15088)."""
    for k, native in enumerate(n[:-1]):
        native["created"] += k
    return n


def content_after_finish(n: list[Event]) -> list[Event]:
    return [*n[:4], chunk({"content": "more"}), *n[4:]]


def no_usage(n: list[Event]) -> list[Event]:
    return [native for native in n if native == DONE or native.get("choices")]


def usage_first(n: list[Event]) -> list[Event]:
    return [n[0], n[4], *n[1:4], n[5]]


def usage_on_choice(n: list[Event]) -> list[Event]:
    n[3]["usage"] = n[4]["usage"]
    return [*n[:4], n[5]]


def content_and_refusal(n: list[Event]) -> list[Event]:
    n[2]["choices"][0]["delta"]["refusal"] = "no"
    return n


def ollama_error(n: list[Event]) -> list[Event]:
    return [*n[:2], {"error": "model runner crashed"}]


def vllm_flat_error(n: list[Event]) -> list[Event]:
    return [*n[:2], {"object": "error", "message": "bad", "type": "BadRequestError", "code": 400}]


def openrouter_error(n: list[Event]) -> list[Event]:
    failing = chunk({"content": ""}, "error")
    failing["error"] = {"code": 502, "message": "upstream disconnected"}
    return [*n[:2], failing]


def reasoning_field(n: list[Event]) -> list[Event]:
    return [n[0], chunk({"reasoning": "think"}), *n[1:]]


def unreadable_detail(n: list[Event]) -> list[Event]:
    return [n[0], chunk({"reasoning_details": [{"type": "reasoning.summary", "summary": 7}]}), *n[1:]]


def stop_with_calls(n: list[Event]) -> list[Event]:
    n[5]["choices"][0]["finish_reason"] = "stop"
    return n


def tool_calls_without_calls(n: list[Event]) -> list[Event]:
    n[3]["choices"][0]["finish_reason"] = "tool_calls"
    return n


def string_index(n: list[Event]) -> list[Event]:
    """LangChain #38456: index "0" on one fragment, 0 on the others."""
    n[1]["choices"][0]["delta"]["tool_calls"][0]["index"] = "0"
    return n


def sparse_index(n: list[Event]) -> list[Event]:
    """vercel/ai #18382: indices that start at 1 / skip."""
    for native in n[3:5]:
        native["choices"][0]["delta"]["tool_calls"][0]["index"] = 3
    return n


def bad_index(n: list[Event]) -> list[Event]:
    n[1]["choices"][0]["delta"]["tool_calls"][0]["index"] = -1
    return n


def name_never(n: list[Event]) -> list[Event]:
    del n[0]["choices"][0]["delta"]["tool_calls"][0]["function"]["name"]
    return n


def id_never(n: list[Event]) -> list[Event]:
    del n[0]["choices"][0]["delta"]["tool_calls"][0]["id"]
    return n


def repeated_id(n: list[Event]) -> list[Event]:
    n[2]["choices"][0]["delta"]["tool_calls"][0]["id"] = "call_1"
    return n


def same_index_new_id(n: list[Event]) -> list[Event]:
    """LangChain #34807: parallel calls share index 0 but have different ids."""
    for native in n[3:5]:
        native["choices"][0]["delta"]["tool_calls"][0]["index"] = 0
    return n


def interleaved(n: list[Event]) -> list[Event]:
    return [n[0], n[1], n[3], n[2], *n[4:]]


def whole_call(n: list[Event]) -> list[Event]:
    n[3]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] = "{}"
    return [*n[:4], *n[5:]]


def number_arguments(n: list[Event]) -> list[Event]:
    n[4]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] = 7
    return n


# (check, expected severity, base, mutation, request)
MUTATIONS: list[tuple[str, Severity, Callable[[], list[Event]], Mutation]] = [
    ("LIFECYCLE-301", Severity.error, text, done_twice),
    ("LIFECYCLE-301", Severity.error, text, chunk_after_done),
    ("LIFECYCLE-303", Severity.error, text, wrong_object),
    ("LIFECYCLE-303", Severity.warning, text, heartbeat),
    ("LIFECYCLE-304", Severity.info, text, azure_prelude),
    ("LIFECYCLE-304", Severity.info, text, empty_choices),
    ("LIFECYCLE-305", Severity.error, text, other_id),
    ("LIFECYCLE-305", Severity.warning, text, created_drift),
    ("LIFECYCLE-305", Severity.warning, text, other_model),
    ("LIFECYCLE-306", Severity.warning, text, no_role),
    ("LIFECYCLE-306", Severity.warning, text, repeated_role),
    ("LIFECYCLE-307", Severity.error, text, no_finish),
    ("LIFECYCLE-307", Severity.error, text, second_finish),
    ("LIFECYCLE-307", Severity.warning, text, restated_finish),
    ("LIFECYCLE-307", Severity.warning, text, restated_finish_on_usage),
    ("LIFECYCLE-307", Severity.error, text, content_after_finish),
    ("LIFECYCLE-308", Severity.error, text, no_usage),
    ("LIFECYCLE-308", Severity.warning, text, usage_first),
    ("LIFECYCLE-308", Severity.warning, text, usage_on_choice),
    ("LIFECYCLE-309", Severity.warning, text, content_and_refusal),
    ("LIFECYCLE-310", Severity.info, text, ollama_error),
    ("LIFECYCLE-310", Severity.info, text, vllm_flat_error),
    ("LIFECYCLE-310", Severity.info, text, openrouter_error),
    ("LIFECYCLE-311", Severity.warning, text, reasoning_field),
    ("LIFECYCLE-315", Severity.info, text, audio_delta),
    ("LIFECYCLE-316", Severity.info, text, moderation_chunk),
    ("ASSEMBLY-310", Severity.error, text, unreadable_detail),
    ("LIFECYCLE-312", Severity.warning, b7, stop_with_calls),
    ("LIFECYCLE-312", Severity.warning, text, tool_calls_without_calls),
    ("ASSEMBLY-301", Severity.warning, b7, string_index),
    ("ASSEMBLY-301", Severity.warning, b7, sparse_index),
    ("ASSEMBLY-301", Severity.error, b7, bad_index),
    ("ASSEMBLY-302", Severity.error, b7, name_never),
    ("ASSEMBLY-302", Severity.error, b7, id_never),
    ("ASSEMBLY-303", Severity.warning, b7, repeated_id),
    ("ASSEMBLY-304", Severity.warning, b7, same_index_new_id),
    ("ASSEMBLY-305", Severity.warning, b7, interleaved),
    ("ASSEMBLY-306", Severity.warning, b7, whole_call),
    ("ASSEMBLY-307", Severity.error, b7, number_arguments),
]


@pytest.mark.parametrize("check, severity, base, mutate", MUTATIONS,
                         ids=[f"{c}-{m.__name__}" for c, _, _, m in MUTATIONS])
def test_mutation_trips_its_check(check: str, severity: Severity, base: Callable[[], list[Event]],
                                  mutate: Mutation) -> None:
    assert check not in checks(run(base(), USAGE_ON), *Severity)
    report = run(mutate(base()), USAGE_ON)
    assert severity in {f.severity for f in report.findings if f.check == check}, report.findings


def test_usage_chunk_without_include_usage_is_info() -> None:
    report = run(text(), {"model": "gpt-x", "messages": [], "stream": True})
    assert checks(report, *Severity) == {"LIFECYCLE-308"} and checks(report) == set()


# -- the prior-art bugs (specs/prior-art.md) ------------------------------------------------------------


def folded_calls(report: ExchangeReport) -> list[tuple[str | None, str | None, Any]]:
    assert report.turn is not None
    return [(item.name, item.call_id, item.arguments) for item in report.turn.client_calls]


def test_vercel_14722_name_after_arguments() -> None:
    natives = b7()
    first = natives[0]["choices"][0]["delta"]["tool_calls"][0]
    del first["function"]["name"]
    first["function"]["arguments"] = '{"city":'
    natives[1]["choices"][0]["delta"]["tool_calls"][0] = fragment(0, "", name="get_weather")
    natives[2]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] = '"Oslo"}'
    report = run(natives)
    assert checks(report, Severity.error) == set() and "ASSEMBLY-302" in checks(report, Severity.warning)
    assert folded_calls(report)[0] == ("get_weather", "call_1", {"city": "Oslo"})


def test_vercel_18382_omitted_index() -> None:
    natives = b7()
    for native in natives[:5]:
        del native["choices"][0]["delta"]["tool_calls"][0]["index"]
    report = run(natives)
    assert checks(report, Severity.error) == set() and "ASSEMBLY-301" in checks(report, Severity.warning)
    assert folded_calls(report) == [("get_weather", "call_1", {"city": "Oslo"}), ("get_time", "call_2", {})]


def test_vercel_19091_empty_id() -> None:
    natives = b7()
    natives[3]["choices"][0]["delta"]["tool_calls"][0]["id"] = ""
    report = run(natives)
    found = {(f.check, f.severity) for f in report.findings}
    assert ("ASSEMBLY-302", Severity.warning) in found and ("ASSEMBLY-302", Severity.error) in found
    assert report.turn is not None and report.turn.interrupt is not None and report.turn.interrupt.pending == ["call_1"]


def test_litellm_7621_one_chunk_per_call_is_not_concatenated() -> None:
    """Groq sends each parallel call whole, all at index 0: two calls, not '{...}{...}' under one."""
    natives = [chunk({"role": "assistant", "content": None}),
               calls(fragment(0, '{"city":"Oslo"}', "call_a", "get_weather")),
               calls(fragment(0, '{"city":"Rome"}', "call_b", "get_weather")), chunk({}, "tool_calls"), DONE]
    report = run(natives)
    assert folded_calls(report) == [("get_weather", "call_a", {"city": "Oslo"}), ("get_weather", "call_b", {"city": "Rome"})]
    assert checks(report, Severity.error) == set() and {"ASSEMBLY-304", "ASSEMBLY-306"} <= checks(report)


def test_langchain_34807_same_index_different_ids() -> None:
    report = run(same_index_new_id(b7()))
    assert folded_calls(report) == [("get_weather", "call_1", {"city": "Oslo"}), ("get_time", "call_2", {})]


def test_langchain_38456_string_index_merges_with_int() -> None:
    report = run(string_index(b7()))
    assert folded_calls(report)[0] == ("get_weather", "call_1", {"city": "Oslo"})
    assert checks(report, Severity.error) == set()


def test_pydantic_ai_1654_none_arguments_is_an_empty_object() -> None:
    natives = [chunk({"role": "assistant", "content": None}), calls(fragment(0, None, "call_n", "ping")),
               chunk({}, "tool_calls"), DONE]
    natives[1]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] = None
    report = run(natives)
    assert folded_calls(report) == [("ping", "call_n", {})]
    assert checks(report, Severity.warning) == {"ASSEMBLY-307"} and checks(report, Severity.error) == set()


def test_repeated_id_and_name_are_kept_once() -> None:
    """B.4.3: the openai SDK would make 'call_1call_1'; the harness keeps the first and warns."""
    natives = b7()
    natives[1]["choices"][0]["delta"]["tool_calls"][0].update(id="call_1", function={"name": "get_weather",
                                                                                     "arguments": '{"city":'})
    report = run(natives)
    assert folded_calls(report)[0] == ("get_weather", "call_1", {"city": "Oslo"})
    assert checks(report) == {"ASSEMBLY-303"}


def test_azure_empty_choices_does_not_crash() -> None:
    report = run(azure_prelude(empty_choices(text())))
    assert report.turn is not None and report.turn.text == "Hello." and checks(report) == set()


def test_pydantic_ai_8208_text_after_the_finish_is_flagged_not_folded() -> None:
    report = run(content_after_finish(text()))
    assert report.turn is not None and report.turn.text == "Hello."
    assert "LIFECYCLE-307" in checks(report)


# -- encoder ----------------------------------------------------------------------------------------------


def test_encoded_turn_reads_back_clean_and_writes_openai_shapes() -> None:
    turn = Turn(response_id="chatcmpl-9", stop="tool_use", usage=Usage(input_tokens=5, output_tokens=7), items=[
        Item(item_id="m", kind="message", text={0: "Let me check."}),
        Item(item_id="c", kind="tool_call", executor="client", name="f", call_id="call_1", arguments={"a": [1, 2]})])
    natives = provider.encode(turn)
    assert natives[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    first_call = next(n for n in natives if n != DONE and n["choices"] and "tool_calls" in n["choices"][0]["delta"])
    assert first_call["choices"][0]["delta"]["tool_calls"] == [
        {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": ""}}]
    assert natives[-3]["choices"][0] == {"index": 0, "delta": {}, "logprobs": None, "finish_reason": "tool_calls"}
    assert natives[-2]["choices"] == [] and natives[-1] == DONE
    wire = provider.to_wire(natives)
    assert b"event:" not in wire and wire.endswith(b"data: [DONE]\n\n")
    report = run_body(PROVIDER, wire, request_json=USAGE_ON)
    assert checks(report, *Severity) == set()
    assert report.turn is not None and report.turn.text == "Let me check." and report.turn.items[1].arguments == {"a": [1, 2]}


def test_reasoning_is_not_streamed_as_openai_keeps_it_hidden() -> None:
    turn = Turn(stop="end_turn", items=[Item(item_id="r", kind="reasoning", reasoning={0: "hmm"}),
                                        Item(item_id="m", kind="message", text={0: "ok"})])
    report = run(provider.encode(turn))
    assert report.turn is not None and [i.kind for i in report.turn.items] == ["message"]


# -- resume (B.5) -----------------------------------------------------------------------------------------


def interrupted() -> Turn:
    report = run(b7())
    assert report.turn is not None
    return report.turn


def next_request() -> Event:
    return provider.build_resume(interrupted(), {"call_1": {"temp_c": 4}, "call_2": "12:00"},
                                 Request(json=copy.deepcopy(USAGE_ON)))


def resume_checks(body: Event, turn: Turn | None = None) -> dict[str, Severity]:
    request = Request(uri="https://api.openai.com/v1/chat/completions", json=body)
    return {f.check: f.severity for f in provider.check_resume(turn or interrupted(), request, 1)}


def test_build_then_check_is_clean() -> None:
    body = next_request()
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "tool", "tool"]
    assert body["messages"][1]["tool_calls"][0]["function"] == {"name": "get_weather", "arguments": '{"city":"Oslo"}'}
    assert resume_checks(body) == {}


def test_build_refuses_a_missing_answer() -> None:
    with pytest.raises(ValueError, match="call_2"):
        provider.build_resume(interrupted(), {"call_1": "x"})


def drop_answer(body: Event) -> None:
    del body["messages"][3]


def duplicate_answer(body: Event) -> None:
    body["messages"].append(copy.deepcopy(body["messages"][2]))


def unknown_answer(body: Event) -> None:
    body["messages"].append({"role": "tool", "tool_call_id": "call_x", "content": "?"})


def answer_after_user(body: Event) -> None:
    body["messages"].insert(3, {"role": "user", "content": "and?"})


def arguments_object(body: Event) -> None:
    body["messages"][1]["tool_calls"][0]["function"]["arguments"] = {"city": "Oslo"}


def no_echo(body: Event) -> None:
    del body["messages"][1]


def content_object(body: Event) -> None:
    body["messages"][2]["content"] = {"temp_c": 4}


def answers_reversed(body: Event) -> None:
    body["messages"][2], body["messages"][3] = body["messages"][3], body["messages"][2]


def changed_arguments(body: Event) -> None:
    body["messages"][1]["tool_calls"][0]["function"]["arguments"] = '{"city":"Bergen"}'


def reserialised_arguments(body: Event) -> None:
    body["messages"][1]["tool_calls"][0]["function"]["arguments"] = '{"city": "Oslo"}'


def call_dropped_from_echo(body: Event) -> None:
    del body["messages"][1]["tool_calls"][1]


RESUME_MUTATIONS: list[tuple[dict[str, Severity], Callable[[Event], None]]] = [
    ({"RESUME-003": Severity.error}, drop_answer),
    ({"RESUME-004": Severity.error}, duplicate_answer),
    ({"RESUME-005": Severity.error}, unknown_answer),
    ({"RESUME-003": Severity.error, "RESUME-006": Severity.error}, answer_after_user),
    ({"RESUME-301": Severity.error}, arguments_object),
    ({"RESUME-302": Severity.error, "RESUME-003": Severity.error}, no_echo),
    ({"RESUME-303": Severity.error}, content_object),
    ({"RESUME-304": Severity.info}, answers_reversed),
    ({"RESUME-009": Severity.error}, changed_arguments),
    ({"RESUME-009": Severity.warning}, reserialised_arguments),
    ({"RESUME-009": Severity.error}, call_dropped_from_echo),
]


@pytest.mark.parametrize("expected, mutate", RESUME_MUTATIONS, ids=[m.__name__ for _, m in RESUME_MUTATIONS])
def test_resume_mutation_trips_its_check(expected: dict[str, Severity], mutate: Callable[[Event], None]) -> None:
    body = next_request()
    mutate(body)
    assert resume_checks(body) == expected


def test_a_failed_turn_owes_nothing() -> None:
    failed = run([{"error": {"message": "tool_use_failed", "type": "invalid_request_error"}}]).turn
    assert failed is not None and failed.status == "failed"
    assert resume_checks(next_request(), failed) == {}


def test_resume_needs_nothing_but_the_turn() -> None:
    turn = Turn.model_validate_json(interrupted().model_dump_json())
    assert resume_checks(next_request(), turn) == {}


def test_is_continuation() -> None:
    assert provider.is_continuation(Request(json=next_request()))
    assert not provider.is_continuation(Request(json=USAGE_ON))


@given(data=st.data())
def test_odd_next_requests_never_raise(data: st.DataObject) -> None:
    body = data.draw(st.recursive(st.none() | st.text(max_size=5) | st.integers(),
                                  lambda c: st.lists(c, max_size=3) | st.dictionaries(
                                      st.sampled_from(["messages", "role", "tool_calls", "tool_call_id", "id",
                                                       "function", "arguments", "name", "content"]), c, max_size=4),
                                  max_leaves=25))
    provider.check_resume(interrupted(), Request(json=body), 1)


# -- hostile input ----------------------------------------------------------------------------------------

ODD = st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=4) | st.lists(st.integers(), max_size=2) \
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)


@given(data=st.data())
def test_odd_values_anywhere_never_raise(data: st.DataObject) -> None:
    natives = data.draw(st.sampled_from([b7, text]))()
    target = natives[data.draw(st.integers(0, len(natives) - 2))]
    path = data.draw(st.sampled_from([("choices",), ("choices", 0, "delta"), ("choices", 0, "index"),
                                      ("choices", 0, "delta", "tool_calls"), ("choices", 0, "delta", "content"),
                                      ("choices", 0, "finish_reason"), ("usage",), ("error",), ("object",), ("id",)]))
    node: Any = target
    for key in path[:-1]:
        node = node[key] if isinstance(node, dict) or (isinstance(node, list) and len(node) > key) else None
        if node is None:
            return
    if isinstance(node, (dict, list)) and (isinstance(node, dict) or len(node) > path[-1]):
        node[path[-1]] = data.draw(ODD)
    report = run(natives)
    assert report.turn is not None


@given(body=st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(body: bytes) -> None:
    run_body(PROVIDER, b"data: " + body + b"\n\ndata: [DONE]\n\n")


# -- detection and schemas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("uri, body, expected", [
    ("https://api.openai.com/v1/chat/completions", b"", True),
    ("https://api.groq.com/openai/v1/chat/completions", b"", True),
    ("http://localhost:11434/v1/chat/completions/", b"", True),
    ("https://api.openai.com/v1/responses", b"", False),
    ("", b'data: {"id":"x","object":"chat.completion.chunk","choices":[]}\n\n', True),
    ("", b'data: {"type":"message_start"}\n\n', False),
])
def test_detect(uri: str, body: bytes, expected: bool) -> None:
    exchange = Exchange(index=0, request=Request(uri=uri), response=Response(body=body))
    assert provider.detect(exchange) is expected
    assert registry.get("chat-completions") is registry.get("openai-compatible") is provider


def schema(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "schemas" / PROVIDER / f"{name}.json").read_text())


@pytest.mark.parametrize("name", ["chat.completion.chunk", "error"])
def test_schemas_compile_alone(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))


@pytest.mark.parametrize("name, payload, valid", [
    ("chat.completion.chunk", b7()[0], True),
    ("chat.completion.chunk", usage_chunk(), True),
    ("chat.completion.chunk", {**chunk({}), "x_groq": {"id": "req"}, "provider": "Z"}, True),
    ("chat.completion.chunk", {**chunk({}), "object": "chat.completion"}, False),
    ("chat.completion.chunk", {k: v for k, v in chunk({}).items() if k != "choices"}, False),
    ("error", {"error": {"message": "m", "type": "t", "param": None, "code": None}}, True),
    ("error", {"error": "ollama says no"}, True),
    ("error", {"object": "error", "message": "m", "type": "t", "code": 400}, True),
    ("error", {"error": {"type": "t"}}, False),
])
def test_schemas_accept_and_reject(name: str, payload: Event, valid: bool) -> None:
    assert jsonschema.Draft202012Validator(schema(name)).is_valid(payload) is valid


# -- the shipped cassettes ---------------------------------------------------------------------------------


def test_cassettes_cover_the_scenarios() -> None:
    scenarios = set()
    for path in CASSETTES.glob("*.yaml"):
        meta = yaml.safe_load(path.read_text())["harness"]
        assert meta["provider"] == PROVIDER and meta["written_by"].startswith("provider-conformance-harness")
        scenarios.add(meta["scenario"])
    assert {"text-with-usage", "reasoning-deepseek", "tool-call-resume", "parallel-tool-calls-resume", "refusal",
            "in-stream-error", "truncated-stream", "two-choices", "resume-missing-tool-message",
            "resume-unknown-tool-id", "repeated-id-name", "groq-whole-calls", "azure-empty-choices-prelude",
            "mistral-magistral-thinking", "mistral-whole-calls-resume", "mistral-foreign-tool-id",
            "mistral-resume-missing-tool-message", "legacy-function-call",
            # real-world fidelity: one per reasoning dialect and per named style
            "reasoning-openrouter-details", "reasoning-openrouter-summary-encrypted", "reasoning-vllm-both-fields",
            "openai-moderation-chunk", "azure-async-filter", "ollama-created-drift", "llamacpp-rotating-id",
            "openrouter-restated-finish", "vllm-continuous-usage", "openai-audio-output"} <= scenarios


# -- the official SDK reads what the encoder writes --------------------------------------------------------

ARGUMENTS = st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5) | st.none(), max_size=3)


@given(text_=st.text(max_size=30), arguments=st.lists(ARGUMENTS, max_size=3), size=st.integers(1, 9))
def test_openai_sdk_reads_the_encoded_stream(text_: str, arguments: list[dict[str, Any]], size: int) -> None:
    """openai-python ``ChatCompletionStreamState`` (src/openai/lib/streaming/chat/_completions.py) folds the
    encoded chunks into the same text, calls and finish reason."""
    streaming = pytest.importorskip("openai.lib.streaming.chat._completions")
    from openai._models import construct_type
    from openai.types.chat import ChatCompletionChunk

    from harness.providers.base import fixed_size

    items = [Item(item_id="m", kind="message", text={0: text_})]
    items += [Item(item_id=f"c{n}", kind="tool_call", executor="client", name=f"f{n}", call_id=f"call_{n}",
                   arguments=value) for n, value in enumerate(arguments)]
    turn = Turn(stop="tool_use" if arguments else "end_turn", items=items, usage=Usage(input_tokens=1, output_tokens=2))
    state = streaming.ChatCompletionStreamState()
    for native in json.loads(json.dumps(provider.encode(turn, fixed_size(size)))):
        if native != DONE:
            list(state.handle_chunk(construct_type(type_=ChatCompletionChunk, value=native)))
    choice = state.get_final_completion().choices[0]
    assert choice.message.content == text_
    assert [(c.function.name, c.id, json.loads(c.function.arguments)) for c in choice.message.tool_calls or []] == [
        (f"f{n}", f"call_{n}", value) for n, value in enumerate(arguments)]
    assert choice.finish_reason == ("tool_calls" if arguments else "stop")


def test_groq_usage_is_read_from_x_groq() -> None:
    report = check_path(CASSETTES / "groq-whole-calls.yaml")
    turn = report.turns[0]
    assert turn.usage is not None and (turn.usage.input_tokens, turn.usage.output_tokens) == (80, 20)
    assert [call.call_id for call in turn.client_calls] == ["call_k3", "call_k4"]


# -- Mistral behind /v1/chat/completions (specs/gemini-mistral-bedrock.md B.4, B.6, B.7) ---------------------

MISTRAL_ID = "4b50fd351b234ebf9e4d252b23363c93"  # the id shape of every recorded Mistral stream


def mistral_chunk(delta: Event, finish: str | None = None, usage: Event | None = None,
                  model: str = "magistral-medium-latest") -> Event:
    """A Mistral chunk: 32-hex id, no system_fingerprint, usage only on the finish chunk (B.7)."""
    native = {**chunk(delta, finish), "id": MISTRAL_ID, "model": model}
    del native["usage"]
    return native if usage is None else {**native, "usage": usage}


def mistral(*deltas: Event, finish: str = "stop") -> list[Event]:
    usage = {"prompt_tokens": 10, "total_tokens": 30, "completion_tokens": 20}
    return [mistral_chunk({"role": "assistant", "content": ""}), *(mistral_chunk(delta) for delta in deltas),
            mistral_chunk({"content": ""}, finish, usage), DONE]


def thinking(*texts: str) -> Event:
    return {"type": "thinking", "thinking": [{"type": "text", "text": text} for text in texts]}


def test_thinking_chunks_are_reasoning_and_text_chunks_are_text() -> None:
    report = run(mistral({"content": [thinking("2+2", " is 4.")]}, {"content": [thinking()]},
                         {"content": [{"type": "text", "text": "2 + 2"}]}, {"content": " = 4"}))
    turn = report.turn
    assert turn is not None and turn.text == "2 + 2 = 4" and turn.native == {"server": "mistral"}
    assert [(item.kind, item.reasoning, item.text) for item in turn.items] == [
        ("message", {}, {0: "2 + 2 = 4"}), ("reasoning", {0: "2+2 is 4."}, {})]
    assert checks(report) == set() and checks(report, Severity.info) == {"LIFECYCLE-314", "LIFECYCLE-308"}


def test_a_content_list_from_another_server_is_read_and_a_warning() -> None:
    natives = text()
    natives[1]["choices"][0]["delta"]["content"] = [{"type": "text", "text": "Hel"}]
    report = run(natives, USAGE_ON)
    assert checks(report) == {"LIFECYCLE-314"} and report.turn is not None and report.turn.text == "Hello."


@pytest.mark.parametrize("content, severity", [
    ([{"type": "text", "text": 4}], Severity.error),
    ([{"type": "thinking", "thinking": "flat"}], Severity.error),
    (["just a string"], Severity.error),
    ([{"type": "thinking", "thinking": [None]}], Severity.error),
    ([{"type": "image_url", "image_url": "https://x/y.png"}], Severity.warning),
    ([{"type": "thinking", "thinking": [{"type": "reference", "reference_ids": [1]}]}], Severity.warning),
])
def test_assembly_308_unreadable_or_textless_chunks(content: list[Any], severity: Severity) -> None:
    report = run(mistral({"content": content}))
    assert {f.severity for f in report.findings if f.check == "ASSEMBLY-308"} == {severity}
    assert report.turn is not None and report.turn.text == "" and not report.turn.client_calls


def whole_calls(*ids: str) -> Event:
    """Mistral's tool calls: whole, in one delta, without index or type (corpus vercel_tool_call.chunks.txt)."""
    return {"content": None, "tool_calls": [{"id": call_id, "function": {"name": "f", "arguments": "{}"}}
                                            for call_id in ids]}


def test_mistral_whole_calls_without_index_or_type_are_info() -> None:
    report = run(mistral(whole_calls("D681PevKs", "a3Xk9LmQ2"), finish="tool_calls"))
    assert checks(report) == set()
    assert checks(report, Severity.info) == {"ASSEMBLY-301", "ASSEMBLY-302", "ASSEMBLY-306", "LIFECYCLE-308"}
    assert report.turn is not None and report.turn.interrupt is not None
    assert report.turn.interrupt.pending == ["D681PevKs", "a3Xk9LmQ2"]


def test_the_same_stream_from_another_server_is_warned() -> None:
    natives = mistral(whole_calls("D681PevKs"), finish="tool_calls")
    for native in natives[:-1]:
        native.update(id="chatcmpl-1", model="gpt-x")
    assert checks(run(natives)) == {"ASSEMBLY-301", "ASSEMBLY-302", "ASSEMBLY-306", "LIFECYCLE-308"}


@pytest.mark.parametrize("call_id, flagged", [("D681PevKs", False), ("call_12345", True), ("abc12345", True),
                                              ("abc-12345", True), ("null", True)])
def test_assembly_309_mistral_tool_call_ids(call_id: str, flagged: bool) -> None:
    report = run(mistral(whole_calls(call_id), finish="tool_calls"))
    found = [f for f in report.findings if f.check == "ASSEMBLY-309"]
    assert bool(found) is flagged and all(f.severity is Severity.warning for f in found)
    assert call_id != "null" or "SDK's default" in found[0].message


def test_other_servers_ids_are_not_held_to_mistral_shape() -> None:
    assert "ASSEMBLY-309" not in checks(run(b7(), USAGE_ON), *Severity)


def test_mistral_usage_before_the_finish_chunk_is_still_a_warning() -> None:
    natives = mistral({"content": "Hi"})
    natives[1]["usage"] = {"prompt_tokens": 1, "total_tokens": 2, "completion_tokens": 1}
    assert {f.severity for f in run(natives).findings if f.check == "LIFECYCLE-308"} == {Severity.warning,
                                                                                       Severity.info}


@pytest.mark.parametrize("uri, first, expected", [
    ("https://api.mistral.ai/v1/chat/completions", {}, True),
    ("https://codestral.mistral.ai/v1/chat/completions", {}, True),
    ("", {"model": "mistral-small-latest"}, True),
    ("", {"model": "magistral-medium-2507"}, True),
    ("", {"id": MISTRAL_ID, "model": "zai-glm-5-2"}, True),  # a Z.AI model served by Mistral (vercel/ai#19178)
    ("https://api.openai.com/v1/chat/completions", {"id": "chatcmpl-1", "model": "gpt-x"}, False),
    ("http://localhost:8000/v1/chat/completions", {"id": "chatcmpl-9", "model": "mistralai/Mistral-7B"}, False),
    ("https://notmistral.ai.example/v1/chat/completions", {"id": "cca85624-4056-401f-b220-d77601d1f70d"}, False),
])
def test_mistral_server_detection(uri: str, first: Event, expected: bool) -> None:
    from harness.providers.openai_chat import mistral as mistral_server

    assert mistral_server.is_server(uri, first) is expected


def mistral_turn() -> Turn:
    report = run(mistral(whole_calls("D681PevKs", "a3Xk9LmQ2"), finish="tool_calls"))
    assert report.turn is not None
    return report.turn


def test_mistral_resume_names_the_function_and_is_clean() -> None:
    body = provider.build_resume(mistral_turn(), {"D681PevKs": "18", "a3Xk9LmQ2": "21:15"})
    assert [(m["role"], m.get("name")) for m in body["messages"]] == [("assistant", None), ("tool", "f"), ("tool", "f")]
    request = Request(uri="https://api.mistral.ai/v1/chat/completions", json=body)
    assert provider.check_resume(mistral_turn(), request, 1) == []


def test_resume_305_foreign_ids_in_a_request_to_mistral() -> None:
    """The OpenAI turn's ids (call_1, call_2) are fine for OpenAI and refused by Mistral (B.6)."""
    body = next_request()
    assert resume_checks(body) == {}
    request = Request(uri="https://api.mistral.ai/v1/chat/completions", json=body)
    found = provider.check_resume(interrupted(), request, 1)
    assert {f.check for f in found} == {"RESUME-305"} and {f.severity for f in found} == {Severity.error}
    assert sorted(str(f.location.path) for f in found) == ["messages[1].tool_calls[0].id", "messages[1].tool_calls[1].id",
                                                          "messages[2].tool_call_id", "messages[3].tool_call_id"]


def test_resume_305_a_mistral_turn_holds_its_next_request_to_mistral_ids() -> None:
    body = provider.build_resume(mistral_turn(), {"D681PevKs": "18", "a3Xk9LmQ2": "21:15"})
    body["messages"].insert(0, {"role": "tool", "tool_call_id": "null", "content": "stale"})
    found = provider.check_resume(mistral_turn(), Request(uri="https://gateway.example/v1/chat/completions", json=body), 1)
    assert "RESUME-305" in {f.check for f in found}


# -- the deprecated delta.function_call (specs/openai-anthropic.md B.2) ---------------------------------------


def legacy(*pieces: Event) -> list[Event]:
    first = chunk({"role": "assistant", "content": None, "function_call": {"name": "get_weather", "arguments": ""}})
    return [first, *(chunk({"function_call": piece}) for piece in pieces), chunk({}, "function_call"), DONE]


def test_legacy_function_call_is_one_tool_call_and_info() -> None:
    report = run(legacy({"arguments": '{"city":'}, {"arguments": '"Oslo"}'}))
    assert checks(report) == set() and checks(report, Severity.info) == {"LIFECYCLE-313"}
    turn = report.turn
    assert turn is not None and turn.stop == "tool_use" and turn.interrupt is None
    assert folded_calls(report) == [("get_weather", None, {"city": "Oslo"})]


def test_legacy_function_call_repeating_its_name_is_flagged() -> None:
    report = run(legacy({"name": "get_weather", "arguments": "{}"}))
    assert checks(report) == {"ASSEMBLY-303"} and folded_calls(report) == [("get_weather", None, {})]


def test_legacy_function_call_without_a_name_is_an_error() -> None:
    natives = legacy({"arguments": "{}"})
    del natives[0]["choices"][0]["delta"]["function_call"]["name"]
    assert "ASSEMBLY-302" in checks(run(natives), Severity.error)


def test_legacy_function_call_after_the_finish_is_dropped() -> None:
    natives = legacy()
    natives.insert(-1, chunk({"function_call": {"arguments": "{}"}}))
    assert "LIFECYCLE-307" in checks(run(natives))


# -- real-world fidelity: reasoning dialects, unread members, named styles, one fault one finding -----------
# Each test here fails on the translator before this work: reasoning_details were dropped, unread members went
# unsaid, OpenAI's moderation chunk was named an Azure filter, created drift and restated finish reasons were
# errors, and a fault on every chunk gave one finding per chunk.


def reasoning_stream(*deltas: Event, finish: str = "stop") -> list[Event]:
    return [chunk({"role": "assistant", "content": ""}), *(chunk(delta) for delta in deltas),
            chunk({"content": "Yes."}), chunk({}, finish), usage_chunk(), DONE]


def found(report: ExchangeReport, check: str) -> list[Any]:
    return [f for f in report.findings if f.check == check]


def reasoning_item(report: ExchangeReport) -> Item:
    assert report.turn is not None
    return next(item for item in report.turn.items if item.kind == "reasoning")


ENCRYPTED = {"type": "reasoning.encrypted", "data": "gAAAAABpCCSI", "id": "rs_1", "format": "openai-responses-v1",
             "index": 0}


def test_deepseek_reasoning_content_is_reasoning() -> None:
    report = run(reasoning_stream({"reasoning_content": "Check divisors."}, {"reasoning_content": " None."}), USAGE_ON)
    assert reasoning_item(report).joined("reasoning") == "Check divisors. None."
    assert [(f.severity, f.message) for f in found(report, "LIFECYCLE-311")] == [
        (Severity.warning, "reasoning in delta.reasoning_content (DeepSeek style, and vLLM's before Jan 2026): read as "
                           "reasoning")]


def test_openrouter_reasoning_details_text_and_summary_are_reasoning_encrypted_kept_opaque() -> None:
    """OpenRouterTeam/ai-sdk-provider src/schemas/reasoning-details.ts: text, summary and encrypted parts; the plain
    delta.reasoning beside them carries the same text and is read once (src/chat/index.ts)."""
    report = run(reasoning_stream(
        {"reasoning": "Think.", "reasoning_details": [{"type": "reasoning.text", "text": "Think.", "index": 0}]},
        {"reasoning": None, "reasoning_details": [{"type": "reasoning.summary", "summary": " In short: yes.",
                                                   "index": 1}]},
        {"reasoning_details": [ENCRYPTED]}), USAGE_ON)
    item = reasoning_item(report)
    assert item.joined("reasoning") == "Think. In short: yes."
    assert item.native == {"reasoning_details": [ENCRYPTED]}
    assert {f.check for f in report.findings} == {"LIFECYCLE-311"}
    assert "delta.reasoning_details (OpenRouter style)" in found(report, "LIFECYCLE-311")[0].message


def test_encrypted_only_reasoning_opens_an_item_to_echo() -> None:
    """The corpus OpenRouter o3 stream sends reasoning: null and one reasoning.encrypted part: kept, not lost."""
    report = run(reasoning_stream({"reasoning": None, "reasoning_details": [ENCRYPTED]}), USAGE_ON)
    item = reasoning_item(report)
    assert item.reasoning == {} and item.native == {"reasoning_details": [ENCRYPTED]} and item.status == "completed"


def test_a_text_part_signature_is_kept_opaque() -> None:
    signed = {"type": "reasoning.text", "text": "", "signature": "EqQBCkYIBxgC", "format": "anthropic-claude-v1"}
    report = run(reasoning_stream({"reasoning_details": [{"type": "reasoning.text", "text": "Hm."}]},
                                  {"reasoning_details": [signed]}), USAGE_ON)
    assert reasoning_item(report).native == {"reasoning_details": [signed]}
    assert reasoning_item(report).joined("reasoning") == "Hm."


@pytest.mark.parametrize("part, severity, kept", [
    ({"type": "reasoning.text", "text": None}, None, False),  # text is nullish in OpenRouter's schema
    ({"type": "reasoning.text", "text": 7}, Severity.error, False),
    ({"type": "reasoning.summary"}, Severity.error, False),
    ({"type": "reasoning.encrypted", "data": None}, Severity.error, False),
    ({"summary": "untyped"}, Severity.error, False),
    ({"type": "reasoning.future", "blob": "x"}, Severity.info, True),
])
def test_assembly_310_reasoning_details_parts(part: Event, severity: Severity | None, kept: bool) -> None:
    report = run(reasoning_stream({"reasoning_details": [part]}), USAGE_ON)
    assert [f.severity for f in found(report, "ASSEMBLY-310")] == ([severity] if severity else [])
    items = [item for item in report.turn.items if item.kind == "reasoning"] if report.turn else []
    assert (items[0].native if items else {}) == ({"reasoning_details": [part]} if kept else {})


def test_vllm_deprecation_window_sends_one_text_twice_and_it_is_read_once() -> None:
    """vllm-project/vllm#27752 kept reasoning_content beside the renamed reasoning: one text, not two."""
    report = run(reasoning_stream({"reasoning": "Hm.", "reasoning_content": "Hm."}), USAGE_ON)
    assert reasoning_item(report).joined("reasoning") == "Hm."
    assert {f.check for f in report.findings} == {"LIFECYCLE-311"}


def test_a_reasoning_field_that_differs_is_named_not_dropped_silently() -> None:
    report = run(reasoning_stream({"reasoning": "Hm.", "reasoning_content": "Other."}), USAGE_ON)
    assert reasoning_item(report).joined("reasoning") == "Hm."
    assert [f.message for f in found(report, "LIFECYCLE-315")] == [
        "delta.reasoning_content differs from delta.reasoning in the same delta (read once, from delta.reasoning): "
        "named here, not in the turn"]


def test_lifecycle_311_is_said_once_per_field_and_exchange() -> None:
    natives = reasoning_stream({"reasoning": "a"}, {"reasoning": "b"}, {"reasoning_content": "c"})
    natives[1:1] = [chunk({"role": "assistant", "reasoning": "z"}, index=1), chunk({}, "stop", index=1)]
    report = run(natives, USAGE_ON)
    assert sorted(f.message.split(" (")[0] for f in found(report, "LIFECYCLE-311")) == [
        "reasoning in delta.reasoning", "reasoning in delta.reasoning_content"]
    assert reasoning_item(report).joined("reasoning") == "abc"


@pytest.mark.parametrize("where, member, value, path", [
    ("delta", "audio", {"id": "audio_1", "transcript": "Hel"}, "delta.audio"),
    ("delta", "annotations", [{"type": "url_citation"}], "delta.annotations"),
    ("choice", "logprobs", {"content": [{"token": "Hel", "logprob": -0.1}]}, "choices[].logprobs"),
    ("choice", "content_filter_results", {"hate": {"filtered": False}}, "choices[].content_filter_results"),
    ("choice", "native_finish_reason", "completed", "choices[].native_finish_reason"),
])
def test_lifecycle_315_names_each_unread_member_once(where: str, member: str, value: Any, path: str) -> None:
    natives = text()
    for native in natives[1:3]:
        target = native["choices"][0]["delta"] if where == "delta" else native["choices"][0]
        target[member] = copy.deepcopy(value)
    report = run(natives, USAGE_ON)
    assert [(f.severity, f.message.split(" ")[0]) for f in found(report, "LIFECYCLE-315")] == [(Severity.info, path)]
    assert checks(report) == set()


@pytest.mark.parametrize("value", [None, "", [], {}, 0, False])
def test_lifecycle_315_ignores_members_without_content(value: Any) -> None:
    natives = text()
    natives[1]["choices"][0]["delta"]["audio"] = value
    natives[1]["choices"][0]["stop_reason"] = value
    assert found(run(natives, USAGE_ON), "LIFECYCLE-315") == []


def test_openai_moderation_chunk_is_named_as_openai_not_azure() -> None:
    """openai-python chat_completion_chunk.py: ``moderation`` is "present on the moderation chunk when moderated
    completions are requested"; before, the empty-choices chunk was called an Azure prompt filter."""
    natives = moderation_chunk(text())
    request = {**USAGE_ON, "moderation": {"model": "omni-moderation-latest", "policy": {"output": {"mode": "score"}}}}
    report = run(natives, request)
    assert [f.message for f in report.findings] == [
        "OpenAI's moderation chunk (input flagged, output flagged): its results are not folded into the turn"]
    assert report.findings[0].severity is Severity.info and report.turn is not None and report.turn.text == "Hello."


def test_moderation_sides_and_an_unasked_moderation_chunk() -> None:
    mod = moderation()
    mod["output"] = {"type": "error", "code": "moderation_unavailable", "message": "try later"}
    report = run([*text()[:4], {**usage_chunk(), "usage": None, "moderation": mod}, *text()[4:]], USAGE_ON)
    assert [f.message for f in found(report, "LIFECYCLE-316")] == [
        "OpenAI's moderation chunk (input not flagged, output not moderated (error 'moderation_unavailable')): its "
        "results are not folded into the turn; the request did not ask for moderated completions"]


@pytest.mark.parametrize("frame, message", [
    ({"choices": [], "created": 0, "id": "", "model": "", "object": "", "prompt_filter_results": []},
     "Azure's prompt-filter frame (object \"\", prompt_filter_results) skipped"),
    ({"choices": [{"index": 0, "finish_reason": None, "content_filter_offsets": {"check_offset": 3},
                   "content_filter_results": {"hate": {"filtered": False}, "violence": {"filtered": True}}}],
      "created": 0, "id": "", "model": "", "object": ""},
     "Azure's content-filter annotation frame (object \"\", choices[].content_filter_results: filtered violence) "
     "skipped"),
    ({"choices": [], "created": 0, "id": "", "model": "", "object": ""},
     "a frame with object \"\" and no filter results skipped"),
    ({**usage_chunk(), "usage": None},
     "a chunk with empty choices and no usage, moderation or filter results: nothing to read, skipped"),
    ({**usage_chunk(), "usage": None, "prompt_filter_results": []},
     "Azure's prompt-filter results (prompt_filter_results) on a chunk with empty choices: skipped"),
])
def test_lifecycle_304_names_frames_by_what_identifies_them(frame: Event, message: str) -> None:
    report = run([frame, *text()], USAGE_ON)
    assert [(f.check, f.severity, f.message) for f in report.findings] == [("LIFECYCLE-304", Severity.info, message)]


def test_created_drifting_on_every_chunk_is_one_warning_with_the_count() -> None:
    natives = created_drift(text())
    report = run(natives, USAGE_ON)
    assert [(f.check, f.severity) for f in report.findings] == [("LIFECYCLE-305", Severity.warning)]
    assert report.findings[0].message == (
        "chunk created 1760000001 differs from the first chunk's 1760000000: a timestamp per chunk rather than per "
        "completion (Ollama's /v1 stamps time.Now() on every chunk, ollama/ollama#15088); nothing lost "
        "(4 times in this exchange, frames 1 to 4, the last 1760000004)")


def test_an_id_rotating_on_every_chunk_is_one_error_with_the_count() -> None:
    natives = text()
    for k, native in enumerate(natives[:-1]):
        native["id"] = f"chatcmpl-{k}"
    report = run(natives, USAGE_ON)
    assert [(f.check, f.severity) for f in report.findings] == [("LIFECYCLE-305", Severity.error)]
    assert report.findings[0].message.endswith("(4 times in this exchange, frames 1 to 4, the last 'chatcmpl-4')")
    assert report.turn is not None and report.turn.response_id == "chatcmpl-0"


def test_a_long_stream_drifting_everywhere_stays_one_finding_per_subject() -> None:
    natives = [chunk({"role": "assistant", "content": ""})] + [chunk({"content": "x"}) for _ in range(500)]
    natives += [chunk({}, "stop"), usage_chunk(), DONE]
    for k, native in enumerate(natives[:-1]):
        native.update(created=1760000000 + k, model=f"gpt-x-{k % 2}")
    report = run(natives, USAGE_ON)
    assert sorted((f.check, f.severity.value, f.message.rsplit("(", 1)[1]) for f in report.findings) == [
        ("LIFECYCLE-305", "warning", "251 times in this exchange, frames 1 to 501)"),
        ("LIFECYCLE-305", "warning", "502 times in this exchange, frames 1 to 502, the last 1760000502)")]


def test_usage_on_every_chunk_is_one_warning() -> None:
    """vLLM's continuous_usage_stats (specs/llamastack-cohere-compat.md C.4)."""
    natives = [native for native in text() if native == DONE or native["choices"]]
    for k, native in enumerate(natives[:-1]):
        native["usage"] = {"prompt_tokens": 5, "completion_tokens": k, "total_tokens": 5 + k}
    report = run(natives, USAGE_ON)
    assert [(f.check, f.severity) for f in report.findings] == [("LIFECYCLE-308", Severity.warning)]
    assert report.findings[0].message.startswith("usage rides on chunks with content (usage on every chunk: vLLM "
                                                 "continuous_usage_stats style")
    assert report.findings[0].message.endswith("(4 times in this exchange, frames 0 to 3)")
    assert report.turn is not None and report.turn.usage is not None and report.turn.usage.output_tokens == 3


@pytest.mark.parametrize("where, style", [
    (3, "usage rides on the finish chunk (DeepSeek / Groq style"),
    (None, "usage rides on a chunk whose choices carry nothing (OpenRouter style"),
])
def test_usage_beside_choices_is_named_by_where_it_rides(where: int | None, style: str) -> None:
    natives = text()
    usage = natives.pop(4)["usage"]
    if where is None:
        natives.insert(4, {**chunk({"role": "assistant", "content": ""}), "usage": usage})
    else:
        natives[where]["usage"] = usage
    messages = [f.message for f in found(run(natives, USAGE_ON), "LIFECYCLE-308")]
    assert len(messages) == 1 and messages[0].startswith(style)


def test_restated_finish_on_the_usage_chunk_names_the_style_and_loses_nothing() -> None:
    report = run(restated_finish_on_usage(text()), USAGE_ON)
    assert {(f.check, f.severity) for f in report.findings} == {("LIFECYCLE-307", Severity.warning),
                                                                ("LIFECYCLE-308", Severity.warning)}
    assert "on the usage chunk (OpenRouter's gpt-oss" in found(report, "LIFECYCLE-307")[0].message
    assert report.turn is not None and report.turn.stop == "end_turn" and report.turn.usage is not None


def test_a_different_second_finish_reason_is_still_an_error() -> None:
    report = run(second_finish(text()), USAGE_ON)
    assert [(f.severity, f.message) for f in found(report, "LIFECYCLE-307")] == [
        (Severity.error, "a second finish_reason 'length' for choice 0 after 'stop': the stop reason is ambiguous")]


def test_content_after_the_finish_on_many_chunks_is_one_error() -> None:
    natives = text()
    natives[4:4] = [chunk({"content": "late"}) for _ in range(20)]
    assert [f.message for f in found(run(natives, USAGE_ON), "LIFECYCLE-307")] == [
        "delta content for choice 0 after its finish_reason: dropped (20 times in this exchange, frames 4 to 23)"]


LOGPROBS_ON = {**USAGE_ON, "logprobs": True}


def test_lifecycle_317_logprobs_asked_but_missing_is_an_error() -> None:
    report = run(text(), LOGPROBS_ON)
    assert [(f.severity, f.message) for f in found(report, "LIFECYCLE-317")] == [
        (Severity.error, "choice 0 streams content without the logprobs the request asked for: lost (2 times in this "
                         "exchange, frames 1 to 2)")]


def test_logprobs_omitted_without_the_ask_says_nothing_and_present_ones_are_named() -> None:
    assert found(run(text(), USAGE_ON), "LIFECYCLE-317") == []
    natives = text()
    for native in natives[1:3]:
        native["choices"][0]["logprobs"] = {"content": [{"token": "x", "logprob": -1.0, "top_logprobs": []}]}
    report = run(natives, LOGPROBS_ON)
    assert checks(report, *Severity) == {"LIFECYCLE-315"}


def test_per_fragment_faults_are_said_once_per_subject() -> None:
    """vercel/ai #18382 (no index) and LangChain #38456 (string index) on every fragment: one finding each."""
    natives = b7()
    for native in natives[:5]:
        del native["choices"][0]["delta"]["tool_calls"][0]["index"]
    report = run(natives, USAGE_ON)
    assert [f.message.rsplit("(", 1)[-1] for f in found(report, "ASSEMBLY-301")] == [
        "5 times in this exchange, frames 0 to 4)"]
    natives = b7()
    for native in natives[:5]:
        native["choices"][0]["delta"]["tool_calls"][0]["index"] = str(native["choices"][0]["delta"]["tool_calls"][0]["index"])
    assert len(found(run(natives, USAGE_ON), "ASSEMBLY-301")) == 1


# -- the public recordings (../shared/corpus; skipped when absent) ------------------------------------------



def corpus_file(name: str) -> Path:
    from suites import corpus

    path = corpus.CORPUS / "chat-completions" / name
    if not path.is_file():
        pytest.skip(f"no corpus recording {path}")
    return path


def test_corpus_openrouter_o3_keeps_its_encrypted_reasoning() -> None:
    """pydantic-ai's OpenRouter o3 recording: reasoning null, one reasoning.encrypted part, then text. Before, the
    encrypted part was dropped without a word; now it sits on the reasoning item, ready to echo."""
    report = check_path(corpus_file("pai_openrouter_stream_reasoning.yaml"))
    turn = report.turns[0]
    reasoning = [item for item in turn.items if item.kind == "reasoning"]
    assert len(reasoning) == 1 and reasoning[0].reasoning == {}
    details = reasoning[0].native["reasoning_details"]
    assert [(part["type"], part["id"], part["data"][:12]) for part in details] == [
        ("reasoning.encrypted", "rs_0aa4f2c435e6d1dc0169082486816c8193a029b5fc4ef1764f", "gAAAAABpCCSI")]
    said = {(f.check, f.severity.value, f.message.split(" (")[0]) for f in report.findings}
    assert ("LIFECYCLE-311", "warning", "reasoning in delta.reasoning_details") in said
    assert ("LIFECYCLE-315", "info", "choices[].native_finish_reason carries content this family does not fold") in said
    assert ("LIFECYCLE-308", "warning", "usage rides on a chunk whose choices carry nothing") in said


def test_corpus_deepseek_reasoning_content_is_folded_whole() -> None:
    path = corpus_file("vercel_deepseek_tool_call.chunks.txt")
    payloads = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    expected = "".join(p["choices"][0]["delta"].get("reasoning_content") or "" for p in payloads if p["choices"])
    report = check_path(path, provider=PROVIDER)
    turn = report.turns[0]
    assert expected and [item.joined("reasoning") for item in turn.items if item.kind == "reasoning"] == [expected]
    assert [f.message for f in report.findings if f.check == "LIFECYCLE-308"] == [
        "usage rides on the finish chunk (DeepSeek / Groq style; B.3.6 wants a chunk of its own with choices [])"]


def test_corpus_groq_gpt_oss_channel_is_named_once_per_exchange() -> None:
    """pydantic-ai's Groq gpt-oss recording: 152 deltas carry channel "analysis" beside reasoning. Before, the
    member went unsaid; now each exchange names it once, and its reasoning field once."""
    report = check_path(corpus_file("pai_groq_tool_use_failed_error_event_resume.yaml"))
    for exchange in report.exchanges:
        said = [f.message.split(" ")[0] for f in exchange.findings if f.check == "LIFECYCLE-315"]
        assert said == ["delta.channel"]
        assert len([f for f in exchange.findings if f.check == "LIFECYCLE-311"]) == 1


@pytest.mark.parametrize("name, reasoning, native", [
    ("reasoning-deepseek", "Check divisors up to 9. None divide 97.", {}),
    ("reasoning-vllm-both-fields", "97 is odd; no divisor up to 9.", {}),
    ("reasoning-openrouter-details", "The user asks for 17 × 23.", {"reasoning_details": [
        {"type": "reasoning.text", "text": "", "format": "anthropic-claude-v1", "index": 0,
         "signature": "EqQBCkYIBxgCKkDx7Jd0b3Nh"}]}),
    ("reasoning-openrouter-summary-encrypted", "**Comparing decimals**\n\n9.8 is 9.80, larger than 9.11.", {
        "reasoning_details": [{"type": "reasoning.encrypted", "data": "gAAAAABpZc3RfS1lM0x0bE9tR3Vx",
                               "id": "rs_0bb5c3d2e1f0a9b8c7d6e5f4a3b2c1d0", "format": "openai-responses-v1",
                               "index": 0}]}),
])
def test_shipped_reasoning_cassettes_fold_each_dialect(name: str, reasoning: str, native: Event) -> None:
    turn = check_path(CASSETTES / f"{name}.yaml").turns[0]
    items = [item for item in turn.items if item.kind == "reasoning"]
    assert [(item.joined("reasoning"), item.native) for item in items] == [(reasoning, native)]
    assert turn.status == "completed" and turn.text


def test_an_unread_member_after_the_finish_is_named_too() -> None:
    """openai-python chat_completion_chunk.py: the final audio update (delta.audio.expires_at) carries no
    finish_reason; wherever it lands it is named, and it is no content dropped after the finish."""
    natives = text()
    natives.insert(4, chunk({"audio": {"expires_at": 1767229200}}))
    report = run(natives, USAGE_ON)
    assert [(f.check, f.message.split(" ")[0]) for f in report.findings] == [("LIFECYCLE-315", "delta.audio")]


# -- RESUME-306: encrypted and signed reasoning_details come back on the echo (OpenRouter) ----------------------

SIGNED = {"type": "reasoning.text", "text": "", "signature": "EqQBCkYIBxgC", "format": "anthropic-claude-v1", "index": 0}


def reasoned_calls(*parts: Event) -> Turn:
    """The B.7 calls, after reasoning whose opaque parts are ``parts``."""
    natives = b7()
    report = run([natives[0], chunk({"reasoning_details": list(parts)}), *natives[1:]], USAGE_ON)
    assert report.turn is not None and report.turn.interrupt is not None
    return report.turn


def echo_of_calls(body: Event) -> Event:
    return next(message for message in body["messages"] if message.get("tool_calls"))


def test_build_echoes_the_opaque_reasoning_and_the_check_is_clean() -> None:
    turn = reasoned_calls(ENCRYPTED, SIGNED)
    body = provider.build_resume(turn, {"call_1": "4", "call_2": "12:00"}, Request(json=copy.deepcopy(USAGE_ON)))
    assert echo_of_calls(body)["reasoning_details"] == [ENCRYPTED, SIGNED]
    assert resume_checks(body, turn) == {}


@pytest.mark.parametrize("change, words", [
    (lambda echo: echo.pop("reasoning_details"), "carries no reasoning_details"),
    (lambda echo: echo["reasoning_details"].pop(), "changes or leaves out"),  # the signed part left out
    (lambda echo: echo["reasoning_details"][0].update(data="gAAAAABpXXXX"), "changes or leaves out"),
])
def test_resume_306_an_echo_without_the_opaque_reasoning(change: Callable[[Event], Any], words: str) -> None:
    turn = reasoned_calls(ENCRYPTED, SIGNED)
    body = provider.build_resume(turn, {"call_1": "4", "call_2": "12:00"}, Request(json=copy.deepcopy(USAGE_ON)))
    change(echo_of_calls(body))
    found = provider.check_resume(turn, Request(json=body), 1)
    assert [(f.check, f.severity) for f in found] == [("RESUME-306", Severity.error)]
    assert words in found[0].message and found[0].location.path == "messages[1].reasoning_details"


def test_resume_306_asks_nothing_of_a_turn_without_calls_or_without_opaque_parts() -> None:
    plain = run(reasoning_stream({"reasoning_details": [ENCRYPTED]}), USAGE_ON).turn
    assert plain is not None
    body = {**USAGE_ON, "messages": [*USAGE_ON["messages"], {"role": "assistant", "content": "Yes."},
                                     {"role": "user", "content": "And?"}]}
    assert "RESUME-306" not in resume_checks(body, plain)  # no tool call: the reasoning is not required back
    summary_only = reasoned_calls({"type": "reasoning.summary", "summary": "Two calls."})
    body = provider.build_resume(summary_only, {"call_1": "4", "call_2": "12:00"}, Request(json=copy.deepcopy(USAGE_ON)))
    assert "reasoning_details" not in echo_of_calls(body) and resume_checks(body, summary_only) == {}


def test_openrouter_gemini_cassette_reports_the_missing_echo() -> None:
    report = check_path(CASSETTES / "openrouter-gemini-reasoning-not-echoed.yaml")
    assert [f.check for f in report.findings if f.severity is Severity.error] == ["RESUME-306"]
    assert report.verdict == "pass"  # expected: declared in the cassette
