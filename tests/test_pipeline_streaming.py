"""The pipeline reads a body in one pass, frame by frame, and keeps the canonical log only when asked."""

from __future__ import annotations

import pytest

from harness.pipeline import run_body
from harness.wire.sse import SSEDecoder
from tests.providers.test_anthropic_messages import PROVIDER, end, start, text, wire

PIECES = ["Hello", ", ", "wörld", "!\n"] * 50


def report(keep_events: bool, pieces: list[str] = PIECES):
    return run_body(PROVIDER, wire([start(), *text(0, *pieces), *end("end_turn")]), keep_events=keep_events)


def test_the_event_log_is_kept_only_on_request():
    without, kept = report(keep_events=False), report(keep_events=True)
    assert without.events == []
    assert without.event_count == len(kept.events) == len(PIECES) + 6  # start, usage x2, item, end, completion
    assert [event.seq for event in kept.events] == list(range(kept.event_count))
    assert without.turn == kept.turn
    assert without.findings == kept.findings == []


@pytest.mark.parametrize("size", [70_000, 300_000])
def test_an_event_longer_than_one_feed(size):
    """The decoder is fed 64 KiB at a time: an event spanning feeds arrives whole, and so do the small
    events around it, whether they came before or after it."""
    pieces = ["a", "b" * size, "c", "d" * (size // 2), "e"]
    result = report(keep_events=False, pieces=pieces)
    assert result.findings == []
    assert result.turn.items[0].text == {0: "".join(pieces)}
    assert result.frames == len(pieces) + 5


def test_feeds_cut_anywhere_give_the_frames_of_one_feed():
    body = wire([start(), *text(0, *PIECES), *end("end_turn")])
    whole = SSEDecoder()
    frames = whole.feed(body) + whole.close()
    for size in (1, 7, 64, 1000):
        decoder = SSEDecoder()
        cut = [frame for at in range(0, len(body), size) for frame in decoder.feed(body[at : at + size])]
        assert cut + decoder.close() == frames
