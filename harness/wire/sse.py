"""Incremental ``text/event-stream`` decoder that follows the WHATWG parsing rules to the byte.

Hand-written because no library fits: the harness needs byte offsets for every frame, findings
(not exceptions, not silent replacement) for invalid UTF-8, a size limit per frame, and the same
frames whatever the chunking, including a CR at the end of one chunk and its LF at the start of the
next (httpx-sse and sseclient-py decode text first and lose the offsets).

Rules (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
lines end in CRLF, LF or CR; a leading U+FEFF is dropped once; ``:`` starts a comment; a field's
value loses one leading space; ``data`` lines join with LF; a blank line dispatches, unless no
``data`` field was seen; ``id`` with NUL and non-digit ``retry`` are ignored. A stream that ends
inside an event is truncated: the harness reports it and still hands the partial frame on, marked.
"""

from __future__ import annotations

import re

from harness.findings import Finding, Location, finding
from harness.wire.frames import Frame

BOM = b"\xef\xbb\xbf"
DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024
_LINE_END = re.compile(rb"[\r\n]")
_WAIT_BYTES = 1 << 16  # the longest unfinished event held back whole for the fast path
_REGION_BYTES = 1 << 16  # complete events split off at a time by the fast path
_NAMES_KEPT = 256  # event names kept decoded

_MAX_RETRY_DIGITS = 18  # a reconnection delay in milliseconds; more digits than any int64 holds is no delay


class SSEDecoder:
    """Feed bytes in any chunking; get complete frames back as soon as their blank line arrives."""

    def __init__(self, *, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES, exchange: int | None = None) -> None:
        self.max_frame_bytes = max_frame_bytes
        self._wait_bytes = min(_WAIT_BYTES, max_frame_bytes)  # an over-long event is read line by line
        self.exchange = exchange
        self.findings: list[Finding] = []
        self._buffer = bytearray()
        self._buffer_offset = 0  # absolute offset of _buffer[0] in the body
        self._started = False  # BOM handled
        self._discarding_line = False  # inside an over-long line, dropping bytes up to its end
        self._skip_lf = False  # an over-long line was dropped up to its CR; an LF next belongs to it
        self._scan_from = 0  # how far into the buffer no line end was found by the last feed
        self._frames = 0
        self._last_id: str | None = None  # like the reconnection time, it outlives the event (WHATWG)
        self._names: dict[bytes, str] = {}  # event names decoded once: a stream uses a handful
        self._retry: int | None = None
        self._reset_event()

    # -- public -------------------------------------------------------------------------------------

    def feed(self, chunk: bytes) -> list[Frame]:
        self._buffer += chunk
        if not self._started and not self._consume_bom(final=False):
            return []
        return self._drain(fed=len(chunk))

    def close(self) -> list[Frame]:
        """End of body: flush a last unterminated line, report an event left open."""
        if not self._started:
            self._consume_bom(final=True)
        frames = self._drain(final=True)
        if self._buffer:
            if self._discarding_line:
                self._frame_bytes += len(self._buffer)  # the tail of the over-long line
            else:
                self._line(bytes(self._buffer), self._buffer_offset, len(self._buffer))
            self._buffer_offset += len(self._buffer)
            self._buffer.clear()
        if self._frame_start is not None and (self._data or self._event is not None):
            self.findings.append(
                finding("WIRE-003", "the body ended inside an event (no blank line after it)",
                        self._where(self._frame_start), actual=self._frame_bytes)
            )
            frame = self._dispatch(self._buffer_offset, truncated=True)
            if frame is not None:
                frames.append(frame)
        return frames

    # -- lines --------------------------------------------------------------------------------------

    def _consume_bom(self, final: bool) -> bool:
        if len(self._buffer) < len(BOM) and BOM.startswith(bytes(self._buffer)) and not final:
            return False  # could still become a BOM
        if self._buffer.startswith(BOM):
            del self._buffer[: len(BOM)]
            self._buffer_offset += len(BOM)
        self._started = True
        return True

    def _drain(self, final: bool = False, fed: int | None = None) -> list[Frame]:
        frames: list[Frame] = []
        buffer = self._buffer
        start = 0
        if self._skip_lf and buffer:
            self._skip_lf = False
            if buffer[:1] == b"\n":  # the LF of a CRLF that ended a discarded over-long line
                start = 1
                self._frame_bytes += 1
        scan_from = self._scan_from  # no line end before here: a long line is not searched again
        # What waits for the fast path is read again by the next feed, so it waits only if no longer
        # than this feed: every byte is then read a bounded number of times, whatever the chunking.
        patience = self._wait_bytes if fed is None else min(self._wait_bytes, fed)
        lf_from: int | None = None  # LF line ends only from here on (found when first needed)
        crlf = False
        while True:
            if self._frame_start is None and not self._discarding_line and scan_from <= start:
                if lf_from is None:
                    lf_from = max(buffer.rfind(b"\r", start) + 1, start)
                    crlf = lf_from > start and _only_crlf(buffer, start)
                if crlf or start >= lf_from:
                    blank = b"\n\n" if start >= lf_from else b"\r\n\r\n"
                    start = self._whole_events(frames, start, blank)
                    waiting = len(buffer) - start
                    if not final and 0 < waiting <= patience and buffer.find(blank, start) == -1:
                        break  # an event still arriving waits whole, so that the next feed takes the fast path
            match = _LINE_END.search(buffer, max(start, scan_from))
            if match is None:
                scan_from = len(buffer)
                break
            end = match.start()
            terminator = 1
            if buffer[end] == 0x0D:  # CR: a CRLF if an LF follows
                if end + 1 == len(buffer) and not final:
                    scan_from = end
                    break  # wait: the LF may arrive with the next chunk, and offsets must not depend on it
                if buffer[end + 1 : end + 2] == b"\n":
                    terminator = 2
            line_offset = self._buffer_offset + start
            if self._discarding_line:
                self._discarding_line = False
                self._frame_bytes += end - start + terminator
            else:
                frame = self._line(bytes(buffer[start:end]), line_offset, end - start + terminator)
                if frame is not None:
                    frames.append(frame)
            start = end + terminator
        self._scan_from = max(scan_from - start, 0)
        del buffer[:start]
        self._buffer_offset += start
        if len(buffer) > self.max_frame_bytes:
            if self._frame_start is None:
                self._frame_start = self._buffer_offset
            if not self._too_big:
                self._oversized(self._frame_start)
            self._too_big = True
            self._frame_bytes += len(buffer)
            self._buffer_offset += len(buffer)
            ends_line = buffer.endswith(b"\r")  # held back only to see whether an LF follows
            buffer.clear()
            self._scan_from = 0
            if ends_line:
                self._skip_lf = True
            else:
                self._discarding_line = True
        return frames

    def _whole_events(self, frames: list[Frame], position: int, blank: bytes) -> int:
        """Fast path for the common case (one kind of line end, LF or CRLF, given by the ``blank``
        line that ends an event): the complete events in the buffer are split off a region at a time
        (``_REGION_BYTES``, or one longer event, so a whole body fed at once costs no more than its
        frames), and a valid UTF-8 event of only data/event fields and comments becomes a frame
        without being read line by line. Any other event (an ``id`` or ``retry`` field, invalid
        UTF-8, too big) goes through the line-by-line path right here, so frames, offsets and
        findings are the same either way, and each byte is read a bounded number of times. Returns
        how far it got: the end of the last complete event."""
        buffer = self._buffer
        while True:
            last = buffer.rfind(blank, position, position + _REGION_BYTES)
            if last == -1:
                last = buffer.find(blank, position)
                if last == -1:
                    return position
            self._region(frames, bytes(buffer[position:last]), self._buffer_offset + position, blank)
            position = last + len(blank)

    def _region(self, frames: list[Frame], region: bytes, offset: int, blank: bytes) -> None:
        line_end = blank[: len(blank) // 2]
        for piece in region.split(blank):
            end = offset + len(piece) + len(blank)
            fields = None
            if end - offset <= self.max_frame_bytes and (piece.isascii() or _is_utf8(piece)):
                fields = _plain_event(piece, line_end) or _event_lines(piece, line_end)
            if fields is None:
                self._lines(piece + blank, offset, frames)
            elif fields[1] is not None:
                event = None if fields[0] is None else self._name(fields[0])
                frames.append(Frame(self._frames, offset, end, fields[1], event, self._last_id, self._retry))
                self._frames += 1
            offset = end

    def _name(self, raw: bytes) -> str:
        """An event name, decoded once: a protocol has a few dozen (a hostile stream's millions are
        decoded each time, not kept)."""
        name = self._names.get(raw)
        if name is None:
            name = raw.decode("utf-8")
            if len(self._names) < _NAMES_KEPT:
                self._names[raw] = name
        return name

    def _lines(self, raw: bytes, offset: int, frames: list[Frame]) -> None:
        """Complete lines of one line-end style, read one by one (the fast path's way out)."""
        line_end = b"\r\n" if raw.endswith(b"\r\n") else b"\n"
        for line in raw.split(line_end)[:-1]:
            frame = self._line(line, offset, len(line) + len(line_end))
            if frame is not None:
                frames.append(frame)
            offset += len(line) + len(line_end)

    def _line(self, raw: bytes, offset: int, length: int) -> Frame | None:
        if not raw:
            return self._dispatch(offset + length) if self._frame_start is not None else None
        if self._frame_start is None:
            self._frame_start = offset
        self._frame_bytes += length
        if self._frame_bytes > self.max_frame_bytes:
            if not self._too_big:
                self._oversized(self._frame_start)
            self._too_big = True
            return None
        if raw[:1] == b":":
            return None
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            self.findings.append(
                finding("WIRE-001", f"invalid UTF-8 ({error.reason})", self._where(offset + error.start),
                        actual=raw[error.start : error.end].hex())
            )
            line = raw.decode("utf-8", errors="replace")
        name, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        self._field(name, value, offset)
        return None

    def _field(self, name: str, value: str, offset: int) -> None:
        if name == "data":
            if self._data is None:
                self._data = []
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\x00" in value:
                self._ignored("id field with NUL ignored", offset)
            else:
                self._last_id = value
        elif name == "retry":
            if not (value.isascii() and value.isdigit()):
                self._ignored(f"retry field {value[:40]!r} is not all digits: ignored", offset)
            elif len(value) > _MAX_RETRY_DIGITS:
                self._ignored(f"retry field of {len(value)} digits (no delay is that long): ignored", offset)
            else:
                self._retry = int(value)
        else:
            self._ignored(f"unknown field {name!r} ignored", offset)

    # -- events -------------------------------------------------------------------------------------

    def _dispatch(self, end: int, truncated: bool = False) -> Frame | None:
        start, data, event, too_big = self._frame_start, self._data, self._event, self._too_big
        self._reset_event()
        if data is None or too_big or start is None:
            return None  # WHATWG: an event without data is not dispatched; an oversized one was reported
        frame = Frame(
            index=self._frames,
            offset=start,
            end=end,
            payload="\n".join(data).encode("utf-8"),
            event=event,
            id=self._last_id,
            retry=self._retry,
            truncated=truncated,
        )
        self._frames += 1
        return frame

    def _reset_event(self) -> None:
        self._frame_start: int | None = None
        self._frame_bytes = 0
        self._data: list[str] | None = None
        self._event: str | None = None
        self._too_big = False

    # -- findings -----------------------------------------------------------------------------------

    def _where(self, offset: int) -> Location:
        return Location(exchange=self.exchange, frame=self._frames, offset=offset)

    def _oversized(self, offset: int) -> None:
        self.findings.append(
            finding("WIRE-002", f"frame larger than {self.max_frame_bytes} bytes: dropped", self._where(offset))
        )

    def _ignored(self, message: str, offset: int) -> None:
        self.findings.append(finding("WIRE-005", message, self._where(offset)))


def _only_crlf(buffer: bytearray, start: int) -> bool:
    """Whether every line end from ``start`` on is a CRLF (a last CR may wait for its LF): then the
    fast path reads it."""
    end = len(buffer) - 1 if buffer.endswith(b"\r") else len(buffer)
    return buffer.count(b"\r", start, end) == buffer.count(b"\n", start, end) == buffer.count(b"\r\n", start, end)


def _plain_event(piece: bytes, line_end: bytes) -> tuple[bytes | None, bytes] | None:
    """``event: X`` then ``data: Y``, or ``data: Y`` alone: what nearly every provider sends."""
    event = None
    data_at = 0
    if piece.startswith(b"event:"):
        cut = piece.find(line_end)
        if cut == -1:
            return None
        event = piece[7 if piece.startswith(b" ", 6) else 6 : cut]
        data_at = cut + len(line_end)
    if not piece.startswith(b"data:", data_at) or piece.find(line_end, data_at) != -1:
        return None
    return event, piece[data_at + 6 if piece.startswith(b" ", data_at + 5) else data_at + 5 :]


def _event_lines(piece: bytes, line_end: bytes) -> tuple[bytes | None, bytes | None] | None:
    """Any mix of ``data``, ``event`` and comment lines (None when another field needs the careful
    path); the data is None when no data line came, and the event is then not dispatched."""
    data: list[bytes] = []
    event: bytes | None = None
    for line in piece.split(line_end):
        name, colon, value = line.partition(b":")
        if not name and colon:
            continue  # a comment
        if colon and value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            data.append(value)
        elif name == b"event":
            event = value
        else:
            return None
    return event, b"\n".join(data) if data else None


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode(body: bytes, **options: int) -> tuple[list[Frame], list[Finding]]:
    """Decode a whole body at once; the same frames ``feed`` yields for any split of it."""
    decoder = SSEDecoder(**options)  # type: ignore[arg-type]
    frames = decoder.feed(body)
    frames += decoder.close()
    return frames, decoder.findings


def encode(messages: list[tuple[str | None, str]], *, line_end: str = "\n") -> bytes:
    """Frame ``(event name, data)`` pairs as an event stream, the inverse of ``decode``.

    Data containing line breaks becomes several ``data:`` lines, which the decoder joins again; a
    leading space is protected by the one space after the colon that the decoder strips.
    """
    out: list[str] = []
    for event, data in messages:
        if event is not None:
            out.append(f"event: {event}{line_end}")
        for line in _LINES.split(data):
            out.append(f"data: {line}{line_end}")
        out.append(line_end)
    return "".join(out).encode("utf-8")


_LINES = re.compile(r"\r\n|\r|\n")
