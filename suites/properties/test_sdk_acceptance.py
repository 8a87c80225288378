"""Encoders write what the official SDKs read: an encoded turn, fed to the SDK's own accumulator,
yields the same text, tool calls and arguments as the turn itself.

Covered: openai-responses and openai-chat (openai-python), anthropic-messages (anthropic-sdk-python),
gemini (google-genai). Not covered: mistral-conversations and cohere-v2, whose SDKs (mistralai,
cohere) are not dependencies of the project; their encoders are checked against the harness's own
reading only (suites/properties/test_properties.py).
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from harness import registry
from harness.state import Turn
from suites import oracles
from suites.properties.families import DIALECTS
from suites.properties.strategies import Family, split_text, turns


def expected(turn: Turn) -> dict[str, object]:
    return {"text": turn.text,
            "calls": [(item.name, item.call_id, item.arguments) for item in turn.client_calls]}


def reasoning(turn: Turn) -> str:
    return "".join(item.reasoning[p] for item in turn.items if item.kind == "reasoning" for p in sorted(item.reasoning))


@given(data=st.data())
def test_openai_sdk_reads_the_encoded_stream(data: st.DataObject) -> None:
    turn = data.draw(turns(Family(stops=("end_turn",))), label="turn")
    natives = registry.get("openai-responses").encode(turn, lambda text: data.draw(split_text(text)))
    final, problem = oracles.openai_final(json.loads(json.dumps(natives)))
    assert problem is None
    view = oracles.openai_view(final)
    assert {"text": view["text"], "calls": view["calls"]} == expected(turn)


@given(data=st.data())
def test_anthropic_sdk_reads_the_encoded_stream(data: st.DataObject) -> None:
    turn = data.draw(turns(Family(stops=("end_turn",))), label="turn")
    natives = registry.get("anthropic-messages").encode(turn, lambda text: data.draw(split_text(text)))
    view = oracles.anthropic_view(oracles.anthropic_final(json.loads(json.dumps(natives)), beta=False))
    assert {"text": view["text"], "calls": view["calls"]} == expected(turn)
    assert view["stop"] == ("tool_use" if turn.client_calls else "end_turn")


@given(data=st.data())
def test_openai_chat_sdk_reads_the_encoded_stream(data: st.DataObject) -> None:
    """ChatCompletionStreamState (openai/lib/streaming/chat/_completions.py) gets every chunk before
    ``[DONE]``, as ``Stream.__stream__`` hands them on; reasoning is not streamed by Chat Completions.
    On a length stop the SDK's ``get_final_completion`` raises (openai/lib/_parsing/_completions.py
    ``parse_chat_completion``) with the accumulated completion attached, which the oracle compares instead."""
    turn = data.draw(turns(DIALECTS["openai-chat"].family), label="turn")
    natives = registry.get("openai-chat").encode(turn, lambda text: data.draw(split_text(text)))
    payloads = [native for native in json.loads(json.dumps(natives)) if native.get("type") != "[DONE]"]
    final, problem = oracles.openai_chat_final(payloads)
    assert problem is None
    view = oracles.openai_chat_view(final)
    calls = [(name, call_id, json.loads(arguments)) for name, call_id, arguments in view["calls"]]
    assert {"text": view["text"], "calls": calls} == expected(turn)
    assert view["finish"] == {"end_turn": "stop", "max_tokens": "length", "tool_use": "tool_calls"}[turn.stop or ""]
    assert turn.usage is not None and final.usage is not None
    assert (final.usage.prompt_tokens, final.usage.completion_tokens) == (turn.usage.input_tokens,
                                                                          turn.usage.output_tokens)


@given(data=st.data())
def test_gemini_sdk_reads_the_encoded_stream(data: st.DataObject) -> None:
    turn = data.draw(turns(DIALECTS["gemini"].family), label="turn")
    natives = registry.get("gemini").encode(turn, lambda text: data.draw(split_text(text)))
    view = oracles.gemini_chat_turn(json.loads(json.dumps(natives)))
    assert {"text": view["text"], "calls": view["calls"]} == expected(turn)
    assert view["thoughts"] == reasoning(turn)
    assert view["finish"] == {"end_turn": "STOP", "tool_use": "STOP", "max_tokens": "MAX_TOKENS"}[turn.stop or ""]


def test_gemini_sdk_chat_keeps_a_turn_out_of_its_history_when_the_finish_chunk_has_no_parts() -> None:
    """google-genai's Chat leaves a streamed turn out of the history it sends next (chats.py
    ``_validate_response``: a chunk whose candidate has no parts is invalid) when the finishReason comes
    on a chunk of its own without parts, as the encoder writes it (an observed shape, spec A.4.4,
    pydantic/pydantic-ai#2631); with the finishReason on the last part, as most recordings have it, the
    turn is kept. A client on that SDK path then resumes without the model's turn."""
    from harness.state import Item

    turn = Turn(response_id="r", status="completed", stop="end_turn",
                items=[Item(item_id="m", kind="message", status="completed", text={0: "hi"})])
    natives = registry.get("gemini").encode(turn, list)
    assert oracles.gemini_chat_turn(natives)["curated"] is False
    last, finish = natives[-2], natives[-1]
    merged = {**last, "candidates": [{**last["candidates"][0], "finishReason": finish["candidates"][0]["finishReason"]}]}
    assert oracles.gemini_chat_turn([*natives[:-2], merged])["curated"] is True
