"""Each property can fail: run it against a deliberately broken harness (a mutant) and see it fail.

A property that passes whatever the code does proves nothing. Every mutant below breaks one thing
a property guards (the fold of text, the restoring of order, gap reporting, argument reassembly,
resume counting, truncation detection); the property, run with shrinking off and a small budget,
must find a counterexample.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from harness import pipeline, reducer, sequencer
from harness.providers.anthropic_messages import resume as anthropic_resume
from harness.providers.openai_responses import calls as openai_calls
from harness.providers.openai_responses import items as openai_items
from harness.providers.openai_responses import resume as openai_resume
from suites.properties import test_properties as props
from suites.properties import test_resume as resume_props

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup  # hypothesis's own dependency there


def fails(test: Callable[..., None], **arguments: Any) -> bool:
    """Whether the property finds a counterexample (an AssertionError, never a crash of the harness)."""
    inner = test.hypothesis.inner_test  # type: ignore[attr-defined]
    quick = settings(max_examples=60, phases=[Phase.generate], database=None, deadline=None,
                     suppress_health_check=list(HealthCheck))(given(data=st.data())(inner))
    try:
        quick(**arguments)
    except AssertionError:
        return True
    except BaseExceptionGroup as group:  # several distinct failures
        return group.subgroup(AssertionError) is not None
    return False


def ignore(*_: Any) -> None:
    return None


def test_round_trip_catches_a_fold_that_drops_deltas(monkeypatch: pytest.MonkeyPatch) -> None:
    original = reducer.Reducer._part_delta

    def every_other(self: reducer.Reducer, event: Any) -> None:
        if event.seq % 2 == 0:
            original(self, event)

    monkeypatch.setattr(reducer.Reducer, "_part_delta", every_other)
    assert fails(props.test_round_trip_under_any_chunking, family="anthropic-messages", remember=ignore)


def test_ordering_catches_a_sequencer_that_does_not_reorder(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unordered(sequencer.Sequencer):
        def order(self, natives: Iterable[Any]) -> Iterator[Any]:
            return iter(natives)

    monkeypatch.setattr(pipeline, "Sequencer", Unordered)
    assert fails(props.test_any_delivery_order_is_restored_and_reported, family="openai-responses",
                 remember=ignore)


def test_gap_property_catches_unreported_gaps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sequencer, "_gaps", lambda ordered: [])
    assert fails(props.test_every_gap_and_duplicate_is_reported, family="openai-responses")


def test_reassembly_catches_a_lost_first_fragment(monkeypatch: pytest.MonkeyPatch) -> None:
    original = reducer.Reducer._arguments_delta
    seen: set[str] = set()

    def lose_first(self: reducer.Reducer, event: Any) -> None:
        if (id(self), event.item_id) in seen:
            original(self, event)
        seen.add((id(self), event.item_id))  # type: ignore[arg-type]

    monkeypatch.setattr(reducer.Reducer, "_arguments_delta", lose_first)
    # OpenAI, since Anthropic's first input_json_delta is always "" and losing it changes nothing
    assert fails(props.test_arguments_reassemble_under_any_fragmenting, family="openai-responses")


@pytest.mark.parametrize(("family", "module"), [("openai-responses", openai_resume),
                                                ("anthropic-messages", anthropic_resume)])
def test_resume_mutations_catch_a_check_that_counts_nothing(monkeypatch: pytest.MonkeyPatch, family: str,
                                                            module: Any) -> None:
    monkeypatch.setattr(module, "answer_checks", lambda *_: [])
    assert fails(resume_props.test_each_answer_mutation_is_caught, family=family, mutation="drop an answer")


def test_round_trip_catches_server_calls_read_as_pending(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hosted search, interpreter or shell read as the client's makes a turn the server answered wait."""
    monkeypatch.setattr(openai_items, "executor_of", lambda item, tools=None: openai_calls.executor_of(item) and "client")
    assert fails(props.test_round_trip_under_any_chunking, family="openai-responses", remember=ignore)


def test_resume_mutations_catch_answers_of_any_type(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openai_resume, "_answer_types", lambda *_: [])
    assert fails(resume_props.test_each_protocol_mutation_is_caught, family="openai-responses",
                 mutation="another call type's output")


def test_truncation_property_catches_a_reducer_that_never_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    class Trusting(reducer.Reducer):
        def finish(self) -> Any:
            self._completed = True
            return super().finish()

    monkeypatch.setattr(pipeline, "Reducer", Trusting)
    assert fails(props.test_a_dropped_terminal_event_is_always_flagged, family="openai-responses")
