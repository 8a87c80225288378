"""Fault plans: what a served response suffers, from ``--fault`` specs and a seed.

A spec is ``KIND[:WHERE][=VALUE][@CASSETTE-GLOB]``. WHERE is an event index (``3``), a byte offset
(``b120``) or a rate (``10%`` or ``0.1``, each event or request independently); without it the seed
chooses one point in every stream the spec applies to (an HTTP error then answers the first attempt at
every exchange, so a client that retries gets the stream). VALUE is the stall in seconds, the reorder
window in events, or the ``retry-after`` of an HTTP error. Everything random comes from the
``random.Random`` the caller seeds per response, so one seed and one request sequence give one run.

The body is cut into atoms at every recorded chunk boundary and every frame boundary; faults move,
drop, copy or alter atoms; consecutive atoms of one recorded chunk join again, so a stream with no
fault goes out in exactly its recorded chunks.
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from random import Random
from typing import Literal

STREAM_KINDS = ("drop", "duplicate", "reorder", "truncate", "stall", "disconnect", "corrupt", "error-event")
HTTP_KINDS = {"http429": 429, "http500": 500, "http503": 503, "http529": 529}
_BYTE_KINDS = ("truncate", "disconnect", "corrupt")
_RATE_KINDS = ("drop", "duplicate", "reorder", "stall", "corrupt", *HTTP_KINDS)
_TAKES_VALUE = ("stall", "reorder", *HTTP_KINDS)
_DEFAULT_VALUE = {"stall": 1.0, "reorder": 3.0, "http429": 1.0, "http503": 1.0, "http529": 1.0}  # http500: no retry-after
_WHERE = re.compile(r"^(?:(?P<event>\d+)|b(?P<byte>\d+)|(?P<percent>\d+(?:\.\d+)?)%|(?P<rate>0?\.\d+|1\.0*))$")


class FaultSpecError(ValueError):
    """A ``--fault`` spec that does not parse (the message says what is wrong and the grammar)."""


@dataclass(frozen=True, slots=True)
class Where:
    unit: Literal["event", "byte", "rate"]
    value: float


@dataclass(frozen=True, slots=True)
class FaultSpec:
    kind: str
    where: Where | None = None
    value: float | None = None
    glob: str | None = None
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        head, _, glob = text.partition("@")
        head, has_value, raw_value = head.partition("=")
        kind, has_where, raw_where = head.partition(":")
        kind = kind.strip().lower()
        if kind not in STREAM_KINDS and kind not in HTTP_KINDS:
            raise FaultSpecError(f"{text!r}: unknown fault {kind!r}; known: {', '.join([*STREAM_KINDS, *HTTP_KINDS])}")
        where = _where(text, kind, raw_where) if has_where else None
        value = _DEFAULT_VALUE.get(kind)
        if has_value:
            if kind not in _TAKES_VALUE:
                raise FaultSpecError(f"{text!r}: {kind} takes no =VALUE")
            try:
                value = float(raw_value)
            except ValueError:
                raise FaultSpecError(f"{text!r}: =VALUE must be a number") from None
            if value < 0 or (kind == "reorder" and value < 2):
                raise FaultSpecError(f"{text!r}: =VALUE out of range (reorder needs a window of 2 or more)")
        return cls(kind, where, value, glob or None, text)

    def applies(self, cassette: str) -> bool:
        return self.glob is None or fnmatch.fnmatchcase(cassette, self.glob)

    @property
    def status(self) -> int | None:
        return HTTP_KINDS.get(self.kind)


def _where(text: str, kind: str, raw: str) -> Where:
    match = _WHERE.match(raw.strip())
    if match is None:
        raise FaultSpecError(f"{text!r}: WHERE is an event index (3), a byte offset (b120) or a rate (10% or 0.1)")
    if match["byte"] is not None:
        if kind not in _BYTE_KINDS:
            raise FaultSpecError(f"{text!r}: a byte offset only applies to {', '.join(_BYTE_KINDS)}")
        return Where("byte", int(match["byte"]))
    if match["event"] is not None:
        return Where("event", int(match["event"]))
    rate = float(match["percent"]) / 100 if match["percent"] is not None else float(match["rate"])
    if kind not in _RATE_KINDS or not 0 <= rate <= 1:
        raise FaultSpecError(f"{text!r}: a rate (0 to 1) only applies to {', '.join(_RATE_KINDS)}")
    return Where("rate", rate)


# -- HTTP answers instead of the stream ------------------------------------------------------------------


def http_fault(specs: list[FaultSpec], cassette: str, exchange: int, attempt: int, rng: Random) -> FaultSpec | None:
    """The first HTTP-error spec that answers this request (``attempt``: how often this exchange was
    asked for before)."""
    for spec in specs:
        if spec.status is None or not spec.applies(cassette):
            continue
        where = spec.where
        if (where is None and attempt == 0) or (where is not None and where.unit == "event" and
                                                where.value == exchange and attempt == 0):
            return spec
        if where is not None and where.unit == "rate" and rng.random() < where.value:
            return spec
    return None


# -- the stream --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Piece:
    """One write to the socket: ``at`` seconds after the first byte as recorded, after a ``pause``."""

    data: bytes
    at: float = 0.0
    pause: float = 0.0


@dataclass(slots=True)
class Stream:
    """A response body as it goes out; ``abort``: close the connection after the last piece."""

    pieces: list[Piece]
    abort: bool = False
    injected: list[str] = field(default_factory=list)

    @property
    def body(self) -> bytes:
        return b"".join(piece.data for piece in self.pieces)


@dataclass(slots=True)
class _Atom:
    data: bytes
    frame: int | None  # the frame it belongs to (None: bytes outside any frame)
    chunk: int  # the recorded chunk it came from (-1: injected)
    seq: int  # its place in the recorded body
    at: float
    pause: float = 0.0


@dataclass(slots=True)
class Body:
    """A recorded body with what the plan needs to know about it."""

    data: bytes
    cuts: list[int]  # recorded chunk boundaries
    times: list[float] | None  # arrival time of each recorded chunk
    spans: list[tuple[int, int]]  # each frame's bytes
    error_event: Callable[[int], bytes]  # the family's in-band error, framed, replacing event N
    crc_at_end: bool = False  # an AWS event stream: a corrupted frame gets a broken message CRC
    json_array: bool = False  # a streamed JSON array: an inserted element needs its separator


def plan(body: Body, specs: list[FaultSpec], rng: Random) -> Stream:
    """The stream ``specs`` make of ``body`` (in spec order); with no spec, the recorded chunks."""
    atoms = _atoms(body)
    stream = Stream(pieces=[])
    for spec in specs:
        if spec.status is None:
            atoms = _apply(spec, atoms, body, rng, stream)
    stream.pieces = _pieces(atoms)
    return stream


def _atoms(body: Body) -> list[_Atom]:
    size = len(body.data)
    cuts = [cut for cut in body.cuts if 0 < cut < size]
    starts = [start for start, _ in body.spans]
    frame_end = body.spans[-1][1] if body.spans else 0
    bounds = sorted(bound for bound in {0, size, frame_end, *cuts, *starts} if 0 <= bound <= size)
    atoms = []
    for seq, (start, end) in enumerate(pairwise(bounds)):
        chunk = bisect_right(cuts, start)
        frame = bisect_right(starts, start) - 1
        at = body.times[chunk] if body.times and chunk < len(body.times) else 0.0
        atoms.append(_Atom(body.data[start:end], frame if 0 <= frame and start < frame_end else None, chunk, seq, at))
    return atoms


def _pieces(atoms: list[_Atom]) -> list[Piece]:
    """Atoms back into writes: neighbours in the recorded body from one recorded chunk join again."""
    groups: list[list[_Atom]] = []
    for atom in atoms:
        previous = groups[-1][-1] if groups else None
        if previous is not None and atom.chunk == previous.chunk != -1 and atom.seq == previous.seq + 1 \
                and atom.pause == 0:
            groups[-1].append(atom)
        else:
            groups.append([atom])
    pieces = [Piece(b"".join(atom.data for atom in group), group[0].at, group[0].pause) for group in groups]
    return [piece for piece in pieces if piece.data]


def _frames(atoms: list[_Atom]) -> list[int]:
    return sorted({atom.frame for atom in atoms if atom.frame is not None})


def _targets(spec: FaultSpec, frames: list[int], rng: Random) -> list[int]:
    """The frames a frame-level spec hits: its index, each frame at its rate, or one the seed picks
    (never the first when there is another, so the client always gets some of the stream)."""
    where = spec.where
    if where is None:
        return [frames[rng.randrange(1 if len(frames) > 1 else 0, len(frames))]] if frames else []
    if where.unit == "event":
        return [int(where.value)] if int(where.value) in frames else []
    return [frame for frame in frames if rng.random() < where.value]


def _apply(spec: FaultSpec, atoms: list[_Atom], body: Body, rng: Random, stream: Stream) -> list[_Atom]:
    if spec.where is not None and spec.where.unit == "byte":
        return _at_byte(spec, atoms, int(spec.where.value), rng, stream)
    targets = _targets(spec, _frames(atoms), rng)
    if not targets:
        return atoms
    kind, first = spec.kind, targets[0]
    if kind == "drop":
        stream.injected.append(f"drop event{_plural(targets)}")
        return [atom for atom in atoms if atom.frame not in targets]
    if kind == "duplicate":
        stream.injected.append(f"duplicate event{_plural(targets)}")
        return _duplicated(atoms, set(targets))
    if kind == "reorder":
        return _reordered(atoms, targets, int(spec.value or 3), rng, stream)
    if kind == "stall":
        stream.injected.append(f"stall {spec.value:g}s before event{_plural(targets)}")
        for frame in targets:
            start = next(atom for atom in atoms if atom.frame == frame)
            start.pause = spec.value or 0.0
        return atoms
    start = _offset_of(atoms, first)
    if kind == "truncate":
        stream.injected.append(f"truncate before event {first} (byte {start})")
        return _cut(atoms, start)
    if kind == "disconnect":
        size = sum(len(atom.data) for atom in atoms if atom.frame == first)
        stream.injected.append(f"disconnect in event {first} (byte {start + size // 2})")
        stream.abort = True
        return _cut(atoms, start + size // 2)
    if kind == "corrupt":
        spots = [_corrupt_spot(atoms, frame, body, rng) for frame in targets]
        stream.injected.append("corrupt " + ", ".join(f"byte {spot} (event {frame})" for spot, frame in zip(spots, targets)))
        for spot in spots:
            atoms = _flipped(atoms, spot)
        return atoms
    # error-event: the family's error replaces event ``first`` and everything after it
    stream.injected.append(f"error-event at event {first} (byte {start})")
    kept = _cut(atoms, start)
    event = body.error_event(first)
    if body.json_array:
        event = (b",\n" if first > 0 else b"") + event + b"]"
    at = kept[-1].at if kept else 0.0
    return [*kept, _Atom(event, None, -1, -1, at)]


def _at_byte(spec: FaultSpec, atoms: list[_Atom], offset: int, rng: Random, stream: Stream) -> list[_Atom]:
    size = sum(len(atom.data) for atom in atoms)
    if offset >= size:
        return atoms
    if spec.kind == "corrupt":
        stream.injected.append(f"corrupt byte {offset}")
        return _flipped(atoms, offset)
    stream.injected.append(f"{spec.kind} at byte {offset}")
    stream.abort = stream.abort or spec.kind == "disconnect"
    return _cut(atoms, offset)


def _plural(frames: list[int]) -> str:
    return f" {frames[0]}" if len(frames) == 1 else f"s {', '.join(map(str, frames))}"


def _offset_of(atoms: list[_Atom], frame: int) -> int:
    offset = 0
    for atom in atoms:
        if atom.frame == frame:
            return offset
        offset += len(atom.data)
    return offset


def _cut(atoms: list[_Atom], offset: int) -> list[_Atom]:
    """The atoms holding the first ``offset`` bytes, the last one split if it straddles the cut."""
    kept: list[_Atom] = []
    position = 0
    for atom in atoms:
        if position >= offset:
            break
        room = offset - position
        kept.append(atom if len(atom.data) <= room else replace(atom, data=atom.data[:room]))
        position += len(atom.data)
    return kept


def _flipped(atoms: list[_Atom], offset: int) -> list[_Atom]:
    """Every bit of the byte at ``offset`` flipped: in UTF-8 text no flipped byte is valid alone, and in
    an AWS event stream any flip breaks a CRC."""
    position = 0
    result = []
    for atom in atoms:
        inside = offset - position
        if 0 <= inside < len(atom.data):
            data = bytearray(atom.data)
            data[inside] ^= 0xFF
            atom = replace(atom, data=bytes(data))
        result.append(atom)
        position += len(atom.data)
    return result


def _corrupt_spot(atoms: list[_Atom], frame: int, body: Body, rng: Random) -> int:
    """A byte of ``frame`` to flip: one of its message CRC in an AWS event stream, else one of its
    payload (not the line ends that close it)."""
    start = _offset_of(atoms, frame)
    size = sum(len(atom.data) for atom in atoms if atom.frame == frame)
    if body.crc_at_end:
        return start + size - 1 - rng.randrange(min(4, size))
    text = b"".join(atom.data for atom in atoms if atom.frame == frame).rstrip(b"\r\n")
    return start + rng.randrange(max(1, len(text)))


def _duplicated(atoms: list[_Atom], targets: set[int]) -> list[_Atom]:
    result: list[_Atom] = []
    for index, atom in enumerate(atoms):
        result.append(atom)
        ends_frame = index + 1 == len(atoms) or atoms[index + 1].frame != atom.frame
        if atom.frame in targets and ends_frame:
            copies = [replace(part, chunk=-1, at=atom.at, pause=0.0) for part in atoms if part.frame == atom.frame]
            result += copies
    return result


def _reordered(atoms: list[_Atom], targets: list[int], window: int, rng: Random, stream: Stream) -> list[_Atom]:
    """Each target frame and the ones after it, up to ``window`` frames, shuffled (never left as they were)."""
    frames = _frames(atoms)
    for first in targets:
        group = [frame for frame in frames if first <= frame < first + window]
        if len(group) < 2:
            continue
        order = group[:]
        while order == group:
            rng.shuffle(order)
        stream.injected.append(f"reorder events {group[0]}-{group[-1]} as {','.join(map(str, order))}")
        runs = {frame: [atom for atom in atoms if atom.frame == frame] for frame in group}
        position = next(index for index, atom in enumerate(atoms) if atom.frame in runs)
        rest = [atom for atom in atoms if atom.frame not in runs]
        atoms = rest[:position] + [atom for frame in order for atom in runs[frame]] + rest[position:]
    return atoms
