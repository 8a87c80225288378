"""The newline-delimited JSON decoder: one frame per non-blank line, exact offsets, any chunking."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from harness.wire.jsonlines import JSONLinesDecoder
from tests.feeding import feed


def decode(body: bytes, cuts=()):
    return feed(JSONLinesDecoder(exchange=3), body, cuts)


def test_one_frame_per_line_with_offsets():
    body = b'{"a":1}\n{"b":2}\n'
    frames, findings = decode(body)
    assert [f.text for f in frames] == ['{"a":1}', '{"b":2}']
    assert [(f.offset, f.end) for f in frames] == [(0, 8), (8, 16)]
    assert [f.index for f in frames] == [0, 1]
    assert findings == []


def test_crlf_is_stripped_but_counted():
    body = b'{"a":1}\r\n{"b":2}\r\n'
    frames, _ = decode(body)
    assert [f.text for f in frames] == ['{"a":1}', '{"b":2}']
    assert [(f.offset, f.end) for f in frames] == [(0, 9), (9, 18)]


def test_blank_lines_skipped_and_indices_stay_dense():
    body = b'\n\n{"a":1}\n  \n\r\n{"b":2}\n\n'
    frames, findings = decode(body)
    assert [f.text for f in frames] == ['{"a":1}', '{"b":2}']
    assert [f.index for f in frames] == [0, 1]
    assert frames[0].offset == 2
    assert frames[1].offset == body.index(b'{"b"')
    assert findings == []


def test_last_line_without_newline():
    body = b'{"a":1}\n{"b":2}'
    frames, _ = decode(body)
    assert [f.text for f in frames] == ['{"a":1}', '{"b":2}']
    assert (frames[1].offset, frames[1].end) == (8, len(body))


def test_invalid_utf8_is_a_finding_with_absolute_offset():
    body = b'{"a":1}\n{"b":"\xff"}\n{"c":3}\n'
    frames, findings = decode(body)
    assert len(frames) == 3
    assert frames[1].text == '{"b":"\ufffd"}'
    assert [(f.check, f.location.offset, f.location.exchange, f.location.frame) for f in findings] == [
        ("WIRE-001", body.index(b"\xff"), 3, 1)
    ]


def test_lines_are_passed_through_unparsed():
    frames, findings = decode(b"not json\n[1,2]\n")
    assert [f.text for f in frames] == ["not json", "[1,2]"]
    assert findings == []


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
PIECES = st.lists(
    JSON_VALUES.map(lambda v: json.dumps(v, ensure_ascii=False).encode())
    | st.sampled_from([b"\n", b"\r\n", b"\r", b" ", b"\xff", b"\xc3", "\u00e9".encode()]),
    max_size=12,
).map(b"".join)


@given(PIECES.flatmap(lambda body: st.tuples(st.just(body), st.lists(st.integers(0, len(body)), max_size=10))))
def test_chunking_invariance(case):
    body, cuts = case
    assert decode(body, cuts) == decode(body)


@given(st.lists(JSON_VALUES, max_size=8), st.sampled_from([b"\n", b"\r\n"]), st.booleans())
def test_round_trip_and_offsets(values, eol, trailing):
    lines = [json.dumps(v, ensure_ascii=False).encode() for v in values]
    body = eol.join(lines) + (eol if trailing and lines else b"")
    frames, findings = decode(body)
    assert findings == []
    assert [json.loads(f.text) for f in frames] == values
    for frame, line in zip(frames, lines):
        assert body[frame.offset : frame.offset + len(line)] == line
        assert body[frame.offset : frame.end].rstrip(b"\r\n") == line
    for before, after in zip(frames, frames[1:]):
        assert before.end == after.offset


@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(body):
    frames, findings = decode(body)
    assert all(f.check == "WIRE-001" for f in findings)
    for before, after in zip(frames, frames[1:]):
        assert before.end <= after.offset
    assert [f.payload.decode("utf-8") for f in frames] == [f.text for f in frames]  # replaced, after WIRE-001
