"""Gemini ``GenerateContentResponse`` chunks -> canonical events, per candidate and part.

Facts: specs/gemini-mistral-bedrock.md A.3-A.5. A chunk has no event type and parts carry no index,
so items are made from arrival order (A.4.9): a run of consecutive text parts with the same
``thought`` flag is one message or reasoning item (the two streams never merge, A.4.5), each
``functionCall`` is one tool_call item, anything else (code execution, inline data) one ``other``
item. Raw parts ride on each item's ``item.completed`` (``declared.native``) so the resume contract
(A.6) can check that every ``thoughtSignature`` is echoed on the part it arrived on.
Streamed arguments (Vertex ``partialArgs``) become ``tool_call.fragment`` events that the reducer
reassembles with harness/structural.py (A.5). The turn ends at the end of the body, once every
candidate has its ``finishReason``: there is no terminal event and no ``[DONE]`` (A.4.2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harness import events as ev
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.providers.gemini import enums
from harness.values import array, integer, mapping, name, string

FINISH_REASONS = frozenset({  # A.3 enumerations
    "FINISH_REASON_UNSPECIFIED", "STOP", "MAX_TOKENS", "SAFETY", "RECITATION", "LANGUAGE", "OTHER", "BLOCKLIST",
    "PROHIBITED_CONTENT", "SPII", "MALFORMED_FUNCTION_CALL", "IMAGE_SAFETY", "UNEXPECTED_TOOL_CALL",
    "TOO_MANY_TOOL_CALLS", "IMAGE_PROHIBITED_CONTENT", "NO_IMAGE", "IMAGE_RECITATION", "IMAGE_OTHER",
})
BLOCK_REASONS = frozenset({"BLOCK_REASON_UNSPECIFIED", "BLOCKED_REASON_UNSPECIFIED", "SAFETY", "OTHER", "BLOCKLIST",
                           "PROHIBITED_CONTENT", "IMAGE_SAFETY", "MODEL_ARMOR", "JAILBREAK"})  # Gemini API, Vertex
CALL_FAILURES = frozenset({"MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS"})  # A.4.12
_FILTERED = frozenset({"SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                       "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"})
VALUE_KEYS = ("stringValue", "numberValue", "boolValue", "nullValue")  # PartialArg oneof (A.5)


def stop_of(reason: str | None, has_calls: bool) -> ev.StopReason:
    """A.4.8: a turn that ends in function calls finishes with STOP; the calls make it tool_use."""
    if reason == "STOP":
        return "tool_use" if has_calls else "end_turn"
    if reason == "MAX_TOKENS":
        return "max_tokens"
    return "content_filter" if reason in _FILTERED else "other"


@dataclass
class _Run:
    """An open text item: consecutive parts of one kind ("text" or "thought")."""

    item_id: str
    kind: str
    parts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Call:
    """A streamed call (A.5 rule 1) still receiving partialArgs."""

    item_id: str
    name: str
    call_id: str
    native: dict[str, Any]
    fragments: int = 0


@dataclass
class _Candidate:
    index: int
    items: int = 0
    run: _Run | None = None
    open_calls: list[_Call] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    content: bool = False
    finish: str | None = None
    finish_before_content: bool = False
    after_finish_flagged: bool = False
    unsigned_call: bool = False  # a functionCall without a thoughtSignature has arrived

    def next_id(self) -> str:
        self.items += 1
        return str(self.items - 1) if self.index == 0 else f"c{self.index}.{self.items - 1}"


class GeminiTranslator(Translator):
    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        self._chunks = 0
        self._candidates: dict[int, _Candidate] = {}
        self._usage: dict[str, Any] | None = None
        self._identity: dict[str, Any] = {}
        self._blocked: str | None = None
        self._synthetic = 0
        self._last: NativeEvent | None = None
        request = context.exchange.request
        self._int_enums = enums.asks_for_integers(request)  # the request decides the encoding
        self._knows_request = bool(request.uri)  # a raw body has no request to say which encoding it asked for
        self._numbers = enums.numbering(request)
        self._int_flagged = False

    # -- entry points -------------------------------------------------------------------------------

    def route(self, native: NativeEvent) -> Events:
        """A.1: no event opens the stream, so the first chunk (an error too) starts the turn. Every chunk
        passes here, so the base is called by name (``dispatch``: ``super()`` costs two objects per chunk on 3.11)."""
        self._last = native
        self._chunks += 1
        if self._chunks == 1:
            data = native.data
            started = ev.TurnStarted(response_id=name(data.get("responseId")), model=name(data.get("modelVersion")))
            return [started, *self.dispatch(native)]
        return self.dispatch(native)

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        """A.4.1: an in-band error object is terminal: nothing follows it."""
        return "LIFECYCLE-401", f"{native.type} after an in-band error object"

    def finish(self) -> Events:
        """No native event is being translated here, so what the end of the body makes carries the
        last chunk's origin."""
        native = self._last
        if native is None:
            return []
        events = self._end_of_body(native)
        origin = native.origin()
        for event in events:
            event.origin = origin
        return events

    def _end_of_body(self, native: NativeEvent) -> Events:
        """Flush open items and calls, then end the turn if every candidate finished (A.4.2)."""
        events: Events = []
        for candidate in self._candidates.values():
            events += self._close_candidate(candidate, native, at_end=True)
        usage = self._usage_event()
        events += [usage] if usage else []
        if self.ended is not None:
            return events
        if self._blocked is not None and not self._candidates:
            return events + [ev.TurnCompleted(stop="content_filter", native_stop=self._blocked)]
        finished = [c for c in self._candidates.values() if c.finish is not None]
        if not finished or len(finished) < len(self._candidates):
            return events  # truncated: the reducer reports the missing end (LIFECYCLE-005, A.4.2)
        first = self._candidates[min(self._candidates)]
        stop = stop_of(first.finish, bool(first.calls))
        if stop == "tool_use":
            events.append(ev.Interrupt(kind="tool_calls", pending=list(first.calls)))
        return events + [ev.TurnCompleted(stop=stop, native_stop=first.finish)]

    # -- chunk-level rules ------------------------------------------------------------------------------

    @handles("GenerateContentResponse")
    def _chunk(self, native: NativeEvent) -> Events:
        self._check_identity(native)
        self._prompt_feedback(native)
        usage = native.data.get("usageMetadata")
        if isinstance(usage, dict):
            self._usage = usage  # cumulative snapshots: the last one wins, never a sum (A.4.6)
        events: Events = []
        for raw in array(native.data.get("candidates")):
            events += self._candidate(mapping(raw), native)
        return events

    @handles("error")
    def _error(self, native: NativeEvent) -> Events:
        """A.1/A.4.1: a mid-stream ``{"error": {code, message, status}}`` object is terminal."""
        self.end("an in-band error object")
        error = mapping(native.data.get("error"))
        status = name(error.get("status"))
        code = status or (str(error["code"]) if integer(error.get("code")) is not None else None)
        message = name(error.get("message")) or status or "in-band error object without a message"
        retryable = status in ("UNAVAILABLE", "RESOURCE_EXHAUSTED", "INTERNAL", "DEADLINE_EXCEEDED")
        return [ev.ErrorReported(code=code, message=message, retryable=retryable)]

    def _check_identity(self, native: NativeEvent) -> None:
        """A.4.7 [SOFT]: responseId and modelVersion do not change within a stream."""
        for key in ("responseId", "modelVersion"):
            value = native.data.get(key)
            if value is None:
                continue
            seen = self._identity.setdefault(key, value)
            if seen != value:
                self.flag("LIFECYCLE-405", f"{key} changes from {seen!r} to {value!r}", native, expected=seen,
                          actual=value)
                self._identity[key] = value

    def _prompt_feedback(self, native: NativeEvent) -> None:
        """A.4.3: promptFeedback only on the first chunk; a blockReason means no candidates."""
        feedback = native.data.get("promptFeedback")
        if not isinstance(feedback, dict):
            return
        if self._chunks > 1:
            self.flag("LIFECYCLE-402", f"promptFeedback on chunk {self._chunks - 1}, not the first", native)
        self._ratings(feedback, native)
        reason = self._enum(feedback.get("blockReason"), self._numbers.block_reason, "promptFeedback.blockReason", native)
        if reason is None:
            return
        self._blocked = reason
        if self._blocked not in BLOCK_REASONS:
            self.flag("LIFECYCLE-407", f"blockReason {reason!r} is not a documented value", native, actual=reason)
        if array(native.data.get("candidates")) or self._candidates:
            self.flag("LIFECYCLE-402", f"the prompt was blocked ({reason}) yet candidates arrive", native)

    def _usage_event(self) -> ev.UsageReported | None:
        """Canonical usage from the last snapshot: thoughts count as output, tool-use prompt as input,
        so total = input + output as the SDK's field description adds them (A.4.6)."""
        usage = self._usage
        if usage is None:
            return None
        prompt, candidates = integer(usage.get("promptTokenCount")), integer(usage.get("candidatesTokenCount"))
        thoughts, tool_prompt = integer(usage.get("thoughtsTokenCount")), integer(usage.get("toolUsePromptTokenCount"))
        output = None if candidates is None and thoughts is None else (candidates or 0) + (thoughts or 0)
        return ev.UsageReported(
            input_tokens=None if prompt is None else prompt + (tool_prompt or 0),
            output_tokens=output, reasoning_tokens=thoughts,
            cached_tokens=integer(usage.get("cachedContentTokenCount")),
            total_tokens=integer(usage.get("totalTokenCount")),
        )

    # -- candidates ---------------------------------------------------------------------------------------

    def _candidate(self, raw: dict[str, Any], native: NativeEvent) -> Events:
        index = integer(raw.get("index")) or 0
        candidate = self._candidates.get(index)
        if candidate is None:
            candidate = self._candidates[index] = _Candidate(index=index)
        parts = array(mapping(raw.get("content")).get("parts"))
        events: Events = []
        if parts and candidate.finish is not None:
            self._after_finish(candidate, native)
        for part in parts:
            events += self._part(candidate, mapping(part), native)
        self._ratings(raw, native)
        reason = self._enum(raw.get("finishReason"), self._numbers.finish_reason, "finishReason", native)
        if reason:
            events += self._finish(candidate, reason, raw, native)
        return events

    # -- enums: names, or proto numbers when the request asked for them (harness/providers/gemini/enums.py) --

    def _enum(self, value: Any, numbers: dict[int, str], where: str, native: NativeEvent) -> str | None:
        """An enum member as its name. An integer is read by the proto numbering; it is flagged once per
        stream when the request did not ask for ``$alt=json;enum-encoding=int``. An unknown number reads
        as ``<where> <n>``, which LIFECYCLE-407 then reports as undocumented."""
        if isinstance(value, bool) or not isinstance(value, int):
            return str(value) if value else None
        self._integer_seen(value, where, native)
        return numbers.get(value, f"{where} {value}")

    def _integer_seen(self, value: int, where: str, native: NativeEvent) -> None:
        if self._int_enums or not self._knows_request or self._int_flagged:
            return
        self._int_flagged = True
        self.flag("LIFECYCLE-410", f"{where} is the integer {value}, but the request did not ask for numeric enums "
                                   "($alt=json;enum-encoding=int)", native, actual=value)

    def _ratings(self, holder: dict[str, Any], native: NativeEvent) -> None:
        """safetyRatings carry two enums (category, probability): only their encoding is checked."""
        for rating in array(holder.get("safetyRatings")):
            for key in ("category", "probability"):
                value = mapping(rating).get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    self._integer_seen(value, f"safetyRatings.{key}", native)

    def _after_finish(self, candidate: _Candidate, native: NativeEvent) -> None:
        if candidate.after_finish_flagged:
            return
        candidate.after_finish_flagged = True
        if candidate.finish_before_content:
            self.flag("LIFECYCLE-404", f"candidate {candidate.index} got finishReason {candidate.finish} before "
                                       "any content, then content (a proxy stamping STOP early?)", native)
        else:
            self.flag("LIFECYCLE-403", f"parts for candidate {candidate.index} after its finishReason", native)

    def _finish(self, candidate: _Candidate, reason: str, raw: dict[str, Any], native: NativeEvent) -> Events:
        if candidate.finish is not None:
            self.flag("LIFECYCLE-403", f"a second finishReason ({reason}) for candidate {candidate.index}", native,
                      expected=candidate.finish, actual=reason)
            return []
        candidate.finish = reason
        candidate.finish_before_content = not candidate.content
        if reason not in FINISH_REASONS:
            self.flag("LIFECYCLE-407", f"finishReason {reason!r} is not a documented value", native, actual=reason)
        if reason in CALL_FAILURES:
            message = name(raw.get("finishMessage")) or "no finishMessage"
            self.flag("LIFECYCLE-406", f"candidate {candidate.index} ended with {reason}: {message}", native)
        return self._close_candidate(candidate, native, at_end=False)

    def _close_candidate(self, candidate: _Candidate, native: NativeEvent, at_end: bool) -> Events:
        events = self._close_run(candidate)
        while candidate.open_calls:
            call = candidate.open_calls[-1]
            self.flag("ASSEMBLY-401", f"call {call.name} ({call.call_id}) still open at "
                                      f"{'the end of the stream' if at_end else 'finishReason'}; flushed", native)
            events += self._close_call(candidate)
        return events

    # -- parts ------------------------------------------------------------------------------------------

    def _part(self, candidate: _Candidate, part: dict[str, Any], native: NativeEvent) -> Events:
        if "functionCall" in part:
            candidate.content = True
            return self._function_call(candidate, part, native)
        text = part.get("text")
        if isinstance(text, str):
            candidate.content = True
            return self._text(candidate, part, text)
        if not part:
            return []
        candidate.content = True
        events = self._close_run(candidate)
        item_id = candidate.next_id()
        return events + [ev.ItemStarted(item_id=item_id, kind="other"),
                         ev.ItemCompleted(item_id=item_id, declared=ev.Declared(native={"parts": [part]}))]

    def _text(self, candidate: _Candidate, part: dict[str, Any], text: str) -> Events:
        kind = "thought" if part.get("thought") is True else "text"
        events: Events = []
        run = candidate.run
        if run is None or run.kind != kind:
            events += self._close_run(candidate)
            run = candidate.run = _Run(item_id=candidate.next_id(), kind=kind)
            events.append(ev.ItemStarted(item_id=run.item_id, kind="reasoning" if kind == "thought" else "message",
                                         role=None if kind == "thought" else "assistant"))
        run.parts.append(part)
        delta = ev.ReasoningDelta if kind == "thought" else ev.TextDelta
        return events + [delta(item_id=run.item_id, text=text)]

    def _close_run(self, candidate: _Candidate) -> Events:
        run, candidate.run = candidate.run, None
        if run is None:
            return []
        native_facts: dict[str, Any] = {"parts": run.parts}
        signatures = [part["thoughtSignature"] for part in run.parts if part.get("thoughtSignature")]
        if signatures:
            native_facts["thoughtSignature"] = signatures[-1]
        return [ev.ItemCompleted(item_id=run.item_id, declared=ev.Declared(native=native_facts))]

    # -- function calls (A.4.8-A.4.11, A.5) -----------------------------------------------------------------

    def _function_call(self, candidate: _Candidate, part: dict[str, Any], native: NativeEvent) -> Events:
        call = part.get("functionCall")
        if not isinstance(call, dict):
            self.flag("ASSEMBLY-402", f"functionCall is a {type(call).__name__}, not an object", native)
            return []
        function_name = name(call.get("name"))
        partial = call.get("partialArgs")
        streams = call.get("willContinue") is True or partial is not None
        if not call:  # A.5 end condition (b): an empty functionCall closes the open call
            return self._close_call(candidate) if candidate.open_calls else []
        if function_name is not None:
            events = self._close_run(candidate)
            if streams:  # A.5 rule 1; name+willContinue without partialArgs still opens (google/adk-python#4311)
                return (events + self._open_call(candidate, call, part, function_name, native)
                        + self._continue(candidate, call))
            return events + self._whole_call(candidate, call, part, function_name, native)
        if streams:
            if not candidate.open_calls:
                self.flag("ASSEMBLY-005", "partialArgs with no open call to apply them to (dropped)", native)
                return []
            signature = part.get("thoughtSignature")
            if signature and not candidate.open_calls[-1].native.get("thoughtSignature"):
                candidate.open_calls[-1].native["thoughtSignature"] = signature
            return self._continue(candidate, call)
        self.flag("ASSEMBLY-402", f"functionCall without a name and no partialArgs: {json.dumps(call)[:120]}", native)
        return []

    def _call_id(self, call: dict[str, Any], function_name: str, native: NativeEvent) -> tuple[str, bool]:
        given = name(call.get("id"))
        if given is not None:
            return given, False
        self._synthetic += 1
        local = f"gemini-local-{self._synthetic}"
        self.flag("LIFECYCLE-408", f"functionCall {function_name} has no id; local id {local} (answers match by name "
                                   "and order)", native)
        return local, True

    def _started(self, candidate: _Candidate, function_name: str, call_id: str) -> tuple[str, Events]:
        item_id = candidate.next_id()
        candidate.calls.append(call_id)
        return item_id, [ev.ItemStarted(item_id=item_id, kind="tool_call", name=function_name, call_id=call_id,
                                        executor="client")]

    def _call_native(self, candidate: _Candidate, part: dict[str, Any], synthetic: bool,
                     native: NativeEvent) -> dict[str, Any]:
        """A.4.10: of parallel calls only the first carries the signature, so a signed call after an
        unsigned one means the calls (or their parts) arrived out of order."""
        facts: dict[str, Any] = {"synthetic_id": synthetic}
        if part.get("thoughtSignature"):
            facts["thoughtSignature"] = part["thoughtSignature"]
            if candidate.unsigned_call:
                self.flag("LIFECYCLE-409", "a functionCall carries a thoughtSignature after one that had none "
                                           "(only the first of parallel calls is signed)", native)
        else:
            candidate.unsigned_call = True
        return facts

    def _whole_call(self, candidate: _Candidate, call: dict[str, Any], part: dict[str, Any], function_name: str,
                    native: NativeEvent) -> Events:
        """Gemini API style: name and the whole ``args`` in one part; no args means ``{}`` (A.5)."""
        call_id, synthetic = self._call_id(call, function_name, native)
        item_id, events = self._started(candidate, function_name, call_id)
        args = call.get("args", {})
        text = json.dumps(args, ensure_ascii=False, separators=(",", ":"))
        declared = ev.Declared(call_id=call_id, native=self._call_native(candidate, part, synthetic, native))
        return events + [ev.ToolCallDelta(item_id=item_id, text=text),
                         ev.ItemCompleted(item_id=item_id, declared=declared)]

    def _open_call(self, candidate: _Candidate, call: dict[str, Any], part: dict[str, Any], function_name: str,
                   native: NativeEvent) -> Events:
        call_id, synthetic = self._call_id(call, function_name, native)
        item_id, events = self._started(candidate, function_name, call_id)
        candidate.open_calls.append(_Call(item_id=item_id, name=function_name, call_id=call_id,
                                          native=self._call_native(candidate, part, synthetic, native)))
        return events

    def _continue(self, candidate: _Candidate, call: dict[str, Any]) -> Events:
        """Apply partialArgs to the most recently opened call; close it unless willContinue is true (A.5 (a))."""
        top = candidate.open_calls[-1]
        events: Events = []
        path_open = False
        for raw in array(call.get("partialArgs")):
            fragment = mapping(raw)
            key = next((key for key in VALUE_KEYS if key in fragment), None)
            if key is None:
                continue  # A.5 rule 5: a PartialArg without a value changes nothing
            value = None if key == "nullValue" else fragment[key]
            path = fragment.get("jsonPath")
            will_continue = fragment.get("willContinue") is True
            path_open = path_open or will_continue
            top.fragments += 1
            events.append(ev.ToolCallFragment(item_id=top.item_id, path=string(path) or "", value=value,
                                              will_continue=will_continue))
        if call.get("willContinue") is not True and not path_open:
            events += self._close_call(candidate)
        return events

    def _close_call(self, candidate: _Candidate) -> Events:
        call = candidate.open_calls.pop()
        events: Events = []
        if not call.fragments:  # A.5: a call that streamed no argument has args {}
            events.append(ev.ToolCallDelta(item_id=call.item_id, text="{}"))
        declared = ev.Declared(call_id=call.call_id, native=call.native)
        return events + [ev.ItemCompleted(item_id=call.item_id, declared=declared)]
