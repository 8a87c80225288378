"""Feeding a decoder a body in pieces, as a network would; shared by the wire decoders' tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def feed(decoder: Any, body: bytes, cuts: Iterable[int]) -> tuple[list[Any], list[Any]]:
    """Feed ``body`` split at ``cuts``, close, and return the frames and the decoder's findings."""
    frames = []
    previous = 0
    for cut in sorted(set(cuts)) + [len(body)]:
        frames += decoder.feed(body[previous:cut])
        previous = cut
    frames += decoder.close()
    return frames, decoder.findings
