"""What a provider family must declare to join the harness.

A provider knows its wire framing, how to recognise its exchanges, how a frame becomes a native
event, how native events translate into canonical ones (a per-stream ``Translator``, since every
protocol keys its state differently), and its resume contract. Nothing here renders, decodes bytes
or folds state: those rooms belong to the report, wire and reducer modules.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

import orjson

from harness import events as ev
from harness.exchange import Exchange, Request
from harness.checkspec import CheckSpec
from harness.findings import Finding, Location, finding
from harness.jsontext import exact_json, strict_json
from harness.schemas import SchemaSet, schemas_for, schemas_in
from harness.state import Interrupt, Turn
from harness.wire import sse
from harness.wire.frames import Frame

Framing = Literal["sse", "eventstream", "jsonstream", "json"]
CONTENT_TYPES: dict[Framing, str] = {"sse": "text/event-stream", "eventstream": "application/vnd.amazon.eventstream",
                                     "jsonstream": "application/json", "json": "application/json"}
Fragmenter = Callable[[str], list[str]]


@dataclass(slots=True)
class NativeEvent:
    """A frame's payload, parsed, with its protocol type and sequence number (if the protocol has one)."""

    type: str
    data: dict[str, Any]
    frame: int
    offset: int
    exchange: int
    seq: int | None = None
    sse_event: str | None = None

    cached_origin: ev.Origin | None = None

    def origin(self) -> ev.Origin:
        """Where canonical events made from this one came from (built once, shared by all of them)."""
        if self.cached_origin is None:
            # positional, in Origin's field order: this runs once per event, and keywords cost twice as much
            self.cached_origin = ev.Origin(self.exchange, self.frame, self.offset, self.type, self.seq)
        return self.cached_origin

    def location(self, **extra: Any) -> Location:
        return Location(
            exchange=self.exchange, frame=self.frame, offset=self.offset, native_type=self.type, seq=self.seq, **extra
        )


@dataclass(slots=True)
class StreamContext:
    """What a translator may know about the stream it reads, beyond the events themselves."""

    exchange: Exchange
    resumed_after: int | None = None  # the client's cursor when this stream re-attaches (starting_after)
    seed: Turn | None = None  # the turn a re-attached stream continues
    previous: Turn | None = None  # the turn of the exchange before, when this family answered it too


Events = list[ev.CanonicalEvent]
Handler = Callable[[Any, "NativeEvent"], Events]


def handles(*native_types: str) -> Callable[[Handler], Handler]:
    """Make a translator method the handler of these native event types (``Translator.handlers``)."""

    def mark(method: Handler) -> Handler:
        method.handles = native_types  # type: ignore[attr-defined]
        return method

    return mark


class Translator(ABC):
    """Per-stream state machine: native events in, canonical events out, native-protocol findings aside.

    What every protocol shares lives here, so a family writes only its own rules:

    - dispatch: each native type goes to the method marked ``@handles(type)`` (``handlers``, built
      per class, inherited); a type with no handler goes to ``unhandled`` (tolerated by default: the
      pipeline reports unknown types as SCHEMA-002);
    - the end: once a handler calls ``end``, the first event that ``counts_after_end`` is flagged
      with the family's ``after_end`` finding and it and every later event are dropped, so one
      fault is one finding, not a cascade;
    - origins: every canonical event a handler returns is stamped with the native event's origin,
      unless the family gave it one (an item written frames after the event that produced it).

    ``translate`` never raises on odd input: what a family cannot make sense of becomes a finding.
    ``finish`` is called once at the end of the body, so a translator can flush open state and
    report what never arrived.
    """

    handlers: ClassVar[dict[str, Handler]] = {}
    _routes: ClassVar[bool] = False  # the class overrides route

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        table = dict(cls.handlers)
        for member in vars(cls).values():
            for native_type in getattr(member, "handles", ()):
                table[native_type] = member
        cls.handlers = table
        cls._routes = cls.route is not Translator.route

    def __init__(self, context: StreamContext) -> None:
        self.context = context
        self.findings: list[Finding] = []
        self.ended: str | None = None  # what ended the stream, in the family's words; None while it runs
        self._after_end_flagged = False

    def translate(self, native: NativeEvent) -> Events:
        if self.ended is not None:
            if not self._after_end_flagged and self.counts_after_end(native):
                self._after_end_flagged = True
                self.flag(*self.after_end(native), native)
            return []
        if self._routes:
            events = self.route(native)
        else:  # the base's routing, inline: one call less per event for the families that keep it
            handler = self.handlers.get(native.type)
            events = self.unhandled(native) if handler is None else handler(self, native)
        if events:
            origin = native.origin()
            for event in events:
                if event.origin is ev.NO_ORIGIN:  # an event a family built earlier keeps the origin it was given
                    event.origin = origin
        return events

    def route(self, native: NativeEvent) -> Events:
        """Send the event to its handler; a family overrides this for rules that precede dispatch
        (what must come first, sentinels), and calls ``self.dispatch`` to dispatch."""
        handler = self.handlers.get(native.type)
        return self.unhandled(native) if handler is None else handler(self, native)

    dispatch = route  # the base's routing under a name overrides keep: cheaper per event than super() on 3.11

    def unhandled(self, native: NativeEvent) -> Events:
        """A native type with no handler: tolerated (the pipeline reports an unknown type)."""
        return []

    def end(self, by: str = "the terminal event") -> None:
        """The stream has ended (``by`` names what ended it): whatever follows is flagged once and dropped."""
        self.ended = by

    def counts_after_end(self, native: NativeEvent) -> bool:
        """Whether an event after the end breaks the rule (default: a type this family handles; pings and
        unknown types do not)."""
        return native.type in self.handlers

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        """The check id and message for the first event after the end."""
        return "LIFECYCLE-004", f"{native.type} after the stream's terminal event"

    def finish(self) -> Events:
        return []

    def flag(self, check: str, message: str, native: NativeEvent | None = None, **details: Any) -> None:
        location = native.location() if native is not None else Location(exchange=self.context.exchange.index)
        self.findings.append(finding(check, message, location, **details))


@dataclass(slots=True)
class Answer:
    """One answer to a pending call found in the next request, and where it stands there."""

    call_id: str
    path: str
    kind: str = "tool_result"


@dataclass(slots=True)
class ResumeView:
    """The parts of a next request that the provider-neutral resume checks look at."""

    handle: dict[str, Any] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)


class ResumeContract(Protocol):
    """A family's resume rules; its ``resume`` module provides these three functions."""

    def is_continuation(self, request: Request) -> bool: ...

    def check(self, turn: Turn, request: Request, exchange: int) -> list[Finding]: ...

    def build(self, turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]: ...


class LazyModule:
    """A family's module named when its class is defined and imported when first read.

    Start-up loads every installed family to learn which one speaks an exchange; with its resume
    contract (and, imported inside the methods, its translator and encoder) loaded on first use, a
    run pays only for the families it meets (bench/README.md, "Cold start").
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        """The module, read from a family; read from the class, the descriptor itself (as ``property``
        does), so another family can name the same module without importing it."""
        return self if instance is None else import_module(self.name)


class Provider(ABC):
    """A protocol family. Registered through the ``harness.providers`` entry-point group (its name is
    the entry point's name); ``checks`` is the block it claimed with ``harness.checkspec.claim``."""

    name: ClassVar[str]
    contract: ClassVar[ResumeContract]  # the family's resume module, or a LazyModule naming it
    checks: ClassVar[tuple[CheckSpec, ...]] = ()
    aliases: ClassVar[tuple[str, ...]] = ()
    detect_order: ClassVar[int] = 0  # lower is asked first; the shipped families use 100 and up
    schema_folder: ClassVar[Path | None] = None  # a plug-in's own schemas (default: schemas/<name> of the harness)
    framing: ClassVar[Framing] = "sse"
    streams_json_arrays: ClassVar[bool] = False  # also answers with a streamed JSON array (Gemini without alt=sse)
    has_sequence_numbers: ClassVar[bool] = False
    schema_family: ClassVar[str | None] = None  # another family whose native schemas this one's events follow
    answers_json: ClassVar[bool] = False  # a whole JSON answer replays as one frame (agent session `stream: "none"`)

    @property
    def schemas(self) -> SchemaSet:
        """The JSON Schemas its native events are validated against."""
        if self.schema_folder is not None:
            return schemas_in(self.schema_folder)
        return schemas_for(self.schema_family or self.name)

    @property
    def content_type(self) -> str:
        """The content type a response in this family's framing is served with."""
        return CONTENT_TYPES[self.framing]

    # -- recognising exchanges ------------------------------------------------------------------

    @abstractmethod
    def detect(self, exchange: Exchange) -> bool:
        """Whether this exchange speaks this protocol (URL, headers, payload shape)."""

    # -- frames to native events ------------------------------------------------------------------

    def native_type(self, payload: dict[str, Any], frame: Frame) -> str | None:
        """The protocol's name for this payload; the default reads a ``type`` member."""
        value = payload.get("type")
        return value if isinstance(value, str) else None

    def sequence_number(self, payload: dict[str, Any]) -> int | None:
        return None

    def parse(self, frame: Frame, exchange: int) -> NativeEvent | list[Finding]:
        """Turn one frame into a native event, or into findings saying why it cannot be one."""
        payload = json_object(frame.payload, frame, exchange)
        if isinstance(payload, list):
            return payload
        kind = self.native_type(payload, frame)
        if kind is None:
            return [finding("SCHEMA-004", "payload has no string `type`", frame_location(frame, exchange))]
        # positional: this runs once per event, and keywords cost a dataclass twice as much
        return NativeEvent(kind, payload, frame.index, frame.offset, exchange, self.sequence_number(payload), frame.event)

    @abstractmethod
    def translator(self, context: StreamContext) -> Translator: ...

    # -- the resume contract -------------------------------------------------------------------------

    def pending(self, turn: Turn) -> Interrupt | None:
        """What the client must answer before the conversation can go on (None: nothing)."""
        return turn.interrupt

    def check_resume(self, turn: Turn, request: Request, exchange: int) -> list[Finding]:
        """Findings on ``request`` as the continuation of ``turn``."""
        return self.contract.check(turn, request, exchange)

    def build_resume(self, turn: Turn, answers: dict[str, Any], prior: Request | None = None) -> dict[str, Any]:
        """A correct next request body answering every pending call (``answers``: call id -> output)."""
        return self.contract.build(turn, answers, prior)

    # -- simulation -----------------------------------------------------------------------------------

    def encode(self, turn: Turn, fragments: Fragmenter | None = None) -> list[dict[str, Any]]:
        """The native events this provider would send for ``turn``, exactly as it sends them.

        ``fragments`` decides how text and argument strings are cut into deltas (default: the
        provider's own style); property suites pass any split they like.
        """
        raise NotImplementedError(f"{self.name} has no encoder yet")

    def to_wire(self, natives: list[dict[str, Any]]) -> bytes:
        """Frame native events as the provider's wire bytes; typed SSE protocols name each event."""
        return self.frame_payloads([(native.get("type"), orjson.dumps(native).decode()) for native in natives])

    def frame_payloads(self, payloads: list[tuple[str | None, str]]) -> bytes:
        """Frame (type, payload text) pairs, whether or not the text is valid JSON: fault injection
        frames broken payloads exactly as the provider would frame good ones."""
        return sse.encode(payloads)

    def is_continuation(self, request: Request) -> bool:
        """Whether ``request`` continues the previous exchange's turn (rather than starting afresh)."""
        return self.contract.is_continuation(request)

    def opens_stream(self, native: NativeEvent) -> bool:
        """Whether this event starts a response stream (used to split concatenated fixtures)."""
        return False

    def closes_stream(self, native: NativeEvent) -> bool:
        """Whether this event ends a response stream (used to split concatenated fixtures)."""
        return False

    def resume_cursor(self, request: Request) -> int | None:
        """For protocols that re-attach dropped streams: the cursor the request resumes after."""
        return None


def json_object(raw: bytes, frame: Frame, exchange: int, *, exact: bool = False) -> dict[str, Any] | list[Finding]:
    """A frame's payload parsed as a JSON object (``exact``: integers of any size stay exact), or the
    WIRE finding saying why it is not one."""
    try:
        payload = exact_json(raw) if exact else orjson.loads(raw)
    except (ValueError, RecursionError) as error:  # orjson.JSONDecodeError is a ValueError
        return [finding("WIRE-004", f"data is not JSON: {error}", frame_location(frame, exchange),
                        actual=raw[:200].decode("utf-8", errors="replace"))]
    if type(payload) is not dict:
        return [finding("WIRE-008", f"payload is a JSON {type(payload).__name__}, not an object",
                        frame_location(frame, exchange))]
    return payload


def frame_location(frame: Frame, exchange: int) -> Location:
    """Where a frame sat, for a finding about it (built only when there is one: it is a pydantic model)."""
    return Location(exchange=exchange, frame=frame.index, offset=frame.offset)


def fixed_size(size: int) -> Fragmenter:
    """Cut strings into pieces of ``size`` code points, about what a tokenizer-driven stream sends."""

    def cut(text: str) -> list[str]:
        return [text[start : start + size] for start in range(0, len(text), size)]

    return cut
