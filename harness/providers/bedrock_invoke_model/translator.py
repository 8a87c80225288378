"""Per-model translators for InvokeModelWithResponseStream, chosen by the model id, else by the chunks.

``InvokeTranslator`` picks the translator once: by the family the URI's model id names, else by the
first chunk's shape (harness/providers/bedrock_invoke_model/models.py). Anthropic events go to the
Anthropic translator, Nova's to the ConverseStream one (the same event vocabulary: message start and
stop, text and toolUse deltas by contentBlockIndex, usage in metadata), and the other families to
``FoldedTranslator``, which reads their text and stop reason into one message. A chunk of another
family than the model id names is flagged (SCHEMA-783) and read by its shape.
"""

from __future__ import annotations

from typing import Any

from harness import events as ev
from harness.providers.anthropic_messages import AnthropicMessages
from harness.providers.base import Events, NativeEvent, StreamContext, Translator
from harness.providers.bedrock_converse.translator import ConverseTranslator
from harness.providers.bedrock_invoke_model.models import METRICS, NOVA_EVENTS, family_of_model, model_id
from harness.values import array, integer, mapping, string

# native stop reason -> canonical, per folded family (the AWS Bedrock model parameter pages)
STOPS: dict[str, dict[str, ev.StopReason]] = {
    "titan": {"FINISH": "end_turn", "LENGTH": "max_tokens", "CONTENT_FILTERED": "content_filter",
              "STOP_CRITERIA_MET": "stop_sequence"},
    "llama": {"stop": "end_turn", "length": "max_tokens"},
    "mistral": {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"},
    "cohere": {"COMPLETE": "end_turn", "MAX_TOKENS": "max_tokens", "ERROR": "error", "ERROR_TOXIC": "content_filter",
               "ERROR_LIMIT": "max_tokens", "STOP_SEQUENCE": "stop_sequence", "USER_CANCEL": "other"},
    "ai21": {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"},
}


def family_of_native(native: NativeEvent) -> str:
    """The family a parsed event belongs to, from its native type (see ``BedrockInvokeModel.parse``)."""
    if native.type.endswith(".chunk"):
        return native.type[: -len(".chunk")]
    if native.data.get("awsException"):
        return "exception"
    return "nova" if native.type in NOVA_EVENTS else "anthropic"


class FoldedTranslator(Translator):
    """Titan, Llama, Mistral, Cohere, AI21: text folded into one message, the stop reason ends the turn."""

    def __init__(self, context: StreamContext, family: str) -> None:
        super().__init__(context)
        self.family = family
        self._open = False
        self._started = False
        self._usage: dict[str, int | None] = {}

    def route(self, native: NativeEvent) -> Events:
        events: Events = []
        if not self._started:
            self._started = True
            events.append(ev.TurnStarted(model=model_id(self.context.exchange.request.path)))
        if native.data.get("awsException"):
            return events + self._exception(native)
        text, stop = self._read(native.data)
        if text:
            if not self._open:
                self._open = True
                events.append(ev.ItemStarted(item_id="0", kind="message", role="assistant"))
            events.append(ev.TextDelta(item_id="0", text=text))
        self._metrics(native.data)
        if stop:
            events += self._stop(stop, native)
        return events

    def counts_after_end(self, native: NativeEvent) -> bool:
        return True

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        return "LIFECYCLE-784", f"a {native.type} after the chunk that carried the stop reason"

    def _read(self, data: dict[str, Any]) -> tuple[str | None, str | None]:
        """The chunk's text and stop reason, in its family's members."""
        family = self.family
        if family == "titan":
            return string(data.get("outputText")), string(data.get("completionReason"))
        if family == "llama":
            return string(data.get("generation")), string(data.get("stop_reason"))
        if family == "mistral":
            output = mapping(next(iter(array(data.get("outputs"))), None))
            return string(output.get("text")), string(output.get("stop_reason"))
        if family == "cohere":
            finished = data.get("is_finished") is True or data.get("event_type") == "stream-end"
            text = None if finished else string(data.get("text"))
            return text, (string(data.get("finish_reason")) or "COMPLETE") if finished else None
        choice = mapping(next(iter(array(data.get("choices"))), None))  # ai21
        return string(mapping(choice.get("delta")).get("content")), string(choice.get("finish_reason"))

    def _metrics(self, data: dict[str, Any]) -> None:
        metrics = mapping(data.get(METRICS))
        if metrics:
            self._usage = {"input_tokens": integer(metrics.get("inputTokenCount")),
                           "output_tokens": integer(metrics.get("outputTokenCount"))}

    def _stop(self, stop: str, native: NativeEvent) -> Events:
        self.end("the stop reason")
        known = STOPS.get(self.family, {})
        if stop not in known:
            self.flag("LIFECYCLE-785", f"{self.family} stop reason {stop!r} is not a documented value", native,
                      expected=sorted(known), actual=stop)
        events: Events = [ev.ItemCompleted(item_id="0")] if self._open else []
        self._open = False
        return events + self._usage_events() + [ev.TurnCompleted(stop=known.get(stop, "other"), native_stop=stop)]

    def _usage_events(self) -> Events:
        return [ev.UsageReported(**self._usage)] if any(v is not None for v in self._usage.values()) else []

    def _exception(self, native: NativeEvent) -> Events:
        self.end("an exception")
        events: Events = [ev.ItemCompleted(item_id="0")] if self._open else []
        self._open = False
        message = string(mapping(native.data.get("error")).get("message")) or native.data["awsException"]
        return events + [ev.ErrorReported(code=native.data["awsException"], message=message),
                         ev.TurnCompleted(stop="error", native_stop=native.data["awsException"])]

    def finish(self) -> Events:
        return []  # no stop reason: the reducer reports the truncated turn


class InvokeTranslator(Translator):
    """Routes a stream to its model family's translator, chosen at the first event."""

    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        self.expected = family_of_model(model_id(context.exchange.request.path))
        self.delegate: Translator | None = None
        self._mismatch_flagged = False
        self._family_told = False

    def _choose(self, family: str) -> Translator:
        context = self.context
        if family == "nova":
            delegate: Translator = ConverseTranslator(context)
        elif family == "anthropic":
            delegate = AnthropicMessages().translator(context)
        else:
            delegate = FoldedTranslator(context, family)
        delegate.findings = self.findings  # one list: the pipeline reads this translator's findings
        return delegate

    def translate(self, native: NativeEvent) -> Events:
        found = family_of_native(native)
        if self.delegate is None:
            family = self.expected if found == "exception" and self.expected else found
            if family == "exception":
                family = "anthropic"
            self.delegate = self._choose(family)
            self.family = family
        if found not in ("exception", self.family) and not self._mismatch_flagged:
            self._mismatch_flagged = True
            self.flag("SCHEMA-783", f"a {found} chunk in a {self.family} stream", native,
                      expected=self.family, actual=found)
        elif (self.expected and found not in ("exception", self.expected) and not self._mismatch_flagged):
            self._mismatch_flagged = True
            self.flag("SCHEMA-783", f"the model id names a {self.expected} model, but the chunks are {found}'s",
                      native, expected=self.expected, actual=found)
        if found == "exception":
            native = self._exception_for(native)
        events = self.delegate.translate(native)
        if not self._family_told:
            self._tell_family(events)
        return events

    def _tell_family(self, events: Events) -> None:
        """The family rides on the turn (``turn.native["model_family"]``): its resume contract is that family's."""
        for event in events:
            if type(event) is ev.TurnStarted:
                event.native = {**(event.native or {}), "model_family": self.family}
                self._family_told = True

    def _exception_for(self, native: NativeEvent) -> NativeEvent:
        """An outer AWS exception, in the form the chosen translator reads errors."""
        if self.family == "nova":  # the ConverseStream translator reads exceptions by their member name
            data = {"message": native.data["error"]["message"].split(": ", 1)[-1]}
            return NativeEvent(native.data["awsException"], data, native.frame, native.offset, native.exchange)
        return native

    def finish(self) -> Events:
        return [] if self.delegate is None else self.delegate.finish()
