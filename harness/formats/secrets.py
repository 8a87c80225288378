"""Credentials in a cassette: flagged when loading (CASSETTE-006), scrubbed when saving.

Cookies are judged one by one, by name first. The cookies that the infrastructure in front of an API
sets on every client (Cloudflare's bot-management, rate-limiting and load-balancer cookies, an AWS
load balancer's stickiness cookies) grant no access to the API: keeping one is a warning of its own
(CASSETTE-013) that names the cookie. Any other cookie may be a login session, so it stays a
credential (CASSETTE-006). No finding ever repeats a value.

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

_SCHEMES = re.compile(r"^(bearer|basic|token|apikey|api-key|key)(?:\s+|$)", re.IGNORECASE)  # "Basic " alone: no value
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


COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})

# Cookies set by the infrastructure in front of an API, for every client whoever it is: they screen bots,
# rate-limit, or pin a client to one origin, and open nothing (the API key does). Name -> what it is.
# Cloudflare: cloudflare/cloudflare-docs src/content/docs/fundamentals/reference/policies-compliances/cloudflare-cookies.mdx
# (__cf_bm "for Cloudflare bot products", _cfuvid and __cfruid for rate limiting, __cflb "a session cookie" of
# load-balancer affinity, cf_clearance and cf_chl_* of the challenge platform, __cfseq, __cfwaitingroom, Always
# Online's cf_ob_info and cf_use_ob). AWS: awsdocs/elb-application-load-balancers-user-guide
# doc_source/sticky-sessions.md (AWSALB, AWSALBCORS, AWSALBAPP-*, AWSALBTG, AWSALBTGCORS).
_CLOUDFLARE_BOTS, _CLOUDFLARE_RATE = "Cloudflare's bot-management cookie", "Cloudflare's rate-limiting cookie"
INFRASTRUCTURE_COOKIES = {
    "__cf_bm": _CLOUDFLARE_BOTS, "cf_clearance": _CLOUDFLARE_BOTS, "_cfuvid": _CLOUDFLARE_RATE,
    "__cfruid": _CLOUDFLARE_RATE, "__cflb": "Cloudflare's load-balancer session cookie",
    "__cfwaitingroom": "Cloudflare's waiting-room cookie", "cf_ob_info": "Cloudflare's Always Online cookie",
    "cf_use_ob": "Cloudflare's Always Online cookie", "awsalb": "an AWS load balancer's stickiness cookie",
    "awsalbcors": "an AWS load balancer's stickiness cookie", "awsalbtg": "an AWS load balancer's stickiness cookie",
    "awsalbtgcors": "an AWS load balancer's stickiness cookie", "awselb": "an AWS load balancer's stickiness cookie",
}
_INFRASTRUCTURE_PREFIXES = (("__cfseq", _CLOUDFLARE_BOTS), ("cf_chl_", "Cloudflare's challenge cookie"),
                            ("awsalbapp-", "an AWS load balancer's stickiness cookie"))
_SHOWN_NAME = 64  # a cookie name is printed (its value never is), clipped


def cookie_pairs(header: str, value: str) -> list[tuple[str, str]]:
    """(name, value) of every cookie a Cookie header holds, or of the one a Set-Cookie header sets (its
    first pair; the rest are attributes). A pair without ``=`` is all value: judged, never printed."""
    pairs = value.split(";")
    if header.lower() == "set-cookie":
        pairs = pairs[:1]
    return [(name.strip(), rest) if equals else ("", name) for name, equals, rest in
            (pair.partition("=") for pair in pairs if pair.strip())]


def infrastructure_cookie(name: str) -> str | None:
    """What an infrastructure cookie is (see ``INFRASTRUCTURE_COOKIES``), or None for any other name."""
    lowered = name.strip().lower()
    if lowered in INFRASTRUCTURE_COOKIES:
        return INFRASTRUCTURE_COOKIES[lowered]
    return next((what for prefix, what in _INFRASTRUCTURE_PREFIXES if lowered.startswith(prefix)),
                None)


def holds_credential(name: str, value: str) -> bool:
    """Whether a value of a credential-bearing header (or query parameter) holds a real-looking credential;
    for a cookie header, a cookie other than an infrastructure one holding a real-looking value."""
    if name.lower() in COOKIE_HEADERS:
        return any(not looks_redacted(part) and infrastructure_cookie(cookie) is None
                   for cookie, part in cookie_pairs(name, value))
    return not looks_redacted(value)


def _shown(name: str) -> str:
    """A cookie name as a finding prints it: quoted, control characters escaped, clipped."""
    return repr(name if len(name) <= _SHOWN_NAME else name[:_SHOWN_NAME] + "...")


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
            if name.lower() in COOKIE_HEADERS:
                pairs = [pair for value in values for pair in cookie_pairs(name, value)]
                found += _judged_cookies(f"{side} header {name!r}", pairs, where.with_(path=f"{side}.headers.{name}"))
            elif name.lower() in SECRET_HEADERS and any(holds_credential(name, value) for value in values):
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
    """Cookies stored apart from the headers (a HAR entry's ``cookies``), judged as in a header."""
    found = []
    for name, value in cookies:
        found += _judged_cookies(f"{side} cookie", [(name, value)], where.with_(path=f"{side}.cookies.{name}"))
    return found


def _judged_cookies(holder: str, pairs: list[tuple[str, str]], where: Location) -> list[Finding]:
    """One CASSETTE-006 for the credential cookies ``holder`` keeps, one CASSETTE-013 for each infrastructure
    cookie; each names its cookies, none repeats a value (a redacted value is no finding)."""
    credentials: list[str] = []
    infrastructure: dict[str, str] = {}
    for cookie, value in pairs:
        if looks_redacted(value):
            continue
        what = infrastructure_cookie(cookie)
        if what is None:
            credentials.append(cookie)
        else:
            infrastructure.setdefault(cookie, what)
    found = []
    if credentials:
        named = ", ".join(dict.fromkeys(_shown(cookie) for cookie in credentials if cookie))
        found.append(finding("CASSETTE-006", f"{holder} holds what looks like a credential"
                                             + (f" (cookie {named})" if named else ""), where))
    for cookie, what in infrastructure.items():
        found.append(finding("CASSETTE-013", f"{holder} keeps the cookie {_shown(cookie)} ({what}): not an API "
                                             "credential, but a per-client value to scrub before sharing", where))
    return found


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
