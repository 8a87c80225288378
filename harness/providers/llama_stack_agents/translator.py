"""Llama Stack Agents turn events -> canonical events (specs/llamastack-cohere-compat.md A.2-A.8).

Steps are keyed on ``(step_type, step_id)``: the client-tool ``tool_execution`` step that opens a
resumed stream reuses the id of the inference step before the pause (A-14). An inference step's
text is the item ``{step_id}/text``; its calls are known for sure only at its ``step_complete``
(``model_response.tool_calls``, A.7), and who runs them only later: a server ``tool_execution`` step
(the call becomes a server item with its result) or the terminal ``turn_awaiting_input`` (a client
item, pending). So each call's item is written when its executor is known, carrying the argument
fragments ``calls.attribute`` gave it (or the authoritative text) and the final text as declared.
Checked here: LIFECYCLE-901..909, ASSEMBLY-910..917 and the server side of the resume contract
(RESUME-925, RESUME-926).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from harness import events as ev
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.providers.llama_stack_agents import calls
from harness.providers.llama_stack_agents.calls import equal
from harness.providers.llama_stack_agents.resume import tool_names
from harness.providers.llama_stack_agents.routes import Route, route
from harness.values import array, mapping, name, string

TERMINAL = ("turn_complete", "turn_awaiting_input")
STEP_EVENTS = ("step_start", "step_progress", "step_complete")
_STATUS = re.compile(r"^(\d{3}):")


def payload(native: NativeEvent) -> dict[str, Any]:
    return mapping(mapping(native.data.get("event")).get("payload"))


def content_text(content: Any) -> str:
    """InterleavedContent (A.4) as text: a string, a text item, or a list of them (images skipped)."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return content["text"] if content.get("type") == "text" and isinstance(content.get("text"), str) else ""
    if isinstance(content, list):  # items are strings or objects; a nested list is no content item
        return "".join(content_text(item) for item in content if not isinstance(item, list))
    return ""


@dataclass
class _Call:
    """A call an inference step produced, waiting to learn who runs it."""

    item_id: str
    call: calls.ToolCall
    pieces: list[str]  # argument fragments, in order
    declared: str | None  # the final argument text (arguments_json), when the step gives one
    origin: ev.Origin


@dataclass
class _Step:
    kind: str
    step_id: str
    started: bool
    open: bool = True
    text: list[str] | None = None  # inference: text deltas (None: no text item yet)
    fragments: list[str] = field(default_factory=list)  # inference: in_progress tool-call strings
    raw: bool = False  # a `started` delta: raw Llama tool syntax follows, not a pseudo-call (A.7)
    succeeded: list[calls.ToolCall] = field(default_factory=list)
    announced: set[str] = field(default_factory=set)  # tool_execution: call ids already written as server items

    @property
    def text_id(self) -> str:
        return f"{self.step_id}/text"


class LlamaStackTranslator(Translator):
    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        self._route: Route | None = route(context.exchange.request)
        body = mapping(context.exchange.request.json)
        self._responses = array(body.get("tool_responses"))  # what a resume request answered
        self._started = False
        self._steps: dict[tuple[str, str], _Step] = {}
        self._open: _Step | None = None  # the step most recently started and not completed
        self._step_events = 0
        self._details: list[Any] = []  # step_details of every step_complete, in stream order
        self._turn_ids: set[str] = set()  # every step_details.turn_id
        self._waiting: list[_Call] = []  # produced by inference, not yet run by a server step
        self._written: set[str] = set()  # call ids that have an item
        self._blocked = False  # a shield_call step reported an error-level violation

    # -- entry points ----------------------------------------------------------------------------------

    def translate(self, native: NativeEvent) -> Events:
        """``[DONE]`` is no frame of the stream: flagged and tolerated wherever it stands, after the
        terminal frame too (where it is not what came after the end). A call's item is written once
        its executor is known, frames after the step that produced it, and keeps that step's origin
        (``_Call.origin``)."""
        if native.type == "[DONE]":
            self.flag("LIFECYCLE-909", "a data: [DONE] sentinel, which the Agents API never sends (A.2), tolerated",
                      native)
            return []
        return super().translate(native)

    def route(self, native: NativeEvent) -> Events:
        """A-4: the first frame, whatever its type (unknown types: SCHEMA-002 from the pipeline), opens
        the turn; when it is turn_start, that is all it does."""
        if self._started:
            return self.dispatch(native)
        opening = self._start(native)
        return opening if native.type == "turn_start" else opening + self.dispatch(native)

    def counts_after_end(self, native: NativeEvent) -> bool:
        """A-2: the terminal frame is the last one; anything after it counts."""
        return True

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        return "LIFECYCLE-901", f"{native.type} after the terminal frame"

    def finish(self) -> Events:
        """No terminal frame: the reducer reports LIFECYCLE-005; calls that arrived are still written."""
        return [] if self.ended is not None else self._write_waiting(None)

    # -- the turn ---------------------------------------------------------------------------------------

    def _start(self, native: NativeEvent) -> Events:
        self._started = True
        where = self._route
        turn_id = name(payload(native).get("turn_id")) if native.type == "turn_start" else None
        facts = {"api": where.base, "agent_id": where.agent_id} if where else None
        return [ev.TurnStarted(session_id=where.session_id if where else None,
                               response_id=turn_id or (where.turn_id if where else None), native=facts)]

    @handles("turn_start")
    def _turn_start(self, native: NativeEvent) -> Events:
        """Only a turn_start that is not the first frame comes here (``route``)."""
        self.flag("LIFECYCLE-909", "turn_start is not the first frame (A-4)", native)
        return []

    @handles("error")
    def _error(self, native: NativeEvent) -> Events:
        """A.2: the handler failed after the 200 went out; the frame ends the stream and fails the turn."""
        self.end("error")
        text = name(mapping(native.data.get("error")).get("message")) or "error frame without a message"
        status = _STATUS.match(text)
        return [*self._close_steps(native, report=False), *self._write_waiting(None),
                ev.ErrorReported(code=status.group(1) if status else None, message=text),
                ev.TurnCompleted(stop="error", native_stop="error")]

    # -- steps (A-7..A-9, A-13) -------------------------------------------------------------------------

    @handles(*STEP_EVENTS)
    def _step_event(self, native: NativeEvent) -> Events:
        data = payload(native)
        kind, step_id = name(data.get("step_type")), name(data.get("step_id"))
        if kind is None or step_id is None:
            return []  # the schema says what is missing
        self._step_events += 1
        step = self._steps.get((kind, step_id))
        if self._step_events == 1 and self._route is not None and self._route.is_resume and not (
                native.type == "step_complete" and kind == "tool_execution" and step is None):
            self.flag("RESUME-925", f"the resumed stream opens with {native.type} of a {kind} step, not with the "
                                    "client-tool tool_execution step_complete", native)
        if native.type == "step_start":
            return self._step_start(native, kind, step_id, step)
        if step is None:
            step = self._unstarted(native, kind, step_id)
        elif not step.open:
            self.flag("LIFECYCLE-902", f"{native.type} for {kind} step {step_id} after its step_complete: dropped",
                      native)
            return []
        if native.type == "step_progress":
            return self._progress(native, step, mapping(data.get("delta")))
        return self._complete(native, step, mapping(data.get("step_details")))

    def _step_start(self, native: NativeEvent, kind: str, step_id: str, step: _Step | None) -> Events:
        if step is not None:
            self.flag("LIFECYCLE-902", f"{kind} step {step_id} is started twice", native)
            return []
        if self._open is not None:
            self.flag("LIFECYCLE-904", f"{kind} step {step_id} starts while {self._open.kind} step "
                                       f"{self._open.step_id} is open", native)
        step = self._steps[(kind, step_id)] = _Step(kind=kind, step_id=step_id, started=True)
        self._open = step
        return []

    def _unstarted(self, native: NativeEvent, kind: str, step_id: str) -> _Step:
        """A-13: only the client-tool step that opens a resumed stream completes without a step_start."""
        echo = (native.type == "step_complete" and kind == "tool_execution" and self._step_events == 1
                and self._route is not None and self._route.is_resume)
        if not echo:
            self.flag("LIFECYCLE-902", f"{native.type} for {kind} step {step_id}, which never started", native)
        step = self._steps[(kind, step_id)] = _Step(kind=kind, step_id=step_id, started=False)
        return step

    def _progress(self, native: NativeEvent, step: _Step, delta: dict[str, Any]) -> Events:
        kind = delta.get("type")
        if kind not in ("text", "tool_call"):
            self.flag("LIFECYCLE-909", f"a {kind!r} delta, which the reference agent never forwards: skipped", native)
            return []
        if step.kind == "inference":
            return self._text(native, step, delta) if kind == "text" else self._call_delta(native, step, delta)
        if step.kind == "tool_execution" and kind == "tool_call" and delta.get("parse_status") == "in_progress" \
                and isinstance(delta.get("tool_call"), dict):
            return self._run_on_server(step, delta["tool_call"], native)
        self.flag("ASSEMBLY-910", f"a {kind} delta ({delta.get('parse_status')}) in a {step.kind} step", native)
        return []

    def _text(self, native: NativeEvent, step: _Step, delta: dict[str, Any]) -> Events:
        text = delta.get("text")
        if not isinstance(text, str):
            self.flag("ASSEMBLY-910", "a text delta without a text string", native)
            return []
        out = self._open_text(step)
        step.text.append(text)  # type: ignore[union-attr]
        return [*out, ev.TextDelta(item_id=step.text_id, text=text)]

    def _open_text(self, step: _Step) -> Events:
        if step.text is not None:
            return []
        step.text = []
        return [ev.ItemStarted(item_id=step.text_id, kind="message", role="assistant")]

    def _call_delta(self, native: NativeEvent, step: _Step, delta: dict[str, Any]) -> Events:
        """A.5: started -> "", in_progress -> a string fragment, succeeded -> a ToolCall, failed -> a string."""
        status, value = delta.get("parse_status"), delta.get("tool_call")
        wants = {"started": str, "in_progress": str, "failed": str, "succeeded": dict}.get(status)  # type: ignore[arg-type]
        if wants is None or not isinstance(value, wants):
            self.flag("ASSEMBLY-910", f"a tool_call delta with parse_status {status!r} carries a "
                                      f"{type(value).__name__}", native)
            return []
        if status == "started":
            step.raw = True
        elif status == "in_progress":
            step.fragments.append(value)
        else:
            if step.fragments and step.fragments[-1] == ")":
                step.fragments.pop()  # the closer the adapter sends before each call's verdict
            if status == "succeeded":
                step.succeeded.append(value)
            else:
                self.flag("ASSEMBLY-911", "a tool call could not be parsed (parse_status failed): it is not run and "
                                          "model_response.content holds its raw text", native, actual=value[:200])
        return []

    def _complete(self, native: NativeEvent, step: _Step, details: dict[str, Any]) -> Events:
        step.open = False
        if self._open is step:
            self._open = None
        if (details.get("step_type"), details.get("step_id")) != (step.kind, step.step_id):
            self.flag("LIFECYCLE-903", f"step_details of {step.kind} step {step.step_id} says "
                                       f"{details.get('step_type')} step {details.get('step_id')}", native)
        turn_id = details.get("turn_id")
        if isinstance(turn_id, str):
            self._turn_ids.add(turn_id)
        self._details.append(details)
        if step.kind == "inference":
            return self._inference_done(native, step, mapping(details.get("model_response")))
        if step.kind == "tool_execution":
            return self._tool_step_done(native, step, details)
        if step.kind == "shield_call":
            return self._shield_done(native, step, details)
        return []

    # -- inference: text and calls (A-12, A.7) -------------------------------------------------------

    def _inference_done(self, native: NativeEvent, step: _Step, response: dict[str, Any]) -> Events:
        finals = array(response.get("tool_calls"))
        out = self._settle_text(native, step, content_text(response.get("content")), bool(finals))
        problems = [problem for problem in map(calls.shape_problem, finals) if problem]
        if problems:
            self.flag("ASSEMBLY-916", "; ".join(problems), native)
        finals = [call for call in finals if calls.shape_problem(call) is None]
        mismatch = calls.mismatch(step.succeeded, finals)
        if mismatch:
            self.flag("ASSEMBLY-912", mismatch, native)
        pieces = None
        if step.fragments and not step.raw and finals:
            pieces = calls.attribute(step.fragments, [call["tool_name"] for call in finals])
            if pieces is None:
                self.flag("ASSEMBLY-913", "the in_progress fragments do not split into `name(` and arguments for "
                                          "each call of the step", native, actual="".join(step.fragments)[:200])
        for index, call in enumerate(finals):
            declared = calls.text_of(call)
            mine = pieces[index] if pieces is not None else [declared if declared is not None else calls.encoded(call)]
            if declared is None and pieces is not None and not equal(calls.loads("".join(mine)), call.get("arguments")):
                self.flag("ASSEMBLY-002", f"arguments of {call['call_id']}: the fragments do not hold the arguments "
                                          "of model_response", native)
            self._waiting.append(_Call(item_id=f"{step.step_id}/call/{index}", call=call, pieces=mine,
                                       declared=declared, origin=native.origin()))
        return out

    def _settle_text(self, native: NativeEvent, step: _Step, content: str, has_calls: bool) -> Events:
        """A-11: the deltas are a prefix of content (a last delta carrying the stop reason is not forwarded);
        content is reset to "" when calls parsed. The missing tail is taken from content."""
        streamed = "".join(step.text or [])
        out: Events = []
        if content != streamed and content.startswith(streamed):
            self.flag("ASSEMBLY-915", f"model_response.content extends the streamed text by {len(content) - len(streamed)}"
                                      " characters: taken from step_details", native)
            out += self._open_text(step)
            step.text.append(content[len(streamed):])  # type: ignore[union-attr]
            out.append(ev.TextDelta(item_id=step.text_id, text=content[len(streamed):]))
        elif content != streamed and not (content == "" and has_calls):
            self.flag("ASSEMBLY-914", "the streamed text is not a prefix of model_response.content", native,
                      expected=content[:200], actual=streamed[:200])
        if step.text is not None:
            out.append(ev.ItemCompleted(item_id=step.text_id, declared=ev.Declared(status="completed")))
        return out

    def _write(self, pending: _Call, executor: str | None) -> Events:
        call = pending.call
        self._written.add(call["call_id"])
        return [
            ev.ItemStarted(origin=pending.origin, item_id=pending.item_id, kind="tool_call", name=call["tool_name"],
                           call_id=call["call_id"], executor=executor),  # type: ignore[arg-type]
            *(ev.ToolCallDelta(origin=pending.origin, item_id=pending.item_id, text=piece)
              for piece in pending.pieces),
            ev.ItemCompleted(origin=pending.origin, item_id=pending.item_id, declared=ev.Declared(
                arguments=pending.declared, name=call["tool_name"], call_id=call["call_id"], status="completed")),
        ]

    def _write_waiting(self, executor: str | None) -> Events:
        out: Events = []
        for pending in self._waiting:
            out += self._write(pending, executor)
        self._waiting = []
        return out

    # -- server tools, client-tool echo, shields ----------------------------------------------------------

    def _run_on_server(self, step: _Step, call: calls.ToolCall, native: NativeEvent) -> Events:
        call_id = call.get("call_id")
        if not isinstance(call_id, str) or call_id in step.announced:
            return []
        step.announced.add(call_id)
        waiting = next((pending for pending in self._waiting if pending.call.get("call_id") == call_id), None)
        if waiting is not None:
            self._waiting.remove(waiting)
            return self._write(waiting, "server")
        problem = calls.shape_problem(call)
        if problem is not None:
            self.flag("ASSEMBLY-916", problem, native)
            return []
        return self._write(self._unplanned(f"{step.step_id}/run/{call_id}", call, native), "server")

    @staticmethod
    def _unplanned(item_id: str, call: calls.ToolCall, native: NativeEvent) -> _Call:
        """A call no inference step of this stream produced: its only text is its own."""
        return _Call(item_id=item_id, call=call, pieces=[calls.encoded(call)], declared=calls.text_of(call),
                     origin=native.origin())

    def _tool_step_done(self, native: NativeEvent, step: _Step, details: dict[str, Any]) -> Events:
        ran = [call for call in array(details.get("tool_calls")) if isinstance(call, dict)]
        responses = [response for response in array(details.get("tool_responses")) if isinstance(response, dict)]
        names = {call["call_id"]: call.get("tool_name") for call in ran if name(call.get("call_id"))}
        strays = [r.get("call_id") for r in responses
                  if ran and (name(r.get("call_id")) not in names or names[r["call_id"]] != r.get("tool_name"))]
        if strays:
            self.flag("ASSEMBLY-917", f"tool_responses {strays} answer no call of the step (by call_id and "
                                      "tool_name)", native)
        out: Events = []
        if step.started:
            for call in ran:
                out += self._run_on_server(step, call, native)
        else:
            self._check_echo(native, responses, ran)
        executor = "server" if step.started else "client"
        for response in responses:
            out.append(ev.ToolResult(call_id=str(response.get("call_id")), output=response.get("content"),
                                     executor=executor))  # type: ignore[arg-type]
        return out

    def _check_echo(self, native: NativeEvent, responses: list[dict[str, Any]], ran: list[dict[str, Any]]) -> None:
        """R-5: the resumed stream opens with the client-tool step carrying the request's tool_responses
        and the calls the turn paused on (or none: the server may have lost its record of them)."""
        if self._route is None or not self._route.is_resume:
            return
        paused = self._paused_calls()
        echoed = {name(call.get("call_id")): call.get("tool_name") for call in ran}
        if paused is not None and echoed and echoed != paused:
            self.flag("RESUME-925", "the echoed tool_calls are not the calls the turn paused on", native,
                      expected=sorted(paused.items()), actual=sorted(echoed.items(), key=str))

        def key(response: Any) -> tuple[Any, ...]:
            response = mapping(response)
            return response.get("call_id"), response.get("tool_name"), response.get("content")

        if not equal([key(r) for r in responses], [key(r) for r in self._responses]):
            self.flag("RESUME-925", "the echoed tool_responses are not the ones the resume request sent", native,
                      expected=[key(r)[0] for r in self._responses], actual=[key(r)[0] for r in responses])

    def _paused_calls(self) -> dict[str, str | None] | None:
        """The calls the continued turn paused on, by call id with their tool names (None: unknown)."""
        previous = self.context.previous
        if previous is None or previous.interrupt is None:
            return None
        pending = set(previous.interrupt.pending)
        return {call_id: tool for call_id, tool in tool_names(previous).items() if call_id in pending}

    def _shield_done(self, native: NativeEvent, step: _Step, details: dict[str, Any]) -> Events:
        """A shield that reports an error-level violation ends the turn with its user message."""
        violation = mapping(details.get("violation"))
        if violation.get("violation_level") != "error":
            return []
        self._blocked = True
        item_id = f"{step.step_id}/shield"
        return [ev.ItemStarted(item_id=item_id, kind="message", role="assistant"),
                ev.RefusalDelta(item_id=item_id, text=string(violation.get("user_message")) or ""),
                ev.ItemCompleted(item_id=item_id, declared=ev.Declared(status="completed"))]

    def _close_steps(self, native: NativeEvent, report: bool) -> Events:
        out: Events = []
        for step in self._steps.values():
            if not step.open:
                continue
            step.open = False
            if report:
                self.flag("LIFECYCLE-902", f"{step.kind} step {step.step_id} never completed", native)
            if step.text is not None:
                out.append(ev.ItemCompleted(item_id=step.text_id, declared=ev.Declared(status="incomplete")))
        return out

    # -- the terminal frame (A-2, A-5, A-6, A-10, A-15..A-17, R-6, A-19) ---------------------------------------

    @handles(*TERMINAL)
    def _terminal(self, native: NativeEvent) -> Events:
        self.end(native.type)
        turn = mapping(payload(native).get("turn"))
        output = mapping(turn.get("output_message"))
        finals = [call for call in array(output.get("tool_calls")) if isinstance(call, dict)]
        awaiting = native.type == "turn_awaiting_input"
        turn_id = name(turn.get("turn_id"))
        self._check_identity(native, turn, turn_id)
        out = self._close_steps(native, report=True)
        if awaiting != bool(finals):
            self.flag("LIFECYCLE-907", f"{native.type} with {len(finals)} call(s) in output_message.tool_calls",
                      native)
        pending = [call["call_id"] for call in finals if name(call.get("call_id"))]
        if awaiting:
            self._check_pending(native, pending)
        elif self._waiting:
            self.flag("LIFECYCLE-908", f"call(s) {[p.call['call_id'] for p in self._waiting]} were neither run nor "
                                       "left pending", native)
        out += self._write_waiting("client")
        if awaiting:
            out += [event for index, call in enumerate(finals)  # paused calls this stream did not produce
                    if call.get("call_id") not in self._written and calls.shape_problem(call) is None
                    for event in self._write(self._unplanned(f"pending/{index}", call, native), "client")]
        stop_reason = output.get("stop_reason")
        if awaiting and finals:
            handle = {key: value for key, value in (
                ("agent_id", self._route.agent_id if self._route else None),
                ("session_id", name(turn.get("session_id")) or (self._route.session_id if self._route else None)),
                ("turn_id", turn_id)) if value}
            if turn_id is None:
                self.flag("RESUME-001", "the paused turn has no turn_id to resume", native)
            if stop_reason == "out_of_tokens":
                self.flag("LIFECYCLE-909", "the turn pauses with stop_reason out_of_tokens: the client SDK ignores "
                                           "its calls (A-17)", native)
            out.append(ev.Interrupt(kind="tool_calls", pending=pending, handle=handle))
            stop: ev.StopReason = "tool_use"
        elif self._blocked:
            stop = "content_filter"
        else:
            stop = "max_tokens" if stop_reason == "out_of_tokens" else "end_turn"
        native_stop = string(stop_reason)
        return [*out, ev.TurnCompleted(stop=stop, native_stop=native.type if native_stop is None else native_stop)]

    def _check_pending(self, native: NativeEvent, pending: list[str]) -> None:
        """A-16: the paused calls are the stream's calls no server step ran (and only those)."""
        waiting = [p.call.get("call_id") for p in self._waiting]
        foreign = [call_id for call_id in pending if call_id not in waiting]
        unasked = [call_id for call_id in waiting if call_id not in pending]
        if foreign or unasked:
            self.flag("LIFECYCLE-908", f"pending calls {foreign} were not produced (or were run) in this stream; "
                                       f"calls {unasked} were produced but neither run nor left pending", native)

    def _check_identity(self, native: NativeEvent, turn: dict[str, Any], turn_id: str | None) -> None:
        others = sorted(self._turn_ids - {str(turn_id)})
        if others:
            self.flag("LIFECYCLE-905", f"step_details name turn(s) {others}, the terminal turn is {turn_id}", native,
                      expected=turn_id, actual=others[0])
        session = turn.get("session_id")
        if self._route is not None and session != self._route.session_id:
            self.flag("LIFECYCLE-905", f"turn.session_id is {session!r}, the request's session is "
                                       f"{self._route.session_id}", native, expected=self._route.session_id,
                      actual=session)
        steps = array(turn.get("steps"))
        streamed = self._details
        if len(steps) < len(streamed) or (streamed and not equal(steps[len(steps) - len(streamed):], streamed)):
            self.flag("LIFECYCLE-906", "turn.steps does not end with the step_details this stream completed, in "
                                       "order", native)
        if self._route is not None and self._route.is_resume:
            if self._step_events == 0:
                self.flag("RESUME-925", "the resumed stream has no client-tool tool_execution step", native)
            if turn_id != self._route.turn_id:
                self.flag("RESUME-926", f"the resumed stream ends turn {turn_id}, the request resumed "
                                        f"{self._route.turn_id}", native, expected=self._route.turn_id, actual=turn_id)
            before = steps[:len(steps) - len(streamed)]
            if not before:
                self.flag("RESUME-926", "the resumed turn's steps do not keep the steps from before the pause", native)
            strangers = sorted({str(mapping(step).get("turn_id")) for step in before} - {str(turn_id)})
            if strangers:
                self.flag("RESUME-926", f"steps from before the pause belong to turn(s) {strangers}, the resumed turn "
                                        f"is {turn_id}", native, expected=turn_id, actual=strangers[0])
