"""Content codings (RFC 9110 8.4): gzip, deflate, br and zstd, alone or chained, always streamed.

Every decoder stops at the body limit, so a decompression bomb costs the limit and no more, and says
it was stopped. gzip and zstd read every member (frame) to the end of the body: a server that flushes
one member per event writes many, and reading only the first loses every later event. A chain
(``Content-Encoding: gzip, br``) was applied left to right, so it is undone right to left.

A stored body is often already decoded although the header still names a coding (vcrpy's
``decode_compressed_response``, browsers' HAR files). gzip and zstd say so by a missing magic number;
deflate and br have none, so a body that does not decode under them and reads as text is taken as
already decoded. Whatever fails otherwise is a finding, and the body stays as stored.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from harness.exchange import Response
from harness.findings import Finding, Location, finding

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
ZSTD_MAX_WINDOW = 8 * 1024 * 1024  # RFC 9659: the "zstd" content coding never needs a larger window
_ZSTD_RATIO = 1 << 15  # at most ~32 KiB out per zstd byte in (an RLE block), so input is fed in steps sized by it
_STEP = 1 << 16
_OUT_STEP = 1 << 20  # brotli's output per call: its buffer grows slowly past a few MiB
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(slots=True)
class Decoded:
    data: bytes = b""
    problem: str | None = None  # why the input does not decode (corrupt, truncated, missing package)
    limited: bool = False  # decoding stopped at the limit (``data`` is then empty: nothing partial is kept)
    trailing: int = 0  # bytes after the last member (frame) that are not another one, left out of ``data``


# -- the decoders ----------------------------------------------------------------------------------------


def _inflate(inflater: zlib._Decompress, data: bytes, out: bytearray, limit: int) -> str:
    """Feed one zlib stream; "end", "truncated" (input ran out first) or "limit"."""
    pending = data
    while not inflater.eof:
        piece = inflater.decompress(pending, limit - len(out) + 1)
        out += piece
        if len(out) > limit:
            return "limit"
        pending = inflater.unconsumed_tail
        if not pending and not piece and not inflater.eof:
            return "truncated"
    return "end"


def gunzip(data: bytes, limit: int, *, partial: bool = False) -> Decoded:
    """Every gzip member to the end (zero padding after the last one is allowed, as gzip(1) does);
    ``partial`` wants a prefix (sniffing a file's head): a truncated stream or one past the limit
    gives what it decoded up to there."""
    out = bytearray()
    rest = data
    while True:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            state = _inflate(inflater, rest, out, limit)
        except zlib.error as error:
            return Decoded(bytes(out), problem=str(error))
        if state == "limit":
            return Decoded(bytes(out[:limit]) if partial else b"", limited=True)
        if state == "truncated":
            return Decoded(bytes(out), problem=None if partial else "truncated: the stream ends inside a member")
        rest = inflater.unused_data
        if not rest.strip(b"\x00"):
            return Decoded(bytes(out))
        if not rest.startswith(GZIP_MAGIC):
            return Decoded(bytes(out), trailing=len(rest))


def inflate(data: bytes, limit: int) -> Decoded:
    """HTTP ``deflate``: a zlib stream (RFC 1950), or the raw deflate some servers send instead."""
    wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
    inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    out = bytearray()
    try:
        state = _inflate(inflater, data, out, limit)
    except zlib.error as error:
        return Decoded(bytes(out), problem=str(error))
    if state == "limit":
        return Decoded(limited=True)
    if state == "truncated":
        return Decoded(bytes(out), problem="truncated: the stream ends before its last block")
    return Decoded(bytes(out), trailing=len(inflater.unused_data))


def unbrotli(data: bytes, limit: int) -> Decoded:
    """``br`` (RFC 7932), with the decoder's own output bound (brotli >= 1.2) so a bomb stops at the limit."""
    try:
        import brotli
    except ImportError:  # pragma: no cover  (a declared dependency)
        return Decoded(problem="the brotli package is not installed")
    decoder = brotli.Decompressor()
    out = bytearray()
    position = 0
    try:
        while True:
            room = limit - len(out) + 1
            if decoder.can_accept_more_data():
                if position >= len(data):
                    break
                piece = decoder.process(data[position : position + _STEP], output_buffer_limit=min(room, _OUT_STEP))
                position += _STEP
            else:
                piece = decoder.process(b"", output_buffer_limit=min(room, _OUT_STEP))
                if not piece and not decoder.can_accept_more_data():
                    return Decoded(bytes(out), problem="the decoder stopped making progress")
            out += piece
            if len(out) > limit:
                return Decoded(limited=True)
    except brotli.error as error:
        return Decoded(bytes(out), problem=str(error) or "corrupt stream")
    if not decoder.is_finished():
        return Decoded(bytes(out), problem="truncated: the stream ends before its last meta-block")
    return Decoded(bytes(out))


def unzstd(data: bytes, limit: int) -> Decoded:
    """``zstd`` (RFC 8878, 9659): every frame to the end, the window capped at 8 MiB, input fed in
    steps small enough that no step can decode to much past the limit."""
    try:
        import zstandard
    except ImportError:  # pragma: no cover  (a declared dependency)
        return Decoded(problem="the zstandard package is not installed")
    context = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
    out = bytearray()
    rest = data
    while True:
        decoder = context.decompressobj()
        position = 0
        try:
            while not decoder.eof:
                if position >= len(rest):
                    return Decoded(bytes(out), problem="truncated: the stream ends inside a frame")
                step = max(64, min(_STEP, (limit - len(out)) // _ZSTD_RATIO))
                out += decoder.decompress(rest[position : position + step])
                position += step
                if len(out) > limit:
                    return Decoded(limited=True)
        except zstandard.ZstdError as error:
            return Decoded(bytes(out), problem=str(error))
        rest = decoder.unused_data + rest[position:]
        if not rest:
            return Decoded(bytes(out))
        if not (rest.startswith(ZSTD_MAGIC) or (rest[1:4] == b"\x2a\x4d\x18" and rest[0] & 0xF0 == 0x50)):
            return Decoded(bytes(out), trailing=len(rest))


DECODERS: dict[str, Callable[[bytes, int], Decoded]] = {"gzip": gunzip, "x-gzip": gunzip, "deflate": inflate,
                                                        "br": unbrotli, "zstd": unzstd}
_MAGIC = {"gzip": GZIP_MAGIC, "x-gzip": GZIP_MAGIC, "zstd": ZSTD_MAGIC}


# -- a response's body -------------------------------------------------------------------------------------


def content_codings(headers: dict[str, list[str]]) -> list[str]:
    """Every coding the Content-Encoding headers name, in the order they were applied (identity left out)."""
    codings = []
    for name, values in headers.items():
        if name.lower() == "content-encoding":
            for value in values:
                codings += [part.strip().lower() for part in str(value).split(",")]
    return [coding for coding in codings if coding and coding != "identity"]


def _sniffed(body: bytes) -> list[str]:
    """A body that carries a magic number but no header (stored compressed with the header dropped)."""
    if body.startswith(GZIP_MAGIC):
        return ["gzip"]
    if body.startswith(ZSTD_MAGIC):
        return ["zstd"]
    return []


def _looks_like_text(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(body) is None


def decode_body(response: Response, findings: list[Finding], where: Location, *, limit: int,
                lenient: bool = False) -> bool:
    """Undo the response's content codings in place; what cannot be undone is a finding and the body
    stays as stored. ``lenient``: the format says bodies are stored decoded (a HAR file), so a first
    coding that does not decode means the header is stale, never that the body is broken. True when
    the body changed."""
    named = content_codings(response.headers)
    codings = named or _sniffed(response.body)
    body = response.body
    header = where.with_(path="response.headers.content-encoding")
    for step, coding in enumerate(reversed(codings)):
        label = f"{coding} body" if len(codings) == 1 else f"{coding} layer of a `{', '.join(named)}` body"
        check = "CASSETTE-007" if coding in ("gzip", "x-gzip") else "CASSETTE-011"
        decoder = DECODERS.get(coding)
        if decoder is None:
            findings.append(finding("CASSETTE-011", f"content coding {coding!r} is not one the harness decodes "
                                    "(gzip, deflate, br, zstd): the body is left as stored", header))
            return False
        magic = _MAGIC.get(coding)
        if magic is not None and not body.startswith(magic):
            if step == 0:
                return False  # stored decoded; the header is stale
            findings.append(finding(check, f"the {label} is not {coding} data: the body is left as stored", header))
            return False
        decoded = decoder(body, limit)
        if decoded.limited:
            findings.append(finding("CASSETTE-003", f"the {label} decodes to more than the {limit}-byte body limit: "
                                    "decoding stopped at the limit and the body is left as stored", header))
            return False
        if decoded.problem is not None:
            if step == 0 and (lenient or (magic is None and _looks_like_text(body))):
                return False  # stored decoded; the header is stale
            findings.append(finding(check, f"the {label} does not decode ({decoded.problem}): "
                                    "the body is left as stored", header))
            return False
        if decoded.trailing:
            findings.append(finding(check, f"{decoded.trailing} bytes after the end of the {label} are not "
                                    f"{coding} data: left out of the body", header))
        body = decoded.data
    changed = body is not response.body
    response.body = body
    return changed
