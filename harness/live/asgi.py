"""The few ASGI moves both servers make: read a request, answer JSON, write a streamed body.

Plain ASGI rather than a framework's response classes: a replay must control every write (the
recorded chunk boundaries) and sometimes close the connection mid-body, which is below what a
framework's streaming response offers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_REQUEST_BYTES = 32 * 1024 * 1024
# Hop-by-hop (RFC 9110 7.6.1) and framing headers: the serving side frames the body itself.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
                        "te", "trailer", "trailers", "transfer-encoding", "upgrade"})


class TooLarge(Exception):
    """A request body over ``MAX_REQUEST_BYTES``."""


async def read_body(receive: Receive) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(parts)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            raise TooLarge
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def request_headers(scope: Scope) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name.decode("latin-1"), []).append(value.decode("latin-1"))
    return headers


async def send_json(send: Send, status: int, data: Any, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


async def lifespan(receive: Receive, send: Send, on_shutdown: Callable[[], None] | None = None) -> None:
    """Answer the server's start-up and shut-down messages (``on_shutdown`` runs at the latter)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if on_shutdown is not None:
                on_shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return
