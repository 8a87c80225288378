"""The AWS event-stream decoder and encoder (harness/wire/eventstream.py).

Three independent references: the official vectors from aws/aws-sdk-go (read from ../shared/corpus,
skipped when absent), the byte strings printed in specs/gemini-mistral-bedrock.md E.6 (which its
author checked with botocore), and botocore's own ``EventStreamBuffer`` on generated messages.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.pipeline import check_path, run_body
from harness.wire.eventstream import EventStreamDecoder, Header, encode_event, encode_message, parse_headers
from suites.corpus import CORPUS

botocore_eventstream = pytest.importorskip("botocore.eventstream")

VECTORS = CORPUS / "aws-eventstream-vectors"
NEGATIVE_CHECKS = {"Prelude checksum mismatch": "WIRE-010", "Message checksum mismatch": "WIRE-012"}


def decode(body: bytes, cuts: list[int] = ()) -> tuple[list, list[str]]:
    decoder = EventStreamDecoder()
    bounds = [0, *sorted(set(cuts)), len(body)]
    frames = [frame for start, end in zip(bounds, bounds[1:]) for frame in decoder.feed(body[start:end])]
    frames += decoder.close()
    return frames, [item.check for item in decoder.findings]


def _vectors(kind: str) -> list[Path]:
    return sorted(VECTORS.glob(f"{kind}.*.encoded.bin")) if VECTORS.is_dir() else []


def _skip_without_corpus(paths: list[Path]) -> list[object]:
    return paths or [pytest.param(None, marks=pytest.mark.skip(reason=f"no vectors at {VECTORS}"))]


# -- the official vectors ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoded", _skip_without_corpus(_vectors("positive")), ids=lambda p: p and p.name)
def test_every_positive_vector_decodes_to_its_decoded_json(encoded: Path) -> None:
    expected = json.loads(encoded.with_name(encoded.name.replace(".encoded.bin", ".decoded.json")).read_text())
    body = encoded.read_bytes()
    (frame,), problems = decode(body)
    assert problems == []
    assert (frame.offset, frame.end) == (0, expected["total_length"])
    headers = parse_headers(body[12 : 12 + expected["headers_length"]])
    assert [_as_vector(header) for header in headers] == expected["headers"]
    assert frame.payload == base64.b64decode(expected["payload"])
    assert int.from_bytes(body[8:12], "big", signed=True) == expected["prelude_crc"]  # aws-sdk-go keeps int32
    assert int.from_bytes(body[-4:], "big", signed=True) == expected["message_crc"]


def _as_vector(header: Header) -> dict[str, object]:
    """A header as aws-sdk-go's decoded JSON writes it: strings, bytes and UUIDs base64."""
    value = header.value
    if isinstance(value, UUID):
        value = base64.b64encode(value.bytes).decode()
    elif isinstance(value, (str, bytes)):
        value = base64.b64encode(value.encode() if isinstance(value, str) else value).decode()
    return {"name": header.name, "type": header.type, "value": value}


@pytest.mark.parametrize("encoded", _skip_without_corpus(_vectors("negative")), ids=lambda p: p and p.name)
def test_every_negative_vector_is_rejected_with_the_finding_naming_the_fault(encoded: Path) -> None:
    reason = encoded.with_name(encoded.name.replace(".encoded.bin", ".decoded.json")).read_text().strip()
    frames, problems = decode(encoded.read_bytes())
    assert frames == [] and problems == [NEGATIVE_CHECKS[reason]]


# -- the spec's byte strings (E.6) --------------------------------------------------------------------------

EMPTY = "00 00 00 10 00 00 00 00 05 c2 48 eb 7d 98 c8 ff"
CONTENT_BLOCK_DELTA = """
00 00 00 9f 00 00 00 57 c3 7b ab ff 0b 3a 65 76 65 6e 74 2d 74 79 70 65 07 00 11 63 6f 6e 74 65 6e 74
42 6c 6f 63 6b 44 65 6c 74 61 0d 3a 63 6f 6e 74 65 6e 74 2d 74 79 70 65 07 00 10 61 70 70 6c 69 63 61
74 69 6f 6e 2f 6a 73 6f 6e 0d 3a 6d 65 73 73 61 67 65 2d 74 79 70 65 07 00 05 65 76 65 6e 74 7b 22 63
6f 6e 74 65 6e 74 42 6c 6f 63 6b 49 6e 64 65 78 22 3a 30 2c 22 64 65 6c 74 61 22 3a 7b 22 74 65 78 74
22 3a 22 48 69 22 7d 2c 22 70 22 3a 22 61 62 63 64 22 7d f2 ac e5 ff"""
EVERY_TYPE = """
00 00 00 60 00 00 00 4e 6d 74 c4 b3 01 74 00 01 66 01 01 62 02 ff 01 73 03 ff fe 01 69 04 00 00 00 07
01 6c 05 00 00 01 00 00 00 00 00 01 79 06 00 02 01 02 01 7a 07 00 02 6f 6b 02 74 73 08 00 00 01 8b cf
e5 68 00 01 75 09 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 7b 7d 95 08 1a 55"""


def test_encoder_writes_the_spec_bytes() -> None:
    assert encode_message({}, b"") == bytes.fromhex(EMPTY)
    payload = b'{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}'
    assert encode_event("contentBlockDelta", payload) == bytes.fromhex(CONTENT_BLOCK_DELTA)


def test_every_header_type_decodes_as_the_spec_lists_it() -> None:
    (frame,), problems = decode(bytes.fromhex(EVERY_TYPE))
    assert problems == [] and frame.payload == b"{}"
    assert frame.headers == {"t": True, "f": False, "b": -1, "s": -2, "i": 7, "l": 2**40, "y": b"\x01\x02",
                             "z": "ok", "ts": 1700000000000, "u": UUID("00112233-4455-6677-8899-aabbccddeeff")}


# -- any split, any damage ------------------------------------------------------------------------------------

header_values = st.one_of(st.booleans(), st.integers(-(2**63), 2**63 - 1), st.binary(max_size=40),
                          st.text(max_size=40), st.uuids())
messages = st.lists(
    st.tuples(st.dictionaries(st.text(min_size=1, max_size=20).filter(lambda n: len(n.encode()) < 128),
                              header_values, max_size=5),
              st.binary(max_size=300)),
    min_size=1, max_size=6,
).map(lambda items: [encode_message(headers, payload) for headers, payload in items])


@given(messages, st.lists(st.integers(0, 3000), max_size=12))
def test_any_split_gives_the_frames_botocore_reads(encoded: list[bytes], cuts: list[int]) -> None:
    body = b"".join(encoded)
    frames, problems = decode(body, [cut for cut in cuts if cut < len(body)])
    assert problems == []
    oracle = botocore_eventstream.EventStreamBuffer()
    oracle.add_data(body)
    expected = [(message.headers, message.payload) for message in oracle]
    assert [(_botocore_headers(frame.headers), frame.payload) for frame in frames] == expected
    assert [frame.offset for frame in frames] == [sum(map(len, encoded[:n])) for n in range(len(encoded))]


def _botocore_headers(headers: dict[str, object]) -> dict[str, object]:
    """botocore keeps UUIDs as their 16 bytes; everything else matches ours."""
    return {name: value.bytes if isinstance(value, UUID) else value for name, value in headers.items()}


@given(messages, st.data())
def test_damage_anywhere_is_a_wire_finding_and_earlier_messages_survive(encoded: list[bytes], data) -> None:
    body = bytearray(b"".join(encoded))
    at = data.draw(st.integers(0, len(body) - 1), label="byte")
    body[at] ^= data.draw(st.integers(1, 255), label="xor")
    frames, problems = decode(bytes(body))
    intact = next(n for n in range(len(encoded) + 1) if sum(map(len, encoded[:n + 1])) > at)
    assert problems and all(check.startswith("WIRE-") for check in problems)
    assert len(frames) >= intact  # every message before the damaged one still decodes


@given(messages, st.data())
def test_a_cut_stream_is_truncation_or_trailing_bytes(encoded: list[bytes], data) -> None:
    body = b"".join(encoded)
    end = data.draw(st.integers(1, len(body) - 1), label="end")
    frames, problems = decode(body[:end])
    boundaries = {sum(map(len, encoded[:n])) for n in range(len(encoded) + 1)}
    assert problems == ([] if end in boundaries else [problems[0]])
    if end not in boundaries:
        assert problems[0] in ("WIRE-003", "WIRE-009")


def test_an_event_stream_served_as_json_is_read_and_flagged() -> None:
    body = encode_event("chunk", b'{"bytes":"eyJ0eXBlIjoicGluZyJ9"}')  # {"type":"ping"}
    result = run_body("bedrock-invoke-model", body, content_type="application/json")
    assert result.frames == 1 and "WIRE-007" in {item.check for item in result.findings}


@pytest.mark.parametrize("encoded", _skip_without_corpus(_vectors("negative")), ids=lambda p: p and p.name)
def test_harness_check_judges_the_framing_of_a_body_no_family_claims(encoded: Path) -> None:
    reason = encoded.with_name(encoded.name.replace(".encoded.bin", ".decoded.json")).read_text().strip()
    report = check_path(encoded)
    assert {item.check for item in report.findings} == {"CASSETTE-010", NEGATIVE_CHECKS[reason]}
    assert report.verdict == "fail"
