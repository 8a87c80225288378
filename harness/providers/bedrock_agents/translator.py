"""InvokeAgent / InvokeInlineAgent events -> canonical events (specs/gemini-mistral-bedrock.md C.3, C.4).

Mapping: ``chunk.bytes`` (base64 UTF-8) are text deltas of one message item, ``answer``;
``returnControl`` becomes one client tool call per invocation input (id: the ``invocationId`` and
the input's 0-based position, ``<invocationId>_<n>``: inputs have no id of their own) and an
interrupt of kind ``return_control`` whose handle is the agent, alias, session and invocation id;
the rationale of the step that returned control becomes the message before the calls (what a
Messages-style API streams before its tool_use blocks; the agent shows nothing else). Traces are
native information, except model usage (summed over every model invocation), ``failureTrace`` (an
error) and a guardrail that INTERVENED (the turn stops as ``content_filter``). Exception messages
end the turn as ``error``.

The stream has no terminal event: the body's end closes the turn. It is complete when the answer
arrived (a chunk; and, when a top-level ``observation.finalResponse`` or post-processing announced
the answer, the chunks add up to it), when control was returned, or when an exception or a
``failureTrace`` ended it; otherwise it was cut short and the reducer reports LIFECYCLE-005.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass, field
from typing import Any

from harness import events as ev
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles, strict_json
from harness.providers.bedrock_agents.operations import INVOKE_INLINE_AGENT, Call, call_of
from harness.providers.bedrock_agents.sessions import known_sessions
from harness.values import array, integer, mapping, string

EXCEPTIONS = frozenset({
    "accessDeniedException", "badGatewayException", "conflictException", "dependencyFailedException",
    "internalServerException", "modelNotReadyException", "resourceNotFoundException",
    "serviceQuotaExceededException", "throttlingException", "validationException",
})
RETRYABLE = frozenset({"badGatewayException", "internalServerException", "modelNotReadyException",
                       "throttlingException", "serviceQuotaExceededException"})
MAX_INPUTS = 5
DEFAULT_GUARDRAIL_INTERVAL = 50  # C.2 streamingConfigurations.applyGuardrailInterval
_STEPS_WITH_OBSERVATIONS = ("orchestrationTrace", "routingClassifierTrace")


def is_exception(kind: str) -> bool:
    return kind == "[error]" or kind in EXCEPTIONS or kind.endswith("Exception")


def top_level(trace: dict[str, Any]) -> bool:
    """A trace of the agent the client called, not of a collaborator (whose callerChain is longer)."""
    chain = trace.get("callerChain")
    return not trace.get("collaboratorName") and (not isinstance(chain, list) or len(chain) <= 1)


def decode_blob(value: Any) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except (binascii.Error, ValueError):
        return None


def parameter_value(parameter: dict[str, Any]) -> Any:
    """A parameter's value: strings as sent; for other types the value is JSON text (``"10"`` is 10)."""
    value = parameter.get("value")
    if not isinstance(value, str) or parameter.get("type") in (None, "string"):
        return value
    try:
        parsed = strict_json(value)
    except (ValueError, RecursionError):
        return value
    return value if isinstance(parsed, float) and not math.isfinite(parsed) else parsed


def _parameters(raw: Any) -> dict[str, Any]:
    return {p["name"]: parameter_value(p) for p in array(raw) if isinstance(p, dict) and isinstance(p.get("name"), str)}


@dataclass(slots=True)
class _Answer:
    pieces: list[str] = field(default_factory=list)
    chunks: int = 0

    @property
    def text(self) -> str:
        return "".join(self.pieces)


class AgentTranslator(Translator):
    """One InvokeAgent or InvokeInlineAgent response stream."""

    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        request = context.exchange.request
        self.call: Call = call_of(request)
        self.body = request.json if self.call.invokes and isinstance(request.json, dict) else None
        self.ids = {key: value for key, value in self.call.handle().items() if key != "operation"}
        self.started = self.returned = False
        self.answer = _Answer()
        self.announced: str | None = None  # the final answer a top-level trace announced
        self.finished_quietly = False  # a top-level FINISH observation without a finalResponse
        self.intervened = self.failed = False
        self.rationale: str | None = None
        self.tokens = [0, 0]
        self.flagged: set[str] = set()

    def translate(self, native: NativeEvent) -> Events:
        """Two rules hold even after the exception that ended the stream: a plain JSON object is no
        event at all (skipped, not counted after the end), and every trace of the called agent must
        name its ids (LIFECYCLE-748)."""
        if native.type == "[json]":
            self._once("LIFECYCLE-749", "a plain JSON object where an event-stream member was expected: skipped",
                       native)
            return []
        if native.type == "trace":
            self._learn_ids(native)
        return super().translate(native)

    def route(self, native: NativeEvent) -> Events:
        """Whatever comes first, an unknown member too (the pipeline logs it: SCHEMA-002), opens the turn."""
        events = [] if self.started else self._start()
        return events + self.dispatch(native)

    def unhandled(self, native: NativeEvent) -> Events:
        """An exception member (modelled, or one the model does not know yet), or an unknown member."""
        return self._exception(native) if is_exception(native.type) else []

    def counts_after_end(self, native: NativeEvent) -> bool:
        """Nothing may follow the exception: unknown members neither."""
        return True

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        return "LIFECYCLE-741", f"{native.type} after the exception that ended the stream"

    def finish(self) -> Events:
        if not self.started or self.ended is not None:
            return []
        origin = ev.Origin(exchange=self.context.exchange.index)
        self._check_chunk_sizes()
        if self.returned:
            return [*self._close_answer(origin, None), ev.TurnCompleted(origin=origin, stop="tool_use",
                                                                        native_stop="returnControl")]
        if self.answer.chunks:
            text, announced = self.answer.text, None if self.intervened else self.announced
            if announced is not None and text != announced and announced.startswith(text):
                return []  # the announced answer was cut short: truncated
            stop: ev.StopReason = "content_filter" if self.intervened else "end_turn"
            return [*self._close_answer(origin, announced),
                    ev.TurnCompleted(origin=origin, stop=stop,
                                     native_stop="guardrail INTERVENED" if self.intervened else "chunk")]
        if self.finished_quietly and self.announced is None:
            return [ev.TurnCompleted(origin=origin, stop="end_turn", native_stop="FINISH")]
        if self.failed:
            return [ev.TurnCompleted(origin=origin, stop="error", native_stop="failureTrace")]
        return []  # no answer arrived (or only part of an announced one): truncated

    # -- start --------------------------------------------------------------------------------------

    def _start(self) -> Events:
        self.started = True
        self._check_headers()
        facts = {"operation": self.call.operation, **self.ids} if self.call.operation else dict(self.ids)
        sessions = known_sessions(self.context)
        if sessions:
            facts["sessions"] = sessions
        return [ev.TurnStarted(session_id=self.ids.get("sessionId"), native=facts or None)]

    def _check_headers(self) -> None:
        """C.4.1; a recording that kept no response headers at all cannot be judged."""
        response = self.context.exchange.response
        if not self.call.invokes or not response.headers:
            return
        session = response.header("x-amz-bedrock-agent-session-id")
        if session != self.call.session:
            self.flag("LIFECYCLE-740", f"x-amz-bedrock-agent-session-id is {session!r}, the request's sessionId "
                                       f"{self.call.session!r}", expected=self.call.session, actual=session)
        if response.header("x-amzn-bedrock-agent-content-type") is None:
            self.flag("LIFECYCLE-740", "no x-amzn-bedrock-agent-content-type response header")

    def _learn_ids(self, native: NativeEvent) -> None:
        """Ids the URL did not give (a raw body) come from the called agent's traces; where the URL
        gave them, that agent's traces must agree (LIFECYCLE-748)."""
        data = native.data
        if not top_level(data):
            return
        inline = self.call.operation == INVOKE_INLINE_AGENT  # an inline agent has no agent or alias id
        for key in ("sessionId",) if inline else ("agentId", "agentAliasId", "sessionId"):
            value = string(data.get(key))
            known = self.ids.get(key)
            if value is None:
                continue
            if known is None:
                self.ids[key] = value
            elif value != known:
                self._once("LIFECYCLE-748", f"a trace names {key} {value!r}, the request {known!r}", native,
                           expected=known, actual=value)

    # -- chunk ----------------------------------------------------------------------------------------

    @handles("chunk")
    def _chunk(self, native: NativeEvent) -> Events:
        answer = self.answer
        if self.returned:
            self._once("LIFECYCLE-744", "a chunk after the returnControl", native)
        if answer.chunks == 1 and self.body is not None and not self._streaming():
            self.flag("LIFECYCLE-742", "a second chunk, but the request did not set "
                                       "streamingConfigurations.streamFinalResponse", native)
        answer.chunks += 1
        events: Events = [] if answer.chunks > 1 else [
            ev.ItemStarted(item_id="answer", kind="message", role="assistant")]
        raw = native.data.get("bytes")
        if raw is None:
            return events  # a chunk may carry citations only
        data = decode_blob(raw)
        if data is None:
            self.flag("LIFECYCLE-746", "chunk.bytes is not base64: dropped", native)
            return events
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            self.flag("LIFECYCLE-746", f"chunk.bytes is not UTF-8 ({error.reason} at byte {error.start}): "
                                       "read with replacement characters", native)
            text = data.decode("utf-8", errors="replace")
        answer.pieces.append(text)
        return [*events, ev.TextDelta(item_id="answer", text=text)]

    def _streaming(self) -> bool:
        return mapping(mapping(self.body).get("streamingConfigurations")).get("streamFinalResponse") is True

    def _check_chunk_sizes(self) -> None:
        if self.body is None or not self._streaming():
            return
        interval = mapping(self.body.get("streamingConfigurations")).get("applyGuardrailInterval")
        wanted = interval if isinstance(interval, int) and interval >= 1 else DEFAULT_GUARDRAIL_INTERVAL
        short = [n for n, piece in enumerate(self.answer.pieces[:-1]) if len(piece) < wanted]
        if short:
            self.flag("LIFECYCLE-743", f"chunk(s) {short} hold fewer than {wanted} characters before the last one")

    def _close_answer(self, origin: ev.Origin, announced: str | None) -> Events:
        if not self.answer.chunks:
            return []
        declared = ev.Declared(status="completed", text={0: announced} if announced is not None else None)
        return [ev.ItemCompleted(origin=origin, item_id="answer", declared=declared)]

    # -- trace ----------------------------------------------------------------------------------------

    @handles("trace")
    def _trace(self, native: NativeEvent) -> Events:
        data = native.data
        if self.body is not None and self.body.get("enableTrace") is not True:
            self._once("LIFECYCLE-747", "a trace, but the request did not set enableTrace", native)
        top = top_level(data)
        events: Events = []
        for step, raw in mapping(data.get("trace")).items():
            body = mapping(raw)
            events += self._usage(body)
            if step in _STEPS_WITH_OBSERVATIONS:
                self._orchestration(body, top)
            elif step == "postProcessingTrace" and top:
                parsed = mapping(mapping(body.get("modelInvocationOutput")).get("parsedResponse"))
                if isinstance(parsed.get("text"), str):  # post-processing rewrites the final answer
                    self.announced = parsed["text"]
            elif step == "guardrailTrace" and top and body.get("action") == "INTERVENED":
                self.intervened = True
            elif step == "failureTrace":
                self.failed = True
                code = body.get("failureCode")
                events.append(ev.ErrorReported(code=None if code is None else str(code),
                                               message=string(body.get("failureReason")) or "failureTrace"))
        return events

    def _orchestration(self, body: dict[str, Any], top: bool) -> None:
        """Keep the step's rationale until a new model call or an observation begins another step."""
        if "rationale" in body:
            self.rationale = string(mapping(body["rationale"]).get("text"))
        elif "modelInvocationInput" in body or "observation" in body:
            self.rationale = None
        observation = mapping(body.get("observation"))
        if not top or observation.get("type") != "FINISH" and "finalResponse" not in observation:
            return
        final = observation.get("finalResponse")
        if final is None:
            self.finished_quietly = True
        elif isinstance(mapping(final).get("text"), str):
            self.announced = final["text"]

    def _usage(self, body: dict[str, Any]) -> Events:
        """Every model invocation reports its own usage; the turn's is their sum (cumulative, as canonical)."""
        usage = mapping(mapping(mapping(body.get("modelInvocationOutput")).get("metadata")).get("usage"))
        counts = [integer(usage.get("inputTokens")), integer(usage.get("outputTokens"))]
        if all(count is None for count in counts):
            return []
        for index, count in enumerate(counts):
            if count is not None:
                self.tokens[index] += count
        return [ev.UsageReported(input_tokens=self.tokens[0], output_tokens=self.tokens[1])]

    # -- return of control ----------------------------------------------------------------------------

    @handles("returnControl")
    def _return_control(self, native: NativeEvent) -> Events:
        if self.returned:
            self._once("LIFECYCLE-744", "a second returnControl: skipped", native)
            return []
        self.returned = True
        data = native.data
        invocation = string(data.get("invocationId")) or None
        inputs = data.get("invocationInputs")
        if invocation is None:
            self.flag("LIFECYCLE-745", "returnControl without an invocationId", native)
        if not isinstance(inputs, list) or not 1 <= len(inputs) <= MAX_INPUTS:
            count = len(inputs) if isinstance(inputs, list) else "no list of"
            self.flag("LIFECYCLE-745", f"returnControl with {count} invocationInputs (1 to {MAX_INPUTS})", native)
        events: Events = []
        if self.rationale is not None:
            events += [ev.ItemStarted(item_id="rationale", kind="message", role="assistant"),
                       ev.TextDelta(item_id="rationale", text=self.rationale),
                       ev.ItemCompleted(item_id="rationale", declared=ev.Declared(status="completed"))]
        pending = []
        for position, entry in enumerate(array(inputs)):
            call = self._input(native, position, entry)
            if call is None:
                continue
            call_id = f"{invocation or 'returnControl'}_{position}"
            name, arguments, facts = call
            item_id = f"input.{position}"
            events += [
                ev.ItemStarted(item_id=item_id, kind="tool_call", name=name, call_id=call_id, executor="client"),
                ev.ToolCallDelta(item_id=item_id,
                                 text=json.dumps(arguments, ensure_ascii=False, separators=(",", ":"))),
                ev.ItemCompleted(item_id=item_id, declared=ev.Declared(
                    status="completed", name=name, call_id=call_id, native=facts)),
            ]
            pending.append(call_id)
        handle = {**({"operation": self.call.operation} if self.call.invokes else {}), **self.ids}
        if invocation is not None:
            handle["invocationId"] = invocation
        return [*events, ev.Interrupt(kind="return_control", pending=pending, handle=handle)]

    def _input(self, native: NativeEvent, position: int,
               entry: Any) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        """One invocation input as (name, arguments, the facts its result must repeat)."""
        members = [key for key in ("functionInvocationInput", "apiInvocationInput") if key in mapping(entry)]
        if len(members) != 1 or not isinstance(entry[members[0]], dict):
            self.flag("LIFECYCLE-745", f"invocationInputs[{position}] is not exactly one functionInvocationInput "
                                       "or apiInvocationInput: skipped", native)
            return None
        body = entry[members[0]]
        group = string(body.get("actionGroup"))
        facts: dict[str, Any] = {"actionGroup": group}
        for key in ("actionInvocationType", "agentId", "collaboratorName"):
            if isinstance(body.get(key), str):
                facts[key] = body[key]
        if members[0] == "functionInvocationInput":
            function = string(body.get("function"))
            facts |= {"kind": "function", "function": function}
            name, arguments = function, _parameters(body.get("parameters"))
            missing = [] if function else ["function"]
        else:
            path, method = string(body.get("apiPath")), string(body.get("httpMethod"))
            facts |= {"kind": "api", "apiPath": path, "httpMethod": method}
            name = f"{method} {path}" if path and method else None
            arguments = _api_arguments(body)
            missing = [key for key, value in (("apiPath", path), ("httpMethod", method)) if not value]
        if not group:
            missing.insert(0, "actionGroup")
        if missing:
            self.flag("LIFECYCLE-745", f"invocationInputs[{position}] lacks {', '.join(missing)}", native)
        return name or f"input_{position}", arguments, facts

    # -- files and exceptions -------------------------------------------------------------------------

    @handles("files")
    def _files(self, native: NativeEvent) -> Events:
        for index, item in enumerate(array(native.data.get("files"))):
            raw = mapping(item).get("bytes")
            if raw is not None and decode_blob(raw) is None:
                self.flag("LIFECYCLE-746", f"files[{index}].bytes is not base64", native)
        return []

    def _exception(self, native: NativeEvent) -> Events:
        self.end("exception")
        data = native.data
        code = string(data.get("code")) if native.type == "[error]" else native.type
        message = string(data.get("message")) or string(data.get("Message")) or code or "error"
        closing = [ev.ItemCompleted(item_id="answer", declared=ev.Declared(status="incomplete"))] \
            if self.answer.chunks else []
        return [*closing, ev.ErrorReported(code=code, message=message, retryable=code in RETRYABLE),
                ev.TurnCompleted(stop="error", native_stop=code)]

    def _once(self, check: str, message: str, native: NativeEvent, **details: Any) -> None:
        if check not in self.flagged:
            self.flagged.add(check)
            self.flag(check, message, native, **details)


def _api_arguments(body: dict[str, Any]) -> dict[str, Any]:
    """An API input's arguments: its parameters, and its request body's properties per media type."""
    arguments: dict[str, Any] = {"parameters": _parameters(body.get("parameters"))}
    content = mapping(mapping(body.get("requestBody")).get("content"))
    if content:
        arguments["requestBody"] = {media: _parameters(mapping(part).get("properties"))
                                    for media, part in content.items()}
    return arguments
