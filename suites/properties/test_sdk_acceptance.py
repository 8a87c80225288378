"""Encoders write what the official SDKs read: an encoded turn, fed to the SDK's own accumulator,
yields the same text, tool calls and arguments as the turn itself."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from harness import providers
from harness.state import Turn
from suites import oracles
from suites.properties.strategies import Family, split_text, turns


def expected(turn: Turn) -> dict[str, object]:
    return {"text": turn.text,
            "calls": [(item.name, item.call_id, item.arguments) for item in turn.client_calls]}


@given(data=st.data())
def test_openai_sdk_reads_the_encoded_stream(data: st.DataObject) -> None:
    turn = data.draw(turns(Family(stops=("end_turn",))), label="turn")
    natives = providers.get("openai-responses").encode(turn, lambda text: data.draw(split_text(text)))
    final, problem = oracles.openai_final(json.loads(json.dumps(natives)))
    assert problem is None
    view = oracles.openai_view(final)
    assert {"text": view["text"], "calls": view["calls"]} == expected(turn)


@given(data=st.data())
def test_anthropic_sdk_reads_the_encoded_stream(data: st.DataObject) -> None:
    turn = data.draw(turns(Family(stops=("end_turn",))), label="turn")
    natives = providers.get("anthropic-messages").encode(turn, lambda text: data.draw(split_text(text)))
    view = oracles.anthropic_view(oracles.anthropic_final(json.loads(json.dumps(natives)), beta=False))
    assert {"text": view["text"], "calls": view["calls"]} == expected(turn)
    assert view["stop"] == ("tool_use" if turn.client_calls else "end_turn")
