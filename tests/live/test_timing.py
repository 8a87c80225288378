"""Recorded chunk boundaries and arrival times on the wire: a cassette written with them is served in
those pieces, at their times scaled by ``speed`` (lower bounds only: a loaded machine is late, never
early), and an injected stall pushes the rest back."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from harness.cassette import CassetteMeta, load, save
from harness.exchange import Exchange, Request, Response
from harness.live.faults import FaultSpec
from harness.live.library import Library
from harness.live.serve import serving

PIECES = [b'event: ping\ndata: {"type": "ping"}\n\n', b'event: pi', b'ng\ndata: {"type": "ping"}\n\n',
          b'event: ping\ndata: {"type": "ping"}\n\n']
TIMES = [0.0, 0.05, 0.05, 0.15]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    folder = tmp_path_factory.mktemp("timed")
    body = b"".join(PIECES)
    offsets = [sum(map(len, PIECES[:n])) for n in range(1, len(PIECES))]
    response = Response(headers={"content-type": ["text/event-stream"]}, body=body, chunks=offsets, times=TIMES)
    request = Request(uri="https://api.anthropic.com/v1/messages", body=b'{"stream": true}', json={"stream": True})
    save(folder / "pings.yaml", [Exchange(0, request, response)], CassetteMeta(provider="anthropic-messages"))
    return Library.load([folder])


def _fetch(base: str) -> tuple[list[bytes], list[float]]:
    pieces, times = [], []
    with httpx.stream("POST", f"{base}/pings/v1/messages", json={"stream": True}, timeout=10) as reply:
        for piece in reply.iter_raw():
            times.append(time.perf_counter())
            pieces.append(piece)
    return pieces, [moment - times[0] for moment in times]


def test_the_cassette_keeps_its_chunks_and_times(library: Library) -> None:
    cassette = load(library.by_name["pings"].cassette.path)
    assert (cassette.exchanges[0].response.pieces(), cassette.exchanges[0].response.times) == (PIECES, TIMES)


@pytest.mark.parametrize("speed", [1.0, 2.0])
def test_pieces_arrive_as_recorded_scaled_by_speed(library: Library, speed: float) -> None:
    with serving(library, speed=speed) as app:
        pieces, times = _fetch(app.base_url)
    assert pieces == PIECES
    assert all(seen >= recorded / speed - 0.01 for seen, recorded in zip(times, TIMES)), times


def test_speed_zero_sends_at_once_and_a_stall_pushes_the_rest_back(library: Library) -> None:
    with serving(library, speed=0, faults=[FaultSpec.parse("stall:1=0.3")]) as app:
        pieces, times = _fetch(app.base_url)
    assert b"".join(pieces) == b"".join(PIECES)
    assert times[-1] >= 0.29 and app.journal.requests[0]["injected"] == ["stall 0.3s before event 1"]


@pytest.mark.parametrize("entry", [{"offsets": [5, 3]}, {"offsets": [0]}, {"offsets": [9999]}, {"offsets": ["1"]},
                                   {"offsets": [5], "times": [0.0]}, {"offsets": [5], "times": [0.2, 0.1]},
                                   {"offsets": [5], "times": [0.0, float("nan")]}, "junk"])
def test_a_malformed_chunk_entry_is_ignored_whole(tmp_path: Path, entry: object) -> None:
    import yaml

    path = tmp_path / "bad.yaml"
    save(path, [Exchange(0, Request(), Response(body=b"".join(PIECES), chunks=[5], times=[0.0, 0.1]))], CassetteMeta())
    document = yaml.safe_load(path.read_text())
    document["interactions"][0]["response"]["harness_chunks"] = entry
    path.write_text(yaml.safe_dump(document))
    response = load(path).exchanges[0].response
    assert (response.body, response.chunks, response.times) == (b"".join(PIECES), None, None)
