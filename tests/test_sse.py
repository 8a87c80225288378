"""The SSE decoder against the WHATWG event-stream rules, byte offsets and chunking invariance."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.registry import catalogue
from harness.wire.sse import BOM, SSEDecoder, decode, encode
from tests.feeding import feed


def checks(findings) -> list[str]:
    return [f.check for f in findings]


def feed_in_pieces(body: bytes, cuts, **options):
    """Feed ``body`` split at ``cuts``; return what decode() returns."""
    return feed(SSEDecoder(**options), body, cuts)


def feed_bytewise(body: bytes, **options):
    return feed_in_pieces(body, range(1, len(body)), **options)


# -- line ends ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_each_line_end_style(eol):
    body = b"event: e" + eol + b"data: a" + eol + b"data: b" + eol + eol + b"data: c" + eol + eol
    frames, findings = decode(body)
    assert [(f.text, f.event) for f in frames] == [("a\nb", "e"), ("c", None)]
    assert findings == []
    assert frames[0].offset == 0
    assert frames[0].end == len(b"event: e" + eol + b"data: a" + eol + b"data: b" + eol + eol)
    assert frames[1].offset == frames[0].end
    assert frames[1].end == len(body)


def test_mixed_line_ends_in_one_event():
    body = b"data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r"
    frames, findings = decode(body)
    assert [f.text for f in frames] == ["a\nb\nc", "d"]
    assert findings == []
    assert frames[0].end == body.index(b"data: d")


def test_lf_then_cr_is_two_line_ends():
    # "\n\r" is LF followed by CR: two line ends, so the blank line dispatches.
    frames, _ = decode(b"data: a\n\rdata: b\n\n")
    assert [f.text for f in frames] == ["a", "b"]


def test_cr_and_lf_split_across_chunks_is_one_line_end():
    body = b"data: a\r\ndata: b\r\n\r\n"
    cut = body.index(b"\n")  # the first CR ends one chunk, its LF starts the next
    frames, findings = feed_in_pieces(body, [cut])
    assert [f.text for f in frames] == ["a\nb"]
    assert findings == []
    assert (frames[0].offset, frames[0].end) == (0, len(body))


def test_frame_waits_for_its_blank_line():
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    frames = decoder.feed(b"\n")
    assert [f.text for f in frames] == ["a"]
    assert decoder.close() == []


# -- BOM ------------------------------------------------------------------------------------------------


def test_leading_bom_dropped_and_counted_in_offsets():
    body = BOM + b"data: x\n\n"
    frames, findings = decode(body)
    assert [f.text for f in frames] == ["x"]
    assert findings == []
    assert frames[0].offset == 3 and frames[0].end == len(body)


@pytest.mark.parametrize("cuts", [[1], [2], [1, 2], [1, 2, 3], [3]])
def test_bom_split_across_chunks(cuts):
    body = BOM + b"data: x\n\n"
    assert feed_in_pieces(body, cuts) == decode(body)
    frames, _ = feed_in_pieces(body, cuts)
    assert [f.text for f in frames] == ["x"]


def test_only_first_bom_is_dropped():
    # The second BOM belongs to the first line: the field is named "\ufeffdata" and ignored.
    frames, findings = decode(BOM + BOM + b"data: x\n\n")
    assert frames == []
    assert checks(findings) == ["WIRE-005"]
    # A BOM anywhere else is ordinary data.
    frames, findings = decode(b"data: " + BOM + b"x\n\n")
    assert [f.text for f in frames] == ["\ufeffx"]
    assert findings == []


def test_partial_bom_at_end_of_body_is_not_a_bom():
    frames, findings = decode(b"\xef\xbb")
    assert frames == []
    assert "WIRE-001" in checks(findings)


# -- fields ---------------------------------------------------------------------------------------------


def test_comments_are_ignored():
    frames, findings = decode(b": keep-alive\n\n:another\ndata: x\n: inside\n\n")
    assert [f.text for f in frames] == ["x"]
    assert findings == []


def test_data_without_space_and_with_two_spaces():
    frames, _ = decode(b"data:x\n\ndata:  y\n\ndata:\n\n")
    assert [f.text for f in frames] == ["x", " y", ""]


def test_field_without_colon():
    frames, findings = decode(b"data\n\nevent\ndata: x\n\ndata\ndata\n\n")
    assert [(f.text, f.event) for f in frames] == [("", None), ("x", ""), ("\n", None)]
    assert findings == []


def test_value_keeps_colons_after_the_first():
    frames, _ = decode(b'data: {"a": "b:c"}\n\n')
    assert frames[0].text == '{"a": "b:c"}'


def test_event_and_id_fields_and_id_persistence():
    body = b"event: one\nid: 7\ndata: a\n\nevent: two\ndata: b\n\nid:\ndata: c\n\n"
    frames, findings = decode(body)
    assert [(f.text, f.event, f.id) for f in frames] == [("a", "one", "7"), ("b", "two", "7"), ("c", None, "")]
    assert findings == []


def test_event_name_does_not_leak_into_next_event():
    frames, _ = decode(b"event: x\ndata: 1\n\ndata: 2\n\n")
    assert [f.event for f in frames] == ["x", None]


def test_id_with_nul_is_ignored():
    frames, findings = decode(b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n")
    assert [f.id for f in frames] == ["1", "1"]
    assert checks(findings) == ["WIRE-005"]
    assert findings[0].location.offset == len(b"id: 1\ndata: a\n\n")


@pytest.mark.parametrize(
    ("line", "expected", "finding"),
    [
        (b"retry: 3000", 3000, []),
        (b"retry:15", 15, []),
        (b"retry: 3s", None, ["WIRE-005"]),
        (b"retry: -1", None, ["WIRE-005"]),
        (b"retry:", None, ["WIRE-005"]),
        ("retry: \u0663".encode(), None, ["WIRE-005"]),  # an Arabic-Indic digit is not an ASCII digit
    ],
)
def test_retry_field(line, expected, finding):
    frames, findings = decode(line + b"\ndata: x\n\n")
    assert frames[0].retry == expected
    assert checks(findings) == finding


def test_unknown_field_is_reported_as_info():
    frames, findings = decode(b"foo: bar\ndata: x\n\n")
    assert [f.text for f in frames] == ["x"]
    assert checks(findings) == ["WIRE-005"]
    assert findings[0].severity.value == "info"


def test_blank_line_without_data_dispatches_nothing():
    frames, findings = decode(b"event: ping\n\nid: 4\n\nretry: 10\n\n\n\n\ndata: real\n\n")
    # id and retry outlive the event that carried them (WHATWG: last event ID, reconnection time)
    assert [(f.text, f.event, f.id, f.retry) for f in frames] == [("real", None, "4", 10)]
    assert findings == []


def test_retry_persists_and_a_bad_retry_keeps_the_previous_value():
    frames, findings = decode(b"data: a\n\nretry: 5\ndata: b\n\ndata: c\n\nretry: x\ndata: d\n\nretry: 7\ndata: e\n\n")
    assert [(f.text, f.retry) for f in frames] == [("a", None), ("b", 5), ("c", 5), ("d", 5), ("e", 7)]
    assert checks(findings) == ["WIRE-005"]


# -- truncation, bad bytes, limits -----------------------------------------------------------------------


@pytest.mark.parametrize("tail", [b"data: y", b"data: y\n", b"data: y\r\n", b"event: e\ndata: y\r"])
def test_final_event_without_blank_line_is_truncated(tail):
    body = b"data: x\n\n" + tail
    frames, findings = decode(body)
    assert [f.text for f in frames] == ["x", "y"]
    assert [f.truncated for f in frames] == [False, True]
    assert checks(findings) == ["WIRE-003"]
    assert findings[0].location.offset == 9
    assert frames[1].offset == 9 and frames[1].end == len(body)


def test_stream_ending_cleanly_has_no_truncation():
    frames, findings = decode(b"data: x\n\n: trailing comment\n")
    assert [f.truncated for f in frames] == [False]
    assert findings == []


def test_invalid_utf8_reported_at_absolute_offset_and_decoding_continues():
    body = b"data: ok\n\ndata: a\xffb\n\ndata: \xc3\n\ndata: c\n\n"
    frames, findings = decode(body)
    assert [f.text for f in frames] == ["ok", "a\ufffdb", "\ufffd", "c"]
    assert checks(findings) == ["WIRE-001", "WIRE-001"]
    assert findings[0].location.offset == body.index(b"\xff")
    assert findings[1].location.offset == body.index(b"\xc3")
    assert findings[0].location.frame == 1


def test_invalid_utf8_offset_counts_the_bom():
    body = BOM + b"data: \x80\n\n"
    _, findings = decode(body)
    assert [(f.check, f.location.offset) for f in findings] == [("WIRE-001", body.index(b"\x80"))]


def test_split_utf8_sequence_across_chunks_is_valid():
    body = "data: h\u00e9llo \U0001f600\n\n".encode()
    for cut in range(1, len(body)):
        frames, findings = feed_in_pieces(body, [cut])
        assert [f.text for f in frames] == ["h\u00e9llo \U0001f600"]
        assert findings == []


def test_oversized_frame_dropped_and_later_frames_decoded():
    big = b"data: " + b"x" * 100 + b"\n\n"
    body = b"data: a\n\n" + big + b"data: b\n\n"
    frames, findings = decode(body, max_frame_bytes=32)
    assert [f.text for f in frames] == ["a", "b"]
    assert checks(findings) == ["WIRE-002"]
    assert findings[0].location.offset == 9
    assert frames[1].offset == 9 + len(big)


def test_truncated_oversized_frame_yields_no_placeholder():
    # The body ends inside an event that went over the limit: nothing (not None) is yielded for it.
    for body in (b"data: a\ndata: " + b"x" * 20, b"data\r\x00\x00\x00\x00"):
        frames, findings = decode(body, max_frame_bytes=8)
        assert frames == []
        assert "WIRE-002" in checks(findings)
        decoder = SSEDecoder(max_frame_bytes=8)
        assert decoder.feed(body) + decoder.close() == []


def test_oversized_frame_made_of_many_small_lines():
    body = b"data: 0123456789\n" * 5 + b"\ndata: b\n\n"
    frames, findings = decode(body, max_frame_bytes=40)
    assert [f.text for f in frames] == ["b"]
    assert checks(findings) == ["WIRE-002"]


def test_oversized_line_split_across_chunks_same_as_whole():
    body = b"data: a\n\n" + b"data: " + b"y" * 200 + b"\n\ndata: b\n\n"
    whole = decode(body, max_frame_bytes=32)
    assert [f.text for f in whole[0]] == ["a", "b"]
    for cuts in ([20], [20, 60, 100], list(range(1, len(body), 7)), list(range(1, len(body)))):
        assert feed_in_pieces(body, cuts, max_frame_bytes=32) == whole


@pytest.mark.parametrize("tail", [b"\n", b"\r", b"\r\n", b"\rdata: b\r"])
def test_body_ending_inside_an_oversized_event_same_in_any_chunking(tail):
    body = b"data: a\ndata: " + b"x" * 30 + tail
    whole = decode(body, max_frame_bytes=16)
    assert "WIRE-002" in checks(whole[1]) and "WIRE-003" in checks(whole[1])
    for cut in range(1, len(body)):
        assert feed_in_pieces(body, [cut], max_frame_bytes=16) == whole, cut


def test_oversized_line_ending_in_cr_at_chunk_end_keeps_next_event():
    # The chunk ends with the CR that terminates an over-long line; the next chunk starts with the
    # blank line (another CR). The decoder must not swallow that blank line as the rest of the long line.
    body = b"data: " + b"x" * 12 + b"\r\rdata: z\r\r"
    whole = decode(body, max_frame_bytes=10)
    assert [f.text for f in whole[0]] == ["z"]
    cut = body.index(b"\r") + 1
    assert feed_in_pieces(body, [cut], max_frame_bytes=10) == whole


# -- offsets --------------------------------------------------------------------------------------------


def test_frame_offsets_cover_their_lines():
    events = [b"event: a\r\ndata: 1\r\n\r\n", b": c\r\ndata: 22\r\ndata: 3\r\n\r\n", b"id: 9\r\ndata: 4\r\n\r\n"]
    body = b"".join(events)
    frames, _ = decode(body)
    position = 0
    for frame, raw in zip(frames, events):
        assert (frame.offset, frame.end) == (position, position + len(raw))
        assert body[frame.offset : frame.end] == raw
        position += len(raw)
    assert [f.index for f in frames] == [0, 1, 2]


# -- properties -----------------------------------------------------------------------------------------

LINE_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12)
EOLS = [b"\n", b"\r\n", b"\r"]


@st.composite
def sse_events(draw):
    """Events as (data lines, event name, id) with the bytes that encode each one."""
    eol_style = draw(st.sampled_from(["lf", "crlf", "cr", "mixed"]))

    previous = [b""]

    def eol():
        if eol_style == "mixed":
            # a lone CR followed by LF would be one CRLF line end, not two
            choice = draw(st.sampled_from([b"\r\n", b"\r"] if previous[0] == b"\r" else EOLS))
        else:
            choice = {"lf": b"\n", "crlf": b"\r\n", "cr": b"\r"}[eol_style]
        previous[0] = choice
        return choice

    def field(name: str, value: str) -> bytes:
        space = value.startswith(" ") or draw(st.booleans())
        return name.encode() + (b": " if space else b":") + value.encode() + eol()

    events = []
    for _ in range(draw(st.integers(0, 6))):
        lines = draw(st.lists(LINE_TEXT, min_size=1, max_size=4))
        name = draw(st.none() | LINE_TEXT)
        ident = draw(st.none() | LINE_TEXT.filter(lambda s: "\x00" not in s))
        raw = b""
        if draw(st.booleans()):
            raw += b":" + draw(LINE_TEXT).encode() + eol()
        if name is not None:
            raw += field("event", name)
        if ident is not None:
            raw += field("id", ident)
        for line in lines:
            raw += field("data", line)
        raw += eol()
        events.append((lines, name, ident, raw))
    bom = draw(st.booleans())
    return events, (BOM if bom else b"")


@given(sse_events())
def test_round_trip(spec):
    events, prefix = spec
    body = prefix + b"".join(raw for *_, raw in events)
    frames, findings = decode(body)
    assert findings == []
    assert len(frames) == len(events)
    last_id = None
    position = len(prefix)
    for frame, (lines, name, ident, raw) in zip(frames, events):
        if ident is not None:
            last_id = ident
        assert frame.text == "\n".join(lines)
        assert frame.event == name
        assert frame.id == last_id
        assert not frame.truncated
        assert (frame.offset, frame.end) == (position, position + len(raw))
        assert body[frame.offset : frame.end] == raw
        position += len(raw)


def _cuts(body_strategy):
    return body_strategy.flatmap(
        lambda body: st.tuples(st.just(body), st.lists(st.integers(0, len(body)), max_size=12))
    )


TAILS = st.sampled_from([b"", b"data: tail", b"data: tail\r", b"event: x\n", b"data: \xff\xfe\n"])


@given(_cuts(st.tuples(sse_events(), TAILS).map(
    lambda pair: pair[0][1] + b"".join(raw for *_, raw in pair[0][0]) + pair[1])))
def test_chunking_invariance_on_event_streams(case):
    body, cuts = case
    assert feed_in_pieces(body, cuts) == decode(body)


# Bytes biased towards what matters to the parser: line ends, colons, BOM pieces, field names, bad UTF-8.
TOKENS = st.sampled_from(
    [b"\r", b"\n", b"\r\n", b":", b" ", b"data", b"event", b"id", b"retry", b"data: ", b"1", b"x",
     BOM, b"\xef", b"\xbb", b"\xbf", b"\xc3", b"\xa9", b"\xff", b"\x00", "\U0001f600".encode()]
)
WIRE_BYTES = st.lists(TOKENS | st.binary(max_size=4), max_size=40).map(b"".join)


@given(_cuts(WIRE_BYTES))
def test_chunking_invariance_on_arbitrary_bytes(case):
    body, cuts = case
    assert feed_in_pieces(body, cuts) == decode(body)


@given(_cuts(WIRE_BYTES), st.integers(4, 24))
def test_chunking_invariance_with_a_small_frame_limit(case, limit):
    body, cuts = case
    assert feed_in_pieces(body, cuts, max_frame_bytes=limit) == decode(body, max_frame_bytes=limit)


def test_bytewise_feeding_equals_whole():
    body = BOM + b"event: a\r\ndata: 1\r\rdata: \xc3\xa9\n\n: c\nid: 3\x00\nretry: x\ndata: 2\r\n\r\ndata: end"
    assert feed_bytewise(body) == decode(body)
    assert feed_bytewise(body, max_frame_bytes=12) == decode(body, max_frame_bytes=12)


def test_a_body_of_many_regions_fed_at_once_decodes_as_in_pieces():
    """The fast path splits a region of complete events at a time, and takes an event longer than a
    region alone: a whole body fed at once gives what any feeding gives."""
    events = [(f"e{n}", "x" * (n % 300)) for n in range(2000)] + [("big", "y" * 100_000), ("tail", "z")]
    body = encode(events)
    whole = decode(body)
    assert len(body) > 4 * 65536 and whole[1] == []
    assert [(f.event, f.text) for f in whole[0]] == events
    assert feed_in_pieces(body, range(1000, len(body), 1000)) == whole


def test_event_names_past_the_kept_few_are_still_decoded():
    names = [f"type.{number}" for number in range(300)] * 2  # more than the decoder keeps decoded
    body = b"".join(f"event: {name}\ndata: {{}}\n\n".encode() for name in names)
    frames, findings = decode(body)
    assert [f.event for f in frames] == names and findings == []


@pytest.mark.parametrize("eol", [b"\n", b"\r\n"])
def test_events_the_fast_path_cannot_take_are_read_line_by_line_in_place(eol):
    """One feed: plain events around an ``id`` field, two data lines with a comment, invalid UTF-8,
    a run of blank lines. Each odd event goes through the line path where it stands, so the frames
    are those of a byte-by-byte feed, which never takes the fast path."""
    lines = [b"event: a", b"data: 1", b"", b"id: 7", b"data: 2", b"", b": note", b"data: 3", b"data: 4", b"",
             b"data: \xff", b"", b"", b"", b"data: 5", b"", b""]
    body = eol.join(lines)
    frames, findings = decode(body)
    assert [(f.payload, f.event, f.id) for f in frames] == [
        (b"1", "a", None), (b"2", None, "7"), (b"3\n4", None, "7"), ("\ufffd".encode(), None, "7"), (b"5", None, "7"),
    ]
    assert checks(findings) == ["WIRE-001"]
    assert findings[0].location.offset == body.index(b"\xff")
    assert [body[f.offset : f.end].endswith(eol + eol) for f in frames] == [True] * 5
    assert (frames, findings) == feed_bytewise(body)


@given(st.binary(max_size=300) | WIRE_BYTES, st.sampled_from([None, 8, 64]))
def test_arbitrary_bytes_never_raise_and_findings_are_catalogued_wire_checks(body, limit):
    options = {} if limit is None else {"max_frame_bytes": limit}
    frames, findings = decode(body, **options)
    known = catalogue()
    for item in findings:
        assert item.check.startswith("WIRE-")
        assert item.check in known
        assert item.location.offset is not None and 0 <= item.location.offset <= len(body)
    for frame in frames:
        assert 0 <= frame.offset < frame.end <= len(body)
        frame.payload.decode("utf-8")  # what was not UTF-8 was reported and replaced


@given(st.binary(max_size=300) | WIRE_BYTES)
def test_frames_strictly_increasing_and_non_overlapping(body):
    frames, _ = decode(body)
    for before, after in zip(frames, frames[1:]):
        assert before.offset < after.offset
        assert before.end <= after.offset
    assert [f.index for f in frames] == list(range(len(frames)))
    assert all(not f.truncated for f in frames[:-1])


@given(st.lists(LINE_TEXT, min_size=1, max_size=5))
def test_data_lines_always_join_with_lf(lines):
    body = b"".join(b"data: " + line.encode() + b"\n" for line in lines) + b"\n"
    frames, findings = decode(body)
    assert [f.text for f in frames] == ["\n".join(lines)]
    assert findings == []
