"""Chat Completions chunks -> canonical events, keyed by (choice index, tool index).

Rules and their sources: specs/openai-anthropic.md B.1-B.4 (checked here as LIFECYCLE-301..312 and,
through ``calls.py``, ASSEMBLY-301..307) and the compatible servers' deviations of
specs/llamastack-cohere-compat.md C (each flagged with the server style it belongs to).

The protocol has no item lifecycle: an item opens with its first fragment and every item of a
choice closes at that choice's ``finish_reason``. Items of choice ``c`` are ``c.reasoning``,
``c.message`` (text and refusal) and ``c.call.k``. The canonical Turn is choice 0, as the resume
contract continues one choice (B.5); the other choices of an ``n > 1`` request are folded and
checked too, as items of kind ``other``, so they show in the report without joining the turn's text
or its pending calls. Tool calls are detected from ``delta.tool_calls`` (and the deprecated
``delta.function_call``), never from ``finish_reason`` (B.3.7). The turn ends at ``[DONE]`` (B.1), whose
absence leaves it truncated. A Mistral server (``mistral.py``) is recognised at the first chunk: its
content-chunk lists are read (thinking as reasoning), and what it documents as its own way is said as
info rather than as a deviation.

Reasoning arrives in the compatible servers' own delta fields (``dialects.py``: ``reasoning_content``,
``reasoning``, OpenRouter's typed ``reasoning_details``) and is folded into the choice's reasoning item;
encrypted reasoning is kept opaque on that item. What a delta or choice carries that is not folded is
named once per exchange (LIFECYCLE-315). A fault that recurs on many chunks (a drifting ``created``, an id
that changes on every chunk, usage on every chunk) is one finding per exchange and subject, whose message
ends with the count and the first and last frame (``flag(..., subject=...)``, summed up in ``finish``).
Severity follows what is lost: a compatible server's deviation that loses nothing is a warning naming
the style; errors are kept for what loses or corrupts the turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness import events as ev
from harness.cassette import CHUNKS_CONTENT_TYPE
from harness.providers.openai_chat import CHUNK
from harness.findings import Finding, Severity
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.providers.openai_chat import dialects, mistral
from harness.providers.openai_chat.calls import Call, ChoiceCalls, Flag
from harness.providers.openai_chat.dialects import OPENAI_DELTA, READ_CHOICE, READ_DELTA, REASONING_FIELDS, carries
from harness.values import array, integer, mapping, string


STOPS: dict[str, ev.StopReason] = {
    "stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use", "function_call": "tool_use",
    "content_filter": "content_filter", "error": "error",
}
CONTENT_KEYS = ("content", "refusal", "tool_calls", "function_call", *REASONING_FIELDS)  # what a delta may carry
WARN, INFO = Severity.warning, Severity.info
_COUNTED = {"count", "last"} <= Finding.model_fields.keys()  # the finding model carries a recurring fault's count
# B.3.3 asks one id, created and model of every chunk; what each drift is, by the shape that shows it.
ENVELOPE_DRIFT = {
    "id": ("a fresh id per chunk (llama.cpp before ggml-org/llama.cpp#5876, LiteLLM BerriAI/litellm#1571, Foundry "
           "Local microsoft/foundry-local#144); a client keying chunks by id splits the completion"),
    "created": ("a timestamp per chunk rather than per completion (Ollama's /v1 stamps time.Now() on every chunk, "
                "ollama/ollama#15088); nothing lost"),
    "model": "nothing lost",
}


@dataclass(slots=True)
class _Choice:
    index: int
    calls: ChoiceCalls
    seen: bool = False
    role_repeated: bool = False  # LIFECYCLE-306 already said
    finish: str | None = None
    open: list[str] = field(default_factory=list)  # item ids in opening order, closed at finish_reason
    message: bool = False
    reasoning: bool = False
    opaque: list[dict[str, Any]] = field(default_factory=list)  # reasoning_details parts to echo (dialects.py)
    legacy_flagged: bool = False  # LIFECYCLE-313 already said
    content: bool = False  # non-empty text seen
    refusal: bool = False  # non-empty refusal seen

    @property
    def prefix(self) -> str:
        return f"{self.index}."


@dataclass(slots=True)
class _Repeat:
    """A fault said once for its subject: where its finding sits, and how often and where last it recurred."""

    index: int
    count: int = 1
    last: NativeEvent | None = None
    last_actual: Any = None


class ChatTranslator(Translator):
    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        request = mapping(context.exchange.request.json)
        options = request.get("stream_options")
        self._include_usage: bool | None = (mapping(options).get("include_usage") is True) if request else None
        self._named_tool_choice = isinstance(request.get("tool_choice"), dict)  # B.3.7: then "stop" is expected
        self._logprobs_asked = request.get("logprobs") is True  # LIFECYCLE-317
        self._moderation_asked = isinstance(request.get("moderation"), dict)  # LIFECYCLE-316
        self._chunk_fixture = context.exchange.response.content_type == CHUNKS_CONTENT_TYPE
        self._mistral = False  # a Mistral server streams (known at the first event: mistral.is_server)
        self._chunks_flagged = False  # LIFECYCLE-314 already said
        self._started = False
        self._error = False
        self._envelope: dict[str, Any] = {}  # id, created, model of the first chunk (B.3.3)
        self._choices: dict[int, _Choice] = {}
        self._usage_seen = False
        self._usage_chunks = 0
        self._usage_last = False  # the latest chunk was the usage chunk (B.3.6: right before [DONE])
        self._said: set[str] = set()  # reasoning fields (LIFECYCLE-311) and unread members (-315) named once
        self._repeats: dict[tuple[str, str], _Repeat] = {}  # (check, subject) -> the one finding said for it

    # -- entry points -----------------------------------------------------------------------------

    def route(self, native: NativeEvent) -> Events:
        """Whatever comes first, [DONE] and errors included, opens the turn."""
        if self._started:
            return self.dispatch(native)
        return self._start(native) + self.dispatch(native)

    def counts_after_end(self, native: NativeEvent) -> bool:
        """B.1: nothing at all follows [DONE], non-chunk JSON included."""
        return True

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        """B.1: [DONE] arrives once and last."""
        return "LIFECYCLE-301", f"{native.type} after data: [DONE]"

    def finish(self) -> Events:
        """No [DONE]: truncated (the reducer says LIFECYCLE-005). A chunk fixture whose recorder kept only the
        JSON payloads is read as ending at its finish chunks instead. Then each recurring fault's finding
        gets its count (``flag``'s ``subject``)."""
        events = self._fixture_end()
        self._sum_up()
        return events

    def _fixture_end(self) -> Events:
        finished = self._choices and all(choice.finish is not None for choice in self._choices.values())
        if self.ended is not None or not self._chunk_fixture or not (finished or self._error):
            return []
        self.flag("LIFECYCLE-302", "a chunk fixture without data: [DONE] (the recorder stripped the SSE framing)")
        events = self._complete()
        origin = ev.Origin(exchange=self.context.exchange.index)  # no native event to stamp them
        for event in events:
            event.origin = origin
        return events

    # -- one fault, one finding ---------------------------------------------------------------------------

    def flag(self, check: str, message: str, native: NativeEvent | None = None, *, subject: str | None = None,
             **details: Any) -> None:
        """``Translator.flag``; with a ``subject``, a fault that recurs (on every chunk, say) is said once per
        exchange and subject, and ``finish`` adds to its message how often and where it recurred."""
        if subject is not None:
            repeat = self._repeats.get((check, subject))
            if repeat is not None:
                repeat.count += 1
                repeat.last = native
                repeat.last_actual = details.get("actual")
                return
            self._repeats[(check, subject)] = _Repeat(len(self.findings))
        super().flag(check, message, native, **details)

    def _sum_up(self) -> None:
        """Each recurring fault's one finding says how often, and where first and last (in its message, and in
        the finding's own ``count`` and ``last`` where the finding model has them, as the pipeline's
        aggregation fills them for the findings it merges)."""
        for repeat in self._repeats.values():
            if repeat.count < 2:
                continue
            found = self.findings[repeat.index]
            first, last = found.location.frame, repeat.last.frame if repeat.last is not None else None
            span = "" if first is None or last is None else f", frame {first}" if first == last else \
                f", frames {first} to {last}"
            value = repeat.last_actual
            latest = f", the last {value!r}" if value is not None and value != found.actual else ""
            update: dict[str, Any] = {"message": f"{found.message} ({repeat.count} times in this exchange{span}{latest})"}
            if _COUNTED and repeat.last is not None:
                update.update(count=repeat.count, last=repeat.last.location())
            self.findings[repeat.index] = found.model_copy(update=update)

    def _name(self, path: str, native: NativeEvent, why: str = "carries content this family does not fold") -> None:
        """LIFECYCLE-315, once per member and exchange: nothing is left out of the turn without a word."""
        if path in self._said:
            return
        self._said.add(path)
        note = dialects.UNREAD_NOTES.get(path.rsplit(".", 1)[-1])
        self.flag("LIFECYCLE-315", f"{path} {why}{f' ({note})' if note else ''}: named here, not in the turn", native)

    # -- envelope -----------------------------------------------------------------------------------

    def _start(self, native: NativeEvent) -> Events:
        self._started = True
        data = native.data
        self._mistral = mistral.is_server(self.context.exchange.request.uri, data)
        return [ev.TurnStarted(response_id=string(data.get("id")) if native.type == CHUNK else None,
                               model=string(data.get("model")),
                               native={"server": mistral.SERVER} if self._mistral else None)]

    def _same_envelope(self, native: NativeEvent) -> None:
        """B.3.3: id and created identical on every chunk, model too. An id that changes splits the completion
        for a client that keys chunks by it (error); created and model drifting lose nothing (warning)."""
        for key in ("id", "created", "model"):
            value = native.data.get(key)
            known = self._envelope.setdefault(key, value)
            if value != known:
                self.flag("LIFECYCLE-305", f"chunk {key} {value!r} differs from the first chunk's {known!r}: "
                                           f"{ENVELOPE_DRIFT[key]}", native, expected=known, actual=value,
                          severity=None if key == "id" else WARN, subject=key)

    def unhandled(self, native: NativeEvent) -> Events:
        """JSON that is no chunk (the provider's ``[non-chunk]``): an Azure filter frame, a chunk under
        another ``object``, a gateway heartbeat."""
        data = native.data
        kind = data.get("object")
        if kind == "":
            self._filter_frame(data, native)
            return []
        if isinstance(data.get("choices"), list):
            self.flag("LIFECYCLE-303", f"a chunk whose object is {kind!r}, not chat.completion.chunk: read as a "
                                       "chunk (strict clients drop it: NVIDIA/TensorRT-Edge-LLM#93)", native,
                      actual=kind, subject=f"object {kind!r}")
            return self._chunk(native)
        self.flag("LIFECYCLE-303", f"JSON that is no chunk (members: {', '.join(sorted(data)) or 'none'}; a gateway "
                                   "heartbeat?) skipped", native, severity=WARN, subject="not a chunk")
        return []

    def _filter_frame(self, data: dict[str, Any], native: NativeEvent) -> None:
        """B.2, B.6: ``object: ""`` frames, named by the filter results that identify Azure's (the prompt
        filter's ``prompt_filter_results``, the asynchronous filter's ``choices[].content_filter_results``)."""
        for key in ("prompt_filter_results", "prompt_annotations"):
            if key in data:
                self.flag("LIFECYCLE-304", f"Azure's prompt-filter frame (object \"\", {key}) skipped", native,
                          subject="azure prompt filter")
                return
        results = [mapping(choice).get("content_filter_results") for choice in array(data.get("choices"))]
        if any(isinstance(result, dict) for result in results):
            filtered = sorted({name for result in results for name in dialects.filtered_categories(result)})
            said = f": filtered {', '.join(filtered)}" if filtered else ""
            self.flag("LIFECYCLE-304", f"Azure's content-filter annotation frame (object \"\", choices[]."
                                       f"content_filter_results{said}) skipped", native,
                      subject=f"azure annotation{said}")
            return
        self.flag("LIFECYCLE-304", "a frame with object \"\" and no filter results skipped", native,
                  subject="object empty")

    @handles("[DONE]")
    def _done(self, native: NativeEvent) -> Events:
        return self._complete()

    @handles("error")
    def _error_event(self, native: NativeEvent) -> Events:
        """B.1: ``{"error": {message, type, param, code}}``, alone or beside a chunk's choices; compat
        shapes are normalised (C.6)."""
        data = native.data
        error = data.get("error")
        if isinstance(error, str):
            self.flag("LIFECYCLE-310", "error is a string (Ollama style)", native)
            error = {"message": error}
        elif data.get("object") == "error":
            self.flag("LIFECYCLE-310", "a flat object:\"error\" payload (vLLM before its OpenAI-shaped errors)",
                      native)
            error = data
        error = mapping(error)
        code = error.get("code") if error.get("code") is not None else error.get("type")
        self._error = True
        return [ev.ErrorReported(code=None if code is None else str(code),
                                 message=string(error.get("message")) or "error without a message")]

    # -- chunks ---------------------------------------------------------------------------------------

    @handles(CHUNK)
    def _chunk(self, native: NativeEvent) -> Events:
        self._same_envelope(native)
        data = native.data
        events: Events = []
        if data.get("error"):
            self.flag("LIFECYCLE-310", "an error beside the chunk's choices (OpenRouter style)", native)
            events += self._error_event(native)
        moderation = data.get("moderation")
        if isinstance(moderation, dict):
            self._moderation(moderation, native)
        choices = array(data.get("choices"))
        usage = data.get("usage")
        if not choices:
            if isinstance(usage, dict):
                return events + self._usage_chunk(usage, native)
            if moderation is None:
                self._empty_choices(data, native)
            return events
        self._usage_last = False
        if not isinstance(usage, dict):
            for choice in choices:
                events += self._choice(mapping(choice), native, False)
            if isinstance(groq := mapping(data.get("x_groq")).get("usage"), dict):
                events += self._usage(groq, native)  # Groq's own place for it (compat C.1, C.6)
            return events
        finished = {index for index, state in self._choices.items() if state.finish is not None}
        for choice in choices:
            events += self._choice(mapping(choice), native, True)
        return events + self._usage_beside(choices, finished, usage, native)

    def _moderation(self, moderation: dict[str, Any], native: NativeEvent) -> None:
        """OpenAI's own moderation chunk (openai-python types/chat/chat_completion_chunk.py ``moderation``:
        "Present on the moderation chunk when moderated completions are requested"), named by its member,
        never by another server's filter frames."""
        unasked = "" if self._moderation_asked else "; the request did not ask for moderated completions"
        self.flag("LIFECYCLE-316", f"OpenAI's moderation chunk ({dialects.moderation_summary(moderation)}): its "
                                   f"results are not folded into the turn{unasked}", native, subject="moderation")

    def _empty_choices(self, data: dict[str, Any], native: NativeEvent) -> None:
        """B.2: ``choices: []`` belongs to the usage chunk; other empty chunks are named by what they carry."""
        for key in ("prompt_filter_results", "prompt_annotations"):
            if key in data:
                self.flag("LIFECYCLE-304", f"Azure's prompt-filter results ({key}) on a chunk with empty choices: "
                                           "skipped", native, subject="azure prompt filter")
                return
        self.flag("LIFECYCLE-304", "a chunk with empty choices and no usage, moderation or filter results: nothing "
                                   "to read, skipped", native, subject="empty choices")

    def _usage_chunk(self, usage: dict[str, Any], native: NativeEvent) -> Events:
        """B.3.6: one chunk with choices [] and usage, after every finish_reason, right before [DONE]."""
        self._usage_chunks += 1
        self._usage_last = True
        if self._usage_chunks == 2:
            self.flag("LIFECYCLE-308", "a second usage chunk", native, severity=WARN)
        unfinished = [choice.index for choice in self._choices.values() if choice.finish is None]
        if unfinished:
            self.flag("LIFECYCLE-308", f"the usage chunk comes before choice {unfinished[0]} finished", native,
                      severity=WARN, subject="usage before finish")
        if self._include_usage is False:
            self.flag("LIFECYCLE-308", "a usage chunk although stream_options.include_usage was not set", native,
                      severity=INFO, subject="usage unasked")
        return self._usage(usage, native)

    def _usage_beside(self, choices: list[Any], finished: set[int], usage: dict[str, Any],
                      native: NativeEvent) -> Events:
        """B.3.6 wants usage on a chunk of its own; beside choices it is read (nothing lost) and named by where
        it rides: on the finish chunk, on a trailing chunk whose choices carry nothing, or on chunks with
        content (usage on every chunk)."""
        indices = [state.index for state in self._choices.values()
                   if state.finish is not None and state.index not in finished]
        quiet = not any(carries(mapping(mapping(choice).get("delta")).get(key))
                        for choice in choices for key in CONTENT_KEYS)
        trailing = quiet and any(state.content or state.refusal or state.reasoning or state.calls.calls
                                 for state in self._choices.values())  # after what the turn said: not its opening
        if indices and self._mistral:
            self.flag("LIFECYCLE-308", f"usage rides on the finish chunk ({mistral.STYLE}, B.7)", native,
                      severity=INFO)
        elif ("LIFECYCLE-308", "usage per chunk") in self._repeats or not (indices or trailing):
            self.flag("LIFECYCLE-308", "usage rides on chunks with content (usage on every chunk: vLLM "
                                       "continuous_usage_stats style; B.3.6 wants one chunk with choices [])", native,
                      severity=WARN, subject="usage per chunk")
        elif indices:
            self.flag("LIFECYCLE-308", "usage rides on the finish chunk (DeepSeek / Groq style; B.3.6 wants a chunk "
                                       "of its own with choices [])", native, severity=WARN, subject="usage on finish")
        else:
            self.flag("LIFECYCLE-308", "usage rides on a chunk whose choices carry nothing (OpenRouter style; B.3.6 "
                                       "wants choices [])", native, severity=WARN, subject="usage beside empty deltas")
        return self._usage(usage, native)

    def _usage(self, usage: dict[str, Any], native: NativeEvent) -> Events:
        self._usage_seen = True
        counts = {
            "input_tokens": integer(usage.get("prompt_tokens")),
            "output_tokens": integer(usage.get("completion_tokens")),
            "total_tokens": integer(usage.get("total_tokens")),
            "reasoning_tokens": integer(mapping(usage.get("completion_tokens_details")).get("reasoning_tokens")),
            "cached_tokens": integer(mapping(usage.get("prompt_tokens_details")).get("cached_tokens")),
        }
        if all(value is None for value in counts.values()):
            return []
        return [ev.UsageReported(**counts)]

    # -- one choice -------------------------------------------------------------------------------------

    def _choice(self, choice: dict[str, Any], native: NativeEvent, with_usage: bool) -> Events:
        index = integer(choice.get("index"))
        index = index if index is not None and index >= 0 else 0  # the schema reports a bad index (B.2)
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _Choice(index=index, calls=ChoiceCalls(f"{index}.", self._mistral))
        delta = mapping(choice.get("delta"))
        self._check_role(state, delta, native)
        if not READ_CHOICE.issuperset(choice):
            self._unread(choice, "choices[]", READ_CHOICE, native)
        plain = OPENAI_DELTA.issuperset(delta)  # OpenAI's own members only: the common case, and the fast one
        if not plain and not READ_DELTA.issuperset(delta):
            self._unread(delta, "delta", READ_DELTA, native)
        logprobs = choice.get("logprobs")
        if logprobs:
            self._name("choices[].logprobs", native)
        finish = choice.get("finish_reason")
        if state.finish is not None:
            self._after_finish(state, delta, finish, native, with_usage)
            return []
        if plain:
            events = self._text(state, delta, native)
        else:
            events = self._reasoning(state, delta, native) + self._text(state, delta, native)
        if self._logprobs_asked and not logprobs and isinstance(delta.get("content"), str) and delta["content"]:
            self.flag("LIFECYCLE-317", f"choice {index} streams content without the logprobs the request asked for: "
                                       "lost", native, subject=f"{index}.logprobs")
        for raw in array(delta.get("tool_calls")):
            events += self._call_events(state, *state.calls.fragment(mapping(raw), self._flag_at(native)))
        if isinstance(delta.get("function_call"), dict):
            events += self._legacy_call(state, delta["function_call"], native)
        if finish is not None:
            state.finish = str(finish)
            events += self._close(state, "completed", native)
        return events

    def _unread(self, members: dict[str, Any], scope: str, read: frozenset[str], native: NativeEvent) -> None:
        """LIFECYCLE-315: members of a choice or a delta this family does not read, when they carry content."""
        for key, value in members.items():
            if key not in read and carries(value):
                self._name(f"{scope}.{key}", native)

    def _after_finish(self, state: _Choice, delta: dict[str, Any], finish: Any, native: NativeEvent,
                      with_usage: bool) -> None:
        """B.3.5: nothing for a choice after its finish_reason. Content then is dropped (error); a second,
        different finish_reason leaves the stop reason ambiguous (error); the same one restated loses nothing
        (warning; C.6 X-3 already leaves the usage chunk out of the count)."""
        if any(carries(delta.get(key)) for key in CONTENT_KEYS):
            self.flag("LIFECYCLE-307", f"delta content for choice {state.index} after its finish_reason: dropped",
                      native, subject=f"{state.index} after finish")
        if finish is None:
            return
        if finish != state.finish:
            self.flag("LIFECYCLE-307", f"a second finish_reason {finish!r} for choice {state.index} after "
                                       f"{state.finish!r}: the stop reason is ambiguous", native,
                      subject=f"{state.index} second finish")
        elif with_usage:
            self.flag("LIFECYCLE-307", f"choice {state.index} restates its finish_reason {finish!r} on the usage "
                                       "chunk (OpenRouter's gpt-oss, langchain-ai/langchain#38349; mlx-serve, "
                                       "ddalcu/mlx-serve#147): nothing lost", native, severity=WARN,
                      subject=f"{state.index} restated finish")
        else:
            self.flag("LIFECYCLE-307", f"choice {state.index} restates its finish_reason {finish!r}: nothing lost",
                      native, severity=WARN, subject=f"{state.index} restated finish")

    def _check_role(self, state: _Choice, delta: dict[str, Any], native: NativeEvent) -> None:
        """B.3.4: role "assistant" on a choice's first delta and on no later one."""
        if not state.seen:
            state.seen = True
            if delta.get("role") != "assistant":
                self.flag("LIFECYCLE-306", f"the first delta of choice {state.index} has role {delta.get('role')!r}",
                          native)
        elif delta.get("role") is not None and not state.role_repeated:
            state.role_repeated = True
            self.flag("LIFECYCLE-306", f"choice {state.index} repeats role in later deltas (OpenRouter / Ollama "
                                       "before 0.32.6 style)", native)

    def _flag_at(self, native: NativeEvent | None) -> Flag:
        """``flag`` bound to one native event, for ``calls.py`` (which knows no events)."""

        def flag(check: str, message: str, **details: Any) -> None:
            self.flag(check, message, native, **details)

        return flag

    def _kind(self, state: _Choice, kind: ev.ItemKind) -> ev.ItemKind:
        return kind if state.index == 0 else "other"

    def _open(self, state: _Choice, item_id: str, kind: ev.ItemKind, **fields: Any) -> Events:
        state.open.append(item_id)
        return [ev.ItemStarted(item_id=item_id, kind=self._kind(state, kind), **fields)]

    def _reasoning(self, state: _Choice, delta: dict[str, Any], native: NativeEvent) -> Events:
        """Not OpenAI's: compat servers stream reasoning in their own delta fields (``dialects.py``). The
        typed ``reasoning_details`` win; ``reasoning`` and ``reasoning_content`` are read when they tell
        something the delta has not told already (OpenRouter and vLLM send one text twice)."""
        events: Events = []
        told: str | None = None
        told_by = ""
        details = delta.get("reasoning_details")
        if details:
            if isinstance(details, list):
                events, told = self._details(state, details, native)
                told_by = "reasoning_details"
            else:
                self._name("delta.reasoning_details", native, f"is a {type(details).__name__}, not a list of parts")
        for key in ("reasoning", "reasoning_content"):
            text = delta.get(key)
            if not isinstance(text, str) or not text:
                if carries(text):
                    self._name(f"delta.{key}", native, f"is a {type(text).__name__}, not text")
                continue
            if told is None:
                self._name_reasoning(key, native)
                events += self._reason(state, text)
                told, told_by = text, key
            elif text != told:
                self._name(f"delta.{key}", native, f"differs from delta.{told_by} in the same delta (read once, from "
                                                   f"delta.{told_by})")
        return events

    def _details(self, state: _Choice, details: list[Any], native: NativeEvent) -> tuple[Events, str | None]:
        """OpenRouter's typed parts: text and summary as reasoning, encrypted data kept opaque on the item."""
        self._name_reasoning("reasoning_details", native)
        texts, opaque = dialects.detail_pieces(details, self._flag_at(native))
        events: Events = []
        if opaque:
            state.opaque += opaque
            if not state.reasoning:
                state.reasoning = True
                events += self._open(state, f"{state.prefix}reasoning", "reasoning")
        for text in texts:
            if text:
                events += self._reason(state, text)
        told = "".join(texts)
        return events, told or None

    def _name_reasoning(self, key: str, native: NativeEvent) -> None:
        """LIFECYCLE-311, once per field and exchange: reasoning in a field OpenAI does not define, read."""
        if key in self._said:
            return
        self._said.add(key)
        how = (": reasoning.text and reasoning.summary read as reasoning, reasoning.encrypted kept opaque on the "
               "reasoning item") if key == "reasoning_details" else ": read as reasoning"
        self.flag("LIFECYCLE-311", f"reasoning in delta.{key} ({REASONING_FIELDS[key]}){how}", native)

    def _reason(self, state: _Choice, text: str) -> Events:
        events: Events = []
        if not state.reasoning:
            state.reasoning = True
            events += self._open(state, f"{state.prefix}reasoning", "reasoning")
        return [*events, ev.ReasoningDelta(item_id=f"{state.prefix}reasoning", text=text)]

    def _text(self, state: _Choice, delta: dict[str, Any], native: NativeEvent) -> Events:
        """The message item opens with the first string content or refusal, ``""`` included (B.2); a list
        of content chunks (Mistral's form) gives text and reasoning in its order."""
        events: Events = []
        if isinstance(delta.get("content"), list):
            events += self._content_chunks(state, delta["content"], native)
        for key in ("content", "refusal"):
            text = delta.get(key)
            if isinstance(text, str):
                events += self._say(state, key, text)
        return events

    def _say(self, state: _Choice, key: str, text: str) -> Events:
        events: Events = []
        item_id = f"{state.prefix}message"
        if not state.message:
            state.message = True
            events += self._open(state, item_id, "message", role="assistant")
        if text:
            setattr(state, key, True)
            event_type = ev.TextDelta if key == "content" else ev.RefusalDelta
            events.append(event_type(item_id=item_id, text=text))
        return events

    def _content_chunks(self, state: _Choice, content: list[Any], native: NativeEvent) -> Events:
        """mistralai deltamessage.py: ``content`` may be a list of text and thinking chunks (not OpenAI's)."""
        if not self._chunks_flagged:
            self._chunks_flagged = True
            server = "" if self._mistral else ", from a server not known as Mistral"
            self.flag("LIFECYCLE-314", f"delta.content is a list of content chunks ({mistral.STYLE}{server}): "
                                       "thinking read as reasoning, text as text", native,
                      severity=INFO if self._mistral else None)
        events: Events = []
        for kind, text in mistral.content_pieces(content, self._flag_at(native)):
            events += self._reason(state, text) if kind == "reasoning" else self._say(state, "content", text)
        return events

    def _legacy_call(self, state: _Choice, function: dict[str, Any], native: NativeEvent) -> Events:
        """B.2: the deprecated ``function_call`` of the legacy functions API, one call per choice."""
        if not state.legacy_flagged:
            state.legacy_flagged = True
            self.flag("LIFECYCLE-313", "delta.function_call (the deprecated functions API): read as one tool call "
                                       "without an id", native)
        return self._call_events(state, *state.calls.legacy(function, self._flag_at(native)))

    def _call_events(self, state: _Choice, call: Call, opened: bool, text: str) -> Events:
        events: Events = []
        if opened:
            events += self._open(state, call.item_id, "tool_call", name=call.name,
                                 call_id=call.call_id, executor="client" if state.index == 0 else None)
        if text or opened:  # an opened call has arguments, "" at least (then read as {}: pydantic-ai #1654)
            events.append(ev.ToolCallDelta(item_id=call.item_id, text=text))
        return events

    def _close(self, state: _Choice, status: str, native: NativeEvent | None) -> Events:
        """Every open item of the choice ends at its finish_reason (B.3.5)."""
        state.calls.finish(self._flag_at(native))
        if state.content and state.refusal:
            self.flag("LIFECYCLE-309", f"choice {state.index} has both content and refusal", native)
        calls = {call.item_id: call for call in state.calls.calls}
        reasoning = f"{state.prefix}reasoning"
        events: Events = []
        for item_id in state.open:
            call = calls.get(item_id)
            opaque = {"reasoning_details": state.opaque} if item_id == reasoning and state.opaque else None
            declared = ev.Declared(status=status, name=call.name if call else None,
                                   call_id=call.call_id if call else None, native=opaque)
            events.append(ev.ItemCompleted(item_id=item_id, declared=declared))
        state.open = []
        self._check_finish_reason(state, native)
        return events

    def _check_finish_reason(self, state: _Choice, native: NativeEvent | None) -> None:
        """B.3.7 / X-4: tool_calls iff calls; "stop" with calls is expected only for a named tool_choice."""
        has_calls = bool(state.calls.calls)
        if has_calls and state.finish == "stop" and not self._named_tool_choice:
            self.flag("LIFECYCLE-312", f"choice {state.index} made tool calls but finish_reason is 'stop' (vLLM named "
                                       "tool_choice / Ollama before 0.5.12 style)", native)
        elif not has_calls and state.finish == "tool_calls":
            self.flag("LIFECYCLE-312", f"finish_reason tool_calls but choice {state.index} made no tool call", native)

    # -- the end -----------------------------------------------------------------------------------------

    def _complete(self) -> Events:
        """At [DONE] (B.1): close what never finished, check usage, raise the interrupt, end the turn."""
        self.end("data: [DONE]")
        if self._error:
            return [ev.TurnCompleted(stop="error", native_stop=None)]
        events: Events = []
        if not self._choices:
            self.flag("LIFECYCLE-307", "the stream ends without any choice")
        for state in self._choices.values():
            if state.finish is None:
                self.flag("LIFECYCLE-307", f"choice {state.index} never got a finish_reason (vercel/ai #19169)")
                events += self._close(state, "incomplete", None)
        self._check_usage()
        first = self._choices.get(0)
        finish = first.finish if first else None
        stop = STOPS.get(finish or "", "other")
        if first is not None and first.refusal and not first.content and stop == "end_turn":
            stop = "refusal"
        pending = [call.call_id for call in first.calls.calls if call.call_id] if first else []
        if pending and stop not in ("max_tokens", "content_filter"):
            events.append(ev.Interrupt(kind="tool_calls", pending=pending))
        events.append(ev.TurnCompleted(stop=stop, native_stop=finish))
        return events

    def _check_usage(self) -> None:
        """B.3.6: asked for with include_usage, the usage chunk is the last before [DONE]."""
        if self._include_usage and not self._usage_seen:
            self.flag("LIFECYCLE-308", "stream_options.include_usage was set but no usage arrived")
        elif self._usage_chunks and not self._usage_last:
            self.flag("LIFECYCLE-308", "the usage chunk is not the last chunk before [DONE]", severity=WARN)
