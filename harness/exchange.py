"""One request and its response, as a cassette recorded them; the input of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit


def header(headers: dict[str, list[str]], name: str) -> str | None:
    """First value of a header, matched case-insensitively as HTTP requires."""
    wanted = name.lower()
    for key, values in headers.items():
        if key.lower() == wanted and values:
            return values[0]
    return None


@dataclass(slots=True)
class Request:
    method: str = "POST"
    uri: str = ""
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: bytes | None = None
    json: Any = None  # the body parsed as JSON (or pydantic-ai's ``parsed_body``), when it is JSON

    @property
    def path(self) -> str:
        try:
            return urlsplit(self.uri).path
        except ValueError:  # a hostile URI (unbalanced IPv6 host) is no URI at all
            return ""

    @property
    def query(self) -> dict[str, list[str]]:
        try:
            return parse_qs(urlsplit(self.uri).query)
        except ValueError:
            return {}

    def header(self, name: str) -> str | None:
        return header(self.headers, name)


@dataclass(slots=True)
class Response:
    status: int = 200
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: bytes = b""
    chunks: list[int] | None = None  # offsets where the body arrived in pieces, when that was recorded
    times: list[float] | None = None  # arrival time of each piece, seconds from the first byte, when recorded

    def pieces(self) -> list[bytes]:
        """The body as it arrived: one piece per recorded chunk, or whole."""
        if not self.chunks:
            return [self.body]
        bounds = [0, *self.chunks, len(self.body)]
        return [self.body[start:end] for start, end in zip(bounds, bounds[1:])]

    def header(self, name: str) -> str | None:
        return header(self.headers, name)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()


@dataclass(slots=True)
class Exchange:
    index: int
    request: Request
    response: Response
    provider_hint: str | None = None  # from --provider or the cassette's harness metadata
