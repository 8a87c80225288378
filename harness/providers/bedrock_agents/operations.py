"""Which bedrock-agent-runtime operation a request calls, and the ids its URL carries.

Methods and URIs are those of botocore/data/bedrock-agent-runtime/2023-07-26/service-2.json:
InvokeAgent ``POST /agents/{agentId}/agentAliases/{agentAliasId}/sessions/{sessionId}/text``,
InvokeInlineAgent ``POST /agents/{sessionId}``, and the session-management operations under
``/sessions/`` (specs/gemini-mistral-bedrock.md C.1, C.6). The ids live in the path, so the resume
contract reads its handle from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from harness.exchange import Request

INVOKE_AGENT = "InvokeAgent"
INVOKE_INLINE_AGENT = "InvokeInlineAgent"
HOST = "bedrock-agent-runtime"

_AGENT = re.compile(r"/agents/([^/]+)/agentAliases/([^/]+)/sessions/([^/]+)/text/?$")
_INLINE = re.compile(r"/agents/([^/]+)/?$")
_SESSION = re.compile(r"/sessions(?:/([^/]+))?/?$")
# (method, whether the path names a session) -> operation
_SESSION_OPERATIONS = {
    ("PUT", False): "CreateSession", ("POST", False): "ListSessions", ("GET", True): "GetSession",
    ("PUT", True): "UpdateSession", ("PATCH", True): "EndSession", ("DELETE", True): "DeleteSession",
}
SESSION_OPERATIONS = frozenset(_SESSION_OPERATIONS.values())
# C.6: a session is named by its UUID or its ARN
SESSION_IDENTIFIER = re.compile(
    r"^(?:arn:aws(?:-[^:]+)?:bedrock:[a-z0-9-]+:[0-9]{12}:session/)?"
    r"([a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})$")


@dataclass(frozen=True, slots=True)
class Call:
    """An operation and the ids in its path (``session`` is the sessionId or the session identifier)."""

    operation: str | None = None
    agent_id: str | None = None
    alias_id: str | None = None
    session: str | None = None

    @property
    def invokes(self) -> bool:
        return self.operation in (INVOKE_AGENT, INVOKE_INLINE_AGENT)

    @property
    def manages_session(self) -> bool:
        return self.operation in SESSION_OPERATIONS

    @property
    def state_key(self) -> str:
        """Where the request body keeps its session state (InvokeInlineAgent calls it inlineSessionState)."""
        return "inlineSessionState" if self.operation == INVOKE_INLINE_AGENT else "sessionState"

    def handle(self) -> dict[str, str]:
        """The ids that tie a resume to the call it continues (C.5 C1)."""
        ids = {"operation": self.operation, "agentId": self.agent_id, "agentAliasId": self.alias_id,
               "sessionId": self.session if self.invokes else None}
        return {key: value for key, value in ids.items() if value is not None}


def call_of(request: Request) -> Call:
    path = request.path
    method = request.method.upper()
    if match := _AGENT.search(path):
        agent, alias, session = (unquote(part) for part in match.groups())
        return Call(INVOKE_AGENT, agent, alias, session)
    if HOST not in request.uri:
        return Call()
    if method == "POST" and (match := _INLINE.search(path)):
        return Call(INVOKE_INLINE_AGENT, session=unquote(match.group(1)))
    if match := _SESSION.search(path):
        named = unquote(match.group(1)) if match.group(1) else None
        operation = _SESSION_OPERATIONS.get((method, named is not None))
        return Call(operation, session=named) if operation else Call()
    return Call()


def session_uuid(identifier: str | None) -> str | None:
    """The UUID a session identifier (UUID or ARN) names, or None when it is neither."""
    match = SESSION_IDENTIFIER.match(identifier or "")
    return match.group(1) if match else None
