"""vcrpy's cassette document, whichever serializer wrote it: ``interactions`` of request/response
mappings (the YAML and JSON serializers), or the persister's own ``requests``/``responses`` lists (as
LangChain's gzip serializer stores them), plus this harness's ``harness:`` key."""

from __future__ import annotations

from typing import Any

from harness.exchange import Exchange, Request, Response
from harness.findings import Finding, Location, finding
from harness.formats.bodies import decode_body
from harness.formats.chunks import KEY as CHUNKS_KEY
from harness.formats.chunks import read_chunk_entry
from harness.formats.interaction import headers_from_mapping, read_status, stored_body
from harness.formats.limits import Limits
from harness.formats.model import Cassette, broken, read_meta
from harness.formats.secrets import credential_findings
from harness.values import name, string


def is_vcr(data: Any) -> bool:
    return isinstance(data, dict) and ("interactions" in data or ("requests" in data and "responses" in data))


def read_vcr(data: dict[str, Any], cassette: Cassette, where: Location, limits: Limits, form: str) -> None:
    interactions = data.get("interactions")
    requests, responses = data.get("requests"), data.get("responses")
    if isinstance(interactions, list):
        pairs = interactions
    elif "interactions" not in data and isinstance(requests, list) and isinstance(responses, list):
        pairs = [{"request": request, "response": response} for request, response in zip(requests, responses)]
        if len(requests) != len(responses):
            cassette.findings.append(finding("CASSETTE-005", f"{len(requests)} requests but {len(responses)} "
                                             "responses: the unpaired ones are skipped", where))
    else:
        broken(cassette, "CASSETTE-005", "neither `interactions` nor `requests` and `responses` are lists", where, form)
        return
    cassette.format = form
    cassette.meta = read_meta(data.get("harness"), cassette.meta.provider)
    for index, interaction in enumerate(pairs):
        exchange = _exchange(index, interaction, cassette.findings, where.with_(exchange=index), limits)
        if exchange is not None:
            cassette.exchanges.append(exchange)


def _exchange(index: int, raw: Any, findings: list[Finding], where: Location, limits: Limits) -> Exchange | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("request"), dict) or not isinstance(raw.get("response"), dict):
        findings.append(finding("CASSETTE-005", "interaction without a request and a response mapping", where))
        return None
    request, response = raw["request"], raw["response"]
    request_headers = headers_from_mapping(request.get("headers"))
    response_headers = headers_from_mapping(response.get("headers"))
    findings.extend(credential_findings(request_headers, response_headers, request.get("uri"), where))
    body, body_json = stored_body(request.get("body"))
    parsed = request.get("parsed_body")  # pydantic-ai's serializer stores JSON request bodies parsed
    req = Request(
        method=(name(request.get("method")) or "POST").upper(),
        uri=string(request.get("uri")) or "",
        headers=request_headers,
        body=body,
        json=parsed if parsed is not None else body_json,
    )
    response_body = response.get("body")
    if isinstance(response_body, dict):
        response_body = response_body.get("string")
    if response_body is None and "parsed_body" in response:
        response_body = response["parsed_body"]  # pydantic-ai stores JSON responses parsed, with no body
    data, _ = stored_body(response_body)
    if data is None:
        findings.append(finding("CASSETTE-005", "response without a body string", where))
        data = b""
    status = read_status(response.get("status"), "status" in response, findings, where)
    resp = Response(status=status, headers=response_headers, body=data)
    decode_body(resp, findings, where, limit=limits.body_bytes)
    read_chunk_entry(response.get(CHUNKS_KEY), resp)
    return Exchange(index=index, request=req, response=resp)
