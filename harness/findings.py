"""Findings: what the harness says about a stream, and where it says it.

Every finding names a check from the catalogue (``harness.checkspec``) by its stable id; the
severity comes from the catalogue, never from the call site, so one rule is graded the same way
wherever it fires.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict

from harness import catalogue as _neutral_rules  # noqa: F401  (importing registers the provider-neutral rules)
from harness.checkspec import CheckSpec, Severity, lookup

__all__ = ["CheckSpec", "Finding", "Location", "Severity", "catalogue_entry", "finding"]


class Location(BaseModel):
    """Where a finding points: cassette, exchange, frame, byte offset, native event, sequence number."""

    model_config = ConfigDict(frozen=True)

    cassette: str | None = None
    exchange: int | None = None
    frame: int | None = None
    offset: int | None = None
    native_type: str | None = None
    seq: int | None = None
    path: str | None = None  # a JSON path inside a request or event, where that is the clearest pointer

    def with_(self, **changes: Any) -> Location:
        return self.model_copy(update={k: v for k, v in changes.items() if v is not None})


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    check: str
    severity: Severity
    message: str
    location: Location = Location()
    expected: Any = None
    actual: Any = None
    count: int | None = None  # the same fault seen this many times in the exchange (None: once)
    last: Location | None = None  # where it was seen last, when more than once


def finding(
    check_id: str,
    message: str,
    location: Location | None = None,
    *,
    expected: Any = None,
    actual: Any = None,
    severity: Severity | None = None,
) -> Finding:
    """Build a finding for a catalogued check.

    ``severity`` may only *lower* the catalogue's grade, for the documented cases where a rule is
    relaxed (fine-grained tool streaming, a `length` stop cutting arguments short).
    """
    spec = catalogue_entry(check_id)
    grade = spec.severity if severity is None or severity.rank > spec.severity.rank else severity
    return Finding(
        check=check_id,
        severity=grade,
        message=clipped(message),
        location=location or Location(),
        expected=clipped(expected) if isinstance(expected, str) else expected,
        actual=clipped(actual) if isinstance(actual, str) else actual,
    )


MAX_QUOTED = 2000


def clipped(text: str) -> str:
    """``text``, or, past ``MAX_QUOTED`` characters, its start with its length and a hash: a message
    quoting a 10 MB value must not put 10 MB in every report, and still changes when any character does."""
    if len(text) <= MAX_QUOTED:
        return text
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]
    return f"{text[:MAX_QUOTED]}... <{len(text)} chars, sha256 {digest}>"


def catalogue_entry(check_id: str) -> CheckSpec:
    """The rule behind a check id (KeyError, saying where to register it, for an unknown id)."""
    return lookup(check_id)
