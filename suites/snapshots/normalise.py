"""Make a report snapshot stable: provider ids become placeholders numbered by first appearance.

The matcher: any provider id inside a string (a known prefix such as ``resp_``, ``msg_``,
``toolu_``, ``call_``, ``fc_``, ``rs_``, ``mcpr_`` followed by 6+ id characters) is replaced by
``<prefix#n>``, n counting distinct ids in document order. Equal ids stay equal, so links between
items, calls and results survive; a re-recorded cassette with fresh ids gives the same snapshot.
Paths are made relative to their root so snapshots do not depend on the checkout location.
"""

from __future__ import annotations

import re
from typing import Any

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
            return ID.sub(placeholder, value)
        return value

    return walk(data)
