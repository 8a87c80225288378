"""Hostile input, values: tool arguments are judged by RFC 8259 exactly (issue: hostile input, class 12)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from harness import events as ev
from harness.reducer import Reducer
from harness.report.safe import json_bytes


def folded(arguments: str) -> tuple[object, bool | None, set[str]]:
    reducer = Reducer()
    for event in (ev.TurnStarted(), ev.ItemStarted(item_id="c", kind="tool_call", name="f", call_id="c"),
                  ev.ToolCallDelta(item_id="c", text=arguments), ev.ItemCompleted(item_id="c"),
                  ev.TurnCompleted(stop="tool_use")):
        reducer.apply(event)
    turn = reducer.finish()
    return turn.items[0].arguments, turn.items[0].arguments_valid, {f.check for f in reducer.findings}


@settings(max_examples=30, deadline=None)
@given(constant=st.sampled_from(["NaN", "Infinity", "-Infinity"]), key=st.text(max_size=5))
def test_nan_and_infinity_are_not_json(constant: str, key: str) -> None:
    _, valid, checks = folded('{"%s": %s}' % (key.replace('"', "").replace("\\", ""), constant))
    assert valid is False and "ASSEMBLY-003" in checks


@settings(max_examples=10, deadline=None)
@given(digits=st.integers(min_value=4301, max_value=20_000))
def test_an_integer_of_any_length_is_json_and_stays_exact(digits: int) -> None:
    number = "7" * digits
    arguments, valid, checks = folded('{"n": %s}' % number)
    assert valid is True and "ASSEMBLY-003" not in checks
    assert arguments == {"n": Decimal(number)}
    assert number.encode() in json_bytes(arguments)  # written as its digits


# -- an unreadable request after an interrupt (class 13) -------------------------------------------------------

import copy  # noqa: E402
from pathlib import Path  # noqa: E402

import orjson  # noqa: E402
import pytest  # noqa: E402

from harness.cassette import Cassette, load  # noqa: E402
from harness.pipeline import check_cassette  # noqa: E402

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"


def interrupted_then_answered() -> dict[str, Cassette]:
    """Per family, the first shipped cassette whose first turn waits for the client and is answered."""
    found: dict[str, Cassette] = {}
    for path in sorted(CASSETTES.rglob("*.yaml")):
        cassette = load(path)
        if len(cassette.exchanges) < 2 or cassette.meta.expect:
            continue
        report = check_cassette(cassette)
        first = report.exchanges[0]
        if first.provider and first.provider not in found and first.turn and first.turn.interrupt:
            found[first.provider] = cassette
    return found


RESUMABLE = interrupted_then_answered()
UNREADABLE = st.one_of(st.binary(min_size=1, max_size=40).filter(lambda b: not b.strip().startswith(b"{")),
                       st.lists(st.integers(-9, 9), max_size=3).map(orjson.dumps))


def test_every_family_with_an_interrupt_is_covered() -> None:
    assert len(RESUMABLE) >= 8, sorted(RESUMABLE)


@pytest.mark.parametrize("family", sorted(RESUMABLE))
@settings(max_examples=8, deadline=None)
@given(body=UNREADABLE)
def test_an_unreadable_request_after_an_interrupt_is_reported(family: str, body: bytes) -> None:
    cassette = copy.deepcopy(RESUMABLE[family])
    request = cassette.exchanges[1].request
    request.body = body
    try:
        request.json = orjson.loads(body)
    except orjson.JSONDecodeError:
        request.json = None
    report = check_cassette(cassette)
    found = [f.check for f in report.exchanges[1].findings if f.check.startswith("RESUME")]
    assert found == ["RESUME-010"], (family, found)  # one fault, one finding, in every family


# -- numbers written as text (class 2) -------------------------------------------------------------------------

from harness.values import digits  # noqa: E402


@settings(max_examples=80, deadline=None)
@given(text=st.one_of(st.text(max_size=30), st.text("0123456789", min_size=1, max_size=6000),
                      st.text("0123456789\u00b2\u0663\uff11\u2155", min_size=1, max_size=8)))
def test_digits_reads_a_bounded_ascii_count_or_nothing(text: str) -> None:
    value = digits(text)
    if value is None:
        assert not (text.isascii() and text.isdigit() and len(text) <= 18)
    else:
        assert str(value) == text.lstrip("0") or value == 0


def test_a_page_size_no_int_can_read_is_a_finding_not_a_crash() -> None:
    from harness.exchange import Exchange, Request, Response
    from harness.pipeline import check_cassette

    for odd in ("²", "9" * 5000, "-1"):
        request = Request(method="POST", uri=f"https://bedrock-agent-runtime.us-east-1.amazonaws.com/sessions/?maxResults={odd}",
                          body=b"{}", json={})
        response = Response(headers={"content-type": ["application/json"]}, body=b'{"sessionSummaries": []}')
        report = check_cassette(Cassette(path=Path("x.yaml"), exchanges=[Exchange(index=0, request=request, response=response)]))
        assert "LIFECYCLE-760" in {f.check for f in report.findings}, odd


@settings(max_examples=20, deadline=None)
@given(number=st.integers(min_value=2**64, max_value=2**200))
def test_a_sequence_number_past_64_bits_is_read_as_what_it_is(number: int) -> None:
    from harness.pipeline import run_body

    body = (b'event: response.created\ndata: {"type":"response.created","sequence_number":%d,"response":'
            b'{"id":"resp_1","object":"response","status":"in_progress","output":[]}}\n\n' % number)
    checks = {f.check for f in run_body("openai-responses", body).findings}
    assert "ORDER-001" not in checks and "ORDER-002" in checks  # a number, and not the 0 a fresh stream starts at
