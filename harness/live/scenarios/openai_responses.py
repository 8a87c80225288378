"""OpenAI Responses (specs/openai-anthropic.md A): the standard scenarios, plus re-attaching a dropped
background stream with ``starting_after`` (A.8.4) and an MCP approval round trip (A.8.3)."""

from __future__ import annotations

from typing import Any

from harness.live.scenarios import common
from harness.live.scenarios.base import Ask, Dialect, Refusal, Scenario, Session, Skipped, Unmet
from harness.state import Turn

SOURCE = "specs/openai-anthropic.md"


class Responses(Dialect):
    family = "openai-responses"
    default_model = "gpt-5-mini"
    key_env = ("OPENAI_API_KEY",)
    base_hint = "https://api.openai.com/v1"

    def start(self, session: Session, ask: Ask) -> tuple[str, str, dict[str, Any]]:
        body: dict[str, Any] = {"model": session.model, "input": ask.prompt, "stream": True}
        if ask.tools:
            body["tools"] = [{"type": "function", "name": tool.name, "description": tool.description,
                              "parameters": tool.parameters} for tool in ask.tools]
        if ask.force_tool:
            body["tool_choice"] = "required"
        if ask.reasoning:
            body["reasoning"] = {"effort": "low", "summary": "auto"}
        return "POST", "/responses", {**body, **ask.extra}

    def resume_at(self, turn: Turn, model: str) -> tuple[str, str]:
        return "POST", "/responses"

    def refusal(self, model: str) -> Refusal:
        return Refusal("POST", "/responses", {"model": model, "input": "Hello.", "stream": True,
                                              "previous_response_id": "resp_harness_probe_never_created"},
                       "a previous_response_id that names no stored response",
                       f"{SOURCE} A.8.1 rule 3 (previous_response_not_found)")

    def error_problem(self, body: Any) -> str | None:
        return openai_error_problem(body)


def openai_error_problem(body: Any) -> str | None:
    """specs/openai-anthropic.md 0.1.5: ``{"error": {"message", "type", "param", "code"}}``."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return 'no "error" object (specs/openai-anthropic.md 0.1.5)'
    missing = [key for key in ("message", "type", "param", "code") if key not in error]
    if missing:
        return f"error has no {', '.join(missing)} (specs/openai-anthropic.md 0.1.5)"
    if not isinstance(error["message"], str):
        return "error.message is not a string (specs/openai-anthropic.md 0.1.5)"
    return None


def _first_text_delta(payload: dict[str, Any]) -> bool:
    return payload.get("type") == "response.output_text.delta"


def reattach(session: Session) -> None:
    """Drop a background stream after its first text delta, then re-attach after the last event received."""
    method, path, body = session.dialect.start(session, Ask("Write four sentences about lighthouses.",
                                                            extra={"background": True}))
    sent = session.send(method, path, body, cut=_first_text_delta)
    turn = common.ok(sent, skip="background mode")
    numbers = [payload["sequence_number"] for payload in common.payloads(sent.body)
               if isinstance(payload.get("sequence_number"), int)]
    if not turn.response_id or not numbers:
        raise Unmet("the background stream gave no response id or no sequence numbers to re-attach with "
                    f"({SOURCE} A.8.4)")
    again = session.send("GET", f"/responses/{turn.response_id}?stream=true&starting_after={numbers[-1]}", None)
    common.finished(common.ok(again), "the re-attached stream")


def approval(session: Session) -> None:
    """An MCP tool that always asks for approval; the approval is answered with build_resume."""
    mcp = {"type": "mcp", "server_label": "deepwiki", "server_url": "https://mcp.deepwiki.com/mcp",
           "require_approval": "always"}
    sent = common.begin(session, Ask("Use the deepwiki tool to say what the repository openai/codex is.",
                                     extra={"tools": [mcp]}))
    turn = common.ok(sent, skip="MCP tools")
    if not any(item.kind == "approval_request" for item in turn.items):
        raise Skipped("the server asked for no approval (no mcp_approval_request item)")
    common.finished(common.converse(session, sent, turn), "the answer after the approval")


DIALECT = Responses()
SCENARIOS = [
    *common.standard(),
    Scenario("reattach", "a background stream dropped mid-way is re-attached with starting_after and continues at "
                         "the next sequence number to its terminal event", reattach),
    Scenario("approval", "an MCP approval request is answered with mcp_approval_response and the turn goes on",
             approval),
]
