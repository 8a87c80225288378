"""Credentials in a cassette: flagged when loading (CASSETTE-006), scrubbed when saving.

Whether a stored value is a credential is decided by its shape, never by a word inside it: a real
key that happens to contain "test" or "mock" (``sk-proj-...test...`` of full length) is a credential,
and a value is taken as redacted only when the whole of it is a marker:

- empty, or punctuation only (``***``, ``...``), or one character repeated (``xxxxxxxx``);
- a placeholder in brackets or a template (``<API_KEY>``, ``[REDACTED]``, ``{{key}}``, ``${OPENAI_API_KEY}``);
- masked (a run of ``*`` or ``...`` inside, as consoles show ``sk-...abcd``);
- made of marker words and separators only (``REDACTED``, ``DUMMY``, ``fake-api-key``, ``sk-test``,
  ``PLACEHOLDER``, ``your_api_key_here``), short numbers allowed (``test-key-1``);
- a hash standing in for the value (``sha256:3f2a...``, ``REDACTED-3f2a9c``);
- a known key prefix followed by too little to be a real key (``sk-abc123``, ``AIzaXYZ``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlsplit, urlunsplit

from harness.findings import Finding, Location, finding

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie", "set-cookie",
     "x-amz-security-token", "x-stainless-api-key"}
)
SECRET_QUERY = frozenset({"key", "api_key", "apikey", "access_token", "x-amz-signature", "x-amz-credential"})

_SCHEMES = re.compile(r"^(bearer|basic|token|apikey|api-key|key)\s+", re.IGNORECASE)
_MARKERS = ("redacted|scrubbed|filtered|masked|hidden|removed|sanitized|censored|omitted|elided|placeholder|dummy|fake"
            "|mock|mocked|test|testing|example|sample|changeme|replace|me|here|none|null|nil|undefined|invalid"
            "|your|my|the|an?|api|apikey|key|keys|token|secret|password|pass|credential|credentials|bearer|auth"
            "|access|session|cookie|value|string|sk|pk|proj|ant|live|openai|anthropic|google|gemini|aws|azure"
            "|cohere|mistral|groq|bedrock|xai")
_MARKER_WORD = re.compile(rf"^\d{{0,8}}(?:(?:{_MARKERS}|x+)\d{{0,8}})+$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[-_.:\s/=+,;|]+")
_BRACKETED = re.compile(r"^(<.*>|\[.*\]|\{.*\}|\(.*\)|\$\{?\w+\}?|%\(?\w+\)?s?|%\w+%)$", re.DOTALL)
_MASKED = re.compile(r"\*{3,}|\.{3,}|…|•{2,}")
_SIGV4 = re.compile(r"^AWS4-HMAC-SHA256\s", re.IGNORECASE)
_SIGV4_PARTS = re.compile(r"\b(Credential|Signature)=([^,\s]*)", re.IGNORECASE)
_HASHED = re.compile(r"^(?:sha1|sha224|sha256|sha384|sha512|md5|hash|redacted|scrubbed|filtered|masked)"
                     r"[-_:=]?[0-9a-f]{6,128}$", re.IGNORECASE)
# real keys carry at least this many characters after their prefix (OpenAI, Anthropic, Google, AWS, Groq, xAI,
# Hugging Face, GitHub); fewer means a stand-in. Longest prefix first.
_PREFIXES = (("sk-ant-", 40), ("sk-proj-", 40), ("sk-svcacct-", 40), ("sk-admin-", 40), ("sk-", 24), ("aiza", 35),
             ("akia", 16), ("asia", 16), ("gsk_", 40), ("xai-", 40), ("hf_", 30), ("ghp_", 36), ("github_pat_", 40))


def looks_redacted(value: str) -> bool:
    """True when a stored header or query value is a stand-in, not a credential (see the module doc)."""
    token = _SCHEMES.sub("", value.strip(), count=1).strip().strip("\"'").strip()
    parts = _SIGV4_PARTS.findall(token) if _SIGV4.match(token) else []
    if parts:  # an AWS signature: the access key id in the credential scope, and the signature
        return all(looks_redacted(_access_key_id(part)) for _, part in parts)
    if not re.search(r"[^\W_]", token):
        return True  # empty, or punctuation only
    if len(set(token)) == 1 or _BRACKETED.match(token) or _MASKED.search(token) or _HASHED.match(token):
        return True
    words = [word for word in _SEPARATORS.split(token) if word and not (word.isdigit() and len(word) <= 8)]
    if all(_MARKER_WORD.match(word) or len(set(word)) == 1 for word in words):
        return True
    lowered = token.lower()
    for prefix, least in _PREFIXES:
        if lowered.startswith(prefix):
            return len(token) - len(prefix) < least
    return False


def _access_key_id(credential: str) -> str:
    """The access key id of a SigV4 credential scope (``AKIA.../20240101/us-east-1/bedrock/aws4_request``)."""
    return credential.split("/", 1)[0]


def _cookie_values(name: str, value: str) -> list[str]:
    """The values a Cookie (every pair) or Set-Cookie (its first pair; the rest are attributes) header holds."""
    pairs = value.split(";")
    if name == "set-cookie":
        pairs = pairs[:1]
    return [pair.split("=", 1)[1] if "=" in pair else pair for pair in pairs if pair.strip()]


def holds_credential(name: str, value: str) -> bool:
    """Whether a value of a credential-bearing header (or query parameter) holds a real-looking credential."""
    lowered = name.lower()
    if lowered in ("cookie", "set-cookie"):
        return any(not looks_redacted(part) for part in _cookie_values(lowered, value))
    return not looks_redacted(value)


def query(uri: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(urlsplit(uri).query, keep_blank_values=True)
    except ValueError:  # e.g. an unbalanced IPv6 host
        return []


def credential_findings(request_headers: dict[str, list[str]], response_headers: dict[str, list[str]], uri: Any,
                        where: Location) -> list[Finding]:
    """CASSETTE-006 for every credential header and query parameter that holds a real-looking value;
    the value itself is never repeated."""
    found = []
    for side, headers in (("request", request_headers), ("response", response_headers)):
        for name, values in headers.items():
            if name.lower() in SECRET_HEADERS and any(holds_credential(name, value) for value in values):
                found.append(finding("CASSETTE-006", f"{side} header {name!r} holds what looks like a credential",
                                     where.with_(path=f"{side}.headers.{name}")))
    if isinstance(uri, str):
        for name, value in query(uri):
            lowered = name.lower()
            if lowered in SECRET_QUERY and not looks_redacted(_access_key_id(value) if lowered == "x-amz-credential"
                                                              else value):
                found.append(finding("CASSETTE-006", f"query parameter {name!r} holds what looks like a credential",
                                     where.with_(path="request.uri")))
    return found


def cookie_findings(side: str, cookies: list[tuple[str, str]], where: Location) -> list[Finding]:
    """CASSETTE-006 for cookies stored apart from the headers (a HAR entry's ``cookies``)."""
    return [finding("CASSETTE-006", f"{side} cookie {name!r} holds what looks like a credential",
                    where.with_(path=f"{side}.cookies.{name}"))
            for name, value in cookies if not looks_redacted(value)]


def scrub(headers: dict[str, list[str]]) -> dict[str, list[str]]:
    """Headers safe to write into a cassette: credentials replaced by a marker."""
    return {name: (["REDACTED"] if name.lower() in SECRET_HEADERS else list(values)) for name, values in headers.items()}


def scrub_uri(uri: str) -> str:
    """A URI safe to write or print: credential query parameters' values replaced by a marker, and
    nothing else touched (a URI without one comes back as it was, byte for byte)."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    segments = parts.query.split("&") if parts.query else []
    scrubbed = [_scrubbed_segment(segment) for segment in segments]
    return uri if scrubbed == segments else urlunsplit(parts._replace(query="&".join(scrubbed)))


def _scrubbed_segment(segment: str) -> str:
    name, equals, value = segment.partition("=")
    return f"{name}=REDACTED" if equals and value and unquote_plus(name).lower() in SECRET_QUERY else segment
