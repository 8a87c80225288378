"""Load (and save) cassettes safely: vcrpy YAML, raw SSE files, and Vercel AI SDK chunk fixtures.

A cassette comes from anywhere, so loading is defensive: a size limit on the file and on every
decompressed body, no YAML tag beyond the safe schema and ``!!binary``, a cap on alias use, and
credentials flagged. Whatever goes wrong becomes a finding; the loader itself never raises on a
file's content.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
import yaml

from harness.exchange import Exchange, Request, Response
from harness.findings import Finding, Location, finding

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_BODY_BYTES = 256 * 1024 * 1024
MAX_EXPANDED_NODES = 5_000_000  # what the document would hold with every alias copied out
CHUNKS_CONTENT_TYPE = "application/x-ndjson"  # one JSON payload per line, as Vercel's fixtures store them
EVENTSTREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream"

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie", "set-cookie",
     "x-amz-security-token", "x-stainless-api-key"}
)
SECRET_QUERY = frozenset({"key", "api_key", "apikey", "access_token", "x-amz-signature", "x-amz-credential"})
_REDACTED = re.compile(r"^(|\W*|.*(redacted|scrubbed|dummy|fake|mock|test|placeholder|xxx|\*\*\*|<[^>]*>).*)$", re.I)


@dataclass(slots=True)
class CassetteMeta:
    """The harness's own key in a cassette (vcrpy ignores it): provenance and declared findings."""

    provider: str | None = None
    scenario: str | None = None
    description: str | None = None
    written_by: str | None = None
    sources: list[str] = field(default_factory=list)
    expect: list[str] = field(default_factory=list)
    equivalent: list[int] = field(default_factory=list)  # exchanges that tell the same turn (say, once per mode)


@dataclass(slots=True)
class Cassette:
    path: Path
    exchanges: list[Exchange] = field(default_factory=list)
    meta: CassetteMeta = field(default_factory=CassetteMeta)
    findings: list[Finding] = field(default_factory=list)


def is_cassette_file(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml", ".sse", ".bin") or path.name.endswith(".txt")


def load(path: Path, provider: str | None = None, *, max_file_bytes: int = MAX_FILE_BYTES) -> Cassette:
    """Load any supported file into exchanges; problems are findings on the returned cassette."""
    cassette = Cassette(path=path, meta=CassetteMeta(provider=provider))
    where = Location(cassette=str(path))
    try:
        size = path.stat().st_size
        if size > max_file_bytes:
            cassette.findings.append(finding("CASSETTE-003", f"file is {size} bytes, over the {max_file_bytes} limit",
                                             where))
            return cassette
        raw = path.read_bytes()
    except OSError as error:
        cassette.findings.append(finding("CASSETTE-001", f"cannot read the file: {error.strerror}", where))
        return cassette
    if path.name.endswith(".chunks.txt"):
        cassette.exchanges.append(_raw_exchange(raw, provider, content_type=CHUNKS_CONTENT_TYPE))
    elif path.suffix in (".sse", ".txt"):
        cassette.exchanges.append(_raw_exchange(raw, provider, content_type="text/event-stream"))
    elif path.suffix == ".bin":
        cassette.exchanges.append(_raw_exchange(raw, provider, content_type=EVENTSTREAM_CONTENT_TYPE))
    else:
        _load_yaml(raw, cassette, where)
        if provider is not None:
            for exchange in cassette.exchanges:
                exchange.provider_hint = provider
    return cassette


def _raw_exchange(body: bytes, provider: str | None, content_type: str) -> Exchange:
    response = Response(status=200, headers={"content-type": [content_type]}, body=body)
    return Exchange(index=0, request=Request(method="POST"), response=response, provider_hint=provider)


# -- YAML ---------------------------------------------------------------------------------------------


def _load_yaml(raw: bytes, cassette: Cassette, where: Location) -> None:
    try:
        expanded = _expanded_size(yaml.compose(raw, Loader=SafeLoader))
        if expanded > MAX_EXPANDED_NODES:
            cassette.findings.append(finding(
                "CASSETTE-004", f"YAML aliases expand to over {MAX_EXPANDED_NODES} nodes (an alias bomb?)", where))
            return
        data = yaml.load(raw, Loader=SafeLoader)  # noqa: S506 (a safe loader)
    except yaml.constructor.ConstructorError as error:
        cassette.findings.append(finding("CASSETTE-002", f"unsafe or unknown YAML tag: {_first_line(error)}", where))
        return
    except Exception as error:  # noqa: BLE001  PyYAML raises AttributeError, OverflowError... on hostile scalars
        cassette.findings.append(finding("CASSETTE-001", f"not readable YAML: {_first_line(error)}", where))
        return
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        cassette.findings.append(finding("CASSETTE-005", "no `interactions` list at the top level", where))
        return
    cassette.meta = _meta(data.get("harness"), cassette.meta.provider)
    for index, interaction in enumerate(data["interactions"]):
        exchange = _exchange(index, interaction, cassette.findings, where.with_(exchange=index))
        if exchange is not None:
            exchange.provider_hint = cassette.meta.provider
            cassette.exchanges.append(exchange)


def _expanded_size(root: yaml.Node | None) -> float:
    """Node count with every alias copied out, in one pass over the shared node graph.

    Iterative (a deeply nested file must not exhaust the stack); a node that contains itself
    expands without end.
    """
    if root is None:
        return 0
    sizes: dict[int, float] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if key in sizes:
            continue
        if key in on_path:
            return float("inf")
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                return float("inf")
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _meta(raw: Any, provider: str | None) -> CassetteMeta:
    if not isinstance(raw, dict):
        return CassetteMeta(provider=provider)
    return CassetteMeta(
        provider=provider or _str(raw.get("provider")),
        scenario=_str(raw.get("scenario")),
        description=_str(raw.get("description")),
        written_by=_str(raw.get("written_by")),
        sources=_strings(raw.get("sources")),
        expect=_strings(raw.get("expect")),
        equivalent=[item for item in raw.get("equivalent") or [] if isinstance(item, int)]
        if isinstance(raw.get("equivalent"), list) else [],
    )


def _strings(value: Any) -> list[str]:
    """A list of strings from a YAML value that should be one (a lone string counts as a list of one)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _exchange(index: int, raw: Any, findings: list[Finding], where: Location) -> Exchange | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("request"), dict) or not isinstance(raw.get("response"), dict):
        findings.append(finding("CASSETTE-005", "interaction without a request and a response mapping", where))
        return None
    request, response = raw["request"], raw["response"]
    request_headers = _headers(request.get("headers"))
    response_headers = _headers(response.get("headers"))
    findings.extend(_secrets(request_headers, response_headers, request.get("uri"), where))
    body, body_json = _body(request.get("body"))
    parsed = request.get("parsed_body")
    req = Request(
        method=str(request.get("method") or "POST").upper(),
        uri=str(request.get("uri") or ""),
        headers=request_headers,
        body=body,
        json=parsed if parsed is not None else body_json,
    )
    response_body = response.get("body")
    if isinstance(response_body, dict):
        response_body = response_body.get("string")
    if response_body is None and "parsed_body" in response:
        response_body = response["parsed_body"]  # pydantic-ai stores JSON responses parsed, with no body
    data, _ = _body(response_body)
    if data is None:
        findings.append(finding("CASSETTE-005", "response without a body string", where))
        data = b""
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else status
    resp = Response(status=code if isinstance(code, int) else 200, headers=response_headers, body=data)
    _decompress(resp, findings, where)
    return Exchange(index=index, request=req, response=resp)


def _headers(raw: Any) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        return {}
    headers: dict[str, list[str]] = {}
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        headers[str(name)] = [str(v) for v in values if v is not None]
    return headers


def _body(raw: Any) -> tuple[bytes | None, Any]:
    """A stored body as bytes, and as JSON when it is JSON (a mapping stored as-is counts)."""
    if isinstance(raw, bytes):
        return raw, _maybe_json(raw)
    if isinstance(raw, str):
        data = raw.encode("utf-8", errors="surrogatepass")
        return data, _maybe_json(data)
    if isinstance(raw, (dict, list)):
        try:
            return json.dumps(raw, ensure_ascii=False).encode("utf-8", errors="surrogatepass"), raw
        except (TypeError, ValueError):
            return None, raw  # YAML can hold what JSON cannot (bytes, sets, non-string keys)
    return None, None


def _maybe_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def _decompress(response: Response, findings: list[Finding], where: Location) -> None:
    encoding = (response.header("content-encoding") or "").lower()
    if "gzip" not in encoding and not response.body.startswith(b"\x1f\x8b"):
        return
    if not response.body.startswith(b"\x1f\x8b"):
        return  # vcrpy stores the decoded body when it could; the header is then stale
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(response.body, MAX_BODY_BYTES)
    except zlib.error as error:
        findings.append(finding("CASSETTE-007", f"gzip body does not decompress: {error}", where))
        return
    if inflater.unconsumed_tail:
        findings.append(finding("CASSETTE-003", f"gzip body inflates past {MAX_BODY_BYTES} bytes", where))
        return
    if not inflater.eof:
        findings.append(finding("CASSETTE-007", "gzip body is truncated", where))
        return
    response.body = data


# -- credentials ----------------------------------------------------------------------------------------


def _secrets(request_headers: dict[str, list[str]], response_headers: dict[str, list[str]], uri: Any,
             where: Location) -> list[Finding]:
    found = []
    for side, headers in (("request", request_headers), ("response", response_headers)):
        for name, values in headers.items():
            if name.lower() in SECRET_HEADERS and any(not _looks_redacted(value) for value in values):
                found.append(finding("CASSETTE-006", f"{side} header {name!r} holds what looks like a credential",
                                     where.with_(path=f"{side}.headers.{name}")))
    if isinstance(uri, str):
        for name, value in _query(uri):
            if name.lower() in SECRET_QUERY and not _looks_redacted(value):
                found.append(finding("CASSETTE-006", f"query parameter {name!r} holds what looks like a credential",
                                     where.with_(path="request.uri")))
    return found


def _query(uri: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(urlsplit(uri).query, keep_blank_values=True)
    except ValueError:  # e.g. an unbalanced IPv6 host
        return []


def _looks_redacted(value: str) -> bool:
    token = value.split(" ", 1)[-1] if value.lower().startswith(("bearer ", "basic ")) else value
    return bool(_REDACTED.match(token.strip()))


def scrub(headers: dict[str, list[str]]) -> dict[str, list[str]]:
    """Headers safe to write into a cassette: credentials replaced by a marker."""
    return {name: (["REDACTED"] if name.lower() in SECRET_HEADERS else list(values)) for name, values in headers.items()}


def scrub_uri(uri: str) -> str:
    """A URI safe to write into a cassette: credential query parameters replaced by a marker."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    query = [(name, "REDACTED" if name.lower() in SECRET_QUERY else value) for name, value in _query(uri)]
    return urlunsplit(parts._replace(query=urlencode(query))) if query else uri


def _stored(body: bytes) -> str | bytes:
    """A body as vcrpy stores it: text when it is UTF-8, bytes (YAML !!binary) otherwise."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body


def save(path: Path, exchanges: list[Exchange], meta: CassetteMeta) -> None:
    """Write exchanges as a vcrpy cassette, with the harness key and scrubbed credentials."""
    interactions = []
    for exchange in exchanges:
        request, response = exchange.request, exchange.response
        interactions.append({
            "request": {
                "body": _stored(request.body) if request.body is not None else None,
                "headers": scrub(request.headers),
                "method": request.method,
                "uri": scrub_uri(request.uri),
            },
            "response": {
                "body": {"string": _stored(response.body)},
                "headers": scrub(response.headers),
                "status": {"code": response.status, "message": "OK" if response.status < 400 else "Error"},
            },
        })
    harness_key = {key: value for key, value in {
        "written_by": meta.written_by, "provider": meta.provider, "scenario": meta.scenario,
        "description": meta.description, "sources": meta.sources, "expect": meta.expect,
        "equivalent": meta.equivalent,
    }.items() if value not in (None, [])}
    document = {"harness": harness_key, "interactions": interactions, "version": 1}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
