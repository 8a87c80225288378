"""Tool-call fragments of one choice, keyed by ``tool_calls[].index`` (specs/openai-anthropic.md B.4).

OpenAI sends a call's ``id``, ``type`` and ``function.name`` on its first fragment and only ``index``
plus ``function.arguments`` pieces after it. Compatible servers do not (specs/llamastack-cohere-compat.md
C.0-C.6, specs/prior-art.md): whole calls in one fragment (Groq, Ollama), repeated ids and names,
string, sparse or omitted indices, one index reused by different ids, empty ids, ``arguments: null``.
Each is read the way the compat reassembly rule of C.0 reads it ("a different non-empty id at a used
index starts a new call") and flagged; a flag is an error only when information is lost. What a Mistral
server documents as its own way (whole calls without ``index`` or ``type``: ``mistral.py``) is said as
info, and its ids are held to Mistral's shape. The deprecated ``delta.function_call`` of the legacy
functions API (B.2) is read as one more call, without an id.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.findings import Severity
from harness.providers.openai_chat import mistral
from harness.values import digits, integer, mapping, name

Flag = Callable[..., None]  # Translator.flag bound to the native event at hand (check, message, severity=, subject=:
# a fault that recurs on many fragments is said once per subject, with its count)
WARN, INFO = Severity.warning, Severity.info


@dataclass(slots=True)
class Call:
    position: int  # order of first appearance in the choice: the item id's suffix
    index: int | None  # the tool index it was keyed by (None when the server sent none)
    item_id: str
    call_id: str | None = None
    name: str | None = None
    fragments: int = 0
    repeated: bool = False  # ASSEMBLY-303 already said for this call
    legacy: bool = False  # a delta.function_call: the legacy functions API has no call ids


def coerce_index(value: Any, flag: Flag, mistral_server: bool = False) -> int | None:
    """B.4.1 wants an integer. A digit string is LangChain #38456's case (readable: warning); an absent
    index is the gateway case of vercel/ai #18382 (warning), Mistral's own way (info); anything else
    cannot key a call (error)."""
    index = integer(value)
    if index is not None and index >= 0:
        return index
    if digits(value) is not None:
        flag("ASSEMBLY-301", f"tool index is the string {value!r}, not an integer (LangChain #38456)", severity=WARN,
             subject="index string")
        return digits(value)
    if value is None and mistral_server:
        flag("ASSEMBLY-301", f"tool call fragment without an index ({mistral.STYLE}: mistralai's ToolCall defaults "
                             "it to 0): keyed by id", severity=INFO, subject="index missing")
    elif value is None:
        flag("ASSEMBLY-301", "tool call fragment without an index (gateway style, vercel/ai #18382): keyed by id, "
                             "else by the latest call", severity=WARN, subject="index missing")
    else:
        flag("ASSEMBLY-301", f"tool index {value!r} is not a non-negative integer: keyed by id, else by the latest "
                             "call")
    return None


def arguments_text(function: dict[str, Any], flag: Flag) -> str:
    """B.2: a string piece. ``null`` (pydantic-ai #1654, no-parameter tools) reads as nothing; a JSON value
    (Ollama's native style) is re-serialised; anything else is lost."""
    if "arguments" not in function:
        return ""
    value = function["arguments"]
    if isinstance(value, str):
        return value
    if value is None:
        flag("ASSEMBLY-307", "function.arguments is null (a no-parameter tool, pydantic-ai #1654): read as ''",
             severity=WARN, subject="arguments null")
        return ""
    if isinstance(value, (dict, list)):
        flag("ASSEMBLY-307", "function.arguments is a JSON value, not a string (Ollama native style): re-serialised",
             severity=WARN, subject="arguments value")
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    flag("ASSEMBLY-307", f"function.arguments is a {type(value).__name__}: dropped")
    return ""


class ChoiceCalls:
    """The calls of one choice, in order of first appearance."""

    def __init__(self, prefix: str, mistral_server: bool = False) -> None:
        self.prefix = prefix
        self.mistral = mistral_server
        self.calls: list[Call] = []
        self._by_index: dict[int, Call] = {}
        self._indices: set[int] = set()
        self._legacy: Call | None = None

    def fragment(self, raw: dict[str, Any], flag: Flag) -> tuple[Call, bool, str]:
        """The call a fragment belongs to, whether it opens that call, and its argument text."""
        index = coerce_index(raw.get("index"), flag, self.mistral)
        call_id = name(raw.get("id"))
        if raw.get("id") == "":
            flag("ASSEMBLY-302", "tool call fragment with an empty id (vercel/ai #19091): ignored", severity=WARN,
                 subject="empty id")
        function = mapping(raw.get("function"))
        call, opened = self._find(index, call_id, flag)
        if opened:
            self._check_first(raw, index, call_id, function, flag)
        elif self.calls[-1] is not call:
            flag("ASSEMBLY-305", f"fragment for call {call.position} after call {self.calls[-1].position} began "
                                 "(the SDK already closed it)", subject=f"{self.prefix}call {call.position} late")
        self._merge(call, call_id, function.get("name"), flag)
        text = arguments_text(function, flag)
        if opened and text and self.mistral:
            flag("ASSEMBLY-306", f"call {call_id or call.position} arrives whole in one fragment ({mistral.STYLE}, "
                                 "B.4)", severity=INFO)
        elif opened and text:
            flag("ASSEMBLY-306", f"call {call_id or call.position} arrives whole in its first fragment "
                                 "(Groq / Ollama style)")
        call.fragments += 1
        return call, opened, text

    def legacy(self, function: dict[str, Any], flag: Flag) -> tuple[Call, bool, str]:
        """A ``delta.function_call`` fragment: the choice's one legacy call, name first, then argument pieces."""
        call, opened = self._legacy, self._legacy is None
        if call is None:
            call = self._legacy = self._open(None)
            call.legacy = True
        self._merge(call, None, function.get("name"), flag)
        call.fragments += 1
        return call, opened, arguments_text(function, flag)

    def _find(self, index: int | None, call_id: str | None, flag: Flag) -> tuple[Call, bool]:
        if index is None:
            known = next((c for c in self.calls if call_id is not None and c.call_id == call_id), None)
            if known is not None or (call_id is None and self.calls):
                return known or self.calls[-1], False
            return self._open(None), True
        call = self._by_index.get(index)
        if call is not None and call_id is not None and call.call_id not in (None, call_id):
            flag("ASSEMBLY-304", f"index {index} carries a new id {call_id!r} after {call.call_id!r}: read as a new "
                                 "call (LangChain #34807, Groq / LiteLLM #7621)")
            return self._open(index), True
        if call is not None:
            return call, False
        return self._open(index), True

    def _open(self, index: int | None) -> Call:
        call = Call(position=len(self.calls), index=index, item_id=f"{self.prefix}call.{len(self.calls)}")
        self.calls.append(call)
        if index is not None:
            self._by_index[index] = call
        return call

    def _check_first(self, raw: dict[str, Any], index: int | None, call_id: str | None, function: dict[str, Any],
                     flag: Flag) -> None:
        """B.4.1 (indices 0, 1, ... in order of first appearance) and B.4.2 (id, type, name first)."""
        if index is not None and index not in self._indices:
            expected = len(self._indices)
            if index != expected:
                flag("ASSEMBLY-301", f"tool index {index} where {expected} was due (sparse or non-zero start, "
                                     "vercel/ai #18382)", severity=WARN)
            self._indices.add(index)
        missing = [key for key, present in (("id", call_id), ("function.name", name(function.get("name"))),
                                            ("type", raw.get("type") == "function")) if not present]
        if missing == ["type"] and self.mistral:
            flag("ASSEMBLY-302", f"the first fragment of a call lacks type ({mistral.STYLE}: optional in mistralai's "
                                 "ToolCall)", severity=INFO)
        elif missing:
            flag("ASSEMBLY-302", f"the first fragment of a call lacks {', '.join(missing)} (vercel/ai #14722)",
                 severity=WARN)
        problem = mistral.id_problem(call_id) if self.mistral and call_id is not None else None
        if problem:
            flag("ASSEMBLY-309", f"tool call id {call_id!r} {problem} ({mistral.STYLE} wants 9 alphanumerics): "
                                 "Mistral refuses it when it is sent back", actual=call_id)

    @staticmethod
    def _merge(call: Call, call_id: str | None, raw_name: Any, flag: Flag) -> None:
        """B.4.3: later fragments must not repeat id or name; the SDK would concatenate them."""
        function_name = name(raw_name)
        pairs = ((call_id, call.call_id), (function_name, call.name))
        repeats = [value for value, known in pairs if value is not None and known is not None]
        if repeats and not call.repeated:
            call.repeated = True
            changed = any(value != known for value, known in pairs if value is not None and known is not None)
            flag("ASSEMBLY-303", f"a later fragment repeats {'a different' if changed else 'the'} id or name of call "
                                 f"{call.call_id or call.position} (the openai SDK would join them); the first kept")
        call.call_id = call.call_id or call_id
        call.name = call.name or function_name

    def finish(self, flag: Flag) -> None:
        """B.4.2: a call that never got an id cannot be answered; one without a name cannot be run."""
        for call in self.calls:
            for key, value in (("id", call.call_id), ("function.name", call.name)):
                if value is None and not (key == "id" and call.legacy):
                    flag("ASSEMBLY-302", f"call {call.position} never got a {key}")
