"""Where a Llama Stack Agents request goes (specs/llamastack-cohere-compat.md A.1, A.3).

The turn routes live under ``/v1`` (v0.2.x; a deprecated alias in v0.3.x) or ``/v1alpha`` (v0.3.x):
``POST {base}/agents/{agent_id}/session/{session_id}/turn`` creates a turn and
``POST {base}/agents/{agent_id}/session/{session_id}/turn/{turn_id}/resume`` resumes a paused one.
The path is the only place a request names its agent, session and turn, so the translator (A-6) and
the resume contract (R-1) both read it here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.exchange import Request

AGENTS = re.compile(r"/v1(?:alpha)?/agents(?:/|$)")
_TURN = re.compile(
    r"(?P<base>/v1(?:alpha)?)/agents/(?P<agent>[^/]+)/session/(?P<session>[^/]+)/turn"
    r"(?:/(?P<turn>[^/]+)/resume)?/?$"
)


@dataclass(frozen=True, slots=True)
class Route:
    base: str  # "/v1" or "/v1alpha"
    agent_id: str
    session_id: str
    turn_id: str | None = None  # the turn a resume names; None for a create-turn request

    @property
    def is_resume(self) -> bool:
        return self.turn_id is not None

    def handle(self) -> dict[str, str]:
        """What identifies the turn: the resume contract compares it with the interrupt's handle."""
        found = {"agent_id": self.agent_id, "session_id": self.session_id}
        return found if self.turn_id is None else {**found, "turn_id": self.turn_id}


def route(request: Request) -> Route | None:
    """The create-turn or resume route a request goes to; None for any other path."""
    match = _TURN.search(request.path)
    if match is None:
        return None
    return Route(base=match["base"], agent_id=match["agent"], session_id=match["session"], turn_id=match["turn"])


def resume_path(base: str, agent_id: str, session_id: str, turn_id: str) -> str:
    return f"{base}/agents/{agent_id}/session/{session_id}/turn/{turn_id}/resume"
