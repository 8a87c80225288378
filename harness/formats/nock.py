"""nock recordings (``nock.recorder.rec({output_objects: true})``, ``nock.back`` fixtures): a JSON
list of ``{scope, method, path, body, status, response, rawHeaders}``, one exchange each.

Read from nock's documented recorder output: ``scope`` is the origin and ``path`` the path with its
query; ``rawHeaders`` the response headers as a flat ``[name, value, ...]`` list (older recordings
keep a ``headers`` object); ``reqheaders`` the request headers when they were recorded; ``body`` the
request body, parsed when it was JSON. The recorder stores a response body that parses as JSON
parsed, any other UTF-8 body as a string, a body that is not UTF-8 as one hex string (flagged
``responseIsBinary`` since nock 13), and a content-encoded body as an array of hex strings, one per
chunk as it arrived (kept as ``Response.chunks`` when no decoding changes the bytes).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from harness.exchange import Exchange, Request, Response
from harness.findings import Finding, Location, finding
from harness.formats.bodies import content_codings, decode_body
from harness.formats.interaction import add_header, headers_from_mapping, read_status, stored_body
from harness.formats.limits import Limits
from harness.formats.model import Cassette
from harness.formats.secrets import credential_findings
from harness.values import array, name, string

_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")


def is_nock(data: Any) -> bool:
    return isinstance(data, list) and any(isinstance(item, dict) and "scope" in item for item in data)


def read_nock(data: list[Any], cassette: Cassette, where: Location, limits: Limits) -> None:
    cassette.format = "nock"
    for index, item in enumerate(data):
        exchange = _exchange(index, item, cassette.findings, where.with_(exchange=index), limits)
        if exchange is not None:
            cassette.exchanges.append(exchange)


def _raw_headers(raw: Any) -> dict[str, list[str]]:
    if isinstance(raw, dict):
        return headers_from_mapping(raw)
    headers: dict[str, list[str]] = {}
    items = array(raw)
    for index in range(0, len(items) - 1, 2):
        add_header(headers, items[index], items[index + 1])
    return headers


def _origin(scope: str) -> str:
    """The scope without the default port nock always writes (``https://api.openai.com:443``)."""
    origin = scope.rstrip("/")
    for scheme, port in (("https://", ":443"), ("http://", ":80")):
        if origin.lower().startswith(scheme) and origin.endswith(port):
            return origin[: -len(port)]
    return origin


def _exchange(index: int, raw: Any, findings: list[Finding], where: Location, limits: Limits) -> Exchange | None:
    if not isinstance(raw, dict) or string(raw.get("scope")) is None:
        findings.append(finding("CASSETTE-005", "nock entry without a `scope` string", where))
        return None
    path = string(raw.get("path")) or "/"
    uri = _origin(raw["scope"]) + (path if path.startswith("/") else "/" + path)
    request_headers = headers_from_mapping(raw.get("reqheaders"))
    response_headers = _raw_headers(raw["rawHeaders"]) if "rawHeaders" in raw else _raw_headers(raw.get("headers"))
    findings.extend(credential_findings(request_headers, response_headers, uri, where))
    body, body_json = stored_body(raw.get("body"))
    if body == b"":
        body = None  # the recorder writes "" for a request without a body
    request = Request(method=(name(raw.get("method")) or "GET").upper(), uri=uri, headers=request_headers, body=body,
                      json=body_json)
    if "response" not in raw:
        findings.append(finding("CASSETTE-005", "nock entry without a `response`", where))
    data, chunks = _response_body(raw, response_headers, findings, where)
    status = read_status(raw.get("status"), "status" in raw, findings, where)
    response = Response(status=status, headers=response_headers, body=data)
    if not decode_body(response, findings, where, limit=limits.body_bytes) and chunks:
        response.chunks = chunks
    return Exchange(index=index, request=request, response=response)


def _response_body(raw: dict[str, Any], headers: dict[str, list[str]], findings: list[Finding],
                   where: Location) -> tuple[bytes, list[int] | None]:
    """The response bytes, and the offsets where recorded chunks met (for an array of hex chunks)."""
    value = raw.get("response")
    binary = raw.get("responseIsBinary")
    coded = bool(content_codings(headers))
    if isinstance(value, str):
        if binary is True or (binary is None and coded and _HEX.fullmatch(value)):
            return _unhex([value], findings, where)[0], None
        if binary is None and value and _HEX.fullmatch(value):
            decoded = bytes.fromhex(value)
            if not _is_utf8(decoded):  # nock wrote hex exactly for a body that is not UTF-8
                return decoded, None
        return value.encode("utf-8", errors="surrogatepass"), None
    if isinstance(value, list) and value and (coded or binary is True) and all(
            isinstance(item, str) and _HEX.fullmatch(item) for item in value):
        data, sizes = _unhex(value, findings, where)
        offsets = list(accumulate(sizes))[:-1]
        return data, [offset for offset in offsets if 0 < offset < len(data)] or None
    if value is None and "response" not in raw:
        return b"", None
    try:  # a body the recorder parsed as JSON
        return json.dumps(value, ensure_ascii=False).encode("utf-8", errors="surrogatepass"), None
    except (TypeError, ValueError, RecursionError):
        findings.append(finding("CASSETTE-005", "nock `response` is neither a string nor JSON", where))
        return b"", None


def _unhex(chunks: list[str], findings: list[Finding], where: Location) -> tuple[bytes, list[int]]:
    parts = []
    for chunk in chunks:
        try:
            parts.append(bytes.fromhex(chunk))
        except ValueError:
            findings.append(finding("CASSETTE-011", "nock `response` marked binary is not hex: the chunk is left out",
                                    where.with_(path="response")))
    return b"".join(parts), [len(part) for part in parts]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
