"""The replay server: each cassette's exchanges out as recorded (headers, chunk boundaries, arrival
times scaled by ``speed``), faults injected from seeded plans, the client's requests checked against
the family's resume contract (DESIGN.md, "On the wire and at scale")."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from random import Random
from urllib.parse import quote

import orjson

from harness.exchange import Request, Response
from harness.live import asgi
from harness.live.conversations import Conversations
from harness.live.errors import error_event, http_error_body
from harness.live.faults import Body, FaultSpec, Stream, http_fault, plan
from harness.live.framing import frame_spans
from harness.live.journal import Journal
from harness.live.library import Library, Served
from harness.live.runner import address, bind, in_thread
from harness.values import digits

REPORT_PATH = "/_harness/report"
EXCHANGE_HEADER = "x-harness-exchange"  # ask for an exchange by number (tools, tests)
_SERVED_DROPPED = asgi.HOP_BY_HOP | {"content-length", "content-encoding"}  # bodies are kept decoded


@dataclass(slots=True)
class ServeApp:
    """The ASGI application; one instance per server (its conversations are the server's state)."""

    library: Library
    journal: Journal
    speed: float = 0.0  # 0: as fast as possible; 1: as recorded; 2: twice as fast
    faults: list[FaultSpec] = field(default_factory=list)
    seed: int = 0
    base_url: str = ""  # for the 404 page's list of cassettes
    conversations: Conversations = field(default_factory=Conversations)
    bodies: dict[tuple[str, int], Body] = field(default_factory=dict)  # each exchange's body, framed once

    async def __call__(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        if scope["type"] == "lifespan":
            await asgi.lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        sent = _Tracked(send)
        try:
            await self._http(scope, receive, sent)
        except Exception as error:  # noqa: BLE001  no request may take the server down
            self.journal.echo(f"internal error on {scope['method']} {scope['path']}: {error!r}\n"
                              + traceback.format_exc())
            if not sent.started:
                await asgi.send_json(sent, 500, {"error": f"harness serve failed on this request: {error!r}"})

    async def _http(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        method, path = scope["method"], scope["path"]
        if path == REPORT_PATH and method == "GET":
            await asgi.send_json(send, 200, self.journal.report())
            return
        found = self.library.find(path)
        if found is None:
            self.journal.request(method, path, 404, note="no cassette at this path")
            await asgi.send_json(send, 404, {"error": f"no cassette is served at {path}",
                                             "cassettes": [f"{self.base_url}/{name}/" for name in self.library.names]})
            return
        served, rest = found
        try:
            body = await asgi.read_body(receive)
        except asgi.TooLarge:
            self.journal.request(method, path, 413, cassette=served.name, note="request body too large")
            await asgi.send_json(send, 413, {"error": f"request body over {asgi.MAX_REQUEST_BYTES} bytes"})
            return
        request = _request(served, method, rest, scope, body)
        if isinstance(request, str):
            self.journal.request(method, path, 400, cassette=served.name, note=request)
            await asgi.send_json(send, 400, {"error": request})
            return
        explicit = request.header(EXCHANGE_HEADER)
        index = self.conversations.choose(served, request, digits(explicit))
        if index is None:
            self.journal.request(method, path, 404, cassette=served.name, note="no exchange of the cassette fits")
            endpoints = sorted({f"{e.request.method} {p}" for e, p in zip(served.cassette.exchanges, served.paths)})
            await asgi.send_json(send, 404, {"error": f"{method} {rest} matches no exchange of {served.name}",
                                             "cassette": served.name, "endpoints": endpoints})
            return
        self.journal.found(self.conversations.check(served, request, index))
        attempt = self.conversations.attempt(served, index)
        rng = Random(f"{self.seed}/{served.name}/{index}/{attempt}")
        failure = http_fault(self.faults, served.name, index, attempt, rng)
        if failure is not None:
            await self._http_error(send, served, index, request, failure)
            return
        await self._stream(send, served, index, request, rng)

    async def _http_error(self, send: asgi.Send, served: Served, index: int, request: Request,
                          failure: FaultSpec) -> None:
        status = failure.status or 500
        headers = [(b"retry-after", f"{failure.value:g}".encode())] if failure.value is not None else []
        self.journal.request(request.method, f"/{served.name}{request.path}", status, cassette=served.name,
                             exchange=index, injected=[f"HTTP {status} instead of the stream"])
        body = http_error_body(served.providers[index], status)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                *headers]})
        await send({"type": "http.response.body", "body": body})

    async def _stream(self, send: asgi.Send, served: Served, index: int, request: Request, rng: Random) -> None:
        recorded = served.cassette.exchanges[index].response
        faults = [spec for spec in self.faults if spec.status is None and spec.applies(served.name)]
        key = (served.name, index)
        body = self.bodies[key] if key in self.bodies else self.bodies.setdefault(key, _body(served, index))
        stream = plan(body, faults, rng)
        served_response = Response(status=recorded.status, headers=recorded.headers, body=stream.body,
                                   chunks=_offsets(stream) or None)
        folded = self.conversations.fold(served, index, request, served_response, clean=not stream.injected)
        self.journal.request(request.method, f"/{served.name}{request.path}", recorded.status, cassette=served.name,
                             exchange=index, injected=stream.injected, stream_checks=folded.checks)
        await send({"type": "http.response.start", "status": recorded.status,
                    "headers": _headers(recorded, None if stream.abort else len(stream.body))})
        await self._write(send, stream)

    async def _write(self, send: asgi.Send, stream: Stream) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        shift = 0.0  # injected stalls push the rest of the schedule back
        latest = 0.0
        for piece in stream.pieces:
            shift += piece.pause
            latest = max(latest, piece.at)
            due = start + shift + (latest / self.speed if self.speed > 0 else 0.0)
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await send({"type": "http.response.body", "body": piece.data, "more_body": True})
        if not stream.abort:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        # on abort the app returns with the body unfinished: the server closes the connection mid-body


@contextmanager
def serving(library: Library, *, host: str = "127.0.0.1", port: int = 0, journal: Journal | None = None,
            speed: float = 0.0, faults: list[FaultSpec] | None = None, seed: int = 0) -> Iterator[ServeApp]:
    """A server on a thread for the length of the block (tests, benchmarks, a pytest fixture); its
    ``base_url`` is the address, and ``faults`` may be changed between requests."""
    sock = bind(host, port)
    app = ServeApp(library, journal or Journal(echo=lambda line: None), speed=speed, faults=list(faults or []),
                   seed=seed, base_url=address(sock))
    with in_thread(app, sock):
        yield app


@dataclass(slots=True)
class _Tracked:
    """``send``, remembering whether the response has started (an error can then only close it)."""

    send: asgi.Send
    started: bool = False

    async def __call__(self, message: asgi.Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


def _request(served: Served, method: str, rest: str, scope: asgi.Scope, body: bytes) -> Request | str:
    """The live request as the cassette's family reads it (its URI on the recorded host), or why it is malformed."""
    query = scope.get("query_string", b"").decode("latin-1")
    uri = f"{served.origin}{quote(rest, safe='/:@!$&()*+,;=-._~')}{'?' + query if query else ''}"
    parsed = None
    if body.strip():
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            return f"the request body is not JSON: {error}"
    return Request(method=method, uri=uri, headers=asgi.request_headers(scope), body=body or None, json=parsed)


def _body(served: Served, index: int) -> Body:
    exchange = served.cassette.exchanges[index]
    response = exchange.response
    provider = served.providers[index]
    spans = frame_spans(exchange, provider)
    cuts = response.chunks if response.chunks else [start for start, _ in spans[1:]]
    json_array = bool(provider and provider.streams_json_arrays and response.body.lstrip().startswith(b"["))
    crc = bool(provider and provider.framing == "eventstream")
    return Body(response.body, list(cuts), response.times if response.chunks else None, spans,
                (lambda event: error_event(provider, event, json_array)) if provider else (lambda event: b""),
                crc_at_end=crc, json_array=json_array)


def _offsets(stream: Stream) -> list[int]:
    offsets, position = [], 0
    for piece in stream.pieces[:-1]:
        position += len(piece.data)
        offsets.append(position)
    return offsets


def _headers(response: Response, length: int | None) -> list[tuple[bytes, bytes]]:
    """The recorded headers, less hop-by-hop and framing ones; a recorded content-length follows the
    served body (and is left out when the connection is to close mid-body)."""
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1", errors="replace"))
               for name, values in response.headers.items() if name.lower() not in _SERVED_DROPPED
               for value in values]
    if length is not None and response.header("content-length") is not None:
        headers.append((b"content-length", str(length).encode()))
    return headers
