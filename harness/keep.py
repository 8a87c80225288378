"""Keep a stream as a cassette: how a failing example becomes a regression case in cassettes/."""

from __future__ import annotations

from pathlib import Path

from harness import registry
from harness.cassette import CassetteMeta, save
from harness.exchange import Exchange, Request, Response

WRITTEN_BY = "provider-conformance-harness (kept from a stream the harness was given)"
_URIS = {"openai-responses": "https://api.openai.com/v1/responses",
         "anthropic-messages": "https://api.anthropic.com/v1/messages"}


def keep_stream(body: bytes, provider: str, path: Path, *, expect: list[str] | None = None,
                scenario: str | None = None, description: str | None = None) -> Path:
    """Write ``body`` as a one-interaction cassette for ``provider`` that declares ``expect``."""
    family = registry.get(provider)
    name = family.name
    exchange = Exchange(
        index=0,
        request=Request(method="POST", uri=_URIS.get(name, ""), headers={"content-type": ["application/json"]},
                        body=b'{"stream":true}'),
        response=Response(status=200, headers={"content-type": [family.content_type]}, body=body),
    )
    meta = CassetteMeta(provider=name, scenario=scenario, description=description, written_by=WRITTEN_BY,
                        expect=sorted(set(expect or [])))
    save(path, [exchange], meta)
    return path
