"""What an agent-session request says about the answer to it (specs/agent-session.md, Transport).

``PUT /session`` creates a session and runs its first turn; ``POST /session/{id}`` runs every later
one. ``stream`` picks the answer: ``"delta"`` and ``"message"`` stream SSE, ``"none"`` (the default)
answers one JSON body. The request's ``tools`` are the *application* tools: the client tells an
application-side call from a server-side one by matching the call's name against them (source
document, ``tool_call``). The agent's own (server-side) tools and their ``trust`` live on the
server, so the translator infers them from the stream (``translator.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.exchange import Request
from harness.values import array, mapping, string

Kind = Literal["put", "post"]
Mode = Literal["delta", "message", "none"]
MODES: tuple[Mode, ...] = ("delta", "message", "none")

_PATH = re.compile(r"/session(?:/([^/]+))?/?$")


@dataclass(frozen=True, slots=True)
class RequestFacts:
    kind: Kind | None  # None: a raw stream without its request, or a request of another shape
    session_id: str | None  # the id a POST /session/{id} names
    mode: Mode | None  # None: unknown (no request body)
    stream_value: Any = None  # the raw `stream` member, when it is not one of MODES
    tools: frozenset[str] | None = None  # application tool names; None: the request does not say
    duplicate_tools: list[str] = field(default_factory=list)
    path_problem: str | None = None  # a /session URI with the wrong method, or no URI shape at all


def session_path(request: Request) -> tuple[bool, str | None]:
    """Whether the URI is a /session path, and the session id it names."""
    match = _PATH.search(request.path)
    return (False, None) if match is None else (True, match.group(1))


def read_request(request: Request) -> RequestFacts:
    body = request.json if isinstance(request.json, dict) else None
    on_path, session_id = session_path(request)
    kind: Kind | None = None
    problem = None
    if on_path and request.method == "PUT" and session_id is None:
        kind = "put"
    elif on_path and request.method == "POST" and session_id is not None:
        kind = "post"
    elif request.uri:
        problem = f"{request.method} {request.path or request.uri}"
    raw = body.get("stream") if body is not None else None
    mode: Mode | None = ("none" if raw is None else raw if raw in MODES else None) if body is not None else None
    tools, duplicates = _application_tools(body, kind)
    return RequestFacts(kind=kind, session_id=session_id, mode=mode,
                        stream_value=raw if mode is None else None,
                        tools=tools, duplicate_tools=duplicates, path_problem=problem)


def _application_tools(body: dict[str, Any] | None, kind: Kind | None) -> tuple[frozenset[str] | None, list[str]]:
    """The request's application tool names. A PUT without ``tools`` creates a session with none; a
    POST without them leaves the session's tools as they were (INFERRED: the source document does not
    say whether later turns re-send them), which this request alone cannot tell: None."""
    raw = body.get("tools") if body is not None else None
    if not isinstance(raw, list):
        return (frozenset(), []) if body is not None and kind == "put" else (None, [])
    names = [name for name in map(tool_name, raw) if name is not None]
    counts = Counter(names)
    return frozenset(names), sorted(name for name, count in counts.items() if count > 1)


def tool_name(tool: Any) -> str | None:
    """``{"name": ...}`` or the OpenAI-compatible ``{"type": "function", "function": {"name": ...}}``."""
    if not isinstance(tool, dict):
        return None
    function = tool.get("function")
    name = function.get("name") if isinstance(function, dict) else tool.get("name")
    return string(name)


def messages_of(request: Request) -> list[dict[str, Any]]:
    return [mapping(message) for message in array(mapping(request.json).get("messages"))]
