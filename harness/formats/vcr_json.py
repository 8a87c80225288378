"""JSON documents: vcrpy's JSON serializer (``{"interactions": [...], "version": 1}``), and the JSON
that HAR files and nock recordings are written in. Parse errors keep the reason, line and column."""

from __future__ import annotations

from typing import Any

import orjson

from harness.findings import Location
from harness.formats.model import Cassette, unparsed

BOM = b"\xef\xbb\xbf"


class Unparsed(Exception):
    """The bytes are not JSON; ``reason`` says why and where."""

    def __init__(self, reason: str, offset: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


def parse_json(raw: bytes) -> Any:
    """The document, or ``Unparsed`` with the parser's reason (line and column, 1-based)."""
    text = raw.removeprefix(BOM)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        offset = _byte_offset(text, error.pos)
        raise Unparsed(f"{error.msg} at line {error.lineno}, column {error.colno}", offset) from None


def _byte_offset(text: bytes, position: int) -> int | None:
    """orjson counts characters of the decoded text; the location wants bytes of the file."""
    try:
        return len(text.decode("utf-8")[:position].encode("utf-8"))
    except UnicodeDecodeError:
        return None


def refuse_json(cassette: Cassette, where: Location, error: Unparsed, raw: bytes) -> None:
    shift = len(BOM) if raw.startswith(BOM) else 0
    offset = None if error.offset is None else error.offset + shift
    unparsed(cassette, f"not readable JSON: {error.reason}", where.with_(offset=offset), raw, "json")
