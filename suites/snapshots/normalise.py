"""Make a report snapshot stable: provider ids become placeholders numbered by first appearance.

The matcher: any provider id inside a string (a known prefix such as ``resp_``, ``msg_``,
``toolu_``, ``call_``, ``fc_``, ``rs_``, ``mcpr_`` followed by 6+ id characters) is replaced by
``<prefix#n>``, n counting distinct ids in document order. Equal ids stay equal, so links between
items, calls and results survive; a re-recorded cassette with fresh ids gives the same snapshot.
Strings over 400 characters (search results a server tool returned, a whole folded answer) keep
their first 200 characters and a SHA-256 of the whole, so a snapshot stays small enough to review
and still changes when any character does.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

LONG = 400

ID = re.compile(
    r"\b(resp|msg|rs|fc|call|toolu|srvtoolu|mcpr|mcpl|mcp|ws|ctc|ci|ig|fs|tsc|tso|req|chatcmpl|mcptoolu)"
    r"_[A-Za-z0-9]{6,}\b"
)


def normalise(data: Any) -> Any:
    seen: dict[str, str] = {}
    counts: dict[str, int] = {}

    def placeholder(match: re.Match[str]) -> str:
        value = match.group(0)
        if value not in seen:
            prefix = match.group(1)
            counts[prefix] = counts.get(prefix, 0) + 1
            seen[value] = f"<{prefix}#{counts[prefix]}>"
        return seen[value]

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, str):
            return _clipped(ID.sub(placeholder, value))
        return value

    return walk(data)


def _clipped(text: str) -> str:
    if len(text) <= LONG:
        return text
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]
    return f"{text[:200]}...<{len(text)} chars, sha256 {digest}>"
