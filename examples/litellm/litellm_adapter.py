"""LiteLLM as an adapter under test: OpenAI Chat Completions in, ``litellm.acompletion(stream=True)``
against an Anthropic, Gemini or other upstream, and its chunks out as LiteLLM's proxy frames them.

The framing is the proxy's own (litellm 1.110.2, ``litellm/proxy/proxy_server.py``): each chunk is
``chunk.model_dump_json(exclude_none=True, exclude_unset=True)`` (``_serialize_chat_chunk``) sent as
``data: <json>\\n\\n`` (``_format_streaming_sse_chunk``), the stream closed by ``data: [DONE]\\n\\n``
(``_OPENAI_STREAM_DONE_FRAME``), and an exception after the stream started becomes one
``data: {"error": {...}}`` frame before ``[DONE]`` (``litellm/proxy/common_request_processing.py``).
It is reproduced here rather than imported because the proxy module needs ``litellm[proxy]``
(FastAPI and more). Everything inside the frames is LiteLLM's SDK at work: what the suite judges is
what ``litellm.acompletion`` yields.
"""

from __future__ import annotations

import os
from typing import Any

import orjson

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no download of the cost map at import
os.environ.setdefault("LITELLM_TELEMETRY", "False")

import litellm  # after the environment it reads at import

from harness.live import asgi

litellm.telemetry = False
litellm.suppress_debug_info = True

_PASSED = ("messages", "tools", "tool_choice", "stream_options", "max_tokens", "temperature", "reasoning_effort")


class LiteLLMChat:
    """An ASGI app: each Chat Completions request becomes ``litellm.acompletion(model, api_base=...)``."""

    def __init__(self, model: str, api_base: str, api_key: str = "sk-harness-test") -> None:
        self.model, self.api_base, self.api_key = model, api_base, api_key

    async def __call__(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        if scope["type"] == "lifespan":
            await asgi.lifespan(receive, send)
            return
        request = orjson.loads(await asgi.read_body(receive))
        params = {key: request[key] for key in _PASSED if key in request}
        try:
            stream = await litellm.acompletion(model=self.model, api_base=self.api_base, api_key=self.api_key,
                                               stream=True, num_retries=0, timeout=20, **params)
        except Exception as error:  # noqa: BLE001  what the proxy answers before a stream
            await asgi.send_json(send, getattr(error, "status_code", 500) or 500, {"error": _error(error)})
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]})
        try:
            async for chunk in stream:
                data = chunk.model_dump_json(exclude_none=True, exclude_unset=True).encode()
                await send({"type": "http.response.body", "body": b"data: " + data + b"\n\n", "more_body": True})
        except Exception as error:  # noqa: BLE001  the proxy's in-band error frame
            frame = b"data: " + orjson.dumps({"error": _error(error)}) + b"\n\n"
            await send({"type": "http.response.body", "body": frame, "more_body": True})
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})


def _error(error: Exception) -> dict[str, Any]:
    return {"message": str(error), "type": type(error).__name__, "param": None,
            "code": str(getattr(error, "status_code", 500))}
