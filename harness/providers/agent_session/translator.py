"""Agent-session native events -> canonical events (specs/agent-session.md, from seeds/003_8cdbdbd01a0701e9.txt).

Both framings go through the same four steps (``_piece``, ``_call``, ``_result``, ``_stop``), so one turn
told in delta, message or none mode folds to one canonical turn: consecutive text (or thinking) is one
item however many events carried it, each tool call is an item whose arguments are its ``input`` as JSON,
and a trusted server tool's inline answer is a ``tool.result``. In none mode the whole JSON body is one
native event (``response``, see ``Provider.answers_json``) whose messages are replayed in order.

Which side runs a call. The request's ``tools`` are the application tools (``request.py``); a call named
otherwise is the agent's own, server-side tool (the client "identifies whether a tool call is
application-side or server-side by matching the name against its request", source document). Trust is a
server-side setting that shows on the wire only as an inline ``tool_result`` (a ``tool`` message in none
mode): a server-side call answered inline is trusted, one left unanswered at ``turn_stop`` is untrusted
and waits for a ``tool_permission``. When the request does not name its tools (a raw stream, or a POST
that does not re-send them) the side of a call is unknown until the turn shows it: the call's events, and
everything after them, are held until an inline result makes it a (trusted) server call or ``turn_stop``
leaves it unknown (executor None: it needs client action, and the resume contract takes either kind of
answer for it). So a trusted call is never mistaken for one the client must run.

Checked here: LIFECYCLE-801..809, ASSEMBLY-810/811, STATE-830/831.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from harness import events as ev
from harness.events import Executor
from harness.providers.agent_session import RESPONSE
from harness.providers.agent_session.request import read_request
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.values import array, name, string

STOPS: dict[str, ev.StopReason] = {"end_turn": "end_turn", "tool_use": "tool_use", "max_tokens": "max_tokens",
                                   "refusal": "refusal", "error": "error"}
CLIENT_ACTION_MISSING = ("end_turn", "max_tokens", "refusal")  # stops that say nothing waits for the client
ERROR_MESSAGE = "the agent stopped the turn with stopReason error"
StreamMode = Literal["delta", "message"]  # the streamed modes (none mode answers one JSON body)
TextKind = Literal["message", "reasoning"]
# the SSE pieces of text and thinking: native type -> (the stream mode it belongs to, item kind, payload member)
PIECES: dict[str, tuple[StreamMode, TextKind, str]] = {
    "text_delta": ("delta", "message", "delta"), "thinking_delta": ("delta", "reasoning", "delta"),
    "text": ("message", "message", "text"), "thinking": ("message", "reasoning", "thinking"),
}


@dataclass(slots=True)
class _Call:
    call_id: str | None
    name: str | None
    executor: Executor | None
    started: ev.ItemStarted | None = None
    answered: bool = False  # a tool_result (tool message) answered it inline


class SessionTranslator(Translator):
    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        self.facts = facts = read_request(context.exchange.request)
        self._kind = facts.kind
        self._session_id = facts.session_id
        self._mode: StreamMode | None = facts.mode if facts.mode in ("delta", "message") else None  # else inferred
        self._session_seen = self._turn_open = self._started = False
        self._open: tuple[str, str] | None = None  # the open text or reasoning item: (kind, item_id)
        self._items = 0
        self._calls: dict[str, _Call] = {}
        self._order: list[_Call] = []
        self._once: set[str] = set()
        self._unsettled: set[str] = set()  # calls of unknown side that no inline result has answered yet
        self._held: Events = []  # what followed the first of them, in order
        self._request_checks()

    def _request_checks(self) -> None:
        facts = self.facts
        if facts.duplicate_tools:
            self.flag("STATE-831", f"the request names tool(s) {', '.join(facts.duplicate_tools)} more than once",
                      actual=facts.duplicate_tools)
        if facts.stream_value is not None:
            self.flag("LIFECYCLE-807", f"stream is {facts.stream_value!r}, not one of delta, message, none",
                      actual=facts.stream_value)
        if facts.path_problem is not None:
            self.flag("LIFECYCLE-809", f"{facts.path_problem} is neither PUT /session nor POST /session/{{id}}",
                      actual=facts.path_problem)

    def translate(self, native: NativeEvent) -> Events:
        """Hold what follows a call of unknown side until the turn settles it (module docstring); the
        events held keep the origins the base gave them as they were translated."""
        events = super().translate(native)
        if not self._held and not self._unsettled:
            return events
        self._held += events
        if self._unsettled and self.ended is None:
            return []
        events, self._held = self._held, []
        return events

    def finish(self) -> Events:
        """A stream cut short: what was held goes out as it is (the reducer reports the missing end)."""
        events, self._held = self._held, []
        return events

    def route(self, native: NativeEvent) -> Events:
        """Any event (unknown types too: SCHEMA-002 said so) but a whole JSON body breaks stream mode none."""
        if native.type != RESPONSE and self.facts.mode == "none":
            self._flag_once("LIFECYCLE-807", "an event stream answers a request for stream mode none "
                                             "(application/json)", native)
        return self.dispatch(native)

    def counts_after_end(self, native: NativeEvent) -> bool:
        """Rule 3: turn_stop is always the last event, so anything after it counts."""
        return True

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        if native.type == "turn_stop":
            return "LIFECYCLE-803", "a second turn_stop"
        return "LIFECYCLE-803", f"{native.type} after turn_stop (turn_stop is always the last event)"

    # -- lifecycle (rules 1-4) -----------------------------------------------------------------------

    def _start_rule(self) -> str:
        return "LIFECYCLE-801" if self._kind == "put" else "LIFECYCLE-802"

    @handles("session_start")
    def _session_start(self, native: NativeEvent) -> Events:
        if self._kind is None:
            self._kind = "put"  # a raw stream: its first lifecycle event says which request it answers
        if self._kind == "post":
            self._flag_once("LIFECYCLE-802", "session_start in a POST /session/{id} stream", native)
        elif self._session_seen or self._turn_open:
            self._flag_once("LIFECYCLE-801", "a second session_start" if self._session_seen
                            else "session_start after turn_start", native)
        session_id = native.data.get("sessionId")
        if name(session_id) is not None:
            self._session_id = self._session_id or session_id
        elif self._kind == "put":
            self._flag_once("LIFECYCLE-801", "session_start carries no non-empty sessionId", native,
                            actual=session_id)
        self._session_seen = True
        return self._begin()

    @handles("turn_start")
    def _turn_start(self, native: NativeEvent) -> Events:
        if self._kind is None:
            self._kind = "post"
        if self._turn_open:
            self._flag_once(self._start_rule(), "a second turn_start", native)
        elif self._kind == "put" and not self._session_seen:
            self._flag_once("LIFECYCLE-801", "turn_start without a session_start before it", native)
        self._turn_open = True
        return self._begin()

    @handles("turn_stop")
    def _turn_stop(self, native: NativeEvent) -> Events:
        if not self._turn_open:
            if self._kind is None:
                self._kind = "post"
            self._flag_once(self._start_rule(), "turn_stop without a turn_start before it", native)
        return self._stop(native, native.data.get("stopReason"))

    def _placed(self, native: NativeEvent) -> None:
        """Rule 4: content lies between turn_start and turn_stop (after turn_stop: rule 3, above)."""
        if not self._turn_open:
            self._flag_once("LIFECYCLE-804", f"{native.type} before turn_start", native)

    def _begin(self) -> Events:
        if self._started:
            return []
        self._started = True
        return [ev.TurnStarted(session_id=self._session_id)]

    # -- content ---------------------------------------------------------------------------------------

    @handles(*PIECES)
    def _sse_piece(self, native: NativeEvent) -> Events:
        """Rule 5: text_delta/thinking_delta only in delta mode, text/thinking only in message mode."""
        mode, kind, key = PIECES[native.type]
        if self._mode is None:
            self._mode = mode
        elif self._mode != mode:
            self._flag_once("LIFECYCLE-805", f"{native.type} is a {mode}-mode event in a {self._mode}-mode stream",
                            native, expected=self._mode, actual=mode)
        self._placed(native)
        return self._piece(kind, native.data.get(key))

    def _piece(self, kind: TextKind, text: Any) -> Events:
        events = self._begin()
        if not isinstance(text, str):
            return events  # the schema says so
        if self._open is None or self._open[0] != kind:
            events += self._close()
            self._open = (kind, self._new_id(kind))
            events.append(ev.ItemStarted(item_id=self._open[1], kind=kind,
                                         role="assistant" if kind == "message" else None))
        delta = ev.TextDelta if kind == "message" else ev.ReasoningDelta
        events.append(delta(item_id=self._open[1], text=text))
        return events

    def _close(self) -> Events:
        if self._open is None:
            return []
        item_id, self._open = self._open[1], None
        return [ev.ItemCompleted(item_id=item_id, declared=ev.Declared(status="completed"))]

    def _new_id(self, kind: str) -> str:
        self._items += 1
        return f"{kind}.{self._items - 1}"

    # -- tools (rules 6, 7, 10) ----------------------------------------------------------------------------

    def _executor(self, tool: str | None) -> Executor | None:
        tools = self.facts.tools
        if tools is None or tool is None:
            return None
        return "client" if tool in tools else "server"

    @handles("tool_call")
    def _tool_call(self, native: NativeEvent) -> Events:
        self._placed(native)
        return self._call(native, native.data, "")

    @handles("tool_result")
    def _tool_result(self, native: NativeEvent) -> Events:
        self._placed(native)
        return self._result(native, native.data, "")

    def _call(self, native: NativeEvent, payload: dict[str, Any], where: str) -> Events:
        """A ``tool_call`` event, or a ``tool_use`` block of a none-mode assistant message: same members."""
        events = self._begin() + self._close()
        call_id = string(payload.get("toolCallId"))
        tool = string(payload.get("name"))
        if call_id is not None and call_id in self._calls:
            self.flag("ASSEMBLY-810", f"toolCallId {call_id} is used by a second tool call{where}", native,
                      actual=call_id)
        call = _Call(call_id=call_id, name=tool, executor=self._executor(tool))
        if call_id is not None:
            self._calls.setdefault(call_id, call)
        self._order.append(call)
        item_id = self._new_id("call")
        call.started = ev.ItemStarted(item_id=item_id, kind="tool_call", name=tool, call_id=call_id,
                                      executor=call.executor)
        events.append(call.started)
        if call.executor is None and call_id is not None:
            self._unsettled.add(call_id)
        kept: dict[str, Any] | None = None
        if isinstance(payload.get("input"), dict):
            text = json.dumps(payload["input"], ensure_ascii=False, separators=(",", ":"))
            events.append(ev.ToolCallDelta(item_id=item_id, text=text))
        elif "input" in payload:  # a missing input is the schema's finding
            value = payload["input"]
            self.flag("ASSEMBLY-811", f"input of {tool}{where} is a JSON {type(value).__name__}, not an object: "
                                      "kept aside, not read as arguments", native, actual=value)
            kept = {"input": value}
        events.append(ev.ItemCompleted(item_id=item_id, declared=ev.Declared(
            status="completed", name=tool, call_id=call_id, native=kept)))
        return events

    def _result(self, native: NativeEvent, payload: dict[str, Any], where: str) -> Events:
        """A ``tool_result`` event, or a none-mode ``tool`` message: a server tool run inline."""
        events = self._begin() + self._close()
        call_id = payload.get("toolCallId")
        call = self._calls.get(call_id) if isinstance(call_id, str) else None
        if call is None:
            self.flag("ASSEMBLY-810", f"tool result{where} for {call_id!r}, which no earlier tool call of this turn "
                                      "made", native, actual=call_id)
        elif call.answered:
            self.flag("ASSEMBLY-810", f"a second tool result{where} for {call_id}", native, actual=call_id)
        elif call.executor == "client":
            self.flag("LIFECYCLE-806", f"tool result{where} for {call.name} ({call_id}), an application tool of the "
                                       "request: only trusted server-side tools run inline (or the agent has a tool "
                                       "of the same name, rule 9)", native, actual=call.name)
        if call is not None:
            call.answered = True
            if call.executor is None and call.started is not None:  # answered inline: a trusted server tool
                call.executor = call.started.executor = "server"
                self._unsettled.discard(call.call_id)  # type: ignore[arg-type]
        events.append(ev.ToolResult(call_id=str(call_id), output=payload.get("content"), executor="server"))
        return events

    # -- the end (rule 8) ------------------------------------------------------------------------------------

    def _pending(self) -> list[str]:
        """Calls that need client action: application-side ones, and server-side ones nobody answered inline
        (untrusted); a call of unknown side answered inline was a trusted server tool."""
        pending: list[str] = []
        for call in self._order:
            if call.call_id is not None and call.call_id not in pending and (
                    call.executor == "client" or not self._calls[call.call_id].answered):
                pending.append(call.call_id)
        return pending

    def _stop(self, native: NativeEvent, reason: Any) -> Events:
        events = self._begin() + self._close()
        self.end(native.type)
        self._unsettled.clear()  # still unanswered at the end: unknown side, waiting for the client
        pending = self._pending()
        if reason == "tool_use" and not pending:
            self.flag("STATE-830", "stopReason tool_use, but no call needs client action" + (
                " (every call was a trusted server-side tool answered inline)" if self._order else ""), native,
                      actual=reason)
        elif pending and reason in CLIENT_ACTION_MISSING:
            self.flag("STATE-830", f"stopReason {reason}, but {', '.join(pending)} need(s) client action",
                      native, expected="tool_use", actual=reason)
        stop = STOPS.get(reason, "other") if isinstance(reason, str) else "other"
        if stop == "error":
            events.append(ev.ErrorReported(code="error", message=ERROR_MESSAGE))
        if stop == "tool_use" and pending:
            waits_for_client = any(self._calls[call_id].executor != "server" for call_id in pending)
            events.append(ev.Interrupt(kind="tool_calls" if waits_for_client else "approval", pending=pending,
                                       handle={"session_id": self._session_id} if self._session_id else {}))
        events.append(ev.TurnCompleted(stop=stop, native_stop=string(reason)))
        return events

    # -- none mode: one JSON body ----------------------------------------------------------------------------

    @handles(RESPONSE)
    def _json(self, native: NativeEvent) -> Events:
        data = native.data
        if self.facts.mode in ("delta", "message"):
            self._flag_once("LIFECYCLE-807", f"a JSON body answers a request for stream mode {self.facts.mode} "
                                             "(text/event-stream)", native)
        session_id = data.get("sessionId")
        if name(session_id) is not None:
            self._session_id = self._session_id or session_id
        elif self._kind == "put":
            self.flag("LIFECYCLE-808", "the JSON answer to PUT /session carries no sessionId", native,
                      actual=session_id)
        events = self._begin()
        for index, message in enumerate(array(data.get("messages"))):
            if isinstance(message, dict):
                events += self._json_message(native, index, message)
        return events + self._stop(native, data.get("stopReason"))

    def _json_message(self, native: NativeEvent, index: int, message: dict[str, Any]) -> Events:
        role, where = message.get("role"), f" (messages[{index}])"
        if role == "tool":
            return self._result(native, message, where)
        if role != "assistant":
            self.flag("LIFECYCLE-808", f"messages[{index}] has role {role!r}: a JSON answer returns assistant and "
                                       "tool messages", native, actual=role)
            return []
        content = message.get("content")
        if isinstance(content, str):
            return self._piece("message", content)
        events: Events = []
        for block in array(content):
            kind = block.get("type") if isinstance(block, dict) else None
            if kind == "text":
                events += self._piece("message", block.get("text"))
            elif kind == "thinking":
                events += self._piece("reasoning", block.get("thinking"))
            elif kind == "tool_use":
                events += self._call(native, block, where)  # type: ignore[arg-type]
        return events  # other blocks: the schema says so

    def _flag_once(self, check: str, message: str, native: NativeEvent, **details: Any) -> None:
        """Ordering rules are reported at their first breach: one broken start makes everything after it odd."""
        if check not in self._once:
            self._once.add(check)
            self.flag(check, message, native, **details)
