"""The streamed-JSON-array splitter: same frames for any chunking, findings (never exceptions) for bad framing."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from harness.wire.frames import Frame
from harness.wire.jsonstream import JSONStreamDecoder

# A.8's array example, with the CRLF separators and pretty-printing Gemini sends
ELEMENTS = [{"candidates": [{"content": {"parts": [{"text": 'a "quoted" } ] { [ \\ brace'}]}}]},
            {"usageMetadata": {"promptTokenCount": 3}, "x": ["é", "🙂", "\u2028"]},
            {"candidates": [{"finishReason": "STOP", "index": 0}]}]
BODY = ("[" + ",\r\n".join(json.dumps(e, indent=2, ensure_ascii=False) for e in ELEMENTS) + "]").encode()


def split(body: bytes, chunks: list[bytes]) -> tuple[list[Frame], list[str]]:
    decoder = JSONStreamDecoder()
    frames = [frame for chunk in chunks for frame in decoder.feed(chunk)] + decoder.close()
    return frames, [f.check for f in decoder.findings]


@st.composite
def chunkings(draw: st.DrawFn, body: bytes) -> list[bytes]:
    cuts = sorted(set(draw(st.lists(st.integers(0, len(body)), max_size=20))))
    bounds = [0, *cuts, len(body)]
    return [body[a:b] for a, b in zip(bounds, bounds[1:])]


def test_elements_with_offsets() -> None:
    frames, checks = split(BODY, [BODY])
    assert checks == []
    assert [json.loads(f.text) for f in frames] == ELEMENTS
    assert all(BODY[f.offset:f.end].decode() == f.text for f in frames)


@given(data=st.data())
def test_any_chunking_gives_the_same_frames(data: st.DataObject) -> None:
    whole = split(BODY, [BODY])
    frames, checks = split(BODY, data.draw(chunkings(BODY)))
    assert [(f.offset, f.end, f.payload) for f in frames] == [(f.offset, f.end, f.payload) for f in whole[0]]
    assert checks == whole[1]
    assert [f.payload.decode("utf-8") for f in frames] == [f.text for f in frames]  # replaced, after WIRE-001


def test_malformed_framing_is_reported() -> None:
    assert split(b'{"a":1}]', [b'{"a":1}]'])[1] == ["WIRE-401"]  # no opening bracket
    assert split(b'[{"a":1}{"b":2}]', [b'[{"a":1}{"b":2}]'])[1] == ["WIRE-401"]  # missing comma
    assert split(b'[{"a":1}, junk ,{"b":2}]', [b'[{"a":1}, junk ,{"b":2}]'])[1] == ["WIRE-401"]
    assert split(b'[{"a":1},]', [b'[{"a":1},]'])[1] == ["WIRE-401"]  # trailing comma
    assert split(b'[{"a":1}] x', [b'[{"a":1}] x'])[1] == ["WIRE-401"]  # junk after the array
    frames, checks = split(b'[{"a":1},{"b":', [b'[{"a":1},{"b":'])
    assert len(frames) == 1 and checks == ["WIRE-003"]  # truncated element: not handed on
    assert split(b'[{"a":1}', [b'[{"a":1}'])[1] == ["WIRE-003"]  # no closing bracket


def test_invalid_utf8_is_a_finding() -> None:
    frames, checks = split(b'[{"a":"\xff"}]', [b'[{"a":"\xff"}]'])
    assert checks == ["WIRE-001"] and len(frames) == 1


@given(body=st.binary(max_size=300), data=st.data())
def test_arbitrary_bytes_never_raise_and_chunking_never_matters(body: bytes, data: st.DataObject) -> None:
    whole = split(body, [body])
    frames, checks = split(body, data.draw(chunkings(body)))
    assert [(f.offset, f.end, f.text) for f in frames] == [(f.offset, f.end, f.text) for f in whole[0]]
    assert checks == whole[1]
