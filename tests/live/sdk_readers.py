"""The official SDKs reading a served cassette: text, client tool calls and stop reason, as each SDK
gives them, next to the same three read off the harness's folded turn."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import openai

from harness.state import Turn

Read = tuple[str, list[tuple[str | None, Any, str | None]], str | None]


def _split(body: dict[str, Any], *named: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The SDK's own parameters, and the rest of the recorded body as ``extra_body`` (sent unread)."""
    rest = {key: value for key, value in body.items() if key not in (*named, "stream")}
    return {key: body[key] for key in named if key in body}, rest


def openai_responses(base_url: str, body: dict[str, Any]) -> Read:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="sk-test", max_retries=2)
    known, rest = _split(body, "model", "input")
    with client.responses.stream(**known, extra_body=rest) as stream:
        for _ in stream:
            pass
        response = stream.get_final_response()
    calls = [(item.name, json.loads(item.arguments), item.call_id) for item in response.output
             if item.type == "function_call"]
    return response.output_text, calls, response.status


def anthropic_messages(base_url: str, body: dict[str, Any]) -> Read:
    client = anthropic.Anthropic(base_url=base_url, api_key="sk-ant-test", max_retries=2)
    known, rest = _split(body, "model", "max_tokens", "messages")
    with client.messages.stream(**known, extra_body=rest) as stream:
        for _ in stream:
            pass
        message = stream.get_final_message()
    text = "".join(block.text for block in message.content if block.type == "text")
    calls = [(block.name, block.input, block.id) for block in message.content if block.type == "tool_use"]
    return text, calls, message.stop_reason


def openai_chat(base_url: str, body: dict[str, Any]) -> Read:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="sk-test", max_retries=2)
    known, rest = _split(body, "model", "messages")
    with client.chat.completions.stream(**known, extra_body=rest) as stream:
        for _ in stream:
            pass
        completion = stream.get_final_completion()
    choice = completion.choices[0]
    calls = [(call.function.name, json.loads(call.function.arguments), call.id)
             for call in choice.message.tool_calls or []]
    return choice.message.content or "", calls, choice.finish_reason


READERS = {"openai-responses": openai_responses, "anthropic-messages": anthropic_messages, "openai-chat": openai_chat}


def harness_read(turn: Turn) -> Read:
    return (turn.joined("text"), [(item.name, item.arguments, item.call_id) for item in turn.client_calls],
            turn.native_stop)
