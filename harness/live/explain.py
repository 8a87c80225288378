"""A finding as a person fixing an adapter needs it: the rule and who says so (the catalogue), where
it is, and the bytes it points at (the frame of the recorded body), so a failure is a bug report."""

from __future__ import annotations

from pathlib import Path

from harness.cassette import load
from harness.findings import Finding
from harness.registry import catalogue

_BYTES = 400


def explain(item: Finding, cassette: Path | None = None) -> str:
    spec = catalogue().get(item.check)
    where = item.location.model_dump(exclude_none=True, exclude={"cassette"})
    lines = [f"{item.check} {item.severity.value}: {item.message} {where}"]
    if spec is not None:
        lines.append(f"  rule: {spec.rule} (source: {spec.source})")
    if item.expected is not None or item.actual is not None:
        lines.append(f"  expected {item.expected!r}, got {item.actual!r}")
    shown = _bytes_at(item, cassette) if cassette is not None else None
    if shown:
        lines.append(f"  bytes at offset {item.location.offset}: {shown!r}")
    return "\n".join(lines)


def _bytes_at(item: Finding, cassette: Path) -> bytes | None:
    """The frame a finding points at: from its offset to the end of the event (a blank line), clipped."""
    where = item.location
    if where.exchange is None or where.offset is None:
        return None
    exchanges = load(cassette).exchanges
    if not 0 <= where.exchange < len(exchanges):
        return None
    body = exchanges[where.exchange].response.body
    end = body.find(b"\n\n", where.offset)
    return body[where.offset:(end if end != -1 else len(body))][:_BYTES]
