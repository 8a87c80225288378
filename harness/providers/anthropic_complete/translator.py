"""Text Completions native events -> canonical events (sources in the package doc).

One turn, one assistant message: the first ``completion`` or ``error`` starts the turn, each non-empty
``completion`` text is a delta of the message, and the first non-null ``stop_reason`` completes the
message and ends the turn. ``error`` ends the turn failed (no completion follows it). A stream that
stops without either is truncated (the reducer's LIFECYCLE-005); an event after the end is
LIFECYCLE-004 (the base), pings excepted.
"""

from __future__ import annotations

from harness import events as ev
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.values import mapping, name, string

MESSAGE = "completion"  # the one item's id: the protocol names none
# the SDK's Completion.stop_reason: "stop_sequence" (the caller's or the model's built-in "\n\nHuman:")
# or "max_tokens" (max_tokens_to_sample reached)
_STOPS: dict[str, ev.StopReason] = {"stop_sequence": "stop_sequence", "max_tokens": "max_tokens"}
# the error types Anthropic documents as transient (HTTP 429, 500, 529 outside a stream)
_RETRYABLE = frozenset({"rate_limit_error", "api_error", "overloaded_error", "timeout_error"})


class CompleteTranslator(Translator):
    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        self._started = False

    def counts_after_end(self, native: NativeEvent) -> bool:
        return native.type in ("completion", "error")  # a ping may come at any time

    def _start(self, native: NativeEvent) -> Events:
        if self._started:
            return []
        self._started = True
        return [ev.TurnStarted(model=name(native.data.get("model")))]

    @handles("completion")
    def _completion(self, native: NativeEvent) -> Events:
        out = self._start(native)
        if out:  # the turn starts with its one message
            out.append(ev.ItemStarted(item_id=MESSAGE, kind="message", role="assistant"))
        text = string(native.data.get("completion"))
        if text:
            out.append(ev.TextDelta(item_id=MESSAGE, text=text))
        stop = string(native.data.get("stop_reason"))
        if stop is not None:
            self.end(f"completion with stop_reason {stop!r}")
            out += [ev.ItemCompleted(item_id=MESSAGE),
                    ev.TurnCompleted(stop=_STOPS.get(stop, "other"), native_stop=stop)]
        return out

    @handles("error")
    def _error(self, native: NativeEvent) -> Events:
        self.end("error")
        error = mapping(native.data.get("error"))
        kind = string(error.get("type"))
        message = string(error.get("message")) or kind or "error event without a message"
        return self._start(native) + [ev.ErrorReported(code=kind, message=message, retryable=kind in _RETRYABLE)]
