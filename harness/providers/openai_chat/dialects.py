"""What compatible servers put in a Chat Completions chunk beyond OpenAI's fields, and how each is named.

OpenAI's chunk carries no reasoning (specs/openai-anthropic.md B.2). Compatible servers stream it in one of
three delta fields, each named here by the servers that send it:

- ``delta.reasoning_content``, a string: DeepSeek's own field (api-docs.deepseek.com, guides
  "thinking_mode_api_example_streaming": ``chunk.choices[0].delta.reasoning_content``), and vLLM's until it
  was renamed (vllm-project/vllm#27752, Nov 2025) and removed from the output (vllm-project/vllm#33402,
  Jan 2026); specs/llamastack-cohere-compat.md C.4.
- ``delta.reasoning``, a string: OpenRouter, Groq (``reasoning_format: "parsed"``), Ollama's /v1 and vLLM
  since #27752 (specs/llamastack-cohere-compat.md C.1-C.4, C.6 "Reasoning field"). In vLLM's deprecation
  window both fields carried the same text (vllm-project/vllm#27752 kept ``reasoning_content`` "for
  backwards compatibility"), so a delta holding both with one text is read once.
- ``delta.reasoning_details``, a list of typed parts: OpenRouter (C.2). The part types are those of
  OpenRouter's own SDK, OpenRouterTeam/ai-sdk-provider src/schemas/reasoning-details.ts:
  ``reasoning.text`` (``text``, nullable, and an optional ``signature``), ``reasoning.summary``
  (``summary``), ``reasoning.encrypted`` (``data``) and ``thinking`` (``thinking``). OpenRouter sends the
  plain ``delta.reasoning`` beside them with the same text; its SDK reads the details whenever the list is
  non-empty and ``reasoning`` only otherwise (src/chat/index.ts, ``doStream``), and so does this family.
  Text and summary are reasoning text; encrypted data, and a text part's signature, are opaque values a
  client echoes in its next request (``reasoning_details`` on the assistant message), so they are kept
  on the reasoning item (``Item.native["reasoning_details"]``), never read as text.

Anything else a delta or a choice carries that this family does not fold (OpenAI's own ``delta.audio``,
a choice's ``logprobs``, Azure's ``content_filter_results``, OpenRouter's ``native_finish_reason``...) is
named once per exchange (LIFECYCLE-315), so a reader sees what the turn leaves out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.findings import Severity
from harness.values import mapping

REASONING_FIELDS = {  # field -> the servers whose style it is (module docstring)
    "reasoning_details": "OpenRouter style",
    "reasoning": "OpenRouter / Groq / Ollama / vLLM style",
    "reasoning_content": "DeepSeek style, and vLLM's before Jan 2026",
}
TEXT_PARTS = {"reasoning.text": "text", "thinking": "thinking", "reasoning.summary": "summary"}
OPAQUE_PART = "reasoning.encrypted"

# The delta and choice members this family reads; any other that carries content is named (LIFECYCLE-315).
OPENAI_DELTA = frozenset({"role", "content", "refusal", "tool_calls", "function_call"})  # B.2, all read
READ_DELTA = OPENAI_DELTA | REASONING_FIELDS.keys()
READ_CHOICE = frozenset({"index", "delta", "finish_reason", "logprobs"})  # logprobs: looked at by value
# What some unread members are, where the shape says who sends them.
UNREAD_NOTES = {
    "audio": "OpenAI's audio output: id, data, transcript; openai-python types/chat/chat_completion_chunk.py "
             "ChoiceDelta.audio",
    "logprobs": "token log probabilities",
    "annotations": "url citations, as OpenRouter sends them: OpenRouterTeam/ai-sdk-provider src/chat/index.ts",
    "images": "OpenRouter's image output",
    "executed_tools": "Groq's compound tools, specs/llamastack-cohere-compat.md C.1",
    "native_finish_reason": "OpenRouter's upstream finish reason, specs/llamastack-cohere-compat.md C.2",
    "content_filter_results": "Azure's per-choice content-filter results",
    "content_filter_offsets": "Azure's asynchronous-filter offsets",
    "stop_reason": "vLLM's stop string or token",
    # seen on every reasoning delta of ../shared/corpus/chat-completions/pai_groq_tool_use_failed_error_event_resume.yaml
    "channel": "the gpt-oss harmony channel of the text, as Groq sends it beside reasoning",
}

Flag = Callable[..., None]
Part = dict[str, Any]


def carries(value: Any) -> bool:
    """Whether a value holds content: a non-empty string, list or object (numbers, booleans and null do not)."""
    return isinstance(value, (str, list, dict)) and bool(value)


def detail_pieces(parts: list[Any], flag: Flag) -> tuple[list[str], list[Part]]:
    """The reasoning text of a ``reasoning_details`` list, in order, and the parts to keep opaque.

    A part of a known type without its string is lost (ASSEMBLY-310, error); a part of another type is kept
    opaque on the item and said (ASSEMBLY-310, info), since a newer type may carry what a client must echo.
    """
    texts: list[str] = []
    opaque: list[Part] = []
    for n, part in enumerate(parts):
        kind = mapping(part).get("type")
        if kind in TEXT_PARTS:
            key = TEXT_PARTS[kind]
            value = part.get(key)
            if isinstance(value, str):
                texts.append(value)
            elif value is not None or kind != "reasoning.text":  # only reasoning.text may be null (nullish)
                flag("ASSEMBLY-310", f"reasoning_details[{n}] is a {kind} part without a string {key}: lost",
                     subject=f"detail-{kind}")
            if isinstance(part.get("signature"), str):
                opaque.append(part)
        elif kind == OPAQUE_PART:
            if isinstance(part.get("data"), str):
                opaque.append(part)
            else:
                flag("ASSEMBLY-310", f"reasoning_details[{n}] is a {kind} part without a string data: lost",
                     subject=f"detail-{kind}")
        elif isinstance(kind, str):
            opaque.append(part)
            flag("ASSEMBLY-310", f"reasoning_details[{n}] is a {kind!r} part, a type this family does not read: "
                                 "kept opaque on the reasoning item", severity=Severity.info, subject=f"detail-{kind}")
        else:
            flag("ASSEMBLY-310", f"reasoning_details[{n}] has no string type: lost", subject="detail-untyped")
    return texts, opaque


def moderation_summary(moderation: dict[str, Any]) -> str:
    """``input flagged, output not flagged``: what each side of an OpenAI moderation object says
    (openai-python types/chat/chat_completion_chunk.py ``Moderation``: each side holds either
    ``moderation_results`` with per-result ``flagged``, or an ``error`` with code and message)."""
    sides = []
    for side in ("input", "output"):
        value = mapping(moderation.get(side))
        if value.get("type") == "error":
            sides.append(f"{side} not moderated (error {value.get('code')!r})")
        elif isinstance(value.get("results"), list):
            flagged = any(mapping(result).get("flagged") is True for result in value["results"])
            sides.append(f"{side} {'flagged' if flagged else 'not flagged'}")
        else:
            sides.append(f"{side} absent")
    return ", ".join(sides)


def filtered_categories(results: Any) -> list[str]:
    """The categories an Azure ``content_filter_results`` object marks ``filtered: true``."""
    return sorted(name for name, value in mapping(results).items() if mapping(value).get("filtered") is True)
