"""Credentials out of a recording before anything is written: the cassette module's headers and query
parameters, and what AWS SigV4 adds (a security token in the query of a presigned URL, and an
``x-amz-content-sha256`` that is not the body's hash)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from harness import cassette

MARKER = "REDACTED"
_QUERY = frozenset({"x-amz-security-token", "x-amz-signature", "x-amz-credential", "signature", "sig", "token"})
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def scrub_headers(headers: dict[str, list[str]]) -> dict[str, list[str]]:
    """Headers with every credential replaced by ``MARKER`` (a payload hash is kept: it is the body's)."""
    clean = cassette.scrub(headers)
    for name, values in clean.items():
        if name.lower() == "x-amz-content-sha256":
            clean[name] = [value if _SHA256.match(value) else MARKER for value in values]
    return clean


def scrub_uri(uri: str) -> str:
    """A URI with every credential query parameter replaced by ``MARKER``."""
    uri = cassette.scrub_uri(uri)
    try:
        parts = urlsplit(uri)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return uri
    if not any(name.lower() in _QUERY for name, _ in query):
        return uri
    query = [(name, MARKER if name.lower() in _QUERY else value) for name, value in query]
    return urlunsplit(parts._replace(query=urlencode(query)))
