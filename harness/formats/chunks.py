"""Chunk boundaries and arrival times in a vcrpy cassette, under a key vcrpy ignores.

An interaction's response may carry ``harness_chunks: {offsets: [...], times: [...]}``: the byte
offsets where the body arrived in pieces and each piece's arrival, in seconds from the first byte.
vcrpy reads only ``body``, ``headers`` and ``status`` of a response, so such a cassette still replays
under plain vcrpy. ``harness record`` writes them and ``harness serve`` replays them.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

from harness.exchange import Response

KEY = "harness_chunks"


def chunk_entry(response: Response) -> dict[str, Any] | None:
    """What to store under ``KEY`` for ``response`` (None: nothing was recorded)."""
    if not response.chunks and not response.times:
        return None
    entry: dict[str, Any] = {"offsets": list(response.chunks or [])}
    if response.times is not None:
        entry["times"] = [round(time, 6) for time in response.times]
    return entry


def read_chunk_entry(raw: Any, response: Response) -> None:
    """Set ``response.chunks`` and ``times`` from a stored entry; a malformed entry (offsets not
    increasing inside the body, times not one per piece, not finite or going back) is ignored whole."""
    if not isinstance(raw, dict):
        return
    offsets, times = raw.get("offsets"), raw.get("times")
    size = len(response.body)
    if not isinstance(offsets, list) or not all(type(cut) is int for cut in offsets):
        return
    if any(not 0 < cut < size for cut in offsets) or any(a >= b for a, b in pairwise(offsets)):
        return
    if times is not None:
        if not isinstance(times, list) or len(times) != len(offsets) + 1:
            return
        if not all(isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t) for t in times):
            return
        if any(t < 0 for t in times) or any(a > b for a, b in pairwise(times)):
            return
        response.times = [float(t) for t in times]
    response.chunks = offsets or None
