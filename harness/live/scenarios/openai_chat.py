"""OpenAI Chat Completions and the servers that copy it (specs/openai-anthropic.md B,
specs/llamastack-cohere-compat.md C): the standard scenarios. Reasoning is not part of OpenAI's chat
stream; compatible servers stream it as ``reasoning_content`` or ``reasoning``, so the scenario asks
with ``reasoning_effort`` and skips when nothing comes."""

from __future__ import annotations

from typing import Any

from harness.live.scenarios import common
from harness.live.scenarios.base import Ask, Dialect, Refusal, Session
from harness.live.scenarios.openai_responses import openai_error_problem
from harness.state import Turn


class Chat(Dialect):
    family = "openai-chat"
    default_model = "gpt-4.1-mini"
    key_env = ("OPENAI_API_KEY",)
    base_hint = "https://api.openai.com/v1"

    def start(self, session: Session, ask: Ask) -> tuple[str, str, dict[str, Any]]:
        return "POST", "/chat/completions", {**request(ask, session.model), **ask.extra}

    def resume_at(self, turn: Turn, model: str) -> tuple[str, str]:
        return "POST", "/chat/completions"

    def refusal(self, model: str) -> Refusal:
        return Refusal("POST", "/chat/completions", {
            "model": model, "stream": True,
            "messages": [{"role": "user", "content": "Hello."},
                         {"role": "tool", "tool_call_id": "call_harness_probe_never_made", "content": "18"}]},
            "a tool message that answers no assistant tool call", "specs/openai-anthropic.md B.5.1")

    def error_problem(self, body: Any) -> str | None:
        return openai_error_problem(body)


def request(ask: Ask, model: str) -> dict[str, Any]:
    """A streamed Chat Completions request for ``ask`` (also what ``AdapterSuite`` sends a chat adapter)."""
    body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": ask.prompt}], "stream": True,
                            "stream_options": {"include_usage": True}}
    if ask.tools:
        body["tools"] = [{"type": "function", "function": {"name": tool.name, "description": tool.description,
                                                           "parameters": tool.parameters}} for tool in ask.tools]
    if ask.force_tool:
        body["tool_choice"] = "required"
    if ask.reasoning:
        body["reasoning_effort"] = "low"
    return body


DIALECT = Chat()
SCENARIOS = common.standard()
