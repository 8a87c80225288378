"""Llama Stack Agents (specs/llamastack-cohere-compat.md A): a turn needs an agent and a session first
(``POST /v1/agents``, ``POST /v1/agents/{id}/session``), declared with the client tools; a paused turn is
resumed at ``.../turn/{turn_id}/resume`` (A.8). Errors of a streamed turn arrive in-band with a 200
(A.2), so the refused request is one the body validation rejects before any stream: an agent_config
that is not an object."""

from __future__ import annotations

from typing import Any

from harness.live.scenarios import common
from harness.live.scenarios.base import Ask, Dialect, Refusal, Session, Unmet
from harness.providers.llama_stack_agents.resume import resume_uri
from harness.state import Turn

SOURCE = "specs/llamastack-cohere-compat.md"


class Agents(Dialect):
    family = "llama-stack-agents"
    default_model = "meta-llama/Llama-3.3-70B-Instruct"
    key_env = ("LLAMA_STACK_API_KEY",)
    base_hint = "http://localhost:8321"

    def start(self, session: Session, ask: Ask) -> tuple[str, str, dict[str, Any]]:
        config: dict[str, Any] = {"model": session.model, "instructions": "You are a helpful assistant.",
                                  "client_tools": [_tool_def(tool) for tool in ask.tools]}
        if ask.force_tool:
            config["tool_config"] = {"tool_choice": "required"}
        agent = _created(session.send("POST", "/v1/agents", {"agent_config": config}), "agent_id")
        held = _created(session.send("POST", f"/v1/agents/{agent}/session", {"session_name": "harness probe"}),
                        "session_id")
        return "POST", f"/v1/agents/{agent}/session/{held}/turn", {
            "messages": [{"role": "user", "content": ask.prompt}], "stream": True, **ask.extra}

    def resume_at(self, turn: Turn, model: str) -> tuple[str, str]:
        return "POST", resume_uri(turn, host="")

    def refusal(self, model: str) -> Refusal:
        return Refusal("POST", "/v1/agents", {"agent_config": "not an object"},
                       "an agent_config that is not an object", f"{SOURCE} A.2 (where errors surface), A.3")

    def error_problem(self, body: Any) -> str | None:
        """A.2: body validation answers ``{"error": {"detail": ...}}``."""
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict) or "detail" not in error:
            return f'the error body is not {{"error": {{"detail": ...}}}} ({SOURCE} A.2)'
        return None


def _tool_def(tool: Any) -> dict[str, Any]:
    """A client ToolDef (A.3): parameters as a list, not a JSON Schema."""
    required = set(tool.parameters.get("required", []))
    return {"name": tool.name, "description": tool.description, "parameters": [
        {"name": name, "parameter_type": spec.get("type", "string"), "description": spec.get("description", name),
         "required": name in required} for name, spec in tool.parameters.get("properties", {}).items()]}


def _created(sent: Any, key: str) -> str:
    data = sent.json()
    if sent.status >= 400 or not isinstance(data, dict) or not isinstance(data.get(key), str):
        raise Unmet(f"creating the {key.removesuffix('_id')} failed: HTTP {sent.status} "
                    f"{sent.body[:200].decode('utf-8', errors='replace')}")
    return data[key]


DIALECT = Agents()
SCENARIOS = common.standard()
