"""Mistral Conversations (specs/gemini-mistral-bedrock.md B): start with ``POST /v1/conversations``,
answer with ``POST /v1/conversations/{conversation_id}`` (B.5). Reasoning has no switch in the
request: reasoning models stream thinking chunks on their own, and the scenario skips without them."""

from __future__ import annotations

from typing import Any

from harness.live.scenarios import common
from harness.live.scenarios.base import Ask, Dialect, Refusal, Session
from harness.state import Turn

SOURCE = "specs/gemini-mistral-bedrock.md"


class Conversations(Dialect):
    family = "mistral-conversations"
    default_model = "mistral-medium-latest"
    key_env = ("MISTRAL_API_KEY",)
    base_hint = "https://api.mistral.ai"

    def headers(self) -> dict[str, str]:
        return {"accept": "text/event-stream"}

    def start(self, session: Session, ask: Ask) -> tuple[str, str, dict[str, Any]]:
        body: dict[str, Any] = {"model": session.model, "inputs": ask.prompt, "stream": True}
        if ask.tools:
            body["tools"] = [{"type": "function", "function": {"name": tool.name, "description": tool.description,
                                                               "parameters": tool.parameters}} for tool in ask.tools]
        if ask.force_tool:
            body["completion_args"] = {"tool_choice": "any"}
        return "POST", "/v1/conversations", {**body, **ask.extra}

    def resume_at(self, turn: Turn, model: str) -> tuple[str, str]:
        return "POST", f"/v1/conversations/{turn.conversation_id}"

    def refusal(self, model: str) -> Refusal:
        return Refusal("POST", "/v1/conversations/conv_harness_probe_never_started", {
            "model": model, "stream": True, "tools": [],
            "inputs": [{"type": "function.result", "tool_call_id": "AbCdE1234", "result": "18"}]},
            "an append that carries model and tools, to a conversation that was never started", f"{SOURCE} B.5 C2")

    def error_problem(self, body: Any) -> str | None:
        """B.1: a 422 carries ``detail[]``; other errors are JSON objects."""
        return None if isinstance(body, dict) else f"the error body is not a JSON object ({SOURCE} B.1)"


DIALECT = Conversations()
SCENARIOS = common.standard()
