"""Readers for values taken from untrusted JSON (payloads, requests, cassette metadata).

A member of the wrong type reads as absent, never as an error: the checks that care about the type
report it themselves, and everything else reads on. One rule for strings: ``string`` keeps ``""``
(an empty text is a value: a delta may be empty), ``name`` reads ``""`` as absent (an empty id, name
or type identifies nothing). Booleans are not integers here, although Python says they are.
"""

from __future__ import annotations

from typing import Any


def mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def array(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def integer(value: Any) -> int | None:
    """``value`` if it is a JSON integer (not a boolean), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def string(value: Any) -> str | None:
    """``value`` if it is a string, empty or not, else None."""
    return value if isinstance(value, str) else None


def name(value: Any) -> str | None:
    """``value`` if it is a non-empty string (an id, a name, a type), else None."""
    return value if isinstance(value, str) and value else None


def digits(value: Any, max_digits: int = 18) -> int | None:
    """A count, index or limit written as text (a query parameter, a header): ``value`` as an integer
    if it is ASCII digits only, and no longer than ``max_digits``, else None. ``str.isdigit`` alone
    takes ``"²"`` and ``"٣"``, which ``int`` then refuses, and thousands of digits cost ``int``
    quadratic time or a refusal past Python's conversion limit."""
    if isinstance(value, str) and 0 < len(value) <= max_digits and value.isascii() and value.isdigit():
        return int(value)
    return None
