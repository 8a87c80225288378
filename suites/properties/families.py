"""The families the property suites run over: one entry per provider family with an encoder.

A new family joins every property by adding its line here: what its turns can hold (``Family``),
and where a next request keeps its answers (for the resume properties).
"""

from __future__ import annotations

from collections.abc import Callable, MutableSequence
from dataclasses import dataclass
from typing import Any

from suites.properties.strategies import Family

Body = dict[str, Any]


@dataclass(frozen=True)
class Dialect:
    family: Family
    uri: str  # where the next request goes
    prior: Body  # the first request a resume builds on
    answers: Callable[[Body], MutableSequence[dict[str, Any]]]  # the list, in a next request, that holds the answers
    answer_key: str  # the field of an answer that names the call it answers



class Unwrapped(MutableSequence[dict[str, Any]]):
    """A list of one-member objects (``{"toolResult": {...}}``) seen as the list of their bodies, which
    is where the answers' ids stand: Gemini's functionResponse parts, ConverseStream's toolResult blocks,
    Bedrock Agents' functionResult / apiResult entries."""

    def __init__(self, wrapped: list[dict[str, Any]], member: Callable[[dict[str, Any]], str]) -> None:
        self.wrapped = wrapped
        self.member = member  # the member name a body is wrapped in

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        return next(iter(self.wrapped[index].values()))

    def __setitem__(self, index: int, value: dict[str, Any]) -> None:  # type: ignore[override]
        self.wrapped[index] = {self.member(value): value}

    def __delitem__(self, index: int) -> None:  # type: ignore[override]
        del self.wrapped[index]

    def __len__(self) -> int:
        return len(self.wrapped)

    def insert(self, index: int, value: dict[str, Any]) -> None:
        self.wrapped.insert(index, {self.member(value): value})


class ToolMessages(MutableSequence[dict[str, Any]]):
    """The role:"tool" messages of a Chat Completions request, as one list the resume mutations can edit:
    its answers stand among the other messages, not in a list of their own."""

    def __init__(self, body: Body) -> None:
        self.messages: list[dict[str, Any]] = body["messages"]

    def _positions(self) -> list[int]:
        return [n for n, message in enumerate(self.messages) if message.get("role") == "tool"]

    def __len__(self) -> int:
        return len(self._positions())

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        return self.messages[self._positions()[index]]

    def __setitem__(self, index: int, value: dict[str, Any]) -> None:  # type: ignore[override]
        self.messages[self._positions()[index]] = value

    def __delitem__(self, index: int) -> None:  # type: ignore[override]
        del self.messages[self._positions()[index]]

    def insert(self, index: int, value: dict[str, Any]) -> None:
        positions = self._positions()
        self.messages.insert(positions[index] if index < len(positions) else positions[-1] + 1, value)

DIALECTS: dict[str, Dialect] = {
    "openai-chat": Dialect(
        family=Family(reasoning=False, stops=("end_turn", "max_tokens")),
        uri="https://api.openai.com/v1/chat/completions",
        prior={"model": "gpt-x", "stream": True, "messages": [{"role": "user", "content": "hi"}]},
        answers=ToolMessages,
        answer_key="tool_call_id",
    ),
    "openai-responses": Dialect(
        family=Family(reasoning=True, stops=("end_turn", "max_tokens"),
                      call_types=("function_call", "custom_tool_call", "local_shell_call", "shell_call",
                                  "apply_patch_call", "computer_call", "tool_search_call"),
                      server_calls=("web_search_call", "file_search_call", "code_interpreter_call",
                                    "hosted_shell_call")),
        uri="https://api.openai.com/v1/responses",
        prior={"model": "gpt-x", "input": "hi", "stream": True},
        answers=lambda body: body["input"],
        answer_key="call_id",
    ),
    "anthropic-messages": Dialect(
        family=Family(reasoning=True, stops=("end_turn", "max_tokens")),
        uri="https://api.anthropic.com/v1/messages",
        prior={"model": "claude-x", "max_tokens": 1024, "stream": True, "messages": [{"role": "user", "content": "hi"}]},
        answers=lambda body: body["messages"][-1]["content"],
        answer_key="tool_use_id",
    ),
    "bedrock-invoke-model": Dialect(  # Anthropic's events inside AWS event-stream chunks
        family=Family(reasoning=True, stops=("end_turn", "max_tokens")),
        uri="https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-x/invoke-with-response-stream",
        prior={"anthropic_version": "bedrock-2023-05-31", "max_tokens": 1024,
               "messages": [{"role": "user", "content": "hi"}]},
        answers=lambda body: body["messages"][-1]["content"],
        answer_key="tool_use_id",
    ),
    "gemini": Dialect(
        family=Family(reasoning=True, stops=("end_turn", "max_tokens")),
        uri="https://generativelanguage.googleapis.com/v1beta/models/gemini-x:streamGenerateContent?alt=sse",
        prior={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
        answers=lambda body: Unwrapped(body["contents"][-1]["parts"], lambda _: "functionResponse"),
        answer_key="id",
    ),
    "mistral-conversations": Dialect(
        family=Family(reasoning=True, stops=("end_turn",)),
        uri="https://api.mistral.ai/v1/conversations/conv_0",  # the encoder's conversation id: the handle is the path
        prior={"model": "mistral-medium-latest", "inputs": "hi", "stream": True},
        answers=lambda body: body["inputs"],
        answer_key="tool_call_id",
    ),
    "cohere-v2": Dialect(
        family=Family(reasoning=True, stops=("end_turn", "max_tokens")),
        uri="https://api.cohere.com/v2/chat",
        prior={"model": "command-a-03-2025", "stream": True, "messages": [{"role": "user", "content": "hi"}]},
        answers=ToolMessages,  # role:"tool" messages among the others, as in Chat Completions
        answer_key="tool_call_id",
    ),
    "bedrock-converse": Dialect(
        family=Family(reasoning=True, stops=("end_turn", "max_tokens")),
        uri="https://bedrock-runtime.us-east-1.amazonaws.com/model/us.amazon.nova-micro-v1%3A0/converse-stream",
        prior={"messages": [{"role": "user", "content": [{"text": "hi"}]}], "inferenceConfig": {}},
        answers=lambda body: Unwrapped(body["messages"][-1]["content"], lambda _: "toolResult"),
        answer_key="toolUseId",
    ),
    "agent-session": Dialect(  # delta mode on PUT /session; harness/providers/agent_session/encode.py
        family=Family(reasoning=True, stops=("end_turn", "max_tokens", "refusal"), usage=False),
        uri="https://agent.example/session/sess_0",  # the encoder's session id: the handle is the path
        prior={"stream": "delta", "messages": [{"role": "user", "content": "hi"}]},
        answers=lambda body: body["messages"],
        answer_key="toolCallId",
    ),
    "llama-stack-agents": Dialect(  # no reasoning, no usage in the Agents stream; the resume path is the handle
        family=Family(reasoning=False, stops=("end_turn", "max_tokens"), usage=False),
        uri="http://localhost:8321/v1/agents/agent-0/session/session-0/turn/resp_0/resume",  # the encoder's ids
        prior={"messages": [{"role": "user", "content": "hi"}], "stream": True},
        answers=lambda body: body["tool_responses"],
        answer_key="call_id",
    ),
    "bedrock-agents": Dialect(  # returned control: no reasoning stream, one answer chunk or one returnControl
        family=Family(reasoning=False, stops=("end_turn",)),
        uri="https://bedrock-agent-runtime.us-east-1.amazonaws.com/agents/AGENT12345/agentAliases/ALIAS12345/"
            "sessions/session-0/text",  # the encoder's ids (its traces name them): the handle is the path
        prior={"inputText": "hi", "enableTrace": True},
        answers=lambda body: Unwrapped(body["sessionState"]["returnControlInvocationResults"],
                                       lambda result: "apiResult" if "apiPath" in result else "functionResult"),
        answer_key="function",  # results carry no id: they name the function they answer
    ),
}
