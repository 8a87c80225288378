"""The gemini family: each check fires on a mutation of a clean stream and not on the stream itself."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.exchange import Request
from harness.findings import Severity
from harness.pipeline import run_body
from harness.registry import get
from harness.providers.gemini.encode import to_wire

G = get("gemini")
CALL = {"functionCall": {"id": "c1", "name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "U0lH"}


def chunk(parts: list[Any] | None = None, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", **({"parts": parts} if parts is not None else {})}}
    if finish:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], "responseId": "r1", **extra}


def run(chunks: list[dict[str, Any]]) -> tuple[Any, set[str]]:
    report = run_body("gemini", to_wire(chunks))
    return report, {f.check for f in report.findings if f.severity is not Severity.info} | {
        f.check for f in report.findings if f.check in ("LIFECYCLE-408", "ASSEMBLY-401", "LIFECYCLE-406")}


CLEAN = [chunk([{"text": "Hi"}]), chunk([CALL]), chunk(None, "STOP", usageMetadata={"promptTokenCount": 3,
                                                                                   "candidatesTokenCount": 2,
                                                                                   "totalTokenCount": 5})]


def test_clean_stream_folds() -> None:
    report, checks = run(CLEAN)
    assert checks == set()
    turn = report.turn
    assert turn.stop == "tool_use" and turn.interrupt.pending == ["c1"] and turn.text == "Hi"
    assert turn.items[1].arguments == {"city": "Paris"} and turn.items[1].native["thoughtSignature"] == "U0lH"


MUTANTS = {
    "LIFECYCLE-401": CLEAN[:1] + [{"error": {"code": 500, "message": "x", "status": "INTERNAL"}}] + CLEAN[1:],
    "LIFECYCLE-402": CLEAN[:1] + [{**CLEAN[1], "promptFeedback": {"safetyRatings": []}}] + CLEAN[2:],
    "LIFECYCLE-403": CLEAN + [chunk([{"text": "late"}])],
    "LIFECYCLE-404": [chunk(None, "STOP"), chunk([{"text": "late"}])],
    "LIFECYCLE-405": CLEAN[:1] + [{**CLEAN[1], "responseId": "r2"}] + CLEAN[2:],
    "LIFECYCLE-406": [chunk([{"text": "x"}]), chunk(None, "MALFORMED_FUNCTION_CALL", )],
    "LIFECYCLE-407": CLEAN[:2] + [chunk(None, "NEW_REASON")],
    "LIFECYCLE-408": [chunk([{"functionCall": {"name": "f", "args": {}}}]), chunk(None, "STOP")],
    "LIFECYCLE-005": CLEAN[:2],
    "ASSEMBLY-401": [chunk([{"functionCall": {"id": "v", "name": "f", "willContinue": True}}]), chunk(None, "STOP")],
    "ASSEMBLY-402": [chunk([{"functionCall": {"args": {"a": 1}}}]), chunk(None, "STOP")],
    "ASSEMBLY-005": [chunk([{"functionCall": {"partialArgs": [{"jsonPath": "$.a", "stringValue": "x"}]}}]),
                     chunk(None, "STOP")],
    "ASSEMBLY-006": [chunk([{"functionCall": {"id": "v", "name": "f", "partialArgs": [
        {"jsonPath": "$.a", "stringValue": "x", "willContinue": True}]}}]), chunk([{"functionCall": {}}]),
        chunk(None, "STOP")],
}


def test_each_check_fires_on_its_mutation() -> None:
    for check, chunks in MUTANTS.items():
        assert check in run(chunks)[1], check


def test_adk_4311_name_and_will_continue_is_an_open_call_not_a_complete_one() -> None:
    """google/adk-python#4311: the opening chunk has name+willContinue and no partialArgs."""
    report, checks = run([chunk([{"functionCall": {"id": "v", "name": "f", "willContinue": True}}]),
                          chunk([{"functionCall": {"partialArgs": [{"jsonPath": "$.q", "stringValue": "x"}],
                                                   "willContinue": True}}]),
                          chunk([{"functionCall": {}}]), chunk(None, "STOP")])
    assert checks == set() and [i.arguments for i in report.turn.items] == [{"q": "x"}]


def test_array_paths_reassemble() -> None:
    """ADK's aggregator only handles dotted paths; `[n]` must work (A.5)."""
    report, checks = run([chunk([{"functionCall": {"id": "v", "name": "f", "willContinue": True}}]),
                          chunk([{"functionCall": {"partialArgs": [{"jsonPath": "$.ops[1].price", "numberValue": 0.5},
                                                                   {"jsonPath": "$.ops[0].id", "stringValue": "a"}]}}]),
                          chunk(None, "STOP")])
    assert checks == set()
    assert report.turn.items[0].arguments == {"ops": [{"id": "a"}, {"price": 0.5}]}


def test_build_then_check_resume_round_trip() -> None:
    report, _ = run(CLEAN)
    prior = Request(json={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]})
    body = G.build_resume(report.turn, {"c1": {"tempC": 18}}, prior)
    assert body["contents"][1]["parts"][1]["thoughtSignature"] == "U0lH"
    assert G.check_resume(report.turn, Request(json=body), 1) == []
    placeholder = copy.deepcopy(body)
    placeholder["contents"][1]["parts"][1]["thoughtSignature"] = "skip_thought_signature_validator"
    assert {f.check for f in G.check_resume(report.turn, Request(json=placeholder), 1)} == {"RESUME-402"}
    renamed = copy.deepcopy(body)
    renamed["contents"][2]["parts"][0]["functionResponse"]["name"] = "other"
    assert {f.check for f in G.check_resume(report.turn, Request(json=renamed), 1)} == {"RESUME-403"}
    bad = copy.deepcopy(body)
    bad["contents"][2]["parts"][0]["functionResponse"]["response"] = "18C"
    bad["contents"][2]["role"] = "function"
    assert {f.check for f in G.check_resume(report.turn, Request(json=bad), 1)} == {"RESUME-404"}


@given(chunks=st.lists(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                                    lambda c: st.lists(c, max_size=3) | st.dictionaries(
                                        st.sampled_from(["candidates", "content", "parts", "text", "functionCall",
                                                         "partialArgs", "jsonPath", "name", "willContinue",
                                                         "finishReason", "error", "thought", "index",
                                                         "usageMetadata", "promptFeedback", "blockReason"]),
                                        c, max_size=4), max_leaves=20), max_size=6))
def test_hostile_chunks_never_raise(chunks: list[Any]) -> None:
    body = "".join(f"data: {json.dumps(c)}\r\n\r\n" for c in chunks).encode()
    report = run_body("gemini", body)
    assert report.turn is not None or report.findings or not chunks


def test_a_signed_call_after_an_unsigned_one_is_out_of_place() -> None:
    """A.4.10: only the first of parallel calls carries the thoughtSignature."""
    first = {"functionCall": {"id": "c1", "name": "a", "args": {}}, "thoughtSignature": "U0lH"}
    second = {"functionCall": {"id": "c2", "name": "b", "args": {}}}
    _, in_order = run([chunk([first]), chunk([second], finish="STOP")])
    _, swapped = run([chunk([second]), chunk([first], finish="STOP")])
    assert "LIFECYCLE-409" not in in_order and "LIFECYCLE-409" in swapped


# -- numeric enums ($alt=json;enum-encoding=int) ----------------------------------------------------------

from pathlib import Path  # noqa: E402

from harness.exchange import Exchange, Response  # noqa: E402
from harness.pipeline import _run_exchange, check_path  # noqa: E402

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "gemini"
ASKED = "https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent?%24alt=json%3Benum-encoding%3Dint"
NAMES = "https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent?alt=sse"


def run_uri(chunks: list[dict[str, Any]], uri: str) -> tuple[Any, list[Any]]:
    exchange = Exchange(index=0, request=Request(method="POST", uri=uri),
                        response=Response(headers={"content-type": ["text/event-stream"]}, body=to_wire(chunks)),
                        provider_hint="gemini")
    result, _ = _run_exchange(exchange, None, False)
    return result.turn, result.findings


def test_integer_finish_reason_is_read_as_its_name_when_the_request_asked() -> None:
    turn, findings = run_uri([chunk([{"text": "Hi"}]), chunk(None, 1)], ASKED)  # type: ignore[arg-type]
    assert findings == [] and turn.stop == "end_turn" and turn.native_stop == "STOP" and turn.text == "Hi"
    turn, findings = run_uri([chunk([{"text": "Hi"}]), chunk(None, 2)], ASKED)  # type: ignore[arg-type]
    assert turn.stop == "max_tokens" and findings == []


def test_integer_enums_without_the_request_asking_are_flagged_once_and_still_read() -> None:
    rated = {**chunk(None, 1), "candidates": [{**chunk(None, 1)["candidates"][0],
                                               "safetyRatings": [{"category": 8, "probability": 1}]}]}
    turn, findings = run_uri([chunk([{"text": "Hi"}]), rated], NAMES)
    assert [(f.check, f.severity) for f in findings] == [("LIFECYCLE-410", Severity.warning)]
    assert turn.stop == "end_turn"
    turn, findings = run_uri([chunk([{"text": "Hi"}]), chunk(None, "STOP")], NAMES)
    assert findings == []


def test_integer_block_reason_and_unknown_numbers() -> None:
    turn, findings = run_uri([{"promptFeedback": {"blockReason": 1, "safetyRatings": [{"category": 10,
                                                                                       "probability": 4}]}}], ASKED)
    assert findings == [] and turn.stop == "content_filter" and turn.native_stop == "SAFETY"
    turn, findings = run_uri([chunk([{"text": "Hi"}]), chunk(None, 99)], ASKED)  # type: ignore[arg-type]
    assert {f.check for f in findings} == {"LIFECYCLE-407"} and turn.stop == "other"


VERTEX = ("https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/google/models/g"
          ":streamGenerateContent?%24alt=json%3Benum-encoding%3Dint")


@pytest.mark.parametrize(("number", "gemini_api", "vertex_ai"), [
    (1, "STOP", "STOP"),  # 0-5 are the same in both protos
    (7, "BLOCKLIST", "PROHIBITED_CONTENT"),
    (9, "SPII", "MALFORMED_FUNCTION_CALL"),
    (12, "UNEXPECTED_TOOL_CALL", "IMAGE_PROHIBITED_CONTENT"),
    (15, "IMAGE_OTHER", "UNEXPECTED_TOOL_CALL"),
])
def test_finish_reason_numbers_are_read_by_the_surface_the_request_went_to(number: int, gemini_api: str,
                                                                          vertex_ai: str) -> None:
    # generative_service.proto (Gemini API) and aiplatform v1 content.proto (Vertex) number past OTHER = 5 apart
    for uri, name in ((ASKED, gemini_api), (VERTEX, vertex_ai)):
        turn, findings = run_uri([chunk([{"text": "Hi"}]), chunk(None, number)], uri)  # type: ignore[arg-type]
        assert turn.native_stop == name  # read as a documented value, so no LIFECYCLE-407
        assert not {f.check for f in findings} & {"LIFECYCLE-407", "LIFECYCLE-410"}


def test_vertex_numbers_its_block_reasons_and_leaves_gaps_unassigned() -> None:
    turn, findings = run_uri([{"promptFeedback": {"blockReason": 6}}], VERTEX)
    assert turn.native_stop == "IMAGE_SAFETY" and turn.stop == "content_filter" and findings == []
    turn, findings = run_uri([chunk([{"text": "Hi"}]), chunk(None, 10)], VERTEX)  # type: ignore[arg-type]
    assert {f.check for f in findings} == {"LIFECYCLE-407"}  # 10 is assigned on neither


def test_numeric_enum_cassettes() -> None:
    asked = check_path(CASSETTES / "numeric-enums-requested.yaml")
    assert asked.findings == [] and asked.turns[0].stop == "end_turn" and asked.turns[0].text == "Hello there."
    names = check_path(CASSETTES / "numeric-enums-not-requested.yaml")
    assert [f.check for f in names.findings] == ["LIFECYCLE-410"] and names.turns[0].stop == "end_turn"
