"""Odd and hostile requests get an answer, never a crash: the server still serves after them."""

from __future__ import annotations

import socket

import httpx

from harness.live.library import Library
from harness.live.serve import serving

ODD = [
    ("POST", "/openai-responses/plain-text/v1/responses", b"[1, 2]", {}),  # JSON, not an object
    ("POST", "/openai-responses/plain-text/v1/responses", b'"text"', {}),
    ("POST", "/openai-responses/plain-text/v1/responses", b"\xff\xfe\x00", {}),
    ("POST", "/openai-responses/plain-text/v1/responses", b'{"previous_response_id": 12}', {}),
    ("POST", "/openai-responses/plain-text/v1/responses", b'{"input": [{"type": "function_call_output"}]}', {}),
    ("POST", "/openai-responses/plain-text/v1/responses", b"{}", {"x-harness-exchange": "99"}),
    ("POST", "/openai-responses/plain-text/v1/responses", b"{}", {"x-harness-exchange": "-1"}),
    ("DELETE", "/openai-responses/plain-text/v1/responses", b"", {}),
    ("GET", "/openai-responses/plain-text/../tool-call-resume/v1/responses", b"", {}),
    ("GET", "/%ff%fe/v1", b"", {}),
    ("POST", "/anthropic-messages/tool-use-resume/v1/messages", b'{"messages": [{"role": "assistant", "content": 7}]}', {}),
    ("POST", "/bedrock-agents/return-control-function-resume/agents/x/agentAliases/y/sessions/z/text",
     b'{"sessionState": {"invocationId": [], "returnControlInvocationResults": "no"}}', {}),
    ("POST", "/gemini/function-call-resume/v1beta/models/gemini-2.5-flash:streamGenerateContent",
     b'{"contents": [{"role": "model", "parts": null}]}', {}),
]


def test_odd_requests_are_answered_and_the_server_keeps_serving(shipped: Library) -> None:
    with serving(shipped) as app, httpx.Client(base_url=app.base_url, timeout=10) as client:
        for method, path, body, headers in ODD:
            reply = client.request(method, path, content=body, headers=headers)
            assert reply.status_code < 500, (method, path, reply.status_code, reply.text[:300])
        host, port = app.base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as raw:  # not HTTP at all
            raw.sendall(b"\x16\x03\x01 hello, this is not http\r\n\r\n")
            raw.recv(1024)
        assert client.post("/openai-responses/plain-text/v1/responses", json={}).status_code == 200
