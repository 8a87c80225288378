"""Reading a path without trusting it: regular files only, never blocking, never past the limit.

A FIFO, a device (``/dev/zero``, ``/dev/urandom``), a socket or a directory is refused from its
``stat`` before anything is opened, and the file is opened non-blocking and checked again on the open
descriptor, so a path swapped for a FIFO in between cannot hang the loader either. A gzip-compressed
cassette (``.yaml.gz``, ``.json.gz``, or gzip bytes under any name) is inflated here, within the same
limit as the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from harness.findings import Location
from harness.formats.bodies import GZIP_MAGIC, gunzip
from harness.formats.model import Cassette, refuse

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_READ_BYTES = 1 << 20


def not_regular(mode: int) -> str | None:
    """What a file of this mode is, when it is not a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def read_file(path: Path, cassette: Cassette, where: Location, max_bytes: int) -> bytes | None:
    """The file's bytes, or None with the reason refused on the cassette."""
    try:
        kind = not_regular(os.stat(path).st_mode)
        if kind is not None:
            refuse(cassette, "CASSETTE-001", f"not a regular file but {kind}: refused without reading it", where)
            return None
        descriptor = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        refuse(cassette, "CASSETTE-001", f"cannot read the file: {getattr(error, 'strerror', None) or error}", where)
        return None
    try:
        status = os.fstat(descriptor)
        kind = not_regular(status.st_mode)
        if kind is not None:
            refuse(cassette, "CASSETTE-001", f"not a regular file but {kind}: refused without reading it", where)
            return None
        if status.st_size > max_bytes:
            refuse(cassette, "CASSETTE-003", f"file is {status.st_size} bytes, over the {max_bytes} limit", where)
            return None
        data = _read_at_most(descriptor, max_bytes + 1)
    except OSError as error:
        refuse(cassette, "CASSETTE-001", f"cannot read the file: {error.strerror or error}", where)
        return None
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:  # it grew after the stat
        refuse(cassette, "CASSETTE-003", f"file is over the {max_bytes} limit", where)
        return None
    return data


def _read_at_most(descriptor: int, count: int) -> bytes:
    parts: list[bytes] = []
    left = count
    while left > 0:
        part = os.read(descriptor, min(left, _READ_BYTES))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def inflate_file(data: bytes, cassette: Cassette, where: Location, max_bytes: int) -> bytes | None:
    """A gzip-compressed cassette inflated (every member), or None with the reason refused."""
    decoded = gunzip(data, max_bytes)
    if decoded.limited:
        refuse(cassette, "CASSETTE-003",
               f"the gzip-compressed file inflates past the {max_bytes}-byte file limit: stopped there", where)
        return None
    if decoded.problem is not None:
        refuse(cassette, "CASSETTE-001", f"the gzip-compressed file does not inflate: {decoded.problem}", where)
        return None
    return decoded.data


def head(path: Path, count: int) -> bytes:
    """The first ``count`` bytes of a regular file (inflated, for a gzip file), or b"" for anything else."""
    try:
        if not_regular(os.stat(path).st_mode) is not None:
            return b""
        descriptor = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):
        return b""
    try:
        if not_regular(os.fstat(descriptor).st_mode) is not None:
            return b""
        data = _read_at_most(descriptor, count)
    except OSError:
        return b""
    finally:
        os.close(descriptor)
    if data.startswith(GZIP_MAGIC):
        return gunzip(data, count, partial=True).data[:count]
    return data
