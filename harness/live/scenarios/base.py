"""What a probe scenario is made of: a family's dialect (how a fresh turn, a resume and a refused
request are written in its words), the session a scenario talks through, and the outcomes.

A scenario is a function of a ``Session``: it sends requests, reads the folded turns the recorder's
pipeline made of the answers, and either returns (the scenario's own expectations hold), raises
``Unmet`` (they do not) or raises ``Skipped`` (the server does not offer the capability, and says so).
Whether the bytes broke a rule is not the scenario's business: the runner judges every recorded
cassette with the whole pipeline (``harness.live.probe``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import orjson

from harness.exchange import Request
from harness.providers.base import Provider
from harness.state import Turn

# The canned output every probe answers a tool call with: small, JSON, easy to spot in the next request.
CANNED_OUTPUT = {"temperature_c": 18, "conditions": "cloudy", "note": "canned by harness"}


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, Any]


WEATHER = Tool("get_weather", "Current weather for a city.",
               {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}},
                "required": ["city"]})


@dataclass(frozen=True, slots=True)
class Ask:
    """A fresh turn in provider-neutral words; a ``Dialect`` writes it in its family's."""

    prompt: str
    tools: tuple[Tool, ...] = ()
    force_tool: bool = False  # tool_choice "required" / "any" where the family has it
    reasoning: bool = False  # ask for reasoning (summaries, thinking) where the family has a switch
    extra: dict[str, Any] = field(default_factory=dict)  # family-specific members (background, MCP tools)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request the server must refuse, why it must, and where that is written."""

    method: str
    path: str
    body: dict[str, Any]
    what: str
    source: str


class Dialect(ABC):
    """How one family's requests are written. Paths are relative to the base URL, which is what the
    family's official SDK takes as its base URL (``https://api.openai.com/v1``,
    ``https://api.anthropic.com``, ``https://generativelanguage.googleapis.com``...)."""

    family: ClassVar[str]
    default_model: ClassVar[str]
    key_env: ClassVar[tuple[str, ...]]  # where the API key is read from, first set wins
    base_hint: ClassVar[str]  # the public base URL, for --help and --list

    def auth(self, key: str) -> dict[str, str]:
        """The headers that carry the key: a bearer token, unless the family names its own header."""
        return {"authorization": f"Bearer {key}"}

    @property
    def credentials(self) -> str:
        """Where the credentials come from, for ``--list``."""
        return f"key from ${' or $'.join(self.key_env)}"

    def headers(self) -> dict[str, str]:
        """Headers every request carries besides the key (a version header, an accept)."""
        return {}

    def sign(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
             key: str | None) -> dict[str, str]:
        """The headers with the credentials added (a family that signs the whole request overrides this)."""
        return {**headers, **self.auth(key)} if key else headers

    @abstractmethod
    def start(self, session: Session, ask: Ask) -> tuple[str, str, dict[str, Any]]:
        """Method, path and body of a fresh turn (a family that needs calls before a turn, such as Llama
        Stack's agent and session, makes them through ``session``)."""

    @abstractmethod
    def resume_at(self, turn: Turn, model: str) -> tuple[str, str]:
        """Method and path of the request that answers ``turn``'s interrupt."""

    @abstractmethod
    def refusal(self, model: str) -> Refusal:
        """A request the protocol documents as refused."""

    @abstractmethod
    def error_problem(self, body: Any) -> str | None:
        """What is wrong with an HTTP error's JSON body against the family's documented shape (None: fine)."""


@dataclass(slots=True)
class Sent:
    """One exchange as the probe saw it, and the turn the pipeline folded from what was recorded."""

    request: Request
    status: int
    body: bytes
    turn: Turn | None

    def json(self) -> Any:
        """The answer's body as JSON (None when it is not JSON: an event stream, say)."""
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            return None


class Session(Protocol):
    """What a scenario talks through (``harness.live.probe.ProbeSession``)."""

    dialect: Dialect
    provider: Provider
    model: str

    def send(self, method: str, path: str, body: dict[str, Any] | None, *,
             cut: Callable[[dict[str, Any]], bool] | None = None) -> Sent:
        """Send one request, read the answer (up to the event ``cut`` says to drop the connection
        after), record it, fold it."""
        ...


class Skipped(Exception):
    """The server does not offer what the scenario needs; the message says what it did instead."""


class Unmet(Exception):
    """A scenario expectation that did not hold; the message names it and its source."""


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    proves: str  # one line: what a pass shows
    run: Callable[[Session], None]
