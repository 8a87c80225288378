"""The recording reverse proxy: each request forwarded to the upstream, the response streamed back
unchanged piece by piece as it arrives, and recorded through ``AsyncRecordingTransport``."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from harness.live import asgi
from harness.live.record import Recorder
from harness.live.transport import AsyncRecordingTransport

_NOT_FORWARDED = asgi.HOP_BY_HOP | {"host", "content-length"}


@dataclass(slots=True)
class RecordProxy:
    upstream: str  # base URL; the request's path is appended to it
    recorder: Recorder
    client: httpx.AsyncClient | None = field(default=None)

    async def __call__(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        if scope["type"] == "lifespan":
            await asgi.lifespan(receive, send)
            return
        if scope["type"] == "http":
            await self._forward(scope, receive, send)

    def _client(self) -> httpx.AsyncClient:
        if self.client is None:
            transport = AsyncRecordingTransport(self.recorder)
            self.client = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(600.0, connect=10.0))
        return self.client

    async def _forward(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        try:
            body = await asgi.read_body(receive)
        except asgi.TooLarge:
            await asgi.send_json(send, 413, {"error": f"request body over {asgi.MAX_REQUEST_BYTES} bytes"})
            return
        query = scope.get("query_string", b"")
        url = self.upstream.rstrip("/") + scope.get("raw_path", scope["path"].encode()).decode("latin-1")
        url += f"?{query.decode('latin-1')}" if query else ""
        headers = [(name, value) for name, value in scope["headers"] if name.decode("latin-1").lower() not in _NOT_FORWARDED]
        client = self._client()
        try:
            response = await client.send(client.build_request(scope["method"], url, headers=headers, content=body),
                                         stream=True)
        except httpx.HTTPError as error:
            await asgi.send_json(send, 502, {"error": f"upstream {self.upstream} failed: {error!r}"})
            return
        try:
            out = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers.multi_items()
                   if name.lower() not in asgi.HOP_BY_HOP]
            await send({"type": "http.response.start", "status": response.status_code, "headers": out})
            async for piece in response.aiter_raw():
                await send({"type": "http.response.body", "body": piece, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except httpx.HTTPError:
            pass  # the upstream broke off mid-body: the client's connection closes the same way
        finally:
            await response.aclose()
