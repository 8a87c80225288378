"""HAR 1.2 files (browsers' devtools, Playwright, mitmproxy, Charles): one exchange per ``log.entries[]``.

Read from the HAR 1.2 specification: ``request`` has ``method``, ``url``, ``headers`` and ``cookies``
as ``[{name, value}]``, and ``postData.text``; ``response`` has ``status``, ``headers``, ``cookies``
and ``content`` with ``mimeType``, ``size``, ``text`` and, when ``text`` holds bytes, ``encoding:
"base64"``. The specification says ``text`` is stored HTTP-decoded, so a Content-Encoding header on a
HAR response is stale for text; for base64 text it is honoured where the bytes still carry the coding.
An ``text/event-stream`` body is read as the SSE stream it is.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from harness.exchange import Exchange, Request, Response
from harness.findings import Finding, Location, finding
from harness.formats.bodies import decode_body
from harness.formats.interaction import add_header, maybe_json, read_status
from harness.formats.limits import Limits
from harness.formats.model import Cassette, refuse
from harness.formats.secrets import cookie_findings, credential_findings
from harness.values import array, integer, mapping, name, string


def is_har(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("log"), dict)


def read_har(data: dict[str, Any], cassette: Cassette, where: Location, limits: Limits) -> None:
    entries = data["log"].get("entries")
    if not isinstance(entries, list):
        refuse(cassette, "CASSETTE-005", "a HAR `log` without an `entries` list", where)
        return
    cassette.format = "har"
    for index, entry in enumerate(entries):
        exchange = _exchange(index, entry, cassette.findings, where.with_(exchange=index), limits)
        if exchange is not None:
            cassette.exchanges.append(exchange)


def _pairs(raw: Any) -> list[tuple[str, str]]:
    """HAR's ``[{name, value}]`` lists (headers, cookies); entries of another shape are skipped."""
    found = []
    for item in array(raw):
        item = mapping(item)
        key, value = string(item.get("name")), item.get("value")
        if key is not None and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            found.append((key, str(value)))
    return found


def _headers(raw: Any) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for key, value in _pairs(raw):
        add_header(headers, key, value)
    return headers


def _has(headers: dict[str, list[str]], wanted: str) -> bool:
    return any(key.lower() == wanted for key in headers)


def _exchange(index: int, raw: Any, findings: list[Finding], where: Location, limits: Limits) -> Exchange | None:
    entry = mapping(raw)
    request, response = entry.get("request"), entry.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        findings.append(finding("CASSETTE-005", "HAR entry without a request and a response object", where))
        return None
    request_headers, response_headers = _headers(request.get("headers")), _headers(response.get("headers"))
    url = string(request.get("url")) or ""
    findings.extend(credential_findings(request_headers, response_headers, url, where))
    for side, headers, holder in (("request", request_headers, request), ("response", response_headers, response)):
        if not _has(headers, "cookie" if side == "request" else "set-cookie"):  # else the header was judged
            findings.extend(cookie_findings(side, _pairs(holder.get("cookies")), where))
    post = mapping(request.get("postData"))
    text = string(post.get("text"))
    body = text.encode("utf-8", errors="surrogatepass") if text is not None else None
    if body is not None and not _has(request_headers, "content-type") and name(post.get("mimeType")):
        request_headers["Content-Type"] = [post["mimeType"]]
    req = Request(method=(name(request.get("method")) or "GET").upper(), uri=url, headers=request_headers,
                  body=body, json=maybe_json(body) if body is not None else None)
    content = mapping(response.get("content"))
    data, base64_body = _content(content, findings, where)
    mime = name(content.get("mimeType"))
    if mime is not None and not _has(response_headers, "content-type"):
        response_headers["Content-Type"] = [mime]
    status = read_status(response.get("status"), "status" in response, findings, where)
    resp = Response(status=status, headers=response_headers, body=data)
    if base64_body:
        decode_body(resp, findings, where, limit=limits.body_bytes, lenient=True)
    return Exchange(index=index, request=req, response=resp)


def _content(content: dict[str, Any], findings: list[Finding], where: Location) -> tuple[bytes, bool]:
    """The response body, and whether it was stored as base64 (bytes as sent, perhaps still coded)."""
    text = content.get("text")
    coding = string(content.get("encoding"))
    here = where.with_(path="response.content.text")
    if not isinstance(text, str):
        size = integer(content.get("size"))
        if size is not None and size > 0:
            kept = string(content.get("_file"))
            elsewhere = f" (kept in a separate file {kept!r}, not read)" if kept else ""
            findings.append(finding("CASSETTE-005", f"response body of {size} bytes not stored in the HAR{elsewhere}",
                                    here))
        return b"", False
    if coding is None or not coding.strip():
        return text.encode("utf-8", errors="surrogatepass"), False
    if coding.strip().lower() != "base64":
        findings.append(finding("CASSETTE-011", f"content.encoding {coding!r} is not one HAR defines (base64): "
                                "the text is read as it is", here))
        return text.encode("utf-8", errors="surrogatepass"), False
    try:
        return base64.b64decode("".join(text.split()), validate=True), True
    except (binascii.Error, ValueError) as error:
        findings.append(finding("CASSETTE-011", f"content.text is not valid base64 ({error}): the body is empty", here))
        return b"", False
