"""The final objects of a Responses stream, checked against what the stream built.

A Responses stream states each text several times: the .done event of a part, its
content_part.done / reasoning_summary_part.done, the output_item.done item, and the terminal
response's ``output``. The reducer compares declared finals with the deltas it joined; this module
makes the comparisons it cannot see: the part's and the item's copies against the .done event
(A.6.11), and the terminal output against the done items (A.6.15). What disagrees is reported
through the translator's ``flag``, like every other finding of the stream.
"""

from __future__ import annotations

from typing import Any, Protocol

from harness import events as ev
from harness.providers.base import NativeEvent
from harness.providers.openai_responses import items as it
from harness.providers.openai_responses.calls import content_of
from harness.providers.openai_responses.streamed import ItemState
from harness.values import string


class Flag(Protocol):
    """``Translator.flag``."""

    def __call__(self, check: str, message: str, native: NativeEvent | None = None, **details: Any) -> None: ...


def declared(native: NativeEvent, state: ItemState | None, item: dict[str, Any], flag: Flag) -> ev.Declared:
    """What an output_item.done item declares, the .done events' texts winning (A.6.11); every copy that
    disagrees with them is flagged (ASSEMBLY-001, ASSEMBLY-002). ``state`` is None for an item never added."""
    finals = it.content_texts(item)
    if state is not None:
        _reconcile(native, state, finals, flag)
    freeform = it.freeform_input(item)
    if state is not None and state.freeform_done is not None:
        _compare("ASSEMBLY-001", native, state.item_id, "input", state.freeform_done, freeform, flag)
        freeform = state.freeform_done
    if freeform is not None:
        finals["text"][it.FREEFORM_PART] = freeform
    arguments = it.arguments_of(item)
    if state is not None and state.arguments_done is not None:
        _compare("ASSEMBLY-002", native, state.item_id, "arguments", state.arguments_done, arguments, flag)
        arguments = state.arguments_done
    added = state.added if state is not None else {}
    return ev.Declared(
        text=finals["text"] or None,
        refusal=finals["refusal"] or None,
        reasoning=finals["reasoning"] or None,
        arguments=arguments,
        status=string(item.get("status")),
        name=it.tool_name(item) or string(added.get("name")),
        call_id=string(item.get("call_id")),
        native=_native(item),
    )


def _native(item: dict[str, Any]) -> dict[str, Any] | None:
    """What the next request needs from the done item: a reasoning item's encrypted_content (A.8.2: the done
    one, never the added one), a call's type (to answer and echo it as what it is)."""
    encrypted = item.get("encrypted_content") if item.get("type") == "reasoning" else None
    if isinstance(encrypted, str):
        return {"encrypted_content": encrypted}
    return it.native_type(item)


def check_output(native: NativeEvent, output: Any, done: dict[int, dict[str, Any]], flag: Flag) -> None:
    """A.6.15: one terminal output entry per output_index, in order, matching its output_item.done
    (``done``: the done items by output_index). An output that is not a list is the schema's to report."""
    if not isinstance(output, list):
        return
    if len(output) != len(done) or sorted(done) != list(range(len(done))):
        flag("ASSEMBLY-007", f"terminal output has {len(output)} entries; {len(done)} items completed",
             native, expected=len(done), actual=len(output))
    for index, item in sorted(done.items()):
        if index >= len(output):
            continue
        entry = output[index]
        differences = output_differences(item, entry)
        if differences:
            flag("ASSEMBLY-007", f"output[{index}] differs from its output_item.done on {', '.join(differences)}",
                 native, expected=summary_of(item), actual=summary_of(entry) if isinstance(entry, dict) else entry)


def summary_of(item: dict[str, Any]) -> dict[str, Any]:
    """What A.6.15 compares between output_item.done and the terminal output (never encrypted_content);
    a call's content members as values, since their JSON may be written with its keys in another order."""
    content = content_of(item)
    return {
        "id": item.get("id"),
        "type": item.get("type"),
        "status": item.get("status"),
        "texts": it.content_texts(item),
        "arguments": it.arguments_of(item) if content is None else content,
        "input": it.freeform_input(item),
        "call_id": item.get("call_id"),
    }


def output_differences(done: dict[str, Any], final: Any) -> list[str]:
    """Fields on which a terminal ``response.output`` entry disagrees with the item's output_item.done."""
    if not isinstance(final, dict):
        return ["entry is not an object"]
    before, after = summary_of(done), summary_of(final)
    return [field for field in before if before[field] != after[field] and not _absent_status(field, before, after)]


def _absent_status(field: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
    # an item type without a status field (reasoning, mcp_list_tools) may omit it on either side
    return field == "status" and (before[field] is None or after[field] is None)


def _reconcile(native: NativeEvent, state: ItemState, finals: dict[str, dict[int, str]], flag: Flag) -> None:
    """A.6.11: the .done text is the reference; the part's and the item's copies must agree with it.
    ``finals`` (the item's texts by channel and canonical part number) takes the reference texts."""
    numbered = [(it.REASONING_TEXT_BASE + n if p.channel == "reasoning" else n, p) for n, p in state.parts.items()]
    numbered += list(state.summaries.items())
    for number, part in numbered:
        channel_finals = finals[part.channel]
        reference = part.done_text if part.done_text is not None else part.part_text
        if reference is None:
            continue
        _compare("ASSEMBLY-001", native, state.item_id, f"{part.channel} part {number} (part.done)",
                 reference, part.part_text, flag)
        _compare("ASSEMBLY-001", native, state.item_id, f"{part.channel} part {number} (output_item.done)",
                 reference, channel_finals.get(number), flag)
        channel_finals[number] = reference


def _compare(check: str, native: NativeEvent, item_id: str, what: str, reference: str, other: str | None,
             flag: Flag) -> None:
    if other is not None and other != reference:
        flag(check, f"{what} of {item_id} disagrees with the .done event", native, expected=reference, actual=other)
