"""Mistral Conversations native events -> canonical events (specs/gemini-mistral-bedrock.md B.2-B.4).

Every event of one output entry shares an ``output_index`` (absent means 0, B.2); groups need not be
contiguous (B.3.3), so state is keyed by index and every group stays open until the terminal event,
where the groups are completed in index order. A group's kind is set by its first event:
``message.output.delta`` (a message, or reasoning when it opens with a thinking chunk),
``function.call.delta`` (a client call whose ``arguments`` strings concatenate, B.4),
``tool.execution.*`` (a server-side built-in tool) or ``agent.handoff.*``. Unknown event types are
tolerated (B.3.10): the pipeline reports SCHEMA-002 and nothing is translated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from harness import events as ev
from harness.providers.base import Events, NativeEvent, StreamContext, Translator, handles
from harness.providers.mistral_conversations import DONE, ERROR, STARTED, TERMINAL
from harness.providers.mistral_conversations.resume import path_target
from harness.values import array, integer, mapping, name, string

_GROUP_KIND = {
    "message.output.delta": "message",
    "function.call.delta": "function",
    "tool.execution.started": "tool",
    "tool.execution.delta": "tool",
    "tool.execution.done": "tool",
    "agent.handoff.started": "handoff",
    "agent.handoff.done": "handoff",
}
_RETRYABLE = {429, 500, 502, 503, 504}  # B.1: the statuses the SDK retries


@dataclass
class _Group:
    index: int
    kind: str  # message | function | tool | handoff
    item_id: str
    native_id: str | None
    name: str | None = None
    call_id: str | None = None
    agent_id: str | None = None
    confirmation: str | None = None
    steps: list[str] = field(default_factory=list)  # tool: started/delta/done; handoff: started/done
    chunks: list[Any] = field(default_factory=list)  # non-text content chunks, kept for the echo
    info: Any = None
    handoff: dict[str, Any] = field(default_factory=dict)
    arguments: str | None = None
    flagged: bool = False


class ConversationsTranslator(Translator):
    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        self._client_handoff = mapping(context.exchange.request.json).get("handoff_execution") == "client"
        self._first = True
        self._started = False
        self._conversation_id: str | None = None
        self._groups: dict[int, _Group] = {}
        self._ids: set[str] = set()
        self._next_agent: str | None = None
        self._agent_flagged = False

    # -- entry points (no ``finish``: without a terminal event the reducer reports the truncation,
    # LIFECYCLE-005, and open groups stay open) ----------------------------------------------------------

    def route(self, native: NativeEvent) -> Events:
        """B.3.1: the stream opens with conversation.response.started (whatever type comes first)."""
        if self._first:
            self._first = False
            if native.type != STARTED:
                self.flag("LIFECYCLE-501", f"the stream opens with {native.type}", native, expected=STARTED,
                          actual=native.type)
        return self.dispatch(native)

    def counts_after_end(self, native: NativeEvent) -> bool:
        """B.3.2: nothing follows the terminal event, unknown types included."""
        return True

    def after_end(self, native: NativeEvent) -> tuple[str, str]:
        """B.3.2: exactly one terminal event, and it is the last."""
        return "LIFECYCLE-502", f"{native.type} after the terminal event"

    # -- lifecycle ---------------------------------------------------------------------------------------

    @handles(STARTED)
    def _turn_started(self, native: NativeEvent) -> Events:
        if self._started:
            self.flag("LIFECYCLE-501", "a second conversation.response.started", native)
            return []
        self._started = True
        conversation_id = name(native.data.get("conversation_id"))
        if conversation_id is None:
            self.flag("LIFECYCLE-501", "conversation.response.started without a conversation_id", native)
        self._conversation_id = conversation_id
        self._check_path_id(native, conversation_id)
        return [ev.TurnStarted(conversation_id=conversation_id, response_id=conversation_id,
                               native={"handoff_execution": "client"} if self._client_handoff else None)]

    def _ensure_started(self) -> Events:
        if self._started:
            return []
        self._started = True
        return [ev.TurnStarted()]

    def _check_path_id(self, native: NativeEvent, conversation_id: str | None) -> None:
        """B.3.1 [SOFT]: an append streams the path's conversation; a restart starts a new one."""
        target, restart = path_target(self.context.exchange.request)
        if target is None or conversation_id is None:
            return
        if restart and conversation_id == target:
            self.flag("LIFECYCLE-506", f"a restart streams the same conversation id {target}", native)
        elif not restart and conversation_id != target:
            self.flag("LIFECYCLE-506", f"an append to {target} streams conversation {conversation_id}", native,
                      expected=target, actual=conversation_id)

    @handles(DONE)
    def _done(self, native: NativeEvent) -> Events:
        self.end(DONE)
        out = self._ensure_started() + self._close_all(native)
        usage = native.data.get("usage")
        if isinstance(usage, dict):
            prompt, completion = integer(usage.get("prompt_tokens")), integer(usage.get("completion_tokens"))
            total = integer(usage.get("total_tokens"))
            if None not in (prompt, completion, total) and total != prompt + completion:  # type: ignore[operator]
                self.flag("LIFECYCLE-507", "usage.total_tokens is not prompt_tokens + completion_tokens", native,
                          expected=prompt + completion, actual=total)  # type: ignore[operator]
                total = None  # reported here as a warning, not again as STATE-002
            out.append(ev.UsageReported(input_tokens=prompt, output_tokens=completion, total_tokens=total))
        pending = [g.call_id for g in sorted(self._groups.values(), key=lambda g: g.index)
                   if g.kind == "function" and g.call_id]
        handle = {"conversation_id": self._conversation_id} if self._conversation_id else {}
        if pending:
            out.append(ev.Interrupt(kind="tool_calls", pending=pending, handle=handle))
            return out + [ev.TurnCompleted(stop="tool_use", native_stop="conversation.response.done")]
        handoffs = [g for g in self._groups.values() if g.kind == "handoff"]
        if self._client_handoff and handoffs:  # C4: the caller continues the handoff itself
            out.append(ev.Interrupt(kind="handoff", handle=handle))
            return out + [ev.TurnCompleted(stop="pause", native_stop="handoff")]
        return out + [ev.TurnCompleted(stop="end_turn", native_stop="conversation.response.done")]

    @handles(ERROR)
    def _error(self, native: NativeEvent) -> Events:
        self.end(ERROR)
        code = integer(native.data.get("code"))
        message = name(native.data.get("message")) or "conversation.response.error without a message"
        return self._ensure_started() + [
            ev.ErrorReported(code=None if code is None else str(code), message=message,
                             retryable=code in _RETRYABLE if code is not None else None),
            ev.TurnCompleted(stop="error", native_stop="conversation.response.error"),
        ]

    def _close_all(self, terminal: NativeEvent) -> Events:
        out: Events = []
        for group in sorted(self._groups.values(), key=lambda g: g.index):
            out += self._close(group, terminal)
        return out

    def _close(self, group: _Group, terminal: NativeEvent) -> Events:
        """A group completes at the terminal event, where what it never finished is flagged."""
        if group.kind == "message":
            native: dict[str, Any] | None = {"chunks": group.chunks} if group.chunks else None
            return [ev.ItemCompleted(item_id=group.item_id, declared=ev.Declared(native=native))]
        if group.kind == "function":
            native = {"id": group.native_id}
            if group.confirmation is not None:
                native["confirmation_status"] = group.confirmation
            return [ev.ItemCompleted(item_id=group.item_id,
                                     declared=ev.Declared(name=group.name, call_id=group.call_id, native=native))]
        if group.kind == "tool":
            if "done" not in group.steps:
                self.flag("LIFECYCLE-504", f"tool.execution {group.native_id} never reached tool.execution.done",
                          terminal)
            out: Events = [ev.ItemCompleted(item_id=group.item_id, declared=ev.Declared(
                name=group.name, native={"arguments": group.arguments, "info": group.info}))]
            if "done" in group.steps:
                out.append(ev.ToolResult(call_id=group.item_id, output=group.info, executor="server"))
            return out
        if "done" not in group.steps:
            self.flag("LIFECYCLE-505", f"agent.handoff {group.native_id} never reached agent.handoff.done", terminal)
        return [ev.ItemCompleted(item_id=group.item_id, declared=ev.Declared(native=group.handoff or None))]

    # -- grouped events -----------------------------------------------------------------------------------

    @handles(*_GROUP_KIND)
    def _grouped(self, native: NativeEvent) -> Events:
        """An event of an output entry: the first opens it (and the turn, if nothing has)."""
        out = self._ensure_started()
        data = native.data
        index = integer(data.get("output_index"))
        index = 0 if index is None or index < 0 else index
        kind = _GROUP_KIND[native.type]
        group = self._groups.get(index)
        if group is None:
            if self._groups and index < max(self._groups):
                self.flag("LIFECYCLE-503", f"output_index {index} begins after output_index {max(self._groups)}",
                          native, actual=index)
            group, opened = self._open(native, index, kind)
            out += opened
        elif group.kind != kind:
            self.flag("ASSEMBLY-501", f"{native.type} at output_index {index}, which holds a {group.kind} entry",
                      native)
            return out
        else:
            self._same_identity(native, group)
        return out + self._BY_KIND[kind](self, native, group)

    def _open(self, native: NativeEvent, index: int, kind: str) -> tuple[_Group, Events]:
        data = native.data
        native_id = name(data.get("id"))
        item_id = native_id or f"output-{index}"
        if item_id in self._ids:
            item_id = f"{item_id}#{index}"
        self._ids.add(item_id)
        group = self._groups[index] = _Group(index=index, kind=kind, item_id=item_id, native_id=native_id)
        if kind == "message":
            group.agent_id = name(data.get("agent_id"))
            reasoning = mapping(data.get("content")).get("type") == "thinking"
            self._check_agent(native)
            return group, [ev.ItemStarted(item_id=item_id, kind="reasoning" if reasoning else "message",
                                          role=None if reasoning else "assistant")]
        if kind == "function":
            group.name, group.call_id = name(data.get("name")), name(data.get("tool_call_id"))
            if group.call_id == "null":
                self.flag("ASSEMBLY-502", "tool_call_id is the literal string \"null\" (the SDK's default)", native)
            return group, [ev.ItemStarted(item_id=item_id, kind="tool_call", name=group.name, call_id=group.call_id,
                                          executor="client")]
        if kind == "tool":
            group.name = name(data.get("name"))
            return group, [ev.ItemStarted(item_id=item_id, kind="tool_call", name=group.name, call_id=item_id,
                                          executor="server")]
        return group, [ev.ItemStarted(item_id=item_id, kind="handoff")]

    def _same_identity(self, native: NativeEvent, group: _Group) -> None:
        """B.3.4-B.3.7: one entry keeps its id (and a call its name and tool_call_id)."""
        data = native.data
        pairs = [("id", group.native_id, name(data.get("id")))]
        if group.kind == "function":
            pairs += [("name", group.name, name(data.get("name"))),
                      ("tool_call_id", group.call_id, name(data.get("tool_call_id")))]
        for key, expected, actual in pairs:
            if expected is not None and actual is not None and expected != actual and not group.flagged:
                group.flagged = True
                self.flag("ASSEMBLY-501", f"{key} changes within output_index {group.index}", native,
                          expected=expected, actual=actual)

    def _check_agent(self, native: NativeEvent) -> None:
        """B.3.7 [SOFT]: after a handoff, messages come from the next agent."""
        agent = name(native.data.get("agent_id"))
        if self._next_agent is not None and agent is not None and agent != self._next_agent and not self._agent_flagged:
            self._agent_flagged = True
            self.flag("LIFECYCLE-508", f"message from agent {agent} after a handoff to {self._next_agent}", native,
                      expected=self._next_agent, actual=agent)

    def _message(self, native: NativeEvent, group: _Group) -> Events:
        content = native.data.get("content")
        part = integer(native.data.get("content_index")) or 0
        if isinstance(content, str):
            return [ev.TextDelta(item_id=group.item_id, part=part, text=content)]
        if not isinstance(content, dict):
            return []
        kind = content.get("type")
        if kind == "text" and isinstance(content.get("text"), str):
            return [ev.TextDelta(item_id=group.item_id, part=part, text=content["text"])]
        if kind == "thinking":
            joined = "".join(string(mapping(piece).get("text")) or "" for piece in array(content.get("thinking")))
            group.chunks += [{k: v for k, v in content.items() if k != "thinking"}] if content.get("signature") else []
            return [ev.ReasoningDelta(item_id=group.item_id, part=part, text=joined)] if joined else []
        group.chunks.append(content)  # tool_reference, tool_file, image_url, document_url: kept whole (B.3.4)
        return []

    def _function(self, native: NativeEvent, group: _Group) -> Events:
        status = name(native.data.get("confirmation_status"))
        if status is not None:
            group.confirmation = status
        arguments = string(native.data.get("arguments"))
        return [] if arguments is None else [ev.ToolCallDelta(item_id=group.item_id, text=arguments)]

    def _tool(self, native: NativeEvent, group: _Group) -> Events:
        step = native.type.rsplit(".", 1)[1]
        if "done" in group.steps or (step != "started" and "started" not in group.steps) or (
                step == "started" and group.steps):
            self.flag("LIFECYCLE-504", f"{native.type} out of order for {group.native_id} (after "
                                       f"{', '.join(group.steps) or 'nothing'})", native)
        group.steps.append(step)
        arguments = string(native.data.get("arguments"))
        if arguments is not None:
            group.arguments = arguments if step == "started" or group.arguments is None else group.arguments + arguments
        if step == "done":
            group.info = native.data.get("info")
        return []

    def _handoff(self, native: NativeEvent, group: _Group) -> Events:
        step = native.type.rsplit(".", 1)[1]
        if step in group.steps or (step == "done" and "started" not in group.steps):
            self.flag("LIFECYCLE-505", f"{native.type} out of order for {group.native_id}", native)
        group.steps.append(step)
        keys = ("previous_agent_id", "previous_agent_name") if step == "started" else ("next_agent_id", "next_agent_name")
        group.handoff.update({key: native.data.get(key) for key in keys if key in native.data})
        if step == "done":
            self._next_agent = name(native.data.get("next_agent_id")) or self._next_agent
        return []

    # what an event does to its entry, by the entry's kind (a table built once: ``_grouped`` runs per event)
    _BY_KIND: ClassVar[dict[str, Callable[[ConversationsTranslator, NativeEvent, _Group], Events]]] = {
        "message": _message, "function": _function, "tool": _tool, "handoff": _handoff,
    }
