"""Resume-contract properties: a correct continuation is clean, every single mutation is caught.

For any turn that stops waiting for the client and any complete set of answers,
``check_resume(turn, build_resume(turn, answers))`` has no finding; each mutation of that request
(drop an answer, duplicate one, answer an unknown call, change an id, drop or change the handle,
move the answers, alter echoed reasoning) yields exactly the RESUME id the catalogue gives it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, MutableSequence
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


def drop_answer(family: str, body: Body) -> None:
    del answers_of(family, body)[0]


def duplicate_answer(family: str, body: Body) -> None:
    answers = answers_of(family, body)
    answers.append(copy.deepcopy(answers[0]))


def unknown_answer(family: str, body: Body) -> None:
    extra = copy.deepcopy(answers_of(family, body)[0])
    rename(family, extra, "call_unknown")
    answers_of(family, body).append(extra)


def changed_id(family: str, body: Body) -> None:
    rename(family, answers_of(family, body)[0], "call_changed")


# the same mutation means the same RESUME ids in every family
MUTATIONS: dict[str, tuple[Callable[[str, Body], None], set[str]]] = {
    "drop an answer": (drop_answer, {"RESUME-003"}),
    "duplicate an answer": (duplicate_answer, {"RESUME-004"}),
    "answer an unknown call": (unknown_answer, {"RESUME-005"}),
    "change an id": (changed_id, {"RESUME-003", "RESUME-005"}),
}


def _wrong_handle(family: str, body: Body) -> None:
    body["previous_response_id"] = "resp_other"


def _no_handle(family: str, body: Body) -> None:
    del body["previous_response_id"]


def _text_first(family: str, body: Body) -> None:
    answers_of(family, body).insert(0, {"type": "text", "text": "here you go"})


def _altered_signature(family: str, body: Body) -> None:
    for block in body["messages"][-2]["content"]:
        if block.get("type") == "thinking":
            block["signature"] += "x"


FAMILY_MUTATIONS: dict[str, dict[str, tuple[Callable[[str, Body], None], set[str]]]] = {
    "openai-responses": {"wrong handle": (_wrong_handle, {"RESUME-002"}),
                         "missing handle": (_no_handle, {"RESUME-002"})},
    "anthropic-messages": {"text before the answers": (_text_first, {"RESUME-201"}),
                           "altered signature": (_altered_signature, {"RESUME-203"})},
}


def interrupted(family: str, data: st.DataObject, reasoning: bool = False) -> Turn:
    """A turn the harness folded from the family's own stream, with at least one pending call."""
    turn = data.draw(turns(FAMILY, min_calls=1, reasoning=True if reasoning else None), label="turn")
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
    mutate(family, body)
    assert resume_checks(family, turn, body) == expected


@pytest.mark.parametrize(("family", "mutation"),
                         [(family, name) for family, table in FAMILY_MUTATIONS.items() for name in table])
@given(data=st.data())
def test_each_protocol_mutation_is_caught(family: str, mutation: str, data: st.DataObject) -> None:
    turn = interrupted(family, data, reasoning=mutation == "altered signature")
    body = resume(family, turn, data)
    mutate, expected = FAMILY_MUTATIONS[family][mutation]
    mutate(family, body)
    assert resume_checks(family, turn, body) == expected
