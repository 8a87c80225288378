"""JSON text, read as RFC 8259 defines it, exactly.

Two departures of Python's ``json`` from the RFC are undone here: it accepts ``NaN`` and
``Infinity`` (not JSON), and it refuses integers longer than the interpreter's conversion limit
(4,300 digits; valid JSON all the same). Such an integer is kept exact as a ``decimal.Decimal``,
which the report writers write as its digits. ``orjson`` is used where it gives the same answer,
because it is several times faster.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from typing import Any

import orjson

_INT_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 0)() or 10**9


def _integer(digits: str) -> int | Decimal:
    return int(digits) if len(digits.lstrip("-")) <= _INT_DIGITS else Decimal(digits)


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(text: str | bytes) -> Any:
    """The standard library's parse, integers exact at any size, ``NaN`` and ``Infinity`` refused."""
    return json.loads(text, parse_constant=_not_json, parse_int=_integer)


def compact_json(value: Any) -> str:
    """``value`` as compact JSON text; an integer beyond the conversion limit is written as a string of
    its digits (the one value this harness reads that Python's writer cannot write as a number)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def exact_json(raw: bytes) -> Any:
    """JSON with integers exact at any size, at ``orjson``'s speed where that is safe: ``orjson``
    unless the text has a run of 19 digits (the shortest integers it may hand back as floats: below
    -2**63 or above 2**64 - 1), ``strict_json`` for those and for whatever ``orjson`` refuses, so
    the result, and the error when there is one, are ``strict_json``'s (it also takes lone surrogate
    escapes, which ``orjson`` refuses)."""
    if _LONG_DIGIT_RUN.search(raw) is None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return strict_json(raw)


_LONG_DIGIT_RUN = re.compile(rb"\d{19}")
