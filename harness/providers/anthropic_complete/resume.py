"""The Text Completions "resume contract": there is nothing to resume.

The protocol has no tools and keeps no state: every request carries the whole prompt
(``"\\n\\nHuman: ...\\n\\nAssistant:"``), so no turn waits for the client and no request continues
another. The three functions exist because every family names a contract.
"""

from __future__ import annotations

from typing import Any

from harness.exchange import Request
from harness.findings import Finding
from harness.state import Turn
from harness.values import mapping, string


def is_continuation(request: Request) -> bool:
    return False  # each request stands alone


def check(turn: Turn, request: Request, exchange: int) -> list[Finding]:
    return []


def build(turn: Turn, answers: dict[str, Any], prior: Request | None) -> dict[str, Any]:
    """The next request of a dialogue: the prior body, its prompt extended by the answer and a new
    Human turn (``answers`` is always empty: no turn has pending calls)."""
    body = dict(mapping(prior.json)) if prior is not None else {}
    prompt = string(body.get("prompt")) or ""
    body["prompt"] = f"{prompt}{turn.text}\n\nHuman:"
    return body
