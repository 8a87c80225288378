"""Findings: what the harness says about a stream, and where it says it.

Every finding names a check from the catalogue (``harness.catalogue``) by its stable id; the
severity comes from the catalogue, never from the call site, so one rule is graded the same way
wherever it fires.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.error: 2, Severity.warning: 1, Severity.info: 0}


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One documented rule: stable id, what it demands, how bad a violation is, and who says so."""

    id: str
    severity: Severity
    rule: str
    source: str
    providers: tuple[str, ...] = ()  # empty: applies to every family

    @property
    def family(self) -> str:
        return self.id.rsplit("-", 1)[0]


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


_CATALOGUE: dict[str, CheckSpec] = {}


def register(*specs: CheckSpec) -> None:
    """Add rules to the catalogue; an id may be registered only once."""
    for spec in specs:
        if spec.id in _CATALOGUE:
            raise ValueError(f"check id {spec.id} registered twice")
        _CATALOGUE[spec.id] = spec


def catalogue() -> dict[str, CheckSpec]:
    from harness import catalogue as _entries  # noqa: F401  (importing registers the entries)

    return dict(sorted(_CATALOGUE.items(), key=lambda kv: _sort_key(kv[0])))


def _sort_key(check_id: str) -> tuple[str, int]:
    family, _, number = check_id.rpartition("-")
    return family, int(number)


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
        message=message,
        location=location or Location(),
        expected=expected,
        actual=actual,
    )


def catalogue_entry(check_id: str) -> CheckSpec:
    if not _CATALOGUE:
        catalogue()
    try:
        return _CATALOGUE[check_id]
    except KeyError:
        raise KeyError(f"unknown check id {check_id!r}: add it to harness/catalogue.py") from None
