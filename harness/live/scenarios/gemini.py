"""Gemini ``streamGenerateContent?alt=sse`` (specs/gemini-mistral-bedrock.md A): the standard
scenarios, reasoning as thought summaries (``thinkingConfig.includeThoughts``)."""

from __future__ import annotations

from typing import Any

from harness.live.scenarios import common
from harness.live.scenarios.base import Ask, Dialect, Refusal, Session
from harness.state import Turn

SOURCE = "specs/gemini-mistral-bedrock.md"


class Gemini(Dialect):
    family = "gemini"
    default_model = "gemini-2.5-flash"
    key_env = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
    base_hint = "https://generativelanguage.googleapis.com"

    def auth(self, key: str) -> dict[str, str]:
        return {"x-goog-api-key": key}

    def start(self, session: Session, ask: Ask) -> tuple[str, str, dict[str, Any]]:
        return "POST", path(session.model), {**request(ask), **ask.extra}

    def resume_at(self, turn: Turn, model: str) -> tuple[str, str]:
        return "POST", path(model)

    def refusal(self, model: str) -> Refusal:
        return Refusal("POST", path(model), {"contents": [
            {"role": "user", "parts": [{"text": "Hello."}]},
            {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"output": 18}}}]}]},
            "a functionResponse with no functionCall before it", f"{SOURCE} A.6 R1")

    def error_problem(self, body: Any) -> str | None:
        """A.1: ``{"error": {"code": <int>, "message": <str>, "status": <str>}}``."""
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return f'no "error" object ({SOURCE} A.1)'
        wrong = [key for key, kind in (("code", int), ("message", str), ("status", str))
                 if not isinstance(error.get(key), kind)]
        return f"error.{', error.'.join(wrong)} missing or mistyped ({SOURCE} A.1)" if wrong else None


def path(model: str) -> str:
    return f"/v1beta/models/{model}:streamGenerateContent?alt=sse"


def request(ask: Ask) -> dict[str, Any]:
    """A ``streamGenerateContent`` body for ``ask`` (also what ``AdapterSuite`` sends a Gemini adapter)."""
    body: dict[str, Any] = {"contents": [{"role": "user", "parts": [{"text": ask.prompt}]}]}
    if ask.tools:
        body["tools"] = [{"functionDeclarations": [{"name": tool.name, "description": tool.description,
                                                    "parameters": tool.parameters} for tool in ask.tools]}]
    if ask.force_tool:
        body["toolConfig"] = {"functionCallingConfig": {"mode": "ANY"}}
    if ask.reasoning:
        body["generationConfig"] = {"thinkingConfig": {"includeThoughts": True}}
    return body


DIALECT = Gemini()
SCENARIOS = common.standard()
