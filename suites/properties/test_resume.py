"""Resume-contract properties: a correct continuation is clean, every single mutation is caught.

For any turn that stops waiting for the client and any complete set of answers,
``check_resume(turn, build_resume(turn, answers))`` has no finding; each mutation of that request
(drop an answer, duplicate one, answer an unknown call, change an id, drop or change the handle,
move the answers, alter echoed reasoning) yields exactly the RESUME id the catalogue gives it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, MutableSequence
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import registry
from harness.exchange import Request
from harness.findings import Severity
from harness.pipeline import run_body
from harness.state import Turn
from suites.properties.families import DIALECTS, Body
from suites.properties.strategies import TEXT, Family, turns

FAMILY = Family(reasoning=True, stops=("end_turn",))


def answers_of(family: str, body: Body) -> MutableSequence[dict[str, Any]]:
    return DIALECTS[family].answers(body)


def rename(family: str, answer: dict[str, Any], new_id: str) -> None:
    answer[DIALECTS[family].answer_key] = new_id


Mutation = Callable[[str, Body, st.DataObject], None]


def anywhere(data: st.DataObject, length: int, label: str) -> int:
    """Any position in a list of ``length`` (a mutation tested only at one place proves nothing elsewhere)."""
    return data.draw(st.integers(0, max(0, length - 1)), label=label)


def drop_answer(family: str, body: Body, data: st.DataObject) -> None:
    answers = answers_of(family, body)
    del answers[anywhere(data, len(answers), "dropped")]


def duplicate_answer(family: str, body: Body, data: st.DataObject) -> None:
    answers = answers_of(family, body)
    copied = copy.deepcopy(answers[anywhere(data, len(answers), "copied")])
    answers.insert(anywhere(data, len(answers) + 1, "copy at"), copied)


def unknown_answer(family: str, body: Body, data: st.DataObject) -> None:
    answers = answers_of(family, body)
    extra = copy.deepcopy(answers[anywhere(data, len(answers), "model")])
    rename(family, extra, "call_unknown")
    answers.insert(anywhere(data, len(answers) + 1, "inserted at"), extra)


def changed_id(family: str, body: Body, data: st.DataObject) -> None:
    answers = answers_of(family, body)
    rename(family, answers[anywhere(data, len(answers), "renamed")], "call_changed")


# the same mutation means the same RESUME ids in every family
MUTATIONS: dict[str, tuple[Mutation, set[str]]] = {
    "drop an answer": (drop_answer, {"RESUME-003"}),
    "duplicate an answer": (duplicate_answer, {"RESUME-004"}),
    "answer an unknown call": (unknown_answer, {"RESUME-005"}),
    "change an id": (changed_id, {"RESUME-003", "RESUME-005"}),
}


def _wrong_handle(family: str, body: Body, data: st.DataObject) -> None:
    body["previous_response_id"] = "resp_other"


def _no_handle(family: str, body: Body, data: st.DataObject) -> None:
    del body["previous_response_id"]


STRAY_BLOCKS = [{"type": "text", "text": "here you go"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]


def _stray_before_a_result(family: str, body: Body, data: st.DataObject) -> None:
    """A text or image block anywhere before the last tool_result (after all of them is allowed)."""
    answers = answers_of(family, body)
    answers.insert(anywhere(data, len(answers), "stray at"), data.draw(st.sampled_from(STRAY_BLOCKS), label="block"))


def _altered_signature(family: str, body: Body, data: st.DataObject) -> None:
    blocks = [block for block in body["messages"][-2]["content"] if block.get("type") == "thinking"]
    blocks[anywhere(data, len(blocks), "thinking block")]["signature"] += "x"


TEXT_OUTPUTS = ("function_call_output", "custom_tool_call_output", "local_shell_call_output")


def _other_output_type(family: str, body: Body, data: st.DataObject) -> None:
    """An answer under its call's id written as another call type's output: one of the text outputs, so its
    shape is right for the type it claims and only the type is wrong."""
    answers = answers_of(family, body)
    index = anywhere(data, len(answers), "answer")
    kind = data.draw(st.sampled_from([kind for kind in TEXT_OUTPUTS if kind != answers[index]["type"]]), label="as")
    answers[index] = {"type": kind, "call_id": answers[index]["call_id"], "output": "x"}


FAMILY_MUTATIONS: dict[str, dict[str, tuple[Mutation, set[str]]]] = {
    "openai-responses": {"wrong handle": (_wrong_handle, {"RESUME-002"}),
                         "missing handle": (_no_handle, {"RESUME-002"}),
                         "another call type's output": (_other_output_type, {"RESUME-108"})},
    "anthropic-messages": {"text or image before a result": (_stray_before_a_result, {"RESUME-201"}),
                           "altered signature": (_altered_signature, {"RESUME-203"})},
}


def interrupted(family: str, data: st.DataObject, reasoning: bool = False) -> Turn:
    """A turn the harness folded from the family's own stream, with at least one pending call."""
    shape = DIALECTS[family].family
    calls = replace(FAMILY, call_types=shape.call_types, server_calls=shape.server_calls)
    turn = data.draw(turns(calls, min_calls=1, reasoning=True if reasoning else None), label="turn")
    provider = registry.get(family)
    report = run_body(family, provider.to_wire(provider.encode(turn)))
    assert report.turn is not None and report.turn.interrupt is not None
    return report.turn


def resume(family: str, turn: Turn, data: st.DataObject) -> Body:
    answers = {call.call_id: data.draw(TEXT, label="output") for call in turn.client_calls}
    return registry.get(family).build_resume(turn, answers, Request(json=copy.deepcopy(DIALECTS[family].prior)))


def resume_checks(family: str, turn: Turn, body: Body) -> set[str]:
    request = Request(method="POST", uri=DIALECTS[family].uri, json=body)
    found = registry.get(family).check_resume(turn, request, 1)
    return {f.check for f in found if f.severity is not Severity.info}


@pytest.mark.parametrize("family", DIALECTS)
@given(data=st.data())
def test_a_built_resume_is_clean(family: str, data: st.DataObject) -> None:
    turn = interrupted(family, data)
    assert resume_checks(family, turn, resume(family, turn, data)) == set()


@pytest.mark.parametrize("family", DIALECTS)
@pytest.mark.parametrize("mutation", MUTATIONS)
@given(data=st.data())
def test_each_answer_mutation_is_caught(family: str, mutation: str, data: st.DataObject) -> None:
    turn = interrupted(family, data)
    body = resume(family, turn, data)
    mutate, expected = MUTATIONS[mutation]
    mutate(family, body, data)
    assert resume_checks(family, turn, body) == expected


@pytest.mark.parametrize(("family", "mutation"),
                         [(family, name) for family, table in FAMILY_MUTATIONS.items() for name in table])
@given(data=st.data())
def test_each_protocol_mutation_is_caught(family: str, mutation: str, data: st.DataObject) -> None:
    turn = interrupted(family, data, reasoning=mutation == "altered signature")
    body = resume(family, turn, data)
    mutate, expected = FAMILY_MUTATIONS[family][mutation]
    mutate(family, body, data)
    assert resume_checks(family, turn, body) == expected


# -- Gemini: every signed part, whatever its kind -----------------------------------------------------------

GEMINI_URI = DIALECTS["gemini"].uri
SIGNED_KINDS = ("thought", "text", "call")


def gemini_part(kind: str, n: int, signature: str) -> dict[str, Any]:
    part: dict[str, Any] = ({"text": f"thinking {n}", "thought": True} if kind == "thought" else
                            {"text": f"text {n}"} if kind == "text" else
                            {"functionCall": {"id": f"call_{n}", "name": "get_weather", "args": {"city": "Oslo"}}})
    part["thoughtSignature"] = signature
    return part


@given(data=st.data())
def test_gemini_every_signed_part_must_come_back_unchanged(data: st.DataObject) -> None:
    """A.6.2 R3: a thoughtSignature rides on the part it arrived on, a thought, a text or a call part; one
    dropped or altered on any of them, at any position, is RESUME-401."""
    import base64
    import json

    kinds = data.draw(st.lists(st.sampled_from(SIGNED_KINDS), min_size=1, max_size=5), label="signed parts")
    kinds.append("call")  # the turn waits for a call to be answered
    parts = [gemini_part(kind, n, base64.b64encode(f"sig-{n}".encode()).decode()) for n, kind in enumerate(kinds)]
    chunks = [{"candidates": [{"content": {"role": "model", "parts": [part]}, "index": 0}]} for part in parts]
    chunks[-1]["candidates"][0]["finishReason"] = "STOP"
    body = b"".join(b"data: " + json.dumps(chunk).encode() + b"\r\n\r\n" for chunk in chunks)
    turn = run_body("gemini", body).turn
    assert turn is not None and turn.interrupt is not None
    answers = {call.call_id: "sunny" for call in turn.client_calls}
    request = registry.get("gemini").build_resume(turn, answers, Request(json=copy.deepcopy(DIALECTS["gemini"].prior)))
    assert resume_checks("gemini", turn, request) == set()
    echoed = [part for part in request["contents"][-2]["parts"] if "thoughtSignature" in part]
    assert len(echoed) == len(parts)  # the built echo carries every signature
    target = echoed[anywhere(data, len(echoed), "signed part")]
    if data.draw(st.booleans(), label="drop (else alter)"):
        del target["thoughtSignature"]
    else:
        target["thoughtSignature"] = base64.b64encode(b"forged").decode()
    assert resume_checks("gemini", turn, request) == {"RESUME-401"}
