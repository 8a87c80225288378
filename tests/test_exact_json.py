"""``exact_json``: orjson's speed, the standard library's integers, and its verdict on any text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.providers.base import exact_json, strict_json
from suites.properties.strategies import JSON

# Text biased towards what separates the two parsers: long digit runs, signs, exponents, escapes
# (a lone surrogate), a BOM, NaN, nesting.
TOKENS = st.sampled_from([
    "1", "9", "0", "-", ".", "e", "E", "+", "18446744073709551616", "-9223372036854775809", "9223372036854775807",
    '"', "\\ud800", "\\u0000", "\\n", "{", "}", "[", "]", ":", ",", " ", "null", "true", "NaN", "Infinity",
    "\ufeff", "é", '"a"',
])
TEXTS = st.lists(TOKENS, max_size=30).map("".join)


def parsed(parse: Any, raw: bytes) -> tuple[str, str]:
    """What a parser made of ``raw``, with int and float told apart, or the type of its error."""
    try:
        return "value", json.dumps(parse(raw))
    except (ValueError, RecursionError) as error:
        return "error", type(error).__name__ if not isinstance(error, ValueError) else "ValueError"


@given(JSON | st.integers(min_value=-(10**40), max_value=10**40))
def test_any_json_value_parses_as_the_standard_library_parses_it(value):
    raw = json.dumps(value).encode()
    assert parsed(exact_json, raw) == parsed(strict_json, raw) == ("value", json.dumps(value))


@given(TEXTS | st.binary(max_size=40).map(lambda raw: raw.decode("latin-1")))
def test_any_text_gets_the_standard_library_verdict(text):
    raw = text.encode("utf-8", errors="surrogatepass")
    assert parsed(exact_json, raw) == parsed(strict_json, raw)


@pytest.mark.parametrize("number", [2**64, 10**19, -(2**63) - 1, -9_999_999_999_999_999_999, 10**30])
def test_integers_past_64_bits_stay_exact(number):
    """orjson hands each of these back as a float; the shortest has 19 digits."""
    assert exact_json(b'{"n": %d}' % number) == {"n": number}


def test_a_lone_surrogate_escape_is_taken_as_the_standard_library_takes_it():
    assert exact_json(b'{"s": "\\ud800"}') == {"s": "\ud800"}  # orjson refuses it
