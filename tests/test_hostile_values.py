"""Hostile input, values: tool arguments are judged by RFC 8259 exactly (issue: hostile input, class 12)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from harness import events as ev
from harness.reducer import Reducer
from harness.report.safe import json_bytes


def folded(arguments: str) -> tuple[object, bool | None, set[str]]:
    reducer = Reducer()
    for event in (ev.TurnStarted(), ev.ItemStarted(item_id="c", kind="tool_call", name="f", call_id="c"),
                  ev.ToolCallDelta(item_id="c", text=arguments), ev.ItemCompleted(item_id="c"),
                  ev.TurnCompleted(stop="tool_use")):
        reducer.apply(event)
    turn = reducer.finish()
    return turn.items[0].arguments, turn.items[0].arguments_valid, {f.check for f in reducer.findings}


@settings(max_examples=30, deadline=None)
@given(constant=st.sampled_from(["NaN", "Infinity", "-Infinity"]), key=st.text(max_size=5))
def test_nan_and_infinity_are_not_json(constant: str, key: str) -> None:
    _, valid, checks = folded('{"%s": %s}' % (key.replace('"', "").replace("\\", ""), constant))
    assert valid is False and "ASSEMBLY-003" in checks


@settings(max_examples=10, deadline=None)
@given(digits=st.integers(min_value=4301, max_value=20_000))
def test_an_integer_of_any_length_is_json_and_stays_exact(digits: int) -> None:
    number = "7" * digits
    arguments, valid, checks = folded('{"n": %s}' % number)
    assert valid is True and "ASSEMBLY-003" not in checks
    assert arguments == {"n": Decimal(number)}
    assert number.encode() in json_bytes(arguments)  # written as its digits
