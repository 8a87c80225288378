"""httpx transports that record: every response body passes through to the client piece by piece, as
it arrives, and is handed to a ``Recorder`` with its chunk boundaries and arrival times once the
client has read it (or closed it early: what arrived is what is recorded).

    recorder = Recorder(Path("recorded"))
    client = openai.OpenAI(http_client=httpx.Client(transport=RecordingTransport(recorder)))
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import httpx
import orjson

from harness.exchange import Request, Response
from harness.live.asgi import HOP_BY_HOP
from harness.live.record import Recorder


class _Pieces:
    """The body as it arrives: pieces and their times, from the first byte."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.times: list[float] = []
        self._first: float | None = None

    def add(self, piece: bytes) -> None:
        if not piece:
            return
        now = time.perf_counter()
        if self._first is None:
            self._first = now
        self.pieces.append(piece)
        self.times.append(now - self._first)

    def response(self, source: httpx.Response) -> Response:
        headers: dict[str, list[str]] = {}
        for name, value in source.headers.multi_items():
            if name.lower() not in HOP_BY_HOP:
                headers.setdefault(name, []).append(value)
        body = b"".join(self.pieces)
        encoded = source.headers.get("content-encoding", "identity").lower() not in ("", "identity")
        offsets: list[int] = []
        for piece in self.pieces[:-1]:
            offsets.append((offsets[-1] if offsets else 0) + len(piece))
        if encoded:  # offsets into a compressed body would not fit the body the loader inflates
            return Response(status=source.status_code, headers=headers, body=body)
        return Response(status=source.status_code, headers=headers, body=body, chunks=offsets or None,
                        times=self.times or None)


def _request(request: httpx.Request, body: bytes) -> Request:
    headers: dict[str, list[str]] = {}
    for name, value in request.headers.multi_items():
        headers.setdefault(name, []).append(value)
    try:
        parsed = orjson.loads(body) if body.strip() else None
    except orjson.JSONDecodeError:
        parsed = None
    return Request(method=request.method, uri=str(request.url), headers=headers, body=body or None, json=parsed)


class _SyncBody(httpx.SyncByteStream):
    def __init__(self, source: httpx.Response, recorder: Recorder, request: Request) -> None:
        self._source, self._recorder, self._request = source, recorder, request
        self._pieces = _Pieces()
        self._done = False

    def __iter__(self) -> Iterator[bytes]:
        for piece in self._source.stream:  # type: ignore[union-attr]
            self._pieces.add(piece)
            yield piece

    def close(self) -> None:
        self._source.close()
        if not self._done:
            self._done = True
            self._recorder.add(self._request, self._pieces.response(self._source))


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, source: httpx.Response, recorder: Recorder, request: Request) -> None:
        self._source, self._recorder, self._request = source, recorder, request
        self._pieces = _Pieces()
        self._done = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for piece in self._source.stream:  # type: ignore[union-attr]
            self._pieces.add(piece)
            yield piece

    async def aclose(self) -> None:
        await self._source.aclose()
        if not self._done:
            self._done = True
            self._recorder.add(self._request, self._pieces.response(self._source))


class RecordingTransport(httpx.BaseTransport):
    """A sync transport recording every exchange it carries (``inner``: where requests really go)."""

    def __init__(self, recorder: Recorder, inner: httpx.BaseTransport | None = None) -> None:
        self.recorder = recorder
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        response = self.inner.handle_request(request)
        stream = _SyncBody(response, self.recorder, _request(request, body))
        return httpx.Response(response.status_code, headers=response.headers, stream=stream,
                              extensions=response.extensions)

    def close(self) -> None:
        self.inner.close()


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    """The async twin of ``RecordingTransport`` (what ``harness record`` forwards through)."""

    def __init__(self, recorder: Recorder, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.recorder = recorder
        self.inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        response = await self.inner.handle_async_request(request)
        stream = _AsyncBody(response, self.recorder, _request(request, body))
        return httpx.Response(response.status_code, headers=response.headers, stream=stream,
                              extensions=response.extensions)

    async def aclose(self) -> None:
        await self.inner.aclose()
