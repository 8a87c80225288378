"""Order native events by sequence number, and say what was wrong with the order they came in.

Validate-then-fold, as event stores do: every number is checked (present, fresh start at 0 or a
re-attach at cursor + 1, no duplicate, no gap), events delivered out of order are put back in
order, and a duplicate is dropped so the fold sees each event once.

The ``Sequencer`` streams: an event goes on as soon as every number before it has gone, so a
stream in order is never held, and memory stays flat however long it is. Only what cannot go yet
(after a gap, a late event or an unexpected start) waits, until the gap fills or the stream ends;
then it goes on in sequence order, exactly as sorting the whole stream would have put it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from harness.findings import Finding, finding

if TYPE_CHECKING:  # the sequencer needs only the events' attributes, not the provider registry
    from harness.providers.base import NativeEvent

MAX_GAP_FINDINGS = 20
DUPLICATE_WINDOW = 256  # how far back a duplicate's payload is kept to say whether the copy is identical
_LATE_LISTED = 10


class Sequencer:
    """Feed native events in arrival order (``order``); findings are complete once it is exhausted."""

    def __init__(self, *, resumed_after: int | None = None) -> None:
        self.resumed_after = resumed_after
        self.findings: list[Finding] = []
        self._next = 0 if resumed_after is None else resumed_after + 1  # the number that may go on next
        self._start = self._next
        self._held: dict[int, NativeEvent] = {}  # arrival order; waiting for the numbers before them
        self._recent: dict[int, dict[str, Any]] = {}  # payloads of the last numbers that went on
        self._first: NativeEvent | None = None  # the first event that went on
        self._last: NativeEvent | None = None  # the last event that went on
        self._highest = -1
        self._late: list[NativeEvent] = []  # the first few delivered after a higher number
        self._late_count = 0
        self._unnumbered: NativeEvent | None = None
        self._missing = 0
        self._count = 0

    def order(self, natives: Iterable[NativeEvent]) -> Iterator[NativeEvent]:
        for native in natives:
            self._count += 1
            if native.seq == self._next and native.seq > self._highest and self._unnumbered is None:
                self._highest = native.seq  # the next number, in order: nothing to check or hold
                yield self._emit(native)
            elif self._unnumbered is not None or native.seq is None:
                yield from self._unsequenced(native)
            else:
                yield from self._numbered(native)
        if self._unnumbered is None:
            yield from self._close()
        else:
            self.findings = [finding(
                "ORDER-001", f"{self._missing} of {self._count} events carry no sequence_number; order not checked",
                self._unnumbered.location())]

    # -- events -----------------------------------------------------------------------------------------

    def _numbered(self, native: NativeEvent) -> Iterator[NativeEvent]:
        seq: int = native.seq  # type: ignore[assignment]
        waiting = self._held.get(seq)
        if waiting is not None or self._start <= seq < self._next:
            earlier = waiting.data if waiting is not None else self._recent.get(seq)
            same = ("too far back to compare" if earlier is None
                    else "an identical copy" if earlier == native.data else "a different event")
            self.findings.append(finding(
                "ORDER-004", f"sequence_number {seq} delivered twice ({same}); the later one dropped",
                native.location(), actual=seq))
            return
        if seq < self._highest:
            self._late_count += 1
            if len(self._late) < _LATE_LISTED:
                self._late.append(native)
        self._highest = max(self._highest, seq)
        if seq != self._next:
            self._held[seq] = native
            return
        yield self._emit(native)
        while self._next in self._held:
            yield self._emit(self._held.pop(self._next))

    def _emit(self, native: NativeEvent) -> NativeEvent:
        seq: int = native.seq  # type: ignore[assignment]
        self._next = seq + 1
        if self._first is None:
            self._first = native
        self._last = native
        self._recent[seq] = native.data
        self._recent.pop(seq - DUPLICATE_WINDOW, None)
        return native

    def _unsequenced(self, native: NativeEvent) -> Iterator[NativeEvent]:
        """From the first event without a number on, nothing is ordered: what waited goes on as it came."""
        if native.seq is None:
            self._missing += 1
            if self._unnumbered is None:
                self._unnumbered = native
                held, self._held = self._held, {}
                yield from held.values()
        yield native

    # -- the end of the stream --------------------------------------------------------------------------

    def _close(self) -> Iterator[NativeEvent]:
        waiting = sorted(self._held.values(), key=lambda native: native.seq)  # type: ignore[arg-type, return-value]
        self._held = {}
        if self._late_count:
            first = self._late[0]
            self.findings.append(finding(
                "ORDER-005",
                f"{self._late_count} event(s) delivered out of sequence order (first: {first.seq} after a higher "
                "number); order restored",
                first.location(), actual=[native.seq for native in self._late]))
        lowest = [native for native in (self._first, waiting[0] if waiting else None) if native is not None]
        if lowest:
            self.findings += _start(min(lowest, key=lambda native: native.seq), self.resumed_after)  # type: ignore[arg-type, return-value]
        self.findings += _gaps([self._last, *waiting] if self._last is not None else waiting)
        yield from waiting


def sequence(
    natives: list[NativeEvent], *, resumed_after: int | None = None
) -> tuple[list[NativeEvent], list[Finding]]:
    """Return the events in sequence order and the ORDER / RESUME findings about their delivery."""
    sequencer = Sequencer(resumed_after=resumed_after)
    ordered = list(sequencer.order(natives))
    return ordered, sequencer.findings


def _start(first: NativeEvent, resumed_after: int | None) -> list[Finding]:
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
