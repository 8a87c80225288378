"""Unit tests of the bedrock-converse provider: detection, translation, the D.3 checks, D.5 resume, the
encoder and the shipped cassettes.

Each case breaks one rule in a stream the encoder composed for a small turn, so the check it must trip
is unambiguous; the unbroken stream stays clean.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from harness import registry
from harness.cassette import CHUNKS_CONTENT_TYPE, Cassette, load
from harness.exchange import Exchange, Request, Response
from harness.findings import Severity
from harness.pipeline import check_cassette, check_path, run_body
from harness.providers.bedrock_converse.encode import encode_turn
from harness.providers.bedrock_converse.translator import EXCEPTIONS, model_of
from harness.state import Item, Turn, Usage
from harness.wire.eventstream import encode_message
from suites.aws_oracle import botocore_events

PROVIDER = "bedrock-converse"
ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes" / PROVIDER
URI = "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.amazon.nova-micro-v1%3A0/converse-stream"
provider = registry.get(PROVIDER)
Natives = list[dict[str, Any]]


def tool_turn() -> Turn:
    return Turn(status="completed", stop="tool_use", usage=Usage(input_tokens=5, output_tokens=7),
                items=[Item(item_id="r", kind="reasoning", reasoning={0: "Need both."}),
                       Item(item_id="m", kind="message", text={0: "I will check."}),
                       Item(item_id="a", kind="tool_call", name="get_weather", call_id="w1", arguments={"city": "Oslo"}),
                       Item(item_id="b", kind="tool_call", name="get_time", call_id="t2", arguments={})])


def text_turn() -> Turn:
    return Turn(status="completed", stop="end_turn", usage=Usage(input_tokens=5, output_tokens=7),
                items=[Item(item_id="m", kind="message", text={0: "Hello there"})])


def run(natives: Natives, request_json: Any = None) -> Any:
    return run_body(PROVIDER, provider.to_wire(natives), request_json=request_json)


def serious(report: Any) -> set[str]:
    return {f.check for f in report.findings if f.severity is not Severity.info}


def checks(report: Any) -> set[str]:
    return {f.check for f in report.findings}


def mutated(make: Any, change: Any) -> set[str]:
    natives = copy.deepcopy(encode_turn(make(), padding=False))
    change(natives)
    return serious(run(natives))


def where(natives: Natives, kind: str, **fields: Any) -> int:
    """Position of the first native event of ``kind`` whose top-level fields match."""
    return next(n for n, native in enumerate(natives)
                if native["type"] == kind and all(native.get(k) == v for k, v in fields.items()))


# -- detection ------------------------------------------------------------------------------------------


ARN_URI = ("https://bedrock-runtime.eu-west-3.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aeu-west-3%3A123456789012"
           "%3Ainference-profile%2Feu.anthropic.claude/converse-stream")


@pytest.mark.parametrize("uri", [URI, URI.replace("converse-stream", "converse"), ARN_URI])
def test_detected_by_path(uri: str) -> None:
    exchange = Exchange(index=0, request=Request(uri=uri), response=Response(body=b""))
    assert registry.detect(exchange) is provider
    assert registry.get("converse") is provider


def test_detected_by_its_first_event_without_a_url() -> None:
    body = provider.to_wire(encode_turn(text_turn()))
    raw = Exchange(index=0, request=Request(), response=Response(body=body))  # a .bin file: no URL, no header
    assert registry.detect(raw) is provider
    line = b'{"contentBlockStart":{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"t","name":"n"}}}}\n'
    chunks = Exchange(index=0, request=Request(), response=Response(
        headers={"content-type": [CHUNKS_CONTENT_TYPE]}, body=line))
    assert registry.detect(chunks) is provider
    other = Exchange(index=0, request=Request(), response=Response(
        headers={"content-type": [CHUNKS_CONTENT_TYPE]}, body=b'{"type":"message_start","message":{}}\n'))
    assert registry.detect(other) is not provider


def test_model_id_comes_from_the_url_decoded() -> None:
    exchange = Exchange(index=0, request=Request(uri=URI), response=Response(
        headers={"content-type": ["application/vnd.amazon.eventstream"]},
        body=provider.to_wire(encode_turn(text_turn()))))
    report = check_cassette(Cassette(path=Path("x.yaml"), exchanges=[exchange]))
    assert report.turns[0].model == "us.amazon.nova-micro-v1:0"
    assert model_of(Request(uri=ARN_URI).path) == \
        "arn:aws:bedrock:eu-west-3:123456789012:inference-profile/eu.anthropic.claude"


# -- the encoder and a clean fold ---------------------------------------------------------------------------


@pytest.mark.parametrize("make", [tool_turn, text_turn])
def test_encoded_turns_are_clean_and_fold_back(make: Any) -> None:
    turn = make()
    report = run(provider.encode(turn))
    assert checks(report) == set()
    folded = report.turn
    assert (folded.stop, folded.native_stop, folded.text) == (turn.stop, turn.stop, turn.text)
    assert [(i.call_id, i.name, i.arguments) for i in folded.client_calls] == [
        (i.call_id, i.name, i.arguments) for i in turn.client_calls]
    assert folded.usage.total_tokens == 12


def test_encoder_writes_what_botocore_reads() -> None:
    """Every event of an encoded stream parses into its ConverseStreamOutput member, padding dropped."""
    natives = provider.encode(tool_turn())
    events = botocore_events(provider.to_wire(natives), "bedrock-runtime", "ConverseStream")
    assert [next(iter(event)) for event in events] == [native["type"] for native in natives]
    assert all("p" in native for native in natives) and not any("p" in next(iter(e.values())) for e in events)
    assert events[1] == {"contentBlockDelta": {"contentBlockIndex": 0,
                                               "delta": {"reasoningContent": {"text": "Need bot"}}}}  # 8 code points


def test_encoder_shape() -> None:
    natives = encode_turn(tool_turn(), padding=False)
    kinds = [n["type"] for n in natives]
    assert kinds[0] == "messageStart" and kinds[-2:] == ["messageStop", "metadata"]
    starts = [n["start"] for n in natives if n["type"] == "contentBlockStart"]
    assert starts == [{"toolUse": {"toolUseId": "w1", "name": "get_weather"}},
                      {"toolUse": {"toolUseId": "t2", "name": "get_time"}}]  # none for reasoning or text (D.2)
    signature = [n for n in natives if n.get("delta", {}).get("reasoningContent", {}).get("signature")]
    assert len(signature) == 1 and natives.index(signature[0]) == where(natives, "contentBlockStop") - 1
    assert natives[-2] == {"type": "messageStop", "stopReason": "tool_use"}
    empty = encode_turn(Turn(items=[Item(item_id="m", kind="message", text={0: ""})], stop="end_turn"), padding=False)
    assert empty[1] == {"type": "contentBlockDelta", "contentBlockIndex": 0, "delta": {"text": ""}}


def test_padding_is_ignored() -> None:
    padded, plain = run(encode_turn(tool_turn())), run(encode_turn(tool_turn(), padding=False))
    assert checks(padded) == checks(plain) == set()
    assert padded.turn.model_dump() == plain.turn.model_dump()


# -- lifecycle ----------------------------------------------------------------------------------------------


def test_message_start_first_once_and_assistant() -> None:
    assert mutated(text_turn, lambda n: n.pop(0)) == {"LIFECYCLE-701"}
    assert mutated(text_turn, lambda n: n.insert(2, copy.deepcopy(n[0]))) == {"LIFECYCLE-701"}
    assert mutated(text_turn, lambda n: n[0].update(role="user")) == {"LIFECYCLE-701"}


def test_union_with_no_member_or_two() -> None:
    """mulgadc/spinifex#844: an emulator's empty start union (boto3 raises ResponseParserError)."""
    empty_start = {"type": "contentBlockStart", "contentBlockIndex": 0, "start": {}}
    assert mutated(text_turn, lambda n: n.insert(1, empty_start)) == {"LIFECYCLE-702"}
    assert mutated(text_turn, lambda n: n[1]["delta"].update(toolUse={"input": "x"})) == {"LIFECYCLE-702"}
    assert mutated(tool_turn, lambda n: n[1]["delta"].update(reasoningContent={})) == {"LIFECYCLE-702"}


def test_unknown_union_member_is_tolerated() -> None:
    report = run([*encode_turn(text_turn())[:1],
                  {"type": "contentBlockDelta", "contentBlockIndex": 0, "delta": {"audio": {"chunk": "AA"}}},
                  *encode_turn(text_turn())[1:]])
    assert serious(report) == set() and "LIFECYCLE-710" in checks(report)


def test_block_lifecycle() -> None:
    stop = lambda n: where(n, "contentBlockStop")
    assert mutated(text_turn, lambda n: n.insert(stop(n) + 1, copy.deepcopy(n[1]))) == {"LIFECYCLE-703"}
    assert mutated(text_turn, lambda n: n.insert(stop(n), copy.deepcopy(n[stop(n)]))) == {"LIFECYCLE-703"}
    assert mutated(text_turn, lambda n: n.pop(stop(n))) == {"LIFECYCLE-703"}
    assert mutated(tool_turn, lambda n: n.insert(where(n, "contentBlockDelta", contentBlockIndex=2) + 1,
                                                 copy.deepcopy(n[where(n, "contentBlockStart")]))) == {"LIFECYCLE-703"}


def test_indices_and_interleaving() -> None:
    def renumber(natives: Natives) -> None:
        for native in natives:
            if "contentBlockIndex" in native:
                native["contentBlockIndex"] += 1

    assert mutated(text_turn, renumber) == {"LIFECYCLE-704"}
    # block 1 (text) begins before block 0 (reasoning) stops
    assert mutated(tool_turn, lambda n: n.insert(1, n.pop(where(n, "contentBlockDelta", contentBlockIndex=1)))) \
        == {"LIFECYCLE-704"}


def test_delta_kind_matches_its_block() -> None:
    text_into_call = {"type": "contentBlockDelta", "contentBlockIndex": 2, "delta": {"text": "x"}}
    assert mutated(tool_turn, lambda n: n.insert(where(n, "contentBlockStart") + 1, text_into_call)) \
        == {"LIFECYCLE-705"}
    redacted = {"type": "contentBlockDelta", "contentBlockIndex": 0,
                "delta": {"reasoningContent": {"redactedContent": "AAAA"}}}
    assert mutated(tool_turn, lambda n: n.insert(2, redacted)) == {"LIFECYCLE-705"}


def test_message_stop_then_metadata_last() -> None:
    assert mutated(text_turn, lambda n: n.insert(-1, copy.deepcopy(n[-2]))) == {"LIFECYCLE-706"}
    assert mutated(text_turn, lambda n: n.append(n.pop(-2))) == {"LIFECYCLE-706"}  # metadata before messageStop
    assert mutated(text_turn, lambda n: n.append(copy.deepcopy(n[1]))) == {"LIFECYCLE-706"}
    assert mutated(text_turn, lambda n: n.insert(-1, copy.deepcopy(n[1]))) == {"LIFECYCLE-706"}  # after messageStop


def test_tool_use_stop_needs_a_tool_use_block() -> None:
    assert mutated(text_turn, lambda n: n[-2].update(stopReason="tool_use")) == {"LIFECYCLE-707", "STATE-001"}
    assert mutated(tool_turn, lambda n: n[-2].update(stopReason="end_turn")) == {"STATE-001"}


def test_undocumented_stop_reason() -> None:
    assert mutated(text_turn, lambda n: n[-2].update(stopReason="tired")) == {"LIFECYCLE-708"}


def test_stop_reasons_map() -> None:
    for native, canonical, status in [("guardrail_intervened", "content_filter", "incomplete"),
                                      ("model_context_window_exceeded", "max_tokens", "incomplete"),
                                      ("stop_sequence", "stop_sequence", "completed")]:
        natives = encode_turn(text_turn())
        natives[-2]["stopReason"] = native
        report = run(natives)
        assert serious(report) == set() and (report.turn.stop, report.turn.status) == (canonical, status)


def test_reasoning_text_then_one_signature() -> None:
    def sign_twice(natives: Natives) -> None:
        natives.insert(where(natives, "contentBlockStop"), copy.deepcopy(natives[where(natives, "contentBlockStop") - 1]))

    def text_after(natives: Natives) -> None:
        natives.insert(where(natives, "contentBlockStop"), copy.deepcopy(natives[1]))

    assert mutated(tool_turn, sign_twice) == {"LIFECYCLE-711"}
    assert mutated(tool_turn, text_after) == {"LIFECYCLE-711"}


def test_tool_use_ids_unique_and_results_name_a_server_call() -> None:
    assert mutated(tool_turn, lambda n: n[where(n, "contentBlockStart", contentBlockIndex=3)]["start"]["toolUse"]
                   .update(toolUseId="w1")) == {"LIFECYCLE-712"}
    result = [{"type": "contentBlockStart", "contentBlockIndex": 1, "start": {"toolResult": {"toolUseId": "nobody"}}},
              {"type": "contentBlockStop", "contentBlockIndex": 1}]
    assert mutated(text_turn, lambda n: n.__setitem__(slice(-2, -2), result)) == {"LIFECYCLE-712"}


def test_server_tool_and_its_result() -> None:
    turn = Turn(stop="end_turn", items=[Item(item_id="s", kind="tool_call", name="nova_code_interpreter",
                                             call_id="srv", executor="server", arguments={"snippet": "1+1"}),
                                        Item(item_id="m", kind="message", text={0: "2"})])
    natives = encode_turn(turn, padding=False)
    natives[-2:-2] = [
        {"type": "contentBlockStart", "contentBlockIndex": 2, "start": {"toolResult": {"toolUseId": "srv",
                                                                                       "status": "success"}}},
        {"type": "contentBlockDelta", "contentBlockIndex": 2, "delta": {"toolResult": [{"json": {"stdOut": "2"}}]}},
        {"type": "contentBlockStop", "contentBlockIndex": 2}]
    report = run(natives)
    assert checks(report) == set()
    assert report.turn.interrupt is None and report.turn.client_calls == []
    assert [(r.call_id, r.output) for r in report.turn.tool_results] == [("srv", [{"json": {"stdOut": "2"}}])]


# -- exceptions and truncation -------------------------------------------------------------------------------


@pytest.mark.parametrize(("exception", "retryable"), [("modelStreamErrorException", True),
                                                      ("throttlingException", True),
                                                      ("validationException", False),
                                                      ("internalServerException", True),
                                                      ("serviceUnavailableException", True)])
def test_in_stream_exception_fails_the_turn(exception: str, retryable: bool) -> None:
    natives = encode_turn(text_turn())[:2] + [{"type": exception, "message": "boom"}]
    report = run(natives)
    assert serious(report) == set()
    turn = report.turn
    assert (turn.status, turn.stop, turn.native_stop) == ("failed", "error", exception)
    assert [(e.code, e.message, e.retryable) for e in turn.errors] == [(exception, "boom", retryable)]
    assert turn.items[0].status == "incomplete" and turn.text == "Hello th"


def test_exception_first_and_nothing_after_it() -> None:
    report = run([{"type": "throttlingException", "message": "Rate exceeded"}])
    assert serious(report) == set() and report.turn.status == "failed"
    after = run([*encode_turn(text_turn())[:2], {"type": "throttlingException", "message": "x"},
                 *encode_turn(text_turn())[2:]])
    assert serious(after) == {"LIFECYCLE-709"}


def test_unmodelled_error_message() -> None:
    error = encode_message({":message-type": "error", ":error-code": "InternalFailure",
                            ":error-message": "We encountered an internal error"}, b"")
    body = provider.to_wire(encode_turn(text_turn())[:2]) + error
    report = run_body(PROVIDER, body)
    assert report.turn.status == "failed"
    assert [(e.code, e.message) for e in report.turn.errors] == [("InternalFailure", "We encountered an internal error")]


def test_truncated_stream() -> None:
    natives = encode_turn(tool_turn())
    assert "LIFECYCLE-005" in serious(run(natives[:-1]))  # messageStop arrived, metadata never did
    cut = run(natives[: where(natives, "contentBlockStop", contentBlockIndex=2)])
    assert "LIFECYCLE-005" in serious(cut) and cut.turn.status == "truncated"


# -- assembly -------------------------------------------------------------------------------------------------


def test_delta_for_an_unopened_tool_block() -> None:
    def orphan(natives: Natives) -> None:
        natives.pop(where(natives, "contentBlockStart", contentBlockIndex=3))

    found = mutated(tool_turn, orphan)
    assert "ASSEMBLY-701" in found and found <= {"ASSEMBLY-701", "LIFECYCLE-703"}


def test_tool_input_fragments_join_and_parse() -> None:
    report = run(encode_turn(tool_turn(), fragments=lambda text: list(text)))
    assert checks(report) == set() and report.turn.client_calls[0].arguments == {"city": "Oslo"}
    assert report.turn.client_calls[1].arguments == {}

    def no_input(natives: Natives) -> None:  # D.4: no fragment at all means {}
        natives[:] = [n for n in natives if not (n["type"] == "contentBlockDelta" and n["contentBlockIndex"] == 3)]

    natives = encode_turn(tool_turn())
    no_input(natives)
    folded = run(natives).turn
    assert folded.client_calls[1].arguments == {} and folded.client_calls[1].arguments_valid

    def broken(natives: Natives) -> None:  # the closing brace never comes
        deltas = [n for n in natives if n["type"] == "contentBlockDelta" and n["contentBlockIndex"] == 2]
        deltas[-1]["delta"]["toolUse"]["input"] = deltas[-1]["delta"]["toolUse"]["input"].rstrip("}")

    def array(natives: Natives) -> None:
        deltas = [n for n in natives if n["type"] == "contentBlockDelta" and n["contentBlockIndex"] == 2]
        deltas[0]["delta"]["toolUse"]["input"], deltas[1:] = "[1]", []
        natives[:] = [n for n in natives if n["type"] != "contentBlockDelta" or n is deltas[0]
                      or n["contentBlockIndex"] != 2]

    assert mutated(tool_turn, broken) == {"ASSEMBLY-003"}
    assert mutated(tool_turn, array) == {"ASSEMBLY-004"}


def test_usage_totals() -> None:
    assert mutated(text_turn, lambda n: n[-1]["usage"].update(totalTokens=99)) == {"STATE-002"}


# -- resume --------------------------------------------------------------------------------------------------


PRIOR = Request(json={"messages": [{"role": "user", "content": [{"text": "Weather and time in Oslo?"}]}]})


def folded_tool_turn() -> Turn:
    return run(encode_turn(tool_turn())).turn


def resume_findings(body: dict[str, Any], turn: Turn | None = None) -> set[str]:
    found = provider.check_resume(turn or folded_tool_turn(), Request(uri=URI, json=body), 1)
    return {f.check for f in found if f.severity is not Severity.info}


def built() -> dict[str, Any]:
    return provider.build_resume(folded_tool_turn(), {"w1": {"tempC": 4}, "t2": "09:00"}, PRIOR)


def test_built_resume_shape_and_clean() -> None:
    body = built()
    assert resume_findings(body) == set()
    echo, answers = body["messages"][1:]
    assert [next(iter(block)) for block in echo["content"]] == ["reasoningContent", "text", "toolUse", "toolUse"]
    assert echo["content"][0] == {"reasoningContent": {"reasoningText": {"text": "Need both.", "signature": "sig-r"}}}
    assert echo["content"][2] == {"toolUse": {"toolUseId": "w1", "name": "get_weather", "input": {"city": "Oslo"}}}
    assert answers == {"role": "user", "content": [
        {"toolResult": {"toolUseId": "w1", "content": [{"json": {"tempC": 4}}], "status": "success"}},
        {"toolResult": {"toolUseId": "t2", "content": [{"text": "09:00"}], "status": "success"}}]}
    assert [tool["toolSpec"]["name"] for tool in body["toolConfig"]["tools"]] == ["get_time", "get_weather"]
    assert provider.is_continuation(Request(json=body)) and not provider.is_continuation(PRIOR)
    with pytest.raises(ValueError, match="t2"):
        provider.build_resume(folded_tool_turn(), {"w1": 1}, PRIOR)


def _edit(change: Any) -> dict[str, Any]:
    body = built()
    change(body)
    return body


def test_answer_counting() -> None:
    results = lambda body: body["messages"][-1]["content"]
    assert resume_findings(_edit(lambda b: results(b).pop())) == {"RESUME-003"}
    assert resume_findings(_edit(lambda b: results(b).append(copy.deepcopy(results(b)[0])))) == {"RESUME-004"}
    unknown = {"toolResult": {"toolUseId": "nobody", "content": [{"text": "?"}]}}
    assert resume_findings(_edit(lambda b: results(b).append(unknown))) == {"RESUME-005"}
    later = lambda b: b["messages"].extend([{"role": "assistant", "content": [{"text": "ok"}]},
                                            {"role": "user", "content": [results(b).pop()]}])
    assert resume_findings(_edit(later)) == {"RESUME-003", "RESUME-006"}


def test_echo_must_be_what_the_model_produced() -> None:
    echo = lambda b: b["messages"][1]["content"]
    assert resume_findings(_edit(lambda b: echo(b)[2]["toolUse"]["input"].update(city="OSLO"))) == {"RESUME-009"}
    assert resume_findings(_edit(lambda b: echo(b)[3]["toolUse"].update(name="get_clock"))) == {"RESUME-009"}
    assert resume_findings(_edit(lambda b: echo(b).pop(3))) == {"RESUME-009"}
    assert resume_findings(_edit(lambda b: echo(b)[1].update(text="I'll check."))) == {"RESUME-009"}
    signature = lambda b: echo(b)[0]["reasoningContent"]["reasoningText"].update(signature="forged")
    assert resume_findings(_edit(signature)) == {"RESUME-009"}
    dropped = provider.check_resume(folded_tool_turn(), Request(json=_edit(lambda b: echo(b).pop(0))), 1)
    assert [(f.check, f.severity) for f in dropped] == [("RESUME-009", Severity.warning)]


def test_redacted_reasoning_goes_back_unchanged() -> None:
    natives = encode_turn(tool_turn())
    natives[1:where(natives, "contentBlockStop")] = [
        {"type": "contentBlockDelta", "contentBlockIndex": 0, "delta": {"reasoningContent": {"redactedContent": "QUJD"}}},
        {"type": "contentBlockDelta", "contentBlockIndex": 0, "delta": {"reasoningContent": {"redactedContent": "REVG"}}}]
    turn = run(natives).turn
    body = provider.build_resume(turn, {"w1": "4", "t2": "9"}, PRIOR)
    assert body["messages"][1]["content"][0] == {"reasoningContent": {"redactedContent": "QUJDREVG"}}
    assert resume_findings(body, turn) == set()
    body["messages"][1]["content"][0]["reasoningContent"]["redactedContent"] = "QUJD"
    assert resume_findings(body, turn) == {"RESUME-009"}


def test_shape_rules() -> None:
    assert resume_findings(_edit(lambda b: b["messages"].insert(0, {"role": "assistant", "content": [{"text": "x"}]}))) \
        == {"RESUME-701"}
    assert resume_findings(_edit(lambda b: b["messages"].insert(1, {"role": "user", "content": [{"text": "x"}]}))) \
        == {"RESUME-701"}  # two user messages in a row
    error_empty = lambda b: b["messages"][-1]["content"][0]["toolResult"].update(status="error", content=[])
    assert resume_findings(_edit(error_empty)) == {"RESUME-702"}
    bad_status = lambda b: b["messages"][-1]["content"][0]["toolResult"].update(status="failed")
    assert resume_findings(_edit(bad_status)) == {"RESUME-702"}
    assert resume_findings(_edit(lambda b: b.pop("toolConfig"))) == {"RESUME-703"}
    text_first = lambda b: b["messages"][-1]["content"].insert(0, {"text": "results:"})
    assert resume_findings(_edit(text_first)) == {"RESUME-704"}


def test_history_before_the_echo() -> None:
    earlier = [{"role": "user", "content": [{"text": "Hi"}]},
               {"role": "assistant", "content": [{"toolUse": {"toolUseId": "old1", "name": "get_time", "input": {}}}]},
               {"role": "user", "content": [{"toolResult": {"toolUseId": "old1", "content": [{"text": "8:00"}]}}]}]
    body = provider.build_resume(folded_tool_turn(), {"w1": 1, "t2": 2}, Request(json={"messages": earlier}))
    assert resume_findings(body) == set()
    body["messages"][2]["content"][0]["toolResult"]["toolUseId"] = "old2"
    found = provider.check_resume(folded_tool_turn(), Request(json=body), 1)
    assert sorted(f.check for f in found) == ["RESUME-705", "RESUME-705"]  # old1 unanswered, old2 unknown


def test_failed_turn_has_nothing_to_resume() -> None:
    assert provider.check_resume(Turn(status="failed"), Request(json={"messages": []}), 1) == []


# -- hostile input ---------------------------------------------------------------------------------------------

KEYS = st.sampled_from(["contentBlockIndex", "start", "delta", "role", "stopReason", "usage", "metrics", "message",
                        "p", "code", "toolUse", "toolResult", "image", "text", "reasoningContent", "signature",
                        "redactedContent", "input", "toolUseId", "name", "type", "status", "inputTokens"])
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 3) | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=3), max_leaves=10)


@given(data=st.data())
def test_known_event_types_with_arbitrary_members_never_crash(data: st.DataObject) -> None:
    """Well-framed messages of the family's own event and exception types, members drawn at random (what
    a schema rejects and the translator must still survive)."""
    kinds = sorted(provider.event_types | set(EXCEPTIONS))
    events = data.draw(st.lists(st.builds(lambda kind, members: {**members, "type": kind}, st.sampled_from(kinds),
                                          st.dictionaries(KEYS, VALUES, max_size=4)), min_size=1, max_size=12))
    report = run(events)
    assert report.turn is not None


# -- the shipped cassettes --------------------------------------------------------------------------------------


SHIPPED = sorted(CASSETTES.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_cassette_bodies_are_their_listed_events(path: Path) -> None:
    """Each cassette lists its events (one union per line, Vercel's form) under harness.events; the
    binary bodies are exactly those events framed (cut short by harness.cut bytes where it says so)."""
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))["harness"]
    exchanges = load(path).exchanges
    assert len(meta["events"]) == len(exchanges)
    for n, (listing, exchange) in enumerate(zip(meta["events"], exchanges)):
        natives = [{"type": member, **payload} for line in listing for member, payload in json.loads(line).items()]
        wire = provider.to_wire(natives)
        if n == len(exchanges) - 1 and "cut" in meta:
            wire = wire[: -meta["cut"]]
        assert exchange.response.body == wire


def test_enough_cassettes_and_every_id_declared_somewhere() -> None:
    declared = {check for path in SHIPPED for check in check_path(path).meta.expect}
    ours = {"LIFECYCLE-702", "LIFECYCLE-703", "LIFECYCLE-704", "LIFECYCLE-706", "LIFECYCLE-707", "LIFECYCLE-710",
            "ASSEMBLY-701", "RESUME-702", "RESUME-703", "RESUME-704"}
    assert len(SHIPPED) >= 8 and ours <= declared
