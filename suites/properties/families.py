"""The families the property suites run over: one entry per provider family with an encoder.

A new family joins every property by adding its line here: what its turns can hold (``Family``),
and where a next request keeps its answers (for the resume properties).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from suites.properties.strategies import Family

Body = dict[str, Any]


@dataclass(frozen=True)
class Dialect:
    family: Family
    uri: str  # where the next request goes
    prior: Body  # the first request a resume builds on
    answers: Callable[[Body], list[dict[str, Any]]]  # the list, in a next request, that holds the answers
    answer_key: str  # the field of an answer that names the call it answers


DIALECTS: dict[str, Dialect] = {
    "openai-responses": Dialect(
        family=Family(reasoning=True, stops=("end_turn", "max_tokens")),
        uri="https://api.openai.com/v1/responses",
        prior={"model": "gpt-x", "input": "hi", "stream": True},
        answers=lambda body: body["input"],
        answer_key="call_id",
    ),
    "anthropic-messages": Dialect(
        family=Family(reasoning=True, stops=("end_turn", "max_tokens")),
        uri="https://api.anthropic.com/v1/messages",
        prior={"model": "claude-x", "max_tokens": 1024, "stream": True, "messages": [{"role": "user", "content": "hi"}]},
        answers=lambda body: body["messages"][-1]["content"],
        answer_key="tool_use_id",
    ),
}
