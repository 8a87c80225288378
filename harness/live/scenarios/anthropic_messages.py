"""Anthropic Messages (specs/openai-anthropic.md C): the standard scenarios, reasoning as extended
thinking (whose signed blocks the resume must echo byte for byte, C.5)."""

from __future__ import annotations

from typing import Any

from harness.live.scenarios import common
from harness.live.scenarios.base import Ask, Dialect, Refusal, Session
from harness.state import Turn

SOURCE = "specs/openai-anthropic.md"
ERROR_TYPES = frozenset({"invalid_request_error", "authentication_error", "permission_error", "not_found_error",
                         "request_too_large", "rate_limit_error", "timeout_error", "overloaded_error", "api_error",
                         "billing_error"})


class Messages(Dialect):
    family = "anthropic-messages"
    default_model = "claude-sonnet-4-5"
    key_env = ("ANTHROPIC_API_KEY",)
    base_hint = "https://api.anthropic.com"

    def auth(self, key: str) -> dict[str, str]:
        return {"x-api-key": key}

    def headers(self) -> dict[str, str]:
        return {"anthropic-version": "2023-06-01"}

    def start(self, session: Session, ask: Ask) -> tuple[str, str, dict[str, Any]]:
        return "POST", "/v1/messages", {**request(ask, session.model), **ask.extra}

    def resume_at(self, turn: Turn, model: str) -> tuple[str, str]:
        return "POST", "/v1/messages"

    def refusal(self, model: str) -> Refusal:
        return Refusal("POST", "/v1/messages", {
            "model": model, "max_tokens": 256, "stream": True,
            "messages": [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_harness_probe_none",
                                                       "content": "18"}]}]},
            "a tool_result for a tool_use that was never made", f"{SOURCE} C.5")

    def error_problem(self, body: Any) -> str | None:
        """0.1.5: ``{"type": "error", "error": {"type", "message"}}``, the type one of C.2's list."""
        if not isinstance(body, dict) or body.get("type") != "error" or not isinstance(body.get("error"), dict):
            return f'not {{"type": "error", "error": {{...}}}} ({SOURCE} 0.1.5)'
        error = body["error"]
        if error.get("type") not in ERROR_TYPES:
            return f"error.type {error.get('type')!r} is not one of the documented types ({SOURCE} C.2)"
        if not isinstance(error.get("message"), str):
            return f"error.message is not a string ({SOURCE} 0.1.5)"
        return None


def request(ask: Ask, model: str) -> dict[str, Any]:
    """A streamed Messages request for ``ask`` (also what ``AdapterSuite`` sends an Anthropic adapter)."""
    body: dict[str, Any] = {"model": model, "max_tokens": 1024, "stream": True,
                            "messages": [{"role": "user", "content": ask.prompt}]}
    if ask.tools:
        body["tools"] = [{"name": tool.name, "description": tool.description, "input_schema": tool.parameters}
                         for tool in ask.tools]
    if ask.force_tool:
        body["tool_choice"] = {"type": "any"}
    if ask.reasoning:
        body["max_tokens"] = 4096  # above the thinking budget, which the API requires
        body["thinking"] = {"type": "enabled", "budget_tokens": 1024}
    return body


DIALECT = Messages()
SCENARIOS = common.standard()
