"""Writing what a cassette holds, safely: anything a cassette can contain must print and serialise.

Strings from data (paths, provider names, ids, tool names, payload text) may carry terminal escape
sequences, bidirectional overrides, characters XML cannot hold, or lone surrogates (a file name that
is not UTF-8, a ``"\\ud800"`` escape in a payload). Printed raw they rewrite a terminal or break a
report; encoded as UTF-8 they raise. Every renderer passes such strings through ``printable``, and
writes JSON through ``json_bytes``.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import orjson

# C0 and C1 controls (DEL too), lone surrogates, line and paragraph separators, and the bidirectional
# embedding, override and isolate controls (the "Trojan Source" characters).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control, separator, bidi or surrogate character written as its escape, so
    it shows as one inert line in a terminal, a Markdown table or an XML attribute."""
    return _UNSAFE.sub(_escape, text)


def escaped(value: object) -> str:
    """Any value as inert HTML/SVG text: controls, bidi and surrogates written as escapes, markup quoted."""
    return html.escape(printable(str(value)), quote=True)


def json_bytes(data: Any, *, indent: bool = False, sort_keys: bool = False) -> bytes:
    """JSON for anything a cassette can contain. ``orjson`` where it can; otherwise the standard
    library, which writes integers exactly at any size (orjson stops at 64 bits) and strings that
    are not valid Unicode (lone surrogates) as ``\\u`` escapes of their code points, so a JSON
    reader in Python gets the very same string back. Both write standard JSON."""
    options = (orjson.OPT_INDENT_2 if indent else 0) | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    try:
        return orjson.dumps(data, option=options)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(data, indent=2 if indent else None, sort_keys=sort_keys, ensure_ascii=True,
                          separators=None if indent else (",", ":"), default=str).encode("ascii")
