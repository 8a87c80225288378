"""Cohere Chat v2 (specs/llamastack-cohere-compat.md B): ``POST /v2/chat``, stateless like Chat
Completions (B.5). Reasoning models stream ``thinking`` blocks on their own; no request switch is
documented, so the reasoning scenario skips without them."""

from __future__ import annotations

from typing import Any

from harness.live.scenarios import common
from harness.live.scenarios.base import Ask, Dialect, Refusal, Session
from harness.state import Turn

SOURCE = "specs/llamastack-cohere-compat.md"


class Chat(Dialect):
    family = "cohere-v2"
    default_model = "command-a-03-2025"
    key_env = ("CO_API_KEY", "COHERE_API_KEY")
    base_hint = "https://api.cohere.com"

    def headers(self) -> dict[str, str]:
        return {"accept": "text/event-stream"}

    def start(self, session: Session, ask: Ask) -> tuple[str, str, dict[str, Any]]:
        body: dict[str, Any] = {"model": session.model, "messages": [{"role": "user", "content": ask.prompt}],
                                "stream": True}
        if ask.tools:
            body["tools"] = [{"type": "function", "function": {"name": tool.name, "description": tool.description,
                                                               "parameters": tool.parameters}} for tool in ask.tools]
        if ask.force_tool:
            body["tool_choice"] = "REQUIRED"
        return "POST", "/v2/chat", {**body, **ask.extra}

    def resume_at(self, turn: Turn, model: str) -> tuple[str, str]:
        return "POST", "/v2/chat"

    def refusal(self, model: str) -> Refusal:
        return Refusal("POST", "/v2/chat", {
            "model": model, "stream": True,
            "messages": [{"role": "user", "content": "Hello."},
                         {"role": "tool", "tool_call_id": "get_weather_never_made", "content": "18"}]},
            "a tool message that answers an unknown tool call id", f"{SOURCE} B.5 CR-1")

    def error_problem(self, body: Any) -> str | None:
        """B.1: a JSON body whose ``message`` holds the text."""
        if not isinstance(body, dict) or not isinstance(body.get("message"), str):
            return f'the error body has no string "message" ({SOURCE} B.1)'
        return None


DIALECT = Chat()
SCENARIOS = common.standard()
