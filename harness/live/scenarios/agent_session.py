"""The agent session protocol (specs/agent-session.md): the standard scenarios in delta mode (``PUT
/session`` opens, ``POST /session/{id}`` answers), and the permission round trip for an untrusted
server-side tool (Resume 2). The protocol has no reasoning switch: the reasoning scenario takes what
the agent streams (``thinking_delta``) and skips when there is none."""

from __future__ import annotations

from typing import Any

from harness.live.scenarios import common
from harness.live.scenarios.base import Ask, Dialect, Refusal, Scenario, Session, Skipped
from harness.state import Turn

SOURCE = "specs/agent-session.md"


class AgentSession(Dialect):
    family = "agent-session"
    default_model = "default"  # the protocol names no model: the agent has its own
    key_env = ("AGENT_SESSION_API_KEY",)
    base_hint = "https://agents.example.com"

    def headers(self) -> dict[str, str]:
        return {"accept": "text/event-stream"}

    def start(self, session: Session, ask: Ask) -> tuple[str, str, dict[str, Any]]:
        body: dict[str, Any] = {"stream": "delta", "messages": [{"role": "user", "content": ask.prompt}]}
        if ask.tools:
            body["tools"] = [{"type": "function", "function": {"name": tool.name, "description": tool.description,
                                                               "parameters": tool.parameters}} for tool in ask.tools]
        return "PUT", "/session", {**body, **ask.extra}

    def resume_at(self, turn: Turn, model: str) -> tuple[str, str]:
        return "POST", f"/session/{turn.session_id}"

    def refusal(self, model: str) -> Refusal:
        return Refusal("POST", "/session/sess_harness_probe_never_opened", {
            "stream": "delta", "messages": [{"role": "tool", "toolCallId": "call_harness_probe_never_made",
                                             "content": "18"}]},
            "an answer to a call that was never made, in a session that was never opened", f"{SOURCE} Resume 1, 3")

    def error_problem(self, body: Any) -> str | None:
        return None  # the protocol documents no error body: any 4xx refuses


def approval(session: Session) -> None:
    """An untrusted server-side tool waits for permission; the probe grants it with build_resume."""
    sent = common.begin(session, Ask("Use one of your own tools that needs my permission, then tell me what it did."))
    turn = common.ok(sent)
    if not any(item.kind == "tool_call" and item.executor == "server" for item in turn.items
               if turn.interrupt is not None and item.call_id in turn.interrupt.pending):
        raise Skipped("the agent called no server-side tool that waits for permission")
    common.finished(common.converse(session, sent, turn), "the answer after the permission")


DIALECT = AgentSession()
SCENARIOS = [
    *common.standard(),
    Scenario("approval", "an untrusted server-side tool waits for a tool_permission, which the next POST grants",
             approval),
]
