"""Bedrock session management (CreateSession, ListSessions, GetSession, UpdateSession, EndSession,
DeleteSession; specs/gemini-mistral-bedrock.md C.6), checked where a cassette holds such exchanges.

They are plain JSON request/response pairs, not streams. The provider declares ``answers_json``, so
the pipeline hands a JSON answer over as one frame (a ``[json]`` native event); ``SessionTranslator``
checks the request (LIFECYCLE-760) and the answer (its schema, ``<Operation>Response.json``, and
LIFECYCLE-761), and folds the exchange into an empty turn whose native facts (operation, the
statuses of the sessions it names) are all the next exchange needs. DeleteSession answers with an
empty body, which the pipeline never frames: its rule (end first, LIFECYCLE-762) is checked by the
resume contract against the turn of the exchange before it.
"""

from __future__ import annotations

from typing import Any

from harness import events as ev
from harness.findings import Finding, Location, finding
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.providers.bedrock_agents.operations import Call, call_of, session_uuid
from harness.schemas import schemas_for
from harness.state import Turn
from harness.values import array, digits

PROVIDER = "bedrock-agents"
_REQUEST_SHAPES = frozenset({"CreateSession", "UpdateSession"})  # the operations with a JSON request body
_NAMED = frozenset({"GetSession", "UpdateSession", "EndSession", "DeleteSession"})  # a session in the path
GONE = frozenset({"ENDED", "EXPIRED"})
MAX_PAGE = 1000


class SessionTranslator(Translator):
    """One session-management exchange answered with JSON."""

    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        self.call: Call = call_of(context.exchange.request)
        self.answered = False

    def unhandled(self, native: NativeEvent) -> Events:
        """Anything but one JSON answer is flagged, each time it comes: the exchange is no stream, so no
        end silences what follows it."""
        self.flag("LIFECYCLE-761", f"{self.call.operation} answers with one JSON object, not with {native.type}",
                  native)
        return []

    @handles("[json]")
    def _answer(self, native: NativeEvent) -> Events:
        if self.answered:
            return self.unhandled(native)
        self.answered = True
        operation = str(self.call.operation)
        self._request_shape(native)
        self.findings.extend(schemas_for(PROVIDER).validate(
            NativeEvent(type=f"{operation}Response", data=native.data, frame=native.frame, offset=native.offset,
                        exchange=native.exchange)))
        statuses = known_sessions(self.context) | self._statuses(native)
        named = session_uuid(self.call.session)
        return [ev.TurnStarted(session_id=named, native={"operation": operation, "sessions": statuses}),
                ev.TurnCompleted(stop="other", native_stop=operation)]

    def _request_shape(self, native: NativeEvent) -> None:
        request = self.context.exchange.request
        where = Location(exchange=native.exchange, path="request")
        if self.call.operation in _NAMED and session_uuid(self.call.session) is None:
            self.findings.append(finding("LIFECYCLE-760", f"{self.call.session!r} is neither a session UUID nor a "
                                                          "session ARN", where.with_(path="uri")))
        if self.call.operation == "ListSessions":
            self._page_size(request.query.get("maxResults"), where)
        if self.call.operation not in _REQUEST_SHAPES or not request.body:
            return
        if not isinstance(request.json, dict):
            self.findings.append(finding("LIFECYCLE-760", "the request body is not a JSON object", where))
            return
        shaped = NativeEvent(type=f"{self.call.operation}Request", data=request.json, frame=native.frame,
                             offset=native.offset, exchange=native.exchange)
        for problem in schemas_for(PROVIDER).validate(shaped):
            self.findings.append(finding("LIFECYCLE-760", f"request body: {problem.message}",
                                         where.with_(path=problem.location.path or "request")))

    def _page_size(self, values: list[str] | None, where: Location) -> None:
        """ListSessions takes its page size in the query: maxResults, 1 to 1000."""
        size = digits(values[0]) if values is not None else None
        if values is not None and not (size is not None and 1 <= size <= MAX_PAGE):
            self.findings.append(finding("LIFECYCLE-760", f"maxResults={values[0][:40]!r} is not 1 to {MAX_PAGE}",
                                         where.with_(path="uri")))

    def _statuses(self, native: NativeEvent) -> dict[str, str]:
        """The sessions the answer names, with their status; and LIFECYCLE-761 where it disagrees."""
        data = native.data
        summaries = data.get("sessionSummaries") if self.call.operation == "ListSessions" else [data]
        statuses = {entry["sessionId"]: entry["sessionStatus"] for entry in array(summaries)
                    if isinstance(entry, dict) and isinstance(entry.get("sessionId"), str)
                    and isinstance(entry.get("sessionStatus"), str)}
        named = session_uuid(self.call.session)
        if self.call.operation in _NAMED and named is not None and "sessionId" in data and data["sessionId"] != named:
            self.flag("LIFECYCLE-761", f"{self.call.operation} of session {named} answers about {data['sessionId']!r}",
                      native, expected=named, actual=data["sessionId"])
        if self.call.operation == "EndSession" and data.get("sessionStatus") != "ENDED":
            self.flag("LIFECYCLE-761", f"EndSession answers sessionStatus {data.get('sessionStatus')!r}, not ENDED",
                      native, expected="ENDED", actual=data.get("sessionStatus"))
        return statuses


def known_sessions(context: StreamContext) -> dict[str, str]:
    """The session statuses the exchanges so far have shown: each turn carries them on, whatever its
    operation, so that the exchange before a DeleteSession knows whether any earlier one ended it."""
    previous = context.previous
    return dict(previous.native.get("sessions") or {}) if previous is not None else {}


def order_checks(turn: Turn, call: Call, exchange: int) -> list[Finding]:
    """C.6: only a session that is no longer ACTIVE can be deleted; an exchange before DeleteSession
    must show it ended (EndSession, or GetSession / ListSessions reporting ENDED or EXPIRED), as the
    statuses each turn carries on say (``known_sessions``)."""
    if call.operation != "DeleteSession":
        return []
    named = session_uuid(call.session)
    known: dict[str, Any] = turn.native.get("sessions") or {}
    status = known.get(named) if named else None
    if status in GONE:
        return []
    shown = f"show it {status}" if status else "do not end it"
    return [finding("LIFECYCLE-762", f"DeleteSession of {call.session}, but the exchanges before it {shown}",
                    Location(exchange=exchange, path="uri"), expected="ENDED", actual=status)]
