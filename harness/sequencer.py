"""Order native events by sequence number, and say what was wrong with the order they came in.

Validate-then-fold, as event stores do: every number is checked (present, fresh start at 0 or a
re-attach at cursor + 1, no duplicate, no gap), events delivered out of order are put back in
order, and a duplicate is dropped so the fold sees each event once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.findings import Finding, finding

if TYPE_CHECKING:  # the sequencer needs only the events' attributes, not the provider registry
    from harness.providers.base import NativeEvent

MAX_GAP_FINDINGS = 20


def sequence(
    natives: list[NativeEvent], *, exchange: int, resumed_after: int | None = None
) -> tuple[list[NativeEvent], list[Finding]]:
    """Return the events in sequence order and the ORDER / RESUME findings about their delivery."""
    if not natives:
        return natives, []
    missing = [native for native in natives if native.seq is None]
    if missing:
        first = missing[0]
        return natives, [
            finding("ORDER-001", f"{len(missing)} of {len(natives)} events carry no sequence_number; order not checked",
                    first.location())
        ]
    found: list[Finding] = []
    unique: list[NativeEvent] = []
    seen: dict[int, NativeEvent] = {}
    late: list[NativeEvent] = []
    highest = -1
    for native in natives:
        seq = native.seq
        assert seq is not None
        if seq in seen:
            same = "an identical copy" if seen[seq].data == native.data else "a different event"
            found.append(finding("ORDER-004", f"sequence_number {seq} delivered twice ({same}); the later one dropped",
                                 native.location(), actual=seq))
            continue
        seen[seq] = native
        if seq < highest:
            late.append(native)
        highest = max(highest, seq)
        unique.append(native)
    if late:
        unique.sort(key=lambda native: native.seq)  # type: ignore[arg-type, return-value]
        found.append(finding(
            "ORDER-005",
            f"{len(late)} event(s) delivered out of sequence order (first: {late[0].seq} after a higher number); "
            "order restored",
            late[0].location(), actual=[native.seq for native in late[:10]],
        ))
    found += _start(unique[0], exchange, resumed_after)
    found += _gaps(unique)
    return unique, found


def _start(first: NativeEvent, exchange: int, resumed_after: int | None) -> list[Finding]:
    seq = first.seq
    assert seq is not None
    if resumed_after is None:
        if seq == 0:
            return []
        return [finding("ORDER-002", f"a fresh stream starts at sequence_number {seq}", first.location(),
                        expected=0, actual=seq)]
    if seq <= resumed_after:
        return [finding("RESUME-007", f"re-attached after {resumed_after} but the stream starts at {seq}",
                        first.location(), expected=resumed_after + 1, actual=seq)]
    if seq != resumed_after + 1:
        return [finding("RESUME-008", f"re-attached after {resumed_after} but the stream starts at {seq}",
                        first.location(), expected=resumed_after + 1, actual=seq)]
    return []


def _gaps(ordered: list[NativeEvent]) -> list[Finding]:
    found: list[Finding] = []
    gaps = 0
    for before, after in zip(ordered, ordered[1:]):
        if after.seq - before.seq > 1:  # type: ignore[operator]
            gaps += 1
            if gaps <= MAX_GAP_FINDINGS:
                found.append(finding("ORDER-003", f"sequence_number jumps from {before.seq} to {after.seq}",
                                     after.location(), expected=before.seq + 1, actual=after.seq))  # type: ignore[operator]
    if gaps > MAX_GAP_FINDINGS:
        found.append(finding("ORDER-003", f"{gaps - MAX_GAP_FINDINGS} more gaps not listed", ordered[-1].location()))
    return found
