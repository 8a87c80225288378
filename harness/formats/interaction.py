"""What every reader needs from a stored interaction: headers, bodies and the status, read defensively."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from harness.findings import Finding, Location, finding
from harness.values import integer

_STATUS_TEXT = re.compile(r"\s*(\d{3})(?:\s+[^\n]*)?\s*")


def headers_from_mapping(raw: Any) -> dict[str, list[str]]:
    """``{name: value}`` or ``{name: [values]}`` (vcrpy, nock's ``reqheaders``); None values dropped."""
    if not isinstance(raw, dict):
        return {}
    headers: dict[str, list[str]] = {}
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        headers[str(name)] = [str(item) for item in values if item is not None]
    return headers


def add_header(headers: dict[str, list[str]], name: Any, value: Any) -> None:
    """One more value under a header name, the name kept as recorded (its first spelling wins)."""
    if not isinstance(name, str) or value is None or isinstance(value, (dict, list)):
        return
    for known, values in headers.items():
        if known.lower() == name.lower():
            values.append(str(value))
            return
    headers[name] = [str(value)]


def maybe_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def stored_body(raw: Any) -> tuple[bytes | None, Any]:
    """A stored body as bytes, and as JSON when it is JSON (a mapping or list stored as-is counts)."""
    if isinstance(raw, bytes):
        return raw, maybe_json(raw)
    if isinstance(raw, str):
        data = raw.encode("utf-8", errors="surrogatepass")
        return data, maybe_json(data)
    if isinstance(raw, (dict, list)):
        try:
            return json.dumps(raw, ensure_ascii=False).encode("utf-8", errors="surrogatepass"), raw
        except (TypeError, ValueError, RecursionError):
            return None, raw  # YAML can hold what JSON cannot (bytes, sets, non-string keys)
    return None, None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def read_status(raw: Any, present: bool, findings: list[Finding], where: Location) -> int:
    """The HTTP status as an integer: an integer, or a numeric string ("529", "529 Overloaded") read as
    that number, or vcrpy's ``{code: ...}`` holding either. An absent status reads as 200 (a recorder
    that kept none); one that is there but unreadable, or outside 100-599, is a finding (CASSETTE-012)
    and reads as 0, so no check takes it for a success."""
    if not present:
        return 200
    code = raw.get("code") if isinstance(raw, dict) else raw
    number = integer(code)
    if number is None and isinstance(code, str):
        match = _STATUS_TEXT.fullmatch(code)
        number = int(match.group(1)) if match else None
    if number is not None and 100 <= number <= 599:
        return number
    if number == 0:
        problem = "response status 0: the recording holds no response (the request failed or was blocked)"
    elif number is not None:
        problem = f"response status {number} is outside 100-599"
    else:
        problem = f"response status {_shown(code)} is not an HTTP status code"
    findings.append(finding("CASSETTE-012", f"{problem}; read as 0 (unknown)", where.with_(path="response.status")))
    return 0
