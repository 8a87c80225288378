"""Where each frame of a recorded body sits, by the framing the pipeline reads it with: faults act on
frames (an event index means the same event to the server and to ``harness check``)."""

from __future__ import annotations

from harness.exchange import Exchange
from harness.findings import Finding
from harness.pipeline import frames as pipeline_frames  # the pipeline's own choice of decoder, so both agree
from harness.providers.base import Provider


def frame_spans(exchange: Exchange, provider: Provider | None) -> list[tuple[int, int]]:
    """Each frame's byte span, reaching to the next frame's start: the bytes between two frames (SSE
    comments, a JSON array's commas) go with the frame before them."""
    findings: list[Finding] = []
    frames = list(pipeline_frames(exchange, provider, findings) or ())
    starts = [frame.offset for frame in frames]
    return [(start, end) for start, end in zip(starts, [*starts[1:], frames[-1].end if frames else 0])]
